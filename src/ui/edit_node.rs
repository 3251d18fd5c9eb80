//! "Change the design" in the inspector: rename the selected node (or zone / region), move
//! it to another zone, add or remove a balancer's targets, send the clients to it, remove
//! it. The node menu's "Rename…", "Move to zone…" and "Targets…" land here.
//!
//! Each control sends one edit through the runner (`sim::edit` checks it on a copy first);
//! a refusal shows its path-named message next to that control and changes nothing.
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::common::Shared;
use super::edit_bar::OnEdit;
use crate::sim::edit::Edit;
use crate::sim::validate::{lookup, NameKind};
use crate::sim::Scenario;

#[derive(Properties, PartialEq)]
pub struct EditNodeProps {
    /// The selected node, zone or region.
    pub name: AttrValue,
    pub scenario: Shared<Scenario>,
    pub on_edit: OnEdit,
}

/// Which control a message belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Control {
    Rename,
    Move,
    Targets,
    Entry,
    Remove,
}

fn input_value(root: &NodeRef, selector: &str) -> String {
    root.cast::<web_sys::Element>()
        .and_then(|r| r.query_selector(selector).ok().flatten())
        .and_then(|e| {
            e.dyn_ref::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .or_else(|| e.dyn_ref::<web_sys::HtmlSelectElement>().map(|s| s.value()))
        })
        .unwrap_or_default()
}

