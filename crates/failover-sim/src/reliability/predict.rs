//! The predicted side of the availability breakdown: hand formulas from the scenario's
//! parameters, each step with the parameter that drives it.
//!
//! - **Detection window.** A crashed instance is marked down by active checks after
//!   `inter`/2 + (`fall` − 1) × `fastinter` on average (the first failing check comes at a
//!   random phase of `inter`, as measured on HAProxy). Meanwhile it keeps its share of the
//!   traffic, 1 / (targets in rotation), and it drops the requests it held when it crashed
//!   (Erlang C for the queue). A repaired instance is back in rotation after
//!   `downinter`/2 + (`rise` − 1) × `fastinter`: when it was the last one, nothing serves in
//!   the meantime although the topology could. Targets that start unhealthy (ALB's
//!   `initial`) wait `rise` checks before any traffic.
//! - **Capacity.** Each instance serves `workers` / mean service time requests per second;
//!   with m of them in rotation at load λ, the share 1 − m·c/λ is turned away (queue full).
//!   Instances are taken as independent, in rotation with probability (up − re-admission).
//! - **Retries.** A refused connection retried on another server (`redispatch`, NGINX
//!   `proxy_next_upstream error`) is saved when another target is in rotation; retries of
//!   the same server cover `retries` × the 1 s turn-around of the window.
//!
//! Several balancers and DNS are handled to first order (the entry's traffic split evenly);
//! the steps are labelled as predictions, and the measured side says which one broke.
use super::super::passive_health::NextUpstream;
use super::super::scenario::{Balancer, Instance, RetryOn, Scenario};
use super::exact;
use super::Analysis;
use serde::Serialize;

/// Targets of one balancer up to which the share of a crashed one is exact (a quadratic
/// count distribution); past it, the mean.
const EXACT_SHARE_TARGETS: usize = 32;
/// Instances in the pool up to which the capacity step uses the exact count distribution;
/// past it, the mean count.
const EXACT_CAPACITY_POOL: usize = 256;
/// Components whose importance is computed for the outage frequency, at most.
const MAX_IMPORTANCE_COMPONENTS: usize = 64;
/// Decision-diagram steps the importance computation may take in all.
const IMPORTANCE_BUDGET_OPS: u64 = 4_000_000;

/// The predicted steps (fractions of requests; costs are positive).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Prediction {
    pub detection: f64,
    pub detection_driver: String,
    pub capacity: f64,
    pub capacity_driver: String,
    pub retries_saved: f64,
    pub retries_driver: String,
    /// Expected outages of the whole topology per second (Σ over components of Birnbaum
    /// importance × failure rate); None when past the work budget.
    pub outages_per_s: Option<f64>,
    /// Analytic availability with MTTR alone (startup not counted), for the note that says
    /// the analytic MTTR includes `startup_ms`.
    pub analytic_without_startup: Option<f64>,
}

/// Mean time between failures of each component (seconds), in `components`' order: the
/// rate each component fails at (None: never fails).
fn mtbf_by_component(s: &Scenario) -> Vec<Option<f64>> {
    let r =
        |f: &Option<super::Reliability>| f.as_ref().filter(|r| r.mtbf_s > 0.0).map(|r| r.mtbf_s);
    let mut out: Vec<Option<f64>> = s.balancers.iter().map(|b| r(&b.failures)).collect();
    out.extend(s.instances.iter().map(|i| r(&i.failures)));
    out.extend(s.regions.iter().map(|g| r(&g.failures)));
    out.extend(
        s.regions
            .iter()
            .flat_map(|g| g.zones.iter().map(|z| r(&z.failures))),
    );
    if let Some(d) = &s.dns {
        out.push(r(&d.failures));
    }
    if let Some(db) = &s.database {
        out.push(r(&db.failures));
        if let Some(st) = &db.standby {
            out.push(r(&st.failures));
        }
    }
    out.extend(s.gateways.iter().map(|g| r(&g.failures)));
    out
}

/// Birnbaum importance × failure rate of every failing component: how often the whole
/// topology goes down because of it (per second). None past the budget.
fn outage_rates(a: &Analysis, mtbf: &[Option<f64>]) -> Option<Vec<f64>> {
    let avail: Vec<f64> = a.components.iter().map(|c| c.availability).collect();
    outage_rates_of(&a.formula, avail, mtbf)
}

