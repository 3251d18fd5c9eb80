//! Headline numbers and the live charts of the last two minutes of simulated time, drawn as
//! plain SVG from the per-second buckets (`Simulation::series`): availability, p50/p99
//! latency, and requests per second succeeded vs failed, stacked by failure reason.
use yew::prelude::*;

use super::common::{fmt_availability, fmt_clock, fmt_count, fmt_ms, Shared};
use super::overload_charts::overload_charts;
use super::runner::CHART_SECONDS;
use crate::sim::metrics::{FailureReason, FailureRecord, SecondBucket};
use crate::sim::Snapshot;

/// Chart drawing area (viewBox units); the SVG scales with the panel. The requests chart is
/// twice as wide on wide screens (it spans both columns at the same height).
pub(super) const W: f64 = 420.0;
const W_WIDE: f64 = 860.0;
pub(super) const H: f64 = 150.0;
pub(super) const LEFT: f64 = 46.0;
pub(super) const RIGHT: f64 = 8.0;
pub(super) const TOP: f64 = 10.0;
pub(super) const BOTTOM: f64 = 20.0;

/// CSS class per failure reason (colour-blind-safe palette in visualizer.css, plus the
/// legend's words).
pub fn reason_class(r: FailureReason) -> &'static str {
    match r {
        FailureReason::NoHealthyTarget => "r-no-target",
        FailureReason::ConnectionRefused => "r-refused",
        FailureReason::Timeout => "r-timeout",
        FailureReason::QueueFull => "r-queue",
        FailureReason::CrashedInFlight => "r-crashed",
        FailureReason::ServerError => "r-500",
        FailureReason::DnsFailure => "r-dns",
        FailureReason::QueueTimeout => "r-queue-timeout",
    }
}

#[derive(Properties, PartialEq)]
pub struct HeadlineProps {
    pub snapshot: Shared<Snapshot>,
}

#[function_component(Headline)]
pub fn headline(p: &HeadlineProps) -> Html {
    let s = &*p.snapshot;
    let t = &s.totals;
    let finished = t.succeeded + t.failed;
    let avail_class = if finished == 0 || s.availability >= 0.999 {
        "good"
    } else if s.availability >= 0.99 {
        "warn"
    } else {
        "bad"
    };
    html! {
        <dl class="headline" aria-label="Run so far">
            <div class={classes!("metric", avail_class)} data-metric="availability">
                <dt>{ "Availability so far" }</dt>
                <dd data-value={format!("{:.6}", s.availability)}>{ fmt_availability(s.availability) }</dd>
                <span class="metric-sub">{ format!("{} of {} answered OK", fmt_count(t.succeeded), fmt_count(finished)) }</span>
            </div>
            <div class={classes!("metric", (t.failed > 0).then_some("bad"))} data-metric="failed">
                <dt>{ "Failed requests" }</dt>
                <dd data-value={t.failed.to_string()}>{ fmt_count(t.failed) }</dd>
                <span class="metric-sub">{ format!("{} retried", fmt_count(t.retried)) }</span>
            </div>
            <div class="metric" data-metric="p99">
                <dt>{ "p99 latency now" }</dt>
                <dd>{ fmt_ms(s.recent_p99_ms) }</dd>
                <span class="metric-sub">{ format!("whole run: p50 {} · p99 {}", fmt_ms(s.latency.p50_ms), fmt_ms(s.latency.p99_ms)) }</span>
            </div>
            <div class="metric" data-metric="in-flight">
                <dt>{ "In flight" }</dt>
                <dd>{ fmt_count(t.in_flight) }</dd>
                <span class="metric-sub">{ format!("{} sent", fmt_count(t.sent)) }</span>
            </div>
        </dl>
    }
}

#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    pub series: Shared<Vec<SecondBucket>>,
    pub snapshot: Shared<Snapshot>,
    /// Narrow screen: every chart in one column at the same width.
    #[prop_or_default]
    pub compact: bool,
}

