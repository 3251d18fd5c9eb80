//! The system diagram: an SVG of the topology, laid out by `layout.rs`, with the request
//! animation on a canvas above it (`canvas.rs`, drawn by the frame loop, not by Yew).
//!
//! Every node shows its state three ways: a colour, an icon and a word. Balancer → instance
//! edges carry a badge with the balancer's belief about the target ("2/3 checks failed"),
//! dashed when the target is out of rotation. Instances show busy workers and queue depth
//! as bars. Nodes are buttons (click, or Tab then Enter/Space) that open a menu of faults;
//! every menu choice becomes a timed command (`Simulation::schedule`).
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::common::{self, health_look, kind_icon, kind_label, look, wrap, Shared};
use super::layout::{Layout, Orientation, Placed};
use crate::sim::snapshot::{EdgeView, NodeKind, NodeStatus, NodeView};
use crate::sim::{Fault, FaultAction, Snapshot};

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
                NodeAction::Heal,
            ],
            NodeKind::Balancer | NodeKind::Gateway => {
                &[NodeAction::Fail, NodeAction::Unreachable, NodeAction::Heal]
            }
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

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub layout: Shared<Layout>,
    pub snapshot: Shared<Snapshot>,
    pub selected: Option<u32>,
    /// Node whose menu is open.
    pub menu: Option<u32>,
    pub canvas: NodeRef,
    /// Sampling factor of the animation (1 = every request drawn).
    pub sampling: u64,
    pub reduced_motion: bool,
    /// Click / Enter on a node: select it and open its menu.
    pub on_node: Callback<u32>,
    pub on_action: Callback<(u32, NodeAction)>,
    pub on_close_menu: Callback<()>,
    /// Click / Enter on the link between two zones or regions: (a, b, cut) partitions them
    /// (cut) or repairs the partition.
    pub on_link: Callback<(String, String, bool)>,
}