fn outage_rates_of(
    formula: &super::Structure,
    avail: Vec<f64>,
    mtbf: &[Option<f64>],
) -> Option<Vec<f64>> {
    let failing = mtbf.iter().filter(|m| m.is_some()).count();
    if failing > MAX_IMPORTANCE_COMPONENTS || avail.len() != mtbf.len() {
        return None;
    }
    let mut left = IMPORTANCE_BUDGET_OPS;
    let mut rates = vec![0.0; avail.len()];
    let mut with = avail.clone();
    for (c, m) in mtbf.iter().enumerate() {
        let Some(m) = m else { continue };
        let mut p = [0.0; 2];
        for (k, state) in [1.0, 0.0].into_iter().enumerate() {
            with[c] = state;
            let (r, ops) = exact::availability(formula, &with, left);
            left = left.checked_sub(ops)?;
            p[k] = r.ok()?;
        }
        with[c] = avail[c];
        rates[c] = (p[0] - p[1]).max(0.0) * avail[c] / m;
    }
    Some(rates)
}

/// Probability that x of the given independent components are up (Poisson binomial).
fn count_distribution(ps: &[f64]) -> Vec<f64> {
    let mut dist = vec![1.0];
    for &p in ps {
        let mut next = vec![0.0; dist.len() + 1];
        for (x, &q) in dist.iter().enumerate() {
            next[x] += q * (1.0 - p);
            next[x + 1] += q * p;
        }
        dist = next;
    }
    dist
}

/// Another target of the same balancer: the chances it is up and in rotation, up but not
/// yet re-admitted, dead but still in rotation.
struct Other {
    serving: f64,
    readmitting: f64,
    dead_in_rotation: f64,
}

/// P(x others in rotation and at least one other up), by x.
fn rotation_while_up(others: &[Other]) -> Vec<f64> {
    // dist[x] = (P(x in rotation, none up), P(x in rotation, some up)).
    let mut dist = vec![[1.0, 0.0]];
    for o in others {
        let out = (1.0 - o.serving - o.readmitting - o.dead_in_rotation).max(0.0);
        let mut next = vec![[0.0, 0.0]; dist.len() + 1];
        for (x, &[none, some]) in dist.iter().enumerate() {
            next[x + 1][1] += (none + some) * o.serving;
            next[x][1] += (none + some) * o.readmitting;
            next[x + 1][0] += none * o.dead_in_rotation;
            next[x + 1][1] += some * o.dead_in_rotation;
            next[x][0] += none * out;
            next[x][1] += some * out;
        }
        dist = next;
    }
    dist.into_iter().map(|[_, some]| some).collect()
}

/// Requests an instance holds on average (in service and queued) at `rate_rps`: Erlang C
/// for M/M/workers, a full queue when overloaded.
fn requests_held(inst: &Instance, rate_rps: f64) -> f64 {
    let w = inst.workers.max(1) as f64;
    let offered = rate_rps * inst.service_time.mean_ms / 1_000.0;
    if offered >= w {
        return w + inst.queue_capacity as f64;
    }
    let mut erlang_b = 1.0;
    for k in 1..=inst.workers.max(1) {
        erlang_b = offered * erlang_b / (k as f64 + offered * erlang_b);
    }
    let rho = offered / w;
    let wait_p = w * erlang_b / (w - offered * (1.0 - erlang_b));
    offered + (wait_p * rho / (1.0 - rho)).min(inst.queue_capacity as f64)
}

/// Share of the entry's traffic each balancer carries: the entry balancer all of it, a
/// gateway's split evenly, DNS sends it to the primary record.
fn balancer_shares(s: &Scenario) -> Vec<f64> {
    let mut shares = vec![0.0; s.balancers.len()];
    let entry = match &s.dns {
        Some(d) => d
            .records
            .iter()
            .find(|r| r.role == super::super::scenario::RecordRole::Primary)
            .map_or(s.entry.as_str(), |r| r.target.as_str()),
        None => s.entry.as_str(),
    };
    if let Some(j) = s.balancers.iter().position(|b| b.name == entry) {
        shares[j] = 1.0;
    } else if let Some(g) = s.gateways.iter().find(|g| g.name == entry) {
        let behind: Vec<usize> = g
            .balancers
            .iter()
            .filter_map(|n| s.balancers.iter().position(|b| &b.name == n))
            .collect();
        for &j in &behind {
            shares[j] += 1.0 / behind.len() as f64;
        }
    }
    shares
}

