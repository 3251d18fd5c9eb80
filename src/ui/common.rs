//! Small pieces shared by the visualizer's components: pointer-identity props, formatting,
//! the state vocabulary (colour class + icon + words for every `NodeStatus`), and browser
//! helpers that turn every fallible DOM call into an `Option`/`Result` instead of a panic.
use std::cmp::Ordering;
use std::ops::Deref;
use std::rc::Rc;

use crate::sim::snapshot::{NodeKind, NodeStatus};
use crate::sim::time::TimeUs;

/// An `Rc` compared by pointer: props that hold a snapshot re-render when a *new* snapshot is
/// taken, without comparing (or requiring `PartialEq` on) its contents.
pub struct Shared<T>(pub Rc<T>);

impl<T> Shared<T> {
    pub fn new(v: T) -> Self {
        Shared(Rc::new(v))
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Rc::clone(&self.0))
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

// ----- sorting ------------------------------------------------------------------------------

/// Sorts `v` stably by `cmp`, like `v.sort_by(cmp)`. Every `sort_by` closure compiles the
/// standard library's sort algorithm anew (~3 KB of wasm each); this sorts positions through
/// one shared instance ([`sort_positions`]) and then moves the items.
pub fn sort_by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_positions(&mut order, &|a, b| cmp(&v[a], &v[b]));
    let mut items: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(order.iter().filter_map(|&i| items[i].take()));
}

/// The one instance of the standard library's (stable) sort in the UI.
pub fn sort_positions(order: &mut [usize], cmp: &dyn Fn(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

// ----- formatting ---------------------------------------------------------------------------

/// The simulated clock: `0:23.4`, `12:03.4`, `1:02:03.4`.
pub fn fmt_clock(us: TimeUs) -> String {
    let tenths = us / 100_000;
    let (t, s) = (tenths % 10, tenths / 10);
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}.{t}")
    } else {
        format!("{m}:{s:02}.{t}")
    }
}

/// Seconds with one decimal: `20.0 s`.
pub fn fmt_s1(us: TimeUs) -> String {
    format!("{:.1} s", us as f64 / 1e6)
}

/// Milliseconds, readable at any magnitude: `0.8 ms`, `16 ms`, `2.0 s`.
pub fn fmt_ms(ms: f64) -> String {
    if !ms.is_finite() || ms <= 0.0 {
        "–".into()
    } else if ms < 10.0 {
        format!("{ms:.1} ms")
    } else if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// `12,345`.
pub fn fmt_count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Availability as a percentage with enough digits to see the nines: `99.983 %`.
pub fn fmt_availability(a: f64) -> String {
    if (0.9995..1.0).contains(&a) {
        format!("{:.3} %", a * 100.0)
    } else {
        format!("{:.1} %", a * 100.0)
    }
}

/// Speed factor label: `0.1×`, `1×`, `250×`.
pub fn fmt_speed(s: f64) -> String {
    if s < 1.0 || (s < 10.0 && (s - s.round()).abs() > 0.05) {
        format!("{s:.1}×")
    } else {
        format!("{:.0}×", s.round())
    }
}

/// Word-wraps `text` into at most `lines` lines of `width` characters, with an ellipsis when
/// cut. SVG text does not wrap by itself.
pub fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut cut = false;
    for word in text.split_whitespace() {
        let need = if cur.is_empty() {
            word.chars().count()
        } else {
            cur.chars().count() + 1 + word.chars().count()
        };
        if need <= width {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
            continue;
        }
        if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if out.len() == lines {
            cut = true;
            break;
        }
        cur = word.chars().take(width).collect();
    }
    if !cut && !cur.is_empty() {
        if out.len() < lines {
            out.push(cur);
        } else {
            cut = true;
        }
    }
    if cut {
        if let Some(last) = out.last_mut() {
            let keep: String = last.chars().take(width.saturating_sub(1)).collect();
            *last = format!("{}…", keep.trim_end());
        }
    }
    out
}