#[function_component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    let layout = &*props.layout;
    let snap = &*props.snapshot;
    let (w, h) = (layout.width, layout.height);

    // Focus the first menu item when a menu opens, so keyboard users land in it.
    {
        let menu = props.menu;
        use_effect_with(menu, move |menu| {
            if menu.is_some() {
                super::runner::focus_selector(".node-menu [role=menuitem]");
            }
        });
    }

    let close_bg = {
        let cb = props.on_close_menu.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };

    let name_of = |id: u32| {
        snap.nodes
            .iter()
            .find(|n| n.id == id)
            .map(|n| n.name.as_str())
            .unwrap_or("?")
    };

    let edges = snap.edges.iter().filter_map(|e| {
        let route = layout.route(e.from, e.to)?;
        Some(edge_html(layout, route, e, name_of(e.from), name_of(e.to)))
    });
    let badges = snap.edges.iter().filter_map(|e| {
        let route = layout.route(e.from, e.to)?;
        let health = e.health.as_ref()?;
        Some(badge_html(
            layout,
            route,
            e,
            health,
            name_of(e.from),
            name_of(e.to),
        ))
    });
    let nodes = snap.nodes.iter().filter_map(|n| {
        let p = layout.node(n.id)?;
        Some(node_html(props, layout.orientation, p, n))
    });
    // Zones inside regions; a failed one is drawn red with its state in words.
    let groups = layout.groups.iter().map(|g| {
        let dom = snap.domains.iter().find(|d| d.name == g.label);
        let down = dom.is_some_and(|d| d.down);
        let kind = dom.map(|d| d.kind.name()).unwrap_or(if g.level == 0 { "region" } else { "zone" });
        let spof = snap.spofs.iter().any(|s| s.name == g.label);
        // Zones sit inside their region's box: their name says enough, and keeps narrow
        // columns readable.
        let prefix = if g.level == 0 { format!("{kind} ") } else { String::new() };
        let label = format!(
            "{prefix}{}{}{}",
            g.label,
            if down { " · down" } else { "" },
            if spof { " · SPOF" } else { "" }
        );
        let id = dom.map(|d| d.id);
        let onclick = {
            let cb = props.on_node.clone();
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                if let Some(id) = id {
                    cb.emit(id);
                }
            })
        };
        let onkeydown = {
            let cb = props.on_node.clone();
            Callback::from(move |e: KeyboardEvent| {
                if matches!(e.key().as_str(), "Enter" | " ") {
                    e.prevent_default();
                    if let Some(id) = id {
                        cb.emit(id);
                    }
                }
            })
        };
        html! {
            <g class={classes!("group-box", if g.level == 0 { "level-region" } else { "level-zone" }, down.then_some("down"))}
               data-domain={g.label.clone()} data-down={if down { "1" } else { "0" }}
               data-domain-id={id.map(|i| i.to_string())} role="button" tabindex="0" {onclick} {onkeydown}
               aria-label={format!("{kind} {label}. Press Enter to fail or heal the whole {kind}.")}>
                <rect x={fmt(g.x)} y={fmt(g.y)} width={fmt(g.w)} height={fmt(g.h)} rx={if g.level == 0 { "16" } else { "12" }} />
                <text x={fmt(g.x + 10.0)} y={fmt(g.y + 12.0)}>{ label }</text>
            </g>
        }
    });

    let links = domain_links(layout, snap).into_iter().map(|(a, b, at)| {
        let cut = snap
            .partitions
            .iter()
            .any(|(x, y)| (x == &a && y == &b) || (x == &b && y == &a));
        let label = if cut {
            format!("Network between {a} and {b} is cut. Press Enter to repair it.")
        } else {
            format!("Network link between {a} and {b}. Press Enter to partition them (traffic between them is dropped).")
        };
        let emit = {
            let cb = props.on_link.clone();
            let (a, b) = (a.clone(), b.clone());
            move || cb.emit((a.clone(), b.clone(), !cut))
        };
        let onclick = {
            let emit = emit.clone();
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                emit();
            })
        };
        let onkeydown = Callback::from(move |e: KeyboardEvent| {
            if matches!(e.key().as_str(), "Enter" | " ") {
                e.prevent_default();
                emit();
            }
        });
        let (dx, dy) = match layout.orientation {
            Orientation::Vertical => (14.0, 0.0),
            Orientation::Horizontal => (0.0, 14.0),
        };
        html! {
            <g class={classes!("domain-link", cut.then_some("cut"))} role="button" tabindex="0"
               aria-label={label.clone()} aria-pressed={if cut { "true" } else { "false" }}
               data-link={format!("{a}|{b}")} {onclick} {onkeydown}>
                <title>{ label }</title>
                <line x1={fmt(at.x - dx)} y1={fmt(at.y - dy)} x2={fmt(at.x + dx)} y2={fmt(at.y + dy)} />
                <circle cx={fmt(at.x)} cy={fmt(at.y)} r="9" />
                <text x={fmt(at.x)} y={fmt(at.y + 4.0)} text-anchor="middle">{ if cut { "✕" } else { "⇄" } }</text>
            </g>
        }
    });

    let menu = props.menu.and_then(|id| {
        let target = match snap.nodes.iter().find(|n| n.id == id) {
            Some(n) => node_menu(n, layout.node(id)?),
            None => {
                let d = snap.domains.iter().find(|d| d.id == id)?;
                domain_menu(d, layout.groups.iter().find(|g| g.label == d.name)?)
            }
        };
        Some(menu_html(props, target, w, h))
    });

    let summary = diagram_summary(snap);
    let partitions = (!snap.partitions.is_empty()).then(|| {
        let pairs: Vec<String> = snap.partitions.iter().map(|(a, b)| format!("{a} ⟂ {b}")).collect();
        html! {
            <span class="overlay-note partition" title="Network partitions: traffic between these failure domains is dropped">
                { format!("partitioned: {}", pairs.join(", ")) }
            </span>
        }
    });
    let view_box = format!("0 0 {} {}", fmt(w), fmt(h));
    let sampled = (props.sampling > 1 && !props.reduced_motion).then(|| {
        html! {
            <span class="overlay-note" title="Too many requests to draw them all: one dot per k requests, chosen deterministically.">
                { format!("sampled 1/{}", props.sampling) }
            </span>
        }
    });
    let motion_note = props.reduced_motion.then(|| {
        html! {
            <span class="overlay-note" title="Your system asks for reduced motion: edges glow with their recent traffic instead of moving dots.">
                { "reduced motion: edge glow shows traffic" }
            </span>
        }
    });

    html! {
        <>
        <div class={classes!("diagram-stage", (layout.orientation == Orientation::Vertical).then_some("vertical"))}
             // Never scaled up much: a two-node system should not get giant text.
             style={format!("aspect-ratio: {} / {}; max-width: {}px", fmt(w), fmt(h), fmt(w * 1.2))}
             data-orientation={if layout.orientation == Orientation::Vertical { "vertical" } else { "horizontal" }}>
            // Three layers with one coordinate system: edges, then the moving dots (canvas), then
            // badges and nodes, so dots pass under the labels instead of hiding them.
            <svg class="diagram-svg under" viewBox={view_box.clone()} preserveAspectRatio="xMidYMid meet" aria-hidden="true">
                <rect class="diagram-bg" x="0" y="0" width={fmt(w)} height={fmt(h)} onclick={close_bg} />
                <g class="groups">{ for groups }</g>
                <g class="edges">{ for edges }</g>
            </svg>
            <canvas class="diagram-overlay" ref={props.canvas.clone()} aria-hidden="true"></canvas>
            <svg class="diagram-svg over" viewBox={view_box} preserveAspectRatio="xMidYMid meet" role="group" aria-label={summary}>
                <g class="badges">{ for badges }</g>
                <g class="nodes">{ for nodes }</g>
                <g class="links">{ for links }</g>
            </svg>
            // Always present, so that opening the menu never shifts its siblings: Yew matches
            // unkeyed children from the end, and a shifted canvas or node would be recreated
            // (losing keyboard focus).
            <div class="menu-layer">{ menu }</div>
        </div>
        <div class="overlay-notes">{ partitions }{ sampled }{ motion_note }</div>
        <p class="spof-note" data-spofs={snap.spofs.len().to_string()}>{ spof_sentence(snap) }</p>
        </>
    }
}

