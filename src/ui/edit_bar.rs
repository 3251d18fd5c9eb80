//! The design bar over the diagram: "+" buttons that add a component (instance, load
//! balancer, API gateway, zone, region, standby database, DNS with its records, a client
//! population), undo / redo (buttons, Ctrl+Z / Ctrl+Shift+Z), and "Compare".
//!
//! A "+" opens a small form with sensible defaults (a free name, every balancer or instance
//! ticked); "Add" sends the edit(s) to the runner, which checks them with `sim::edit` first:
//! a refusal is shown under the form with the field it broke, and nothing changes.
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::common::{self, Shared};
use crate::share_edits::Versus;
use crate::sim::edit::Edit;
use crate::sim::presets;
use crate::sim::validate::{lookup, NameKind};
use crate::sim::Scenario;

/// What a "+" adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddKind {
    Instance,
    Balancer,
    Gateway,
    Zone,
    Region,
    Standby,
    Dns,
    Clients,
}

impl AddKind {
    pub const ALL: [AddKind; 8] = [
        AddKind::Instance,
        AddKind::Balancer,
        AddKind::Gateway,
        AddKind::Zone,
        AddKind::Region,
        AddKind::Standby,
        AddKind::Dns,
        AddKind::Clients,
    ];

    pub fn key(self) -> &'static str {
        match self {
            AddKind::Instance => "instance",
            AddKind::Balancer => "balancer",
            AddKind::Gateway => "gateway",
            AddKind::Zone => "zone",
            AddKind::Region => "region",
            AddKind::Standby => "standby",
            AddKind::Dns => "dns",
            AddKind::Clients => "clients",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AddKind::Instance => "Instance",
            AddKind::Balancer => "Load balancer",
            AddKind::Gateway => "API gateway",
            AddKind::Zone => "Zone",
            AddKind::Region => "Region",
            AddKind::Standby => "DB standby",
            AddKind::Dns => "DNS",
            AddKind::Clients => "Clients",
        }
    }

    pub fn hint(self) -> &'static str {
        match self {
            AddKind::Instance => "another server running the service (a copy of the first)",
            AddKind::Balancer => {
                "a load balancer (HAProxy-style health checks) in front of instances"
            }
            AddKind::Gateway => "an API gateway in front of load balancers",
            AddKind::Zone => "an availability zone (AZ): a failure domain inside a region",
            AddKind::Region => "a region with its first zone",
            AddKind::Standby => "a standby database the primary replicates to (failover target)",
            AddKind::Dns => "DNS failover routing (Route 53): a primary and a secondary record",
            AddKind::Clients => "another client population, in a region of its own",
        }
    }

    /// Why it cannot be added to `s` now (the button is disabled with this as its title).
    fn unavailable(self, s: &Scenario) -> Option<&'static str> {
        match self {
            AddKind::Standby => match &s.database {
                None => Some("the scenario has no database"),
                Some(d) if d.standby.is_some() => Some("the database already has a standby"),
                _ => None,
            },
            AddKind::Dns if s.dns.is_some() => Some("the scenario already has DNS"),
            AddKind::Dns if s.balancers.is_empty() && s.instances.is_empty() => {
                Some("DNS needs a balancer or an instance to point at")
            }
            AddKind::Zone | AddKind::Clients if s.regions.is_empty() => Some("add a region first"),
            AddKind::Gateway if s.balancers.is_empty() => {
                Some("an API gateway sits in front of load balancers: add one first")
            }
            _ => None,
        }
    }
}

/// The open "+" form: what it adds, and the zone it was opened from (the "+" on a zone box).
#[derive(Clone, Debug, PartialEq)]
pub struct AddForm {
    pub kind: AddKind,
    pub zone: Option<String>,
}

/// Applies edits as one step; the error goes under the control that asked.
pub type OnEdit = Callback<Vec<Edit>, Result<(), String>>;

#[derive(Properties, PartialEq)]
pub struct EditBarProps {
    pub scenario: Shared<Scenario>,
    pub form: Option<AddForm>,
    pub on_form: Callback<Option<AddForm>>,
    pub can_undo: bool,
    pub can_redo: bool,
    pub on_undo: Callback<()>,
    pub on_redo: Callback<()>,
    /// Edits since the scenario was loaded.
    pub edits: usize,
    pub versus: Option<Versus>,
    pub on_versus: Callback<Option<Versus>>,
    pub on_edit: OnEdit,
}

