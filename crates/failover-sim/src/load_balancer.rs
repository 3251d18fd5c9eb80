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
use super::limits::{MAX_RING_POINTS, MIN_RING_POINTS};
use super::outlier_detection::OutlierHost;
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
    /// Envoy outlier detection's state of this target (`outlier_detection.rs`).
    pub outlier: OutlierHost,
    /// HAProxy `observe layer7`: failed responses in a row, toward `error-limit`.
    pub observe_errors: u32,
    /// Back in rotation at this time, ramping up under `slow_start` (None: full weight).
    pub ramp_from_us: Option<TimeUs>,
    /// Draining (HAProxy `drain`, ALB deregistration): no new requests, in-flight finish.
    pub draining: bool,
    /// Smooth weighted round robin's running weight (NGINX's algorithm).
    current_weight: i64,
    /// Points this target owns on the consistent-hash ring (0 while there is no ring).
    ring_points: u32,
}

#[derive(Clone, Debug)]
pub struct Balancer {
    pub name: String,
    pub spec: BalancerSpec,
    pub check: Option<ResolvedCheck>,
    pub state: BalancerState,
    pub targets: Vec<TargetSlot>,
    rr_cursor: u32,
    /// Consistent-hash ring: (point, target slot), sorted. Built only while the algorithm is
    /// `consistent-hash` (empty otherwise), at most `MAX_RING_POINTS` entries.
    ring: Vec<(u64, u32)>,
    rng: SimRng,
    scratch: Vec<u32>,
    /// Per target slot: is it a candidate of the pick under way (consistent hash only)?
    candidate: Vec<bool>,
    pub requests_routed: u64,
}

/// Ring points per unit of weight while the ring stays within [`MIN_RING_POINTS`,
/// `MAX_RING_POINTS`]: 64 points keep each target's share of the keys within about ±12 % of
/// its weight (the spread of a target's arc shrinks as 1/√points).
const RING_POINTS_PER_WEIGHT: u64 = 64;

/// Ring points walked before the rare case (the eligible targets own a small part of the
/// ring) switches to searching the candidates' own points.
const RING_WALK: usize = 64;

/// How many ring points each target gets, in target order: `RING_POINTS_PER_WEIGHT` per unit
/// of weight, unless that ring would be smaller than `MIN_RING_POINTS` (scaled up, rounding
/// up) or larger than `MAX_RING_POINTS` (scaled down, rounding down, at least one point per
/// target). Weights stay proportional except that the lightest targets of a wide balancer
/// keep one point. The sum never exceeds `MAX_RING_POINTS` (targets ≤ `MAX_INSTANCES`, far
/// below it), like Envoy's `minimum_ring_size` / `maximum_ring_size`.
pub fn ring_points_per_target(weights: &[u32]) -> Vec<u32> {
    let n = weights.len() as u64;
    let total: u64 = weights.iter().map(|&w| w as u64).sum();
    let dense = total * RING_POINTS_PER_WEIGHT;
    let (min, max) = (MIN_RING_POINTS as u64, MAX_RING_POINTS as u64);
    weights
        .iter()
        .map(|&w| {
            let w = w as u64;
            let points = if total == 0 {
                0
            } else if dense < min {
                (w * min).div_ceil(total)
            } else if dense > max {
                // Rounded down over room for one point per target: the sum stays ≤ max.
                w * max.saturating_sub(n) / total
            } else {
                w * RING_POINTS_PER_WEIGHT
            };
            points.max(1) as u32
        })
        .collect()
}

