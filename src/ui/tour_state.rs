//! The runner's side of a guided tour (`crate::tours`): which step is on screen, opening a
//! step (its run rebuilt from the step's data, so Next, Back and a link all open it the same
//! way), noticing the action a step asks for, and what the tour panel shows.
use super::runner::{Address, Notice, Runner};
use crate::share_moment::Moment;
use crate::sim::time::TimeUs;
use crate::sim::Fault;
use crate::tours::{self, explain, Step, Task, Tour};

/// The tour under way.
#[derive(Clone, Debug)]
pub struct TourState {
    pub tour: &'static Tour,
    pub step: usize,
    /// Commands in the run when the step opened: the learner's action is one after them.
    pub commands_at_open: usize,
    /// When the learner did what the step asks (µs of simulated time).
    pub acted_at_us: Option<TimeUs>,
}

impl TourState {
    pub fn current(&self) -> &'static Step {
        &self.tour.steps[self.step]
    }
}

/// What the tour panel shows (taken at render time).
#[derive(Clone, Debug, PartialEq)]
pub struct TourView {
    pub tour_id: &'static str,
    pub tour_title: &'static str,
    pub step: usize,
    pub steps: usize,
    pub title: &'static str,
    pub text: &'static str,
    /// "Crash app-2 now", while the step waits for it.
    pub ask: Option<String>,
    /// The run is still playing to the step's time.
    pub playing_to: Option<TimeUs>,
    /// The measured explanation, once the task is done.
    pub explanation: Option<String>,
    pub highlight: &'static [&'static str],
}

impl Runner {
    /// Opens `step` of tour `id` (a link, the start card). An unknown tour or step is named
    /// in a notice and changes nothing.
    pub fn start_tour(&mut self, id: &str, step: usize) {
        let Some(tour) = tours::find(id) else {
            let known: Vec<&str> = tours::all().iter().map(|t| t.id).collect();
            self.notice = Some(Notice::error(format!(
                "There is no tour `{id}` (tours: {}).",
                known.join(", ")
            )));
            return;
        };
        if step >= tour.steps.len() {
            self.notice = Some(Notice::error(format!(
                "Tour “{}” has {} steps; there is no step {}.",
                tour.title,
                tour.steps.len(),
                step + 1
            )));
            return;
        }
        self.open_step(tour, step);
    }

    /// Opens a step of the current tour (Back, Next).
    pub fn tour_go(&mut self, step: usize) {
        if let Some(t) = &self.tour {
            let tour = t.tour;
            if step < tour.steps.len() {
                self.open_step(tour, step);
            }
        }
    }

    fn open_step(&mut self, tour: &'static Tour, step: usize) {
        let data = &tour.steps[step];
        let recipe = match data.recipe() {
            Ok(r) => r,
            Err(e) => {
                self.notice = Some(Notice::error(format!("This tour step cannot open: {e}")));
                return;
            }
        };
        let previous = self.tour.take();
        self.tour = Some(TourState {
            tour,
            step,
            commands_at_open: recipe.commands.len(),
            acted_at_us: None,
        });
        if let Err(e) = self.try_load(recipe, Address::Replace) {
            self.tour = previous;
            self.notice = Some(Notice::error(format!("This tour step cannot open: {e}")));
            return;
        }
        self.playing = false;
        let target = match data.task {
            Task::PlayTo { ms } => ms.max(data.open_at_ms),
            _ => data.open_at_ms,
        } * 1_000;
        if target > 0 {
            self.run_to(target);
        }
        self.write_hash();
    }

    /// Leaves the tour; the run on screen stays.
    pub fn exit_tour(&mut self) {
        self.tour = None;
        self.write_hash();
        self.refresh();
    }

    /// After a command: if it is what the step asks for, the run plays on to show its effect.
    pub fn tour_after_command(&mut self, fault: &Fault) {
        let Some(t) = &mut self.tour else {
            return;
        };
        if t.acted_at_us.is_some() {
            return;
        }
        if let Task::Act { action, node, .. } = t.current().task {
            if fault.action == action && fault.node == node {
                let at = fault.at_ms * 1_000;
                t.acted_at_us = Some(at);
                if let Some(done) = t.current().done_at_us(Some(at)) {
                    self.run_to = Some(done);
                }
            }
        }
    }

    /// "Do it for me": gives the command the step asks for.
    pub fn tour_do_it(&mut self) {
        let Some(t) = &self.tour else {
            return;
        };
        if let Task::Act { action, node, .. } = t.current().task {
            if let Err(e) = self.command(Fault::new(0, action, node)) {
                self.notice = Some(Notice::error(format!("The command was not given: {e}")));
            }
        }
    }

    /// The tour part of the link: tour and step while a tour is on.
    pub fn tour_moment(&self) -> Option<(String, usize)> {
        self.tour.as_ref().map(|t| (t.tour.id.to_string(), t.step))
    }

    /// The moment the address bar names: the tour step, and the time the user went to.
    pub fn address_moment(&self) -> Moment {
        Moment {
            t_us: self.timeline.pinned_us,
            tour: self.tour_moment(),
        }
    }

    /// The moment a Share link names: the same as the address bar's (a time only once the
    /// user went to one with the scrubber or a link, so a link of a run that plays names
    /// the run alone, as before).
    pub fn shared_moment(&self) -> Moment {
        self.address_moment()
    }

    /// Opens what a link adds to its run (`share_moment`): a tour step, or a moment to run
    /// to and stay at. A bad value is named in a notice; the run opens without it.
    pub fn open_moment(&mut self, hash: &str) {
        match crate::share_moment::decode(hash) {
            Ok(m) => {
                if let Some((id, step)) = m.tour {
                    self.start_tour(&id, step);
                } else if let Some(t) = m.t_us {
                    self.timeline.pinned_us = Some(t);
                    self.run_to(t);
                }
            }
            Err(e) => {
                self.notice = Some(Notice::error(format!(
                    "Part of this link was ignored: {e}."
                )))
            }
        }
    }

    /// What the tour panel shows now.
    pub fn tour_view(&self) -> Option<TourView> {
        let t = self.tour.as_ref()?;
        let step = t.current();
        let now = self.sim.now_us();
        let ask = match step.task {
            Task::Act { .. } if t.acted_at_us.is_none() => step.task.ask(),
            _ => None,
        };
        let done_at = step.done_at_us(t.acted_at_us);
        let done = ask.is_none() && self.run_to.is_none() && done_at.is_some_and(|d| now >= d);
        let explanation = done.then(|| explain::explain(step.explain, &self.sim.snapshot()));
        Some(TourView {
            tour_id: t.tour.id,
            tour_title: t.tour.title,
            step: t.step,
            steps: t.tour.steps.len(),
            title: step.title,
            text: step.text,
            ask,
            playing_to: self.run_to,
            explanation,
            highlight: step.highlight,
        })
    }
}
