//! Browser tests of the app shell: mount the real `App` into a fresh element of a real page
//! (headless Chromium through ChromeDriver) and check the DOM.
//!
//! Run with `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown`
//! (`make test` does). Native builds compile this file to nothing.
#![cfg(target_arch = "wasm32")]

use failover_lab::ui::app::READY_ATTR;
use failover_lab::ui::panic::{show_panic_banner, BANNER_ID, MESSAGE_ID, PANICKED_ATTR};
use failover_lab::ui::shell::{AREAS, PRODUCT_NAME, TAGLINE};
use failover_lab::ui::App;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|window| window.document())
        .expect("the test runs in a page with a document")
}

/// Mounts `App` into a new `<div>` appended to `<body>` and waits (yielding to the browser's
/// event loop, where Yew's scheduler runs) until it reports itself ready.
async fn mount_app() -> web_sys::Element {
    let document = document();
    let host = document.create_element("div").expect("create a div");
    document
        .body()
        .expect("the page has a body")
        .append_child(&host)
        .expect("append the host div");
    let _app = yew::Renderer::<App>::with_root(host.clone()).render();

    let ready = format!("[{READY_ATTR}=\"1\"]");
    for _ in 0..200 {
        if host
            .query_selector(&ready)
            .expect("valid selector")
            .is_some()
        {
            return host;
        }
        TimeoutFuture::new(10).await;
    }
    panic!("the app did not set {READY_ATTR} within 2 s");
}

fn area(host: &web_sys::Element, name: &str) -> web_sys::Element {
    host.query_selector(&format!("[data-area=\"{name}\"]"))
        .expect("valid selector")
        .unwrap_or_else(|| panic!("area {name:?} is missing"))
}

#[wasm_bindgen_test]
async fn header_shows_product_name_and_explanation() {
    let host = mount_app().await;
    let header = area(&host, "header");
    let title = header
        .query_selector("h1")
        .expect("valid selector")
        .expect("the header has an h1");
    assert_eq!(title.text_content().as_deref(), Some(PRODUCT_NAME));
    let text = header.text_content().unwrap_or_default();
    assert!(text.contains(TAGLINE), "header text was {text:?}");
}

#[wasm_bindgen_test]
async fn all_five_areas_are_present_in_order_and_say_what_they_are_for() {
    let host = mount_app().await;
    let found: Vec<String> = {
        let nodes = host
            .query_selector_all("[data-area]")
            .expect("valid selector");
        (0..nodes.length())
            .filter_map(|i| nodes.item(i))
            .filter_map(|node| {
                wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(node)
                    .ok()
                    .and_then(|element| element.get_attribute("data-area"))
            })
            .collect()
    };
    // Document order is header, controls, diagram, chart, side (the side panel comes last so
    // that it stacks under the chart on narrow screens).
    for name in AREAS {
        assert!(found.iter().any(|f| f == name), "{name:?} not in {found:?}");
        let text = area(&host, name).text_content().unwrap_or_default();
        assert!(
            text.trim().len() > 20,
            "area {name:?} should explain itself, has {text:?}"
        );
    }
    assert_eq!(found.len(), AREAS.len(), "unexpected areas: {found:?}");
    // Landmarks for assistive technology.
    assert_eq!(area(&host, "header").tag_name(), "HEADER");
    assert_eq!(area(&host, "side").tag_name(), "ASIDE");
}

/// Placeholder stage: until the simulator is wired in, nothing may look clickable. The issue
/// that adds the real controls replaces this test with tests of those controls.
#[wasm_bindgen_test]
async fn the_areas_hold_the_working_visualizer() {
    // The placeholders are gone: every area now holds real, working parts (the visualizer's
    // own tests in web_visualizer.rs exercise them).
    let host = mount_app().await;
    for selector in [
        "[data-area=\"controls\"] [data-control=\"play\"]",
        "[data-area=\"controls\"] [data-control=\"step\"]",
        "[data-area=\"diagram\"] [data-control=\"preset\"]",
        "[data-area=\"diagram\"] [data-node-id][role=\"button\"]",
        "[data-area=\"chart\"] [data-metric=\"availability\"]",
        "[data-area=\"side\"] .ideas",
    ] {
        assert!(
            host.query_selector(selector)
                .expect("valid selector")
                .is_some(),
            "missing {selector}"
        );
    }
    assert!(
        host.query_selector(".placeholder")
            .expect("valid selector")
            .is_none(),
        "no placeholder is left"
    );
}

#[wasm_bindgen_test]
fn panic_banner_is_created_and_shown_when_the_page_has_none() {
    let document = document();
    assert!(document.get_element_by_id(BANNER_ID).is_none());

    show_panic_banner("boom at src/ui/test.rs:1:1");

    let banner = document
        .get_element_by_id(BANNER_ID)
        .expect("the banner was created");
    assert!(!banner.has_attribute("hidden"));
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    let message = document
        .get_element_by_id(MESSAGE_ID)
        .expect("the banner has a message slot");
    assert_eq!(
        message.text_content().as_deref(),
        Some("boom at src/ui/test.rs:1:1")
    );
    let html = document.document_element().expect("<html>");
    assert_eq!(html.get_attribute(PANICKED_ATTR).as_deref(), Some("1"));

    // Clean up: other tests share this page.
    banner.remove();
    html.remove_attribute(PANICKED_ATTR)
        .expect("remove attribute");
}