/// The ring point number `v` of the target that is instance `instance`. A pure function of
/// the pair, so a target's points do not move when other targets change.
fn ring_point(instance: u32, v: u32) -> u64 {
    mix64(mix64(instance as u64) ^ (v as u64) << 32)
}

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
                outlier: OutlierHost::default(),
                observe_errors: 0,
                ramp_from_us: None,
                draining: false,
                current_weight: 0,
                ring_points: 0,
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
            candidate: Vec::new(),
            requests_routed: 0,
        };
        b.sync_ring(true);
        b
    }

    /// Entries on the consistent-hash ring (0 unless the algorithm is `consistent-hash`).
    pub fn ring_len(&self) -> usize {
        self.ring.len()
    }

    /// Keep the ring in step with the algorithm: built for `consistent-hash` (again when the
    /// weights changed), released for every other algorithm, so memory follows what is used.
    fn sync_ring(&mut self, weights_changed: bool) {
        if self.spec.algorithm != Algorithm::ConsistentHash {
            self.ring = Vec::new();
            self.candidate = Vec::new();
            for t in &mut self.targets {
                t.ring_points = 0;
            }
        } else if weights_changed || self.ring.is_empty() {
            self.build_ring();
        }
    }

    fn build_ring(&mut self) {
        let weights: Vec<u32> = self.targets.iter().map(|t| t.weight).collect();
        let points = ring_points_per_target(&weights);
        self.ring.clear();
        self.ring
            .reserve_exact(points.iter().map(|&p| p as usize).sum());
        for (slot, (t, &n)) in self.targets.iter_mut().zip(&points).enumerate() {
            t.ring_points = n;
            for v in 0..n {
                self.ring.push((ring_point(t.instance, v), slot as u32));
            }
        }
        self.ring.sort_unstable();
        self.candidate = vec![false; self.targets.len()];
    }

    /// The first candidate clockwise from `key` on the ring: a client keeps its target while
    /// that target is eligible, and when one target drops out only its clients move.
    fn ring_pick(&mut self, key: u64, cand: &[u32]) -> u32 {
        let len = self.ring.len();
        if len == 0 || self.candidate.len() != self.targets.len() {
            return cand[0]; // no ring (cannot happen: built with the algorithm)
        }
        for &s in cand {
            self.candidate[s as usize] = true;
        }
        let start = self.ring.partition_point(|&(p, _)| p < key);
        let walked = (0..len.min(RING_WALK))
            .map(|k| self.ring[(start + k) % len].1)
            .find(|&s| self.candidate[s as usize]);
        for &s in cand {
            self.candidate[s as usize] = false;
        }
        walked.unwrap_or_else(|| {
            // The candidates own little of the ring (most targets are down): the candidate
            // point nearest clockwise, from each candidate's own points. Same answer as
            // walking on, in time proportional to the candidates' points, not the ring's.
            cand.iter()
                .flat_map(|&s| {
                    let t = &self.targets[s as usize];
                    (0..t.ring_points)
                        .map(move |v| (ring_point(t.instance, v).wrapping_sub(key), s))
                })
                .min()
                .map_or(cand[0], |(_, s)| s)
        })
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
        t.health.in_rotation()
            && self.passive_ok(t, now)
            && (self.spec.cross_zone || t.local)
            && !t.draining
            && !t.outlier.ejected(now)
    }

    /// The weight a pick uses now: the configured one, or with `slow_start` the ramped one
    /// in thousandths (so a balancer with slow start and no target ramping picks exactly as
    /// one without: every weight scaled by the same 1,000).
    #[inline]
    fn weight_now(&self, slot: u32, now: TimeUs) -> u64 {
        let t = &self.targets[slot as usize];
        match &self.spec.slow_start {
            None => t.weight as u64,
            Some(ss) => {
                let full = t.weight as u64 * 1_000;
                match t.ramp_from_us {
                    Some(from) if now < from.saturating_add(ss.window_us()) => {
                        let f = ss.weight_fraction(now.saturating_sub(from));
                        (libm::ceil(full as f64 * f) as u64).clamp(1, full)
                    }
                    _ => full,
                }
            }
        }
    }

    /// The share of its weight `slot` gets now, in percent (100 unless it is ramping up).
    pub fn slow_start_percent(&self, slot: usize, now: TimeUs) -> Option<f64> {
        let t = self.targets.get(slot)?;
        let ss = self.spec.slow_start.as_ref()?;
        let from = t.ramp_from_us?;
        (now < from.saturating_add(ss.window_us()))
            .then(|| ss.weight_fraction(now.saturating_sub(from)) * 100.0)
    }

    /// Some candidate is ramping up under slow start (round robin then honours weights, as
    /// HAProxy's dynamic `roundrobin` does during `slowstart`).
    fn ramping(&self, cand: &[u32], now: TimeUs) -> bool {
        match &self.spec.slow_start {
            None => false,
            Some(ss) => cand.iter().any(|&s| {
                self.targets[s as usize]
                    .ramp_from_us
                    .is_some_and(|from| now < from.saturating_add(ss.window_us()))
            }),
        }
    }

    /// Envoy's panic mode: fewer eligible primaries than `panic_threshold_percent` of them.
    fn panicking(&self, eligible_primaries: usize) -> bool {
        match self.spec.panic_threshold_percent {
            None => false,
            Some(p) => {
                let primaries = self.targets.iter().filter(|t| !t.backup).count();
                (eligible_primaries as u64) * 100 < p as u64 * primaries as u64
            }
        }
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
            if pass == 0
                && self.spec.panic_threshold_percent.is_some()
                && self.panicking(cand.len())
            {
                // Envoy: too few healthy hosts to carry the load; spread it over all of them.
                let cross_zone = self.spec.cross_zone;
                cand.clear();
                cand.extend((0..self.targets.len() as u32).filter(|&s| {
                    let t = &self.targets[s as usize];
                    !t.backup && (cross_zone || t.local)
                }));
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
        // HAProxy `maxconn`: the algorithm skips full servers (a hash keeps its server and
        // the request waits in that server's queue, `server_queue.rs`).
        if let Some(m) = self
            .spec
            .maxconn
            .filter(|_| self.spec.algorithm != Algorithm::ConsistentHash)
        {
            cand.retain(|&s| self.targets[s as usize].active < m);
        }
        if let Some(x) = exclude {
            if cand.len() > 1 {
                cand.retain(|&s| s != x);
            }
        }
        let choice = if cand.is_empty() {
            None
        } else {
            Some(self.choose(&cand, client, now))
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

    fn choose(&mut self, cand: &[u32], client: u32, now: TimeUs) -> u32 {
        match self.spec.algorithm {
            Algorithm::RoundRobin if !self.ramping(cand, now) => {
                // Next candidate at or after the cursor, wrapping: skips ineligible targets
                // without disturbing the rotation of the others.
                let n = self.targets.len() as u32;
                let c = self.rr_cursor % n.max(1);
                let pick = cand.iter().copied().find(|&s| s >= c).unwrap_or(cand[0]);
                self.rr_cursor = pick + 1;
                pick
            }
            Algorithm::WeightedRoundRobin | Algorithm::RoundRobin => {
                // Smooth weighted round robin: each candidate gains its weight, the largest
                // is picked and pays back the total.
                let total: i64 = cand.iter().map(|&s| self.weight_now(s, now) as i64).sum();
                let mut best = cand[0];
                for &s in cand {
                    let w = self.weight_now(s, now) as i64;
                    self.targets[s as usize].current_weight += w;
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
            Algorithm::Random => self.weighted_random(cand, now),
            Algorithm::LeastConn => {
                // Fewest active per unit of weight (HAProxy's leastconn compares
                // (connections + 1) / weight); ties rotate like round robin, as HAProxy's do.
                let n = self.targets.len() as u32;
                let start = self.rr_cursor % n.max(1);
                let rotation = |s: u32| (s + n - start) % n.max(1);
                let mut pick = cand[0];
                for &s in &cand[1..] {
                    match self.load_order(s, pick, now) {
                        std::cmp::Ordering::Less => pick = s,
                        std::cmp::Ordering::Equal if rotation(s) < rotation(pick) => pick = s,
                        _ => {}
                    }
                }
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
                if self.load_order(b, a, now) == std::cmp::Ordering::Less {
                    b
                } else {
                    a
                }
            }
            Algorithm::ConsistentHash => self.ring_pick(mix64(client as u64 ^ 0x5EED), cand),
        }
    }

    /// Compare two targets' load per unit of weight, (active + 1) / weight, as HAProxy's
    /// leastconn and Envoy's weighted least_request do. Cross-multiplied so it stays in
    /// integers; with equal weights it is the order of `active` alone.
    fn load_order(&self, a: u32, b: u32, now: TimeUs) -> std::cmp::Ordering {
        let (ta, tb) = (&self.targets[a as usize], &self.targets[b as usize]);
        let la = (ta.active as u64 + 1) * self.weight_now(b, now);
        let lb = (tb.active as u64 + 1) * self.weight_now(a, now);
        la.cmp(&lb)
    }

    /// A random candidate with probability proportional to its weight (HAProxy's `random`
    /// honours weights). Weights are divided by their common divisor first, so equal weights
    /// draw `below(candidates)` — the same draw, and the same runs, as an unweighted pick.
    fn weighted_random(&mut self, cand: &[u32], now: TimeUs) -> u32 {
        let divisor = cand
            .iter()
            .fold(0, |g, &s| gcd(g, self.weight_now(s, now).max(1)))
            .max(1);
        let total: u64 = cand
            .iter()
            .map(|&s| self.weight_now(s, now).max(1) / divisor)
            .sum();
        // At most 2,000 targets × 256 × 1,000 (slow start's thousandths): within u32.
        let mut draw = self.rng.below(total.min(u32::MAX as u64) as u32) as u64;
        for &s in cand {
            let w = self.weight_now(s, now).max(1) / divisor;
            if draw < w {
                return s;
            }
            draw -= w;
        }
        cand[cand.len() - 1]
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
        self.sync_ring(weights_changed);
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::{MAX_BALANCERS, MAX_INSTANCES, MAX_WEIGHT};

    fn spec(algorithm: Algorithm, weights: &[u32]) -> BalancerSpec {
        let targets: Vec<serde_json::Value> = weights
            .iter()
            .enumerate()
            .map(|(i, w)| serde_json::json!({"instance": format!("app-{i}"), "weight": w}))
            .collect();
        let v = serde_json::json!({"name": "lb", "algorithm": algorithm, "targets": targets});
        serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"))
    }

    fn balancer(algorithm: Algorithm, weights: &[u32]) -> Balancer {
        let s = spec(algorithm, weights);
        let index = |name: &str| name[4..].parse::<u32>().unwrap_or(0);
        Balancer::new(0, &s, index, 7)
    }

    /// The ring at the limits: every balancer of a scenario at its widest (2,000 targets of
    /// the largest weight) holds at most MAX_RING_POINTS entries, every target at least one.
    #[test]
    fn the_ring_is_bounded_at_the_limits() {
        let widest = vec![MAX_WEIGHT; MAX_INSTANCES];
        let b = balancer(Algorithm::ConsistentHash, &widest);
        assert!(b.ring_len() <= MAX_RING_POINTS, "{}", b.ring_len());
        // 31 points each (rounded down over room for one point per target): 62,000.
        assert!(b.ring_len() >= MAX_RING_POINTS * 9 / 10, "{}", b.ring_len());
        // A scenario's rings together: at most one full ring per balancer.
        assert!(MAX_BALANCERS * b.ring_len() <= MAX_BALANCERS * MAX_RING_POINTS);
        // The lightest target among the heaviest still owns a point.
        let mut lopsided = vec![MAX_WEIGHT; MAX_INSTANCES];
        lopsided[0] = 1;
        let b = balancer(Algorithm::ConsistentHash, &lopsided);
        assert!(b.ring_len() <= MAX_RING_POINTS);
        assert!(b.targets.iter().all(|t| t.ring_points >= 1));
        assert!(b.ring.iter().any(|&(_, s)| s == 0));
        // A small balancer is topped up to the minimum; a middling one keeps 64 per weight.
        assert!(balancer(Algorithm::ConsistentHash, &[1]).ring_len() >= MIN_RING_POINTS);
        let middling = balancer(Algorithm::ConsistentHash, &[1, 2, 3, 10]);
        assert_eq!(middling.ring_len(), 16 * RING_POINTS_PER_WEIGHT as usize);
        let points: Vec<u32> = middling.targets.iter().map(|t| t.ring_points).collect();
        assert_eq!(points, [64, 128, 192, 640]);
    }

    #[test]
    fn only_consistent_hash_balancers_hold_a_ring() {
        let weights = vec![MAX_WEIGHT; 100];
        for algorithm in Algorithm::ALL {
            let b = balancer(algorithm, &weights);
            let want_ring = algorithm == Algorithm::ConsistentHash;
            assert_eq!(b.ring_len() > 0, want_ring, "{}", algorithm.name());
        }
        // A live switch builds it, and switching away releases it.
        let mut b = balancer(Algorithm::RoundRobin, &weights);
        b.apply_spec(spec(Algorithm::ConsistentHash, &weights));
        assert!(b.ring_len() > 0);
        assert_eq!(b.pick(5, None, 0), b.pick(5, None, 0));
        b.apply_spec(spec(Algorithm::LeastConn, &weights));
        assert_eq!(b.ring_len(), 0);
        assert_eq!(b.ring.capacity(), 0);
    }

    /// Consistent hashing keeps its two properties at any ring size: a client sticks to its
    /// target, and when one of N targets drops out only its clients move (about 1/N).
    #[test]
    fn a_client_sticks_and_a_lost_target_moves_only_its_clients() {
        for (weights, tolerance) in [(vec![1; 10], 0.5), (vec![MAX_WEIGHT; MAX_INSTANCES], 1.0)] {
            let n = weights.len();
            let mut b = balancer(Algorithm::ConsistentHash, &weights);
            let clients = 40_000u32;
            let before: Vec<u32> = (0..clients)
                .map(|c| b.pick(c, None, 0).unwrap_or(u32::MAX))
                .collect();
            let again: Vec<u32> = (0..clients)
                .map(|c| b.pick(c, None, 0).unwrap_or(u32::MAX))
                .collect();
            assert_eq!(before, again, "a client keeps its target");
            // Every target gets some clients, none more than twice its share (10 targets).
            if n == 10 {
                for slot in 0..n as u32 {
                    let share = before.iter().filter(|&&s| s == slot).count();
                    let fair = clients as usize / n;
                    assert!(share > fair / 2 && share < fair * 2, "{slot}: {share}");
                }
            }
            let lost = before[0];
            b.targets[lost as usize].health = HealthState::Down;
            let mut moved = 0;
            for c in 0..clients {
                let now = b.pick(c, None, 0).unwrap_or(u32::MAX);
                if now != before[c as usize] {
                    assert_eq!(
                        before[c as usize], lost,
                        "client {c} moved off a live target"
                    );
                    moved += 1;
                } else {
                    assert_ne!(now, lost);
                }
            }
            let expected = clients as f64 / n as f64;
            assert!(
                (moved as f64 - expected).abs() <= expected * tolerance + 20.0,
                "{n} targets: {moved} moved, about {expected} expected"
            );
        }
    }

    /// The shortcut for few candidates finds the same target as walking the whole ring.
    #[test]
    fn few_candidates_pick_what_the_full_walk_picks() {
        let mut weights = vec![MAX_WEIGHT; 500];
        weights[3] = 1;
        let mut b = balancer(Algorithm::ConsistentHash, &weights);
        let walk = |b: &Balancer, key: u64, cand: &[u32]| {
            let start = b.ring.partition_point(|&(p, _)| p < key);
            (0..b.ring.len())
                .map(|k| b.ring[(start + k) % b.ring.len()].1)
                .find(|s| cand.contains(s))
        };
        let mut rng = SimRng::new(3, 99);
        for round in 0..2_000u64 {
            let k = 1 + rng.below(4) as usize;
            let mut cand: Vec<u32> = (0..k).map(|_| rng.below(500)).collect();
            if round % 3 == 0 {
                cand = vec![3]; // the one-point target alone
            }
            cand.sort_unstable();
            cand.dedup();
            let key = mix64(round);
            assert_eq!(
                Some(b.ring_pick(key, &cand)),
                walk(&b, key, &cand),
                "{cand:?}"
            );
        }
    }
}
