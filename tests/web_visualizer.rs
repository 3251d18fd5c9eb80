//! Browser tests of the visualizer (headless Chromium through ChromeDriver, like
//! tests/web_shell.rs): the diagram, the node menu, the inspector's validation, the share-link
//! codec and its replay, the layout, and determinism of the simulation compiled to wasm32.
//!
//! Run with `cargo test --target wasm32-unknown-unknown --test web_visualizer` (`make test`
//! runs every browser test). Native builds compile this file to nothing.
#![cfg(target_arch = "wasm32")]

use failover_lab::sim::presets;
use failover_lab::sim::time::US_PER_S;
use failover_lab::sim::{Fault, FaultAction, ParamValue, Simulation};
use failover_lab::ui::common::Shared;
use failover_lab::ui::diagram::{badge_size, Diagram, DiagramProps};
use failover_lab::ui::lab::Lab;
use failover_lab::ui::layout::{self, Item, Orientation};
use failover_lab::ui::runner::topology_layout;
use failover_lab::ui::share::{self, Override, Recipe, Source};
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use yew::{AppHandle, Callback, NodeRef};

mod web_support;
use web_support::*;

wasm_bindgen_test_configure!(run_in_browser);

// ----- helpers ----------------------------------------------------------------------------

fn mount_lab() -> (web_sys::Element, AppHandle<Lab>) {
    // Every Lab writes the run into the URL: start each test from a clean address.
    mount_lab_at("#")
}

// ----- diagram ----------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn diagram_renders_every_node_of_every_preset_with_its_label_and_state() {
    for preset in presets::all() {
        for orientation in [Orientation::Horizontal, Orientation::Vertical] {
            let mut sim = Simulation::new(&preset.scenario()).expect("presets are valid");
            // Past every preset's first fault, so failed states are drawn too.
            sim.run_for(25 * US_PER_S);
            let layout = topology_layout(&sim, orientation);
            let snapshot = sim.snapshot();
            let host = new_host();
            let props = DiagramProps {
                layout: Shared::new(layout),
                snapshot: Shared::new(snapshot.clone()),
                selected: None,
                menu: None,
                canvas: NodeRef::default(),
                sampling: 1,
                reduced_motion: false,
                on_node: Callback::noop(),
                on_action: Callback::noop(),
                on_close_menu: Callback::noop(),
                on_link: Callback::noop(),
                design: false,
                on_design: Callback::noop(),
                on_add_in_zone: None,
            };
            let handle =
                yew::Renderer::<Diagram>::with_root_and_props(host.clone(), props).render();
            wait_for(&host, "[data-node-id]", preset.name).await;
            for node in &snapshot.nodes {
                let el = host
                    .query_selector(&format!("[data-node-name=\"{}\"]", node.name))
                    .expect("valid selector")
                    .unwrap_or_else(|| panic!("{}: node {} is not drawn", preset.name, node.name));
                let text = el.text_content().unwrap_or_default();
                assert!(
                    text.contains(&node.name),
                    "{}: label of {} missing in {text:?}",
                    preset.name,
                    node.name
                );
                assert_eq!(el.get_attribute("role").as_deref(), Some("button"));
                assert_eq!(el.get_attribute("tabindex").as_deref(), Some("0"));
                assert_eq!(
                    el.get_attribute("data-status").as_deref(),
                    Some(node.status.name())
                );
                let label = el.get_attribute("aria-label").unwrap_or_default();
                assert!(label.starts_with(&node.name), "aria-label {label:?}");
                if node.kind != failover_lab::sim::snapshot::NodeKind::Clients {
                    // Not colour alone: the state is written in the node.
                    // An instance that is up but past its capacity says so instead
                    // ("over capacity", "shedding", "circuit open"): a more precise word.
                    let overload_word = ["over capacity", "shedding", "circuit open"]
                        .iter()
                        .any(|w| text.contains(w));
                    assert!(
                        text.contains(node.status.name()) || overload_word,
                        "{}: {} shows no state word in {text:?}",
                        preset.name,
                        node.name
                    );
                }
            }
            // Every balancer → instance edge carries the balancer's view of its target.
            let badges = host
                .query_selector_all(".badge[data-health]")
                .expect("valid selector");
            let expected = snapshot.edges.iter().filter(|e| e.health.is_some()).count();
            assert_eq!(
                badges.length() as usize,
                expected,
                "{}: health badges",
                preset.name
            );
            assert_eq!(
                host.query_selector_all("path.edge")
                    .expect("valid selector")
                    .length() as usize,
                snapshot.edges.len(),
                "{}: one path per edge",
                preset.name
            );
            handle.destroy();
            host.remove();
        }
    }
}

