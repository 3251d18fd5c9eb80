//! The lab's design wiring, kept out of `lab.rs`: the hook that owns the "+" form state and
//! the callbacks (edit, undo, redo, compare, the node menu's design items, the "+" on a zone),
//! and the pieces of page they render (`DesignView` is read from the runner each render).
use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::common::Shared;
use super::compare_view::CompareView;
use super::edit_bar::{AddForm, AddKind, EditBar};
use super::edit_node::EditNode;
use super::layout::Layout;
use super::node_menu::DesignItem;
use super::runner::Runner;
use crate::share_edits::Versus;
use crate::sim::edit::Edit;
use crate::sim::presets;
use crate::sim::{Fault, Scenario, Snapshot};

/// What the design pieces need from the runner, taken once per render.
pub struct DesignView {
    pub can_undo: bool,
    pub can_redo: bool,
    pub edits: usize,
    pub versus: Option<Versus>,
    /// B of the comparison (when one is open), or why it does not build.
    pub b: Option<Result<Scenario, String>>,
    pub commands: Vec<Fault>,
    pub trace_hash: String,
    /// A of the comparison: the design before any command (commands go to both sides).
    pub a: Shared<Scenario>,
}

impl DesignView {
    pub fn of(r: &Runner) -> DesignView {
        let versus = r.recipe.design.versus.clone();
        let b = versus.as_ref().map(|v| match v {
            Versus::Preset(name) => presets::find(name)
                .map(|p| p.scenario())
                .ok_or_else(|| format!("no preset `{name}`")),
            Versus::Unedited => r.recipe.unedited_scenario(),
        });
        DesignView {
            can_undo: r.can_undo(),
            can_redo: r.can_redo(),
            edits: r.recipe.design.edits.len(),
            versus,
            b,
            commands: r.sim.user_commands().to_vec(),
            trace_hash: r.sim.trace_hash_hex(),
            a: Shared::new(r.base.clone()),
        }
    }
}

/// The design state and callbacks of the lab.
pub struct DesignHooks {
    form: UseStateHandle<Option<AddForm>>,
    pub on_edit: Callback<Vec<Edit>, Result<(), String>>,
    on_undo: Callback<()>,
    on_redo: Callback<()>,
    on_versus: Callback<Option<Versus>>,
    pub on_design: Callback<(u32, DesignItem)>,
    pub on_add_in_zone: Callback<String>,
}

/// The name of node or domain `id` in `snap`.
fn name_of(snap: &Snapshot, id: u32) -> Option<String> {
    snap.nodes
        .iter()
        .find(|n| n.id == id)
        .map(|n| n.name.clone())
        .or_else(|| {
            snap.domains
                .iter()
                .find(|d| d.id == id)
                .map(|d| d.name.clone())
        })
}

fn id_of(snap: &Snapshot, name: &str) -> Option<u32> {
    snap.nodes
        .iter()
        .find(|n| n.name == name)
        .map(|n| n.id)
        .or_else(|| snap.domains.iter().find(|d| d.name == name).map(|d| d.id))
}

