//! A load balancer: picks a target for each request among those it believes healthy, with
//! the algorithms of real balancers, and is itself a node that can fail (the SPOF of a
//! design with one balancer).
//!
//! States: `Up`; `Failed` (the process is down: clients get connection refused, and
//! connections open through it are cut); `Unreachable` (clients hang until their timeout).
//!
//! Eligibility of a target = active health state in rotation (if checks are on) and not
//! marked down by passive health (NGINX `max_fails`/`fail_timeout` on its one-second
//! clock, `passive_health::NginxPeer`); `backup` targets only
//! when no primary is eligible (HAProxy). With nothing eligible, `fail-open` routes to every
//! target (AWS ALB), `reject` answers 503.
use super::health_check::HealthState;
use super::passive_health::NginxPeer;
use super::rng::{mix64, stream, SimRng};
use super::scenario::{Algorithm, Balancer as BalancerSpec, ResolvedCheck, RetryOn, WhenAllDown};
use super::time::{whole_ms_to_us, TimeUs};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BalancerState {
    Up,
    Failed,
    Unreachable,
}

impl BalancerState {
    pub fn name(self) -> &'static str {
        match self {
            BalancerState::Up => "up",
            BalancerState::Failed => "failed",
            BalancerState::Unreachable => "unreachable",
        }
    }
}

#[derive(Clone, Debug)]
pub struct TargetSlot {
    pub instance: u32,
    pub weight: u32,
    pub backup: bool,
    /// Attempts outstanding against this target (least-conn, power-of-two, the UI).
    pub active: u32,
    /// Index of this target's checker in the simulation's checker list, if checks are on.
    pub checker: Option<u32>,
    /// Mirror of the checker's state (kept here so picking needs no lookups).
    pub health: HealthState,
    /// Passive health (NGINX `max_fails` / `fail_timeout`) from real traffic.
    pub passive: NginxPeer,
    /// In the balancer's own zone (or either has no zone): usable with cross-zone off.
    pub local: bool,
    /// Smooth weighted round robin's running weight (NGINX's algorithm).
    current_weight: i64,
}

#[derive(Debug)]
pub struct Balancer {
    pub name: String,
    pub spec: BalancerSpec,
    pub check: Option<ResolvedCheck>,
    pub state: BalancerState,
    pub targets: Vec<TargetSlot>,
    rr_cursor: u32,
    /// Consistent-hash ring: (point, target slot), sorted by point.
    ring: Vec<(u64, u32)>,
    rng: SimRng,
    scratch: Vec<u32>,
    pub requests_routed: u64,
}

/// Virtual nodes per unit of weight on the consistent-hash ring.
const RING_POINTS_PER_WEIGHT: u32 = 64;

impl Balancer {
    pub fn new(
        index: usize,
        spec: &BalancerSpec,
        instance_index: impl Fn(&str) -> u32,
        seed: u64,
    ) -> Self {
        let check = spec.health_check.as_ref().map(|h| h.resolve());
        let start = check
            .map(|c| super::health_check::Checker::start_state(&c))
            .unwrap_or(HealthState::Up);
        let targets = spec
            .targets
            .iter()
            .map(|t| TargetSlot {
                instance: instance_index(&t.instance),
                weight: t.weight,
                backup: t.backup,
                active: 0,
                checker: None,
                health: start,
                passive: NginxPeer::default(),
                local: true,
                current_weight: 0,
            })
            .collect();
        let mut b = Balancer {
            name: spec.name.clone(),
            spec: spec.clone(),
            check,
            state: BalancerState::Up,
            targets,
            rr_cursor: 0,
            ring: Vec::new(),
            rng: SimRng::new(seed, stream::BALANCER_BASE + index as u64),
            scratch: Vec::new(),
            requests_routed: 0,
        };
        b.build_ring();
        b
    }

    fn build_ring(&mut self) {
        self.ring.clear();
        for (slot, t) in self.targets.iter().enumerate() {
            for v in 0..t.weight * RING_POINTS_PER_WEIGHT {
                let point = mix64(mix64(t.instance as u64) ^ (v as u64) << 32);
                self.ring.push((point, slot as u32));
            }
        }
        self.ring.sort_unstable();
    }

    pub fn retries_on(&self, what: RetryOn) -> bool {
        self.spec.retry_on.contains(&what)
    }

    pub fn timeout_connect_us(&self) -> TimeUs {
        whole_ms_to_us(self.spec.timeout_connect_ms)
    }

    pub fn timeout_server_us(&self) -> TimeUs {
        whole_ms_to_us(self.spec.timeout_server_ms)
    }

    /// HAProxy waits min(`timeout connect`, 1 s) before retrying the same server after a
    /// connection error (a refused connect would likely be refused again); never after a
    /// connect timeout, and a redispatch to another server goes at once.
    pub fn turnaround_us(&self) -> TimeUs {
        self.timeout_connect_us().min(1_000_000)
    }

    pub fn passive_ok(&self, t: &TargetSlot, now: TimeUs) -> bool {
        self.spec.passive.is_none() || t.passive.ok(now)
    }

    pub fn eligible(&self, slot: usize, now: TimeUs) -> bool {
        let t = &self.targets[slot];
        t.health.in_rotation() && self.passive_ok(t, now) && (self.spec.cross_zone || t.local)
    }

    /// Record a failed attempt for passive health; returns true if it marked the target down.
    pub fn passive_failure(&mut self, slot: usize, now: TimeUs) -> bool {
        match &self.spec.passive {
            Some(p) => self.targets[slot].passive.failed(p, now),
            None => false,
        }
    }

