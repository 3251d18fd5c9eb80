//! Going back in a run: periodic copies of the whole simulation, from which any earlier
//! moment is rebuilt by deterministic replay.
//!
//! A run is a pure function of (scenario, seed, commands), so the state at time `t` is the
//! state of the latest copy taken at or before `t`, run on to `t`. Copies are taken every
//! `interval_us` of simulated time; a seek then replays at most one interval, whatever the
//! run's length. The interval doubles (and every other copy is dropped) whenever the store
//! would hold more than `max_copies`, so memory stays bounded in a long run and the replay
//! per seek grows only with the logarithm of its length.
//!
//! Commands the user gave after a copy was taken are not in that copy: a seek schedules
//! them again (the engine orders commands by time, then by the order they were given, so
//! scheduling one earlier than it was given live changes nothing: the share link relies on
//! the same property).
use crate::engine::Simulation;
use crate::time::TimeUs;
use crate::Fault;

/// Simulated time between two copies at the start of a run.
pub const FIRST_INTERVAL_US: TimeUs = 5_000_000;
/// Most copies kept at once (the interval doubles past it).
pub const MAX_COPIES: usize = 48;

/// Copies of one run, oldest first, each taken after every event due by its time.
#[derive(Clone)]
pub struct Checkpoints {
    copies: Vec<Simulation>,
    interval_us: TimeUs,
    max_copies: usize,
}

impl Checkpoints {
    /// A store whose first copy is `sim` as it is now (normally at 0 s).
    pub fn new(sim: &Simulation) -> Checkpoints {
        Checkpoints::with_interval(sim, FIRST_INTERVAL_US, MAX_COPIES)
    }

    /// As `new`, with another spacing and bound (`max_copies` at least 2).
    pub fn with_interval(sim: &Simulation, interval_us: TimeUs, max_copies: usize) -> Checkpoints {
        Checkpoints {
            copies: vec![sim.clone()],
            interval_us: interval_us.max(1),
            max_copies: max_copies.max(2),
        }
    }

    /// Simulated time between two copies now.
    pub fn interval_us(&self) -> TimeUs {
        self.interval_us
    }

    /// How many copies are held.
    pub fn len(&self) -> usize {
        self.copies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.copies.is_empty()
    }

    /// The times of the copies held, oldest first.
    pub fn times_us(&self) -> Vec<TimeUs> {
        self.copies.iter().map(Simulation::now_us).collect()
    }

    /// Offers the run as it is now: copied when an interval has passed since the last copy.
    /// Call it only when `sim` has processed every event due by its time (a `run_until`
    /// that reached its target), so that a copy is a moment a seek can name.
    pub fn record(&mut self, sim: &Simulation) {
        let last = self.copies.last().map_or(0, Simulation::now_us);
        if sim.now_us() < last.saturating_add(self.interval_us) {
            return;
        }
        self.copies.push(sim.clone());
        if self.copies.len() > self.max_copies {
            // Keep the first (0 s) and every other one after it: the spacing doubles.
            let mut i = 0;
            self.copies.retain(|_| {
                i += 1;
                (i - 1) % 2 == 0
            });
            self.interval_us = self.interval_us.saturating_mul(2);
        }
    }

    /// The run at `t_us`, given every command of the run (`user_commands` of the live
    /// simulation, in the order given): the latest copy at or before `t_us` whose commands
    /// are a prefix of `commands`, the rest of `commands` scheduled, then run to `t_us`.
    /// `None` if no copy fits (a run the store was not made from).
    pub fn seek(&self, t_us: TimeUs, commands: &[Fault]) -> Option<Simulation> {
        let copy = self.copies.iter().rev().find(|c| {
            c.now_us() <= t_us
                && c.user_commands().len() <= commands.len()
                && c.user_commands() == &commands[..c.user_commands().len()]
        })?;
        let mut sim = copy.clone();
        for c in &commands[copy.user_commands().len()..] {
            // Validated when it was first scheduled, on the same scenario; the engine only
            // moves a command in the past to the copy's next millisecond, which cannot
            // happen here (the copy predates the moment it was given).
            sim.schedule(c.clone()).ok()?;
        }
        sim.run_until(t_us, u64::MAX);
        Some(sim)
    }

    /// Forgets every copy after `t_us` (the run is forked there: what followed no longer
    /// happens).
    pub fn truncate_after(&mut self, t_us: TimeUs) {
        self.copies.retain(|c| c.now_us() <= t_us);
    }

    /// Forgets the copies that hold a command not in `commands` (a fork that dropped it).
    pub fn keep_consistent_with(&mut self, commands: &[Fault]) {
        self.copies.retain(|c| {
            let n = c.user_commands().len();
            n <= commands.len() && c.user_commands() == &commands[..n]
        });
    }
}

/// The commands of `commands` that have been applied by `t_us` (due at or before it): the
/// past a fork at `t_us` keeps. Later ones are the discarded future.
pub fn commands_applied_by(commands: &[Fault], t_us: TimeUs) -> (Vec<Fault>, Vec<Fault>) {
    commands
        .iter()
        .cloned()
        .partition(|c| c.at_ms.saturating_mul(1_000) <= t_us)
}