#[hook]
pub fn use_design(
    runner: &Rc<RefCell<Runner>>,
    force: &UseForceUpdateHandle,
    selected: &UseStateHandle<Option<u32>>,
    menu: &UseStateHandle<Option<u32>>,
) -> DesignHooks {
    let form = use_state(|| None::<AddForm>);
    // A menu item that leads to an inspector control focuses it after the re-render.
    let focus = use_state(|| None::<&'static str>);
    {
        let focus = focus.clone();
        use_effect_with(*focus, move |f| {
            if let Some(sel) = f {
                super::runner::focus_selector(&format!(".edit-node {sel}"));
                focus.set(None);
            }
        });
    }
    // Node ids follow the scenario's order, so after an edit the selection is found again
    // by name (the new name after a rename).
    let reselect = {
        let selected = selected.clone();
        move |r: &Runner, name: Option<String>| {
            let snap = r.sim.snapshot();
            selected.set(name.and_then(|n| id_of(&snap, &n)));
        }
    };
    let on_edit = {
        let (runner, force, selected, menu) = (
            Rc::clone(runner),
            force.clone(),
            selected.clone(),
            menu.clone(),
        );
        let reselect = reselect.clone();
        Callback::from(move |edits: Vec<Edit>| -> Result<(), String> {
            let res = match runner.try_borrow_mut() {
                Ok(mut r) => {
                    let before = selected.and_then(|id| name_of(&r.sim.snapshot(), id));
                    let res = r.edit(&edits);
                    if res.is_ok() {
                        let after = before.map(|name| {
                            edits.iter().fold(name, |n, e| match e {
                                Edit::Rename { node, to } if *node == n => to.clone(),
                                _ => n,
                            })
                        });
                        reselect(&r, after);
                    }
                    res
                }
                Err(_) => Err("the app is busy: try again".to_string()),
            };
            if res.is_ok() {
                menu.set(None);
            }
            force.force_update();
            res
        })
    };
    let undo_redo = |redo: bool| {
        let (runner, force, selected, menu) = (
            Rc::clone(runner),
            force.clone(),
            selected.clone(),
            menu.clone(),
        );
        let reselect = reselect.clone();
        Callback::from(move |()| {
            if let Ok(mut r) = runner.try_borrow_mut() {
                let before = selected.and_then(|id| name_of(&r.sim.snapshot(), id));
                if if redo { r.redo_edit() } else { r.undo_edit() } {
                    reselect(&r, before);
                    menu.set(None);
                }
            }
            force.force_update();
        })
    };
    let on_versus = {
        let (runner, force) = (Rc::clone(runner), force.clone());
        Callback::from(move |v: Option<Versus>| {
            if let Ok(mut r) = runner.try_borrow_mut() {
                r.set_versus(v);
            }
            force.force_update();
        })
    };
    let on_design = {
        let (runner, selected, menu, focus) = (
            Rc::clone(runner),
            selected.clone(),
            menu.clone(),
            focus.clone(),
        );
        let on_edit = on_edit.clone();
        Callback::from(move |(id, item): (u32, DesignItem)| {
            menu.set(None);
            selected.set(Some(id));
            if item == DesignItem::Remove {
                let name = runner
                    .try_borrow()
                    .ok()
                    .and_then(|r| name_of(&r.sim.snapshot(), id));
                if let Some(node) = name {
                    if let Err(e) = on_edit.emit(vec![Edit::Remove { node }]) {
                        // The message is shown by the inspector's Remove control too, but
                        // that control is not on screen yet: say it above the diagram.
                        if let Ok(mut r) = runner.try_borrow_mut() {
                            r.notice = Some(super::runner::Notice::error(format!(
                                "Not removed (the design is unchanged): {e}"
                            )));
                        }
                    }
                }
            } else {
                focus.set(Some(item.field()));
            }
        })
    };
    let on_add_in_zone = {
        let form = form.clone();
        Callback::from(move |zone: String| {
            form.set(Some(AddForm {
                kind: AddKind::Instance,
                zone: Some(zone),
            }))
        })
    };
    DesignHooks {
        form,
        on_edit,
        on_undo: undo_redo(false),
        on_redo: undo_redo(true),
        on_versus,
        on_design,
        on_add_in_zone,
    }
}

impl DesignHooks {
    /// The design bar ("+" buttons, undo / redo, compare).
    pub fn bar(&self, d: &DesignView, scenario: &Shared<Scenario>) -> Html {
        let form = self.form.clone();
        let on_form = Callback::from(move |f: Option<AddForm>| form.set(f));
        html! {
            <EditBar scenario={scenario.clone()} form={(*self.form).clone()} {on_form}
                     can_undo={d.can_undo} can_redo={d.can_redo} on_undo={self.on_undo.clone()} on_redo={self.on_redo.clone()}
                     edits={d.edits} versus={d.versus.clone()} on_versus={self.on_versus.clone()} on_edit={self.on_edit.clone()} />
        }
    }

    /// The inspector's "change the design" for the selected node or domain.
    pub fn node_panel(
        &self,
        snap: &Snapshot,
        selected: Option<u32>,
        scenario: &Shared<Scenario>,
    ) -> Html {
        match selected.and_then(|id| name_of(snap, id)) {
            Some(name) => html! {
                <EditNode name={AttrValue::from(name)} scenario={scenario.clone()} on_edit={self.on_edit.clone()} />
            },
            None => html! {},
        }
    }

    /// The side-by-side comparison, when one is open.
    pub fn compare(
        &self,
        d: &DesignView,
        snap: &Shared<Snapshot>,
        layout: &Shared<Layout>,
        seed: u64,
    ) -> Html {
        let (Some(v), Some(b)) = (&d.versus, &d.b) else {
            return html! {};
        };
        let on_close = {
            let cb = self.on_versus.clone();
            Callback::from(move |()| cb.emit(None))
        };
        html! {
            <CompareView label={AttrValue::from(v.label())} a={d.a.clone()} b={Shared::new(b.clone())}
                         {seed} commands={Shared::new(d.commands.clone())} now_us={snap.now_us}
                         a_snapshot={snap.clone()} a_layout={layout.clone()} a_trace_hash={AttrValue::from(d.trace_hash.clone())}
                         {on_close} />
        }
    }
}
