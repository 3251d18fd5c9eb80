//! The request animation: dots moving along the diagram's edges, drawn on a `<canvas>` laid
//! over the SVG. Nothing here goes through Yew's virtual DOM: hundreds of dots change every
//! frame, and the panels only need to change ten times a second.
//!
//! Dots are positioned by *simulated* time (pausing freezes them, stepping moves them), from
//! the `Transfer`s the engine records. A network hop lasts half a millisecond of simulated
//! time, far too short to see, so each dot is stretched to a minimum on-screen duration
//! (`MIN_DOT_WALL_MS` at the current speed); hops longer than that move at true speed.
//!
//! Too many dots would be both slow and unreadable: the engine already samples every k-th
//! transfer when its buffer fills (`Simulation::transfer_sampling`), and the overlay thins
//! the rest further when more than `MAX_DOTS` are on screen. The diagram says "sampled 1/k"
//! with the product of both.
//!
//! With `prefers-reduced-motion`, nothing moves: each edge glows with its recent traffic
//! instead (width for volume, colour for the share of failures).
use std::collections::HashMap;

use wasm_bindgen::JsCast;

use super::layout::{Layout, Pt};
use crate::sim::snapshot::{Transfer, TransferKind};
use crate::sim::time::TimeUs;
use crate::sim::Simulation;

/// Shortest time a dot stays on screen for one hop (wall-clock ms).
pub const MIN_DOT_WALL_MS: f64 = 380.0;
/// Dots on screen per edge before the overlay keeps only every k-th new transfer: beyond
/// about this many, an edge turns into a solid line of dots and nothing can be read.
pub const DOTS_PER_EDGE: usize = 10;
/// Hard cap on dots, whatever the number of edges (drawing time).
pub const MAX_DOTS: usize = 600;
/// Samples per hop of an edge path (enough for smooth curves).
const PER_SEGMENT: usize = 24;
/// Requests and responses travel in two lanes this far apart (CSS px), so they don't overlap.
const LANE_PX: f64 = 3.2;
const DOT_RADIUS_PX: f64 = 3.4;

struct Path {
    points: Vec<Pt>,
    /// Cumulative length at each point (uniform speed along the curve).
    cum: Vec<f64>,
}

impl Path {
    fn new(points: Vec<Pt>) -> Path {
        let mut cum = Vec::with_capacity(points.len());
        let mut acc = 0.0;
        for (i, p) in points.iter().enumerate() {
            if i > 0 {
                let q = points[i - 1];
                acc += ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt();
            }
            cum.push(acc);
        }
        Path { points, cum }
    }

    /// Point and unit direction at fraction `f` of the length.
    fn at(&self, f: f64) -> (Pt, Pt) {
        let n = self.points.len();
        let total = self.cum.last().copied().unwrap_or(0.0);
        if n < 2 || total <= 0.0 {
            let p = self
                .points
                .first()
                .copied()
                .unwrap_or(Pt { x: 0.0, y: 0.0 });
            return (p, Pt { x: 1.0, y: 0.0 });
        }
        let d = f.clamp(0.0, 1.0) * total;
        let i = self.cum.partition_point(|c| *c < d).clamp(1, n - 1);
        let (a, b) = (self.points[i - 1], self.points[i]);
        let seg = self.cum[i] - self.cum[i - 1];
        let t = if seg > 0.0 {
            (d - self.cum[i - 1]) / seg
        } else {
            0.0
        };
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = (dx * dx + dy * dy).sqrt().max(1e-9);
        (
            Pt {
                x: a.x + dx * t,
                y: a.y + dy * t,
            },
            Pt {
                x: dx / len,
                y: dy / len,
            },
        )
    }
}

#[derive(Clone, Copy)]
struct Dot {
    path: u32,
    reverse: bool,
    depart: TimeUs,
    /// Arrival stretched to the minimum visible duration.
    arrive: TimeUs,
    kind: TransferKind,
}

/// Recent traffic per edge, for the reduced-motion rendering.
#[derive(Clone, Copy, Default)]
struct Heat {
    total: f64,
    failed: f64,
}

/// Colours of the overlay for one theme (kept in sync with static/visualizer.css).
struct Palette {
    request: &'static str,
    /// Retries (client, gateway, balancer): a diamond in the timeout orange, so a retry
    /// storm reads as a swarm distinct from first tries.
    retry: &'static str,
    success: &'static str,
    failure: &'static str,
    heat_ok: &'static str,
    heat_bad: &'static str,
}

const LIGHT: Palette = Palette {
    request: "rgba(71, 85, 105, 0.85)",
    retry: "#e69f00",
    success: "#009e73",
    failure: "#d55e00",
    heat_ok: "0, 158, 115",
    heat_bad: "213, 94, 0",
};

const DARK: Palette = Palette {
    request: "rgba(203, 213, 225, 0.85)",
    retry: "#f5b041",
    success: "#34d399",
    failure: "#fb923c",
    heat_ok: "52, 211, 153",
    heat_bad: "251, 146, 60",
};

