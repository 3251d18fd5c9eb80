//! The cross-platform determinism sweep: many (preset, seed, clicks) runs whose trace
//! hashes must be equal natively and in wasm32.
//!
//! [`case`] derives case `i` from `i` alone (a PCG32 stream of `sim::rng`), so the native
//! test (`tests/determinism_sweep.rs`) and the Chromium test (`tests/web_determinism_sweep.rs`)
//! generate the same cases and compare them with the same golden file,
//! `tests/determinism_sweep.txt` ([`golden_line`] per case, made natively). A case is a
//! preset, a seed, a duration of 10–20 simulated seconds and a few commands as the app makes
//! them: clicks from the node menus (crash, unreachable, gray, add-latency, fail, heal with the
//! menus' own values), inspector edits (`set`) and zone or region links (partition, repair),
//! each given while the run is going, so [`run`] schedules it at the next whole millisecond
//! exactly as the UI does. Pure Rust on purpose: it is compiled on both targets.
use crate::sim::rng::SimRng;
use crate::sim::scenario::{Fault, FaultAction, ParamValue, Scenario};
use crate::sim::time::{TimeUs, US_PER_S};
use crate::sim::{presets, Simulation};

/// Cases in the golden file (the full sweep).
pub const CASES: u32 = 1_000;
/// Every case's seed stream derives from this and the case number.
const SWEEP_SEED: u64 = 0x005E_ED0F_5EEB;

/// One command given while the run is going: at `at_us` of simulated time (a frame
/// boundary, any microsecond) the user clicks, and the click lands at the next whole ms.
#[derive(Clone, Debug, PartialEq)]
pub struct Click {
    pub at_us: TimeUs,
    pub fault: Fault,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub index: u32,
    pub preset: &'static str,
    pub seed: u64,
    pub duration_s: u64,
    pub clicks: Vec<Click>,
}

/// What a run of a case gives: compared field for field across platforms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Clicks `schedule` accepted (the others were refused, the same way everywhere).
    pub accepted: u32,
    pub events: u64,
    pub trace_hash: u64,
}

/// Node names a user can click, by what the menus offer for them.
struct Targets {
    instances: Vec<String>,
    /// Balancers and gateways (fail, unreachable, heal).
    front: Vec<String>,
    databases: Vec<String>,
    dns: Option<String>,
    domains: Vec<String>,
    balancers: Vec<String>,
}

impl Targets {
    fn of(s: &Scenario) -> Targets {
        let mut databases = Vec::new();
        if let Some(db) = &s.database {
            databases.push(db.name.clone());
            if let Some(st) = &db.standby {
                databases.push(st.name.clone());
            }
        }
        let mut domains = Vec::new();
        for r in &s.regions {
            domains.push(r.name.clone());
            domains.extend(r.zones.iter().map(|z| z.name.clone()));
        }
        Targets {
            instances: s.instances.iter().map(|i| i.name.clone()).collect(),
            front: s
                .balancers
                .iter()
                .map(|b| b.name.clone())
                .chain(s.gateways.iter().map(|g| g.name.clone()))
                .collect(),
            databases,
            dns: s.dns.as_ref().map(|d| d.name.clone()),
            domains,
            balancers: s.balancers.iter().map(|b| b.name.clone()).collect(),
        }
    }
}

fn pick<'a>(rng: &mut SimRng, items: &'a [String]) -> Option<&'a str> {
    if items.is_empty() {
        None
    } else {
        Some(&items[rng.below(items.len() as u32) as usize])
    }
}