/// The network links a user can cut: between neighbouring zones of one region, and between
/// neighbouring regions, drawn in the gap between their boxes.
fn domain_links(layout: &Layout, snap: &Snapshot) -> Vec<(String, String, super::layout::Pt)> {
    use super::layout::{GroupBox, Pt};
    let parent = |name: &str| {
        snap.domains
            .iter()
            .find(|d| d.name == name)
            .and_then(|d| d.parent.clone())
    };
    let vertical = layout.orientation == Orientation::Vertical;
    // Along the lanes (cross axis) and across them (main axis).
    let cross = |g: &GroupBox| {
        if vertical {
            (g.x, g.x + g.w)
        } else {
            (g.y, g.y + g.h)
        }
    };
    let main = |g: &GroupBox| {
        if vertical {
            (g.y, g.y + g.h)
        } else {
            (g.x, g.x + g.w)
        }
    };
    let mut out = Vec::new();
    for level in [0u8, 1] {
        let mut boxes: Vec<&GroupBox> = layout.groups.iter().filter(|g| g.level == level).collect();
        common::sort_by(&mut boxes, |a, b| cross(a).0.total_cmp(&cross(b).0));
        for pair in boxes.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if level == 1 && parent(&a.label) != parent(&b.label) {
                continue;
            }
            let c = (cross(a).1 + cross(b).0) / 2.0;
            // Near the top of the stretch both boxes share.
            let m = main(a).0.max(main(b).0) + 34.0;
            let at = if vertical {
                Pt { x: c, y: m }
            } else {
                Pt { x: m, y: c }
            };
            out.push((a.label.clone(), b.label.clone(), at));
        }
    }
    out
}