#[derive(Default)]
pub struct Overlay {
    paths: Vec<Path>,
    by_pair: HashMap<(u32, u32), u32>,
    width: f64,
    height: f64,
    dots: Vec<Dot>,
    buf: Vec<Transfer>,
    heat: Vec<Heat>,
    stride: u64,
    seen: u64,
    /// Recorded transfers per simulated µs (smoothed).
    rate: f64,
    last_now: TimeUs,
    /// Size of the canvas backing store last time (to resize only when needed).
    backing: (u32, u32),
    /// Whether the previous frame drew anything (so an idle, paused overlay is not redrawn).
    drawn_at: Option<(TimeUs, u32, u32, bool)>,
}

impl Overlay {
    /// Rebuilds the edge paths for a new layout (new topology or orientation).
    pub fn set_layout(&mut self, layout: &Layout) {
        self.paths.clear();
        self.by_pair.clear();
        for r in &layout.routes {
            self.by_pair.insert((r.from, r.to), self.paths.len() as u32);
            self.paths.push(Path::new(layout.sample(r, PER_SEGMENT)));
        }
        self.width = layout.width;
        self.height = layout.height;
        self.heat = vec![Heat::default(); self.paths.len()];
        self.dots.clear();
        self.drawn_at = None;
    }

    /// Forget every dot (after a rebuild of the run).
    pub fn clear(&mut self) {
        self.dots.clear();
        self.heat.iter_mut().for_each(|h| *h = Heat::default());
        self.stride = 1;
        self.rate = 0.0;
        self.drawn_at = None;
    }

    /// Total sampling factor shown to the user (engine × overlay).
    pub fn sampling(&self, sim: &Simulation) -> u64 {
        sim.transfer_sampling().saturating_mul(self.stride.max(1))
    }

    pub fn dots(&self) -> usize {
        self.dots.len()
    }

    /// Takes the transfers recorded since the last frame. `speed` (sim s per wall s) sets the
    /// minimum on-screen duration of a hop.
    pub fn ingest(&mut self, sim: &mut Simulation, speed: f64, reduced: bool) {
        self.buf.clear();
        sim.drain_transfers(&mut self.buf);
        let now = sim.now_us();
        let dt = now.saturating_sub(self.last_now) as f64;
        self.last_now = now;
        if reduced {
            // Exponential decay over about one wall second of the current speed.
            let tau = (speed * 1e6).max(1.0);
            let k = (-dt / tau).exp();
            for h in &mut self.heat {
                h.total *= k;
                h.failed *= k;
            }
            for t in &self.buf {
                let idx = self
                    .by_pair
                    .get(&(t.from, t.to))
                    .or_else(|| self.by_pair.get(&(t.to, t.from)));
                if let Some(&i) = idx {
                    if let Some(h) = self.heat.get_mut(i as usize) {
                        h.total += 1.0;
                        if t.kind == TransferKind::Failure {
                            h.failed += 1.0;
                        }
                    }
                }
            }
            self.dots.clear();
            return;
        }
        self.dots.retain(|d| d.arrive >= now);
        let max = (DOTS_PER_EDGE * self.paths.len()).clamp(24, MAX_DOTS);
        let min_us = (MIN_DOT_WALL_MS * 1_000.0 * speed) as TimeUs;
        // Thinning from the incoming rate: a dot lives about `min_us` of simulated time, so
        // about rate × min_us / stride dots are on screen. (Reacting to the dot count instead
        // would overshoot: dots already drawn stay for a while whatever the stride.)
        if dt > 0.0 {
            let rate = self.buf.len() as f64 / dt;
            self.rate = if self.rate == 0.0 {
                rate
            } else {
                0.8 * self.rate + 0.2 * rate
            };
            let want = (self.rate * min_us.max(1) as f64 / max as f64)
                .ceil()
                .max(1.0);
            // Powers of two, and a wide band before stepping down (want well under half the
            // stride), keep the stride and its "sampled 1/k" label from flickering when the
            // rate hovers at a boundary.
            let target = (want as u64).clamp(1, 1 << 20).next_power_of_two();
            if target > self.stride || want < 0.35 * self.stride as f64 {
                self.stride = target;
            }
        }
        for t in &self.buf {
            self.seen = self.seen.wrapping_add(1);
            // Also a cap within the frame: the stride only adapts from one frame to the next.
            if !self.seen.is_multiple_of(self.stride.max(1)) || self.dots.len() >= 2 * max {
                continue;
            }
            let (path, reverse) = match self.by_pair.get(&(t.from, t.to)) {
                Some(&p) => (p, false),
                None => match self.by_pair.get(&(t.to, t.from)) {
                    Some(&p) => (p, true),
                    None => continue,
                },
            };
            let arrive = t.arrive_us.max(t.depart_us.saturating_add(min_us));
            if arrive < now {
                continue;
            }
            self.dots.push(Dot {
                path,
                reverse,
                depart: t.depart_us,
                arrive,
                kind: t.kind,
            });
        }
    }

