//! Guided tours: the seeds' arguments as a walk through presets, written as data.
//!
//! A tour is a list of steps; each step names the run it shows (a preset, commands at fixed
//! times, a seed), the moment it opens at, the nodes to look at, what to read, and a task:
//! read, play on to a time, or do something ("crash app-2 now") that the learner does in the
//! diagram (or with "do it for me"). Once the task is done, the step explains what happened
//! with the figures *measured in this run* (`explain.rs`), never canned numbers.
//!
//! Every step's run is fully given by its data, so a step opens the same way from Next,
//! Back or a link (`#tour=ID&step=N`), and Back restores exactly the state the step opened
//! with (deterministic replay). The UI lives in `ui/tour.rs` and `ui/tour_state.rs`.
mod catalogue;
pub mod explain;

use crate::share::Recipe;
use crate::sim::FaultAction;

pub use explain::Explain;

/// The seed every tour runs with (any fixed seed: the same step always shows the same run).
pub const TOUR_SEED: u64 = 1;

/// A guided tour.
#[derive(Debug)]
pub struct Tour {
    /// Stable id, used in links (`#tour=one-server&step=2`).
    pub id: &'static str,
    pub title: &'static str,
    /// One line for the start card.
    pub summary: &'static str,
    /// Where its argument comes from (a seed document, the reference semantics).
    pub source: &'static str,
    pub steps: &'static [Step],
}

/// One step of a tour.
#[derive(Debug)]
pub struct Step {
    pub title: &'static str,
    /// The preset the step runs.
    pub preset: &'static str,
    /// Commands in link form (`20000:crash:app-2`), given before the step opens.
    pub setup: &'static [&'static str],
    /// Simulated time the step opens at (ms): the run plays there first.
    pub open_at_ms: u64,
    /// Nodes (or zones, regions) the diagram highlights.
    pub highlight: &'static [&'static str],
    /// What to look at, in plain words.
    pub text: &'static str,
    pub task: Task,
    /// What the explanation after the task measures.
    pub explain: Explain,
}

/// What a step asks of the learner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Task {
    /// Read, then Next.
    Read,
    /// The run plays on to this time (ms), then the explanation appears.
    PlayTo { ms: u64 },
    /// Do `action` on `node` in the diagram (or "do it for me"); the run then plays on for
    /// `watch_ms` and the explanation appears.
    Act {
        action: FaultAction,
        node: &'static str,
        watch_ms: u64,
    },
}

impl Task {
    /// "Crash app-2 now" for an action task.
    pub fn ask(&self) -> Option<String> {
        match *self {
            Task::Act { action, node, .. } => Some(format!("{} {node} now", verb(action))),
            _ => None,
        }
    }
}

/// The imperative for an action, as the diagram's menu names it.
pub fn verb(action: FaultAction) -> &'static str {
    match action {
        FaultAction::Crash => "Crash",
        FaultAction::Unreachable => "Make unreachable",
        FaultAction::Freeze => "Freeze",
        FaultAction::Fail => "Fail",
        FaultAction::Heal => "Heal",
        FaultAction::AddLatency => "Add latency to",
        FaultAction::Gray => "Degrade",
        FaultAction::Set => "Change",
        FaultAction::Partition => "Cut off",
        FaultAction::Repair => "Reconnect",
        FaultAction::Drain => "Drain",
        FaultAction::Stop => "Drain, then stop",
        FaultAction::PushConfig => "Push bad config to",
        FaultAction::Canary => "Start a canary on",
        FaultAction::Flap => "Make flap",
    }
}

impl Step {
    /// The run this step opens with: its preset, the tour seed and its setup commands.
    pub fn recipe(&self) -> Result<Recipe, String> {
        let mut commands = Vec::new();
        for c in self.setup {
            // Reuse the link codec: a setup command is written exactly as a link writes it.
            let r = crate::share::decode(&format!(
                "v={}&p={}&c={c}",
                crate::share::VERSION,
                self.preset
            ))?
            .ok_or("empty setup command")?;
            commands.extend(r.commands);
        }
        Ok(Recipe {
            seed: Some(TOUR_SEED),
            commands,
            ..Recipe::preset(self.preset)
        })
    }

    /// Simulated time at which the task is over, given when the learner acted (µs).
    pub fn done_at_us(&self, acted_at_us: Option<u64>) -> Option<u64> {
        match self.task {
            Task::Read => Some(self.open_at_ms * 1_000),
            Task::PlayTo { ms } => Some(ms * 1_000),
            Task::Act { watch_ms, .. } => acted_at_us.map(|t| t + watch_ms * 1_000),
        }
    }
}

/// Every tour, in the order the start card offers them.
pub fn all() -> &'static [Tour] {
    catalogue::TOURS
}

pub fn find(id: &str) -> Option<&'static Tour> {
    all().iter().find(|t| t.id == id)
}