/// The teaching point of the whole app, for the system on screen.
fn spof_sentence(snap: &Snapshot) -> Html {
    if snap.spofs.is_empty() {
        return html! {
            <><strong>{ "No single point of failure: " }</strong>{ "any one node, zone or region can fail and requests still have a path." }</>
        };
    }
    let items = snap.spofs.iter().enumerate().map(|(i, s)| {
        html! {
            <>
                { if i > 0 { ", " } else { "" } }
                <span class="spof-name" title={s.why.clone()} data-stops={s.stops()}>
                    { if s.reads && s.writes { format!("{} ({})", s.name, s.kind) } else { format!("{} ({}; stops {} only)", s.name, s.kind, s.stops()) } }
                </span>
            </>
        }
    });
    html! {
        <>
            <strong>{ "Single points of failure: " }</strong>
            { for items }
            { " — if any one of these fails, every request (or every write, where marked) fails." }
        </>
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// One sentence for screen readers about the whole system.
fn diagram_summary(snap: &Snapshot) -> String {
    let failing: Vec<String> = snap
        .nodes
        .iter()
        .filter(|n| n.kind != NodeKind::Clients && !n.status.is_healthy())
        .map(|n| format!("{} {}", n.name, n.status.name()))
        .collect();
    let mut failing = failing;
    failing.extend(
        snap.domains
            .iter()
            .filter(|d| d.down)
            .map(|d| format!("{} {} down", d.kind.name(), d.name)),
    );
    let state = if failing.is_empty() {
        "every component is up".to_string()
    } else {
        failing.join(", ")
    };
    format!(
        "System diagram: {} nodes; {state}. Each node is a button with fault actions.",
        snap.nodes.len()
    )
}

fn edge_html(
    layout: &Layout,
    route: &super::layout::Route,
    e: &EdgeView,
    from: &str,
    to: &str,
) -> Html {
    let out = e.health.as_ref().is_some_and(|h| !h.in_rotation);
    let class = classes!(
        "edge",
        out.then_some("out-of-rotation"),
        e.backup.then_some("backup"),
        (e.in_flight > 0).then_some("busy"),
    );
    html! {
        <path class={class} d={layout.path_d(route)} data-from={from.to_string()} data-to={to.to_string()}>
            <title>{ format!("{from} → {to}: {} in flight{}", e.in_flight, if e.backup { " (backup target)" } else { "" }) }</title>
        </path>
    }
}

fn badge_html(
    layout: &Layout,
    route: &super::layout::Route,
    e: &EdgeView,
    health: &crate::sim::snapshot::HealthView,
    from: &str,
    to: &str,
) -> Html {
    let vertical = layout.orientation == Orientation::Vertical;
    let l = health_look(health.state);
    // Short enough for the gap between layers: "2/3 checks failed" → "2/3 failed" (the
    // tooltip and the inspector have the full sentence).
    let detail = health
        .detail
        .replace(" checks", "")
        .replace("initial: ", "");
    let mut text = if detail.chars().count() <= 16 {
        detail
    } else {
        l.label.to_string()
    };
    if !health.in_rotation && health.state != "down" {
        text = format!("{text} · out");
    }
    let (bw, bh) = badge_size(&text, vertical);
    let f = if vertical { 0.72 } else { 0.55 };
    let Some(at) = layout.badge_center(route, f, bw, bh) else {
        return html! {};
    };
    let (x, y) = (at.x - bw / 2.0, at.y - bh / 2.0);
    let title = format!(
        "{from}'s health check of {to}: {} — {}{}{}",
        health.state,
        health.detail,
        if health.in_rotation {
            " (in rotation)"
        } else {
            " (out of rotation: gets no traffic)"
        },
        if e.backup { "; backup server" } else { "" }
    );
    html! {
        <g class={classes!("badge", l.class)} transform={format!("translate({},{})", fmt(x), fmt(y))}
           data-health={health.state} data-from={from.to_string()} data-to={to.to_string()}>
            <title>{ title }</title>
            <rect class="badge-box" width={fmt(bw)} height={fmt(bh)} rx="9.5" />
            <path class="badge-icon" d={l.icon} transform="translate(6,3.5) scale(1)" />
            <text class="badge-text" x="20" y="13.2">{ text }</text>
        </g>
    }
}

/// A health badge's box for its text (the text's width estimated per character).
pub fn badge_size(text: &str, vertical: bool) -> (f64, f64) {
    let char_w = if vertical { 5.6 } else { 6.1 };
    (24.0 + text.chars().count() as f64 * char_w, 19.0)
}

fn node_html(props: &DiagramProps, o: Orientation, p: &Placed, n: &NodeView) -> Html {
    let id = n.id;
    let snap_spof = props.snapshot.spofs.iter().find(|s| s.name == n.name);
    let l = look(n.status);
    let is_clients = n.kind == NodeKind::Clients;
    let selected = props.selected == Some(id);
    let open = props.menu == Some(id);
    let onclick = {
        let cb = props.on_node.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            cb.emit(id);
        })
    };
    let onkeydown = {
        let cb = props.on_node.clone();
        let close = props.on_close_menu.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" | " " => {
                e.prevent_default();
                cb.emit(id);
            }
            "Escape" => close.emit(()),
            _ => {}
        })
    };
    let status_word = if is_clients { "sending" } else { l.label };
    let aria = format!(
        "{}, {}, {status_word}: {}.{}",
        n.name,
        kind_label(n.kind),
        n.detail,
        if is_clients {
            " Press Enter to inspect."
        } else {
            " Press Enter for fault actions."
        }
    );
    let vertical = o == Orientation::Vertical;
    let (w, h) = (p.w, p.h);
    let pad = if vertical { 9.0 } else { 14.0 };
    let name_size = if vertical { 12.5 } else { 14.0 };
    let max_name = if vertical { 13 } else { 20 };
    let name: String = if n.name.chars().count() > max_name {
        format!("{}…", n.name.chars().take(max_name - 1).collect::<String>())
    } else {
        n.name.clone()
    };
    // Status pill: icon + word, width from the word.
    let pill_text = if is_clients {
        clients_rate(&n.detail)
    } else {
        l.label.to_string()
    };
    let pill_w = 26.0 + pill_text.chars().count() as f64 * 6.6;
    let pill_y = if vertical { 27.0 } else { 34.0 };
    let pill_icon = if is_clients {
        common::icon::BOLT
    } else {
        l.icon
    };

    let detail_lines: Vec<String> =
        if vertical || (n.kind == NodeKind::Instance && n.status == NodeStatus::Up) {
            Vec::new()
        } else {
            wrap(&n.detail, 28, 2)
        };
    let detail = detail_lines.iter().enumerate().map(|(i, line)| {
        html! { <text class="node-detail" x={fmt(pad)} y={fmt(68.0 + i as f64 * 13.5)}>{ line.clone() }</text> }
    });

    let bars = (n.kind == NodeKind::Instance).then(|| {
        let bar_w = w - 2.0 * pad;
        let workers = n.workers.max(1) as f64;
        let busy = (n.busy as f64 / workers).clamp(0.0, 1.0);
        let qcap = n.queue_capacity.max(1) as f64;
        // Queue on a square-root scale: a few waiting requests are already worth seeing.
        let q = (n.queue_len as f64 / qcap).clamp(0.0, 1.0).sqrt();
        let label = format!("{}/{} busy · {} queued", n.busy, n.workers, n.queue_len);
        let (label_y, bar_y) = if vertical { (62.0, 69.0) } else if n.status == NodeStatus::Up { (70.0, 77.0) } else { (0.0, 86.0) };
        let show_label = vertical || n.status == NodeStatus::Up;
        let short = format!("{}/{} · q{}", n.busy, n.workers, n.queue_len);
        html! {
            <g class="node-load">
                if show_label {
                    <text class="node-detail" x={fmt(pad)} y={fmt(label_y)}>{ if vertical { short } else { label } }</text>
                }
                <rect class="bar-track" x={fmt(pad)} y={fmt(bar_y)} width={fmt(bar_w)} height="5" rx="2.5" />
                <rect class="bar-busy" x={fmt(pad)} y={fmt(bar_y)} width={fmt(bar_w * busy)} height="5" rx="2.5" />
                <rect class="bar-track" x={fmt(pad)} y={fmt(bar_y + 7.0)} width={fmt(bar_w)} height="3" rx="1.5" />
                <rect class="bar-queue" x={fmt(pad)} y={fmt(bar_y + 7.0)} width={fmt(bar_w * q)} height="3" rx="1.5" />
            </g>
        }
    });
    let vertical_extra = (vertical && n.kind != NodeKind::Instance).then(|| {
        let line = wrap(&n.detail, 17, 1)
            .into_iter()
            .next()
            .unwrap_or_default();
        html! { <text class="node-detail" x={fmt(pad)} y="64">{ line }</text> }
    });

    html! {
        <g class={classes!("node", format!("kind-{}", kind_class(n.kind)), (!is_clients).then_some(l.class), is_clients.then_some("st-clients"), selected.then_some("selected"))}
           transform={format!("translate({},{})", fmt(p.x), fmt(p.y))}
           role="button" tabindex="0" aria-label={aria} aria-haspopup={(!is_clients).then_some("menu")}
           aria-expanded={(!is_clients).then_some(if open { "true" } else { "false" })}
           data-node-id={id.to_string()} data-node-name={n.name.clone()} data-status={n.status.name()}
           {onclick} {onkeydown}>
            <title>{ format!("{} ({}) — {status_word}: {}", n.name, kind_label(n.kind), n.detail) }</title>
            <rect class="node-focus" x="-5" y="-5" width={fmt(w + 10.0)} height={fmt(h + 10.0)} rx="15" />
            <rect class="node-box" width={fmt(w)} height={fmt(h)} rx="11" />
            <rect class="node-accent" x="0" y="10" width="4" height={fmt(h - 20.0)} rx="2" />
            <path class="node-kind-icon" d={kind_icon(n.kind)} transform={format!("translate({},{})", fmt(pad), if vertical { "8" } else { "11" })} />
            <text class="node-name" x={fmt(pad + 21.0)} y={if vertical { "20.5" } else { "24" }} font-size={fmt(name_size)}>{ name }</text>
            <g class="pill" transform={format!("translate({},{})", fmt(pad), fmt(pill_y))}>
                <rect class="pill-box" width={fmt(pill_w)} height="20" rx="10" />
                <path class="pill-icon" d={pill_icon} transform="translate(7,4)" />
                <text class="pill-text" x="22" y="14">{ pill_text }</text>
            </g>
            if let Some(spof) = snap_spof {
                <g class="spof-tag" transform={format!("translate({},6)", fmt(w - 48.0))}>
                    <title>{ format!("Single point of failure: {}", spof.why) }</title>
                    <rect width="42" height="17" rx="8.5" />
                    <text x="21" y="12.3" text-anchor="middle">{ "SPOF" }</text>
                </g>
            }
            <g class="node-extra">
                { for detail }
                { bars }
                { vertical_extra }
            </g>
        </g>
    }
}