#[wasm_bindgen_test]
async fn crashed_instance_is_marked_down_with_a_health_badge_detail() {
    // redundant-behind-lb: app-2 crashes at 20 s; HAProxy fall=3 × inter=2 s marks it down
    // 4–6 s later (each check starts 2 s after the previous one ended). At 22 s the badge is "suspected" or still "up", at 27 s "down".
    let mut sim = Simulation::new(
        &presets::find("redundant-behind-lb")
            .expect("preset")
            .scenario(),
    )
    .expect("valid");
    sim.run_for(27 * US_PER_S);
    let snap = sim.snapshot();
    let app2 = snap
        .nodes
        .iter()
        .find(|n| n.name == "app-2")
        .expect("app-2");
    let edge = snap
        .edges
        .iter()
        .find(|e| e.to == app2.id)
        .expect("lb-1 → app-2");
    let health = edge.health.as_ref().expect("health view");
    assert_eq!(health.state, "down");
    let host = new_host();
    let props = DiagramProps {
        layout: Shared::new(topology_layout(&sim, Orientation::Horizontal)),
        snapshot: Shared::new(snap.clone()),
        selected: None,
        menu: None,
        canvas: NodeRef::default(),
        sampling: 4,
        reduced_motion: false,
        on_node: Callback::noop(),
        on_action: Callback::noop(),
        on_close_menu: Callback::noop(),
        on_link: Callback::noop(),
        design: false,
        on_design: Callback::noop(),
        on_add_in_zone: None,
    };
    let handle = yew::Renderer::<Diagram>::with_root_and_props(host.clone(), props).render();
    let badge = wait_for(&host, ".badge[data-to=\"app-2\"]", "badge").await;
    assert_eq!(badge.get_attribute("data-health").as_deref(), Some("down"));
    assert!(badge
        .text_content()
        .unwrap_or_default()
        .contains("marked down"));
    let note = wait_for(&host, ".overlay-note", "sampling note").await;
    assert_eq!(note.text_content().as_deref(), Some("sampled 1/4"));
    handle.destroy();
    host.remove();
}

// ----- interaction through the whole app ---------------------------------------------------

#[wasm_bindgen_test]
async fn clicking_a_node_opens_its_menu_and_crash_schedules_a_command() {
    let (host, handle) = mount_lab();
    let node = wait_for(&host, "[data-node-name=\"app-1\"]", "app-1").await;
    click(&node);
    let menu = wait_for(&host, ".node-menu[role=menu]", "node menu").await;
    assert_eq!(
        menu.get_attribute("data-menu-for").as_deref(),
        Some("app-1")
    );
    let actions: Vec<String> = {
        let items = menu
            .query_selector_all("[role=menuitem]")
            .expect("valid selector");
        (0..items.length())
            .filter_map(|i| items.item(i))
            .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
            .filter_map(|e| e.get_attribute("data-action"))
            .collect()
    };
    assert_eq!(
        actions,
        [
            "crash",
            "unreachable",
            "freeze",
            "gray",
            "add-latency",
            "flap",
            "push-config",
            "drain",
            "stop",
            "heal"
        ]
    );
    // The inspector follows the selection.
    wait_for(&host, "[data-inspecting=\"app-1\"]", "inspector").await;

    let crash = menu
        .query_selector("[data-action=crash]")
        .expect("valid")
        .expect("crash item");
    click(&crash);
    // The command is in the share link at once, and the node turns "crashed" within frames.
    assert!(
        location_hash().contains(":crash:app-1"),
        "hash {:?}",
        location_hash()
    );
    wait_for(
        &host,
        "[data-node-name=\"app-1\"][data-status=\"crashed\"]",
        "crashed state",
    )
    .await;
    assert!(
        host.query_selector(".node-menu").expect("valid").is_none(),
        "the menu closes after a choice"
    );

    // A load balancer offers fail / make unreachable / push config / canary / heal.
    let lb = wait_for(&host, "[data-node-name=\"lb-1\"]", "lb-1").await;
    click(&lb);
    let menu = wait_for(&host, ".node-menu[data-menu-for=\"lb-1\"]", "lb menu").await;
    // (Its "change the design" items follow, in tests/web_edit.rs.)
    let n = menu
        .query_selector_all("[role=menuitem][data-action]")
        .expect("valid")
        .length();
    assert_eq!(n, 5);
    handle.destroy();
    host.remove();
}

