//! Browser test (headless Chromium through ChromeDriver, like tests/web_visualizer.rs): the
//! Reliability panel shows the availability breakdown of the run on screen — every step
//! with its predicted and measured figure and its driver, the comparison that names its
//! figures, and the note that the analytic MTTR counts the boot.
//!
//! Run with `cargo test --target wasm32-unknown-unknown --test web_breakdown`.
#![cfg(target_arch = "wasm32")]

use failover_lab::sim::scenario::parse_scenario;
use failover_lab::sim::time::US_PER_S;
use failover_lab::sim::Simulation;
use failover_lab::ui::common::Shared;
use failover_lab::ui::panels::{Panels, PanelsProps};
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Three instances that fail (MTBF 60 s, MTTR 30 s) where the load needs two of them.
const THREE_NEED_TWO: &str = r#"{"name": "three-need-two", "traffic": {"rate_rps": 600}, "entry": "lb-1",
  "balancers": [{"name": "lb-1", "algorithm": "round-robin",
    "targets": [{"instance": "app-1"}, {"instance": "app-2"}, {"instance": "app-3"}]}],
  "instances": [
    {"name": "app-1", "failures": {"mtbf_s": 60, "mttr_s": 30}},
    {"name": "app-2", "failures": {"mtbf_s": 60, "mttr_s": 30}},
    {"name": "app-3", "failures": {"mtbf_s": 60, "mttr_s": 30}}]}"#;

#[wasm_bindgen_test]
async fn the_reliability_panel_shows_the_breakdown() {
    let s = parse_scenario(THREE_NEED_TWO).expect("the scenario parses");
    let mut sim = Simulation::with_seed(&s, 1).expect("it builds");
    sim.run_for(120 * US_PER_S);
    let snapshot = sim.snapshot();
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let host = doc.create_element("div").expect("a div");
    doc.body()
        .expect("body")
        .append_child(&host)
        .expect("append");
    let props = PanelsProps {
        snapshot: Shared::new(snapshot.clone()),
        series: Shared::new(Vec::new()),
    };
    let _app = yew::Renderer::<Panels>::with_root_and_props(host.clone(), props).render();
    let mut table = None;
    for _ in 0..300 {
        table = host
            .query_selector("[data-panel='reliability'] [data-breakdown] table")
            .expect("selector");
        if table.is_some() {
            break;
        }
        TimeoutFuture::new(10).await;
    }
    let table = table.expect("the breakdown table appears in the Reliability panel");
    let text = table.text_content().unwrap_or_default();
    for key in [
        "analytic",
        "timing",
        "detection",
        "capacity",
        "retries",
        "other",
        "users-saw",
    ] {
        let row = table
            .query_selector(&format!("tr[data-step='{key}']"))
            .expect("selector")
            .unwrap_or_else(|| panic!("no `{key}` step in {text}"));
        let measured: f64 = row
            .get_attribute("data-measured")
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("`{key}` has a measured figure"));
        assert!(measured.is_finite());
    }
    // The figures are the core's, and they add up to what users saw.
    let b = &snapshot.breakdown;
    let sum: f64 = b.steps.iter().map(|s| s.measured).sum();
    assert!((sum - b.measured_users_saw).abs() < 1e-9);
    assert!(
        text.contains("capacity shortfall") && text.contains("needs 2 of 3 at 600 req/s"),
        "{text}"
    );
    assert!(text.contains("fall 3 × inter 2 s"), "{text}");
    let comparison = host
        .query_selector("[data-comparison]")
        .expect("selector")
        .and_then(|e| e.text_content())
        .unwrap_or_default();
    assert!(
        comparison.contains("analytic vs time able to serve")
            && comparison.contains("vs requests answered"),
        "{comparison}"
    );
    let notes = host
        .query_selector(".breakdown-notes")
        .expect("selector")
        .and_then(|e| e.text_content())
        .unwrap_or_default();
    assert!(notes.contains("MTTR = repair + startup_ms"), "{notes}");
}