#[function_component(EditBar)]
pub fn edit_bar(p: &EditBarProps) -> Html {
    // Ctrl+Z / Ctrl+Shift+Z (and Ctrl+Y) anywhere but in a text field, whose own undo wins.
    {
        let (undo, redo) = (p.on_undo.clone(), p.on_redo.clone());
        use_effect_with((), move |_| {
            let handler = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
                if !(e.ctrl_key() || e.meta_key()) || in_text_field(&e) {
                    return;
                }
                match (e.key().to_ascii_lowercase().as_str(), e.shift_key()) {
                    ("z", false) => {
                        e.prevent_default();
                        undo.emit(());
                    }
                    ("z", true) | ("y", false) => {
                        e.prevent_default();
                        redo.emit(());
                    }
                    _ => {}
                }
            });
            let doc = common::document();
            if let Some(d) = &doc {
                let _ =
                    d.add_event_listener_with_callback("keydown", handler.as_ref().unchecked_ref());
            }
            move || {
                if let Some(d) = doc {
                    let _ = d.remove_event_listener_with_callback(
                        "keydown",
                        handler.as_ref().unchecked_ref(),
                    );
                }
                drop(handler);
            }
        });
    }
    let s = &*p.scenario;
    let adds = AddKind::ALL.iter().map(|&k| {
        let why = k.unavailable(s);
        let on_form = p.on_form.clone();
        let open = p.form.as_ref().is_some_and(|f| f.kind == k);
        let onclick = Callback::from(move |_: MouseEvent| {
            on_form.emit((!open).then_some(AddForm { kind: k, zone: None }));
        });
        html! {
            <button type="button" class={classes!("btn", "btn-small", "edit-add", open.then_some("active"))}
                    data-edit-add={k.key()} disabled={why.is_some()} aria-expanded={open.to_string()}
                    title={why.unwrap_or(k.hint())} {onclick}>
                { format!("+ {}", k.label()) }
            </button>
        }
    });
    let undo = {
        let cb = p.on_undo.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let redo = {
        let cb = p.on_redo.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_versus_select = {
        let cb = p.on_versus.clone();
        Callback::from(move |e: Event| {
            let v = select_value(&e);
            cb.emit(match v.as_str() {
                "" => None,
                "-" => Some(Versus::Unedited),
                name => Some(Versus::Preset(name.to_string())),
            });
        })
    };
    let versus_value = p.versus.as_ref().map(Versus::encode).unwrap_or_default();
    let options = presets::all().iter().map(|pr| {
        let key = pr.name.to_string();
        html! { <option value={key.clone()} selected={versus_value == key}>{ format!("preset {}", pr.name) }</option> }
    });
    let form = p.form.clone().map(|f| {
        html! { <AddFormView form={f} scenario={p.scenario.clone()} on_edit={p.on_edit.clone()} on_form={p.on_form.clone()} /> }
    });
    html! {
        <div class="edit-area" data-edit-bar="">
            <div class="edit-bar" role="toolbar" aria-label="Change the design">
                <span class="edit-title">{ "Design" }</span>
                { for adds }
                <span class="edit-sep" aria-hidden="true"></span>
                <button type="button" class="btn btn-small" data-control="undo" disabled={!p.can_undo}
                        title="Undo the last change to the design (Ctrl+Z)" onclick={undo}>{ "↶ Undo" }</button>
                <button type="button" class="btn btn-small" data-control="redo" disabled={!p.can_redo}
                        title="Redo (Ctrl+Shift+Z)" onclick={redo}>{ "↷ Redo" }</button>
                <label class="field edit-compare">
                    <span class="field-label">{ "Compare with" }</span>
                    <select class="select" data-control="compare" onchange={on_versus_select}
                            title="Run another design side by side: the same seed, traffic and commands">
                        <option value="" selected={p.versus.is_none()}>{ "nothing" }</option>
                        <option value="-" selected={versus_value == "-"} disabled={p.edits == 0}>{ "before my edits" }</option>
                        { for options }
                    </select>
                </label>
            </div>
            { form }
        </div>
    }
}

fn in_text_field(e: &KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            let tag = el.tag_name().to_ascii_lowercase();
            tag == "textarea"
                || (tag == "input"
                    && !matches!(
                        el.get_attribute("type").as_deref(),
                        Some("checkbox" | "radio" | "button")
                    ))
        })
}

fn select_value(e: &Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

/// A name not used yet: `stem` followed by the first free number.
pub fn free_name(s: &Scenario, stem: &str) -> String {
    (1..)
        .map(|n| format!("{stem}{n}"))
        .find(|n| lookup(s, n).is_none())
        .unwrap_or_else(|| stem.to_string())
}

/// `app-1` → `app-`: the stem new names follow, so they read like the ones there.
fn stem_of(name: Option<&str>, fallback: &str) -> String {
    match name {
        Some(n) => {
            let stem = n.trim_end_matches(|c: char| c.is_ascii_digit());
            if stem.ends_with(['-', '_', '.']) {
                stem.to_string()
            } else {
                format!("{stem}-")
            }
        }
        None => fallback.to_string(),
    }
}

/// Every zone of the scenario, with its region.
fn zones(s: &Scenario) -> Vec<(String, String)> {
    s.regions
        .iter()
        .flat_map(|r| r.zones.iter().map(|z| (z.name.clone(), r.name.clone())))
        .collect()
}

/// The form's fields once filled in: (name attribute, value) of every input and select,
/// unticked boxes left out.
fn form_values(form: &web_sys::Element) -> Vec<(String, String)> {
    let Ok(list) = form.query_selector_all("input, select") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| {
            if let Some(input) = n.dyn_ref::<web_sys::HtmlInputElement>() {
                if input.type_() == "checkbox" && !input.checked() {
                    return None;
                }
                return Some((input.name(), input.value()));
            }
            n.dyn_ref::<web_sys::HtmlSelectElement>()
                .map(|s| (s.name(), s.value()))
        })
        .collect()
}

