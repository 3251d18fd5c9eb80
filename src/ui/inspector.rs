//! The inspector: the selected node's state and its parameters, editable in place.
//!
//! An edit is validated with `sim::params` on a copy of the node's spec (the same code the
//! engine uses), then the whole scenario with the edit is validated (limits that span nodes,
//! such as the DNS client limit), and only then does it become a timed `set` command, which
//! the engine may still refuse. Any refusal shows the message, named by the field's path in
//! the scenario file (`traffic.clients: …`), next to the field, and changes nothing: the run
//! keeps the old value. Labels use the real systems' names
//! (HAProxy `inter`/`fall`, ALB `HealthCheckIntervalSeconds`, Kubernetes `periodSeconds`).
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::common::{fmt_count, kind_label, look, Shared};
use super::diagram::NodeAction;
use super::share::parse_value;
use crate::sim::params;

mod overload_fields;
mod recovery_fields;
use crate::sim::scenario::{Algorithm, CheckPreset, ResolvedCheck};
use crate::sim::snapshot::{NodeKind, NodeView};
use crate::sim::validate::{self, NameKind};
use crate::sim::{ParamValue, Scenario, Snapshot};
use overload_fields::Group;

/// A parameter edit the user made: (node, param, value).
pub type SetParam = (String, String, ParamValue);
/// Schedules an edit; the error (the engine refused it) is shown next to the field.
pub type OnSet = Callback<SetParam, Result<(), String>>;

