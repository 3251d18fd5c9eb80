//! Native figure for "an edit re-lays out and restarts in ≤ 50 ms" (issue #15); the browser
//! figure is tests/e2e/bench_edit.mjs. Not a test: it prints what it measured.
//!
//! For the preset with the most nodes, each iteration does what the app does on an edit
//! (`ui::edit_runner`): check the edit on a copy (`sim::edit::apply`), rebuild the run from
//! the recipe with its edits, carry the commands over, and lay out both orientations.
//!
//!     cargo run --release --example bench_edit [ITERATIONS]
use std::time::Instant;

use failover_lab::share::Recipe;
use failover_lab::share_edits::Design;
use failover_lab::sim::edit::{self, Edit};
use failover_lab::sim::presets;
use failover_lab::sim::{Fault, FaultAction};
use failover_lab::ui::edit_runner::carry_commands;
use failover_lab::ui::layout::Orientation;
use failover_lab::ui::runner::topology_layout;

fn main() {
    let iterations: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let biggest = presets::all()
        .iter()
        .max_by_key(|p| {
            let s = p.scenario();
            s.instances.len() + s.balancers.len() + s.gateways.len() + usize::from(s.dns.is_some())
        })
        .expect("presets");
    let base = biggest.scenario();
    let commands = vec![Fault::new(
        5_000,
        FaultAction::Crash,
        &base.instances[0].name,
    )];
    let mut times_ms = Vec::with_capacity(iterations);
    for i in 0..iterations {
        let e = Edit::AddInstance {
            name: format!("bench-{i}"),
            like: None,
            zone: base.instances[0].zone.clone(),
            balancers: base
                .balancers
                .iter()
                .map(|b| b.name.clone())
                .take(1)
                .collect(),
        };
        let t0 = Instant::now();
        let applied = edit::apply(&base, &e).expect("edit");
        let recipe = Recipe {
            seed: Some(1),
            design: Design {
                edits: vec![e],
                versus: None,
            },
            ..Recipe::preset(biggest.name)
        };
        let carried = carry_commands(&commands, &[], &applied.scenario);
        let recipe = Recipe {
            commands: carried.kept,
            ..recipe
        };
        let sim = recipe.build().expect("build");
        let h = topology_layout(&sim, Orientation::Horizontal);
        let v = topology_layout(&sim, Orientation::Vertical);
        times_ms.push(t0.elapsed().as_secs_f64() * 1e3);
        assert!(h.width > 0.0 && v.width > 0.0);
    }
    times_ms.sort_by(f64::total_cmp);
    let q = |p: f64| times_ms[((times_ms.len() - 1) as f64 * p).round() as usize];
    println!(
        "edit → restart → layout, {} ({} instances, {} balancers, {} gateways), {iterations} edits (native):",
        biggest.name,
        base.instances.len(),
        base.balancers.len(),
        base.gateways.len()
    );
    println!(
        "  median {:.2} ms, p95 {:.2} ms, max {:.2} ms (budget 50 ms)",
        q(0.5),
        q(0.95),
        q(1.0)
    );
}
