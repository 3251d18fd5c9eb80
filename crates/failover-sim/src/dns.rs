//! DNS with failover routing and health checks, as Route 53 does it.
//!
//! Each record (primary, optional secondary) has a health state flipped by
//! `failure_threshold` consecutive check results either way. The answer follows the
//! documented rules: primary healthy → primary; primary unhealthy and secondary healthy →
//! secondary; both unhealthy → primary. A record without a health check counts as healthy.
//!
//! Clients cache an answer for the TTL. After a failover, clients keep sending to the old
//! answer until their cached copy expires: that stale traffic is the price of DNS failover,
//! and `stale_clients` counts it for the UI.
//!
//! States of the service itself: `Up`, `Failed` (no answers: clients with a cached answer go
//! on; the others cannot resolve).
use super::scenario::{Dns as DnsSpec, RecordRole};
use super::time::{later, TimeUs};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DnsState {
    Up,
    Failed,
}

#[derive(Clone, Debug)]
pub struct RecordState {
    /// Engine node id of the endpoint.
    pub node: u32,
    pub role: RecordRole,
    pub health_checked: bool,
    pub healthy: bool,
    /// Consecutive results contradicting the current health (toward a flip).
    pub streak: u32,
    pub checks_run: u64,
}

/// A flip of an endpoint's health.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DnsTransition {
    BecameUnhealthy,
    BecameHealthy,
}

#[derive(Clone, Debug)]
pub struct DnsService {
    pub spec: DnsSpec,
    pub state: DnsState,
    pub records: Vec<RecordState>,
    /// Per client: answered record + 1 (0 = nothing cached) and when it expires.
    cache: Vec<(u8, TimeUs)>,
    pub resolutions: u64,
    pub cache_hits: u64,
    /// Bumped when the DNS fails, so pending checks go stale.
    pub seq: u32,
}

impl DnsService {
    pub fn new(spec: &DnsSpec, record_nodes: Vec<u32>, clients: u32) -> DnsService {
        let records = spec
            .records
            .iter()
            .zip(record_nodes)
            .map(|(r, node)| RecordState {
                node,
                role: r.role,
                health_checked: r.health_checked,
                healthy: true,
                streak: 0,
                checks_run: 0,
            })
            .collect();
        DnsService {
            spec: spec.clone(),
            state: DnsState::Up,
            records,
            cache: vec![(0, 0); clients as usize],
            resolutions: 0,
            cache_hits: 0,
            seq: 0,
        }
    }

    pub fn ttl_us(&self) -> TimeUs {
        self.spec.ttl_s * 1_000_000
    }

    pub fn interval_us(&self) -> TimeUs {
        self.spec.health_check.request_interval_s * 1_000_000
    }

    /// The failover routing decision, from the current health view.
    pub fn answer(&self) -> usize {
        let healthy = |role: RecordRole| {
            self.records
                .iter()
                .position(|r| r.role == role && r.healthy)
        };
        let primary = self
            .records
            .iter()
            .position(|r| r.role == RecordRole::Primary)
            .unwrap_or(0);
        match (healthy(RecordRole::Primary), healthy(RecordRole::Secondary)) {
            (Some(p), _) => p,
            (None, Some(s)) => s,
            // Every record unhealthy: Route 53 answers as if all were healthy (the primary).
            (None, None) => primary,
        }
    }

    /// A client's cached answer, if still valid.
    pub fn cached(&mut self, client: u32, now: TimeUs) -> Option<usize> {
        let (rec, expires) = *self.cache.get(client as usize)?;
        if rec > 0 && expires > now {
            self.cache_hits += 1;
            Some(rec as usize - 1)
        } else {
            None
        }
    }

    pub fn store(&mut self, client: u32, record: usize, now: TimeUs) {
        self.resolutions += 1;
        let expires = later(now, self.ttl_us());
        if let Some(slot) = self.cache.get_mut(client as usize) {
            *slot = (record as u8 + 1, expires);
        }
    }

    /// Fold one health-check result in; returns a flip, if any.
    pub fn on_check(&mut self, record: usize, ok: bool) -> Option<DnsTransition> {
        let threshold = self.spec.health_check.failure_threshold;
        let r = self.records.get_mut(record)?;
        r.checks_run += 1;
        if ok == r.healthy {
            r.streak = 0;
            return None;
        }
        r.streak += 1;
        if r.streak < threshold {
            return None;
        }
        r.streak = 0;
        r.healthy = ok;
        Some(if ok {
            DnsTransition::BecameHealthy
        } else {
            DnsTransition::BecameUnhealthy
        })
    }

    /// (clients with a valid cached answer, of which pointing at a record whose endpoint
    /// cannot serve, the latest expiry among those stale entries).
    pub fn stale_clients(&self, now: TimeUs, serving: impl Fn(u32) -> bool) -> (u32, u32) {
        let alive: Vec<bool> = self.records.iter().map(|r| serving(r.node)).collect();
        let mut cached = 0;
        let mut stale = 0;
        for &(rec, expires) in &self.cache {
            if rec > 0 && expires > now {
                cached += 1;
                if !alive.get(rec as usize - 1).copied().unwrap_or(true) {
                    stale += 1;
                }
            }
        }
        (cached, stale)
    }

    /// When the last client caching `record` will have to ask again.
    pub fn last_expiry_of(&self, record: usize, now: TimeUs) -> TimeUs {
        self.cache
            .iter()
            .filter(|&&(rec, expires)| rec as usize == record + 1 && expires > now)
            .map(|&(_, expires)| expires)
            .max()
            .unwrap_or(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{DnsHealthCheck, DnsRecord};

    fn spec() -> DnsSpec {
        DnsSpec {
            name: "api.example.com".into(),
            ttl_s: 60,
            resolve_ms: 20.0,
            health_check: DnsHealthCheck {
                request_interval_s: 30,
                failure_threshold: 3,
            },
            records: vec![
                DnsRecord {
                    target: "a".into(),
                    role: RecordRole::Primary,
                    health_checked: true,
                },
                DnsRecord {
                    target: "b".into(),
                    role: RecordRole::Secondary,
                    health_checked: true,
                },
            ],
            failures: None,
        }
    }

    #[test]
    fn failover_rules() {
        let mut d = DnsService::new(&spec(), vec![1, 2], 10);
        assert_eq!(d.answer(), 0);
        for _ in 0..2 {
            assert_eq!(d.on_check(0, false), None);
        }
        assert_eq!(d.on_check(0, false), Some(DnsTransition::BecameUnhealthy));
        assert_eq!(
            d.answer(),
            1,
            "primary unhealthy, secondary healthy → secondary"
        );
        for _ in 0..3 {
            d.on_check(1, false);
        }
        assert_eq!(d.answer(), 0, "both unhealthy → primary");
        for _ in 0..3 {
            d.on_check(0, true);
        }
        assert!(d.records[0].healthy);
    }

    #[test]
    fn cache_expires_after_ttl() {
        let mut d = DnsService::new(&spec(), vec![1, 2], 10);
        d.store(3, 0, 1_000);
        assert_eq!(d.cached(3, 60_000_999), Some(0));
        assert_eq!(d.cached(3, 60_001_000), None);
        assert_eq!(d.cached(4, 0), None);
        assert_eq!(d.stale_clients(2_000, |n| n != 1), (1, 1));
        assert_eq!(d.last_expiry_of(0, 2_000), 60_001_000);
    }
}
