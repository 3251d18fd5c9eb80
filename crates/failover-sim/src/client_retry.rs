//! Client retries as the AWS SDKs' standard mode makes them: the backoff before each retry
//! (exponential, capped, fully jittered or not) and the retry quota, a token bucket that
//! stops retries when most of them fail (an outage) and refills on success.
//!
//! Pure arithmetic over one seeded stream: the engine (`engine/client_retries.rs`) decides
//! when a request is retried and sends it again.
use super::overload_spec::{ClientRetry, Jitter};
use super::rng::SimRng;
use super::time::{ms_to_us, TimeUs};

/// AWS SDK standard mode: a retry costs 5 tokens, a retry after a timeout 10.
pub const RETRY_COST: u32 = 5;
pub const TIMEOUT_RETRY_COST: u32 = 10;
/// A success without a retry gives one token back.
pub const NO_RETRY_INCREMENT: u32 = 1;

/// The backoff ceiling before retry number `retry` (1 for the first retry):
/// `min(cap, base · 2^(retry − 1))`, in µs.
pub fn backoff_ceiling_us(spec: &ClientRetry, retry: u32) -> TimeUs {
    let exp = retry.saturating_sub(1).min(40);
    let base = ms_to_us(spec.backoff_base_ms as f64);
    let cap = ms_to_us(spec.backoff_cap_ms as f64);
    base.saturating_mul(1u64 << exp).min(cap)
}

/// The sleep before retry number `retry`: the whole ceiling without jitter, a uniform draw
/// in [0, ceiling] with full jitter (AWS Builders' Library).
pub fn backoff_us(spec: &ClientRetry, retry: u32, rng: &mut SimRng) -> TimeUs {
    let ceiling = backoff_ceiling_us(spec, retry);
    match spec.jitter {
        Jitter::None => ceiling,
        Jitter::Full => {
            if ceiling == 0 {
                0
            } else {
                rng.next_u64() % (ceiling + 1)
            }
        }
    }
}

/// The retry quota of one client population (the SDK keeps one per client object).
#[derive(Clone, Debug)]
pub struct RetryQuota {
    capacity: u32,
    tokens: u32,
}

impl RetryQuota {
    pub fn new(capacity: u32) -> Self {
        RetryQuota {
            capacity,
            tokens: capacity,
        }
    }

    pub fn tokens(&self) -> u32 {
        self.tokens
    }

    /// Take the cost of a retry; false (no retry) when the bucket cannot pay it.
    pub fn try_acquire(&mut self, after_timeout: bool) -> bool {
        let cost = if after_timeout {
            TIMEOUT_RETRY_COST
        } else {
            RETRY_COST
        };
        if self.tokens >= cost {
            self.tokens -= cost;
            true
        } else {
            false
        }
    }

    /// A request succeeded: a first-try success refills one token, a successful retry
    /// gives its cost back.
    pub fn on_success(&mut self, was_retry: bool) {
        let refund = if was_retry {
            RETRY_COST
        } else {
            NO_RETRY_INCREMENT
        };
        self.tokens = (self.tokens + refund).min(self.capacity);
    }

    /// The bucket after a live change of its size: what was spent stays spent (a full
    /// bucket stays full, so a change before any retry is a bucket of the new size).
    pub fn resized(&self, capacity: u32) -> Self {
        let spent = self.capacity.saturating_sub(self.tokens);
        RetryQuota {
            capacity,
            tokens: capacity.saturating_sub(spent),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(jitter: Jitter) -> ClientRetry {
        ClientRetry {
            jitter,
            ..ClientRetry::default()
        }
    }

    #[test]
    fn ceiling_doubles_then_caps() {
        let s = ClientRetry {
            backoff_base_ms: 100,
            backoff_cap_ms: 1_000,
            ..spec(Jitter::None)
        };
        let got: Vec<TimeUs> = (1..=6).map(|k| backoff_ceiling_us(&s, k)).collect();
        assert_eq!(
            got,
            vec![100_000, 200_000, 400_000, 800_000, 1_000_000, 1_000_000]
        );
    }

    #[test]
    fn no_jitter_sleeps_the_ceiling() {
        let s = spec(Jitter::None);
        let mut rng = SimRng::new(1, 9);
        assert_eq!(backoff_us(&s, 2, &mut rng), 200_000);
    }

    #[test]
    fn quota_runs_dry_and_refills() {
        let mut q = RetryQuota::new(12);
        assert!(q.try_acquire(false)); // 7 left
        assert!(!q.try_acquire(true)); // a timeout retry costs 10
        assert!(q.try_acquire(false)); // 2 left
        assert!(!q.try_acquire(false));
        q.on_success(true);
        assert_eq!(q.tokens(), 7);
        q.on_success(false);
        assert_eq!(q.tokens(), 8);
    }
}
