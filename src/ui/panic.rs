//! Panic handling: a Rust panic must never leave the user with a blank or frozen page.
//!
//! Release builds use `panic = "abort"`, so after a panic the wasm instance traps and the app
//! stops reacting. The hook therefore (1) logs the panic with its message and location to the
//! browser console through `console_error_panic_hook`, and (2) un-hides the `#panic-banner`
//! element of `index.html` with the message, so the user sees what happened and can reload
//! or open the default scenario (a link that panics every time must not be a trap).
//!
//! Failures that never reach this hook (a WebAssembly trap, running out of memory: the
//! allocator aborts without panicking) surface in the page as uncaught errors; the boot
//! script `static/boot.js` shows the same banner for those.

#[cfg(target_arch = "wasm32")]
use std::panic::PanicHookInfo;

use wasm_bindgen::JsCast;

/// Id of the banner element (static and hidden in `index.html`).
pub const BANNER_ID: &str = "panic-banner";
/// Id of the element inside the banner that receives the panic message.
pub const MESSAGE_ID: &str = "panic-message";
/// Attribute set on `<html>` once the banner is shown, so tests and embedders can detect it.
pub const PANICKED_ATTR: &str = "data-app-panicked";
/// Id of the banner's "Open the default scenario" link (the page without the hash).
pub const DEFAULT_LINK_ID: &str = "panic-default";
/// Id of the banner's Reload button.
pub const RELOAD_ID: &str = "panic-reload";

/// Installs the panic hook (browser only: natively there is no page to show it on). Goes through Yew so that `yew::Renderer` does not replace it with
/// its default hook (console only) when the app mounts.
#[cfg(target_arch = "wasm32")]
pub fn install() {
    yew::set_custom_panic_hook(Box::new(hook));
}

#[cfg(target_arch = "wasm32")]
fn hook(info: &PanicHookInfo<'_>) {
    console_error_panic_hook::hook(info);
    // What was running, so the crash can be reproduced: scenario, seed, simulated time and the
    // run's link (the address bar holds it too, so "Reload" replays the same run).
    let context = crate::ui::panic_context::get();
    if context.is_empty() {
        show_panic_banner(&info.to_string());
    } else {
        show_panic_banner(&format!("{info}\n{context}"));
    }
}

/// Shows the panic banner with `message`. Creates the banner when the host page has none (for
/// instance when the app is mounted into a page other than our `index.html`).
///
/// Runs inside the panic hook, where a second panic would abort without any message, so every
/// DOM call that can fail is allowed to fail silently: the console already has the details.
pub fn show_panic_banner(message: &str) {
    let _shown = try_show_banner(message);
}

fn try_show_banner(message: &str) -> Option<()> {
    let document = crate::ui::common::window()?.document()?;
    let banner = match document.get_element_by_id(BANNER_ID) {
        Some(banner) => banner,
        None => create_banner(&document)?,
    };
    match document.get_element_by_id(MESSAGE_ID) {
        Some(slot) => slot.set_text_content(Some(message)),
        None => banner.set_text_content(Some(&format!("Failover Lab stopped: {message}"))),
    }
    if let Some(home) = document.get_element_by_id(DEFAULT_LINK_ID) {
        if let Some(href) = default_scenario_href() {
            home.set_attribute("href", &href).ok()?;
        }
    }
    banner.remove_attribute("hidden").ok()?;
    if let Some(html) = document.document_element() {
        html.set_attribute(PANICKED_ATTR, "1").ok()?;
    }
    // The banner is fixed at the top; focus it so screen readers announce it at once.
    if let Ok(banner) = banner.dyn_into::<web_sys::HtmlElement>() {
        banner.set_tab_index(-1);
        banner.focus().ok()?;
    }
    Some(())
}

/// A minimal banner with the same structure as the one in `index.html`, styled inline because
/// the host page may not load our stylesheet.
fn create_banner(document: &web_sys::Document) -> Option<web_sys::Element> {
    let banner = document.create_element("div").ok()?;
    banner.set_id(BANNER_ID);
    banner.set_attribute("role", "alert").ok()?;
    banner.set_class_name("panic-banner");
    banner
        .set_attribute(
            "style",
            "position:fixed;top:0;left:0;right:0;z-index:1000;padding:12px 16px;\
             background:#b42318;color:#fff;font:14px/1.4 system-ui,sans-serif",
        )
        .ok()?;
    let title = document.create_element("strong").ok()?;
    title.set_text_content(Some("Failover Lab stopped because of an internal error. "));
    let slot = document.create_element("code").ok()?;
    slot.set_id(MESSAGE_ID);
    banner.append_child(&title).ok()?;
    banner.append_child(&slot).ok()?;
    // The same two ways out as index.html's banner. Reload is a button: a link to the same
    // address with a hash would only scroll, not reload.
    let reload = document.create_element("button").ok()?;
    reload.set_id(RELOAD_ID);
    reload.set_attribute("type", "button").ok()?;
    reload.set_text_content(Some("Reload"));
    let on_reload = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
        if let Some(window) = web_sys::window() {
            let _reloaded = window.location().reload();
        }
    });
    reload
        .add_event_listener_with_callback("click", on_reload.as_ref().unchecked_ref())
        .ok()?;
    // The banner lives as long as the page.
    on_reload.forget();
    let home = document.create_element("a").ok()?;
    home.set_id(DEFAULT_LINK_ID);
    home.set_text_content(Some("Open the default scenario"));
    home.set_attribute("href", &default_scenario_href()?).ok()?;
    for action in [&reload, &home] {
        action
            .set_attribute(
                "style",
                "margin-left:12px;color:#fff;background:transparent;font:inherit;\
                 font-weight:600;border:1px solid #fff;border-radius:4px;padding:4px 10px",
            )
            .ok()?;
    }
    banner.append_child(&reload).ok()?;
    banner.append_child(&home).ok()?;
    document.body()?.prepend_with_node_1(&banner).ok()?;
    Some(banner)
}

/// The page's address without the hash (the run) and without the debug-only `debug`
/// parameter: opening it starts the default scenario.
pub fn default_scenario_href() -> Option<String> {
    let location = web_sys::window()?.location();
    let path = location.pathname().ok()?;
    let search = location.search().ok()?;
    Some(format!(
        "{path}{}",
        crate::ui::address::query_without(&search, &["debug"])
    ))
}