// ----- the state vocabulary -----------------------------------------------------------------

/// Icon paths drawn in a 12×12 box with a stroke (never colour alone: every state has its own
/// shape and its own word).
pub mod icon {
    pub const CHECK: &str = "M2.5 6.5l2.4 2.4 4.6-5";
    pub const WAVE: &str =
        "M1.5 7c1.5-2.2 3-2.2 4.5 0s3 2.2 4.5 0M1.5 4c1.5-2.2 3-2.2 4.5 0s3 2.2 4.5 0";
    pub const RESTART: &str = "M9.7 4.2A4.2 4.2 0 1 0 10.2 7M10 1.6v2.8H7.2";
    pub const BANG: &str = "M6 2v5M6 9.4v.6";
    pub const DOWN: &str = "M6 1.8v8.2M2.6 6.6 6 10l3.4-3.4";
    pub const UP: &str = "M6 10.2V2M2.6 5.4 6 2l3.4 3.4";
    pub const CROSS: &str = "M2.8 2.8l6.4 6.4M9.2 2.8l-6.4 6.4";
    pub const NO_ENTRY: &str = "M6 1.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM2.9 2.9l6.2 6.2";
    pub const BOLT: &str = "M7 1.5 3 7h3l-1 3.5L9 5H6z";
    pub const DOTS: &str = "M2.5 6h.01M6 6h.01M9.5 6h.01";
    /// Ejected by outlier detection: the eject symbol (a triangle over a bar).
    pub const EJECT: &str = "M6 2 2.5 6.5h7zM2.5 9h7";
    /// Draining: an arrow leaving a box.
    pub const DRAIN: &str = "M2 2.5v7h4M5 6h5M8 4l2 2-2 2";
    /// Slow start: a ramp.
    pub const RAMP: &str = "M2 10h8V3z";
    /// Node kinds, 16×16.
    pub const CLIENTS: &str = "M6 7.2a2.4 2.4 0 1 0 0-4.8 2.4 2.4 0 0 0 0 4.8zM1.5 13.5c.6-2.6 2.3-3.9 4.5-3.9s3.9 1.3 4.5 3.9M11 3a2.2 2.2 0 0 1 0 4.3M12.4 9.8c1 .6 1.7 1.8 2.1 3.7";
    pub const BALANCER: &str = "M1.5 8h4M5.5 8 9 3.5h5.5M5.5 8 9 12.5h5.5M5.5 8h9M12.5 1.5l2 2-2 2M12.5 10.5l2 2-2 2M12.5 6l2 2-2 2";
    /// An archway with a shield bar: the front door every request passes.
    pub const GATEWAY: &str =
        "M1.5 14.5h13M2.5 14.5V6L8 1.8 13.5 6v8.5M5.5 14.5V9.5a2.5 2.5 0 0 1 5 0v5M2.5 6h11";
    pub const GLOBE: &str = "M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM1.5 8h13M8 1.5c1.8 1.8 2.7 4 2.7 6.5S9.8 12.7 8 14.5M8 1.5C6.2 3.3 5.3 5.5 5.3 8s.9 4.7 2.7 6.5";
    pub const DATABASE: &str = "M2.5 3.5c0-1.1 2.5-2 5.5-2s5.5.9 5.5 2-2.5 2-5.5 2-5.5-.9-5.5-2zM2.5 3.5v9c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2v-9M2.5 8c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2";
    pub const INSTANCE: &str =
        "M2.5 2.5h11v4.6h-11zM2.5 8.9h11v4.6h-11zM5 4.8h.01M5 11.2h.01M8 4.8h3M8 11.2h3";
}

/// Everything the UI shows for a node state.
pub struct StateLook {
    /// CSS class suffix: `st-up`, `st-crashed`, ...
    pub class: &'static str,
    pub label: &'static str,
    pub icon: &'static str,
}

