//! The browser front end (Yew, client-side rendering). Compiled only for wasm32.
//!
//! * [`start`] is what the `failover-lab-web` binary calls: it installs the panic hook and mounts
//!   [`App`] into `#app` of `index.html`.
//! * [`app`] holds the root component, [`shell`] the page layout (header, control bar, diagram,
//!   side panel, chart), [`panic`] the hook that turns a Rust panic into a visible banner,
//!   [`memory`] the allocator that marks the page when memory runs out.
//! * The visualizer: [`lab`] wires [`runner`] (the simulation, driven by requestAnimationFrame)
//!   to the panels: [`controls`], [`diagram`] (SVG laid out by [`layout`], requests animated
//!   on a canvas by [`canvas`]), [`inspector`], [`charts`], [`event_log`]. [`share`] is the
//!   versioned URL-hash codec of a run, [`address`] the page's own address for the links the
//!   app builds, [`files`] import/export and the clipboard,
//!   [`panic_context`] what the panic banner adds to reproduce a crash, [`common`] shared
//!   formatting and the state vocabulary (colour + icon + word).

pub mod address;
pub mod app;
pub mod breakdown_panel;
pub mod canvas;
pub mod charts;
pub mod common;
pub mod controls;
pub mod diagram;
pub mod event_log;
pub mod files;
pub mod inspector;
pub mod lab;
pub mod layout;
pub mod memory;
pub mod panels;
pub mod panic;
pub mod panic_context;
pub mod runner;
pub mod share;
pub mod shell;

pub use app::App;

/// Id of the element in `index.html` the app mounts into. Its initial content is the loading
/// message, which Yew clears when it mounts.
pub const ROOT_ID: &str = "app";

/// Entry point of the browser app.
pub fn start() {
    // First, so that even a panic while mounting shows the banner instead of a blank page.
    panic::install();

    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        // No DOM (e.g. loaded in a worker by mistake): nowhere to render, nothing to show.
        return;
    };
    // Fall back to <body> so the app still appears when embedded in a page without `#app`.
    let root = document
        .get_element_by_id(ROOT_ID)
        .or_else(|| document.body().map(Into::into));
    match root {
        Some(root) => {
            // The handle only offers explicit unmounting; the app lives as long as the page.
            let _app = yew::Renderer::<App>::with_root(root).render();
        }
        None => panic::show_panic_banner("the page has neither an #app element nor a <body>"),
    }
}
