//! The panels under the charts in "What users see": reliability and cost (analytic vs
//! measured availability, their nines and downtime per 30 days, what redundancy costs
//! against what downtime costs), the database (replication, RPO, stalls, split brain) and
//! DNS (the answer, its TTL, clients still holding a stale answer).
use yew::prelude::*;

use super::charts::replication_lag_chart;
use super::common::{fmt_availability, fmt_count, Shared};
use super::glossary::term;
use crate::sim::metrics::SecondBucket;
use crate::sim::reliability::downtime_per_30_days_s;
use crate::sim::snapshot::{DatabaseView, DnsView};
use crate::sim::Snapshot;

#[derive(Properties, PartialEq)]
pub struct PanelsProps {
    pub snapshot: Shared<Snapshot>,
    pub series: Shared<Vec<SecondBucket>>,
}

/// Every panel inside one always-present wrapper, each optional one in its own slot (Yew
/// matches unkeyed children from the end: a panel appearing must not recreate the others).
#[function_component(Panels)]
pub fn panels(p: &PanelsProps) -> Html {
    let s = &*p.snapshot;
    html! {
        <div class="sim-panels">
            { reliability_panel(s) }
            <div class="panel-slot" data-slot="database">
                { s.database.as_ref().map(|db| database_panel(db, &p.series, s)) }
            </div>
            <div class="panel-slot" data-slot="dns">
                { s.dns.as_ref().map(dns_panel) }
            </div>
        </div>
    }
}

/// "3.0 nines" (how many leading 9s the availability has).
pub fn fmt_nines(a: f64) -> String {
    if a >= 1.0 {
        "no downtime".to_string()
    } else if a <= 0.0 {
        "0 nines".to_string()
    } else {
        format!("{:.1} nines", -(1.0 - a).log10())
    }
}

/// A duration in seconds in the unit a reader expects: `26 s`, `4.32 min`, `43.2 min`, `7.2 h`.
pub fn fmt_downtime(s: f64) -> String {
    if s < 0.5 {
        "0 s".to_string()
    } else if s < 60.0 {
        format!("{s:.0} s")
    } else if s < 600.0 {
        format!("{:.2} min", s / 60.0)
    } else if s < 3600.0 {
        format!("{:.1} min", s / 60.0)
    } else if s < 2.0 * 86_400.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1} days", s / 86_400.0)
    }
}

/// `$0.50`, `$36`, `$1,234`.
pub fn fmt_money(v: f64) -> String {
    if v < 10.0 && (v - v.round()).abs() > 0.005 {
        format!("${v:.2}")
    } else {
        format!("${}", fmt_count(v.round().max(0.0) as u64))
    }
}

fn avail_class(a: f64) -> &'static str {
    if a >= 0.999 {
        "good"
    } else if a >= 0.99 {
        "warn"
    } else {
        "bad"
    }
}

/// The three availability figures count different things, and the panel says which: the
/// model's long-run expectation, and two measurements of this one run (of time, and of
/// requests). Side by side without that they read as three versions of one number.
struct AvailabilityRow {
    key: &'static str,
    label: &'static str,
    /// What the figure counts, in a few words (shown under the label).
    counts: &'static str,
    value: f64,
    hint: String,
}

