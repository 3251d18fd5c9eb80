//! Browser tests of issue 14: the guided tours' data (every step opens, names nodes that
//! exist, and completes with an explanation measured in its run) and the timeline scrubber
//! (a seek shows the moment the run went through; a command after it forks the run, and the
//! fork's link replays it).
//!
//! Run with `cargo test -p failover-lab --target wasm32-unknown-unknown --test web_learn`.
#![cfg(target_arch = "wasm32")]

use failover_lab::share::{self, Recipe};
use failover_lab::share_moment;
use failover_lab::sim::snapshot::Snapshot;
use failover_lab::sim::time::TimeUs;
use failover_lab::sim::{Fault, FaultAction, Simulation};
use failover_lab::tours::{self, explain, Explain, Step, Task};
use failover_lab::ui::runner::Runner;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn names(snap: &Snapshot) -> Vec<String> {
    snap.nodes
        .iter()
        .map(|n| n.name.clone())
        .chain(snap.domains.iter().map(|d| d.name.clone()))
        .collect()
}

/// Plays a step as a learner who does exactly what it asks, when it asks; returns the run.
fn complete(step: &Step) -> Simulation {
    let mut sim = step
        .recipe()
        .expect("the step's run builds")
        .build()
        .expect("builds");
    sim.run_until(step.open_at_ms * 1_000, u64::MAX);
    let acted = match step.task {
        Task::Act { action, node, .. } => {
            let f = sim
                .schedule(Fault::new(0, action, node))
                .unwrap_or_else(|e| panic!("{}: the asked action is refused: {e}", step.title));
            Some(f.at_ms * 1_000)
        }
        _ => None,
    };
    let done = step.done_at_us(acted).expect("the task has an end");
    sim.run_until(done.max(sim.now_us()), u64::MAX);
    sim
}

#[wasm_bindgen_test]
fn there_are_at_least_four_tours_and_every_step_names_nodes_of_its_scenario() {
    assert!(tours::all().len() >= 4);
    let mut ids: Vec<&str> = tours::all().iter().map(|t| t.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), tours::all().len(), "tour ids are unique");
    for tour in tours::all() {
        assert!(!tour.steps.is_empty(), "{}", tour.id);
        for (i, step) in tour.steps.iter().enumerate() {
            let sim = step.recipe().expect("recipe").build().expect("build");
            let known = names(&sim.snapshot());
            for n in step.highlight {
                assert!(
                    known.iter().any(|k| k == n),
                    "{} step {}: no node `{n}` in {}",
                    tour.id,
                    i + 1,
                    step.preset
                );
            }
            if let Task::Act { node, .. } = step.task {
                assert!(
                    known.iter().any(|k| k == node),
                    "{} step {}: no node `{node}`",
                    tour.id,
                    i + 1
                );
            }
            if let Explain::Detection(node) = step.explain {
                assert!(
                    known.iter().any(|k| k == node),
                    "{} step {}: no node `{node}`",
                    tour.id,
                    i + 1
                );
            }
        }
    }
}

#[wasm_bindgen_test]
fn every_tour_completes_with_measured_explanations() {
    for tour in tours::all() {
        for (i, step) in tour.steps.iter().enumerate() {
            let sim = complete(step);
            let snap = sim.snapshot();
            let text = explain::explain(step.explain, &snap);
            let at = format!("{} step {}", tour.id, i + 1);
            assert!(!text.is_empty(), "{at}");
            match step.explain {
                // The measured detection delay and losses come from the failure record.
                Explain::Detection(node) => {
                    let f = snap
                        .failures
                        .iter()
                        .rev()
                        .find(|f| f.node_name == node)
                        .unwrap_or_else(|| panic!("{at}: {node} failed"));
                    let d = f
                        .detected_at_us
                        .unwrap_or_else(|| panic!("{at}: {node} was detected"));
                    let delay = format!(
                        "marked down {:.1} s later",
                        (d - f.fault_at_us) as f64 / 1e6
                    );
                    assert!(text.contains(&delay), "{at}: `{text}` names {delay}");
                    assert!(
                        text.contains(&format!("{} request", f.lost_requests)),
                        "{at}: {text}"
                    );
                }
                Explain::Outage | Explain::Dns | Explain::Database => {
                    let t = &snap.totals;
                    let counted = format!("{} request", t.failed);
                    let of = format!("of {} failed", t.succeeded + t.failed);
                    assert!(
                        text.contains(&counted) && text.contains(&of),
                        "{at}: {text}"
                    );
                }
                Explain::Spofs => {
                    for s in &snap.spofs {
                        assert!(text.contains(&s.name), "{at}: {text}");
                    }
                }
                Explain::Cost => assert!(text.contains("a month"), "{at}: {text}"),
                // The capacity finding is the core's, with the run's measured counts.
                Explain::Capacity => {
                    assert!(!snap.capacity.tiers.is_empty(), "{at}");
                    for tier in &snap.capacity.tiers {
                        assert!(text.contains(&tier.finding), "{at}: {text}");
                    }
                    let t = &snap.totals;
                    assert!(
                        text.contains(&format!("of {} failed", t.succeeded + t.failed)),
                        "{at}: {text}"
                    );
                }
            }
        }
    }
    // What the first tour teaches, as measured: without retries the crash costs requests,
    // with them it costs none.
    let one = tours::find("one-server").expect("tour 1");
    let lost = |i: usize| {
        let snap = complete(&one.steps[i]).snapshot();
        snap.failures
            .iter()
            .find(|f| f.node_name == "app-2")
            .map(|f| f.lost_requests)
            .unwrap_or(0)
    };
    assert!(lost(2) > 0, "no retries: requests are lost");
    assert_eq!(lost(3), 0, "with retries: none is lost");
}

