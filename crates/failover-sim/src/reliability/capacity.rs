//! Capacity-aware analysis: how many instances each balanced tier *needs*, not just whether
//! one of them is up.
//!
//! The structural figure asks "is there a path?": any one instance behind a balancer keeps
//! it serving. Under load that is false. An instance with `workers` workers and a mean
//! service time S serves at most `workers` / S requests per second; at the run's peak offered
//! load λ a tier of n instances needs k of them up to stay under the utilisation ceiling
//! (100 % by default: past it the queue grows without bound, waits pass the clients'
//! timeouts, and checks served by the same workers time out). The tier is then "k of n",
//! and the availability of a k-of-n tier of independent instances is
//! Σ_{i=k..n} C(n,i) aⁱ (1−a)ⁿ⁻ⁱ — computed exactly by the same decision diagram as the
//! structural figure, with the balancer's OR replaced by an at-least-k gate.
//!
//! The finding the user reads: "3 instances at 80 %: losing any one overloads the other two"
//! (k = n: no spare, the N+1 rule broken), next to the structural "any one up" figure.
//!
//! First-order load model (stated in every finding): the entry's peak load reaches the
//! entry balancer whole, a gateway splits it evenly over its balancers, each DNS failover
//! record's target carries all of it while it serves. A balancer spreads its load evenly
//! over its instances, and an instance behind several balancers carries every share; with
//! unequal instances the k smallest must suffice (any k may be the ones left).
use super::super::scenario::Scenario;
use super::super::validate::{self, NameKind};
use super::{killers, structure_needing, Access, Component, Estimate, Killers, Method, Spof};
use serde::Serialize;

/// The utilisation a tier may run at with instances lost: 100 %, where an M/M/c queue stops
/// being stable. A stricter ceiling (e.g. 80 % to keep waits short) can be asked for.
pub const DEFAULT_UTILISATION_CEILING: f64 = 1.0;

/// One balancer's pool of instances under the peak load.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Tier {
    pub balancer: String,
    /// The instances it can send to (the same ones the structural formula counts).
    pub instances: Vec<String>,
    /// Peak requests per second these instances carry while this balancer serves (from
    /// every balancer that uses them).
    pub offered_rps: f64,
    /// Σ workers / mean service time over the instances.
    pub capacity_rps: f64,
    /// Offered / capacity with every instance up.
    pub utilisation: f64,
    /// Offered / capacity after losing the largest instance (None for a tier of one).
    pub utilisation_after_one_lost: Option<f64>,
    /// k: the fewest instances that keep the utilisation under the ceiling (the smallest
    /// ones: any k may be the ones left). More than `instances.len()` when even all of them
    /// cannot.
    pub needed: usize,
    /// The finding in words.
    pub finding: String,
}

impl Tier {
    /// Spare instances beyond what the load needs (0: N without +1; negative: overloaded).
    pub fn spare(&self) -> i64 {
        self.instances.len() as i64 - self.needed as i64
    }
}

/// Requests per second one instance serves at most: workers / mean service time.
pub fn instance_capacity_rps(workers: u32, mean_service_ms: f64) -> f64 {
    workers as f64 / (mean_service_ms / 1_000.0).max(1e-9)
}

/// The peak of the offered load over the run (the base rate and every profile step).
pub fn peak_rps(s: &Scenario) -> f64 {
    let end_ms = s.duration_s.max(1) * 1_000;
    s.traffic
        .profile
        .iter()
        .filter(|step| step.at_ms < end_ms)
        .map(|step| step.rate_rps)
        .fold(s.traffic.rate_rps, f64::max)
}

/// The load each balancer carries while it serves, from the entry (see the module notes).
fn serving_loads(s: &Scenario, peak: f64) -> Vec<f64> {
    let mut load = vec![0.0; s.balancers.len()];
    let reach = |name: &str, l: f64, load: &mut Vec<f64>| match validate::lookup(s, name) {
        Some(NameKind::Balancer(j)) => load[j] = f64::max(load[j], l),
        Some(NameKind::Gateway(g)) => {
            let behind: Vec<usize> = s.gateways[g]
                .balancers
                .iter()
                .filter_map(|n| s.balancers.iter().position(|b| &b.name == n))
                .collect();
            for &j in &behind {
                load[j] = f64::max(load[j], l / behind.len() as f64);
            }
        }
        _ => {}
    };
    match &s.dns {
        // Failover routing: one record's target takes everything while it serves.
        Some(d) => {
            for r in &d.records {
                reach(&r.target, peak, &mut load);
            }
        }
        None => reach(&s.entry, peak, &mut load),
    }
    load
}

/// The instances a balancer can use: the same rule as the structural formula (backups
/// count, and without cross-zone load balancing only its own zone's).
pub(super) fn usable_targets(s: &Scenario, j: usize) -> Vec<usize> {
    let bal = &s.balancers[j];
    bal.targets
        .iter()
        .filter_map(|t| s.instances.iter().position(|i| i.name == t.instance))
        .filter(|&i| {
            let zone = &s.instances[i].zone;
            bal.cross_zone || bal.zone.is_none() || zone.is_none() || *zone == bal.zone
        })
        .collect()
}