/// The x axis: the last CHART_SECONDS complete seconds, ending at the newest bucket.
#[derive(Clone, Copy)]
pub(super) struct Axis {
    pub(super) first: u64,
    /// viewBox width of this chart.
    pub(super) w: f64,
}

impl Axis {
    pub(super) fn x(&self, second: u64) -> f64 {
        let i = second.saturating_sub(self.first) as f64;
        LEFT + (i + 0.5) / CHART_SECONDS as f64 * (self.w - LEFT - RIGHT)
    }
    fn bar_w(&self) -> f64 {
        (self.w - LEFT - RIGHT) / CHART_SECONDS as f64
    }
}

#[function_component(Charts)]
pub fn charts(p: &ChartsProps) -> Html {
    let series = &*p.series;
    let last = series.last().map(|b| b.second).unwrap_or(0);
    let first = (last + 1).saturating_sub(CHART_SECONDS as u64);
    let axis = Axis { first, w: W };
    let wide = Axis {
        first,
        w: if p.compact { W } else { W_WIDE },
    };
    // Labels only on the wide chart: on the small ones they would collide.
    let markers = fault_markers(&p.snapshot.failures, &axis, first, last, false);
    let wide_markers = fault_markers(&p.snapshot.failures, &wide, first, last, true);
    html! {
        <div class={classes!("charts", p.compact.then_some("compact"))}>
            { availability_chart(series, &axis, &markers) }
            { latency_chart(series, &axis, &markers) }
            { throughput_chart(series, &wide, &wide_markers) }
            // Scenarios with an overload option (issue 13): load against capacity, and
            // retries per second by layer.
            if !p.snapshot.overload_series.is_empty() {
                { overload_charts(series, &p.snapshot.overload_series, &axis, &markers) }
            }
        </div>
    }
}

/// Label rows above the plot, and the width of one label character at the CSS font size
/// (`.marker text`, 10.5 px bold): enough to lay labels out without measuring the DOM.
const LABEL_ROWS: usize = 3;
const LABEL_CHAR_W: f64 = 6.2;

/// Vertical marks where failures started (and were detected) inside the window. With
/// `labels`, faults that start in the same second share one label ("eu-west-a zone outage
/// +5"), and labels take the first row where they do not overlap the previous label; one
/// that fits nowhere keeps its line and says everything in its tooltip.
fn fault_markers(
    failures: &[FailureRecord],
    axis: &Axis,
    first: u64,
    last: u64,
    labels: bool,
) -> Html {
    let in_window = |us: u64| Some(us / 1_000_000).filter(|s| (first..=last).contains(s));
    // Faults grouped by second, in time order (records are kept in the order they opened).
    let mut groups: Vec<(u64, Vec<&FailureRecord>)> = Vec::new();
    for f in failures {
        let Some(s) = in_window(f.fault_at_us) else {
            continue;
        };
        match groups.iter_mut().find(|(g, _)| *g == s) {
            Some((_, members)) => members.push(f),
            None => groups.push((s, vec![f])),
        }
    }
    super::common::sort_by(&mut groups, |a, b| a.0.cmp(&b.0));
    let mut row_end = [f64::NEG_INFINITY; LABEL_ROWS];
    let faults = groups.iter().map(|(s, members)| {
        let x = axis.x(*s);
        let describe = |f: &FailureRecord| format!("{} {}", f.node_name, short_fault(&f.fault));
        let text = match members.len() {
            1 => describe(members[0]),
            n => format!("{} +{}", describe(members[0]), n - 1),
        };
        let title = members
            .iter()
            .map(|f| describe(f))
            .collect::<Vec<_>>()
            .join(", ");
        let width = text.chars().count() as f64 * LABEL_CHAR_W;
        let row = labels
            .then(|| row_end.iter().position(|&end| end + 4.0 <= x))
            .flatten();
        let label = row.map(|r| {
            row_end[r] = x + 3.0 + width;
            let y = TOP + 8.0 + r as f64 * 11.0;
            html! { <text x={f1(x + 3.0)} y={f1(y)}>{ text.clone() }</text> }
        });
        html! {
            <g class="marker fault">
                <title>{ format!("{}: {title}", fmt_clock(*s * 1_000_000)) }</title>
                <line x1={f1(x)} x2={f1(x)} y1={f1(TOP)} y2={f1(H - BOTTOM)} />
                { for label }
            </g>
        }
    });
    let faults: Vec<Html> = faults.collect();
    // One detection line per second, like the fault lines.
    let mut detected: Vec<u64> = failures
        .iter()
        .filter_map(|f| f.detected_at_us.and_then(in_window))
        .collect();
    super::common::sort_by(&mut detected, u64::cmp);
    detected.dedup();
    let detections = detected.into_iter().map(|s| {
        let x = axis.x(s);
        html! {
            <g class="marker detected">
                <line x1={f1(x)} x2={f1(x)} y1={f1(TOP)} y2={f1(H - BOTTOM)} />
            </g>
        }
    });
    html! { <g class="markers">{ for faults }{ for detections }</g> }
}

