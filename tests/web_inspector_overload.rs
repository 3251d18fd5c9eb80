//! Browser tests of the inspector's overload groups (issue 13), in headless Chromium: an
//! option switched on in the inspector becomes a `set` command in the link and its fields
//! appear from the run's own scenario; a bad value shows the path-named error next to the
//! field and the run keeps the old value.
//!
//! Run with `cargo test --target wasm32-unknown-unknown --test web_inspector_overload`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod web_support;
use web_support::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn switching_the_retry_budget_on_adds_its_fields_and_a_set_to_the_link() {
    let (host, handle) = mount_lab_at("#v=3&p=retry-storm");
    let lb = wait_for(&host, "[data-node-name=\"lb-1\"]", "lb-1").await;
    click(&lb);
    let group = wait_for(
        &host,
        "[data-group=\"Overload protection\"]",
        "overload group",
    )
    .await;
    for title in ["Coming back safely", "Rollout"] {
        wait_for(&host, &format!("[data-group=\"{title}\"]"), title).await;
    }
    // The vendor's name is on hover.
    let label = wait_for(&group, "label[for=\"f-lb-1-retry_budget\"]", "label").await;
    let hover = label.get_attribute("title").unwrap_or_default();
    assert!(hover.contains("Envoy `retry_budget`"), "{hover:?}");
    assert!(
        host.query_selector("input[data-param=\"retry_budget.budget_percent\"]")
            .expect("valid")
            .is_none(),
        "retry-storm has no budget: its fields wait for the switch"
    );
    let switch = wait_for(&group, "input[data-param=\"retry_budget\"]", "switch").await;
    toggle(&switch, true);
    // The run's scenario now has a budget with Envoy's defaults: its fields appear.
    let percent = wait_for(
        &host,
        "input[data-param=\"retry_budget.budget_percent\"]",
        "budget field",
    )
    .await;
    let input: web_sys::HtmlInputElement = percent.clone().dyn_into().expect("input");
    assert_eq!(input.value(), "20");
    let hover = wait_for(
        &host,
        "label[for=\"f-lb-1-retry_budget-budget_percent\"]",
        "label",
    )
    .await
    .get_attribute("title")
    .unwrap_or_default();
    assert!(
        hover.contains("Envoy `retry_budget.budget_percent`, default 20 %"),
        "{hover:?}"
    );
    wait_for_hash(":set:lb-1:retry_budget:true").await;

    // A bad value: the path-named error next to the field, no command, the run keeps 20.
    change_input(&percent, "150");
    let error = wait_for(
        &host,
        "[data-error-for=\"retry_budget.budget_percent\"]",
        "error",
    )
    .await;
    let text = error.text_content().unwrap_or_default();
    assert!(
        text.contains(
            "balancers[0].retry_budget.budget_percent: must be between 0 and 100, got 150"
        ) && text.contains("the run keeps 20"),
        "{text:?}"
    );
    assert_eq!(
        percent.get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    assert!(
        !location_hash().contains("budget_percent"),
        "{:?}",
        location_hash()
    );
    // A good one lands in the link, and the error goes.
    change_input(&percent, "10");
    wait_for_hash(":set:lb-1:retry_budget.budget_percent:10").await;
    wait_gone(&host, "[data-error-for=\"retry_budget.budget_percent\"]").await;
    handle.destroy();
    host.remove();
}

#[wasm_bindgen_test]
async fn clients_gateways_and_instances_have_their_groups() {
    let (host, handle) = mount_lab_at("#v=3&p=retry-storm");
    let clients = wait_for(&host, "[data-node-name=\"clients\"]", "clients").await;
    click(&clients);
    wait_for(&host, "[data-group=\"Client retries\"]", "client retries").await;
    let jitter = wait_for(
        &host,
        "select[data-param=\"client_retry.jitter\"]",
        "jitter",
    )
    .await;
    let select: web_sys::HtmlSelectElement = jitter.clone().dyn_into().expect("select");
    assert_eq!(select.value(), "full");
    let quota = wait_for(
        &host,
        "input[data-param=\"client_retry.retry_quota_tokens\"]",
        "quota",
    )
    .await;
    change_input(&quota, "-5");
    let text = wait_for(
        &host,
        "[data-error-for=\"client_retry.retry_quota_tokens\"]",
        "error",
    )
    .await
    .text_content()
    .unwrap_or_default();
    assert!(
        text.starts_with("traffic.client_retry.retry_quota_tokens:"),
        "{text:?}"
    );
    change_input(&quota, "500");
    wait_for_hash(":set:clients:client_retry.retry_quota_tokens:500").await;

    let gw = wait_for(&host, "[data-node-name=\"gw-1\"]", "gw-1").await;
    click(&gw);
    let retry_5xx = wait_for(
        &host,
        "input[data-param=\"retry_on_5xx\"]",
        "gateway switch",
    )
    .await;
    toggle(&retry_5xx, false);
    wait_for_hash(":set:gw-1:retry_on_5xx:false").await;
    let retries = wait_for(&host, "input[data-param=\"retries\"]", "gateway retries").await;
    change_input(&retries, "11");
    let text = wait_for(&host, "[data-error-for=\"retries\"]", "error")
        .await
        .text_content()
        .unwrap_or_default();
    assert!(
        text.contains("gateways[0].retries: must be between 0 and 10"),
        "{text:?}"
    );

    let app = wait_for(&host, "[data-node-name=\"app-2\"]", "app-2").await;
    click(&app);
    let deadlines = wait_for(
        &host,
        "input[data-param=\"deadline_propagation\"]",
        "deadline switch",
    )
    .await;
    toggle(&deadlines, true);
    wait_for_hash(":set:app-2:deadline_propagation:true").await;
    let cold = wait_for(
        &host,
        "input[data-param=\"cold_start\"]",
        "cold start switch",
    )
    .await;
    toggle(&cold, true);
    wait_for(
        &host,
        "input[data-param=\"cold_start.warmup_ms\"]",
        "warm-up field",
    )
    .await;
    handle.destroy();
    host.remove();
}

#[wasm_bindgen_test]
async fn maxconn_and_the_gateway_retry_budget_are_fields_too() {
    let (host, handle) = mount_lab_at("#v=3&p=retry-storm");
    let lb = wait_for(&host, "[data-node-name=\"lb-1\"]", "lb-1").await;
    click(&lb);
    // No maxconn in retry-storm: the field is empty (no limit) and its queue fields wait.
    let maxconn = wait_for(&host, "input[data-param=\"maxconn\"]", "maxconn").await;
    let input: web_sys::HtmlInputElement = maxconn.clone().dyn_into().expect("input");
    assert_eq!(input.value(), "");
    let hover = wait_for(&host, "label[for=\"f-lb-1-maxconn\"]", "label")
        .await
        .get_attribute("title")
        .unwrap_or_default();
    assert!(hover.contains("HAProxy server `maxconn`"), "{hover:?}");
    assert!(host
        .query_selector("input[data-param=\"timeout_queue_ms\"]")
        .expect("valid")
        .is_none());
    change_input(&maxconn, "0");
    let text = wait_for(&host, "[data-error-for=\"maxconn\"]", "error")
        .await
        .text_content()
        .unwrap_or_default();
    assert!(text.contains("balancers[0].maxconn"), "{text:?}");
    change_input(&maxconn, "8");
    wait_for_hash(":set:lb-1:maxconn:8").await;
    wait_for(
        &host,
        "input[data-param=\"timeout_queue_ms\"]",
        "queue timeout",
    )
    .await;
    wait_for(&host, "input[data-param=\"maxqueue\"]", "maxqueue").await;

    let gw = wait_for(&host, "[data-node-name=\"gw-1\"]", "gw-1").await;
    click(&gw);
    // The gateway's budget switch (not lb-1's, which is on screen until the inspector
    // shows gw-1).
    let budget = wait_for(
        &host,
        "[data-inspecting=\"gw-1\"] input[data-param=\"retry_budget\"]",
        "gateway budget",
    )
    .await;
    toggle(&budget, true);
    wait_for_hash(":set:gw-1:retry_budget:true").await;
    let percent = wait_for(
        &host,
        "[data-inspecting=\"gw-1\"] input[data-param=\"retry_budget.budget_percent\"]",
        "gateway budget field",
    )
    .await;
    let input: web_sys::HtmlInputElement = percent.dyn_into().expect("input");
    assert_eq!(input.value(), "20");
    handle.destroy();
    host.remove();
}
