#![cfg(not(target_arch = "wasm32"))]
//! The first-paint poster (`static/poster.html`, inlined into `index.html` by Trunk) is the
//! app's first frame rendered by the app's own components (`src/ui/poster.rs`). This test
//! renders it again: when the committed file differs, a change to the UI (or to the default
//! scenario) was made without regenerating it, and the page would open on a stale picture.
//! `FAILOVER_LAB_BLESS=1` writes the fresh render instead of comparing.
use std::path::PathBuf;

use failover_lab::ui::poster;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(poster::POSTER_PATH)
}

#[test]
fn committed_poster_is_the_apps_first_frame() {
    let fresh = poster::render();
    let path = committed_path();
    if std::env::var_os("FAILOVER_LAB_BLESS").is_some() {
        std::fs::write(&path, &fresh)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != fresh {
        let line = committed
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || "lengths differ".to_string(),
                |i| format!("first difference on line {}", i + 1),
            );
        panic!(
            "{} is stale ({line}): the app's first frame changed.\nRegenerate it with:\n\n    {}\n",
            poster::POSTER_PATH,
            poster::REGENERATE
        );
    }
}

#[test]
fn poster_shows_the_default_scenario_and_says_it_is_loading() {
    let html = poster::render();
    // The diagram: every node of the default scenario, drawn by the app's Diagram component.
    let sim = failover_lab::sim::presets::find(failover_lab::sim::presets::DEFAULT)
        .map(|p| p.scenario())
        .and_then(|s| failover_lab::sim::Simulation::new(&s).ok())
        .expect("the default preset builds");
    for node in sim.snapshot().nodes {
        assert!(
            html.contains(&format!("data-node-name=\"{}\"", node.name)),
            "node {} missing from the poster",
            node.name
        );
    }
    // The headline numbers and the header.
    assert!(html.contains("data-metric=\"availability\""));
    assert!(html.contains(failover_lab::ui::shell::PRODUCT_NAME));
    // Labelled as loading from the first paint, before any script runs; the frame takes no
    // input until the app replaces it.
    assert!(html.contains(poster::LOADING_LABEL));
    assert!(html.contains("class=\"poster-frame\" inert"));
    // Plain HTML/SVG: the page's Content-Security-Policy allows no inline script or <style>.
    assert!(!html.contains("<script") && !html.contains("<style"));
    let handler = html.split(" on").skip(1).find(|rest| {
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase())
            .collect();
        !name.is_empty() && rest[name.len()..].starts_with('=')
    });
    assert!(handler.is_none(), "an inline event handler: on{handler:?}");
}