#[derive(Clone, PartialEq)]
enum Input {
    Number { unit: &'static str },
    Select(Vec<(&'static str, String)>),
    Switch,
}

#[derive(Properties, PartialEq)]
struct FieldProps {
    node: AttrValue,
    param: &'static str,
    label: &'static str,
    /// Tooltip: the real systems' names and what the parameter does.
    help: String,
    value: String,
    input: Input,
    scenario: Shared<Scenario>,
    #[prop_or_default]
    disabled: bool,
    /// A line under the field (e.g. what the chosen vendor preset sets).
    #[prop_or_default]
    note: Option<String>,
    on_set: OnSet,
}

#[function_component(Field)]
fn field(p: &FieldProps) -> Html {
    let error = use_state(|| None::<String>);
    let id = format!("f-{}-{}", p.node, p.param.replace('.', "-"));
    let err_id = format!("{id}-error");

    let submit = {
        let error = error.clone();
        let node = p.node.to_string();
        let param = p.param;
        let scenario = p.scenario.clone();
        let cb = p.on_set.clone();
        let current = p.value.clone();
        move |value: ParamValue| {
            let result = check_edit(&scenario, &node, param, &value)
                .and_then(|()| cb.emit((node.clone(), param.to_string(), value)));
            match result {
                Ok(()) => error.set(None),
                Err(e) => {
                    let kept = if current.is_empty() {
                        "unset".to_string()
                    } else {
                        current.clone()
                    };
                    error.set(Some(format!("{e} (the run keeps {kept})")))
                }
            }
        }
    };
    let control = match &p.input {
        Input::Number { unit } => {
            let submit = submit.clone();
            let onchange = Callback::from(move |e: Event| {
                if let Some(i) = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                {
                    let raw = i.value();
                    // Empty means "never" for optional durations (restart_after_ms).
                    let v = if raw.trim().is_empty() {
                        ParamValue::Text("none".into())
                    } else {
                        parse_value(raw.trim())
                    };
                    submit(v);
                }
            });
            html! {
                <div class="input-unit">
                    <input id={id.clone()} class={classes!("input", "mono", error.is_some().then_some("invalid"))} type="text"
                           inputmode="decimal" value={p.value.clone()} {onchange} disabled={p.disabled}
                           aria-invalid={if error.is_some() { "true" } else { "false" }} aria-describedby={err_id.clone()}
                           data-param={p.param} />
                    if !unit.is_empty() { <span class="unit">{ *unit }</span> }
                </div>
            }
        }
        Input::Select(options) => {
            let submit = submit.clone();
            let onchange = Callback::from(move |e: Event| {
                if let Some(s) = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                {
                    submit(ParamValue::Text(s.value()));
                }
            });
            html! {
                <select id={id.clone()} class="select" {onchange} disabled={p.disabled} data-param={p.param}
                        aria-describedby={err_id.clone()}>
                    { for options.iter().map(|(v, label)| html! {
                        <option value={*v} selected={*v == p.value}>{ label.clone() }</option>
                    }) }
                </select>
            }
        }
        Input::Switch => {
            let submit = submit.clone();
            let onchange = Callback::from(move |e: Event| {
                if let Some(i) = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                {
                    submit(ParamValue::Bool(i.checked()));
                }
            });
            html! {
                <input id={id.clone()} class="switch" type="checkbox" checked={p.value == "true"} {onchange}
                       disabled={p.disabled} data-param={p.param} aria-describedby={err_id.clone()} />
            }
        }
    };
    html! {
        <div class={classes!("param", error.is_some().then_some("has-error"), matches!(p.input, Input::Switch).then_some("param-switch"))}>
            <label class="param-label" for={id.clone()} title={super::glossary::param_hint(p.param, &p.help)}>
                <span>{ p.label }</span>
                <code class="param-name">{ p.param }</code>
            </label>
            { control }
            // Always present (empty when valid): a conditional element after the input would
            // make Yew recreate the input, losing what the user typed.
            <p class="field-error" id={err_id} role="alert" data-error-for={error.is_some().then_some(p.param)}>
                { error.as_deref().unwrap_or_default() }
            </p>
            <p class="field-note">{ p.note.clone().unwrap_or_default() }</p>
        </div>
    }
}

/// Where `param` of `node` lives in the scenario file: `traffic.rate_rps`,
/// `balancers[0].health_check.rise`, `instances[2].workers`.
pub fn param_path(s: &Scenario, node: &str, param: &str) -> String {
    match validate::lookup(s, node) {
        Some(NameKind::Clients) => format!("traffic.{param}"),
        Some(NameKind::Balancer(i)) => format!("balancers[{i}].{param}"),
        Some(NameKind::Instance(i)) => format!("instances[{i}].{param}"),
        Some(NameKind::Gateway(i)) => format!("gateways[{i}].{param}"),
        _ => format!("{node}.{param}"),
    }
}

/// Would the engine accept `param = value` on `node` now? First the node's own rules (the
/// same code the engine uses, on a copy of its spec), then the whole scenario with the edit:
/// only problems the edit introduces count. Errors are named by the field's path.
pub fn check_edit(s: &Scenario, node: &str, param: &str, value: &ParamValue) -> Result<(), String> {
    let Some(kind) = validate::lookup(s, node) else {
        return Err(format!("no node is named `{node}`"));
    };
    params::check_against(s, kind, param, value)
        .map_err(|e| format!("{}: {e}", param_path(s, node, param)))?;
    let mut edited = s.clone();
    params::apply_to_scenario(&mut edited, node, param, value)
        .map_err(|e| format!("{}: {e}", param_path(s, node, param)))?;
    let before = validate::validate(s).err().map(|e| e.0).unwrap_or_default();
    match validate::validate(&edited) {
        Ok(()) => Ok(()),
        Err(after) => {
            let new: Vec<String> = after
                .0
                .iter()
                .filter(|e| !before.contains(e))
                .map(|e| e.to_string())
                .collect();
            if new.is_empty() {
                Ok(())
            } else {
                Err(new.join("; "))
            }
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub selected: Option<u32>,
    pub snapshot: Shared<Snapshot>,
    pub scenario: Shared<Scenario>,
    pub on_set: OnSet,
    pub on_action: Callback<(u32, NodeAction)>,
    pub on_select: Callback<u32>,
}

#[function_component(Inspector)]
pub fn inspector(p: &InspectorProps) -> Html {
    let Some(node) = p
        .selected
        .and_then(|id| p.snapshot.nodes.iter().find(|n| n.id == id))
    else {
        let picks = p.snapshot.nodes.iter().map(|n| {
            let cb = p.on_select.clone();
            let id = n.id;
            html! {
                <button type="button" class="chip" onclick={Callback::from(move |_: MouseEvent| cb.emit(id))}>{ n.name.clone() }</button>
            }
        });
        return html! {
            <div class="inspector empty">
                <p class="muted">{ "Select a component in the diagram (click it, or Tab to it and press Enter) to see its state, change its parameters and inject faults." }</p>
                <div class="chips wrap" role="group" aria-label="Select a node">{ for picks }</div>
            </div>
        };
    };
    let l = look(node.status);
    let actions = NodeAction::for_kind(node.kind).iter().map(|&a| {
        let cb = p.on_action.clone();
        let id = node.id;
        html! {
            <button type="button" class={classes!("btn", "btn-small", format!("act-{}", a.key()))} title={a.hint()}
                    data-action={a.key()} onclick={Callback::from(move |_: MouseEvent| cb.emit((id, a)))}>{ a.label() }</button>
        }
    });
    let fields = fields_for(node, &p.scenario);
    let groups = groups_for(node, &p.scenario);
    let name: AttrValue = node.name.clone().into();
    let field_list = |fields: Vec<FieldSpec>| -> Html {
        html! {
            <div class="params">
                { for fields.into_iter().map(|f| html! {
                    <Field key={format!("{}:{}", node.name, f.param)} node={name.clone()} param={f.param} label={f.label}
                           help={f.help} value={f.value} input={f.input} disabled={f.disabled} note={f.note}
                           scenario={p.scenario.clone()} on_set={p.on_set.clone()} />
                }) }
            </div>
        }
    };
    html! {
        <div class="inspector" data-inspecting={node.name.clone()}>
            <div class="inspector-head">
                <div>
                    <h3 class="inspector-name">{ node.name.clone() }</h3>
                    <p class="muted small">{ kind_label(node.kind) }</p>
                </div>
                if node.kind != NodeKind::Clients {
                    <span class={classes!("status-pill", l.class)}>
                        <svg viewBox="0 0 12 12" class="pill-svg" aria-hidden="true"><path d={l.icon} /></svg>
                        { l.label }
                    </span>
                }
            </div>
            <p class="inspector-detail">{ node.detail.clone() }</p>
            { node_stats(node, &p.snapshot) }
            <div class="inspector-actions" role="group" aria-label={format!("Faults for {}", node.name)}>{ for actions }</div>
            <h4 class="inspector-sub">{ "Parameters" }</h4>
            <p class="muted small">{ "Changes apply at the current simulated time and are part of the share link. Hover a name for what it means in HAProxy, Envoy, AWS or Kubernetes." }</p>
            { field_list(fields) }
            { for groups.into_iter().map(|g| html! {
                <section class="param-group" aria-label={g.title} data-group={g.title}>
                    <h4 class="inspector-sub">{ g.title }</h4>
                    <p class="muted small">{ g.hint }</p>
                    { field_list(g.fields) }
                </section>
            }) }
        </div>
    }
}

fn node_stats(n: &NodeView, snap: &Snapshot) -> Html {
    match n.kind {
        NodeKind::Instance => html! {
            <dl class="stats">
                <div><dt>{ "busy workers" }</dt><dd>{ format!("{}/{}", n.busy, n.workers) }</dd></div>
                <div><dt>{ "queued" }</dt><dd>{ format!("{}/{}", n.queue_len, n.queue_capacity) }</dd></div>
            </dl>
        },
        NodeKind::Balancer | NodeKind::Gateway => {
            let targets = snap.edges.iter().filter(|e| e.from == n.id).filter_map(|e| {
                let h = e.health.as_ref()?;
                let to = snap.nodes.iter().find(|m| m.id == e.to)?;
                let hl = super::common::health_look(h.state);
                Some(html! {
                    <li class={classes!("target", hl.class)}>
                        <svg viewBox="0 0 12 12" class="pill-svg" aria-hidden="true"><path d={hl.icon} /></svg>
                        <strong>{ to.name.clone() }</strong>
                        <span class="muted">{ format!(" {} · {}", h.detail, if h.in_rotation { "in rotation" } else { "out of rotation" }) }</span>
                    </li>
                })
            });
            let (label, note) = if n.kind == NodeKind::Gateway {
                ("What the gateway believes about each balancer", "No active checks: a balancer that refuses or ignores a connection is marked down for fail_timeout and the request retried on another (Envoy outlier detection, NGINX max_fails).")
            } else {
                ("What the balancer believes about each target", "")
            };
            html! {
                <>
                    <ul class="targets" aria-label={label}>{ for targets }</ul>
                    if !note.is_empty() { <p class="muted small">{ note }</p> }
                </>
            }
        }
        NodeKind::Dns => match &snap.dns {
            Some(d) => html! {
                <>
                    <dl class="stats">
                        <div><dt>{ "answering" }</dt><dd>{ d.answering.clone() }</dd></div>
                        <div><dt>{ "TTL" }</dt><dd>{ format!("{} s", d.ttl_s) }</dd></div>
                        <div><dt>{ "cached / stale" }</dt><dd>{ format!("{} / {}", d.cached_clients, d.stale_clients) }</dd></div>
                    </dl>
                    <ul class="targets" aria-label="Failover records">
                        { for d.records.iter().map(|r| {
                            let hl = super::common::health_look(if !r.health_checked { "unchecked" } else if r.healthy { "up" } else { "down" });
                            html! {
                                <li class={classes!("target", hl.class)}>
                                    <svg viewBox="0 0 12 12" class="pill-svg" aria-hidden="true"><path d={hl.icon} /></svg>
                                    <strong>{ r.target.clone() }</strong>
                                    <span class="muted">{ format!(" {} record · {}", r.role, if !r.health_checked { "no health check (treated as healthy)" } else if r.healthy { "healthy" } else { "unhealthy" }) }</span>
                                </li>
                            }
                        }) }
                    </ul>
                    <p class="muted small">{ "Route 53 failover routing: the primary while it is healthy, else the secondary. Clients keep their cached answer for the TTL, even a stale one." }</p>
                </>
            },
            None => html! {},
        },
        NodeKind::Database => match &snap.database {
            Some(d) => html! {
                <>
                    <dl class="stats">
                        <div><dt>{ "leader" }</dt><dd>{ d.leader.clone() }</dd></div>
                        <div><dt>{ "replication" }</dt><dd>{ d.replication }</dd></div>
                        <div><dt>{ "lag" }</dt><dd>{ format!("{} writes · {:.0} ms", d.lag_writes, d.lag_ms) }</dd></div>
                    </dl>
                    <p class="muted small">{ super::glossary::annotated(if d.fencing { "Fencing on: an old primary that comes back cannot accept writes (no split brain)." } else { "No fencing: an old primary that comes back may accept writes next to the promoted standby (split brain)." }) }</p>
                </>
            },
            None => html! {},
        },
        NodeKind::Clients => html! {
            <dl class="stats">
                <div><dt>{ "in flight" }</dt><dd>{ fmt_count(n.in_flight as u64) }</dd></div>
                <div><dt>{ "sent" }</dt><dd>{ fmt_count(snap.totals.sent) }</dd></div>
            </dl>
        },
    }
}

/// (param, label, unit, getter from the resolved check, help).
type CheckField = (
    &'static str,
    &'static str,
    &'static str,
    fn(&ResolvedCheck) -> String,
    &'static str,
);

struct FieldSpec {
    param: &'static str,
    label: &'static str,
    help: String,
    value: String,
    input: Input,
    disabled: bool,
    note: Option<String>,
}

fn num(
    param: &'static str,
    label: &'static str,
    unit: &'static str,
    value: String,
    help: &str,
) -> FieldSpec {
    FieldSpec {
        param,
        label,
        help: help.to_string(),
        value,
        input: Input::Number { unit },
        disabled: false,
        note: None,
    }
}

fn fields_for(n: &NodeView, s: &Scenario) -> Vec<FieldSpec> {
    match validate::lookup(s, &n.name) {
        Some(NameKind::Clients) => vec![
            num("rate_rps", "Request rate", "req/s", s.traffic.rate_rps.to_string(),
                "Poisson arrival rate of client requests."),
            num("timeout_ms", "Client timeout", "ms", s.traffic.timeout_ms.to_string(),
                "A request not answered within this time fails as `timeout` (browser or SDK timeout)."),
            num("clients", "Distinct clients", "", s.traffic.clients.to_string(),
                "Distinct client ids: the keys of consistent hashing; with DNS, each client caches its own answer (so their number is limited)."),
        ],
        Some(NameKind::Instance(i)) => {
            let inst = &s.instances[i];
            vec![
                num("workers", "Workers", "", inst.workers.to_string(),
                    "Requests served concurrently (threads, processes, or `maxconn` of the server)."),
                num("queue_capacity", "Queue capacity", "", inst.queue_capacity.to_string(),
                    "Requests waiting beyond the workers; a full queue answers 503."),
                num("service_time.mean_ms", "Mean service time", "ms", inst.service_time.mean_ms.to_string(),
                    "Average time a worker spends on one request."),
                num("startup_ms", "Startup time", "ms", inst.startup_ms.to_string(),
                    "Boot time after a restart, during which connections are refused."),
                num("restart_after_ms", "Restart after", "ms",
                    inst.restart_after_ms.map(|v| v.to_string()).unwrap_or_default(),
                    "A supervisor (systemd `Restart=`, Kubernetes restartPolicy) restarts a crashed process after this long. Empty: stays down until healed."),
            ]
        }
        Some(NameKind::Balancer(i)) => {
            let b = &s.balancers[i];
            let algos: Vec<(&'static str, String)> =
                Algorithm::ALL.iter().map(|a| (a.name(), a.name().to_string())).collect();
            let mut presets: Vec<(&'static str, String)> = CheckPreset::ALL
                .iter()
                .map(|p| (p.name(), format!("{} — {}", p.name(), p.describe().split(':').next().unwrap_or(""))))
                .collect();
            presets.push(("none", "none — no active checks".to_string()));
            let preset_value = match &b.health_check {
                Some(h) => h.preset.unwrap_or(CheckPreset::Haproxy).name().to_string(),
                None => "none".to_string(),
            };
            let preset_help = format!(
                "Vendor defaults for every check parameter. {}",
                CheckPreset::ALL.iter().map(|p| p.describe()).collect::<Vec<_>>().join(" · ")
            );
            let hc = b.health_check.as_ref().map(|h| h.resolve());
            let no_hc = hc.is_none();
            let hv = |f: fn(&ResolvedCheck) -> String| hc.as_ref().map(f).unwrap_or_default();
            let mut v = vec![
                FieldSpec {
                    param: "algorithm",
                    label: "Algorithm",
                    help: "HAProxy `balance` (roundrobin, leastconn, random(2) = power of two choices, source = consistent hash); Envoy `lb_policy`.".into(),
                    value: b.algorithm.name().to_string(),
                    input: Input::Select(algos),
                    disabled: false,
                    note: None,
                },
                num("retries", "Retries", "", b.retries.to_string(),
                    "HAProxy `retries` (default 3): extra connection attempts after the first. Envoy `num_retries`. A balancer with passive health is NGINX: it uses proxy_next_upstream instead."),
                FieldSpec {
                    param: "redispatch",
                    label: "Redispatch",
                    help: "HAProxy `option redispatch` (2.6+): every retry goes to another server at once; with consistent hashing only the last one. Off: retries stay on the same server (1 s apart after a refused connection).".into(),
                    value: b.redispatch.to_string(),
                    input: Input::Switch,
                    disabled: false,
                    note: None,
                },
                FieldSpec {
                    param: "when_all_down",
                    label: "When every target is down",
                    help: "reject: answer 503 at once (HAProxy, NGINX). fail-open: route to every target anyway (AWS ALB fail-open, Envoy panic threshold).".into(),
                    value: b.when_all_down.name().to_string(),
                    input: Input::Select(vec![("reject", "reject (503)".into()), ("fail-open", "fail-open".into())]),
                    disabled: false,
                    note: None,
                },
                num("timeout_connect_ms", "Connect timeout", "ms", b.timeout_connect_ms.to_string(),
                    "HAProxy `timeout connect`: how long to wait for a host that does not answer."),
                num("timeout_server_ms", "Server timeout", "ms", b.timeout_server_ms.to_string(),
                    "HAProxy `timeout server`: how long to wait for a response once connected."),
                FieldSpec {
                    param: "health_check.preset",
                    label: "Health-check preset",
                    help: preset_help,
                    note: Some(match &b.health_check {
                        Some(h) => h.preset.unwrap_or(CheckPreset::Haproxy).describe().to_string(),
                        None => "No active checks: only passive health (if any) notices a failure.".to_string(),
                    }),
                    value: preset_value,
                    input: Input::Select(presets),
                    disabled: false,
                },
            ];
            let checks: [CheckField; 6] = [
                ("health_check.inter_ms", "Interval", "ms", |c| c.inter_ms.to_string(),
                 "HAProxy `inter` (default 2000 ms); AWS ALB `HealthCheckIntervalSeconds` (30 s); Kubernetes `periodSeconds` (10 s)."),
                ("health_check.fastinter_ms", "Fast interval", "ms", |c| c.fastinter_ms.to_string(),
                 "HAProxy `fastinter`: interval while a server is changing state (after one failure or success). Defaults to inter."),
                ("health_check.downinter_ms", "Down interval", "ms", |c| c.downinter_ms.to_string(),
                 "HAProxy `downinter`: interval while the server is fully DOWN. Defaults to inter."),
                ("health_check.rise", "Rise", "", |c| c.rise.to_string(),
                 "HAProxy `rise` (2): consecutive successes to mark UP. ALB `HealthyThresholdCount` (5); Kubernetes `successThreshold` (1)."),
                ("health_check.fall", "Fall", "", |c| c.fall.to_string(),
                 "HAProxy `fall` (3): consecutive failures to mark DOWN. ALB `UnhealthyThresholdCount` (2); Kubernetes `failureThreshold` (3)."),
                ("health_check.timeout_ms", "Check timeout", "ms", |c| c.timeout_ms.to_string(),
                 "HAProxy `timeout check` (= inter when unset); ALB `HealthCheckTimeoutSeconds` (5 s); Kubernetes `timeoutSeconds` (1 s)."),
            ];
            for (param, label, unit, get, help) in checks {
                let mut f = num(param, label, unit, hv(get), help);
                f.disabled = no_hc;
                v.push(f);
            }
            if let Some(pass) = &b.passive {
                v.push(num("passive.max_fails", "Max fails", "", pass.max_fails.to_string(),
                    "NGINX `max_fails` (1): failed requests within fail_timeout that mark the server down (passive health)."));
                v.push(num("passive.fail_timeout_ms", "Fail timeout", "ms", pass.fail_timeout_ms.to_string(),
                    "NGINX `fail_timeout` (10 s): both the counting window and how long the server stays marked down, on NGINX's one-second clock (10 s → retried 10–11 s later)."));
            }
            v
        }
        Some(NameKind::Gateway(g)) => overload_fields::gateway_fields(&s.gateways[g]),
        // Zones and regions have no parameters (yet); unknown names have nothing to edit.
        Some(NameKind::Domain | NameKind::Dns | NameKind::Database(_)) | None => Vec::new(),
    }
}

/// The titled groups under the main parameters (issue 13's options).
fn groups_for(n: &NodeView, s: &Scenario) -> Vec<Group> {
    match validate::lookup(s, &n.name) {
        Some(NameKind::Clients) => vec![overload_fields::client_retries(&s.traffic)],
        Some(NameKind::Instance(i)) => vec![
            overload_fields::instance_overload(&s.instances[i]),
            recovery_fields::instance_recovery(&s.instances[i]),
        ],
        Some(NameKind::Balancer(i)) => vec![
            overload_fields::balancer_overload(&s.balancers[i]),
            recovery_fields::balancer_recovery(&s.balancers[i]),
            overload_fields::balancer_rollout(&s.balancers[i]),
        ],
        _ => Vec::new(),
    }
}
