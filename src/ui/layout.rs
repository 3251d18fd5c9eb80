//! Automatic layout of the topology: a small layered ("Sugiyama") layout.
//!
//! 1. Rank every node by the longest path from the traffic source, so that requests always
//!    flow one way: clients → balancers → instances today, and DNS / gateways / databases
//!    slot in as extra layers later without changes here.
//! 2. Edges that skip layers get invisible waypoints in the layers they cross; waypoints take
//!    room like small nodes, so a long edge is routed *between* the nodes it passes and never
//!    through one.
//! 3. Order each layer by the barycentre of its neighbours (a few sweeps) to avoid crossings,
//!    keeping members of the same group (availability zone, region) contiguous.
//! 4. Place layers at fixed distances and centre them; edges are cubic curves whose control
//!    points stay inside the gap between two layers, so no edge crosses a node.
//!
//! Pure Rust, no DOM: the SVG diagram and the canvas overlay read the same `Layout`.
use std::collections::HashMap;

use super::common::{sort_by, sort_positions};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Orientation {
    /// Layers are columns, traffic flows left to right (wide screens).
    Horizontal,
    /// Layers are rows, traffic flows top to bottom (phones).
    Vertical,
}

/// A node to place.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub id: u32,
    /// Layer to use when the node has no edge at all (clients 0, balancers 1, instances 2).
    pub rank_hint: u32,
    /// Nodes of one group (an availability zone) are kept together and boxed.
    pub group: Option<String>,
    /// The group around `group` (a region): boxed around its zones.
    pub outer: Option<String>,
}

/// Sizes in layout units (the SVG viewBox is in the same units).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    pub node_w: f64,
    pub node_h: f64,
    /// Distance between two layers (room for the edges and their health badges).
    pub rank_gap: f64,
    /// Distance between two nodes of one layer.
    pub node_gap: f64,
    /// Cross-axis size of a waypoint of a long edge.
    pub waypoint: f64,
    /// Padding inside a group box; its label sits in the top padding.
    pub group_pad: f64,
    pub margin: f64,
}

