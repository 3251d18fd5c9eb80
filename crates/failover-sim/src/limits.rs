//! Hard limits on every input (TigerBeetle style: everything has a bound).
//!
//! Together they bound memory and work: live requests ≤ `MAX_RATE_RPS` × `MAX_CLIENT_TIMEOUT_MS`
//! (1.2 M), pending events ≤ a small multiple of that, per-second buckets and logs are rings.
//! No input that passes validation can hang the simulator or exhaust memory.

/// Every node, zone and region name, and every reference to one (`entry`, targets, faults…).
pub const MAX_NAME_LEN: usize = 64;
/// `description`, in characters: five times the longest preset explanation (≈ 800).
pub const MAX_DESCRIPTION_LEN: usize = 4_000;
/// `traffic.path` (a label), in characters.
pub const MAX_PATH_LEN: usize = 256;
/// A `set` fault's `param` (the longest is `health_check.fastinter_ms`).
pub const MAX_PARAM_LEN: usize = 64;
/// A `set` fault's text `value` (the longest word is an algorithm name).
pub const MAX_VALUE_LEN: usize = 64;
/// `retry_on` holds distinct conditions: there are five.
pub const MAX_RETRY_ON: usize = 5;
/// DNS failover routing: one primary and at most one secondary record.
pub const MAX_DNS_RECORDS: usize = 2;
/// A scenario file (or a link's scenario JSON), checked before parsing. A scenario at the
/// count limits that people write (2,000 instances, a few balancers over all of them and
/// thousands of faults, as `show`/Export JSON print it) is 1–3 MB; 4 MB parses in ~20 ms
/// natively. Wider files (every balancer over 2,000 targets) must be written compactly.
pub const MAX_SCENARIO_BYTES: usize = 4_000_000;
/// A share link, in characters (the whole address). Browsers refuse far longer URLs (Firefox
/// 1 MiB, `network.standard-url.max-length`; Chromium 2 MiB) and `history.replaceState`
/// fails silently past them, so the address bar would stop following the run; links also
/// travel through chat, mail and course pages, which cut much shorter ones. 128 KiB holds
/// any preset with thousands of clicks; a larger run travels as a file (Export JSON).
pub const MAX_SHARE_LINK_CHARS: usize = 128 * 1024;
/// Parameter overrides applied before a run (a link's `o=`, the CLI's `--set`).
pub const MAX_OVERRIDES: usize = 1_000;
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
/// Client attempts (first try included): the AWS SDKs allow any, 3 by default; 11 is
/// `MAX_RETRIES` retries, as for the proxies.
pub const MAX_CLIENT_ATTEMPTS: u32 = MAX_RETRIES + 1;
/// AWS retry quota tokens (500 by default).
pub const MAX_RETRY_QUOTA_TOKENS: u32 = 1_000_000;
/// Envoy circuit-breaker limits and `min_retry_concurrency` (Envoy's defaults are 1024).
pub const MAX_BREAKER_LIMIT: u32 = 1_000_000;
pub const MAX_TIMEOUT_MS: u64 = 600_000;
/// HAProxy server `maxconn` and `maxqueue` (HAProxy allows more; a simulated server has at
/// most `MAX_WORKERS` workers and `MAX_QUEUE` queue places, so larger limits change nothing).
pub const MAX_SERVER_MAXCONN: u32 = MAX_WORKERS + MAX_QUEUE;
pub const MIN_CHECK_INTERVAL_MS: u64 = 100;
pub const MAX_CHECK_INTERVAL_MS: u64 = 300_000;
pub const MAX_THRESHOLD: u32 = 10;
pub const MAX_FAILS: u32 = 100;
pub const MAX_WEIGHT: u32 = 256;
/// Consistent-hash ring of one balancer (Envoy `ring_hash`: `minimum_ring_size` 1024,
/// `maximum_ring_size` 8 M). The minimum keeps small balancers even (≥ 512 points per target
/// of two, ±4 %); the maximum, 1 MiB of 16-byte entries, bounds a scenario's rings to 48 MiB
/// however wide its balancers (2,000 targets of weight 256 asked for 32.8 M entries, 517 MB
/// per balancer) while still giving 32 points to each of 2,000 equal targets.
pub const MIN_RING_POINTS: usize = 1_024;
pub const MAX_RING_POINTS: usize = 65_536;
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
/// Autoscaling: the longest metric period (AWS alarms evaluate at most one day) and the
/// most datapoints an alarm or a stabilization window counts.
pub const MAX_METRIC_PERIOD_MS: u64 = 3_600_000;
pub const MAX_DATAPOINTS: u32 = 1_440;
