//! Going back in the run on screen and forking it: the runner's side of the scrubber.
//!
//! The runner keeps periodic copies of its simulation (`sim::checkpoints`); a seek rebuilds
//! the moment asked for from the latest copy before it, by deterministic replay, so it costs
//! at most one checkpoint interval of simulation whatever the run's length (measured by
//! `crates/failover-sim/examples/bench_seek.rs` and `tests/e2e/bench_seek.mjs`). A seek
//! keeps every command of the run, so Play from an earlier moment replays the same future.
//! A command given while behind the furthest moment reached forks the run: the commands not
//! yet applied and the copies after that moment are dropped, and the link holds the new
//! command list.
use super::common::fmt_s1;
use super::runner::{Notice, Runner};
use crate::sim::checkpoints::{commands_applied_by, Checkpoints};
use crate::sim::time::TimeUs;
use crate::sim::{Fault, Simulation};

/// The runner's memory of the run so far.
pub struct Timeline {
    pub checkpoints: Checkpoints,
    /// The furthest simulated time this run has reached (the scrubber's end).
    pub furthest_us: TimeUs,
    /// A moment the user went to (a seek, a link with `t=`): the link names it until the run
    /// plays on.
    pub pinned_us: Option<TimeUs>,
    /// The panels show a moment the frame loop has not refreshed them for yet (a drag on
    /// the scrubber refreshes them at the panels' rate, not per input event).
    pub stale_view: bool,
    /// Wall time of the last seek (ms), for `data-seek-ms`.
    pub last_seek_ms: f64,
}

impl Timeline {
    pub fn new(sim: &Simulation) -> Timeline {
        Timeline {
            checkpoints: Checkpoints::new(sim),
            furthest_us: sim.now_us(),
            pinned_us: None,
            stale_view: false,
            last_seek_ms: 0.0,
        }
    }
}

/// A fault marker on the scrubber: a command of the run and when it applies.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    pub at_us: TimeUs,
    pub label: String,
}

/// How far before a fault its marker jumps: the moment just before it, with the system
/// still as it was.
pub const BEFORE_FAULT_US: TimeUs = 500_000;

impl Runner {
    /// A new run (load, reset, seed, preset): the timeline starts again from it.
    pub fn timeline_reset(&mut self) {
        self.timeline = Timeline::new(&self.sim);
    }

    /// Per animation frame: true when the panels should show a moment a seek went to
    /// (`panel_due`: their refresh interval has passed). A run that plays on from a moment
    /// no longer names it in the address bar.
    pub fn timeline_frame(&mut self, panel_due: bool) -> bool {
        if self.playing && self.timeline.pinned_us.is_some() {
            self.timeline.pinned_us = None;
            self.write_hash();
        }
        if self.timeline.stale_view && panel_due {
            self.timeline.stale_view = false;
            return true;
        }
        false
    }

    /// The run reached its target (every event due by now processed): offer a copy.
    pub fn timeline_record(&mut self) {
        self.timeline.checkpoints.record(&self.sim);
        let now = self.sim.now_us();
        if now > self.timeline.furthest_us {
            self.timeline.furthest_us = now;
        }
    }

    /// The next time a copy is due (fast-forward stops there to take it).
    pub fn timeline_next_copy_us(&self) -> TimeUs {
        let times = self.timeline.checkpoints.times_us();
        times
            .last()
            .copied()
            .unwrap_or(0)
            .saturating_add(self.timeline.checkpoints.interval_us())
    }

    /// Shows the run at `t_us` (within what has been run), paused. The panels follow at
    /// their own rate (the frame loop), the canvas and the root's data attributes at once.
    pub fn seek(&mut self, t_us: TimeUs) -> Result<(), String> {
        let t_us = t_us.min(self.timeline.furthest_us.max(self.sim.now_us()));
        let started = super::common::now_ms();
        let commands = self.sim.user_commands().to_vec();
        let Some(mut sim) = self.timeline.checkpoints.seek(t_us, &commands) else {
            return Err("this moment is no longer kept: use Reset and Run to".into());
        };
        sim.set_transfer_recording(true);
        if self.sim.now_us() > self.timeline.furthest_us {
            self.timeline.furthest_us = self.sim.now_us();
        }
        self.sim = sim;
        self.playing = false;
        self.run_to = None;
        self.overlay.clear();
        self.timeline.pinned_us = Some(t_us);
        self.timeline.stale_view = true;
        self.timeline.last_seek_ms = super::common::now_ms() - started;
        self.write_hash();
        self.write_attrs();
        if let Some(root) = self.root.cast::<web_sys::Element>() {
            let _ = root.set_attribute(
                "data-seek-ms",
                &format!("{:.1}", self.timeline.last_seek_ms),
            );
        }
        Ok(())
    }

