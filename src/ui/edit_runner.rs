//! Architecture edits on the run on screen: apply, undo, redo, and what happens to the run.
//!
//! An edit is recorded in the run's recipe (`Recipe::design.edits`, a diff against the
//! scenario the run started from), so the share link, a reset and a seed change all keep
//! it. Every edit is checked first by `sim::edit::apply` on a copy of the current scenario:
//! a refused edit changes nothing and its path-named message goes back to the control that
//! asked for it. An accepted one restarts the run from 0 s with the same seed, paused, so
//! the SPOF sentence, the analytic availability and the cost of the new design show before
//! anything plays; the user's commands are replayed at their times, following renames, and
//! the ones whose node is gone (or that the new design refuses) are dropped and named.
//!
//! Undo and redo keep whole edit lists (a few names each), at most `History::LIMIT` steps,
//! and belong to the scenario they were made on: another preset, link or file starts afresh.
use super::common::fmt_clock;
use super::runner::{Address, Notice, Runner};
use crate::share::Source;
use crate::share_edits::{self, Versus};
use crate::sim::edit::{self, Edit, History};
use crate::sim::limits::MAX_FAULTS;
use crate::sim::validate::{lookup, validate_fault, Problems};
use crate::sim::{Fault, Scenario};

/// Undo and redo steps of the design on screen.
#[derive(Clone, Debug, Default)]
pub struct DesignHistory {
    /// The scenario the steps were made on; they mean nothing for another one.
    source: Option<Source>,
    undo: Vec<Vec<Edit>>,
    redo: Vec<Vec<Edit>>,
}

impl DesignHistory {
    fn valid_for(&mut self, source: &Source) {
        if self.source.as_ref() != Some(source) {
            *self = DesignHistory {
                source: Some(source.clone()),
                ..DesignHistory::default()
            };
        }
    }
}

/// What happened to the commands given so far when the design changed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Carried {
    pub kept: Vec<Fault>,
    /// Each dropped command in link form with why (`12000:crash:app-2: its node is gone`).
    pub dropped: Vec<String>,
}

/// Carries `commands` to `scenario`: names follow `renames` (old → new, in order), a command
/// whose node (or partition peer) is gone is dropped, and so is one the new design refuses
/// (a `set` of a parameter its node no longer has) — the checks `Simulation::schedule` makes
/// at 0 s, without building a run for them.
pub fn carry_commands(
    commands: &[Fault],
    renames: &[(String, String)],
    scenario: &Scenario,
) -> Carried {
    let mut out = Carried::default();
    let rename = |name: &mut String| {
        for (from, to) in renames {
            if name == from {
                *name = to.clone();
            }
        }
    };
    for c in commands {
        let mut c = c.clone();
        rename(&mut c.node);
        if let Some(p) = c.peer.as_mut() {
            rename(p);
        }
        let gone = lookup(scenario, &c.node).is_none()
            || c.peer
                .as_deref()
                .is_some_and(|p| lookup(scenario, p).is_none());
        if gone {
            out.dropped
                .push(format!("{} (its node is gone)", say_command(&c)));
            continue;
        }
        if out.kept.len() >= MAX_FAULTS {
            out.dropped.push(format!(
                "{} (at most {MAX_FAULTS} commands per run)",
                say_command(&c)
            ));
            continue;
        }
        let mut p = Problems::default();
        validate_fault(scenario, &c, "command", &mut p);
        match p.into_result() {
            Ok(()) => out.kept.push(c),
            Err(e) => out.dropped.push(format!("{} ({e})", say_command(&c))),
        }
    }
    out
}

/// "crash app-2 at 0:12.000" — a command as the notes name it.
fn say_command(c: &Fault) -> String {
    let what = match (&c.param, &c.peer) {
        (Some(p), _) => format!("set {} {p}", c.node),
        (None, Some(peer)) => format!("{} {} ↔ {peer}", c.action.name(), c.node),
        _ => format!("{} {}", c.action.name(), c.node),
    };
    format!("{what} at {}", fmt_clock(c.at_ms * 1_000))
}

/// One edit in the plain words of the notes ("added instance app-2").
pub fn describe(e: &Edit) -> String {
    match e {
        Edit::AddInstance { name, .. } => format!("added instance {name}"),
        Edit::AddBalancer { name, .. } => format!("added load balancer {name}"),
        Edit::AddGateway { name, .. } => format!("added API gateway {name}"),
        Edit::AddZone { region, zone } => format!("added zone {zone} in {region}"),
        Edit::AddStandby { name, .. } => format!("added standby database {name}"),
        Edit::AddPopulation { region, share } => {
            format!("added clients in {region} ({:.0} % share)", share * 100.0)
        }
        Edit::AddDns { name, .. } => format!("added DNS {name} in front"),
        Edit::Remove { node } => format!("removed {node}"),
        Edit::Rename { node, to } => format!("renamed {node} to {to}"),
        Edit::MoveToZone { node, zone } => match zone {
            Some(z) => format!("moved {node} to {z}"),
            None => format!("took {node} out of its zone"),
        },
        Edit::SetEntry { node } => format!("clients now send to {node}"),
        Edit::AddTarget { balancer, instance } => format!("{balancer} now sends to {instance}"),
        Edit::RemoveTarget { balancer, instance } => {
            format!("{balancer} no longer sends to {instance}")
        }
    }
}

