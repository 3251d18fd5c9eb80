//! The deterministic simulation core: pure Rust, no web-sys, no wall clock, no global RNG.
//!
//! The UI (and the CLI, and tests) drive it only through `Simulation`'s commands
//! (`schedule`, `run_until`, `step`) and read it only through snapshots (`snapshot`,
//! `series`, `drain_transfers`, `report`). See ARCHITECTURE.md for the map and invariants.
pub mod checkpoints;
pub mod client_retry;
pub mod compare;
pub mod cost;
pub mod database;
pub mod db_call;
pub mod deadlines;
pub mod dns;
pub mod edit;
pub mod engine;
pub mod event;
pub mod event_queue;
mod exponential_tables;
pub mod gateway;
pub mod glossary;
pub mod health_check;
pub mod histogram;
pub mod instance;
pub mod instance_overlays;
pub mod limits;
pub mod load_balancer;
pub mod many_runs;
pub mod metrics;
pub mod outlier_detection;
pub mod overload_metrics;
pub mod overload_presets;
pub mod overload_spec;
pub mod params;
pub mod passive_health;
pub mod presets;
pub mod recovery_validation;
pub mod recovery_view;
pub mod reliability;
pub mod replication;
pub mod report;
pub mod request;
pub mod retry_budget;
pub mod rng;
pub mod rollout;
pub mod scenario;
pub mod server_queue;
pub mod slow_start;
pub mod snapshot;
pub mod time;
pub mod topology;
pub mod trace_hash;
pub mod traffic;
pub mod validate;
pub mod validate_overload;
mod view;
pub mod ziggurat;

pub use engine::{Simulation, StepOutcome};
pub use scenario::{Fault, FaultAction, ParamValue, Scenario};
pub use snapshot::Snapshot;
pub use validate::{ValidationError, ValidationErrors};