/// How a balancer notices a crashed target.
struct Windows {
    /// Crash to marked down: uniform over [low, high] seconds (None: never, no checks).
    detect_s: Option<(f64, f64)>,
    /// Back up to back in rotation, on average (None: at once).
    readmit_s: Option<f64>,
    why: String,
}

fn windows(b: &Balancer) -> Windows {
    if b.passive.is_some() {
        return Windows {
            detect_s: Some((0.0, 0.0)),
            readmit_s: None,
            why: format!(
                "{}: passive health (NGINX max_fails): the first failed request takes it out",
                b.name
            ),
        };
    }
    match &b.health_check {
        Some(h) => {
            let c = h.resolve();
            let s = |ms: u64| ms as f64 / 1_000.0;
            // The first failing check at a random phase of `inter`, then `fall` − 1 more.
            let low = c.fall.saturating_sub(1) as f64 * s(c.fastinter_ms);
            let high = low + s(c.inter_ms);
            let readmit =
                s(c.downinter_ms) / 2.0 + c.rise.saturating_sub(1) as f64 * s(c.fastinter_ms);
            Windows {
                detect_s: Some((low, high)),
                readmit_s: Some(readmit),
                why: format!(
                    "{}: fall {} × inter {} s: {low:.1}–{high:.1} s to mark a crashed target down, rise {} ≈ {readmit:.1} s to take it back",
                    b.name,
                    c.fall,
                    fmt_s(c.inter_ms),
                    c.rise,
                ),
            }
        }
        None => Windows {
            detect_s: None,
            readmit_s: None,
            why: format!(
                "{}: no health check: a failed target keeps its traffic until it is repaired",
                b.name
            ),
        },
    }
}

/// The time a crashed instance keeps its traffic and the chance it is marked down at all:
/// the window ends at detection, or earlier when the repair (exponential, mean `mttr_s`) and
/// the boot are done first (then it was never marked down, and needs no re-admission).
fn exposure(w: &Windows, boot_s: f64, mttr_s: f64) -> (f64, f64) {
    let Some((low, high)) = w.detect_s else {
        return (boot_s + mttr_s, 0.0);
    };
    let back = |d: f64| -> (f64, f64) {
        if d <= boot_s {
            (d, 1.0)
        } else if mttr_s <= 0.0 {
            (boot_s, 0.0)
        } else {
            let e = libm::exp(-(d - boot_s) / mttr_s);
            (boot_s + mttr_s * (1.0 - e), e)
        }
    };
    // Midpoints over the uniform detection time.
    const POINTS: usize = 32;
    let (mut window, mut detected) = (0.0, 0.0);
    for k in 0..POINTS {
        let d = low + (high - low) * (k as f64 + 0.5) / POINTS as f64;
        let (w, p) = back(d);
        window += w / POINTS as f64;
        detected += p / POINTS as f64;
    }
    (window, detected)
}

fn fmt_s(ms: u64) -> String {
    let s = ms as f64 / 1_000.0;
    if (s - s.round()).abs() < 1e-9 {
        format!("{s:.0}")
    } else {
        format!("{s}")
    }
}

/// Boot and mean repair time of an instance, in seconds.
fn boot_and_repair_s(inst: &Instance) -> (f64, f64) {
    (
        inst.startup_ms as f64 / 1_000.0,
        inst.failures.as_ref().map_or(0.0, |r| r.mttr_s),
    )
}

/// Fraction of the requests refused by a dead target that a retry saves (another target in
/// rotation assumed), and of those it held when it crashed.
fn save_fractions(b: &Balancer, window_s: f64) -> (f64, f64) {
    if b.passive.is_some() {
        let on = |n| b.next_upstream.contains(&n);
        return (
            on(NextUpstream::Error) as u8 as f64,
            on(NextUpstream::Error) as u8 as f64,
        );
    }
    if b.retries == 0 {
        return (0.0, 0.0);
    }
    let held = b.retry_on.contains(&RetryOn::EmptyResponse) as u8 as f64;
    if !b.retry_on.contains(&RetryOn::ConnFailure) {
        return (0.0, held);
    }
    if b.redispatch {
        return (1.0, held);
    }
    // Same-server retries after the turn-around: only the end of the window is covered.
    let turn_s = (b.timeout_connect_ms.min(1_000)) as f64 / 1_000.0;
    let covered = b.retries as f64 * turn_s;
    let refused = if window_s <= 0.0 {
        1.0
    } else {
        (covered / window_s).min(1.0)
    };
    (refused, held)
}