#[wasm_bindgen_test]
async fn keyboard_enter_on_a_node_opens_the_menu_and_focuses_its_first_item() {
    let (host, handle) = mount_lab();
    let node = wait_for(&host, "[data-node-name=\"app-3\"]", "app-3").await;
    fire(
        &node,
        "new KeyboardEvent('keydown', {key: 'Enter', bubbles: true, cancelable: true})",
    );
    wait_for(&host, ".node-menu[data-menu-for=\"app-3\"]", "menu").await;
    // Focus moves into the menu after the render.
    for _ in 0..100 {
        let focused = document()
            .active_element()
            .and_then(|e| e.get_attribute("data-action"));
        if focused.as_deref() == Some("crash") {
            handle.destroy();
            host.remove();
            return;
        }
        TimeoutFuture::new(10).await;
    }
    panic!("the first menu item was not focused");
}

#[wasm_bindgen_test]
async fn inspector_rejects_a_bad_value_with_a_message_and_accepts_a_good_one() {
    let (host, handle) = mount_lab();
    let lb = wait_for(&host, "[data-node-name=\"lb-1\"]", "lb-1").await;
    click(&lb);
    let rise = wait_for(
        &host,
        "input[data-param=\"health_check.rise\"]",
        "rise field",
    )
    .await;
    change_input(&rise, "0");
    let error = wait_for(
        &host,
        "[data-error-for=\"health_check.rise\"]",
        "validation message",
    )
    .await;
    let text = error.text_content().unwrap_or_default();
    assert!(text.contains("between 1 and 10"), "message was {text:?}");
    assert_eq!(rise.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(
        !location_hash().contains("set:"),
        "an invalid value must not become a command"
    );

    let retries = wait_for(&host, "input[data-param=\"retries\"]", "retries field").await;
    change_input(&retries, "many");
    let error = wait_for(&host, "[data-error-for=\"retries\"]", "validation message").await;
    assert!(error
        .text_content()
        .unwrap_or_default()
        .contains("not a number"));

    change_input(&rise, "4");
    for _ in 0..100 {
        if host
            .query_selector("[data-error-for=\"health_check.rise\"]")
            .expect("valid")
            .is_none()
        {
            break;
        }
        TimeoutFuture::new(10).await;
    }
    assert!(host
        .query_selector("[data-error-for=\"health_check.rise\"]")
        .expect("valid")
        .is_none());
    assert!(
        location_hash().contains(":set:lb-1:health_check.rise:4"),
        "hash {:?}",
        location_hash()
    );
    // The app kept running: the clock moves.
    let root = wait_for(&host, "[data-sim-time-us]", "root attributes").await;
    let t0: u64 = root
        .get_attribute("data-sim-time-us")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    TimeoutFuture::new(200).await;
    let t1: u64 = root
        .get_attribute("data-sim-time-us")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!(t1 > t0, "simulated time stands still: {t0} → {t1}");
    handle.destroy();
    host.remove();
}

#[wasm_bindgen_test]
async fn a_bad_link_shows_an_error_and_loads_the_default_preset() {
    let (host, handle) = mount_lab_at("#v=3&p=no-such-preset");
    let notice = wait_for(&host, "[data-notice=error]", "error notice").await;
    let text = notice.text_content().unwrap_or_default();
    assert!(text.contains("unknown preset `no-such-preset`"), "{text:?}");
    let title = wait_for(&host, "[data-scenario-title]", "scenario title").await;
    let default = presets::find(presets::DEFAULT).expect("default preset");
    assert_eq!(title.text_content().as_deref(), Some(default.title));
    handle.destroy();
    host.remove();
}

#[wasm_bindgen_test]
async fn older_links_replay_with_a_note_that_the_run_differs() {
    // Every older version still read gets the note, with what changed since it.
    for (version, why) in [(1, "random numbers"), (2, "HAProxy and NGINX as measured")] {
        let r = share::decode(&format!("#v={version}&p=single-server&seed=4"))
            .expect("older versions are still read")
            .expect("a recipe");
        assert_eq!(r.link_version, version);
        assert_eq!(r.seed, Some(4));
        let (host, handle) = mount_lab_at(&format!(
            "#v={version}&p=single-server&seed=4&c=5000:crash:server"
        ));
        let notice = wait_for(&host, "[data-notice=info]", "info notice").await;
        let text = notice.text_content().unwrap_or_default();
        assert!(
            text.contains("earlier version")
                && text.contains(&format!("link version {version}"))
                && text.contains(why),
            "{text:?}"
        );
        // The run is the link's: its scenario and seed, and the link is rewritten at the
        // current version.
        let title = wait_for(&host, "[data-scenario-title]", "scenario title").await;
        let single = presets::find("single-server").expect("preset");
        assert_eq!(title.text_content().as_deref(), Some(single.title));
        let hash = web_sys::window()
            .expect("window")
            .location()
            .hash()
            .unwrap_or_default();
        assert!(
            hash.starts_with("#v=3&p=single-server&seed=4") && hash.contains("5000:crash:server"),
            "{hash}"
        );
        handle.destroy();
        host.remove();
    }
    // A link of this version gets no note.
    assert!(share::changed_since(share::VERSION).is_empty());
}

#[wasm_bindgen_test]
async fn db_failover_shows_the_promoted_leader_and_the_rpo_in_the_database_panel() {
    // db-async-vs-sync: the primary crashes at 20 s, the standby is promoted once the leader
    // lock expires; fast-forward to 65 s with "Run to" (before the heal at 90 s).
    let (host, handle) = mount_lab_at("#v=3&p=db-async-vs-sync&seed=1");
    let leader = wait_for(&host, "[data-db=\"leader\"]", "database panel").await;
    assert_eq!(leader.text_content().as_deref(), Some("db-primary"));
    assert!(host
        .query_selector("[data-panel=\"reliability\"]")
        .expect("selector")
        .is_some());
    assert!(host
        .query_selector("[data-panel=\"dns\"]")
        .expect("selector")
        .is_none());
    let input = wait_for(&host, "[data-control=\"run-to-input\"]", "run-to input").await;
    let input: web_sys::HtmlInputElement = input.dyn_into().expect("an <input>");
    input.set_value("65");
    let form = wait_for(&host, "form.run-to", "run-to form").await;
    fire(
        &form,
        "new Event('submit', {bubbles: true, cancelable: true})",
    );
    let mut promoted = false;
    for _ in 0..3000 {
        let leader = host
            .query_selector("[data-db=\"leader\"]")
            .expect("selector")
            .and_then(|e| e.text_content())
            .unwrap_or_default();
        if leader == "db-standby" {
            promoted = true;
            break;
        }
        TimeoutFuture::new(10).await;
    }
    assert!(
        promoted,
        "the standby was not promoted within 30 s of real time"
    );
    let rpo = wait_for(&host, "[data-db=\"rpo\"]", "RPO line").await;
    let text = rpo.text_content().unwrap_or_default();
    assert!(text.ends_with(" writes"), "{text:?}");
    let failovers = wait_for(&host, "[data-db=\"failovers\"]", "failovers").await;
    assert_eq!(failovers.get_attribute("data-value").as_deref(), Some("1"));
    let log = host.text_content().unwrap_or_default();
    assert!(
        log.contains("promoted to primary"),
        "the log tells the promotion"
    );
    assert!(log.contains("Data lost at failover (RPO)"));
    handle.destroy();
    host.remove();
}

// ----- share link -------------------------------------------------------------------------

#[wasm_bindgen_test]
fn share_link_round_trip_keeps_every_field() {
    let mut gray = Fault::new(32_000, FaultAction::Gray, "app-3");
    gray.error_rate = Some(0.3);
    gray.extra_latency_ms = Some(150.0);
    let mut lat = Fault::new(31_000, FaultAction::AddLatency, "app-1");
    lat.extra_latency_ms = Some(250.0);
    let recipe = Recipe {
        source: Source::Preset("redundant-behind-lb".into()),
        seed: Some(7),
        overrides: vec![Override {
            node: "lb-1".into(),
            param: "retries".into(),
            value: ParamValue::Number(0.0),
        }],
        commands: vec![
            Fault::new(20_000, FaultAction::Crash, "app-2"),
            lat,
            gray,
            Fault::set(
                33_000,
                "lb-1",
                "algorithm",
                ParamValue::Text("least-conn".into()),
            ),
        ],
        embed: true,
        design: Default::default(),
        link_version: share::VERSION,
    };
    let text = share::encode(&recipe);
    assert_eq!(
        text,
        "v=3&p=redundant-behind-lb&seed=7&o=lb-1:retries:0&c=20000:crash:app-2,\
         31000:add-latency:app-1:250,32000:gray:app-3:0.3:150,\
         33000:set:lb-1:algorithm:least-conn&embed=1"
    );
    assert_eq!(share::decode(&format!("#{text}")), Ok(Some(recipe)));

    // An imported scenario travels as JSON and comes back identical.
    let mut custom = presets::find("single-server").expect("preset").scenario();
    custom.name = "my & odd: name".into();
    let recipe = Recipe {
        source: Source::Custom(Box::new(custom)),
        ..Recipe::preset("x")
    };
    assert_eq!(share::decode(&share::encode(&recipe)), Ok(Some(recipe)));
    assert_eq!(share::decode(""), Ok(None));
}

#[wasm_bindgen_test]
fn share_link_errors_name_the_problem() {
    let cases = [
        ("#v=4&p=single-server", "version 4 is not supported"),
        ("#p=single-server", "no version"),
        ("#v=3&p=nope", "unknown preset `nope`"),
        ("#v=3", "no scenario"),
        ("#v=3&p=single-server&seed=-3", "seed `-3`"),
        (
            "#v=3&p=single-server&c=20000:explode:server",
            "command 1: `20000:explode:server`: unknown action `explode`",
        ),
        ("#v=3&p=single-server&c=abc:crash:server", "time `abc`"),
        (
            "#v=3&p=single-server&c=1:add-latency:server",
            "should be AT_MS:add-latency:NODE:MS",
        ),
        (
            "#v=3&p=single-server&o=server-workers-4",
            "override 1: `server-workers-4` should be NODE:PARAM:VALUE",
        ),
        ("#v=3&p=single-server&x=1", "unknown key `x`"),
        ("#v=3&p=single-server&s=%7B", "scenario JSON"),
        ("#v=3&p=single-server&p=single-server", "`p` appears twice"),
    ];
    for (hash, want) in cases {
        match share::decode(hash) {
            Err(e) => assert!(
                e.contains(want),
                "{hash}: error {e:?} should contain {want:?}"
            ),
            Ok(r) => panic!("{hash} decoded to {r:?}"),
        }
    }
    // Decodes, but fails when replayed: the node does not exist.
    let r = share::decode("#v=3&p=single-server&c=1000:crash:app-9")
        .expect("decodes")
        .expect("a recipe");
    let e = r.build().err().expect("replay fails");
    assert!(e.contains("command 1") && e.contains("app-9"), "{e}");
    let r = share::decode("#v=3&p=single-server&o=server:workers:0")
        .expect("decodes")
        .expect("a recipe");
    let e = r.build().err().expect("override fails");
    assert!(e.contains("override 1") && e.contains("workers"), "{e}");
}

// ----- determinism -------------------------------------------------------------------------

/// Trace hashes of 30 simulated seconds, from the native build:
/// `cargo run --release -- run PRESET --duration 30 --json | grep trace_hash`.
const NATIVE_GOLDEN_30S: [(&str, &str); 11] = [
    ("redundant-behind-lb", "16c87750b5cda9c1"),
    ("single-server", "798323dda5da1e10"),
    ("unreachable-host", "542115de11ee8fa6"),
    ("two-zones", "65ffd5d126a9fb2e"),
    ("dns-region-failover", "0239c090dae5e2cc"),
    ("multi-region-dns-failover", "d7cfb0121185bd04"),
    // Overload presets (crates/failover-sim/tests/overload.rs pins the same values).
    ("cascading-failure", "85bc935e4a785644"),
    ("n-plus-one", "214a21b482993e27"),
    ("retry-storm", "d8c362527da144ad"),
    ("retry-budget", "ab310f0a71c62e56"),
    // crates/failover-sim/tests/server_queue.rs pins the same value.
    ("maxconn-queue", "813cf76802806cab"),
];

#[wasm_bindgen_test]
fn wasm_runs_match_the_native_golden_trace_hashes() {
    for (name, golden) in NATIVE_GOLDEN_30S {
        let mut sim =
            Simulation::new(&presets::find(name).expect("preset").scenario()).expect("valid");
        sim.run_for(30 * US_PER_S);
        assert_eq!(
            sim.trace_hash_hex(),
            golden,
            "{name}: wasm32 differs from native"
        );
    }
}

/// The recovery presets over 60 s (slow-start and thundering-herd differ only after 30 s),
/// as `crates/failover-sim/tests/recovery.rs` pins them natively.
const NATIVE_GOLDEN_RECOVERY_60S: [(&str, &str); 6] = [
    ("outlier-detection", "ad037e1ecd1202d8"),
    ("slow-start", "5606245c9d9fd385"),
    ("thundering-herd", "007ddd6756871376"),
    ("bad-config-push", "9722a7630208f201"),
    ("canary-rollout", "e2d4470405ef566f"),
    ("shared-dependency", "09bef47b1a96921c"),
];

#[wasm_bindgen_test]
fn wasm_runs_of_the_recovery_presets_match_the_native_golden_hashes() {
    for (name, golden) in NATIVE_GOLDEN_RECOVERY_60S {
        let mut sim =
            Simulation::new(&presets::find(name).expect("preset").scenario()).expect("valid");
        sim.run_for(60 * US_PER_S);
        assert_eq!(
            sim.trace_hash_hex(),
            golden,
            "{name}: wasm32 differs from native"
        );
    }
}

/// The autoscaling presets over 300 s (through the scale-out at 240 s), as
/// `crates/failover-sim/tests/autoscaling.rs` pins them natively.
const NATIVE_GOLDEN_AUTOSCALING_300S: [(&str, &str); 2] = [
    ("traffic-spike", "1bf54869910f28e0"),
    ("autoscaling-headroom", "5ef192fe300fc8af"),
];

#[wasm_bindgen_test]
fn wasm_runs_of_the_autoscaling_presets_match_the_native_golden_hashes() {
    for (name, golden) in NATIVE_GOLDEN_AUTOSCALING_300S {
        let mut sim =
            Simulation::new(&presets::find(name).expect("preset").scenario()).expect("valid");
        sim.run_for(300 * US_PER_S);
        assert_eq!(
            sim.trace_hash_hex(),
            golden,
            "{name}: wasm32 differs from native"
        );
    }
}

#[wasm_bindgen_test]
fn a_replayed_share_link_matches_the_native_run_with_the_same_faults() {
    // Native: `cargo run --release -- run redundant-behind-lb --seed 7 --duration 30
    //   --set lb-1.retries=0 --fault crash:app-1@10s --fault heal:app-1@15s --json`
    let recipe = share::decode(
        "#v=3&p=redundant-behind-lb&seed=7&o=lb-1:retries:0&c=10000:crash:app-1,15000:heal:app-1",
    )
    .expect("decodes")
    .expect("a recipe");
    let mut sim = recipe.build().expect("replays");
    sim.run_for(30 * US_PER_S);
    assert_eq!(sim.trace_hash_hex(), "ca9d01fca27778a7");
    assert_eq!(sim.user_commands().len(), 2);
}

// ----- layout ------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn layout_of_every_preset_has_no_overlaps_and_flows_one_way() {
    for preset in presets::all() {
        let sim = Simulation::new(&preset.scenario()).expect("valid");
        for o in [Orientation::Horizontal, Orientation::Vertical] {
            let l = topology_layout(&sim, o);
            assert!(!l.has_overlaps(), "{}: overlapping nodes", preset.name);
            for n in &l.nodes {
                assert!(
                    n.x >= 0.0 && n.y >= 0.0 && n.x + n.w <= l.width && n.y + n.h <= l.height,
                    "{}: node outside the view",
                    preset.name
                );
            }
            for r in &l.routes {
                let (a, b) = (l.node(r.from).expect("from"), l.node(r.to).expect("to"));
                assert!(
                    b.rank > a.rank,
                    "{}: edges flow from clients towards instances",
                    preset.name
                );
            }
        }
    }
}