fn reliability_panel(s: &Snapshot) -> Html {
    let finished = s.totals.succeeded + s.totals.failed;
    // Past the exact computation's work budget the figure is an estimate: "≈ … (estimate)",
    // its interval and sample count in the tooltip.
    let analytic_hint = s.analytic_estimate.map_or_else(
        || "exact, from every component's failure and repair rates (MTBF / MTTR) and the topology; ignores the faults of this run".to_string(),
        |e| {
            format!(
                "{}: too entangled to compute exactly within the work budget",
                e.label()
            )
        },
    );
    let rows = [
        AvailabilityRow {
            key: "analytic",
            label: "Expected in the long run",
            counts: "model: share of months, from failure and repair rates",
            value: s.analytic_availability,
            hint: analytic_hint,
        },
        AvailabilityRow {
            key: "over-time",
            label: "This run: time able to serve",
            counts: "measured: share of simulated time some path could serve",
            value: s.availability_over_time,
            hint: "fraction of this run's simulated time the topology could serve (a path of working parts existed), whether or not requests got through".into(),
        },
        AvailabilityRow {
            key: "requests",
            label: "This run: requests answered",
            counts: "measured: share of finished requests that succeeded",
            value: if finished == 0 { 1.0 } else { s.availability },
            hint: "what users saw in this run: it also counts requests lost while a failure was still undetected or a cached DNS answer still pointed at a dead site".into(),
        },
    ];
    let rows = rows.iter().map(|r| {
        let shown = if s.analytic_estimate.is_some() && r.key == "analytic" {
            format!("≈ {} (estimate)", fmt_availability(r.value))
        } else {
            fmt_availability(r.value)
        };
        html! {
            <tr data-availability={r.key} data-value={format!("{:.6}", r.value)} title={r.hint.clone()}>
                <th scope="row">{ r.label }<span class="avail-counts" data-counts="">{ r.counts }</span></th>
                <td class={classes!("num", avail_class(r.value))}>{ shown }</td>
                <td class="num">{ fmt_nines(r.value) }</td>
                <td class="num">{ fmt_downtime(downtime_per_30_days_s(r.value)) }</td>
            </tr>
        }
    });
    let nines = [("99.9 %", 0.999), ("99.99 %", 0.9999), ("99.999 %", 0.99999)].map(|(label, a)| {
        html! {
            <li><span class="num">{ label }</span>{ " → " }{ fmt_downtime(downtime_per_30_days_s(a)) }</li>
        }
    });
    let c = &s.cost;
    let items = c.items.iter().map(|(what, n, v)| {
        html! { <li><span>{ format!("{n} × {what}") }</span><span class="num">{ fmt_money(*v) }</span></li> }
    });
    let verdict = if c.downtime_per_minute <= 0.0 {
        "This scenario puts no price on downtime.".to_string()
    } else if c.expected_downtime_cost_per_month > c.infrastructure_per_month {
        format!(
            "Downtime costs more than the infrastructure ({} vs {} a month): like a bank, more redundancy pays for itself.",
            fmt_money(c.expected_downtime_cost_per_month),
            fmt_money(c.infrastructure_per_month)
        )
    } else {
        format!(
            "The infrastructure costs more than the downtime it prevents ({} vs {} a month): like a personal blog, a little downtime is the cheaper choice.",
            fmt_money(c.infrastructure_per_month),
            fmt_money(c.expected_downtime_cost_per_month)
        )
    };
    html! {
        <section class="subpanel reliability" aria-labelledby="reliability-title" data-panel="reliability">
            <h3 class="subpanel-title" id="reliability-title">{ "Reliability & cost" }</h3>
            <p class="avail-note small muted" data-avail-note="">
                { "Three different counts: the model's long-run expectation ignores this run's faults; \"time able to serve\" counts seconds with a working path; \"requests answered\" also loses the requests sent while a failure was still being detected." }
            </p>
            <table class="avail-table">
                <thead><tr><th scope="col">{ "Availability" }</th><th scope="col" class="num">{ "" }</th><th scope="col" class="num">{ "nines" }</th><th scope="col" class="num">{ "down / 30 days" }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            { super::breakdown_panel::breakdown_view(&s.breakdown) }
            <ul class="nines-table" aria-label="Downtime per 30 days by availability">{ for nines }</ul>
            <div class="cost" data-cost="">
                <ul class="cost-items">{ for items }</ul>
                <dl class="cost-sums">
                    <div data-cost="infrastructure"><dt>{ "Infrastructure" }</dt><dd class="num">{ format!("{} / month", fmt_money(c.infrastructure_per_month)) }</dd></div>
                    { downtime_cost_row("downtime", "Expected downtime", c.expected_downtime_min_per_month, c.downtime_per_minute, c.expected_downtime_cost_per_month) }
                    { downtime_cost_row("measured", "Downtime at this run's rate", c.measured_downtime_min_per_month, c.downtime_per_minute, c.measured_downtime_cost_per_month) }
                    <div data-cost="total" class="total"><dt>{ "Total expected" }</dt><dd class="num">{ format!("{} / month", fmt_money(c.total_expected_per_month)) }</dd></div>
                </dl>
                <p class="cost-verdict">{ verdict }</p>
            </div>
        </section>
    }
}

/// "Expected downtime (2.82 s = 0.0470 min × $20,000 / min)": minutes with significant
/// digits (0.047 min must not round to 0.0), seconds when under a minute, so that the
/// minutes times the price is the dollar figure next to it.
fn downtime_cost_row(
    key: &'static str,
    label: &str,
    minutes: f64,
    per_minute: f64,
    dollars: f64,
) -> Html {
    let seconds = minutes * 60.0;
    let amount = if seconds < 60.0 {
        format!(
            "{} s = {} min",
            fmt_significant(seconds, 3),
            fmt_significant(minutes, 3)
        )
    } else {
        format!("{} min", fmt_significant(minutes, 3))
    };
    html! {
        <div data-cost={key} data-minutes={format!("{minutes:.9}")} data-per-minute={format!("{per_minute}")} data-dollars={format!("{dollars:.6}")}>
            <dt>{ format!("{label} ({amount} × {} / min)", fmt_money(per_minute)) }</dt>
            <dd class="num">{ format!("{} / month", fmt_money(dollars)) }</dd>
        </div>
    }
}

