//! Browser test of fatal errors after start-up (issue #11, item 7): a real WebAssembly trap
//! and a real out-of-memory abort, each raised in a timer callback of the running app (as one
//! in a frame or a click handler would), must show the error banner of `index.html` with a
//! way to the default scenario. The banner markup is taken from `index.html` and its handlers
//! from `static/boot.js`, as shipped.
//!
//! A test binary of its own: the trap and the exhausted memory stay in this wasm instance.
//! Run with `cargo test --target wasm32-unknown-unknown --test web_fatal`.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;

use failover_lab::ui::app::READY_ATTR;
use failover_lab::ui::memory::OUT_OF_MEMORY_ATTR;
use failover_lab::ui::panic::{BANNER_ID, DEFAULT_LINK_ID, MESSAGE_ID, PANICKED_ATTR};
use failover_lab::ui::App;
use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const INDEX_HTML: &str = include_str!("../index.html");
const BOOT_JS: &str = include_str!("../static/boot.js");

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("the test page has a document")
}

/// The page as shipped, as far as fatal errors go: the app mounted and ready, the banner of
/// `index.html`, the handlers of `static/boot.js` (which, finding the app started, only
/// listens).
async fn ship_page() {
    let doc = document();
    let host = doc.create_element("div").expect("div");
    doc.body()
        .expect("body")
        .append_child(&host)
        .expect("append");
    let _app = yew::Renderer::<App>::with_root(host.clone()).render();
    for _ in 0..300 {
        if host
            .query_selector(&format!("[{READY_ATTR}=\"1\"]"))
            .expect("valid")
            .is_some()
        {
            break;
        }
        TimeoutFuture::new(10).await;
    }
    js_sys::Function::new_with_args(
        "html",
        "const page = new DOMParser().parseFromString(html, 'text/html');
         document.body.prepend(document.importNode(page.getElementById('panic-banner'), true));",
    )
    .call1(&JsValue::NULL, &JsValue::from_str(INDEX_HTML))
    .expect("the banner of index.html");
    js_sys::Function::new_no_args(BOOT_JS)
        .call0(&JsValue::NULL)
        .expect("static/boot.js runs");
}

async fn wait_for_banner(what: &str) -> web_sys::Element {
    let banner = document().get_element_by_id(BANNER_ID).expect("the banner");
    for _ in 0..300 {
        if !banner.has_attribute("hidden") {
            return banner;
        }
        TimeoutFuture::new(10).await;
    }
    panic!("{what}: the banner stayed hidden");
}

/// Hides the banner again for the next case.
fn reset_banner() {
    let doc = document();
    if let Some(banner) = doc.get_element_by_id(BANNER_ID) {
        let _ = banner.set_attribute("hidden", "");
    }
    if let Some(html) = doc.document_element() {
        let _ = html.remove_attribute(PANICKED_ATTR);
        let _ = html.remove_attribute(OUT_OF_MEMORY_ATTR);
    }
}

thread_local! {
    /// The memory the out-of-memory case takes, freed afterwards.
    static HOARD: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

#[wasm_bindgen_test]
async fn a_trap_or_running_out_of_memory_after_start_up_shows_the_banner() {
    ship_page().await;
    let doc = document();
    let html = doc.document_element().expect("<html>");
    let location = web_sys::window().expect("window").location();

    // 1. A WebAssembly trap (`unreachable`) in a timer callback of the running app.
    Timeout::new(20, || core::arch::wasm32::unreachable()).forget();
    let banner = wait_for_banner("trap").await;
    let text = banner.text_content().unwrap_or_default();
    assert!(
        text.contains("stopped because of an internal error"),
        "{text:?}"
    );
    let message = doc
        .get_element_by_id(MESSAGE_ID)
        .and_then(|m| m.text_content())
        .unwrap_or_default();
    assert!(message.contains("RuntimeError: unreachable"), "{message:?}");
    assert_eq!(html.get_attribute(PANICKED_ATTR).as_deref(), Some("1"));
    // The way out of a link that crashes every time: the page without the hash.
    let home = doc.get_element_by_id(DEFAULT_LINK_ID).expect("the link");
    assert_eq!(
        home.get_attribute("href"),
        location.pathname().ok(),
        "Open the default scenario goes to the page without the hash"
    );
    assert!(text.contains("Open the default scenario") && text.contains("Reload"));
    reset_banner();

    // 2. Running out of memory: allocations of 256 MiB until WebAssembly memory (4 GiB at
    //    most) cannot grow; Rust then aborts, which is a trap too, and the allocator has
    //    marked the page first.
    Timeout::new(20, || {
        for _ in 0..64 {
            let chunk: Vec<u8> = Vec::with_capacity(256 << 20);
            HOARD.with(|h| h.borrow_mut().push(chunk));
        }
    })
    .forget();
    let banner = wait_for_banner("out of memory").await;
    HOARD.with(|h| h.borrow_mut().clear());
    let text = banner.text_content().unwrap_or_default();
    assert!(
        text.contains("ran out of memory"),
        "the banner says what happened: {text:?}"
    );
    assert_eq!(html.get_attribute(OUT_OF_MEMORY_ATTR).as_deref(), Some("1"));
    reset_banner();
}
