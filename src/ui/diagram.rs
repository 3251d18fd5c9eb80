//! The system diagram: an SVG of the topology, laid out by `layout.rs`, with the request
//! animation on a canvas above it (`canvas.rs`, drawn by the frame loop, not by Yew).
//!
//! Every node shows its state three ways: a colour, an icon and a word. Balancer → instance
//! edges carry a badge with the balancer's belief about the target ("2/3 checks failed"),
//! dashed when the target is out of rotation. Instances show busy workers and queue depth
//! as bars. Nodes are buttons (click, or Tab then Enter/Space) that open a menu of faults;
//! every menu choice becomes a timed command (`Simulation::schedule`; the menu itself is in
//! `node_menu.rs`, the badges in `badges.rs`, the zoom in `zoom.rs`).
use yew::prelude::*;

use super::badges;
pub use super::badges::badge_size;
use super::common::{self, kind_icon, kind_label, look, wrap, Shared};
use super::layout::{Layout, Orientation, Placed};
use super::node_menu::{domain_menu, menu_html, node_menu};
pub use super::node_menu::{NodeAction, ADDED_LATENCY_MS, GRAY_ERROR_RATE, GRAY_EXTRA_MS};
use super::zoom::{Zoom, ZoomBar, ZoomRequest};
use crate::sim::snapshot::{EdgeView, NodeKind, NodeStatus, NodeView};
use crate::sim::Snapshot;

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
    /// Show the menus' "change the design" items (`node_menu::DesignItem`).
    #[prop_or_default]
    pub design: bool,
    #[prop_or_default]
    pub on_design: Callback<(u32, super::node_menu::DesignItem)>,
    /// The "+" on a zone box: add something in that zone (the design bar's form).
    #[prop_or_default]
    pub on_add_in_zone: Option<Callback<String>>,
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

    let zoom = use_state(|| Zoom::Auto);
    let viewport_ref = use_node_ref();
    let stage_ref = use_node_ref();
    let on_zoom = {
        let zoom = zoom.clone();
        let stage_ref = stage_ref.clone();
        Callback::from(move |req: ZoomRequest| {
            // − and + step from the scale on screen now, whatever chose it.
            let shown = stage_ref
                .cast::<web_sys::Element>()
                .map(|s| s.get_bounding_client_rect().width() / w)
                .filter(|s| *s > 0.0)
                .unwrap_or(1.0);
            zoom.set(match req {
                ZoomRequest::In => Zoom::stepped(shown, true),
                ZoomRequest::Out => Zoom::stepped(shown, false),
                ZoomRequest::Fit => Zoom::Fit,
                ZoomRequest::Readable => Zoom::Scale(super::zoom::readable_scale()),
            });
        })
    };

    // A diagram wider than its box (phones, readable zoom) opens on its middle, where the
    // request path runs, rather than on its left margin.
    {
        let viewport = viewport_ref.clone();
        use_effect_with((w, h), move |_| {
            if let Some(v) = viewport.cast::<web_sys::Element>() {
                let extra = v.scroll_width() - v.client_width();
                if extra > 0 {
                    v.set_scroll_left(extra / 2);
                }
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
        let route = route_of(layout, e)?;
        Some(edge_html(layout, &route, e, name_of(e.from), name_of(e.to)))
    });
    let badges = placed_badges(layout, snap, &name_of);
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
        html! { <>
            <g class={classes!("group-box", if g.level == 0 { "level-region" } else { "level-zone" }, down.then_some("down"))}
               data-domain={g.label.clone()} data-down={if down { "1" } else { "0" }}
               data-domain-id={id.map(|i| i.to_string())} role="button" tabindex="0" {onclick} {onkeydown}
               aria-label={format!("{kind} {label}. Press Enter to fail or heal the whole {kind}.")}>
                <title>{ format!("{kind} {}: click to {} the whole {kind}", g.label, if down { "heal" } else { "fail" }) }</title>
                <rect x={fmt(g.x)} y={fmt(g.y)} width={fmt(g.w)} height={fmt(g.h)} rx={if g.level == 0 { "16" } else { "12" }} />
                <text x={fmt(g.x + 10.0)} y={fmt(g.y + 12.0)}>{ label }<tspan class="group-hint" aria-hidden="true">{ " ⚡" }</tspan></text>
            </g>
            { zone_add(props, g) }
        </> }
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
        // The stage pans inside this box when zoomed past its width (phones).
        <div class="diagram-viewport" ref={viewport_ref}>
        <div class={classes!("diagram-stage", (layout.orientation == Orientation::Vertical).then_some("vertical"), zoom.class())}
             ref={stage_ref}
             // Never scaled up much when fitted: a two-node system should not get giant text.
             style={zoom.style(w, h)}
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
                <defs>
                    <pattern id="hatch-unknown" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <line class="hatch-line" x1="0" y1="0" x2="0" y2="6" />
                    </pattern>
                </defs>
                <g class="badges">{ for badges.into_iter() }</g>
                <g class="nodes">{ for nodes }</g>
                <g class="links">{ for links }</g>
            </svg>
            // Always present, so that opening the menu never shifts its siblings: Yew matches
            // unkeyed children from the end, and a shifted canvas or node would be recreated
            // (losing keyboard focus).
            <div class="menu-layer">{ menu }</div>
        </div>
        </div>
        <div class="overlay-notes">
            <ZoomBar zoom={*zoom} {on_zoom} />
            if !layout.groups.is_empty() {
                <span class="overlay-note hint" data-hint="domains">{ "Tip: click a zone or region box to fail it; ⇄ between boxes cuts the network" }</span>
            }
            { partitions }{ sampled }{ motion_note }
        </div>
        <p class="spof-note" data-spofs={snap.spofs.len().to_string()}>{ spof_sentence(snap) }</p>
        { capacity_sentence(snap) }{ super::autoscaling_note::autoscaling_note(snap) }
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
/// The "+" in a zone box's top-right corner: add a component in that zone (design mode).
fn zone_add(props: &DiagramProps, g: &super::layout::GroupBox) -> Html {
    let Some(cb) = props.on_add_in_zone.clone().filter(|_| g.level > 0) else {
        return html! {};
    };
    let zone = g.label.clone();
    let emit = move || cb.emit(zone.clone());
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
    let (x, y) = (g.x + g.w - 20.0, g.y + 3.0);
    html! {
        <g class="zone-add" role="button" tabindex="0" data-add-in-zone={g.label.clone()} {onclick} {onkeydown}
           aria-label={format!("Add a component in zone {}", g.label)}>
            <title>{ format!("Add an instance, balancer, gateway or standby in zone {}", g.label) }</title>
            <rect x={fmt(x)} y={fmt(y)} width="16" height="16" rx="4" />
            <text x={fmt(x + 8.0)} y={fmt(y + 12.5)} text-anchor="middle">{ "+" }</text>
        </g>
    }
}

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

/// The capacity-aware finding (k of n under the peak load), when some tier needs more
/// than one instance: what the structural sentence cannot see.
fn capacity_sentence(snap: &Snapshot) -> Html {
    let c = &snap.capacity;
    if !c.binds() {
        return Html::default();
    }
    let findings = c.tiers.iter().filter(|t| t.needed > 1).map(|t| {
        html! { <span class="capacity-tier" data-needed={t.needed.to_string()} data-of={t.instances.len().to_string()}>{ format!("{}. ", t.finding) }</span> }
    });
    const SHOWN: usize = 8;
    let names = c.spofs.iter().take(SHOWN).enumerate().map(|(i, s)| {
        html! {
            <>
                { if i > 0 { ", " } else { "" } }
                <span class="spof-name" title={s.why.clone()}>{ s.name.clone() }</span>
            </>
        }
    });
    let more = c.spofs.len().saturating_sub(SHOWN);
    html! {
        <p class="capacity-note" data-capacity-spofs={c.spofs.len().to_string()}>
            <strong>{ format!("Under the peak load ({:.0} req/s): ", c.peak_rps) }</strong>
            { for findings }
            if !c.spofs.is_empty() {
                { "Single points of failure under load: " }
                { for names }
                if more > 0 { { format!(" and {more} more") } }
                { format!(" — capacity-aware availability {:.4} %.", c.availability * 100.0) }
            } else {
                { format!("Capacity-aware availability {:.4} %.", c.availability * 100.0) }
            }
        </p>
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

/// The route an edge is drawn along. The layout knows every edge the topology can have
/// (`runner::topology_layout` adds an instance's edge to every database node); an edge that
/// turned round (replication after a promotion runs from the new primary to the old) takes
/// its reverse.
fn route_of(layout: &Layout, e: &EdgeView) -> Option<super::layout::Route> {
    if let Some(r) = layout.route(e.from, e.to) {
        return Some(r.clone());
    }
    let back = layout.route(e.to, e.from)?;
    Some(super::layout::Route {
        from: e.from,
        to: e.to,
        points: back.points.iter().rev().copied().collect(),
    })
}

/// Every health badge, placed so that none overlaps another.
fn placed_badges<'a>(
    layout: &Layout,
    snap: &Snapshot,
    name_of: &impl Fn(u32) -> &'a str,
) -> Vec<Html> {
    let vertical = layout.orientation == Orientation::Vertical;
    let f = if vertical { 0.72 } else { 0.55 };
    let items: Vec<(
        &EdgeView,
        &crate::sim::snapshot::HealthView,
        super::layout::Route,
        String,
    )> = snap
        .edges
        .iter()
        .filter_map(|e| {
            let health = e.health.as_ref()?;
            let route = route_of(layout, e)?;
            Some((e, health, route, badges::badge_text(health, vertical)))
        })
        .collect();
    let wanted: Vec<(&super::layout::Route, f64, f64, f64)> = items
        .iter()
        .map(|(_, _, route, text)| {
            let (w, h) = badge_size(text, vertical);
            (route, f, w, h)
        })
        .collect();
    let placed = badges::place(layout, &wanted);
    items
        .iter()
        .zip(placed)
        .filter_map(|((e, health, _, text), at)| {
            Some(badges::badge_html(
                at?,
                text,
                e,
                health,
                name_of(e.from),
                name_of(e.to),
            ))
        })
        .collect()
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
    let status_word = if is_clients {
        "sending"
    } else {
        n.overload
            .filter(|_| n.status == NodeStatus::Up)
            .unwrap_or(l.label)
    };
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
    // Overload states (issue 13) take the pill of an instance or balancer that is up:
    // "over capacity", "shedding", "circuit open", each with its icon.
    let overload = n.overload.filter(|_| n.status == NodeStatus::Up);
    let pill_text = if is_clients {
        clients_rate(&n.detail, vertical)
    } else if let Some(word) = overload {
        word.to_string()
    } else {
        l.label.to_string()
    };
    let pill_w = 26.0 + pill_text.chars().count() as f64 * 6.6;
    let pill_y = if vertical { 27.0 } else { 34.0 };
    let pill_icon = match (is_clients, overload) {
        (true, _) => common::icon::BOLT,
        (false, Some("shedding")) => common::icon::DOWN,
        (false, Some("circuit open")) => common::icon::NO_ENTRY,
        (false, Some(_)) => common::icon::BANG,
        (false, None) => l.icon,
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
        // Utilisation (offered ÷ capacity) when the scenario measures it.
        let util = n
            .utilisation
            .map(|u| format!(" · {:.0} %", u * 100.0))
            .unwrap_or_default();
        let label = format!("{}/{} busy · {} queued{util}", n.busy, n.workers, n.queue_len);
        let (label_y, bar_y) = if vertical { (62.0, 69.0) } else if n.status == NodeStatus::Up { (70.0, 77.0) } else { (0.0, 86.0) };
        let show_label = vertical || n.status == NodeStatus::Up;
        let short = format!("{}/{} · q{}{util}", n.busy, n.workers, n.queue_len);
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
        // A population's share goes under its rate: "60 % of 150/s".
        let detail = population_share_line(&n.detail).unwrap_or_else(|| n.detail.clone());
        let line = wrap(&detail, 17, 1).into_iter().next().unwrap_or_default();
        html! { <text class="node-detail" x={fmt(pad)} y="64">{ line }</text> }
    });

    html! {
        <g class={classes!("node", format!("kind-{}", kind_class(n.kind)), (!is_clients).then_some(l.class), is_clients.then_some("st-clients"), overload.map(|_| "st-overload"), selected.then_some("selected"))}
           transform={format!("translate({},{})", fmt(p.x), fmt(p.y))}
           role="button" tabindex="0" aria-label={aria} aria-haspopup={(!is_clients).then_some("menu")}
           aria-expanded={(!is_clients).then_some(if open { "true" } else { "false" })}
           data-node-id={id.to_string()} data-node-name={n.name.clone()} data-status={n.status.name()} data-overload={overload}
           {onclick} {onkeydown}>
            <title>{ format!("{} ({}) — {status_word}: {}", n.name, kind_label(n.kind), n.detail) }</title>
            <rect class="node-focus" x="-5" y="-5" width={fmt(w + 10.0)} height={fmt(h + 10.0)} rx="15" />
            <rect class="node-box" width={fmt(w)} height={fmt(h)} rx="11" />
            <rect class="node-accent" x="0" y="10" width="4" height={fmt(h - 20.0)} rx="2" />
            <path class="node-kind-icon" d={kind_icon(n.kind)} transform={format!("translate({},{})", fmt(pad), if vertical { "8" } else { "11" })} />
            <text class="node-name" x={fmt(pad + 21.0)} y={if vertical { "20.5" } else { "24" }} font-size={fmt(name_size)}
                  data-full-name={n.name.clone()}>
                // A shortened name keeps its full spelling one hover away.
                if name != n.name { <title>{ n.name.clone() }</title> }
                { name.clone() }
            </text>
            <g class="pill" transform={format!("translate({},{})", fmt(pad), fmt(pill_y))}>
                <rect class="pill-box" width={fmt(pill_w)} height="20" rx="10" />
                <path class="pill-icon" d={pill_icon} transform="translate(7,4)" />
                <text class="pill-text" x="22" y="14">{ pill_text }</text>
            </g>
            if let Some(spof) = snap_spof {
                // On the box's top border, like a tab: inside the box it covered the name.
                <g class="spof-tag" transform={format!("translate({},-8.5)", fmt(w - 50.0))}>
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

/// The pill of a client population: "200 requests/s, timeout 5.0 s" → "200 req/s"; one of
/// several populations, "40 % of the traffic: 60 of 150 requests/s" → "60 req/s · 40 %"
/// (the rate first: "40 req/s" for 40 % was read as a rate).
pub fn clients_rate(detail: &str, narrow: bool) -> String {
    if let Some((share, rest)) = detail.split_once(" % of the traffic: ") {
        if let Some(rate) = rest.split(' ').next() {
            // A narrow node has no room for both: its detail line says the share.
            return if narrow {
                format!("{rate} req/s")
            } else {
                format!("{rate} req/s · {share} %")
            };
        }
    }
    detail
        .split(' ')
        .next()
        .map(|n| format!("{n} req/s"))
        .unwrap_or_else(|| "sending".into())
}

/// "40 % of the traffic: 60 of 150 requests/s" → "40 % of 150 req/s".
fn population_share_line(detail: &str) -> Option<String> {
    let (share, rest) = detail.split_once(" % of the traffic: ")?;
    let total = rest.split(" of ").nth(1)?.split(' ').next()?;
    Some(format!("{share} % of {total} req/s"))
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