/// Issue 19: where many edges meet, badges used to sit on each other. Placed together, no
/// two overlap and none covers a node, in every preset, both orientations, after its faults.
#[wasm_bindgen_test]
fn placed_badges_never_overlap_each_other_or_a_node() {
    use failover_lab::ui::badges::{self, badge_text};
    let mut checked = 0;
    for preset in presets::all() {
        let mut sim = Simulation::new(&preset.scenario()).expect("valid");
        sim.run_for(45 * US_PER_S);
        let snap = sim.snapshot();
        for o in [Orientation::Horizontal, Orientation::Vertical] {
            let vertical = o == Orientation::Vertical;
            let l = topology_layout(&sim, o);
            let f = if vertical { 0.72 } else { 0.55 };
            let wanted: Vec<_> = snap
                .edges
                .iter()
                .filter_map(|e| {
                    let route = l.route(e.from, e.to)?;
                    let (w, h) = badge_size(&badge_text(e.health.as_ref()?, vertical), vertical);
                    Some((route, f, w, h))
                })
                .collect();
            let placed: Vec<_> = badges::place(&l, &wanted).into_iter().flatten().collect();
            for (i, a) in placed.iter().enumerate() {
                for b in &placed[i + 1..] {
                    assert!(
                        !a.overlaps(b),
                        "{} ({o:?}): badges {a:?} and {b:?} overlap",
                        preset.name
                    );
                }
                for n in &l.nodes {
                    let apart = a.x + a.w <= n.x
                        || a.x >= n.x + n.w
                        || a.y + a.h <= n.y
                        || a.y >= n.y + n.h;
                    assert!(
                        apart,
                        "{} ({o:?}): badge {a:?} covers node {}",
                        preset.name, n.id
                    );
                }
            }
            checked += placed.len();
        }
    }
    assert!(checked > 40, "badges checked: {checked}");
}