/// Time-weighted (rate, weight) segments of the run's load.
fn load_segments(s: &Scenario) -> Vec<(f64, f64)> {
    let end_ms = s.duration_s.max(1) * 1_000;
    let mut cuts: Vec<(u64, f64)> = vec![(0, s.traffic.rate_rps)];
    for step in &s.traffic.profile {
        if step.at_ms < end_ms {
            cuts.push((step.at_ms, step.rate_rps));
        }
    }
    let mut out = Vec::with_capacity(cuts.len());
    for (k, &(at, rate)) in cuts.iter().enumerate() {
        let until = cuts.get(k + 1).map_or(end_ms, |c| c.0);
        if until > at {
            out.push((rate, (until - at) as f64 / end_ms as f64));
        }
    }
    out
}

pub fn predict(s: &Scenario, a: &Analysis) -> Prediction {
    let nb = s.balancers.len();
    let comps = &a.components;
    let avail = |c: usize| comps.get(c).map_or(1.0, |c| c.availability);
    let mtbf = mtbf_by_component(s);
    let rates = outage_rates(a, &mtbf);
    let shares = balancer_shares(s);
    // Availability of each instance's zone and region.
    let domain = |zone: &Option<String>| -> f64 {
        let Some(z) = zone else { return 1.0 };
        let mut p = 1.0;
        for r in &s.regions {
            if r.zones.iter().any(|x| &x.name == z) {
                p *= comps
                    .iter()
                    .find(|c| c.kind == "region" && c.name == r.name)
                    .map_or(1.0, |c| c.availability);
                p *= comps
                    .iter()
                    .find(|c| c.kind == "zone" && &c.name == z)
                    .map_or(1.0, |c| c.availability);
            }
        }
        p
    };
    let cycle_s = |i: usize| -> Option<f64> {
        let inst = &s.instances[i];
        inst.failures
            .as_ref()
            .filter(|r| r.mtbf_s > 0.0)
            .map(|r| r.mtbf_s + r.mttr_s + inst.startup_ms as f64 / 1_000.0)
    };
    // Instance name → index (the first, as a scan would find), one lookup per target.
    let mut by_name = std::collections::BTreeMap::new();
    for (i, inst) in s.instances.iter().enumerate() {
        by_name.entry(inst.name.as_str()).or_insert(i);
    }
    let index = |name: &str| by_name.get(name).copied();

    let mut p = Prediction::default();
    let mut det_drivers = Vec::new();
    let mut in_rotation = vec![0.0; s.instances.len()];
    // Each instance's share of time dead but still in rotation (its detection window) and
    // up but not yet back in rotation (re-admission).
    let mut dead_in_rotation = vec![0.0; s.instances.len()];
    let mut readmitting = vec![0.0; s.instances.len()];
    let mut pooled: Vec<usize> = Vec::new();
    for (j, b) in s.balancers.iter().enumerate() {
        let targets: Vec<usize> = b
            .targets
            .iter()
            .filter_map(|t| index(&t.instance))
            .collect();
        let w = windows(b);
        for &i in &targets {
            let f = cycle_s(i).map_or(0.0, |c| 1.0 / c);
            let (boot, mttr) = boot_and_repair_s(&s.instances[i]);
            let (window, detected) = exposure(&w, boot, mttr);
            let readmit = w.readmit_s.unwrap_or(0.0) * detected;
            in_rotation[i] = (avail(nb + i) * domain(&s.instances[i].zone) - f * readmit).max(0.0);
            readmitting[i] = f * readmit;
            dead_in_rotation[i] = f * window;
            if shares[j] > 0.0 && !pooled.contains(&i) {
                pooled.push(i);
            }
        }
    }
    let mean_rate: f64 = load_segments(s).iter().map(|(r, w)| r * w).sum();
    for (j, b) in s.balancers.iter().enumerate() {
        let share = shares[j];
        if share <= 0.0 {
            continue;
        }
        let targets: Vec<usize> = b
            .targets
            .iter()
            .filter_map(|t| index(&t.instance))
            .collect();
        let mut exposed = 0.0;
        let mut saved = 0.0;
        let w = windows(b);
        let mut readmissions = 0.0;
        // Expected targets in rotation, dead ones in their window included.
        let in_pool: f64 = targets
            .iter()
            .map(|&o| in_rotation[o] + dead_in_rotation[o])
            .sum();
        if !det_drivers.contains(&w.why) {
            det_drivers.push(w.why.clone());
        }
        for (k, &i) in targets.iter().enumerate() {
            let Some(cycle) = cycle_s(i) else { continue };
            let inst = &s.instances[i];
            let (boot, mttr) = boot_and_repair_s(inst);
            let (window, detected) = exposure(&w, boot, mttr);
            // A repair that ends a full outage, of an instance that had been marked down.
            readmissions += rates
                .as_ref()
                .map_or(0.0, |r| r.get(nb + i).copied().unwrap_or(0.0))
                * detected;
            // E[1/(1+X); another is up] and the requests held at the crash, X the others in
            // rotation (dead ones in their own window included): while none is up the
            // topology is down, and that is the analytic step's loss, not this one's.
            let mut share_e = 0.0;
            let mut held = 0.0;
            if targets.len() <= EXACT_SHARE_TARGETS {
                let others: Vec<Other> = targets
                    .iter()
                    .enumerate()
                    .filter(|&(m, _)| m != k)
                    .map(|(_, &o)| Other {
                        serving: in_rotation[o],
                        readmitting: readmitting[o],
                        dead_in_rotation: dead_in_rotation[o],
                    })
                    .collect();
                for (x, q) in rotation_while_up(&others).into_iter().enumerate() {
                    share_e += q / (1 + x) as f64;
                    held += q * requests_held(inst, mean_rate * share / (1 + x) as f64);
                }
            } else {
                // Many targets: the others in rotation are near their mean, and one of them
                // is up for certain (linear in the targets, not quadratic).
                let x = (in_pool - in_rotation[i] - dead_in_rotation[i]).max(0.0);
                share_e = 1.0 / (1.0 + x);
                held = requests_held(inst, mean_rate * share / (1.0 + x));
            }
            let f = 1.0 / cycle;
            let refused = share * f * window * share_e;
            let lost_held = if mean_rate > 0.0 {
                f * held / mean_rate
            } else {
                0.0
            };
            let (save_refused, save_held) = save_fractions(b, window);
            exposed += refused + lost_held;
            saved += refused * save_refused + lost_held * save_held;
        }
        // Re-admission after a full outage: the topology can serve, nothing is in rotation.
        if let (Some(readmit), true) = (
            w.readmit_s,
            b.when_all_down == super::super::scenario::WhenAllDown::Reject,
        ) {
            exposed += share * readmissions * readmit;
        }
        // Targets that start unhealthy wait `rise` checks before their first traffic.
        if let Some(c) = b
            .health_check
            .as_ref()
            .map(|h| h.resolve())
            .filter(|c| !c.start_healthy)
        {
            let first = c.inter_ms as f64 / 1_000.0 / (targets.len() + 1) as f64
                + c.rise.saturating_sub(1) as f64 * c.fastinter_ms as f64 / 1_000.0;
            exposed += share * (first / s.duration_s.max(1) as f64).min(1.0);
            det_drivers.push(format!("{}: targets start unhealthy (initial): ≈ {first:.0} s before the first is in rotation", b.name));
        }
        p.detection += exposed;
        p.retries_saved += saved;
        if saved > 0.0 {
            p.retries_driver = format!(
                "{}: retries {}{}",
                b.name,
                b.retries,
                if b.passive.is_some() {
                    ", proxy_next_upstream".to_string()
                } else if b.redispatch {
                    ", redispatch on".to_string()
                } else {
                    ", redispatch off (same server after 1 s)".to_string()
                }
            );
        }
    }
    if p.retries_driver.is_empty() {
        p.retries_driver = "no retry on another server".to_string();
    }
    if let Some((cost, why)) = dns_failover(s) {
        p.detection += cost;
        det_drivers.push(why);
    }
    p.detection_driver = det_drivers.join("; ");
    capacity(s, &pooled, &in_rotation, a.availability, &mut p);
    p.outages_per_s = rates.map(|r| r.iter().sum());
    // The analytic figure with MTTR alone, for the note on startup.
    if s.instances
        .iter()
        .any(|i| i.failures.is_some() && i.startup_ms > 0)
    {
        let mut plain: Vec<f64> = comps.iter().map(|c| c.availability).collect();
        for (i, inst) in s.instances.iter().enumerate() {
            if let Some(slot) = plain.get_mut(nb + i) {
                *slot = super::component_availability(inst.failures.as_ref(), 0.0);
            }
        }
        if let (Ok(v), _) = exact::availability(&a.formula, &plain, super::EXACT_BUDGET_OPS) {
            p.analytic_without_startup = Some(v);
        }
    }
    p
}