fn short_fault(fault: &str) -> &str {
    match fault {
        "process crash" => "crash",
        "host unreachable" => "unreachable",
        "process frozen" => "frozen",
        "balancer failed" => "failed",
        "balancer unreachable" => "unreachable",
        "gray failure" => "gray",
        "added latency" => "+latency",
        other => other,
    }
}

fn f1(v: f64) -> String {
    format!("{v:.1}")
}

/// One chart's content, framed by `frame` (axes, markers, caption).
pub(super) struct Chart<'a> {
    pub(super) title: &'a str,
    pub(super) y_ticks: &'a [(f64, String)],
    pub(super) body: Html,
    pub(super) legend: Html,
    /// What a screen reader hears instead of the picture.
    pub(super) desc: String,
    pub(super) empty: bool,
}

pub(super) fn frame(c: Chart<'_>, axis: &Axis, markers: &Html) -> Html {
    let Chart {
        title,
        y_ticks,
        body,
        legend,
        desc,
        empty,
    } = c;
    let ticks = y_ticks.iter().map(|(y, label)| {
        html! {
            <g class="tick">
                <line x1={f1(LEFT)} x2={f1(axis.w - RIGHT)} y1={f1(*y)} y2={f1(*y)} />
                <text x={f1(LEFT - 6.0)} y={f1(*y + 3.5)} text-anchor="end">{ label.clone() }</text>
            </g>
        }
    });
    // Time labels every 30 s of the window.
    let xs = (0..=CHART_SECONDS as u64).step_by(30).map(|i| {
        let s = axis.first + i;
        let x = LEFT + i as f64 / CHART_SECONDS as f64 * (axis.w - LEFT - RIGHT);
        html! { <text class="xtick" x={f1(x)} y={f1(H - 5.0)} text-anchor="middle">{ format!("{s} s") }</text> }
    });
    html! {
        <figure class={classes!("chart-figure", (axis.w > W).then_some("wide"))}>
            <figcaption class="chart-title">{ title.to_string() }{ legend }</figcaption>
            <svg class="chart-svg" viewBox={format!("0 0 {} {H}", axis.w)} role="img" aria-label={desc}>
                <g class="ticks">{ for ticks }</g>
                { body }
                { markers.clone() }
                <g class="xticks">{ for xs }</g>
                <text class="chart-empty" x={f1((LEFT + axis.w - RIGHT) / 2.0)} y={f1((TOP + H - BOTTOM) / 2.0)} text-anchor="middle">
                    { if empty { "waiting for the first complete second" } else { "" } }
                </text>
            </svg>
        </figure>
    }
}

