//! Browser test of the Estimate panel (issue #15): many runs in slices with a progress bar,
//! the same figures as `sim::many_runs` (and so as `failover-lab run --runs N`), and Cancel.
//!
//! Run with `cargo test -p failover-lab --target wasm32-unknown-unknown --test web_estimate`.
#![cfg(target_arch = "wasm32")]

use failover_lab::sim::many_runs::ManyRuns;
use failover_lab::sim::presets;
use failover_lab::sim::scenario::Reliability;
use failover_lab::ui::common::Shared;
use failover_lab::ui::estimate_panel::{EstimatePanel, EstimateProps};
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn failing_scenario() -> failover_lab::sim::Scenario {
    let mut s = presets::find("redundant-behind-lb")
        .expect("preset")
        .scenario();
    s.faults.clear();
    for i in &mut s.instances {
        i.failures = Some(Reliability {
            mtbf_s: 60.0,
            mttr_s: 30.0,
        });
    }
    s
}

fn mount(scenario: failover_lab::sim::Scenario) -> web_sys::Element {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    let host = doc.create_element("div").expect("div");
    doc.body()
        .expect("body")
        .append_child(&host)
        .expect("append");
    let props = EstimateProps {
        scenario: Shared::new(scenario),
        seed: 3,
        source: "redundant-behind-lb".into(),
    };
    yew::Renderer::<EstimatePanel>::with_root_and_props(host.clone(), props).render();
    host
}

async fn wait_for(host: &web_sys::Element, selector: &str, seconds: u32) -> web_sys::Element {
    for _ in 0..seconds * 50 {
        if let Ok(Some(el)) = host.query_selector(selector) {
            return el;
        }
        TimeoutFuture::new(20).await;
    }
    panic!("`{selector}` did not appear within {seconds} s");
}

fn dispatch(el: &web_sys::Element, script: &str) {
    js_sys::Function::new_with_args("el", script)
        .call1(&JsValue::NULL, el)
        .expect("dispatch");
}

fn set_field(host: &web_sys::Element, key: &str, value: &str) {
    let el = host
        .query_selector(&format!("[data-estimate='{key}']"))
        .ok()
        .flatten()
        .expect("field");
    dispatch(
        &el,
        &format!("el.value = '{value}'; el.dispatchEvent(new Event('change', {{bubbles: true}}));"),
    );
}

fn click(el: &web_sys::Element) {
    dispatch(
        el,
        "el.dispatchEvent(new MouseEvent('click', {bubbles: true}));",
    );
}

fn cell(host: &web_sys::Element, row: &str, col: usize) -> String {
    host.query_selector(&format!(
        "[data-estimate-row='{row}'] td:nth-of-type({col})"
    ))
    .ok()
    .flatten()
    .and_then(|e| e.text_content())
    .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn estimate_shows_the_figures_of_the_runs() {
    let scenario = failing_scenario();
    let host = mount(scenario.clone());
    wait_for(&host, "[data-estimate='runs']", 2).await;
    set_field(&host, "runs", "6");
    set_field(&host, "duration", "120");
    TimeoutFuture::new(20).await;
    click(&wait_for(&host, "[data-control='estimate']", 2).await);
    wait_for(&host, "[data-estimate-result]", 60).await;

    let mut many = ManyRuns::new(&scenario, 3, 6, 120).expect("valid");
    while !many.advance(1_000_000) {}
    let want = many.summary();
    let pct = |x: f64| format!("{:.3} %", 100.0 * x);
    assert_eq!(cell(&host, "requests", 1), pct(want.availability.value));
    assert_eq!(
        cell(&host, "time", 1),
        pct(want.availability_over_time.value)
    );
    assert_eq!(
        cell(&host, "time", 2),
        format!(
            "{} – {}",
            pct(want.availability_over_time.low),
            pct(want.availability_over_time.high)
        )
    );
    assert_eq!(cell(&host, "analytic", 1), pct(want.analytic_availability));
    let bars = host
        .query_selector_all(".estimate-bar")
        .expect("bars")
        .length();
    assert!(bars >= 1, "a histogram of downtime per run");
    let label = wait_for(&host, "[data-estimate-label]", 1).await;
    assert_eq!(
        label.text_content().unwrap_or_default(),
        "redundant-behind-lb, seeds 3…8, 120 s each"
    );
    let command = host.text_content().unwrap_or_default();
    assert!(
        command.contains("failover-lab run redundant-behind-lb --runs 6 --seed 3 --duration 120"),
        "{command}"
    );
}

#[wasm_bindgen_test]
async fn cancel_keeps_the_runs_that_finished() {
    let host = mount(failing_scenario());
    wait_for(&host, "[data-estimate='runs']", 2).await;
    set_field(&host, "runs", "1000");
    set_field(&host, "duration", "20");
    TimeoutFuture::new(20).await;
    click(&wait_for(&host, "[data-control='estimate']", 2).await);
    // The page answers while it runs: the progress bar appears, counts runs, and Cancel
    // works.
    wait_for(&host, "progress", 5).await;
    wait_for(
        &host,
        "[data-estimate-done]:not([data-estimate-done='0'])",
        30,
    )
    .await;
    click(&wait_for(&host, "[data-control='estimate-cancel']", 2).await);
    let result = wait_for(&host, "[data-estimate-result]", 5).await;
    let text = result.text_content().unwrap_or_default();
    assert!(text.contains("Cancelled"), "{text}");
    assert!(host.query_selector("progress").ok().flatten().is_none());
}

#[wasm_bindgen_test]
async fn a_scenario_without_random_failures_says_so() {
    let s = presets::find("redundant-behind-lb")
        .expect("preset")
        .scenario();
    let host = mount(s);
    wait_for(&host, "[data-estimate-note]", 2).await;
}