#[derive(Properties, PartialEq)]
struct AddFormProps {
    form: AddForm,
    scenario: Shared<Scenario>,
    on_edit: OnEdit,
    on_form: Callback<Option<AddForm>>,
}

#[function_component(AddFormView)]
fn add_form_view(p: &AddFormProps) -> Html {
    let error = use_state(|| None::<String>);
    let form_ref = use_node_ref();
    let s = &*p.scenario;
    let kind = p.form.kind;
    {
        // Keyboard users land in the form's first field when it opens.
        let key = kind.key();
        use_effect_with(p.form.clone(), move |_| {
            super::runner::focus_selector(&format!("[data-edit-form={key}] .input"));
        });
    }
    let zone_list = zones(s);
    let zone_select = |name: &'static str, chosen: Option<&str>| {
        let opts = zone_list.iter().map(|(z, r)| {
            html! { <option value={z.clone()} selected={chosen == Some(z.as_str())}>{ format!("{z} ({r})") }</option> }
        });
        html! {
            <label class="field"><span class="field-label">{ "Zone" }</span>
                <select class="select" {name} data-edit-field="zone">
                    <option value="" selected={chosen.is_none()}>{ "none" }</option>
                    { for opts }
                </select>
            </label>
        }
    };
    let checks = |name: &'static str, label: &'static str, items: Vec<String>| {
        let boxes = items.into_iter().map(|i| {
            html! {
                <label class="edit-check"><input type="checkbox" {name} value={i.clone()} checked=true />{ i }</label>
            }
        });
        html! { <fieldset class="edit-checks"><legend class="field-label">{ label }</legend>{ for boxes }</fieldset> }
    };
    let name_field = |value: String| {
        html! {
            <label class="field"><span class="field-label">{ "Name" }</span>
                <input class="input mono" type="text" name="name" value={value} data-edit-field="name"
                       aria-describedby="edit-form-error" />
            </label>
        }
    };
    let balancers: Vec<String> = s.balancers.iter().map(|b| b.name.clone()).collect();
    let instances: Vec<String> = s.instances.iter().map(|i| i.name.clone()).collect();
    let entry_kind = lookup(s, &s.entry);
    let zone = p.form.zone.as_deref();
    let entry_box = |default: bool, label: &'static str| {
        html! { <label class="edit-check"><input type="checkbox" name="entry" value="1" checked={default} />{ label }</label> }
    };
    let region_select = || {
        let opts = s
            .regions
            .iter()
            .map(|r| html! { <option value={r.name.clone()}>{ r.name.clone() }</option> });
        html! {
            <label class="field"><span class="field-label">{ "Region" }</span>
                <select class="select" name="region" data-edit-field="region">{ for opts }</select>
            </label>
        }
    };
    let endpoint_select = |name: &'static str, label: &'static str, optional: bool| {
        let opts = balancers
            .iter()
            .chain(instances.iter())
            .enumerate()
            .map(|(i, n)| html! { <option value={n.clone()} selected={!optional && i == 0}>{ n.clone() }</option> });
        html! {
            <label class="field"><span class="field-label">{ label }</span>
                <select class="select" {name} data-edit-field={name}>
                    if optional { <option value="" selected=true>{ "none" }</option> }
                    { for opts }
                </select>
            </label>
        }
    };
    let fields = match kind {
        AddKind::Instance => html! { <>
            { name_field(free_name(s, &stem_of(s.instances.first().map(|i| i.name.as_str()), "app-"))) }
            { zone_select("zone", zone) }
            { checks("balancers", "Behind (load balancers)", balancers.clone()) }
        </> },
        AddKind::Balancer => html! { <>
            { name_field(free_name(s, &stem_of(s.balancers.first().map(|b| b.name.as_str()), "lb-"))) }
            { zone_select("zone", zone) }
            { checks("targets", "Sends to (targets)", instances.clone()) }
            // Put in front of a single server, a balancer only helps once clients use it.
            { entry_box(matches!(entry_kind, Some(NameKind::Instance(_))), "Clients send to it (entry)") }
        </> },
        AddKind::Gateway => html! { <>
            { name_field(free_name(s, &stem_of(s.gateways.first().map(|g| g.name.as_str()), "gw-"))) }
            { zone_select("zone", zone) }
            { checks("balancers", "In front of (load balancers)", balancers.clone()) }
            { entry_box(matches!(entry_kind, Some(NameKind::Balancer(_))), "Clients send to it (entry)") }
        </> },
        AddKind::Zone => html! { <>
            { region_select() }
            { name_field(free_name(s, "zone-")) }
        </> },
        AddKind::Region => html! { <>
            <label class="field"><span class="field-label">{ "Region" }</span>
                <input class="input mono" type="text" name="region" value={free_name(s, "region-")} data-edit-field="region" />
            </label>
            <label class="field"><span class="field-label">{ "First zone" }</span>
                <input class="input mono" type="text" name="name" value={free_name(s, "zone-")} data-edit-field="name" />
            </label>
        </> },
        AddKind::Standby => html! { <>
            { name_field(free_name(s, "db-standby-")) }
            { zone_select("zone", zone) }
        </> },
        AddKind::Dns => html! { <>
            { name_field("api.example.com".to_string()) }
            { endpoint_select("primary", "Primary record", false) }
            { endpoint_select("secondary", "Secondary record", true) }
        </> },
        AddKind::Clients => html! { <>
            { region_select() }
            <label class="field"><span class="field-label">{ "Share of traffic" }</span>
                <input class="input mono" type="number" name="share" value="0.5" min="0" max="1" step="0.05" data-edit-field="share" />
            </label>
        </> },
    };
    let onsubmit = {
        let error = error.clone();
        let form_ref = form_ref.clone();
        let on_edit = p.on_edit.clone();
        let on_form = p.on_form.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(form) = form_ref.cast::<web_sys::Element>() else {
                return;
            };
            let values = form_values(&form);
            match on_edit.emit(edits_from_form(kind, &values)) {
                Ok(()) => {
                    error.set(None);
                    on_form.emit(None);
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let cancel = {
        let on_form = p.on_form.clone();
        Callback::from(move |_: MouseEvent| on_form.emit(None))
    };
    let onkeydown = {
        let on_form = p.on_form.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                on_form.emit(None);
            }
        })
    };
    html! {
        <form class="edit-form" data-edit-form={kind.key()} ref={form_ref} {onsubmit} {onkeydown}
              aria-label={format!("Add {}", kind.label())}>
            <span class="edit-form-title">{ format!("Add {}", kind.label().to_lowercase()) }<span class="muted">{ format!(" — {}", kind.hint()) }</span></span>
            <div class="edit-fields">{ fields }</div>
            <div class="edit-buttons">
                <button type="submit" class="btn btn-small btn-primary" data-control="edit-apply">{ "Add" }</button>
                <button type="button" class="btn btn-small btn-ghost" onclick={cancel}>{ "Cancel" }</button>
            </div>
            <p class="field-error edit-error" id="edit-form-error" role="alert" data-edit-error="">{ (*error).clone().unwrap_or_default() }</p>
        </form>
    }
}