/// DNS failover: when the primary endpoint stops serving, clients keep going there until
/// Route 53 marks it unhealthy (`failure_threshold` × `request_interval_s`, at a random phase)
/// and their cached answer expires (half the TTL left on average). The primary's outage rate
/// comes from its own structure (the scenario with the primary as the entry).
fn dns_failover(s: &Scenario) -> Option<(f64, String)> {
    let d = s.dns.as_ref()?;
    let primary = d
        .records
        .iter()
        .find(|r| r.role == super::super::scenario::RecordRole::Primary && r.health_checked)?;
    d.records
        .iter()
        .find(|r| r.role == super::super::scenario::RecordRole::Secondary)?;
    let mut alone = s.clone();
    alone.dns = None;
    alone.entry = primary.target.clone();
    let avail: Vec<f64> = super::components(&alone)
        .iter()
        .map(|c| c.availability)
        .collect();
    let rate: f64 = outage_rates_of(&super::structure(&alone), avail, &mtbf_by_component(&alone))?
        .iter()
        .sum();
    let hc = &d.health_check;
    let detect_s = hc.failure_threshold.saturating_sub(1) as f64 * hc.request_interval_s as f64
        + hc.request_interval_s as f64 / 2.0;
    let window_s = detect_s + d.ttl_s as f64 / 2.0;
    Some((
        (rate * window_s).min(1.0),
        format!(
            "{}: Route 53 FailureThreshold {} × RequestInterval {} s + TTL {} s ≈ {window_s:.0} s on the failed primary",
            d.name, hc.failure_threshold, hc.request_interval_s, d.ttl_s
        ),
    ))
}