    /// A response came back from `slot`: with passive health, a success after a re-check
    /// clears its failures (NGINX). Only a target with failures has anything to clear.
    #[inline]
    pub fn passive_success(&mut self, slot: usize) {
        if let (Some(p), Some(t)) = (&self.spec.passive, self.targets.get_mut(slot)) {
            if t.passive.fails > 0 {
                t.passive.succeeded(p);
            }
        }
    }

    /// NGINX: the number of servers a request may try, the first included
    /// (`proxy_next_upstream_tries`, 0 = every server once).
    pub fn next_upstream_limit(&self) -> u32 {
        let n = self.targets.len() as u32;
        match self.spec.next_upstream_tries {
            0 => n,
            t => t.min(n),
        }
    }

    /// Choose a target for a request from `client`, avoiding `exclude` when another choice
    /// exists (redispatch). Returns None when nothing is eligible and the policy rejects.
    pub fn pick(&mut self, client: u32, exclude: Option<u32>, now: TimeUs) -> Option<u32> {
        let mut cand = std::mem::take(&mut self.scratch);
        cand.clear();
        // Primaries first, then backups (HAProxy `backup`), then fail-open over everything.
        for pass in 0..2 {
            for slot in 0..self.targets.len() {
                if self.targets[slot].backup == (pass == 1) && self.eligible(slot, now) {
                    cand.push(slot as u32);
                }
            }
            if !cand.is_empty() {
                break;
            }
        }
        if cand.is_empty() && self.spec.when_all_down == WhenAllDown::FailOpen {
            let cross_zone = self.spec.cross_zone;
            cand.extend(
                (0..self.targets.len() as u32)
                    .filter(|&s| cross_zone || self.targets[s as usize].local),
            );
        }
        if let Some(x) = exclude {
            if cand.len() > 1 {
                cand.retain(|&s| s != x);
            }
        }
        let choice = if cand.is_empty() {
            None
        } else {
            Some(self.choose(&cand, client))
        };
        self.scratch = cand;
        if let Some(slot) = choice {
            self.requests_routed += 1;
            if let Some(p) = &self.spec.passive {
                self.targets[slot as usize].passive.picked(p, now);
            }
        }
        choice
    }

    fn choose(&mut self, cand: &[u32], client: u32) -> u32 {
        match self.spec.algorithm {
            Algorithm::RoundRobin => {
                // Next candidate at or after the cursor, wrapping: skips ineligible targets
                // without disturbing the rotation of the others.
                let n = self.targets.len() as u32;
                let c = self.rr_cursor % n.max(1);
                let pick = cand.iter().copied().find(|&s| s >= c).unwrap_or(cand[0]);
                self.rr_cursor = pick + 1;
                pick
            }
            Algorithm::WeightedRoundRobin => {
                // Smooth weighted round robin: each candidate gains its weight, the largest
                // is picked and pays back the total.
                let total: i64 = cand
                    .iter()
                    .map(|&s| self.targets[s as usize].weight as i64)
                    .sum();
                let mut best = cand[0];
                for &s in cand {
                    let t = &mut self.targets[s as usize];
                    t.current_weight += t.weight as i64;
                }
                for &s in cand {
                    if self.targets[s as usize].current_weight
                        > self.targets[best as usize].current_weight
                    {
                        best = s;
                    }
                }
                self.targets[best as usize].current_weight -= total;
                best
            }
            Algorithm::Random => cand[self.rng.below(cand.len() as u32) as usize],
            Algorithm::LeastConn => {
                // Fewest active; ties rotate like round robin (as HAProxy's leastconn does).
                let n = self.targets.len() as u32;
                let start = self.rr_cursor % n.max(1);
                let key = |s: u32| (self.targets[s as usize].active, (s + n - start) % n.max(1));
                let pick = cand
                    .iter()
                    .copied()
                    .min_by_key(|&s| key(s))
                    .unwrap_or(cand[0]);
                self.rr_cursor = pick + 1;
                pick
            }
            Algorithm::PowerOfTwo => {
                if cand.len() == 1 {
                    return cand[0];
                }
                let i = self.rng.below(cand.len() as u32);
                let mut j = self.rng.below(cand.len() as u32 - 1);
                if j >= i {
                    j += 1;
                }
                let (a, b) = (cand[i as usize], cand[j as usize]);
                if self.targets[b as usize].active < self.targets[a as usize].active {
                    b
                } else {
                    a
                }
            }
            Algorithm::ConsistentHash => {
                let h = mix64(client as u64 ^ 0x5EED);
                let start = self.ring.partition_point(|&(p, _)| p < h);
                let len = self.ring.len();
                (0..len)
                    .map(|k| self.ring[(start + k) % len].1)
                    .find(|s| cand.contains(s))
                    .unwrap_or(cand[0])
            }
        }
    }

    /// Install an edited spec (algorithm, retries, timeouts, checks). Target membership does
    /// not change at run time, so slots and their counters stay.
    pub fn apply_spec(&mut self, spec: BalancerSpec) {
        let weights_changed = spec
            .targets
            .iter()
            .zip(&self.targets)
            .any(|(s, t)| s.weight != t.weight);
        self.check = spec.health_check.as_ref().map(|h| h.resolve());
        for (t, s) in self.targets.iter_mut().zip(&spec.targets) {
            t.weight = s.weight;
            t.backup = s.backup;
        }
        self.spec = spec;
        if weights_changed {
            self.build_ring();
        }
    }
}