fn availability_chart(series: &[SecondBucket], axis: &Axis, markers: &Html) -> Html {
    let y = |a: f64| TOP + (1.0 - a) * (H - TOP - BOTTOM);
    let mut d = String::new();
    let mut pen = false;
    let mut worst: Option<f64> = None;
    for b in series.iter().filter(|b| b.second >= axis.first) {
        match b.availability() {
            Some(a) => {
                worst = Some(worst.map_or(a, |w: f64| w.min(a)));
                d.push_str(&format!(
                    "{}{:.1} {:.1}",
                    if pen { "L" } else { "M" },
                    axis.x(b.second),
                    y(a)
                ));
                pen = true;
            }
            // Nothing finished that second: a gap, not a fake 100 % or 0 %.
            None => pen = false,
        }
    }
    let ticks = [
        (y(1.0), "100%".to_string()),
        (y(0.5), "50%".to_string()),
        (y(0.0), "0%".to_string()),
    ];
    let desc = match worst {
        Some(w) => format!(
            "Availability per second over the last {CHART_SECONDS} s; lowest {:.1} %",
            w * 100.0
        ),
        None => "Availability per second: no finished requests yet".to_string(),
    };
    let body = html! { <path class="line availability" d={d} /> };
    let chart = Chart {
        title: "Availability per second",
        y_ticks: &ticks,
        body,
        legend: html! {},
        desc,
        empty: worst.is_none(),
    };
    frame(chart, axis, markers)
}

fn latency_chart(series: &[SecondBucket], axis: &Axis, markers: &Html) -> Html {
    // Log scale, 1 ms to 10 s: a 16 ms median and a 2 s retry tail both stay readable.
    let (lo, hi) = (0.0f64, 4.0f64);
    let y = |ms: f64| {
        let l = ms.max(1.0).log10().clamp(lo, hi);
        TOP + (1.0 - (l - lo) / (hi - lo)) * (H - TOP - BOTTOM)
    };
    let line = |get: fn(&SecondBucket) -> u64| {
        let mut d = String::new();
        let mut pen = false;
        for b in series.iter().filter(|b| b.second >= axis.first) {
            let v = get(b);
            if b.succeeded == 0 || v == 0 {
                pen = false;
                continue;
            }
            d.push_str(&format!(
                "{}{:.1} {:.1}",
                if pen { "L" } else { "M" },
                axis.x(b.second),
                y(v as f64 / 1000.0)
            ));
            pen = true;
        }
        d
    };
    let ticks = [
        (y(1.0), "1 ms".to_string()),
        (y(10.0), "10 ms".to_string()),
        (y(100.0), "100 ms".to_string()),
        (y(1000.0), "1 s".to_string()),
        (y(10_000.0), "10 s".to_string()),
    ];
    let body = html! {
        <>
            <path class="line p99" d={line(|b| b.p99_us)} />
            <path class="line p50" d={line(|b| b.p50_us)} />
        </>
    };
    let legend = html! {
        <span class="legend">
            <span class="key k-p50">{ "p50" }</span>
            <span class="key k-p99">{ "p99" }</span>
        </span>
    };
    let last = series.iter().rev().find(|b| b.succeeded > 0);
    let desc = match last {
        Some(b) => format!(
            "Latency per second, log scale; latest p50 {}, p99 {}",
            fmt_ms(b.p50_us as f64 / 1000.0),
            fmt_ms(b.p99_us as f64 / 1000.0)
        ),
        None => "Latency per second: nothing answered yet".to_string(),
    };
    let chart = Chart {
        title: "Latency (successful requests)",
        y_ticks: &ticks,
        body,
        legend,
        desc,
        empty: last.is_none(),
    };
    frame(chart, axis, markers)
}

