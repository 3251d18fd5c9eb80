//! Compare: the run on screen (A) and another design (B: a preset, or the same scenario
//! before the edits) side by side, with the same seed, the same traffic and the same
//! commands mapped by node name. A command on a node B lacks is listed, never dropped
//! silently.
//!
//! Both diagrams follow the simulated clock of the main run: on every panel refresh B is run
//! up to A's time (within an event budget, so a long "run to" or a seek back catches up over
//! a few refreshes, which the view schedules itself when paused), so a crash clicked on A shows on both at the same instant. The table is
//! `sim::compare` over the whole run (at most `TABLE_MAX_S` simulated seconds), the same
//! figures as `failover-lab compare A B`.
use std::rc::Rc;

use yew::prelude::*;

use super::common::{fmt_availability, fmt_count, fmt_ms, Shared};
use super::diagram::Diagram;
use super::edit_runner::carry_commands;
use super::layout::{Layout, Orientation};
use super::runner::topology_layout;
use crate::sim::compare::{compare, Comparison, Side};
use crate::sim::time::TimeUs;
use crate::sim::{Fault, Scenario, Simulation, Snapshot};

/// Longest run the table simulates (a day-long preset would keep the page busy for seconds).
pub const TABLE_MAX_S: u64 = 600;
/// Events B may process per panel refresh while catching up with A.
const CATCH_UP_EVENTS: u64 = 400_000;
/// Pause between catch-up refreshes (the page stays responsive while B catches up).
const CATCH_UP_PAUSE_MS: u32 = 16;

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    /// How B is named ("preset single-server", "before your edits").
    pub label: AttrValue,
    pub a: Shared<Scenario>,
    /// B, or why it cannot be built.
    pub b: Shared<Result<Scenario, String>>,
    pub seed: u64,
    pub commands: Shared<Vec<Fault>>,
    /// A's clock, snapshot and layout (its diagram is drawn again here, next to B's).
    pub now_us: TimeUs,
    pub a_snapshot: Shared<Snapshot>,
    pub a_layout: Shared<Layout>,
    pub a_trace_hash: AttrValue,
    pub on_close: Callback<()>,
}

/// B's live run and what it was built from.
struct SideB {
    key: (Scenario, u64, Vec<Fault>),
    sim: Simulation,
    layout: Rc<Layout>,
    not_applicable: Vec<String>,
}