/// The fewest of `caps` (the smallest first) whose sum keeps `offered` under `ceiling` of
/// it; `caps.len() + 1` when none does.
fn needed(caps: &[f64], offered: f64, ceiling: f64) -> usize {
    if offered <= 0.0 {
        return 1;
    }
    let mut sorted = caps.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut sum = 0.0;
    for (k, c) in sorted.iter().enumerate() {
        sum += c;
        // Strictly under: at exactly 100 % a queue grows without bound.
        if offered < sum * ceiling {
            return k + 1;
        }
    }
    caps.len() + 1
}

fn pct(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}

/// Every balancer's tier under the peak load, in balancer order (balancers that carry no
/// load, or have no instances, are left out).
pub fn tiers(s: &Scenario, ceiling: f64) -> Vec<Tier> {
    let peak = peak_rps(s);
    let loads = serving_loads(s, peak);
    let usable: Vec<Vec<usize>> = (0..s.balancers.len())
        .map(|j| usable_targets(s, j))
        .collect();
    // Each balancer spreads its load evenly over its instances; an instance behind two
    // balancers (a gateway's pair, cross-zone) carries both shares.
    let mut instance_load = vec![0.0; s.instances.len()];
    for (j, targets) in usable.iter().enumerate() {
        for &i in targets {
            instance_load[i] += loads[j] / targets.len() as f64;
        }
    }
    let mut out = Vec::new();
    for (j, bal) in s.balancers.iter().enumerate() {
        let targets = &usable[j];
        if targets.is_empty() || loads[j] <= 0.0 {
            continue;
        }
        let caps: Vec<f64> = targets
            .iter()
            .map(|&i| {
                let inst = &s.instances[i];
                instance_capacity_rps(inst.workers, inst.service_time.mean_ms)
            })
            .collect();
        let capacity: f64 = caps.iter().sum();
        let largest = caps.iter().copied().fold(0.0, f64::max);
        let offered: f64 = targets.iter().map(|&i| instance_load[i]).sum();
        let n = targets.len();
        let k = needed(&caps, offered, ceiling);
        let utilisation = offered / capacity.max(1e-9);
        let after_one = (n > 1).then(|| offered / (capacity - largest).max(1e-9));
        let each = &s.instances[targets[0]];
        let sums = format!(
            "{} req/s peak on {n} instance{} of {} workers / {} ms = {:.0} req/s each",
            fmt_rate(offered),
            if n == 1 { "" } else { "s" },
            each.workers,
            each.service_time.mean_ms,
            caps[0],
        );
        let finding = if k > n {
            format!(
                "{}: overloaded with every instance up — {} at {} utilisation ({sums}); it needs {} to stay under {}",
                bal.name,
                plural(n),
                pct(utilisation),
                plural(k),
                pct(ceiling)
            )
        } else if k == n && n > 1 {
            format!(
                "{}: {} at {}: losing any one overloads the other {} ({} of {n} needed under {}; N+1 would be {}) — {sums}",
                bal.name,
                plural(n),
                pct(utilisation),
                if n == 2 { "one".to_string() } else { (n - 1).to_string() },
                k,
                pct(ceiling),
                n + 1
            )
        } else if k == n {
            format!(
                "{}: one instance at {} — its failure stops the tier anyway ({sums})",
                bal.name,
                pct(utilisation)
            )
        } else {
            format!(
                "{}: {} at {}: {} needed under {}, {} spare{} — {sums}",
                bal.name,
                plural(n),
                pct(utilisation),
                k,
                pct(ceiling),
                n - k,
                after_one
                    .map(|u| format!(" (losing the largest leaves the rest at {})", pct(u)))
                    .unwrap_or_default()
            )
        };
        out.push(Tier {
            balancer: bal.name.clone(),
            instances: targets
                .iter()
                .map(|&i| s.instances[i].name.clone())
                .collect(),
            offered_rps: offered,
            capacity_rps: capacity,
            utilisation,
            utilisation_after_one_lost: after_one,
            needed: k,
            finding,
        });
    }
    out
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 instance".to_string()
    } else {
        format!("{n} instances")
    }
}