/// Capacity shortfall over the pool of instances the entry's balancers use.
fn capacity(s: &Scenario, pool: &[usize], in_rotation: &[f64], analytic: f64, p: &mut Prediction) {
    let caps: Vec<f64> = pool
        .iter()
        .map(|&i| {
            let inst = &s.instances[i];
            inst.workers as f64 / (inst.service_time.mean_ms / 1_000.0).max(1e-9)
        })
        .collect();
    if caps.is_empty() {
        p.capacity_driver = "no balanced pool".to_string();
        return;
    }
    let each = caps.iter().sum::<f64>() / caps.len() as f64;
    let ps: Vec<f64> = pool.iter().map(|&i| in_rotation[i]).collect();
    let dist = if pool.len() <= EXACT_CAPACITY_POOL {
        count_distribution(&ps)
    } else {
        // Many instances: the count in rotation is near its mean.
        let mean = ps.iter().sum::<f64>().round().max(1.0) as usize;
        let mut d = vec![0.0; mean + 1];
        d[mean] = 1.0;
        d
    };
    let any: f64 = dist.iter().skip(1).sum();
    let mut loss = 0.0;
    let mut peak: f64 = 0.0;
    for (rate, weight) in load_segments(s) {
        peak = peak.max(rate);
        if rate <= 0.0 {
            continue;
        }
        let lost: f64 = dist
            .iter()
            .enumerate()
            .skip(1)
            .map(|(m, q)| q * (1.0 - m as f64 * each / rate).max(0.0))
            .sum();
        loss += weight * lost;
    }
    if any > 0.0 {
        p.capacity = analytic * loss / any;
    }
    let needed = (peak / each).ceil().max(1.0) as usize;
    let inst = &s.instances[pool[0]];
    p.capacity_driver = format!(
        "needs {needed} of {} at {} req/s: each serves {} workers / {} ms = {:.0} req/s{}",
        pool.len(),
        fmt_rate(peak),
        inst.workers,
        inst.service_time.mean_ms,
        each,
        if caps.iter().any(|c| (c - each).abs() > 1e-9) {
            " (mean of the pool)"
        } else {
            ""
        }
    );
}

fn fmt_rate(r: f64) -> String {
    if (r - r.round()).abs() < 1e-9 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}