#[wasm_bindgen_test]
fn health_badges_never_cover_a_node() {
    // The widest badge text the diagram writes ("2/3 failed · out" is 16 characters).
    let widest = "2/3 failed · out";
    let mut placed = 0;
    for preset in presets::all() {
        let sim = Simulation::new(&preset.scenario()).expect("valid");
        let snap = sim.snapshot();
        for o in [Orientation::Horizontal, Orientation::Vertical] {
            let l = topology_layout(&sim, o);
            let (w, h) = badge_size(widest, o == Orientation::Vertical);
            for e in snap.edges.iter().filter(|e| e.health.is_some()) {
                let Some(route) = l.route(e.from, e.to) else {
                    continue;
                };
                let f = if o == Orientation::Vertical {
                    0.72
                } else {
                    0.55
                };
                let c = l.badge_center(route, f, w, h).expect("a place");
                placed += 1;
                for n in &l.nodes {
                    let apart = c.x + w / 2.0 <= n.x
                        || c.x - w / 2.0 >= n.x + n.w
                        || c.y + h / 2.0 <= n.y
                        || c.y - h / 2.0 >= n.y + n.h;
                    assert!(
                        apart,
                        "{} ({o:?}): the badge of {} → {} at {c:?} covers node {n:?}",
                        preset.name, e.from, e.to
                    );
                }
            }
        }
    }
    assert!(placed > 20, "badges checked: {placed}");
}