impl Geometry {
    pub fn for_orientation(o: Orientation) -> Geometry {
        match o {
            Orientation::Horizontal => Geometry {
                node_w: 180.0,
                node_h: 96.0,
                // Wide enough for the widest health badge ("2/3 failed · out", ~122) between
                // two nodes (`diagram::badge_size`).
                rank_gap: 134.0,
                node_gap: 22.0,
                waypoint: 14.0,
                group_pad: 12.0,
                margin: 14.0,
            },
            Orientation::Vertical => Geometry {
                node_w: 112.0,
                node_h: 88.0,
                rank_gap: 66.0,
                node_gap: 12.0,
                waypoint: 14.0,
                group_pad: 8.0,
                margin: 8.0,
            },
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pt {
    pub x: f64,
    pub y: f64,
}

/// A placed node (top-left corner and size).
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    pub id: u32,
    pub rank: u32,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Placed {
    pub fn center(&self) -> Pt {
        Pt {
            x: self.x + self.w / 2.0,
            y: self.y + self.h / 2.0,
        }
    }

    fn overlaps(&self, o: &Placed) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// An edge: its start port, the waypoints of the layers it crosses, and its end port.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub from: u32,
    pub to: u32,
    pub points: Vec<Pt>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GroupBox {
    pub label: String,
    /// 0: outer (region), 1: inner (zone).
    pub level: u8,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl GroupBox {
    /// Whether `p` is inside the box, or within `slack` of its outline.
    fn contains(&self, p: Pt, slack: f64) -> bool {
        p.x >= self.x - slack
            && p.x <= self.x + self.w + slack
            && p.y >= self.y - slack
            && p.y <= self.y + self.h + slack
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub orientation: Orientation,
    pub geometry: Geometry,
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<Placed>,
    pub routes: Vec<Route>,
    pub groups: Vec<GroupBox>,
}

/// Height of a group box's label band.
const GROUP_LABEL: f64 = 15.0;

/// One slot of a layer: a real node or a waypoint of a long edge.
#[derive(Clone, Debug)]
struct Slot {
    /// Index into `items`, or `None` for a waypoint.
    item: Option<usize>,
    outer: Option<String>,
    group: Option<String>,
    /// Neighbours in the previous / next layer (slot keys), for the barycentres.
    up: Vec<usize>,
    down: Vec<usize>,
    key: f64,
}

/// Lays out `items` connected by `edges` (pairs of ids; unknown ids are ignored).
pub fn layout(items: &[Item], edges: &[(u32, u32)], orientation: Orientation) -> Layout {
    let mut g = Geometry::for_orientation(orientation);
    let levels = [
        items.iter().any(|i| i.outer.is_some()),
        items.iter().any(|i| i.group.is_some()),
    ];
    let depth = levels.iter().filter(|l| **l).count() as f64;
    // Group boxes reach past their outermost nodes (padding, and the label band on top).
    g.margin += depth * (g.group_pad + GROUP_LABEL);
    if orientation == Orientation::Vertical {
        // Box padding and labels take room above and below each row.
        g.rank_gap += depth * (2.0 * g.group_pad + GROUP_LABEL);
    }
    let index: HashMap<u32, usize> = items.iter().enumerate().map(|(i, it)| (it.id, i)).collect();
    let links: Vec<(usize, usize)> = edges
        .iter()
        .filter_map(|(a, b)| Some((*index.get(a)?, *index.get(b)?)))
        .filter(|(a, b)| a != b)
        .collect();

    let rank = ranks(items, &links);
    let layers = rank
        .iter()
        .copied()
        .max()
        .map(|m| m as usize + 1)
        .unwrap_or(0);

    // Slots per layer; every item first, waypoints appended as long edges are split.
    let mut slots: Vec<Slot> = items
        .iter()
        .map(|it| Slot {
            item: None,
            outer: it.outer.clone(),
            group: it.group.clone(),
            up: Vec::new(),
            down: Vec::new(),
            key: 0.0,
        })
        .collect();
    for (i, s) in slots.iter_mut().enumerate() {
        s.item = Some(i);
    }
    let mut slot_rank: Vec<u32> = rank.clone();
    // For each link, the chain of slots it passes through (start, waypoints..., end).
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(links.len());
    for &(a, b) in &links {
        let mut chain = vec![a];
        // A long edge inside one zone keeps its waypoints in that zone's lane.
        let same_lane = items[a].outer == items[b].outer && items[a].group == items[b].group;
        let (outer, group) = if same_lane {
            (items[a].outer.clone(), items[a].group.clone())
        } else {
            (None, None)
        };
        if rank[b] > rank[a] + 1 {
            for r in rank[a] + 1..rank[b] {
                slots.push(Slot {
                    item: None,
                    outer: outer.clone(),
                    group: group.clone(),
                    up: Vec::new(),
                    down: Vec::new(),
                    key: 0.0,
                });
                slot_rank.push(r);
                chain.push(slots.len() - 1);
            }
        }
        chain.push(b);
        for w in chain.windows(2) {
            if slot_rank[w[1]] == slot_rank[w[0]] + 1 {
                slots[w[0]].down.push(w[1]);
                slots[w[1]].up.push(w[0]);
            }
        }
        chains.push(chain);
    }

    // Initial order: input order (waypoints after the nodes, in edge order).
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for (s, &r) in slot_rank.iter().enumerate() {
        order[r as usize].push(s);
    }
    let mut pos = vec![0.0; slots.len()];
    let reindex = |order: &Vec<Vec<usize>>, pos: &mut Vec<f64>| {
        for layer in order {
            for (i, &s) in layer.iter().enumerate() {
                pos[s] = i as f64;
            }
        }
    };
    reindex(&order, &mut pos);
    // Barycentre sweeps, down then up; a fixed small number keeps the cost bounded.
    for sweep in 0..4 {
        let downward = sweep % 2 == 0;
        let range: Vec<usize> = if downward {
            (1..layers).collect()
        } else {
            (0..layers.saturating_sub(1)).rev().collect()
        };
        for r in range {
            for &s in &order[r] {
                let nbrs = if downward {
                    &slots[s].up
                } else {
                    &slots[s].down
                };
                slots[s].key = if nbrs.is_empty() {
                    pos[s]
                } else {
                    nbrs.iter().map(|n| pos[*n]).sum::<f64>() / nbrs.len() as f64
                };
            }
            sort_layer(&mut order[r], &slots);
            for (i, &s) in order[r].iter().enumerate() {
                pos[s] = i as f64;
            }
        }
    }

    // Cross-axis extent of every layer, then centre each layer on the widest one.
    let (main_size, cross_size) = match orientation {
        Orientation::Horizontal => (g.node_w, g.node_h),
        Orientation::Vertical => (g.node_h, g.node_w),
    };
    let size_of = |s: usize| {
        if slots[s].item.is_some() {
            cross_size
        } else {
            g.waypoint
        }
    };
    // Packed positions of a run of slots along the cross axis, and its extent.
    let pack = |run: &[usize], cross: &mut Vec<f64>, start: f64| {
        let mut at = start;
        for (k, &s) in run.iter().enumerate() {
            if k > 0 {
                at += g.node_gap;
            }
            cross[s] = at;
            at += size_of(s);
        }
        at - start
    };
    let mut cross: Vec<f64> = vec![0.0; slots.len()];
    let lanes = Lanes::plan(&order, &slots, &slot_rank, &g, orientation, size_of);
    // Per layer: where its slots start (laned layers span the whole width; the others are
    // centred on it).
    let mut layer_start = vec![0.0; layers];
    let mut extents = vec![0.0; layers];
    for (r, layer) in order.iter().enumerate() {
        if lanes.covers(r as u32) {
            for (l, lane) in lanes.lanes.iter().enumerate() {
                let run: Vec<usize> = layer
                    .iter()
                    .copied()
                    .filter(|&s| lanes.lane_of(&slots[s]) == Some(l))
                    .collect();
                let width = lanes.content(&run, &g, size_of);
                pack(&run, &mut cross, lane.start + (lane.width - width) / 2.0);
            }
            extents[r] = lanes.total;
        } else {
            extents[r] = pack(layer, &mut cross, 0.0);
        }
    }
    let total_cross = extents.iter().copied().fold(lanes.total, f64::max);
    for r in 0..layers {
        let laned = if lanes.covers(r as u32) {
            lanes.total
        } else {
            extents[r]
        };
        layer_start[r] = g.margin + (total_cross - laned) / 2.0;
    }
    let main_at = |r: u32| g.margin + r as f64 * (main_size + g.rank_gap);

    let mut nodes = Vec::with_capacity(items.len());
    let mut centers: Vec<Pt> = vec![Pt { x: 0.0, y: 0.0 }; slots.len()];
    for (s, slot) in slots.iter().enumerate() {
        let r = slot_rank[s];
        let c = layer_start[r as usize] + cross[s];
        let m = main_at(r);
        let (w, h, csize) = if slot.item.is_some() {
            (g.node_w, g.node_h, cross_size)
        } else {
            (0.0, 0.0, g.waypoint)
        };
        let (x, y) = match orientation {
            Orientation::Horizontal => (m, c),
            Orientation::Vertical => (c, m),
        };
        centers[s] = match orientation {
            Orientation::Horizontal => Pt {
                x: m + main_size / 2.0,
                y: c + csize / 2.0,
            },
            Orientation::Vertical => Pt {
                x: c + csize / 2.0,
                y: m + main_size / 2.0,
            },
        };
        if let Some(i) = slot.item {
            nodes.push(Placed {
                id: items[i].id,
                rank: r,
                x,
                y,
                w,
                h,
            });
        }
    }
    sort_by(&mut nodes, |a, b| {
        let at = |p: &Placed| index.get(&p.id).copied().unwrap_or(usize::MAX);
        at(a).cmp(&at(b))
    });

    let half_main = main_size / 2.0;
    let routes = links
        .iter()
        .zip(&chains)
        .map(|(&(a, b), chain)| {
            let mut points = Vec::with_capacity(chain.len());
            let last = chain.len() - 1;
            let forward = slot_rank[b] > slot_rank[a];
            let at = |c: Pt, shift: f64| match orientation {
                Orientation::Horizontal => Pt {
                    x: c.x + shift,
                    y: c.y,
                },
                Orientation::Vertical => Pt {
                    x: c.x,
                    y: c.y + shift,
                },
            };
            for (k, &s) in chain.iter().enumerate() {
                let c = centers[s];
                if slots[s].item.is_none() {
                    // A waypoint crosses its whole layer straight, so the curves on either
                    // side stay inside the gaps between layers and never clip a node.
                    points.push(at(c, -half_main));
                    points.push(at(c, half_main));
                    continue;
                }
                // Leave from the downstream side, arrive on the upstream side (swapped for a
                // backward edge, which the model does not produce yet).
                let shift = match (k == 0, k == last, forward) {
                    (true, _, true) | (_, true, false) => half_main,
                    (true, _, false) | (_, true, true) => -half_main,
                    _ => 0.0,
                };
                points.push(at(c, shift));
            }
            Route {
                from: items[a].id,
                to: items[b].id,
                points,
            }
        })
        .collect();

    let lane_offset = g.margin + (total_cross - lanes.total) / 2.0;
    let groups = lanes.boxes(&g, orientation, lane_offset, main_at, main_size);
    let main_total = main_at(layers.saturating_sub(1) as u32) + main_size + g.margin;
    let cross_total = total_cross + 2.0 * g.margin;
    let (width, height) = match orientation {
        Orientation::Horizontal => (main_total, cross_total),
        Orientation::Vertical => (cross_total, main_total),
    };
    Layout {
        orientation,
        geometry: g,
        width: width.max(1.0),
        height: height.max(1.0),
        nodes,
        routes,
        groups,
    }
}

fn sort_layer(layer: &mut [usize], slots: &[Slot]) {
    // Groups stay contiguous: regions by their members' mean key, zones by theirs within a
    // region, then members by key.
    type Path = (Option<String>, Option<String>);
    let mut outer_key: HashMap<Option<String>, (f64, usize)> = HashMap::new();
    let mut group_key: HashMap<Path, (f64, usize)> = HashMap::new();
    for &s in layer.iter() {
        let e = outer_key.entry(slots[s].outer.clone()).or_insert((0.0, 0));
        e.0 += slots[s].key;
        e.1 += 1;
        let e = group_key
            .entry((slots[s].outer.clone(), slots[s].group.clone()))
            .or_insert((0.0, 0));
        e.0 += slots[s].key;
        e.1 += 1;
    }
    let mean = |v: Option<&(f64, usize)>| v.map(|(s, n)| s / *n as f64).unwrap_or(0.0);
    sort_positions(layer, &|a, b| {
        let (sa, sb) = (&slots[a], &slots[b]);
        mean(outer_key.get(&sa.outer))
            .total_cmp(&mean(outer_key.get(&sb.outer)))
            .then_with(|| sa.outer.cmp(&sb.outer))
            .then_with(|| {
                let ka = mean(group_key.get(&(sa.outer.clone(), sa.group.clone())));
                let kb = mean(group_key.get(&(sb.outer.clone(), sb.group.clone())));
                ka.total_cmp(&kb)
            })
            .then_with(|| sa.group.cmp(&sb.group))
            .then_with(|| sa.key.total_cmp(&sb.key))
    });
}

/// Longest-path layering from the sources; nodes without edges use their hint (or the layer
/// connected nodes with the same hint ended up in). Bounded: at most `n` relaxation passes,
/// so a cycle in a future model cannot hang the layout.
fn ranks(items: &[Item], links: &[(usize, usize)]) -> Vec<u32> {
    let n = items.len();
    let mut rank = vec![0u32; n];
    let mut connected = vec![false; n];
    for &(a, b) in links {
        connected[a] = true;
        connected[b] = true;
    }
    for _ in 0..n {
        let mut changed = false;
        for &(a, b) in links {
            if rank[b] < rank[a] + 1 && (rank[a] as usize) < n {
                rank[b] = rank[a] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // Sources with a hint deeper than their first child would look odd; keep hints only as
    // the rank of isolated nodes.
    let mut by_hint: HashMap<u32, u32> = HashMap::new();
    for i in 0..n {
        if connected[i] {
            by_hint.entry(items[i].rank_hint).or_insert(rank[i]);
        }
    }
    for i in 0..n {
        if !connected[i] {
            rank[i] = by_hint
                .get(&items[i].rank_hint)
                .copied()
                .unwrap_or(items[i].rank_hint);
        }
    }
    // Compact: no empty layers.
    let mut used: Vec<u32> = rank.clone();
    sort_by(&mut used, u32::cmp);
    used.dedup();
    rank.iter()
        .map(|r| used.iter().position(|u| u == r).unwrap_or(0) as u32)
        .collect()
}

/// Lanes: one column (or row) of the cross axis per availability zone, the same in every
/// layer, so a zone is one box from its first layer to its last and a region one box around
/// its zones — never a box per layer. Nodes without a zone (clients, DNS) go to a lane of
/// their own where they share a layer with zoned nodes, and are centred elsewhere.
struct Lanes {
    lanes: Vec<Lane>,
    /// Layers from the first to the last with a zoned node.
    span: Option<(u32, u32)>,
    total: f64,
}

struct Lane {
    /// (region, zone); (None, None) is the lane of nodes without a zone.
    path: (Option<String>, Option<String>),
    start: f64,
    width: f64,
    /// Layers holding real nodes of this lane.
    ranks: Option<(u32, u32)>,
}

impl Lanes {
    fn plan(
        order: &[Vec<usize>],
        slots: &[Slot],
        slot_rank: &[u32],
        g: &Geometry,
        orientation: Orientation,
        size_of: impl Fn(usize) -> f64 + Copy,
    ) -> Lanes {
        let mut paths: Vec<(Option<String>, Option<String>)> = Vec::new();
        for sl in slots.iter().filter(|sl| sl.item.is_some()) {
            let p = (sl.outer.clone(), sl.group.clone());
            if (p.0.is_some() || p.1.is_some()) && !paths.contains(&p) {
                paths.push(p);
            }
        }
        // Regions in order of first appearance, each region's zones together.
        let region_rank = |o: &Option<String>| paths.iter().position(|p| &p.0 == o);
        let mut sorted = paths.clone();
        sort_by(&mut sorted, |a, b| {
            region_rank(&a.0).cmp(&region_rank(&b.0))
        });
        let ranks_of = |path: &(Option<String>, Option<String>)| {
            slots
                .iter()
                .enumerate()
                .filter(|(_, sl)| sl.item.is_some() && sl.outer == path.0 && sl.group == path.1)
                .map(|(s, _)| slot_rank[s])
                .fold(None, |acc: Option<(u32, u32)>, r| {
                    Some(acc.map_or((r, r), |(a, b)| (a.min(r), b.max(r))))
                })
        };
        let span = sorted
            .iter()
            .filter_map(ranks_of)
            .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)));
        let mut lanes: Vec<Lane> = Vec::new();
        let covers = |r: u32| span.is_some_and(|(a, b)| a <= r && r <= b);
        let loose_inside = order.iter().enumerate().any(|(r, layer)| {
            covers(r as u32)
                && layer
                    .iter()
                    .any(|&s| slots[s].outer.is_none() && slots[s].group.is_none())
        });
        if loose_inside {
            lanes.push(Lane {
                path: (None, None),
                start: 0.0,
                width: 0.0,
                ranks: None,
            });
        }
        lanes.extend(sorted.into_iter().map(|path| Lane {
            ranks: ranks_of(&path),
            path,
            start: 0.0,
            width: 0.0,
        }));
        let mut plan = Lanes {
            lanes,
            span,
            total: 0.0,
        };
        // Widest content of each lane over the layers it is drawn in.
        for l in 0..plan.lanes.len() {
            let mut widest: f64 = 0.0;
            for (r, layer) in order.iter().enumerate() {
                if !covers(r as u32) {
                    continue;
                }
                let run: Vec<usize> = layer
                    .iter()
                    .copied()
                    .filter(|&s| plan.lane_of(&slots[s]) == Some(l))
                    .collect();
                widest = widest.max(plan.content(&run, g, size_of));
            }
            let label = match orientation {
                // Side-by-side columns: the zone's label ("eu-west-a · down") must fit.
                Orientation::Vertical => plan.lanes[l]
                    .path
                    .1
                    .as_ref()
                    .map_or(0.0, |z| label_width(z) - 2.0 * g.group_pad),
                Orientation::Horizontal => 0.0,
            };
            plan.lanes[l].width = widest.max(size_of_min(g, orientation)).max(label);
        }
        // Walk the lanes: padding closes a box, padding (+ the label band across, for
        // columns of a horizontal layout) opens one.
        let open = match orientation {
            Orientation::Horizontal => g.group_pad + GROUP_LABEL,
            Orientation::Vertical => g.group_pad,
        };
        let mut at = 0.0;
        let mut prev: Option<&(Option<String>, Option<String>)> = None;
        let paths: Vec<_> = plan.lanes.iter().map(|l| l.path.clone()).collect();
        for (l, path) in paths.iter().enumerate() {
            let region_changes = prev.is_none_or(|p| p.0 != path.0);
            if let Some(p) = prev {
                if p.1.is_some() {
                    at += g.group_pad;
                }
                if region_changes && p.0.is_some() {
                    at += g.group_pad;
                }
                at += g.node_gap;
            }
            if region_changes && path.0.is_some() {
                at += open;
            }
            if path.1.is_some() {
                at += open;
            }
            plan.lanes[l].start = at;
            at += plan.lanes[l].width;
            prev = Some(path);
        }
        if let Some(p) = prev {
            at += g.group_pad * (p.0.is_some() as u8 + p.1.is_some() as u8) as f64;
        }
        plan.total = at;
        plan
    }

    fn covers(&self, r: u32) -> bool {
        self.span.is_some_and(|(a, b)| a <= r && r <= b)
    }

    fn lane_of(&self, slot: &Slot) -> Option<usize> {
        self.lanes
            .iter()
            .position(|l| l.path.0 == slot.outer && l.path.1 == slot.group)
    }

    fn content(&self, run: &[usize], g: &Geometry, size_of: impl Fn(usize) -> f64) -> f64 {
        let sizes: f64 = run.iter().map(|&s| size_of(s)).sum();
        sizes + g.node_gap * run.len().saturating_sub(1) as f64
    }

    /// Zone boxes around their lanes from their first to their last layer, region boxes
    /// around their zones.
    fn boxes(
        &self,
        g: &Geometry,
        orientation: Orientation,
        offset: f64,
        main_at: impl Fn(u32) -> f64,
        main_size: f64,
    ) -> Vec<GroupBox> {
        // (cross0, cross1, main0, main1) with the label band on the top side.
        let label_cross = match orientation {
            Orientation::Horizontal => GROUP_LABEL,
            Orientation::Vertical => 0.0,
        };
        let label_main = GROUP_LABEL - label_cross;
        let mk = |label: &str, level: u8, c0: f64, c1: f64, m0: f64, m1: f64| {
            let (x, y, w, h) = match orientation {
                Orientation::Horizontal => (m0, c0, m1 - m0, c1 - c0),
                Orientation::Vertical => (c0, m0, c1 - c0, m1 - m0),
            };
            GroupBox {
                label: label.to_string(),
                level,
                x,
                y,
                w,
                h,
            }
        };
        let mut zones: Vec<(Option<String>, f64, f64, f64, f64)> = Vec::new();
        let mut out = Vec::new();
        for lane in &self.lanes {
            let Some((r0, r1)) = lane.ranks else { continue };
            let c0 = offset + lane.start - g.group_pad - label_cross;
            let c1 = offset + lane.start + lane.width + g.group_pad;
            let m0 = main_at(r0) - g.group_pad - label_main;
            let m1 = main_at(r1) + main_size + g.group_pad;
            match &lane.path.1 {
                Some(zone) => {
                    out.push(mk(zone, 1, c0, c1, m0, m1));
                    zones.push((lane.path.0.clone(), c0, c1, m0, m1));
                }
                // A node placed in a region but no zone: the region box still wraps it.
                None => zones.push((
                    lane.path.0.clone(),
                    c0 + g.group_pad + label_cross,
                    c1 - g.group_pad,
                    m0 + g.group_pad + label_main,
                    m1 - g.group_pad,
                )),
            }
        }
        let mut regions: Vec<(String, f64, f64, f64, f64)> = Vec::new();
        for (outer, c0, c1, m0, m1) in zones {
            let Some(name) = outer else { continue };
            match regions.iter_mut().find(|r| r.0 == name) {
                Some(r) => {
                    r.1 = r.1.min(c0);
                    r.2 = r.2.max(c1);
                    r.3 = r.3.min(m0);
                    r.4 = r.4.max(m1);
                }
                None => regions.push((name, c0, c1, m0, m1)),
            }
        }
        let mut boxes: Vec<GroupBox> = regions
            .into_iter()
            .map(|(name, c0, c1, m0, m1)| {
                mk(
                    &name,
                    0,
                    c0 - g.group_pad - label_cross,
                    c1 + g.group_pad,
                    m0 - g.group_pad - label_main,
                    m1 + g.group_pad,
                )
            })
            .collect();
        boxes.extend(out);
        boxes
    }
}

/// Estimated width of a zone box label with its longest state suffix (uppercase 10.5 px
/// with letter spacing: about 7.6 units a character).
fn label_width(name: &str) -> f64 {
    (name.chars().count() + " · down".len()) as f64 * 7.6 + 10.0
}

/// A lane is at least one node wide (a zone whose nodes are all elsewhere still shows).
fn size_of_min(g: &Geometry, orientation: Orientation) -> f64 {
    match orientation {
        Orientation::Horizontal => g.node_h,
        Orientation::Vertical => g.node_w,
    }
}

impl Layout {
    pub fn node(&self, id: u32) -> Option<&Placed> {
        self.nodes.iter().find(|p| p.id == id)
    }

    pub fn route(&self, from: u32, to: u32) -> Option<&Route> {
        self.routes.iter().find(|r| r.from == from && r.to == to)
    }

    /// Do any two nodes overlap? (Used by tests; the algorithm should make it impossible.)
    pub fn has_overlaps(&self) -> bool {
        self.nodes
            .iter()
            .enumerate()
            .any(|(i, a)| self.nodes[i + 1..].iter().any(|b| a.overlaps(b)))
    }

    /// The cubic segments of a route: (start, control 1, control 2, end) per hop. Control
    /// points share the main-axis coordinate range of their hop, so a curve stays in the gap
    /// between two layers.
    pub fn segments(&self, route: &Route) -> Vec<[Pt; 4]> {
        route
            .points
            .windows(2)
            .map(|w| {
                let (p, q) = (w[0], w[1]);
                match self.orientation {
                    Orientation::Horizontal => {
                        let dx = (q.x - p.x) / 2.0;
                        [
                            p,
                            Pt {
                                x: p.x + dx,
                                y: p.y,
                            },
                            Pt {
                                x: q.x - dx,
                                y: q.y,
                            },
                            q,
                        ]
                    }
                    Orientation::Vertical => {
                        let dy = (q.y - p.y) / 2.0;
                        [
                            p,
                            Pt {
                                x: p.x,
                                y: p.y + dy,
                            },
                            Pt {
                                x: q.x,
                                y: q.y - dy,
                            },
                            q,
                        ]
                    }
                }
            })
            .collect()
    }

    /// SVG path data of a route.
    pub fn path_d(&self, route: &Route) -> String {
        let mut d = String::new();
        for (i, [p, c1, c2, q]) in self.segments(route).into_iter().enumerate() {
            if i == 0 {
                d.push_str(&format!("M{:.1} {:.1}", p.x, p.y));
            }
            d.push_str(&format!(
                "C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}",
                c1.x, c1.y, c2.x, c2.y, q.x, q.y
            ));
        }
        d
    }

    /// Where a label of the last hop of `route` goes: at fraction `f` of the free stretch
    /// between the boxes (nodes and their zone/region boxes) at both ends of that hop, so it
    /// never covers a node or a group's label.
    pub fn badge_point(&self, route: &Route, f: f64) -> Option<Pt> {
        let segs = self.segments(route);
        let seg = segs.last()?;
        let vertical = self.orientation == Orientation::Vertical;
        let main = |p: Pt| if vertical { p.y } else { p.x };
        let (a, b) = (main(seg[0]), main(seg[3]));
        // Outer edges of the boxes containing each end point.
        let outer = |p: Pt, low: bool| {
            self.groups
                .iter()
                .filter(|g| g.contains(p, 0.5))
                .map(|g| match (vertical, low) {
                    (true, true) => g.y + g.h,
                    (true, false) => g.y,
                    (false, true) => g.x + g.w,
                    (false, false) => g.x,
                })
                .fold(main(p), |acc, v| if low { acc.max(v) } else { acc.min(v) })
        };
        let (lo, hi) = if a <= b {
            (outer(seg[0], true), outer(seg[3], false))
        } else {
            (outer(seg[3], true), outer(seg[0], false))
        };
        let (lo, hi) = if hi - lo < 24.0 {
            (a.min(b), a.max(b))
        } else {
            (lo, hi)
        };
        let target = if a <= b {
            lo + (hi - lo) * f
        } else {
            hi - (hi - lo) * f
        };
        // The hop is monotonic along the main axis: bisect its parameter.
        let (mut t0, mut t1) = (0.0, 1.0);
        for _ in 0..32 {
            let m = (t0 + t1) / 2.0;
            let v = main(bezier(seg, m));
            if (v < target) == (a <= b) {
                t0 = m;
            } else {
                t1 = m;
            }
        }
        Some(bezier(seg, (t0 + t1) / 2.0))
    }

    /// Where to centre a `w` × `h` badge on a route's last hop: at fraction `f` of the gap
    /// (`badge_point`) unless the badge would cover part of a node there (it reads as a
    /// glitch: a label cut off by a box). Then the nearest hundredth of the gap where it
    /// covers no node and, if possible, no zone or region box that holds
    /// neither end of the edge (a badge sitting on another zone's outline looks like it
    /// belongs there); at `f` when there is no such place.
    pub fn badge_center(&self, route: &Route, f: f64, w: f64, h: f64) -> Option<Pt> {
        const MARGIN: f64 = 5.0;
        let hits = |c: Pt, x: f64, y: f64, bw: f64, bh: f64| {
            c.x - w / 2.0 < x + bw + MARGIN
                && c.x + w / 2.0 > x - MARGIN
                && c.y - h / 2.0 < y + bh + MARGIN
                && c.y + h / 2.0 > y - MARGIN
        };
        let covers_node = |c: Pt| self.nodes.iter().any(|n| hits(c, n.x, n.y, n.w, n.h));
        let ends: Vec<Pt> = [route.from, route.to]
            .iter()
            .filter_map(|&id| self.node(id).map(Placed::center))
            .collect();
        let covers_foreign_box = |c: Pt| {
            self.groups
                .iter()
                .filter(|g| !ends.iter().any(|&p| g.contains(p, 0.0)))
                .any(|g| hits(c, g.x, g.y, g.w, g.h))
        };
        let first = self.badge_point(route, f)?;
        if !covers_node(first) && !covers_foreign_box(first) {
            return Some(first); // the common case: no search
        }
        // `f`, then every hundredth of the gap, nearest to `f` first: fine steps, because
        // where the curve is steep a small step moves the badge far across, and the middle of
        // the gap (where the widest badge fits between two nodes) is always among them.
        let mut grid: Vec<f64> = (0..=100).map(|k| k as f64 / 100.0).collect();
        grid.push(f);
        sort_by(&mut grid, |a, b| (a - f).abs().total_cmp(&(b - f).abs()));
        let candidates = || grid.iter().filter_map(|&g| self.badge_point(route, g));
        Some(
            candidates()
                .find(|&p| !covers_node(p) && !covers_foreign_box(p))
                .or_else(|| candidates().find(|&p| !covers_node(p)))
                .unwrap_or(first),
        )
    }

    /// `n` + 1 points along a route, evenly in curve parameter (for the animation overlay).
    pub fn sample(&self, route: &Route, per_segment: usize) -> Vec<Pt> {
        let segs = self.segments(route);
        let mut out = Vec::with_capacity(segs.len() * per_segment + 1);
        for (i, s) in segs.iter().enumerate() {
            let start = if i == 0 { 0 } else { 1 };
            for k in start..=per_segment {
                out.push(bezier(s, k as f64 / per_segment as f64));
            }
        }
        out
    }

    /// A point at parameter `t` (0..1) along the route's whole length of segments.
    pub fn point_at(&self, route: &Route, t: f64) -> Option<Pt> {
        let segs = self.segments(route);
        if segs.is_empty() {
            return None;
        }
        let f = t.clamp(0.0, 1.0) * segs.len() as f64;
        let i = (f.floor() as usize).min(segs.len() - 1);
        Some(bezier(&segs[i], f - i as f64))
    }
}

pub fn bezier(s: &[Pt; 4], t: f64) -> Pt {
    let u = 1.0 - t;
    let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    Pt {
        x: a * s[0].x + b * s[1].x + c * s[2].x + d * s[3].x,
        y: a * s[0].y + b * s[1].y + c * s[2].y + d * s[3].y,
    }
}