fn fmt_rate(r: f64) -> String {
    if (r - r.round()).abs() < 1e-9 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// k per balancer for the capacity-aware formula (1 where no tier was found: no load).
pub(super) fn needed_by_balancer(s: &Scenario, tiers: &[Tier]) -> Vec<usize> {
    s.balancers
        .iter()
        .map(|b| {
            tiers
                .iter()
                .find(|t| t.balancer == b.name)
                .map_or(1, |t| t.needed)
        })
        .collect()
}

/// The capacity-aware side of the analysis, next to the structural figure.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CapacityAnalysis {
    /// The utilisation ceiling the tiers are held to (1.0 = 100 %).
    pub ceiling: f64,
    /// Peak offered load of the run (requests per second).
    pub peak_rps: f64,
    pub tiers: Vec<Tier>,
    /// Availability with every tier needing its k instances (≤ the structural figure).
    pub availability: f64,
    pub availability_method: Method,
    pub availability_estimate: Option<Estimate>,
    /// Components whose failure alone leaves a tier without enough capacity at the peak,
    /// though a path remains (the structural SPOFs are not repeated here).
    pub spofs: Vec<Spof>,
    /// Some tier is overloaded even with every component up.
    pub overloaded_at_peak: bool,
}

impl CapacityAnalysis {
    /// Whether capacity changes anything: some tier needs more than one instance.
    pub fn binds(&self) -> bool {
        self.tiers.iter().any(|t| t.needed > 1)
    }
}

/// Everything the structural analysis knows (components, their availability, its figure
/// and killers) plus the tiers' k: the capacity-aware figure and its extra SPOFs.
pub(super) struct Structural<'a> {
    pub components: &'a [Component],
    pub availability: &'a [f64],
    pub figure: (f64, Method, Option<Estimate>),
    pub read_killers: &'a Killers,
    pub write_killers: &'a Killers,
}

pub(super) fn analyse(s: &Scenario, ceiling: f64, st: Structural<'_>) -> CapacityAnalysis {
    let tiers = tiers(s, ceiling);
    let peak = peak_rps(s);
    let overloaded = tiers.iter().any(|t| t.needed > t.instances.len());
    let (value, method, estimate) = st.figure;
    let mut out = CapacityAnalysis {
        ceiling,
        peak_rps: peak,
        availability: value,
        availability_method: method,
        availability_estimate: estimate,
        spofs: Vec::new(),
        overloaded_at_peak: overloaded,
        tiers,
    };
    if !out.binds() {
        // Every tier is "any one of n": the structural formula already says it all.
        return out;
    }
    let needed = needed_by_balancer(s, &out.tiers);
    let access = if s.traffic.write_fraction > 0.0 {
        Access::Write
    } else {
        Access::Read
    };
    let formula = structure_needing(s, access, &needed);
    let computed = formula.availability(st.availability);
    out.availability = computed.value;
    out.availability_method = computed.method;
    out.availability_estimate = computed.estimate;
    if overloaded {
        // Every component "kills" a formula that is already false: naming them all would
        // say nothing; the tier's finding says what is wrong.
        return out;
    }
    let (cap_killers, _) = killers(&formula);
    let structural = |c: usize| match access {
        Access::Write => st.write_killers.contains(c),
        Access::Read => st.read_killers.contains(c),
    };
    out.spofs = (0..st.components.len())
        .filter(|&c| cap_killers.contains(c) && !structural(c))
        .map(|c| capacity_spof(&st.components[c], &out.tiers, ceiling))
        .collect();
    out
}

/// A component whose loss leaves too little capacity: which tier, and by how much.
fn capacity_spof(comp: &Component, tiers: &[Tier], ceiling: f64) -> Spof {
    let name = &comp.name;
    let tier = tiers
        .iter()
        .find(|t| t.needed > 1 && t.instances.iter().any(|i| i == name));
    let why = match (comp.kind, tier) {
        ("instance", Some(t)) => format!(
            "losing {name} leaves {} with {} of the {} instances its peak of {} req/s needs: the rest run past {} and queue without bound",
            t.balancer,
            t.instances.len() - 1,
            t.needed,
            fmt_rate(t.offered_rps),
            pct(ceiling)
        ),
        (kind, _) => format!(
            "losing this {kind} takes away instances a tier needs for its peak load: a path remains, but not enough capacity"
        ),
    };
    Spof {
        name: name.clone(),
        kind: comp.kind,
        why,
        reads: true,
        writes: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needed_counts_the_smallest_first_and_is_strict_at_the_ceiling() {
        // 3 × 100 req/s at 240 req/s: 3 needed (2 give 200 < 240).
        assert_eq!(needed(&[100.0; 3], 240.0, 1.0), 3);
        // 4 × 100 at 240: 3 of 4.
        assert_eq!(needed(&[100.0; 4], 240.0, 1.0), 3);
        // Exactly 200 on 2 × 100 is 100 %: unstable, so 3.
        assert_eq!(needed(&[100.0; 3], 200.0, 1.0), 3);
        // An 80 % ceiling: 160 needs 200 × 0.8 = 160 → strictly more: 3.
        assert_eq!(needed(&[100.0; 3], 160.0, 0.8), 3);
        // Unequal: the small ones must suffice.
        assert_eq!(needed(&[50.0, 200.0, 200.0], 240.0, 1.0), 2);
        assert_eq!(needed(&[50.0, 200.0, 200.0], 260.0, 1.0), 3);
        // Too much for all: n + 1.
        assert_eq!(needed(&[100.0; 2], 250.0, 1.0), 3);
    }
}
