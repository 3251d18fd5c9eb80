//! The browser front end (Yew). In wasm32 it is the app (client-side rendering); natively the
//! same components are rendered to HTML by Yew's server-side renderer, for the poster that
//! `index.html` shows until the wasm module has loaded ([`poster`]). Native code never calls
//! a browser API: [`common::window`] is `None` there, and every browser call goes through it or
//! sits in an event handler or effect, which server-side rendering never runs.
//!
//! * [`start`] is what the `failover-lab-web` binary calls: it installs the panic hook and mounts
//!   [`App`] into `#app` of `index.html` (which clears the poster).
//! * [`app`] holds the root component, [`shell`] the page layout (header, control bar, diagram,
//!   side panel, chart), [`panic`] the hook that turns a Rust panic into a visible banner,
//!   [`memory`] the allocator that marks the page when memory runs out.
//! * The visualizer: [`lab`] wires [`runner`] (the simulation, driven by requestAnimationFrame)
//!   to the panels: [`controls`], [`diagram`] (SVG laid out by [`layout`], requests animated
//!   on a canvas by [`canvas`]), [`inspector`], [`charts`], [`event_log`], [`estimate_panel`]
//!   (availability over many runs). Design: [`edit_bar`] (the "+" forms, undo / redo,
//!   compare), [`edit_node`] (rename, move, targets, remove in the inspector), [`edit_runner`]
//!   (edits on the run: restart, commands carried), [`compare_view`] (two designs side by
//!   side), [`design_hooks`] (their wiring in the lab). [`share`] (re-exported from the crate root) is the
//!   versioned URL-hash codec of a run, [`address`] the page's own address for the links the
//!   app builds, [`files`] import/export and the clipboard, [`panic_context`] what the panic
//!   banner adds to reproduce a crash, [`glossary`] the glossary tooltips, [`common`] shared
//!   formatting and the state vocabulary (colour + icon + word).

pub mod address;
pub mod app;
pub mod autoscaling_note;
pub mod badges;
pub mod breakdown_panel;
pub mod canvas;
pub mod charts;
pub mod common;
pub mod compare_view;
pub mod controls;
pub mod design_hooks;
pub mod diagram;
pub mod edit_bar;
pub mod edit_node;
pub mod edit_runner;
pub mod embed;
pub mod estimate_panel;
pub mod event_log;
pub mod export;
pub mod files;
pub mod glossary;
pub mod inspector;
pub mod lab;
pub mod lab_learn;
pub mod layout;
pub mod learn;
pub mod memory;
pub mod node_menu;
pub mod overload_charts;
pub mod panels;
pub mod panic;
pub mod panic_context;
pub mod poster;
pub mod runner;
pub mod scrubber;
pub mod shell;
pub mod timeline;
pub mod tour;
pub mod tour_state;
pub mod zoom;

// The link codec is pure Rust and lives at the crate root (`crate::share`, tested natively);
// re-exported so the UI keeps naming it `super::share`.
pub use crate::share;

pub use app::App;

/// Id of the element in `index.html` the app mounts into. Its initial content is the poster
/// (`static/poster.html`), which Yew clears when it mounts.
pub const ROOT_ID: &str = "app";

/// Entry point of the browser app.
#[cfg(target_arch = "wasm32")]
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