#[wasm_bindgen_test]
fn a_tour_link_names_tour_and_step_and_opens_them() {
    let m = share_moment::decode("#tour=one-server&step=3&embed=1").expect("decodes");
    assert_eq!(m.tour, Some(("one-server".to_string(), 2)));
    assert_eq!(
        share::decode("#tour=one-server&step=3&embed=1")
            .expect("decodes")
            .map(|r| r.embed),
        Some(true)
    );
    let mut r = Runner::from_recipe(Recipe::preset("single-server"), None);
    r.open_moment("#tour=one-server&step=3");
    let tv = r.tour_view().expect("the tour is on");
    assert_eq!((tv.tour_id, tv.step), ("one-server", 2));
    assert_eq!(r.recipe.source_name(), "no-retries");
    assert_eq!(r.tour_moment(), Some(("one-server".to_string(), 2)));
    // An unknown tour is named, and changes nothing.
    let mut r = Runner::from_recipe(Recipe::preset("single-server"), None);
    r.open_moment("#tour=nope&step=1");
    assert!(r.tour.is_none());
    assert!(r
        .notice
        .as_ref()
        .is_some_and(|n| n.error && n.text.contains("nope")));
}

/// Runs the runner's "Run to" to `t` in slices, as the page does (checkpoints included).
fn run_to(r: &mut Runner, t: TimeUs) {
    r.run_to(t);
    while r.fast_forwarding() {
        r.fast_forward(50.0);
    }
    assert_eq!(r.sim.now_us(), t);
}

fn straight(recipe: &Recipe, t: TimeUs) -> Simulation {
    let mut sim = recipe.build().expect("builds");
    sim.run_until(t, u64::MAX);
    sim
}

#[wasm_bindgen_test]
fn seeking_back_shows_the_moment_and_play_replays_the_same_run() {
    let mut r = Runner::from_recipe(Recipe::preset("redundant-behind-lb"), None);
    run_to(&mut r, 5_000_000);
    r.command(Fault::new(0, FaultAction::Crash, "app-1"))
        .expect("crash");
    run_to(&mut r, 45_000_000);
    let end_hash = r.sim.trace_hash();
    assert!(
        r.timeline.checkpoints.len() >= 5,
        "copies were taken on the way"
    );
    let recipe = r.current_recipe();

    r.seek(12_345_000).expect("seek");
    assert_eq!(r.sim.now_us(), 12_345_000);
    assert_eq!(
        r.sim.trace_hash(),
        straight(&recipe, 12_345_000).trace_hash()
    );
    assert!(!r.playing);
    assert_eq!(r.timeline.furthest_us, 45_000_000);
    // The markers: the preset's crash and heal of app-2, and the user's crash of app-1.
    let markers = r.fault_markers();
    assert!(markers
        .iter()
        .any(|m| m.at_us == 5_000_000 && m.label.contains("app-1")));
    assert!(markers
        .iter()
        .any(|m| m.at_us == 20_000_000 && m.label.contains("app-2 crashes")));
    // The address names the moment.
    assert_eq!(r.address_moment().t_us, Some(12_345_000));
    // Playing on from there is the same run.
    run_to(&mut r, 45_000_000);
    assert_eq!(r.sim.trace_hash(), end_hash);
}

#[wasm_bindgen_test]
fn a_command_after_seeking_back_forks_the_run_and_its_link_replays_it() {
    let mut r = Runner::from_recipe(Recipe::preset("redundant-behind-lb"), None);
    run_to(&mut r, 10_000_000);
    r.command(Fault::new(0, FaultAction::Crash, "app-1"))
        .expect("crash");
    run_to(&mut r, 30_000_000);
    r.command(Fault::new(0, FaultAction::Crash, "app-3"))
        .expect("crash");
    run_to(&mut r, 50_000_000);
    let before = r.sim.trace_hash();

    r.seek(15_000_000).expect("seek");
    r.command(Fault::new(0, FaultAction::Unreachable, "app-2"))
        .expect("unreachable");
    let notice = r.notice.clone().expect("the fork is announced");
    assert!(notice.text.contains("forks at 15.0 s"), "{}", notice.text);
    assert!(notice.text.contains("discarded"), "{}", notice.text);
    assert!(notice.text.contains("crash app-3"), "{}", notice.text);
    let cmds: Vec<String> = r
        .sim
        .user_commands()
        .iter()
        .map(share::encode_command)
        .collect();
    assert_eq!(cmds, ["10000:crash:app-1", "15000:unreachable:app-2"]);
    assert_eq!(r.timeline.furthest_us, 15_000_000);

    run_to(&mut r, 50_000_000);
    assert_ne!(r.sim.trace_hash(), before, "another run");
    // The link (the new command list) reproduces the fork exactly.
    let link = share::encode(&r.current_recipe());
    let replay = straight(
        &share::decode(&link).expect("decodes").expect("a run"),
        50_000_000,
    );
    assert_eq!(replay.trace_hash(), r.sim.trace_hash());
}
