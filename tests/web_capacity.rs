//! Browser test (headless Chromium through ChromeDriver, like tests/web_visualizer.rs): the
//! diagram's capacity sentence. Under a load that needs every instance, the sentence under
//! the SPOF line says so in the tier's words and names the instances whose loss alone
//! overloads the rest; at a load one instance can carry, it is absent.
//!
//! Run with `cargo test --target wasm32-unknown-unknown --test web_capacity`.
#![cfg(target_arch = "wasm32")]

use failover_lab::sim::presets;
use failover_lab::sim::Simulation;
use failover_lab::ui::common::Shared;
use failover_lab::ui::diagram::{Diagram, DiagramProps};
use failover_lab::ui::layout::Orientation;
use failover_lab::ui::runner::topology_layout;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use yew::{Callback, NodeRef};

wasm_bindgen_test_configure!(run_in_browser);

/// Renders the diagram of redundant-behind-lb at `rate_rps` and returns its host element.
async fn diagram_at(rate_rps: f64) -> web_sys::Element {
    let mut s = presets::find("redundant-behind-lb")
        .expect("the preset exists")
        .scenario();
    s.traffic.rate_rps = rate_rps;
    let sim = Simulation::new(&s).expect("it builds");
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let host = doc.create_element("div").expect("a div");
    doc.body()
        .expect("body")
        .append_child(&host)
        .expect("append");
    let props = DiagramProps {
        layout: Shared::new(topology_layout(&sim, Orientation::Horizontal)),
        snapshot: Shared::new(sim.snapshot()),
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
    yew::Renderer::<Diagram>::with_root_and_props(host.clone(), props).render();
    for _ in 0..300 {
        if host.query_selector(".spof-note").ok().flatten().is_some() {
            break;
        }
        TimeoutFuture::new(10).await;
    }
    host
}

#[wasm_bindgen_test]
async fn a_tier_without_a_spare_is_named_under_the_spof_sentence() {
    // 3 × 400 req/s at 960 req/s: 80 % each, 120 % after losing one.
    let host = diagram_at(960.0).await;
    let note = host
        .query_selector(".capacity-note")
        .expect("selector")
        .expect("the capacity sentence is shown");
    let text = note.text_content().unwrap_or_default();
    assert!(text.contains("Under the peak load (960 req/s)"), "{text}");
    assert!(
        text.contains("lb-1: 3 instances at 80 %: losing any one overloads the other 2"),
        "{text}"
    );
    assert_eq!(
        note.get_attribute("data-capacity-spofs").as_deref(),
        Some("3")
    );
    let tier = note
        .query_selector(".capacity-tier")
        .expect("selector")
        .expect("the tier's finding");
    assert_eq!(tier.get_attribute("data-needed").as_deref(), Some("3"));
    assert_eq!(tier.get_attribute("data-of").as_deref(), Some("3"));
    let names = note.query_selector_all(".spof-name").expect("selector");
    assert_eq!(names.length(), 3);
    // Each name explains itself on hover, in numbers.
    let first = names
        .item(0)
        .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
        .expect("an element");
    let why = first.get_attribute("title").unwrap_or_default();
    assert!(
        why.contains("leaves lb-1 with 2 of the 3 instances its peak of 960 req/s needs"),
        "{why}"
    );
}

#[wasm_bindgen_test]
async fn a_tier_with_room_to_spare_adds_no_sentence() {
    let host = diagram_at(200.0).await;
    assert!(host
        .query_selector(".capacity-note")
        .expect("selector")
        .is_none());
}
