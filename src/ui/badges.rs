//! Health badges on the diagram's edges: what each checker believes about its target, placed
//! so that no two badges overlap (where many edges meet, the first choice of several badges is
//! the same spot) and none covers a node.
use yew::prelude::*;

use super::common::health_look;
use super::layout::{Layout, Orientation, Pt, Route};
use crate::sim::snapshot::{EdgeView, HealthView};

/// Room kept between two badges, and between a badge and a node (layout units).
const GAP: f64 = 3.0;

/// A badge's box (top-left corner and size, layout units).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BadgeBox {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl BadgeBox {
    fn around(c: Pt, w: f64, h: f64) -> BadgeBox {
        BadgeBox {
            x: c.x - w / 2.0,
            y: c.y - h / 2.0,
            w,
            h,
        }
    }

    fn hits(&self, x: f64, y: f64, w: f64, h: f64) -> bool {
        self.x < x + w + GAP
            && x < self.x + self.w + GAP
            && self.y < y + h + GAP
            && y < self.y + self.h + GAP
    }

    pub fn overlaps(&self, o: &BadgeBox) -> bool {
        self.hits(o.x, o.y, o.w, o.h)
    }
}

/// A health badge's box for its text (the text's width estimated per character).
pub fn badge_size(text: &str, vertical: bool) -> (f64, f64) {
    let char_w = if vertical { 5.6 } else { 6.1 };
    (24.0 + text.chars().count() as f64 * char_w, 19.0)
}

/// The words on a badge: short enough for the gap between layers ("2/3 checks failed" →
/// "2/3 failed"; the tooltip and the inspector have the full sentence).
pub fn badge_text(health: &HealthView, vertical: bool) -> String {
    if health.state == "unknown" {
        // Narrow columns (rows layout) keep the word and the hatching; the tooltip says why.
        return if vertical {
            "unknown"
        } else {
            "unknown · no checker"
        }
        .to_string();
    }
    if health.state == "slow start" {
        // "slow start 35 %": the ramp's weight share is the point of the badge.
        if let Some(head) = health.detail.split(" of its weight").next() {
            return head.to_string();
        }
    }
    let l = health_look(health.state);
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
    text
}

/// Places badges one after another: each at its preferred spot (`Layout::badge_center`)
/// when that is free, else at the nearest free fraction of its edge's last hop, else pushed
/// sideways (across the edges) until it is clear of every badge placed before it.
pub fn place(layout: &Layout, wanted: &[(&Route, f64, f64, f64)]) -> Vec<Option<BadgeBox>> {
    let mut taken: Vec<BadgeBox> = Vec::new();
    wanted
        .iter()
        .map(|&(route, f, w, h)| {
            let first = layout.badge_center(route, f, w, h)?;
            let free = |b: &BadgeBox, taken: &[BadgeBox]| {
                !taken.iter().any(|t| t.overlaps(b))
                    && !layout.nodes.iter().any(|n| b.hits(n.x, n.y, n.w, n.h))
            };
            let mut chosen = BadgeBox::around(first, w, h);
            if !free(&chosen, &taken) {
                let mut grid: Vec<f64> = (5..=95).map(|k| k as f64 / 100.0).collect();
                grid.sort_by(|a, b| (a - f).abs().total_cmp(&(b - f).abs()));
                let along = grid
                    .iter()
                    .filter_map(|&g| layout.badge_point(route, g))
                    .map(|p| BadgeBox::around(p, w, h))
                    .find(|b| free(b, &taken));
                chosen = along
                    .or_else(|| sideways(layout, chosen, |b| free(b, &taken)))
                    .or_else(|| sideways(layout, chosen, |b| !taken.iter().any(|t| t.overlaps(b))))
                    .unwrap_or(chosen);
            }
            taken.push(chosen);
            Some(chosen)
        })
        .collect()
}

/// `b` moved across the main axis (alternately to either side) to the nearest place where
/// `ok` holds: the last resort, where the edge itself offers no free spot.
fn sideways(layout: &Layout, b: BadgeBox, ok: impl Fn(&BadgeBox) -> bool) -> Option<BadgeBox> {
    let vertical = layout.orientation == Orientation::Vertical;
    let step = if vertical { b.w + GAP } else { b.h + GAP };
    for k in 1..=40 {
        let shift = step * ((k + 1) / 2) as f64 * if k % 2 == 1 { 1.0 } else { -1.0 };
        let moved = if vertical {
            BadgeBox {
                x: b.x + shift,
                ..b
            }
        } else {
            BadgeBox {
                y: b.y + shift,
                ..b
            }
        };
        if ok(&moved) {
            return Some(moved);
        }
    }
    None
}

/// One badge, drawn at `at`.
pub fn badge_html(
    at: BadgeBox,
    text: &str,
    e: &EdgeView,
    health: &HealthView,
    from: &str,
    to: &str,
) -> Html {
    let l = health_look(health.state);
    let unknown = health.state == "unknown";
    let title = if unknown {
        format!("{from}'s health check of {to}: {} — nobody is checking now, so the last belief means nothing", health.detail)
    } else {
        format!(
            "{from}'s health check of {to}: {} — {}{}{}",
            health.state,
            health.detail,
            if health.in_rotation {
                " (in rotation)"
            } else {
                " (out of rotation: gets no traffic)"
            },
            if e.backup { "; backup server" } else { "" }
        )
    };
    html! {
        <g class={classes!("badge", l.class)} transform={format!("translate({:.1},{:.1})", at.x, at.y)}
           data-health={health.state} data-from={from.to_string()} data-to={to.to_string()}>
            <title>{ title }</title>
            <rect class="badge-box" width={format!("{:.1}", at.w)} height={format!("{:.1}", at.h)} rx="9.5" />
            if unknown {
                // Hatched: a belief nobody holds any more, not a colour of health.
                <rect class="badge-hatch" width={format!("{:.1}", at.w)} height={format!("{:.1}", at.h)} rx="9.5" />
            }
            <path class="badge-icon" d={l.icon} transform="translate(6,3.5) scale(1)" />
            <text class="badge-text" x="20" y="13.2">{ text.to_string() }</text>
        </g>
    }
}