#[function_component(EditNode)]
pub fn edit_node(p: &EditNodeProps) -> Html {
    let error = use_state(|| None::<(Control, String)>);
    let root = use_node_ref();
    {
        // Another node selected: its controls start without the last one's message.
        let error = error.clone();
        use_effect_with(p.name.clone(), move |_| error.set(None));
    }
    let s = &*p.scenario;
    let name = p.name.to_string();
    let Some(kind) = lookup(s, &name) else {
        return html! {};
    };
    if kind == NameKind::Clients {
        return html! {};
    }
    let send = |control: Control, make: std::rc::Rc<dyn Fn() -> Vec<Edit>>| {
        let error = error.clone();
        let on_edit = p.on_edit.clone();
        move || match on_edit.emit(make()) {
            Ok(()) => error.set(None),
            Err(e) => error.set(Some((control, e))),
        }
    };
    let message = |c: Control| {
        let text = (*error)
            .as_ref()
            .filter(|(which, _)| *which == c)
            .map(|(_, m)| m.clone())
            .unwrap_or_default();
        html! { <p class="field-error" role="alert" data-edit-error="">{ text }</p> }
    };
    let on_rename = {
        let root = root.clone();
        let name = name.clone();
        let go = send(
            Control::Rename,
            std::rc::Rc::new(move || {
                vec![Edit::Rename {
                    node: name.clone(),
                    to: input_value(&root, "[data-edit-field=rename]")
                        .trim()
                        .to_string(),
                }]
            }),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            go();
        })
    };
    let rename = html! {
        <form class="edit-row" onsubmit={on_rename}>
            <label class="field"><span class="field-label">{ "Name" }</span>
                <input class="input mono" type="text" value={name.clone()} data-edit-field="rename" aria-label={format!("New name for {name}")} />
            </label>
            <button type="submit" class="btn btn-small" data-control="rename">{ "Rename" }</button>
            { message(Control::Rename) }
        </form>
    };
    let zone_of = match kind {
        NameKind::Instance(i) => Some(s.instances[i].zone.clone()),
        NameKind::Balancer(i) => Some(s.balancers[i].zone.clone()),
        NameKind::Gateway(i) => Some(s.gateways[i].zone.clone()),
        NameKind::Database(0) => s.database.as_ref().map(|d| d.zone.clone()),
        NameKind::Database(_) => s
            .database
            .as_ref()
            .and_then(|d| d.standby.as_ref())
            .map(|st| st.zone.clone()),
        _ => None,
    };
    let move_html = zone_of.map(|current| {
        let root = root.clone();
        let node = name.clone();
        let go = send(
            Control::Move,
            std::rc::Rc::new(move || {
                let z = input_value(&root, "[data-edit-field=move]");
                vec![Edit::MoveToZone {
                    node: node.clone(),
                    zone: (!z.is_empty()).then_some(z),
                }]
            }),
        );
        let onsubmit = Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            go();
        });
        let opts = s.regions.iter().flat_map(|r| {
            r.zones.iter().map(|z| {
                html! { <option value={z.name.clone()} selected={current.as_deref() == Some(z.name.as_str())}>{ format!("{} ({})", z.name, r.name) }</option> }
            })
        });
        html! {
            <form class="edit-row" {onsubmit}>
                <label class="field"><span class="field-label">{ "Zone" }</span>
                    <select class="select" data-edit-field="move" aria-label={format!("Zone for {name}")}>
                        <option value="" selected={current.is_none()}>{ "none" }</option>
                        { for opts }
                    </select>
                </label>
                <button type="submit" class="btn btn-small" data-control="move">{ "Move to zone" }</button>
                { message(Control::Move) }
            </form>
        }
    });
    let targets_html = match kind {
        NameKind::Balancer(b) => {
            let balancer = &s.balancers[b];
            let rows = s.instances.iter().map(|i| {
                let on = balancer.targets.iter().any(|t| t.instance == i.name);
                let (bal, inst) = (balancer.name.clone(), i.name.clone());
                let go = send(
                    Control::Targets,
                    std::rc::Rc::new(move || {
                        vec![if on {
                            Edit::RemoveTarget { balancer: bal.clone(), instance: inst.clone() }
                        } else {
                            Edit::AddTarget { balancer: bal.clone(), instance: inst.clone() }
                        }]
                    }),
                );
                let onchange = Callback::from(move |e: Event| {
                    go();
                    // A refused change leaves the box as the design is (a kept one is
                    // redrawn from the new design anyway).
                    if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                        input.set_checked(on);
                    }
                });
                html! {
                    <label class="edit-check"><input type="checkbox" checked={on} {onchange} data-edit-target={i.name.clone()} />{ i.name.clone() }</label>
                }
            });
            html! {
                <fieldset class="edit-checks" data-edit-field="targets">
                    <legend class="field-label">{ "Sends to (targets)" }</legend>
                    { for rows }
                    { message(Control::Targets) }
                </fieldset>
            }
        }
        _ => html! {},
    };
    let entry_html = if kind.is_endpoint() || kind == NameKind::Dns {
        let is_entry = s.entry == name;
        let node = name.clone();
        let go = send(
            Control::Entry,
            std::rc::Rc::new(move || vec![Edit::SetEntry { node: node.clone() }]),
        );
        let onclick = Callback::from(move |_: MouseEvent| go());
        html! {
            <div class="edit-row">
                <button type="button" class="btn btn-small" data-control="set-entry" disabled={is_entry} {onclick}
                        title="The clients send their requests here (the entry point)">
                    { if is_entry { "Clients send here" } else { "Send the clients here" } }
                </button>
                { message(Control::Entry) }
            </div>
        }
    } else {
        html! {}
    };
    let on_remove = {
        let node = name.clone();
        let go = send(
            Control::Remove,
            std::rc::Rc::new(move || vec![Edit::Remove { node: node.clone() }]),
        );
        Callback::from(move |_: MouseEvent| go())
    };
    html! {
        <div class="edit-node" ref={root} data-edit-node={name.clone()}>
            <h3 class="inspector-sub">{ "Change the design" }</h3>
            { rename }
            { move_html.unwrap_or_default() }
            { targets_html }
            { entry_html }
            <div class="edit-row">
                <button type="button" class="btn btn-small btn-danger" data-control="remove" onclick={on_remove}
                        title="Take it out of the design (the run restarts from 0 s)">{ format!("Remove {name}") }</button>
                { message(Control::Remove) }
            </div>
        </div>
    }
}