    /// Draws the dots (or the edge heat) for simulated time `now`. Resizes the backing store to
    /// the element's size × devicePixelRatio. Skips the work when nothing changed.
    pub fn draw(
        &mut self,
        canvas: &web_sys::HtmlCanvasElement,
        now: TimeUs,
        reduced: bool,
        dark: bool,
    ) {
        let dpr = super::common::window()
            .map(|w| w.device_pixel_ratio())
            .unwrap_or(1.0)
            .clamp(1.0, 3.0);
        let css_w = canvas.client_width().max(0) as f64;
        let css_h = canvas.client_height().max(0) as f64;
        let (bw, bh) = ((css_w * dpr).round() as u32, (css_h * dpr).round() as u32);
        if bw == 0 || bh == 0 {
            return;
        }
        let key = (now, bw, bh, reduced);
        if self.drawn_at == Some(key) {
            return;
        }
        self.drawn_at = Some(key);
        if self.backing != (bw, bh) {
            canvas.set_width(bw);
            canvas.set_height(bh);
            self.backing = (bw, bh);
        }
        let Some(ctx) = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        ctx.clear_rect(0.0, 0.0, bw as f64, bh as f64);
        if self.width <= 0.0 || self.height <= 0.0 {
            return;
        }
        // The SVG uses preserveAspectRatio="xMidYMid meet": same transform here.
        let s = (css_w / self.width).min(css_h / self.height);
        let ox = (css_w - self.width * s) / 2.0;
        let oy = (css_h - self.height * s) / 2.0;
        let to_px = |p: Pt| ((ox + p.x * s) * dpr, (oy + p.y * s) * dpr);
        let pal = if dark { &DARK } else { &LIGHT };

        if reduced {
            self.draw_heat(&ctx, &to_px, dpr, pal);
            return;
        }
        let lane = LANE_PX * dpr;
        let r = DOT_RADIUS_PX * dpr;
        for (kind, colour) in [
            (TransferKind::Request, pal.request),
            (TransferKind::Success, pal.success),
            (TransferKind::Failure, pal.failure),
            (TransferKind::Retry, pal.retry),
        ] {
            ctx.begin_path();
            let mut any = false;
            for d in self.dots.iter().filter(|d| d.kind == kind) {
                if now < d.depart || now > d.arrive {
                    continue;
                }
                let Some(path) = self.paths.get(d.path as usize) else {
                    continue;
                };
                let span = (d.arrive - d.depart).max(1) as f64;
                let mut f = (now - d.depart) as f64 / span;
                if d.reverse {
                    f = 1.0 - f;
                }
                let (p, dir) = path.at(f);
                let (x, y) = to_px(p);
                // Forward (requests) on one side of the edge, backward (answers) on the other.
                let side = if d.reverse { 1.0 } else { -1.0 };
                let (x, y) = (x - dir.y * lane * side, y + dir.x * lane * side);
                if kind == TransferKind::Failure {
                    // A different shape, not only a different colour: failures are squares.
                    ctx.rect(x - r, y - r, 2.0 * r, 2.0 * r);
                } else if kind == TransferKind::Retry {
                    // Retries are diamonds.
                    ctx.move_to(x, y - 1.3 * r);
                    ctx.line_to(x + 1.3 * r, y);
                    ctx.line_to(x, y + 1.3 * r);
                    ctx.line_to(x - 1.3 * r, y);
                    ctx.close_path();
                } else {
                    ctx.move_to(x + r, y);
                    let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
                }
                any = true;
            }
            if any {
                ctx.set_fill_style_str(colour);
                ctx.fill();
            }
        }
    }

    fn draw_heat(
        &self,
        ctx: &web_sys::CanvasRenderingContext2d,
        to_px: &dyn Fn(Pt) -> (f64, f64),
        dpr: f64,
        pal: &Palette,
    ) {
        ctx.set_line_cap("round");
        for (path, h) in self.paths.iter().zip(&self.heat) {
            if h.total < 0.05 || path.points.len() < 2 {
                continue;
            }
            // Volume → width and opacity, on a log scale (10 and 10 000 transfers both visible).
            let level = (1.0 + h.total).ln() / (1.0 + 5_000f64).ln();
            let level = level.clamp(0.08, 1.0);
            let bad_share = (h.failed / h.total).clamp(0.0, 1.0);
            let rgb = if bad_share > 0.2 {
                pal.heat_bad
            } else {
                pal.heat_ok
            };
            ctx.set_stroke_style_str(&format!("rgba({rgb}, {:.2})", 0.15 + 0.45 * level));
            ctx.set_line_width((2.0 + 8.0 * level) * dpr);
            ctx.begin_path();
            for (i, p) in path.points.iter().enumerate() {
                let (x, y) = to_px(*p);
                if i == 0 {
                    ctx.move_to(x, y);
                } else {
                    ctx.line_to(x, y);
                }
            }
            ctx.stroke();
        }
    }
}
