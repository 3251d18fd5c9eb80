//! The fault menu of a node or a zone / region box: what it offers (`NodeAction`, one
//! `Fault` each) and how it is drawn and driven from the keyboard (WAI-ARIA menu pattern).
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::common::{self, look};
use super::diagram::DiagramProps;
use super::layout::Placed;
use crate::sim::snapshot::{NodeKind, NodeView};
use crate::sim::{Fault, FaultAction};

/// What the node menu offers. Each maps to one `Fault`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeAction {
    Crash,
    Unreachable,
    Freeze,
    Gray,
    AddLatency,
    Fail,
    Heal,
    /// Recovery (issue 13): HAProxy `drain` / ALB deregistration, a planned stop, flapping,
    /// a broken config pushed at once, and the same config as a canary rollout.
    Drain,
    Stop,
    Flap,
    PushBadConfig,
    StartCanary,
}

/// Gray failure from the menu: the same as the gray-failure preset (30 % errors, +150 ms).
pub const GRAY_ERROR_RATE: f64 = 0.3;
pub const GRAY_EXTRA_MS: f64 = 150.0;
/// Latency added from the menu.
pub const ADDED_LATENCY_MS: f64 = 250.0;

impl NodeAction {
    pub fn for_kind(kind: NodeKind) -> &'static [NodeAction] {
        match kind {
            NodeKind::Instance => &[
                NodeAction::Crash,
                NodeAction::Unreachable,
                NodeAction::Freeze,
                NodeAction::Gray,
                NodeAction::AddLatency,
                NodeAction::Flap,
                NodeAction::PushBadConfig,
                NodeAction::Drain,
                NodeAction::Stop,
                NodeAction::Heal,
            ],
            NodeKind::Balancer => &[
                NodeAction::Fail,
                NodeAction::Unreachable,
                NodeAction::PushBadConfig,
                NodeAction::StartCanary,
                NodeAction::Heal,
            ],
            NodeKind::Gateway => &[NodeAction::Fail, NodeAction::Unreachable, NodeAction::Heal],
            // The DNS service can fail (no answers) and be healed.
            NodeKind::Dns => &[NodeAction::Fail, NodeAction::Heal],
            // A database (primary or standby) can crash, lose its host, and be healed.
            NodeKind::Database => &[NodeAction::Crash, NodeAction::Unreachable, NodeAction::Heal],
            NodeKind::Clients => &[],
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NodeAction::Crash => "Crash the process",
            NodeAction::Unreachable => "Make unreachable",
            NodeAction::Freeze => "Freeze the process",
            NodeAction::Gray => "Gray failure",
            NodeAction::AddLatency => "Add latency",
            NodeAction::Fail => "Fail",
            NodeAction::Heal => "Heal",
            NodeAction::Drain => "Drain",
            NodeAction::Stop => "Drain, then stop",
            NodeAction::Flap => "Flap",
            NodeAction::PushBadConfig => "Push bad config",
            NodeAction::StartCanary => "Start canary (bad config)",
        }
    }

    pub fn hint(self) -> String {
        match self {
            NodeAction::Crash => "connections refused at once".into(),
            NodeAction::Unreachable => "host stops answering: callers wait for timeouts".into(),
            NodeAction::Freeze => {
                "process stops (SIGSTOP): new connections time out, accepted requests hang".into()
            }
            NodeAction::Gray => format!(
                "{:.0} % errors, +{GRAY_EXTRA_MS} ms, checks still pass",
                GRAY_ERROR_RATE * 100.0
            ),
            NodeAction::AddLatency => format!("+{ADDED_LATENCY_MS} ms on every answer"),
            NodeAction::Fail => "refuses every connection".into(),
            NodeAction::Heal => "undo every fault (restart if down)".into(),
            NodeAction::Drain => {
                "no new requests, in-flight ones finish (HAProxy drain, ALB deregistration)".into()
            }
            NodeAction::Stop => {
                "planned stop: drain, stop when idle or after deregistration_delay".into()
            }
            NodeAction::Flap => "fails 4 s, passes 4 s, again (requests and checks)".into(),
            NodeAction::PushBadConfig => {
                "every request and the health check fail (to every target of a balancer at once)"
                    .into()
            }
            NodeAction::StartCanary => {
                "one batch first; halted and rolled back when its checks fail".into()
            }
        }
    }

    /// Short machine name for tests and CSS (`data-action`).
    pub fn key(self) -> &'static str {
        match self {
            NodeAction::Crash => "crash",
            NodeAction::Unreachable => "unreachable",
            NodeAction::Freeze => "freeze",
            NodeAction::Gray => "gray",
            NodeAction::AddLatency => "add-latency",
            NodeAction::Fail => "fail",
            NodeAction::Heal => "heal",
            NodeAction::Drain => "drain",
            NodeAction::Stop => "stop",
            NodeAction::Flap => "flap",
            NodeAction::PushBadConfig => "push-config",
            NodeAction::StartCanary => "canary",
        }
    }

    /// The command for `node` at `at_ms` (the runner sets the time to "now").
    pub fn fault(self, at_ms: u64, node: &str) -> Fault {
        match self {
            NodeAction::Crash => Fault::new(at_ms, FaultAction::Crash, node),
            NodeAction::Unreachable => Fault::new(at_ms, FaultAction::Unreachable, node),
            NodeAction::Freeze => Fault::new(at_ms, FaultAction::Freeze, node),
            NodeAction::Fail => Fault::new(at_ms, FaultAction::Fail, node),
            NodeAction::Heal => Fault::new(at_ms, FaultAction::Heal, node),
            NodeAction::Drain => Fault::new(at_ms, FaultAction::Drain, node),
            NodeAction::Stop => Fault::new(at_ms, FaultAction::Stop, node),
            NodeAction::Flap => Fault::new(at_ms, FaultAction::Flap, node),
            NodeAction::PushBadConfig => Fault::new(at_ms, FaultAction::PushConfig, node),
            NodeAction::StartCanary => Fault::new(at_ms, FaultAction::Canary, node),
            NodeAction::AddLatency => Fault {
                extra_latency_ms: Some(ADDED_LATENCY_MS),
                ..Fault::new(at_ms, FaultAction::AddLatency, node)
            },
            NodeAction::Gray => Fault {
                error_rate: Some(GRAY_ERROR_RATE),
                extra_latency_ms: Some(GRAY_EXTRA_MS),
                ..Fault::new(at_ms, FaultAction::Gray, node)
            },
        }
    }
}