/// One click on a random node, as the app's menus, inspector and zone links make them
/// (`at_ms` 0: the runner moves it to the next whole millisecond).
fn click(rng: &mut SimRng, t: &Targets, rate_rps: f64) -> Option<Fault> {
    let fault = match rng.below(8) {
        0..=2 => {
            let node = pick(rng, &t.instances)?;
            match rng.below(6) {
                0 => Fault::new(0, FaultAction::Crash, node),
                1 => Fault::new(0, FaultAction::Unreachable, node),
                // The menus' values (ui::diagram::GRAY_ERROR_RATE, GRAY_EXTRA_MS, ADDED_LATENCY_MS).
                2 => Fault {
                    error_rate: Some(0.3),
                    extra_latency_ms: Some(150.0),
                    ..Fault::new(0, FaultAction::Gray, node)
                },
                3 => Fault {
                    extra_latency_ms: Some(250.0),
                    ..Fault::new(0, FaultAction::AddLatency, node)
                },
                4 => {
                    let (param, value) = match rng.below(3) {
                        0 => ("workers", ParamValue::Number((1 + rng.below(16)) as f64)),
                        1 => (
                            "service_time.mean_ms",
                            ParamValue::Number(1.0 + rng.below(200) as f64 / 4.0),
                        ),
                        _ => ("queue_capacity", ParamValue::Number(rng.below(512) as f64)),
                    };
                    Fault::set(0, node, param, value)
                }
                _ => Fault::new(0, FaultAction::Heal, node),
            }
        }
        3 => {
            let node = pick(rng, &t.front)?;
            let action = [
                FaultAction::Fail,
                FaultAction::Unreachable,
                FaultAction::Heal,
            ][rng.below(3) as usize];
            Fault::new(0, action, node)
        }
        4 => {
            let node = pick(rng, &t.balancers)?;
            let (param, value) = match rng.below(4) {
                0 => ("retries", ParamValue::Number(rng.below(4) as f64)),
                1 => (
                    "algorithm",
                    ParamValue::Text(
                        ["round-robin", "least-conn", "random", "power-of-two"]
                            [rng.below(4) as usize]
                            .into(),
                    ),
                ),
                2 => (
                    "health_check.inter_ms",
                    ParamValue::Number((100 * (1 + rng.below(30))) as f64),
                ),
                _ => ("redispatch", ParamValue::Bool(rng.below(2) == 1)),
            };
            Fault::set(0, node, param, value)
        }
        5 => {
            let node = pick(rng, &t.databases).or(t.dns.as_deref())?;
            let is_dns = t.dns.as_deref() == Some(node);
            let action = if is_dns {
                [FaultAction::Fail, FaultAction::Heal][rng.below(2) as usize]
            } else {
                [
                    FaultAction::Crash,
                    FaultAction::Unreachable,
                    FaultAction::Heal,
                ][rng.below(3) as usize]
            };
            Fault::new(0, action, node)
        }
        6 => {
            let a = pick(rng, &t.domains)?;
            match rng.below(4) {
                0 => Fault::new(0, FaultAction::Fail, a),
                1 => Fault::new(0, FaultAction::Heal, a),
                k => {
                    let b = pick(rng, &t.domains)?;
                    let action = if k == 2 {
                        FaultAction::Partition
                    } else {
                        FaultAction::Repair
                    };
                    Fault {
                        peer: Some(b.to_string()),
                        ..Fault::new(0, action, a)
                    }
                }
            }
        }
        _ => {
            // The traffic inspector: a rate between half and twice the scenario's.
            let factor = 0.5 + rng.below(7) as f64 / 4.0;
            let rate = (rate_rps * factor).round().max(1.0);
            Fault::set(0, "clients", "rate_rps", ParamValue::Number(rate))
        }
    };
    Some(fault)
}

/// Case `i` of the sweep (any `i`; the golden file holds the first [`CASES`]).
pub fn case(i: u32) -> Case {
    let mut rng = SimRng::new(SWEEP_SEED, i as u64);
    let all = presets::all();
    let preset = &all[(i as usize) % all.len()];
    let scenario = preset.scenario();
    let seed = match rng.below(16) {
        0 => 0,
        1 => u64::MAX,
        2 => scenario.seed,
        _ => rng.next_u64(),
    };
    let duration_s = 10 + rng.below(11) as u64;
    let targets = Targets::of(&scenario);
    let n = rng.below(7);
    let mut at_us = 0;
    let mut clicks = Vec::new();
    for _ in 0..n {
        // A frame boundary of a 60 Hz animation at some speed: any microsecond.
        at_us += rng.below((duration_s * US_PER_S / (n as u64 + 1)) as u32) as u64 + 1;
        if let Some(fault) = click(&mut rng, &targets, scenario.traffic.rate_rps) {
            clicks.push(Click { at_us, fault });
        }
    }
    Case {
        index: i,
        preset: preset.name,
        seed,
        duration_s,
        clicks,
    }
}