pub fn look(status: NodeStatus) -> StateLook {
    let (class, icon) = match status {
        NodeStatus::Up => ("st-up", icon::CHECK),
        NodeStatus::Degraded => ("st-degraded", icon::WAVE),
        NodeStatus::Starting => ("st-starting", icon::RESTART),
        NodeStatus::Suspected => ("st-suspected", icon::BANG),
        NodeStatus::Down => ("st-down", icon::DOWN),
        NodeStatus::Crashed => ("st-crashed", icon::CROSS),
        NodeStatus::Unreachable => ("st-unreachable", icon::NO_ENTRY),
        NodeStatus::Failed => ("st-failed", icon::CROSS),
        NodeStatus::ScaledIn => ("st-scaled-in", icon::DOTS),
    };
    StateLook {
        class,
        label: status.name(),
        icon,
    }
}

/// The look of a balancer's belief about a target (`HealthView.state`).
pub fn health_look(state: &str) -> StateLook {
    let (class, icon) = match state {
        "up" => ("st-up", icon::CHECK),
        "suspected" => ("st-suspected", icon::BANG),
        "down" => ("st-down", icon::DOWN),
        "rising" | "initial" => ("st-starting", icon::UP),
        // Recovery states (outlier detection, draining, slow start) over the checks' belief.
        "ejected" => ("st-down", icon::EJECT),
        "draining" => ("st-suspected", icon::DRAIN),
        "slow start" => ("st-starting", icon::RAMP),
        // Deregistered by its autoscaling group: greyed like the stopped instance.
        "scaled in" => ("st-scaled-in", icon::DOTS),
        // The checker is down or cut off: nobody holds a belief (hatched on the diagram).
        "unknown" => ("st-unknown", icon::DOTS),
        _ => ("st-unchecked", icon::DOTS),
    };
    StateLook {
        class,
        label: match state {
            "up" => "up",
            "suspected" => "suspected",
            "down" => "down",
            "rising" => "rising",
            "initial" => "initial",
            "unchecked" => "unchecked",
            "ejected" => "ejected",
            "draining" => "draining",
            "slow start" => "slow start",
            "scaled in" => "scaled in",
            _ => "unknown",
        },
        icon,
    }
}

pub fn kind_label(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Clients => "clients",
        NodeKind::Dns => "DNS",
        NodeKind::Gateway => "API gateway",
        NodeKind::Database => "database",
        NodeKind::Balancer => "load balancer",
        NodeKind::Instance => "instance",
    }
}

pub fn kind_icon(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Clients => icon::CLIENTS,
        NodeKind::Dns => icon::GLOBE,
        NodeKind::Gateway => icon::GATEWAY,
        NodeKind::Database => icon::DATABASE,
        NodeKind::Balancer => icon::BALANCER,
        NodeKind::Instance => icon::INSTANCE,
    }
}

/// Layer a node kind goes to when it has no edge (see `layout::Item::rank_hint`).
pub fn rank_hint(kind: NodeKind) -> u32 {
    match kind {
        NodeKind::Clients => 0,
        NodeKind::Dns => 1,
        NodeKind::Gateway => 2,
        NodeKind::Balancer => 3,
        NodeKind::Instance => 4,
        NodeKind::Database => 5,
    }
}

// ----- browser helpers ----------------------------------------------------------------------

/// The browser window; `None` natively, where the components are only rendered to HTML for
/// the poster (`poster.rs`) and a browser call would panic.
pub fn window() -> Option<web_sys::Window> {
    #[cfg(target_arch = "wasm32")]
    return web_sys::window();
    #[cfg(not(target_arch = "wasm32"))]
    return None;
}

pub fn document() -> Option<web_sys::Document> {
    window()?.document()
}

/// `performance.now()` in ms (0 when unavailable: timing is only used for budgets).
pub fn now_ms() -> f64 {
    window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// A media query, evaluated once; `.matches()` is cheap to poll every frame.
pub fn media(query: &str) -> Option<web_sys::MediaQueryList> {
    window()?.match_media(query).ok().flatten()
}