/// The menu's "change the design" items: Remove applies at once; the others select the node
/// and move the focus to its control in the inspector (`edit_node.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DesignItem {
    Rename,
    Move,
    Targets,
    Remove,
}

impl DesignItem {
    pub fn for_kind(kind: NodeKind) -> &'static [DesignItem] {
        use DesignItem::*;
        match kind {
            NodeKind::Balancer => &[Rename, Move, Targets, Remove],
            NodeKind::Instance | NodeKind::Gateway | NodeKind::Database => &[Rename, Move, Remove],
            NodeKind::Dns => &[Rename, Remove],
            NodeKind::Clients => &[],
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DesignItem::Rename => "Rename…",
            DesignItem::Move => "Move to zone…",
            DesignItem::Targets => "Targets…",
            DesignItem::Remove => "Remove",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            DesignItem::Rename => "rename",
            DesignItem::Move => "move",
            DesignItem::Targets => "targets",
            DesignItem::Remove => "remove",
        }
    }

    /// The inspector control the item leads to.
    pub fn field(self) -> &'static str {
        match self {
            DesignItem::Rename => "[data-edit-field=rename]",
            DesignItem::Move => "[data-edit-field=move]",
            DesignItem::Targets => "[data-edit-field=targets] input",
            DesignItem::Remove => "[data-control=remove]",
        }
    }
}

