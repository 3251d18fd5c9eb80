//! Envoy's retry budget and circuit breakers as counters of one balancer (its upstream
//! cluster): requests and retries in flight, and the decisions made against them. Kept
//! apart from `load_balancer.rs`: the engine keeps one `Guard` per balancer and updates it
//! where attempts start and end (`engine/overload.rs`).
use super::overload_spec::{CircuitBreaker, RetryBudget};

/// Counters of one balancer. `retries_active` counts attempts in flight that are retries;
/// the requests in flight are the balancer's open attempts (its targets' `active`).
#[derive(Clone, Debug, Default)]
pub struct Guard {
    pub budget: Option<RetryBudget>,
    pub breaker: Option<CircuitBreaker>,
    pub retries_active: u32,
    /// Refused by a breaker (`overflow`) and retries denied by the budget, in all.
    pub overflowed: u64,
    pub retries_denied: u64,
    /// When a breaker last refused (µs): the UI shows "circuit open" for a second after.
    pub last_overflow_us: Option<u64>,
}

impl Guard {
    pub fn new(budget: Option<RetryBudget>, breaker: Option<CircuitBreaker>) -> Self {
        Guard {
            budget,
            breaker,
            ..Guard::default()
        }
    }

    /// Envoy: a retry is allowed while the retries in flight are fewer than
    /// max(`min_retry_concurrency`, `budget_percent` % of the requests in flight), and
    /// fewer than the breaker's `max_retries`.
    pub fn retry_allowed(&self, requests_active: u32) -> bool {
        if let Some(b) = &self.budget {
            let share = (b.budget_percent / 100.0 * requests_active as f64) as u32;
            if self.retries_active >= share.max(b.min_retry_concurrency) {
                return false;
            }
        }
        if let Some(cb) = &self.breaker {
            if self.retries_active >= cb.max_retries {
                return false;
            }
        }
        true
    }

    /// Whether one more attempt may start with `requests_active` already in flight: under
    /// `max_requests`, and under the connection pool's room (`max_connections` in use plus
    /// `max_pending_requests` waiting for one). False: fail fast, 503 `overflow`.
    pub fn request_allowed(&self, requests_active: u32) -> bool {
        match &self.breaker {
            None => true,
            Some(cb) => {
                let pool = cb.max_connections.saturating_add(cb.max_pending_requests);
                requests_active < cb.max_requests && requests_active < pool
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_is_a_share_with_a_floor() {
        let g = |active_retries| Guard {
            retries_active: active_retries,
            ..Guard::new(Some(RetryBudget::default()), None)
        };
        // 100 requests in flight: 20 % is 20 retries.
        assert!(g(19).retry_allowed(100));
        assert!(!g(20).retry_allowed(100));
        // 5 requests: 20 % is 1, but min_retry_concurrency 3 allows 3.
        assert!(g(2).retry_allowed(5));
        assert!(!g(3).retry_allowed(5));
    }

    #[test]
    fn breaker_limits() {
        let cb = CircuitBreaker {
            max_connections: 10,
            max_pending_requests: 5,
            max_requests: 12,
            max_retries: 2,
        };
        let g = Guard::new(None, Some(cb));
        assert!(g.request_allowed(11));
        assert!(!g.request_allowed(12));
        let r = Guard {
            retries_active: 2,
            ..g
        };
        assert!(!r.retry_allowed(100));
    }
}
