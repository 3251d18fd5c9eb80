// Shared helpers of the browser tests (`tests/web_*.rs`, included with `mod web_support;`),
// as `tests/common/` is for the native ones: find, click and type like a user, mount the
// Lab at an address, wait for the link. Each test crate uses a part of them.
#![allow(dead_code)]
use failover_lab::ui::lab::Lab;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use yew::AppHandle;

pub fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("the test page has a document")
}

/// An empty `<div>` appended to the page, to mount a component into.
pub fn new_host() -> web_sys::Element {
    let doc = document();
    let host = doc.create_element("div").expect("create a div");
    doc.body()
        .expect("body")
        .append_child(&host)
        .expect("append host");
    host
}

/// Waits (yielding to the browser, where Yew renders and the frame loop runs) until
/// `selector` matches inside `host`.
pub async fn wait_for(host: &web_sys::Element, selector: &str, what: &str) -> web_sys::Element {
    for _ in 0..300 {
        if let Some(el) = host.query_selector(selector).expect("valid selector") {
            return el;
        }
        TimeoutFuture::new(10).await;
    }
    panic!("{what}: `{selector}` did not appear within 3 s");
}

/// Waits until `selector` no longer matches inside `host`.
pub async fn wait_gone(host: &web_sys::Element, selector: &str) {
    for _ in 0..300 {
        if host
            .query_selector(selector)
            .expect("valid selector")
            .is_none()
        {
            return;
        }
        TimeoutFuture::new(10).await;
    }
    panic!("`{selector}` is still there after 3 s");
}

/// Dispatches a real, bubbling DOM event built by JS (Yew delegates listeners to the root).
pub fn fire(el: &web_sys::Element, ctor: &str) {
    let f = js_sys::Function::new_with_args("el", &format!("el.dispatchEvent({ctor});"));
    f.call1(&wasm_bindgen::JsValue::NULL, el)
        .expect("dispatch the event");
}

pub fn click(el: &web_sys::Element) {
    fire(
        el,
        "new MouseEvent('click', {bubbles: true, cancelable: true})",
    );
}

/// Types `value` into an input and commits it like a user leaving the field.
pub fn change_input(el: &web_sys::Element, value: &str) {
    let input: web_sys::HtmlInputElement = el.clone().dyn_into().expect("an <input>");
    input.set_value(value);
    fire(el, "new Event('change', {bubbles: true})");
}

/// Ticks or unticks a checkbox and commits it like a user.
pub fn toggle(el: &web_sys::Element, on: bool) {
    let input: web_sys::HtmlInputElement = el.clone().dyn_into().expect("an <input>");
    input.set_checked(on);
    fire(el, "new Event('change', {bubbles: true})");
}

/// A Lab opened at `hash`, as if the user followed a share link.
pub fn mount_lab_at(hash: &str) -> (web_sys::Element, AppHandle<Lab>) {
    if let Ok(history) = web_sys::window().expect("window").history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(hash));
    }
    let host = new_host();
    let handle = yew::Renderer::<Lab>::with_root(host.clone()).render();
    (host, handle)
}

pub fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Waits until the address bar's hash contains `part` (3 s at most).
pub async fn wait_for_hash(part: &str) {
    for _ in 0..300 {
        if location_hash().contains(part) {
            return;
        }
        TimeoutFuture::new(10).await;
    }
    panic!("`{part}` never reached the link: {:?}", location_hash());
}