/// The edit(s) a filled-in form asks for (one undo step).
pub fn edits_from_form(kind: AddKind, values: &[(String, String)]) -> Vec<Edit> {
    let one = |k: &str| {
        values
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let opt = |k: &str| Some(one(k)).filter(|v| !v.is_empty());
    let all = |k: &str| -> Vec<String> {
        values
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let entry = values.iter().any(|(n, _)| n == "entry");
    let name = one("name");
    match kind {
        AddKind::Instance => vec![Edit::AddInstance {
            name,
            like: None,
            zone: opt("zone"),
            balancers: all("balancers"),
        }],
        AddKind::Balancer | AddKind::Gateway => {
            let mut edits = vec![if kind == AddKind::Balancer {
                Edit::AddBalancer {
                    name: name.clone(),
                    zone: opt("zone"),
                    targets: all("targets"),
                }
            } else {
                Edit::AddGateway {
                    name: name.clone(),
                    zone: opt("zone"),
                    balancers: all("balancers"),
                }
            }];
            if entry {
                edits.push(Edit::SetEntry { node: name });
            }
            edits
        }
        AddKind::Zone | AddKind::Region => vec![Edit::AddZone {
            region: one("region"),
            zone: name,
        }],
        AddKind::Standby => vec![Edit::AddStandby {
            name,
            zone: opt("zone"),
        }],
        AddKind::Dns => vec![Edit::AddDns {
            name,
            records: [opt("primary"), opt("secondary")]
                .into_iter()
                .flatten()
                .collect(),
        }],
        AddKind::Clients => vec![Edit::AddPopulation {
            region: one("region"),
            share: one("share").parse().unwrap_or(f64::NAN),
        }],
    }
}