fn throughput_chart(series: &[SecondBucket], axis: &Axis, markers: &Html) -> Html {
    let window: Vec<&SecondBucket> = series.iter().filter(|b| b.second >= axis.first).collect();
    let peak = window
        .iter()
        .map(|b| b.succeeded + b.failed_total())
        .max()
        .unwrap_or(0)
        .max(10) as f64;
    let top = nice_ceiling(peak);
    let scale = |v: f64| v / top * (H - TOP - BOTTOM);
    let base = H - BOTTOM;
    let bw = (axis.bar_w() - 0.6).max(0.6);
    let mut seen = [false; FailureReason::COUNT];
    // One path per series (not one rect per bar per series): far fewer DOM nodes.
    let mut ok = String::new();
    let mut failed: Vec<String> = vec![String::new(); FailureReason::COUNT];
    for b in &window {
        let x = axis.x(b.second) - bw / 2.0;
        let mut y0 = base;
        let h = scale(b.succeeded as f64);
        if h > 0.0 {
            ok.push_str(&format!("M{x:.1} {:.1}h{bw:.1}v{h:.1}h-{bw:.1}z", y0 - h));
            y0 -= h;
        }
        for r in FailureReason::ALL {
            let n = b.failed[r.index()];
            if n == 0 {
                continue;
            }
            seen[r.index()] = true;
            let h = scale(n as f64).max(0.8);
            failed[r.index()].push_str(&format!("M{x:.1} {:.1}h{bw:.1}v{h:.1}h-{bw:.1}z", y0 - h));
            y0 -= h;
        }
    }
    let ticks = [
        (base - scale(top), fmt_rate(top)),
        (base - scale(top / 2.0), fmt_rate(top / 2.0)),
        (base, "0".to_string()),
    ];
    let body = html! {
        <g class="bars">
            <path class="bar ok" d={ok} />
            { for FailureReason::ALL.iter().map(|r| html! { <path class={classes!("bar", reason_class(*r))} d={failed[r.index()].clone()} /> }) }
        </g>
    };
    let legend = html! {
        <span class="legend">
            <span class="key k-ok">{ "succeeded" }</span>
            { for FailureReason::ALL.iter().filter(|r| seen[r.index()]).map(|r| html! {
                <span class={classes!("key", reason_class(*r))}>{ r.label() }</span>
            }) }
        </span>
    };
    let total_failed: u64 = window.iter().map(|b| b.failed_total() as u64).sum();
    let desc = format!(
        "Requests per second over the last {CHART_SECONDS} s, succeeded and failed by reason; {} failed in this window",
        fmt_count(total_failed)
    );
    let chart = Chart {
        title: "Requests per second",
        y_ticks: &ticks,
        body,
        legend,
        desc,
        empty: window.is_empty(),
    };
    frame(chart, axis, markers)
}

pub(super) fn nice_ceiling(v: f64) -> f64 {
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if v <= m * mag {
            return m * mag;
        }
    }
    10.0 * mag
}

pub(super) fn fmt_rate(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.1}k/s", v / 1000.0)
    } else {
        format!("{v:.0}/s")
    }
}

/// Replication lag per second (writes acknowledged by the primary, not yet on the standby),
/// for the database panel: the data a failover at that moment would lose under async
/// replication.
pub fn replication_lag_chart(series: &[SecondBucket], snapshot: &Snapshot) -> Html {
    let last = series.last().map(|b| b.second).unwrap_or(0);
    let first = (last + 1).saturating_sub(CHART_SECONDS as u64);
    let axis = Axis { first, w: W };
    let markers = fault_markers(&snapshot.failures, &axis, first, last, false);
    let window: Vec<&SecondBucket> = series.iter().filter(|b| b.second >= first).collect();
    let peak = window
        .iter()
        .map(|b| b.replication_lag_writes)
        .max()
        .unwrap_or(0);
    let top = nice_ceiling(peak.max(5) as f64);
    let y = |v: f64| TOP + (1.0 - v / top) * (H - TOP - BOTTOM);
    let mut d = String::new();
    for (i, b) in window.iter().enumerate() {
        d.push_str(&format!(
            "{}{:.1} {:.1}",
            if i == 0 { "M" } else { "L" },
            axis.x(b.second),
            y(b.replication_lag_writes as f64)
        ));
    }
    let ticks = [
        (y(top), format!("{top:.0}")),
        (y(top / 2.0), format!("{:.0}", top / 2.0)),
        (y(0.0), "0".to_string()),
    ];
    let desc = format!(
        "Replication lag in writes per second over the last {CHART_SECONDS} s; highest {peak}"
    );
    let chart = Chart {
        title: "Replication lag (writes not yet on the standby)",
        y_ticks: &ticks,
        body: html! { <path class="line lag" d={d} /> },
        legend: html! {},
        desc,
        empty: window.is_empty(),
    };
    frame(chart, &axis, &markers)
}