#[wasm_bindgen_test]
fn long_edges_are_routed_between_nodes_and_zones_are_boxed_inside_regions() {
    // 0 → {1, 3, 4, 5} → 2, plus a long edge 0 → 2 that skips the middle layer. Nodes 1 and 4
    // share zone-a, 3 is in zone-b (both region r1), 5 in zone-c of region r2; the source is
    // placed in region r1 only (like clients).
    let spec: [(u32, Option<&str>, Option<&str>); 6] = [
        (0, None, Some("r1")),
        (1, Some("zone-a"), Some("r1")),
        (3, Some("zone-b"), Some("r1")),
        (4, Some("zone-a"), Some("r1")),
        (5, Some("zone-c"), Some("r2")),
        (2, None, None),
    ];
    let items: Vec<Item> = spec
        .into_iter()
        .map(|(id, zone, region)| Item {
            id,
            rank_hint: 1,
            group: zone.map(String::from),
            outer: region.map(String::from),
        })
        .collect();
    let edges = [(0, 1), (0, 3), (0, 4), (0, 5), (1, 2), (0, 2)];
    for o in [Orientation::Horizontal, Orientation::Vertical] {
        let l = layout::layout(&items, &edges, o);
        assert!(!l.has_overlaps());
        let long = l.route(0, 2).expect("long edge");
        assert_eq!(
            long.points.len(),
            4,
            "one waypoint (entry and exit) in the skipped layer"
        );
        // Sampled along its curve, the long edge never enters a node box of the middle layer.
        let middle = l.nodes.iter().filter(|n| n.rank == 1).count();
        assert_eq!(
            middle, 4,
            "{o:?}: nodes 1, 3, 4 and 5 form the middle layer"
        );
        for p in l.sample(long, 40) {
            for n in l.nodes.iter().filter(|n| n.rank == 1) {
                let inside = p.x > n.x + 1.0
                    && p.x < n.x + n.w - 1.0
                    && p.y > n.y + 1.0
                    && p.y < n.y + n.h - 1.0;
                assert!(!inside, "{o:?}: long edge crosses node {}", n.id);
            }
        }
        let zones: Vec<_> = l.groups.iter().filter(|g| g.level == 1).collect();
        let regions: Vec<_> = l.groups.iter().filter(|g| g.level == 0).collect();
        let mut names: Vec<&str> = zones.iter().map(|g| g.label.as_str()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            ["zone-a", "zone-b", "zone-c"],
            "{o:?}: zone-a's two nodes share one box"
        );
        let contains = |outer: &layout::GroupBox, inner: &layout::GroupBox| {
            inner.x >= outer.x
                && inner.y >= outer.y
                && inner.x + inner.w <= outer.x + outer.w
                && inner.y + inner.h <= outer.y + outer.h
        };
        let disjoint = |a: &layout::GroupBox, b: &layout::GroupBox| {
            a.y + a.h <= b.y || b.y + b.h <= a.y || a.x + a.w <= b.x || b.x + b.w <= a.x
        };
        for (i, a) in zones.iter().enumerate() {
            for b in &zones[i + 1..] {
                assert!(disjoint(a, b), "{o:?}: zone boxes overlap: {a:?} {b:?}");
            }
            let region = if a.label == "zone-c" { "r2" } else { "r1" };
            assert!(
                regions.iter().any(|r| r.label == region && contains(r, a)),
                "{o:?}: {} is not inside a box of {region}",
                a.label
            );
            // No node of another zone inside a zone's box.
            for n in &l.nodes {
                let zone = spec.iter().find(|s| s.0 == n.id).and_then(|s| s.1);
                let inside = n.x + n.w / 2.0 > a.x
                    && n.x + n.w / 2.0 < a.x + a.w
                    && n.y + n.h / 2.0 > a.y
                    && n.y + n.h / 2.0 < a.y + a.h;
                assert!(
                    !inside || zone == Some(a.label.as_str()),
                    "{o:?}: node {} inside {}",
                    n.id,
                    a.label
                );
            }
        }
        assert_eq!(regions.iter().filter(|r| r.label == "r2").count(), 1);
    }
}