#[function_component(CompareView)]
pub fn compare_view(p: &CompareProps) -> Html {
    let side = use_mut_ref(|| None::<SideB>);
    let table = use_state(|| None::<(u64, Result<Comparison, String>)>);
    let b = match &*p.b {
        Ok(b) => b.clone(),
        Err(e) => {
            return html! {
                <section class="compare" data-compare="" aria-label="Compare two designs">
                    <p class="field-error" role="alert">{ format!("B cannot be built: {e}") }</p>
                </section>
            }
        }
    };
    // (Re)build B when its inputs change or A went back in time (a restart).
    let key = (b.clone(), p.seed, (*p.commands).clone());
    let (b_snap, b_layout, b_hash, b_now, not_applicable, b_behind) = {
        let mut slot = side.borrow_mut();
        let stale = slot
            .as_ref()
            .is_none_or(|s| s.key != key || s.sim.now_us() > p.now_us);
        if stale {
            let carried = carry_commands(&p.commands, &[], &b);
            match Simulation::with_seed(&b, p.seed) {
                Ok(mut sim) => {
                    for c in &carried.kept {
                        // carry_commands made the checks `schedule` makes at 0 s.
                        let _ = sim.schedule(c.clone());
                    }
                    let layout = Rc::new(topology_layout(&sim, Orientation::Vertical));
                    *slot = Some(SideB {
                        key: key.clone(),
                        sim,
                        layout,
                        not_applicable: carried.dropped,
                    });
                }
                Err(e) => {
                    return html! {
                        <section class="compare" data-compare="">
                            <p class="field-error" role="alert">{ format!("B cannot be built: {e}") }</p>
                        </section>
                    }
                }
            }
        }
        let Some(s) = slot.as_mut() else {
            return html! {};
        };
        let outcome = s.sim.run_until(p.now_us, CATCH_UP_EVENTS);
        (
            Shared::new(s.sim.snapshot()),
            Shared(Rc::clone(&s.layout)),
            s.sim.trace_hash_hex(),
            s.sim.now_us(),
            s.not_applicable.clone(),
            !outcome.reached,
        )
    };

    // B still behind A (rebuilt after a seek back, or a long "Run to", beyond one refresh's
    // event budget): keep refreshing until it has caught up. While paused nothing else
    // re-renders this view, and B would stay behind the time A shows.
    {
        let force = use_force_update();
        use_effect_with((b_now, p.now_us, b_behind), move |&(_, _, behind)| {
            let timer = behind.then(|| {
                gloo_timers::callback::Timeout::new(CATCH_UP_PAUSE_MS, move || force.force_update())
            });
            move || drop(timer)
        });
    }

    // The table: once per (B, seed, commands), when they change.
    {
        let table = table.clone();
        let a = (*p.a).clone();
        let faults = (*p.commands).clone();
        let seed = p.seed;
        let b = b.clone();
        let stamp = key_stamp(&key);
        use_effect_with(stamp, move |stamp| {
            let duration = a.duration_s.min(TABLE_MAX_S);
            table.set(Some((*stamp, compare(&a, &b, &faults, seed, 1, duration))));
        });
    }
    let close = {
        let cb = p.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let noop_node = Callback::from(|_: u32| ());
    let side_html = |name: &str,
                     label: String,
                     snap: Shared<Snapshot>,
                     layout: Shared<Layout>,
                     hash: String,
                     now: TimeUs| {
        html! {
            <div class="compare-side" data-compare-side={name.to_string()} data-trace-hash={hash} data-sim-time-us={now.to_string()}>
                <h3 class="compare-side-title">{ label }</h3>
                <Diagram {layout} snapshot={snap} selected={None::<u32>} menu={None::<u32>} canvas={NodeRef::default()}
                         sampling={1} reduced_motion={true} on_node={noop_node.clone()}
                         on_action={Callback::from(|_| ())} on_close_menu={Callback::from(|_| ())}
                         on_link={Callback::from(|_| ())} />
            </div>
        }
    };
    let table_html = match &*table {
        Some((_, Ok(c))) => table_rows(c, &p.label),
        Some((_, Err(e))) => html! { <p class="field-error" role="alert">{ e.clone() }</p> },
        None => html! { <p class="muted">{ "Running both designs…" }</p> },
    };
    let missing = (!not_applicable.is_empty()).then(|| {
        html! {
            <p class="compare-missing" data-not-applicable={not_applicable.len().to_string()}>
                { format!("Not applied to B (it lacks the node): {}.", not_applicable.join("; ")) }
            </p>
        }
    });
    html! {
        <section class="compare" data-compare="" aria-label="Compare two designs">
            <div class="panel-head">
                <h3 class="panel-title">{ format!("Compare: this design (A) and {} (B)", p.label) }</h3>
                <button type="button" class="btn btn-small btn-ghost" onclick={close} data-control="compare-close">{ "Close" }</button>
            </div>
            <p class="muted compare-note">{ format!("Same seed {}, same traffic, your commands on both (by node name). Both diagrams follow the simulated clock.", p.seed) }</p>
            { missing.unwrap_or_default() }
            <div class="compare-sides">
                { side_html("a", "A · this design".into(), p.a_snapshot.clone(), p.a_layout.clone(), p.a_trace_hash.to_string(), p.now_us) }
                { side_html("b", format!("B · {}", p.label), b_snap, b_layout, b_hash, b_now) }
            </div>
            { table_html }
        </section>
    }
}

/// A cheap identity of the table's inputs (the effect compares it between renders).
fn key_stamp(key: &(Scenario, u64, Vec<Fault>)) -> u64 {
    // FNV-1a over the debug text: equal inputs, equal stamp; a change, almost surely another.
    let text = format!("{key:?}");
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A table row: its key (`data-row`), its label, and how a side's figure is written.
type Row = (&'static str, &'static str, Box<dyn Fn(&Side) -> String>);

fn table_rows(c: &Comparison, b_label: &str) -> Html {
    let opt_s = |v: Option<f64>| v.map(|s| fmt_ms(s * 1_000.0)).unwrap_or("–".into());
    let money = |v: f64| format!("${}", fmt_count(v.round().max(0.0) as u64));
    let rows: Vec<Row> = vec![
        (
            "availability",
            "Availability (requests answered OK)",
            Box::new(|s| fmt_availability(s.availability)),
        ),
        (
            "availability-time",
            "Availability over time (could serve)",
            Box::new(|s| fmt_availability(s.availability_over_time)),
        ),
        (
            "analytic",
            "Analytic availability (MTBF / MTTR)",
            Box::new(|s| fmt_availability(s.analytic_availability)),
        ),
        (
            "failed",
            "Failed requests",
            Box::new(|s| fmt_count(s.failed_requests.round() as u64)),
        ),
        ("p99", "p99 latency", Box::new(|s| fmt_ms(s.p99_ms))),
        (
            "rpo",
            "Writes lost in a failover (RPO)",
            Box::new(|s| {
                s.writes_lost
                    .map(|w| fmt_count(w.round() as u64))
                    .unwrap_or("no database".into())
            }),
        ),
        (
            "detection",
            "Mean detection time (fault → marked down)",
            Box::new(move |s| opt_s(s.mean_detection_s)),
        ),
        (
            "cost",
            "Infrastructure per month",
            Box::new(move |s| money(s.infrastructure_per_month)),
        ),
        (
            "downtime-cost",
            "Expected downtime cost per month",
            Box::new(move |s| money(s.expected_downtime_cost_per_month)),
        ),
        (
            "spofs",
            "Single points of failure",
            Box::new(|s| {
                if s.spofs.is_empty() {
                    "none".into()
                } else {
                    s.spofs.join(", ")
                }
            }),
        ),
    ];
    let body = rows.iter().map(|(key, label, f)| {
        html! {
            <tr data-row={*key}>
                <th scope="row">{ *label }</th>
                <td data-side="a">{ f(&c.a) }</td>
                <td data-side="b">{ f(&c.b) }</td>
            </tr>
        }
    });
    html! {
        <table class="compare-table" data-compare-table="" data-a-hash={c.a.trace_hash.clone()} data-b-hash={c.b.trace_hash.clone()}>
            <caption>{ format!("Whole runs of {} s, seed {} (failover-lab compare)", c.duration_s, c.first_seed) }</caption>
            <thead><tr><th scope="col">{ "" }</th><th scope="col">{ "A · this design" }</th><th scope="col">{ format!("B · {b_label}") }</th></tr></thead>
            <tbody>{ for body }</tbody>
        </table>
    }
}
