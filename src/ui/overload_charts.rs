//! The overload charts (issue 13), shown under the others when the scenario uses an
//! overload option: offered load (first tries + every retry) against what was served and
//! the capacity of the instances up, and retries per second by layer — the retry storm made
//! visible. Drawn with `charts.rs`'s frame and axis from the snapshot's overload series.
use yew::prelude::*;

use super::charts::{fmt_rate, frame, nice_ceiling, Axis, Chart, BOTTOM, H, TOP};
use super::common::fmt_count;
use super::runner::CHART_SECONDS;
use crate::sim::metrics::SecondBucket;
use crate::sim::overload_metrics::{OverloadSecond, RetryLayer};

/// A polyline over the window's seconds (`None` breaks the line).
fn line(points: impl Iterator<Item = (f64, Option<f64>)>) -> String {
    let mut d = String::new();
    let mut pen = false;
    for (x, y) in points {
        match y {
            Some(y) => {
                d.push_str(&format!("{}{x:.1} {y:.1}", if pen { "L" } else { "M" }));
                pen = true;
            }
            None => pen = false,
        }
    }
    d
}

pub(super) fn overload_charts(
    series: &[SecondBucket],
    overload: &[OverloadSecond],
    axis: &Axis,
    markers: &Html,
) -> Html {
    let window: Vec<&SecondBucket> = series.iter().filter(|b| b.second >= axis.first).collect();
    let of = |sec: u64| overload.iter().find(|o| o.second == sec);
    let retries = |sec: u64| of(sec).map_or(0, |o| o.retries.iter().sum::<u32>());
    // Seconds without an overload bucket (no attempt reached an instance) keep the capacity
    // last sampled.
    let mut capacity = Vec::with_capacity(window.len());
    let mut last_cap = overload.first().map_or(0.0, |o| o.capacity_rps);
    for b in &window {
        if let Some(o) = of(b.second) {
            last_cap = o.capacity_rps;
        }
        capacity.push(last_cap);
    }
    let offered: Vec<f64> = window
        .iter()
        .map(|b| (b.sent + retries(b.second)) as f64)
        .collect();
    let peak = offered
        .iter()
        .chain(capacity.iter())
        .fold(10.0f64, |a, &v| a.max(v));
    let top = nice_ceiling(peak);
    let y = |v: f64| TOP + (1.0 - v / top) * (H - TOP - BOTTOM);
    let xs: Vec<f64> = window.iter().map(|b| axis.x(b.second)).collect();
    let d_offered = line(xs.iter().zip(&offered).map(|(&x, &v)| (x, Some(y(v)))));
    let d_served = line(
        xs.iter()
            .zip(&window)
            .map(|(&x, b)| (x, Some(y(b.succeeded as f64)))),
    );
    let d_capacity = line(xs.iter().zip(&capacity).map(|(&x, &v)| (x, Some(y(v)))));
    let ticks = [
        (y(top), fmt_rate(top)),
        (y(top / 2.0), fmt_rate(top / 2.0)),
        (y(0.0), "0".to_string()),
    ];
    let worst = window
        .iter()
        .zip(&offered)
        .zip(&capacity)
        .map(|((_, &o), &c)| if c > 0.0 { o / c } else { 0.0 })
        .fold(0.0f64, f64::max);
    let load = Chart {
        title: "Offered load, served and capacity",
        y_ticks: &ticks,
        body: html! {
            <g>
                <path class="line capacity" d={d_capacity} />
                <path class="line offered" d={d_offered} />
                <path class="line served" d={d_served} />
            </g>
        },
        legend: html! {
            <span class="legend">
                <span class="key k-offered">{ "offered (first tries + retries)" }</span>
                <span class="key k-served">{ "served" }</span>
                <span class="key k-capacity">{ "capacity (workers ÷ mean service time)" }</span>
            </span>
        },
        desc: format!(
            "Requests per second offered, served and servable over the last {CHART_SECONDS} s; offered load peaked at {:.0} % of capacity",
            worst * 100.0
        ),
        empty: window.is_empty(),
    };

    let per_layer = |k: usize| -> Vec<f64> {
        window
            .iter()
            .map(|b| of(b.second).map_or(0.0, |o| o.retries[k] as f64))
            .collect()
    };
    let layers: Vec<Vec<f64>> = (0..3).map(per_layer).collect();
    let rpeak = layers.iter().flatten().fold(10.0f64, |a, &v| a.max(v));
    let rtop = nice_ceiling(rpeak);
    let ry = |v: f64| TOP + (1.0 - v / rtop) * (H - TOP - BOTTOM);
    let rticks = [
        (ry(rtop), fmt_rate(rtop)),
        (ry(rtop / 2.0), fmt_rate(rtop / 2.0)),
        (ry(0.0), "0".to_string()),
    ];
    let total: u64 = layers.iter().flatten().map(|&v| v as u64).sum();
    let paths = RetryLayer::ALL.iter().map(|layer| {
        let vals = &layers[layer.index()];
        let d = line(xs.iter().zip(vals).map(|(&x, &v)| (x, Some(ry(v)))));
        html! { <path class={classes!("line", "retry", layer_class(*layer))} d={d} /> }
    });
    let retries_chart = Chart {
        title: "Retries per second by layer",
        y_ticks: &rticks,
        body: html! { <g>{ for paths }</g> },
        legend: html! {
            <span class="legend">
                { for RetryLayer::ALL.iter().map(|l| html! {
                    <span class={classes!("key", format!("k-{}", layer_class(*l)))}>{ l.label() }</span>
                }) }
            </span>
        },
        desc: format!(
            "Retries per second by layer (client, gateway, balancer) over the last {CHART_SECONDS} s; {} retries in this window",
            fmt_count(total)
        ),
        empty: window.is_empty(),
    };
    html! {
        <>
            { frame(load, axis, markers) }
            { frame(retries_chart, axis, markers) }
        </>
    }
}

fn layer_class(l: RetryLayer) -> &'static str {
    match l {
        RetryLayer::Client => "retry-client",
        RetryLayer::Gateway => "retry-gateway",
        RetryLayer::Balancer => "retry-balancer",
    }
}