/// "200 requests/s, timeout 5.0 s" → "200 req/s".
fn clients_rate(detail: &str) -> String {
    detail
        .split(' ')
        .next()
        .map(|n| format!("{n} req/s"))
        .unwrap_or_else(|| "sending".into())
}

fn kind_class(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Clients => "clients",
        NodeKind::Dns => "dns",
        NodeKind::Gateway => "gateway",
        NodeKind::Database => "database",
        NodeKind::Balancer => "balancer",
        NodeKind::Instance => "instance",
    }
}

/// What a menu is for: a node, or a zone / region box.
struct MenuTarget {
    id: u32,
    name: String,
    state: String,
    /// (action, label, hint).
    actions: Vec<(NodeAction, &'static str, String)>,
    /// Bottom centre of the box it belongs to (layout units).
    anchor: (f64, f64),
}

fn node_menu(n: &NodeView, p: &Placed) -> MenuTarget {
    MenuTarget {
        id: n.id,
        name: n.name.clone(),
        state: look(n.status).label.to_string(),
        actions: NodeAction::for_kind(n.kind)
            .iter()
            .map(|&a| (a, a.label(), a.hint()))
            .collect(),
        anchor: (p.x + p.w / 2.0, p.y + p.h),
    }
}

fn domain_menu(d: &crate::sim::snapshot::DomainView, g: &super::layout::GroupBox) -> MenuTarget {
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
        anchor: (g.x + g.w / 2.0, g.y + g.h),
    }
}

fn menu_html(props: &DiagramProps, t: MenuTarget, w: f64, h: f64) -> Html {
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
    html! {
        <div class={classes!("node-menu", align)} role="menu" aria-label={format!("Faults for {}", t.name)}
             style={format!("left: {left:.2}%; top: {top:.2}%")} {onkeydown} data-menu-for={t.name.clone()}>
            <div class="menu-title">
                <span>{ format!("{} · {}", t.name, t.state) }</span>
                <span class="menu-sub">{ "at the current simulated time" }</span>
            </div>
            { for items }
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
