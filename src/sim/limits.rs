//! Hard limits on every input (TigerBeetle style: everything has a bound).
//!
//! Together they bound memory and work: live requests ≤ `MAX_RATE_RPS` × `MAX_CLIENT_TIMEOUT_MS`
//! (1.2 M), pending events ≤ a small multiple of that, per-second buckets and logs are rings.
//! No input that passes validation can hang the simulator or exhaust memory.

pub const MAX_NAME_LEN: usize = 64;
pub const MAX_INSTANCES: usize = 2_000;
pub const MAX_BALANCERS: usize = 48;
pub const MAX_GATEWAYS: usize = 16;
pub const MAX_REGIONS: usize = 16;
/// Any price field (per hour, per month or per minute of downtime).
pub const MAX_PRICE: f64 = 1e9;
/// Each client caches its own DNS answer: bounded so the cache stays small.
pub const MAX_DNS_CLIENTS: u32 = 100_000;
pub const MAX_ZONES_PER_REGION: usize = 8;
pub const MAX_NODES: usize = 2_048;
pub const MAX_RATE_RPS: f64 = 20_000.0;
pub const MAX_CLIENTS: u32 = 1_000_000;
pub const MAX_CLIENT_TIMEOUT_MS: u64 = 60_000;
pub const MAX_PROFILE_STEPS: usize = 256;
pub const MAX_DURATION_S: u64 = 86_400;
pub const MAX_TIME_MS: u64 = MAX_DURATION_S * 1_000;
pub const MAX_HOP_LATENCY_MS: f64 = 1_000.0;
pub const MAX_WORKERS: u32 = 1_024;
pub const MAX_QUEUE: u32 = 100_000;
pub const MIN_SERVICE_MS: f64 = 0.001;
pub const MAX_SERVICE_MS: f64 = 60_000.0;
pub const MAX_SIGMA: f64 = 3.0;
pub const MAX_STARTUP_MS: u64 = 600_000;
pub const MAX_RESTART_AFTER_MS: u64 = 3_600_000;
pub const MAX_RETRIES: u32 = 10;
pub const MAX_TIMEOUT_MS: u64 = 600_000;
pub const MIN_CHECK_INTERVAL_MS: u64 = 100;
pub const MAX_CHECK_INTERVAL_MS: u64 = 300_000;
pub const MAX_THRESHOLD: u32 = 10;
pub const MAX_FAILS: u32 = 100;
pub const MAX_WEIGHT: u32 = 256;
pub const MAX_FAULTS: usize = 10_000;
pub const MAX_EXTRA_LATENCY_MS: f64 = 60_000.0;
pub const MAX_SEED: u64 = u64::MAX;
/// Random failures: a component fails at most every second on average, and repairs take at
/// least a millisecond, so a run's fault count stays bounded by its duration.
pub const MIN_MTBF_S: f64 = 1.0;
pub const MAX_MTBF_S: f64 = 1e9;
pub const MIN_MTTR_S: f64 = 0.001;
pub const MAX_MTTR_S: f64 = 1e7;

/// Per-second metric buckets kept (one hour): charts read the tail of this ring.
pub const SECONDS_KEPT: usize = 3_600;
/// Event-log entries kept for the UI.
pub const LOG_KEPT: usize = 256;
/// Failure records kept (the oldest are dropped, their count is kept).
pub const FAILURES_KEPT: usize = 256;
/// Request transfers buffered for animation between two drains.
pub const TRANSFERS_KEPT: usize = 4_096;

/// Longest share link the app writes to the address bar or opens (characters of the whole
/// link). Longer runs are shared as files (Export JSON).
pub const MAX_SHARE_LINK_CHARS: usize = 128 * 1024;
/// Largest scenario file the app or the command line reads (bytes).
pub const MAX_SCENARIO_BYTES: usize = 1024 * 1024;
/// Parameter overrides in one share link.
pub const MAX_OVERRIDES: usize = 64;
