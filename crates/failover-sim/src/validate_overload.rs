//! Validation of the overload settings (`overload_spec.rs`), every problem with its path,
//! as `validate.rs` does for the rest of the scenario.
use super::limits::{
    MAX_BREAKER_LIMIT, MAX_CLIENT_ATTEMPTS, MAX_RETRY_QUOTA_TOKENS, MAX_SERVER_MAXCONN,
    MAX_TIMEOUT_MS,
};
use super::overload_spec::{CircuitBreaker, ClientRetry, RetryBudget};
use super::scenario::Balancer;
use super::validate::Problems;

pub fn validate_client_retry(c: &ClientRetry, path: &str, p: &mut Problems) {
    p.range_u32(
        &format!("{path}.max_attempts"),
        c.max_attempts,
        1,
        MAX_CLIENT_ATTEMPTS,
    );
    p.range_u64(
        &format!("{path}.backoff_base_ms"),
        c.backoff_base_ms,
        0,
        MAX_TIMEOUT_MS,
    );
    p.range_u64(
        &format!("{path}.backoff_cap_ms"),
        c.backoff_cap_ms,
        0,
        MAX_TIMEOUT_MS,
    );
    if let Some(t) = c.retry_quota_tokens {
        p.range_u32(
            &format!("{path}.retry_quota_tokens"),
            t,
            0,
            MAX_RETRY_QUOTA_TOKENS,
        );
    }
}

pub fn validate_retry_budget(b: &RetryBudget, path: &str, p: &mut Problems) {
    p.range_f64(
        &format!("{path}.budget_percent"),
        b.budget_percent,
        0.0,
        100.0,
    );
    p.range_u32(
        &format!("{path}.min_retry_concurrency"),
        b.min_retry_concurrency,
        0,
        MAX_BREAKER_LIMIT,
    );
}

pub fn validate_circuit_breaker(c: &CircuitBreaker, path: &str, p: &mut Problems) {
    for (field, v) in [
        ("max_connections", c.max_connections),
        ("max_pending_requests", c.max_pending_requests),
        ("max_requests", c.max_requests),
        ("max_retries", c.max_retries),
    ] {
        p.range_u32(&format!("{path}.{field}"), v, 0, MAX_BREAKER_LIMIT);
    }
}

/// HAProxy server `maxconn` (at least 1: 0 would mean "no limit" in HAProxy, written `null`
/// here), `timeout queue` and `maxqueue` (0 = no limit, as in HAProxy).
pub fn validate_server_queue(b: &Balancer, path: &str, p: &mut Problems) {
    if let Some(m) = b.maxconn {
        p.range_u32(&format!("{path}.maxconn"), m, 1, MAX_SERVER_MAXCONN);
    }
    if let Some(t) = b.timeout_queue_ms {
        p.range_u64(&format!("{path}.timeout_queue_ms"), t, 1, MAX_TIMEOUT_MS);
    }
    p.range_u32(
        &format!("{path}.maxqueue"),
        b.maxqueue,
        0,
        MAX_SERVER_MAXCONN,
    );
}