/// What a menu is for: a node, or a zone / region box.
pub(super) struct MenuTarget {
    id: u32,
    name: String,
    state: String,
    /// (action, label, hint).
    actions: Vec<(NodeAction, &'static str, String)>,
    design: &'static [DesignItem],
    /// Bottom centre of the box it belongs to (layout units).
    anchor: (f64, f64),
}

pub(super) fn node_menu(n: &NodeView, p: &Placed) -> MenuTarget {
    MenuTarget {
        id: n.id,
        name: n.name.clone(),
        state: look(n.status).label.to_string(),
        actions: NodeAction::for_kind(n.kind)
            .iter()
            .map(|&a| (a, a.label(), a.hint()))
            .collect(),
        design: DesignItem::for_kind(n.kind),
        anchor: (p.x + p.w / 2.0, p.y + p.h),
    }
}

pub(super) fn domain_menu(
    d: &crate::sim::snapshot::DomainView,
    g: &super::layout::GroupBox,
) -> MenuTarget {
    let kind = d.kind.name();
    MenuTarget {
        id: d.id,
        name: d.name.clone(),
        state: if d.down { "down".into() } else { "up".into() },
        actions: vec![
            (
                NodeAction::Fail,
                if kind == "region" {
                    "Fail the region"
                } else {
                    "Fail the zone"
                },
                "power or network lost: every node in it goes silent at once".into(),
            ),
            (
                NodeAction::Heal,
                "Heal",
                "power and network back; its nodes restart".into(),
            ),
        ],
        design: &[DesignItem::Rename, DesignItem::Remove],
        anchor: (g.x + g.w / 2.0, g.y + g.h),
    }
}

pub(super) fn menu_html(props: &DiagramProps, t: MenuTarget, w: f64, h: f64) -> Html {
    if t.actions.is_empty() {
        return html! {};
    }
    let id = t.id;
    // Anchor under the box, as percentages of the stage (the SVG fills it exactly).
    let left = t.anchor.0 / w * 100.0;
    let top = t.anchor.1 / h * 100.0;
    let align = if left > 70.0 {
        "align-right"
    } else if left < 30.0 {
        "align-left"
    } else {
        "align-center"
    };
    let onkeydown = {
        let close = props.on_close_menu.clone();
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            match key.as_str() {
                "Escape" => {
                    e.prevent_default();
                    close.emit(());
                    super::runner::focus_node(id);
                }
                "ArrowDown" | "ArrowUp" | "Home" | "End" => {
                    e.prevent_default();
                    move_menu_focus(&key);
                }
                "Tab" => close.emit(()),
                _ => {}
            }
        })
    };
    let items = t.actions.iter().map(|(a, label, hint)| {
        let cb = props.on_action.clone();
        let a = *a;
        let onclick = Callback::from(move |_: MouseEvent| cb.emit((id, a)));
        html! {
            <button type="button" role="menuitem" class={classes!("menu-item", format!("act-{}", a.key()))}
                    data-action={a.key()} {onclick}>
                <span class="menu-label">{ *label }</span>
                <span class="menu-hint">{ hint.clone() }</span>
            </button>
        }
    });
    let design = props.design.then(|| {
        let items = t.design.iter().map(|&d| {
            let cb = props.on_design.clone();
            let onclick = Callback::from(move |_: MouseEvent| cb.emit((id, d)));
            html! {
                <button type="button" role="menuitem" class={classes!("menu-item", "menu-design")}
                        data-design={d.key()} {onclick}>
                    <span class="menu-label">{ d.label() }</span>
                </button>
            }
        });
        html! { <>
            <div class="menu-title menu-section" role="presentation">{ "Change the design" }</div>
            { for items }
        </> }
    });
    html! {
        <div class={classes!("node-menu", align)} role="menu" aria-label={format!("Faults for {}", t.name)}
             style={format!("left: {left:.2}%; top: {top:.2}%")} {onkeydown} data-menu-for={t.name.clone()}>
            <div class="menu-title">
                <span>{ format!("{} · {}", t.name, t.state) }</span>
                <span class="menu-sub">{ "at the current simulated time" }</span>
            </div>
            { for items }
            { design.unwrap_or_default() }
        </div>
    }
}

/// Arrow keys move between menu items (WAI-ARIA menu pattern).
fn move_menu_focus(key: &str) {
    let Some(doc) = common::document() else {
        return;
    };
    let Ok(list) = doc.query_selector_all(".node-menu [role=menuitem]") else {
        return;
    };
    let items: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    if items.is_empty() {
        return;
    }
    let active = doc.active_element();
    let cur = items.iter().position(|e| {
        active
            .as_ref()
            .is_some_and(|a| a == e.as_ref() as &web_sys::Element)
    });
    let next = match (key, cur) {
        ("Home", _) => 0,
        ("End", _) => items.len() - 1,
        ("ArrowDown", Some(i)) => (i + 1) % items.len(),
        ("ArrowUp", Some(i)) => (i + items.len() - 1) % items.len(),
        _ => 0,
    };
    let _ = items[next].focus();
}
