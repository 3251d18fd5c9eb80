//! Passive health: real traffic, not probes, marks an upstream down.
//!
//! - `NginxPeer` is NGINX's own bookkeeping for a balancer's servers
//!   (`ngx_http_upstream_round_robin.c`), on NGINX's one-second clock (`ngx_time()`):
//!   `max_fails` failures, not cleared by a success in between, take a server out; it gets
//!   one real request again once `now − checked > fail_timeout` in whole seconds, so a
//!   `fail_timeout` of 10 s re-tries it 10.x s later (real nginx 1.22: 10.3–11.0 s).
//! - `PassiveMark` is the API gateway's simpler outlier detection of its balancers
//!   (Envoy-like, continuous time): `max_fails` failures within one `fail_timeout` window
//!   mark it down for `fail_timeout`.
//!
//! `NextUpstream` is NGINX's `proxy_next_upstream`: which failures pass a request on.
use super::scenario::PassiveHealth;
use super::time::{whole_ms_to_us, TimeUs, US_PER_S};
use serde::{Deserialize, Serialize};

/// NGINX `proxy_next_upstream` keywords this model understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NextUpstream {
    /// A connection refused or reset before the response header (a crashed server).
    Error,
    /// No connection, or no response header, within the timeout (a silent or frozen server).
    Timeout,
    /// The server answered 500.
    Http500,
    /// The server answered 503 (its queue was full).
    Http503,
}

impl NextUpstream {
    pub fn name(self) -> &'static str {
        match self {
            NextUpstream::Error => "error",
            NextUpstream::Timeout => "timeout",
            NextUpstream::Http500 => "http_500",
            NextUpstream::Http503 => "http_503",
        }
    }

    /// NGINX always counts errors and timeouts against `max_fails`; HTTP statuses only when
    /// `proxy_next_upstream` names them.
    pub fn counts_as_failure(self, next_upstream: &[NextUpstream]) -> bool {
        matches!(self, NextUpstream::Error | NextUpstream::Timeout) || next_upstream.contains(&self)
    }
}

/// NGINX's state of one upstream server (`fails`, `accessed`, `checked`), in seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NginxPeer {
    pub fails: u32,
    accessed_s: u64,
    checked_s: u64,
    /// Out of rotation before this time (0: in rotation): derived from the fields above
    /// whenever they change, so picking a target costs one comparison.
    down_until_us: TimeUs,
}

impl NginxPeer {
    pub fn ok(&self, now: TimeUs) -> bool {
        now >= self.down_until_us
    }

    /// When it gets a request again if it is out of rotation (0 otherwise).
    pub fn down_until_us(&self) -> TimeUs {
        self.down_until_us
    }

    /// `fail_timeout` in NGINX's whole seconds (a value under a second counts as one).
    fn fail_timeout_s(p: &PassiveHealth) -> u64 {
        p.fail_timeout_ms.div_ceil(1_000)
    }

    fn refresh(&mut self, p: &PassiveHealth) {
        // Skipped while `now − checked <= fail_timeout`: back at checked + fail_timeout + 1 s.
        self.down_until_us = if self.fails >= p.max_fails {
            (self.checked_s + Self::fail_timeout_s(p) + 1) * US_PER_S
        } else {
            0
        };
    }

    /// Chosen for a request: once `fail_timeout` has passed since the last check, this
    /// request is the new check (and the server is skipped again until it ends).
    pub fn picked(&mut self, p: &PassiveHealth, now: TimeUs) {
        let now_s = now / US_PER_S;
        if now_s.saturating_sub(self.checked_s) > Self::fail_timeout_s(p) {
            self.checked_s = now_s;
            self.refresh(p);
        }
    }

    /// A failed request; returns true if the server is now out of rotation.
    pub fn failed(&mut self, p: &PassiveHealth, now: TimeUs) -> bool {
        let now_s = now / US_PER_S;
        self.fails = self.fails.saturating_add(1);
        self.accessed_s = now_s;
        self.checked_s = now_s;
        self.refresh(p);
        self.fails >= p.max_fails
    }

    /// A request succeeded: a success after a re-check clears the failures.
    pub fn succeeded(&mut self, p: &PassiveHealth) {
        if self.accessed_s < self.checked_s {
            self.fails = 0;
            self.refresh(p);
        }
    }
}

/// The gateway's mark of one balancer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PassiveMark {
    /// Failures counted in the current window, and when it started.
    pub fails: u32,
    pub window_start: TimeUs,
    /// Marked down until this time.
    pub down_until: TimeUs,
}

impl PassiveMark {
    pub fn ok(&self, now: TimeUs) -> bool {
        now >= self.down_until
    }

    /// Count one failed request; returns true if this failure marked the upstream down.
    pub fn fail(&mut self, p: &PassiveHealth, now: TimeUs) -> bool {
        let window = whole_ms_to_us(p.fail_timeout_ms);
        if now < self.down_until {
            return false;
        }
        if now >= self.window_start + window {
            self.window_start = now;
            self.fails = 0;
        }
        self.fails += 1;
        if self.fails >= p.max_fails {
            self.down_until = now + window;
            self.fails = 0;
            self.window_start = now + window;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nginx_retries_a_failed_server_after_fail_timeout_on_a_one_second_clock() {
        let p = PassiveHealth {
            max_fails: 1,
            fail_timeout_ms: 10_000,
        };
        let mut peer = NginxPeer::default();
        // Failed at 20.7 s: skipped while now − 20 <= 10, i.e. until 31.0 s (10.3 s later).
        assert!(peer.failed(&p, 20_700_000));
        assert!(!peer.ok(30_999_999));
        assert!(peer.ok(31_000_000));
        // The next request is the check; a second failure takes it out again.
        peer.picked(&p, 31_000_000);
        assert!(!peer.ok(31_000_001));
        assert!(peer.failed(&p, 31_000_500));
        assert!(!peer.ok(41_999_999));
        // A success after that re-check clears the failures.
        peer.picked(&p, 42_000_000);
        peer.succeeded(&p);
        assert_eq!(peer.fails, 0);
        assert!(peer.ok(42_000_001));
    }

    #[test]
    fn nginx_counts_failures_until_a_success_after_a_recheck() {
        let p = PassiveHealth {
            max_fails: 2,
            fail_timeout_ms: 10_000,
        };
        let mut peer = NginxPeer::default();
        assert!(!peer.failed(&p, 1_000_000));
        // A success within fail_timeout does not clear the count (no re-check yet)...
        peer.picked(&p, 5_000_000);
        peer.succeeded(&p);
        assert!(peer.failed(&p, 6_000_000));
        // ...one after it does.
        let mut other = NginxPeer::default();
        assert!(!other.failed(&p, 1_000_000));
        other.picked(&p, 12_000_000);
        other.succeeded(&p);
        assert!(!other.failed(&p, 13_000_000));
    }

    #[test]
    fn max_fails_within_the_window_marks_down_for_fail_timeout() {
        let p = PassiveHealth {
            max_fails: 2,
            fail_timeout_ms: 10_000,
        };
        let mut m = PassiveMark::default();
        assert!(!m.fail(&p, 1_000_000));
        // The second failure comes after the window: the count restarts.
        assert!(!m.fail(&p, 12_000_000));
        assert!(m.fail(&p, 13_000_000));
        assert!(!m.ok(22_999_999));
        assert!(m.ok(23_000_000));
    }
}