impl Runner {
    /// Applies `edits` as one step (one undo): all of them or, on the first refusal,
    /// none. Errors are the path-named message of `sim::edit::apply`; the run is unchanged.
    pub fn edit(&mut self, edits: &[Edit]) -> Result<(), String> {
        if edits.is_empty() {
            return Ok(());
        }
        let mut scenario = self.base.clone();
        let mut dropped_faults = Vec::new();
        for e in edits {
            let applied = edit::apply(&scenario, e)?;
            dropped_faults.extend(applied.dropped_faults);
            scenario = applied.scenario;
        }
        let source = self.recipe.source.clone();
        let before = self.recipe.design.edits.clone();
        let mut after = before.clone();
        after.extend(edits.iter().cloned());
        let what = edits.iter().map(describe).collect::<Vec<_>>().join(", ");
        self.switch_design(after, &share_edits::renames(edits), &what, &dropped_faults)?;
        let mut h = std::mem::take(&mut self.design_history);
        h.valid_for(&source);
        if h.undo.len() == History::LIMIT {
            h.undo.remove(0);
        }
        h.undo.push(before);
        h.redo.clear();
        self.design_history = h;
        Ok(())
    }

    /// Edits on screen can always be undone one by one (those a link brought included).
    pub fn can_undo(&self) -> bool {
        self.history_matches() && !self.design_history.undo.is_empty()
            || !self.recipe.design.edits.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        self.history_matches() && !self.design_history.redo.is_empty()
    }

    fn history_matches(&self) -> bool {
        self.design_history.source.as_ref() == Some(&self.recipe.source)
    }

    /// Back to the design before the last edit step (a link's edits can be undone one by
    /// one too). False when there is nothing to undo or the step no longer builds.
    pub fn undo_edit(&mut self) -> bool {
        let current = self.recipe.design.edits.clone();
        let mut h = std::mem::take(&mut self.design_history);
        h.valid_for(&self.recipe.source);
        let previous = match h.undo.pop() {
            Some(p) => p,
            None if !current.is_empty() => current[..current.len() - 1].to_vec(),
            None => {
                self.design_history = h;
                return false;
            }
        };
        let undone = current.get(previous.len()..).unwrap_or_default();
        // Undoing a rename gives the old name back to the commands.
        let back: Vec<(String, String)> = share_edits::renames(undone)
            .into_iter()
            .rev()
            .map(|(from, to)| (to, from))
            .collect();
        let what = format!(
            "undid: {}",
            undone.iter().map(describe).collect::<Vec<_>>().join(", ")
        );
        let ok = self.switch_design(previous, &back, &what, &[]).is_ok();
        if ok {
            h.redo.push(current);
        }
        self.design_history = h;
        ok
    }

    /// Again the design the last undo left.
    pub fn redo_edit(&mut self) -> bool {
        let current = self.recipe.design.edits.clone();
        let mut h = std::mem::take(&mut self.design_history);
        h.valid_for(&self.recipe.source);
        let Some(next) = h.redo.pop() else {
            self.design_history = h;
            return false;
        };
        let redone = next.get(current.len()..).unwrap_or_default().to_vec();
        let what = format!(
            "redid: {}",
            redone.iter().map(describe).collect::<Vec<_>>().join(", ")
        );
        let ok = self
            .switch_design(next, &share_edits::renames(&redone), &what, &[])
            .is_ok();
        if ok {
            h.undo.push(current);
        }
        self.design_history = h;
        ok
    }

    /// Opens (or closes, with `None`) the side-by-side comparison; it travels in the link.
    pub fn set_versus(&mut self, versus: Option<Versus>) {
        self.recipe.design.versus = versus;
        self.write_address(Address::Replace);
        self.refresh();
    }

    /// Rebuilds the run with `edits` from 0 s, same seed, commands carried (see the module
    /// comment), paused; says what changed and what was dropped.
    fn switch_design(
        &mut self,
        edits: Vec<Edit>,
        renames: &[(String, String)],
        what: &str,
        dropped_faults: &[Fault],
    ) -> Result<(), String> {
        let mut recipe = self.current_recipe();
        recipe.design.edits = edits;
        let scenario = recipe.scenario()?;
        let seed = self.sim.seed();
        let carried = carry_commands(&recipe.commands, renames, &scenario);
        recipe.commands = carried.kept.clone();
        self.try_load(recipe, Address::Replace)?;
        self.playing = false;
        let mut text = format!(
            "Design changed: {what}. The run starts again from 0 s with seed {seed}, paused: \
             the single points of failure, availability and cost above are the new design's."
        );
        if !carried.kept.is_empty() {
            text.push_str(&format!(
                " Your {} replay at the same times.",
                if carried.kept.len() == 1 {
                    "command".to_string()
                } else {
                    format!("{} commands", carried.kept.len())
                }
            ));
        }
        let mut dropped = carried.dropped;
        dropped.extend(dropped_faults.iter().map(|f| {
            format!(
                "{} (scheduled in the scenario; its node is gone)",
                say_command(f)
            )
        }));
        if !dropped.is_empty() {
            text.push_str(&format!(" Dropped: {}.", dropped.join("; ")));
        }
        self.notice = Some(Notice::info(text));
        self.refresh();
        Ok(())
    }
}