/// Run a case: build, then for each click run to its time and schedule it (the engine
/// moves it to the next whole millisecond, as for a click in the app), then run to the end.
pub fn run(case: &Case) -> Result<Outcome, String> {
    let scenario = presets::find(case.preset)
        .ok_or_else(|| format!("no preset {}", case.preset))?
        .scenario();
    let mut sim = Simulation::with_seed(&scenario, case.seed).map_err(|e| e.to_string())?;
    let mut accepted = 0;
    for c in &case.clicks {
        sim.run_until(c.at_us, u64::MAX);
        if sim.schedule(c.fault.clone()).is_ok() {
            accepted += 1;
        }
    }
    sim.run_until(case.duration_s * US_PER_S, u64::MAX);
    Ok(Outcome {
        accepted,
        events: sim.events_processed(),
        trace_hash: sim.trace_hash(),
    })
}

/// The golden-file line of a case and its outcome:
/// `INDEX PRESET SEED DURATION_S CLICKS ACCEPTED EVENTS TRACE_HASH`.
pub fn golden_line(case: &Case, o: &Outcome) -> String {
    format!(
        "{} {} {} {} {} {} {} {:016x}",
        case.index,
        case.preset,
        case.seed,
        case.duration_s,
        case.clicks.len(),
        o.accepted,
        o.events,
        o.trace_hash
    )
}

/// The golden file's case lines by index (comment lines start with `#`).
pub fn parse_golden(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// The CI slice: `n` cases spread evenly over the golden file. Case `i` runs preset
/// `i % presets`, so the k-th pick is moved up to the first case at or after its even spot
/// whose preset is number `k % presets`: with `n` ≥ the preset count every preset appears,
/// whatever that count is.
pub fn slice(n: u32) -> impl Iterator<Item = u32> {
    let step = (CASES / n.max(1)).max(1);
    let presets = (presets::all().len() as u32).max(1);
    (0..n.min(CASES)).map(move |k| {
        let base = k * step;
        let pick = base + (k % presets + presets - base % presets) % presets;
        // Past the golden file: the same preset one round earlier.
        if pick >= CASES {
            pick - presets
        } else {
            pick
        }
    })
}

/// Compare cases `indices` with the golden lines; returns (cases checked, mismatches as
/// "expected / got" text).
pub fn check(golden: &[&str], indices: impl Iterator<Item = u32>) -> (u32, Vec<String>) {
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for i in indices {
        let c = case(i);
        let got = match run(&c) {
            Ok(o) => golden_line(&c, &o),
            Err(e) => format!("{} error: {e}", c.index),
        };
        checked += 1;
        let want = golden.get(i as usize).copied().unwrap_or("(missing)");
        if want != got {
            mismatches.push(format!("case {i}: expected `{want}`, got `{got}`"));
        }
    }
    (checked, mismatches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_are_a_pure_function_of_their_index() {
        assert_eq!(case(17), case(17));
        assert_ne!(case(17), case(18));
    }

    #[test]
    fn the_slice_covers_every_preset_and_stays_in_range() {
        let idx: Vec<u32> = slice(40).collect();
        assert_eq!(idx.len(), 40);
        assert!(idx.iter().all(|&i| i < CASES));
        let mut presets: Vec<&str> = idx.iter().map(|&i| case(i).preset).collect();
        presets.sort();
        presets.dedup();
        assert_eq!(presets.len(), crate::sim::presets::all().len().min(40));
    }
}