    /// Called before a command is scheduled: behind the furthest moment, the command forks
    /// the run here. Returns the notice to show (none when the run was at its end).
    pub fn fork_before_command(&mut self) -> Option<Notice> {
        let now = self.sim.now_us();
        let commands = self.sim.user_commands().to_vec();
        let (kept, dropped) = commands_applied_by(&commands, now);
        let behind = now < self.timeline.furthest_us;
        if !behind && dropped.is_empty() {
            return None;
        }
        let furthest = self.timeline.furthest_us;
        if !dropped.is_empty() {
            self.timeline.checkpoints.keep_consistent_with(&kept);
            let sim = match self.timeline.checkpoints.seek(now, &kept) {
                Some(sim) => sim,
                // Every copy holds a dropped command (one the link scheduled at 0 s): replay
                // the kept ones from the start instead.
                None => {
                    let recipe = super::share::Recipe {
                        seed: Some(self.sim.seed()),
                        commands: kept.clone(),
                        ..self.recipe.clone()
                    };
                    let fresh = recipe.build().ok()?;
                    self.timeline.checkpoints = Checkpoints::new(&fresh);
                    self.timeline.checkpoints.seek(now, &kept)?
                }
            };
            self.sim = sim;
            self.sim.set_transfer_recording(true);
        }
        self.timeline.checkpoints.truncate_after(now);
        self.timeline.furthest_us = now;
        self.timeline.pinned_us = None;
        let later = if dropped.is_empty() {
            String::new()
        } else {
            format!(
                " and {} later command{} ({})",
                dropped.len(),
                if dropped.len() == 1 { "" } else { "s" },
                dropped
                    .iter()
                    .map(|c| format!(
                        "{} {} at {}",
                        c.action.name(),
                        c.node,
                        fmt_s1(c.at_ms * 1_000)
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        Some(Notice::info(format!(
            "The run forks at {}: what happened after it (up to {}{later}) is discarded, and \
             the link now holds the new list of commands. Reset or Back brings nothing of it \
             back; the previous link still replays it.",
            fmt_s1(now),
            fmt_s1(furthest),
        )))
    }

    /// Every command of the run up to the furthest moment, as scrubber markers.
    pub fn fault_markers(&self) -> Vec<Marker> {
        let end = self.timeline.furthest_us.max(self.sim.now_us());
        let scenario = self.sim.scenario().faults.iter();
        let mut markers: Vec<Marker> = scenario
            .chain(self.sim.user_commands().iter())
            .filter(|c| c.at_ms * 1_000 <= end)
            .map(|c: &Fault| Marker {
                at_us: c.at_ms * 1_000,
                label: marker_label(c),
            })
            .collect();
        super::common::sort_by(&mut markers, |a, b| a.at_us.cmp(&b.at_us));
        markers
    }
}

/// "app-2 crashes at 20.0 s" for a command.
fn marker_label(c: &Fault) -> String {
    let what = match c.action {
        crate::sim::FaultAction::Crash => "crashes",
        crate::sim::FaultAction::Heal => "is healed",
        crate::sim::FaultAction::Unreachable => "becomes unreachable",
        crate::sim::FaultAction::Freeze => "freezes",
        crate::sim::FaultAction::Fail => "fails",
        crate::sim::FaultAction::AddLatency => "gets extra latency",
        crate::sim::FaultAction::Gray => "starts failing some requests",
        crate::sim::FaultAction::Set => "is reconfigured",
        crate::sim::FaultAction::Partition => "is cut off",
        crate::sim::FaultAction::Repair => "is reconnected",
        crate::sim::FaultAction::Drain => "is drained",
        crate::sim::FaultAction::Stop => "is drained and stopped",
        crate::sim::FaultAction::PushConfig => "gets a new configuration",
        crate::sim::FaultAction::Canary => "starts a canary rollout",
        crate::sim::FaultAction::Flap => "starts flapping",
    };
    format!("{} {what} at {}", c.node, fmt_s1(c.at_ms * 1_000))
}