/// `v` with `digits` significant digits, never in exponent notation: 0.0470, 2.82, 1,234.
pub fn fmt_significant(v: f64, digits: i32) -> String {
    if v == 0.0 || !v.is_finite() {
        return "0".to_string();
    }
    let magnitude = v.abs().log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).clamp(0, 12) as usize;
    if decimals == 0 && v.abs() >= 1000.0 {
        return fmt_count(v.round().max(0.0) as u64);
    }
    format!("{v:.decimals$}")
}

fn database_panel(db: &DatabaseView, series: &[SecondBucket], s: &Snapshot) -> Html {
    let st = &db.stats;
    html! {
        <section class="subpanel database" aria-labelledby="database-title" data-panel="database">
            <h3 class="subpanel-title" id="database-title">{ "Database" }</h3>
            <dl class="facts">
                <div><dt>{ "Replication" }</dt><dd data-db="replication">{ term("replication", db.replication) }{ if db.fencing { " · " } else { " · no " } }{ term("fencing", "fencing") }{ if db.fencing { " on" } else { "" } }</dd></div>
                <div><dt>{ "Leader" }</dt><dd data-db="leader">{ db.leader.clone() }</dd></div>
                <div><dt>{ "Lag" }</dt><dd data-db="lag">{ if db.lag_ms > 0.0 {
                    format!("{} writes · {:.0} ms", fmt_count(db.lag_writes), db.lag_ms)
                } else {
                    format!("{} writes", fmt_count(db.lag_writes))
                } }</dd></div>
                <div class={classes!((st.writes_lost > 0).then_some("bad"))}><dt>{ "Data lost at failover (" }{ term("rpo", "RPO") }{ ")" }</dt>
                    <dd data-db="rpo" data-value={st.writes_lost.to_string()}>{ format!("{} writes", fmt_count(st.writes_lost)) }</dd></div>
                <div class={classes!((st.writes_refused > 0).then_some("warn"))}><dt>{ "Writes refused (stalls)" }</dt>
                    <dd data-db="refused" data-value={st.writes_refused.to_string()}>{ fmt_count(st.writes_refused) }</dd></div>
                <div class={classes!((st.conflicting_writes > 0).then_some("bad"))}><dt>{ "Conflicting writes (" }{ term("split-brain", "split brain") }{ ")" }</dt>
                    <dd data-db="conflicting" data-value={st.conflicting_writes.to_string()}>{ fmt_count(st.conflicting_writes) }</dd></div>
                <div><dt>{ "Failovers" }</dt><dd data-db="failovers" data-value={st.failovers.to_string()}>
                    { fmt_count(st.failovers) }{ if st.failovers_blocked > 0 { format!(" ({} blocked)", fmt_count(st.failovers_blocked)) } else { String::new() } }</dd></div>
                <div><dt>{ "Reads · writes" }</dt><dd>{ format!("{} · {}", fmt_count(st.reads), fmt_count(st.writes)) }</dd></div>
            </dl>
            { replication_lag_chart(series, s) }
        </section>
    }
}

fn dns_panel(d: &DnsView) -> Html {
    let records = d.records.iter().map(|r| {
        html! {
            <li class={classes!("dns-record", if r.healthy { "good" } else { "bad" })} data-record={r.target.clone()}>
                <span class="mono">{ r.target.clone() }</span>
                <span class="muted">{ format!(" {}", r.role) }</span>
                { " · " }{ if r.healthy { "healthy" } else { "unhealthy" } }
                { if r.health_checked { "" } else { " (not health-checked)" } }
            </li>
        }
    });
    html! {
        <section class="subpanel dns" aria-labelledby="dns-title" data-panel="dns">
            <h3 class="subpanel-title" id="dns-title">{ format!("DNS · {}", d.name) }</h3>
            <dl class="facts">
                <div><dt>{ "Answering" }</dt><dd data-dns="answering">{ d.answering.clone() }</dd></div>
                <div><dt>{ "TTL" }</dt><dd>{ format!("{} s", d.ttl_s) }</dd></div>
                <div><dt>{ "Cached answers" }</dt><dd>{ fmt_count(d.cached_clients as u64) }</dd></div>
            </dl>
            <p class={classes!("dns-stale", (d.stale_clients > 0).then_some("bad"))} data-dns="stale" data-value={d.stale_clients.to_string()}>
                { format!("{} client{} still hold{} a cached answer pointing at a dead endpoint", d.stale_clients,
                    if d.stale_clients == 1 { "" } else { "s" }, if d.stale_clients == 1 { "s" } else { "" }) }
            </p>
            <ul class="dns-records" aria-label="Records">{ for records }</ul>
        </section>
    }
}
