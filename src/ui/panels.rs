//! The panels under the charts in "What users see": reliability and cost (analytic vs
//! measured availability, their nines and downtime per 30 days, what redundancy costs
//! against what downtime costs), the database (replication, RPO, stalls, split brain) and
//! DNS (the answer, its TTL, clients still holding a stale answer).
use yew::prelude::*;

use super::charts::replication_lag_chart;
use super::common::{fmt_availability, fmt_count, Shared};
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

fn reliability_panel(s: &Snapshot) -> Html {
    let finished = s.totals.succeeded + s.totals.failed;
    // Past the exact computation's work budget the figure is an estimate: "≈ … (estimate)",
    // its interval and sample count in the tooltip.
    let analytic_hint: AttrValue = s.analytic_estimate.map_or_else(
        || "exact, from every component's failure and repair rates and the topology".into(),
        |e| {
            format!(
                "{}: too entangled to compute exactly within the work budget",
                e.label()
            )
            .into()
        },
    );
    let rows = [
        (
            "analytic",
            "Expected (MTBF / MTTR)",
            s.analytic_availability,
            analytic_hint,
        ),
        (
            "over-time",
            "Time able to serve",
            s.availability_over_time,
            "fraction of this run's simulated time the topology could serve".into(),
        ),
        (
            "requests",
            "Requests answered OK",
            if finished == 0 { 1.0 } else { s.availability },
            "what users saw in this run".into(),
        ),
    ];
    let rows = rows.iter().map(|(key, label, a, hint)| {
        html! {
            <tr data-availability={*key} data-value={format!("{a:.6}")} title={hint.clone()}>
                <th scope="row">{ *label }</th>
                <td class={classes!("num", avail_class(*a))}>{ if s.analytic_estimate.is_some() && *key == "analytic" { format!("≈ {} (estimate)", fmt_availability(*a)) } else { fmt_availability(*a) } }</td>
                <td class="num">{ fmt_nines(*a) }</td>
                <td class="num">{ fmt_downtime(downtime_per_30_days_s(*a)) }</td>
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
                    <div data-cost="downtime"><dt>{ format!("Expected downtime ({:.1} min at {} / min)", c.expected_downtime_min_per_month, fmt_money(c.downtime_per_minute)) }</dt>
                        <dd class="num">{ format!("{} / month", fmt_money(c.expected_downtime_cost_per_month)) }</dd></div>
                    <div data-cost="measured"><dt>{ format!("Downtime at this run's rate ({:.1} min)", c.measured_downtime_min_per_month) }</dt>
                        <dd class="num">{ format!("{} / month", fmt_money(c.measured_downtime_cost_per_month)) }</dd></div>
                    <div data-cost="total" class="total"><dt>{ "Total expected" }</dt><dd class="num">{ format!("{} / month", fmt_money(c.total_expected_per_month)) }</dd></div>
                </dl>
                <p class="cost-verdict">{ verdict }</p>
            </div>
        </section>
    }
}

fn database_panel(db: &DatabaseView, series: &[SecondBucket], s: &Snapshot) -> Html {
    let st = &db.stats;
    html! {
        <section class="subpanel database" aria-labelledby="database-title" data-panel="database">
            <h3 class="subpanel-title" id="database-title">{ "Database" }</h3>
            <dl class="facts">
                <div><dt>{ "Replication" }</dt><dd data-db="replication">{ db.replication }{ if db.fencing { " · fencing on" } else { " · no fencing" } }</dd></div>
                <div><dt>{ "Leader" }</dt><dd data-db="leader">{ db.leader.clone() }</dd></div>
                <div><dt>{ "Lag" }</dt><dd data-db="lag">{ if db.lag_ms > 0.0 {
                    format!("{} writes · {:.0} ms", fmt_count(db.lag_writes), db.lag_ms)
                } else {
                    format!("{} writes", fmt_count(db.lag_writes))
                } }</dd></div>
                <div class={classes!((st.writes_lost > 0).then_some("bad"))}><dt>{ "Data lost at failover (RPO)" }</dt>
                    <dd data-db="rpo" data-value={st.writes_lost.to_string()}>{ format!("{} writes", fmt_count(st.writes_lost)) }</dd></div>
                <div class={classes!((st.writes_refused > 0).then_some("warn"))}><dt>{ "Writes refused (stalls)" }</dt>
                    <dd data-db="refused" data-value={st.writes_refused.to_string()}>{ fmt_count(st.writes_refused) }</dd></div>
                <div class={classes!((st.conflicting_writes > 0).then_some("bad"))}><dt>{ "Conflicting writes (split brain)" }</dt>
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
