//! The explanation after a tour step's task, from what the run on screen measured: never a
//! canned figure. Each reads one part of the snapshot.
use crate::sim::snapshot::Snapshot;

/// Which measurement a step explains with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Explain {
    /// Requests failed against requests finished, and the failures behind them.
    Outage,
    /// When the node was marked down after its fault, by whom, and what it cost.
    Detection(&'static str),
    /// The single points of failure the SPOF finder names.
    Spofs,
    /// The monthly bill against the expected cost of downtime.
    Cost,
    /// What DNS answers and how many clients still hold a stale answer.
    Dns,
    /// The database's failover: writes lost, failovers, and the outage.
    Database,
    /// The capacity-aware finding (k of n under the peak load), then what the run measured.
    Capacity,
}

fn secs(us: u64) -> String {
    format!("{:.1} s", us as f64 / 1e6)
}

fn pct(a: f64) -> String {
    format!("{:.2} %", a * 100.0)
}

fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn dollars(x: f64) -> String {
    if x >= 100.0 {
        format!("${:.0}", x)
    } else {
        format!("${:.2}", x)
    }
}

/// Expected downtime: minutes, or seconds when under a minute (a bank's is seconds).
fn downtime(minutes: f64) -> String {
    if minutes >= 1.0 {
        format!("{minutes:.1} minutes")
    } else {
        format!("{:.1} seconds", minutes * 60.0)
    }
}

/// The explanation for `what`, measured in `snap`.
pub fn explain(what: Explain, snap: &Snapshot) -> String {
    let t = &snap.totals;
    let finished = t.succeeded + t.failed;
    let requests = format!(
        "Measured in this run up to {}: {} of {} failed ({} answered), p99 latency {:.0} ms.",
        secs(snap.now_us),
        count(t.failed, "request", "requests"),
        finished,
        pct(snap.availability),
        snap.latency.p99_ms
    );
    match what {
        Explain::Outage => {
            let mut out = requests;
            for f in snap.failures.iter().take(3) {
                let lost = count(f.lost_requests, "request", "requests");
                let back = match f.recovered_at_us {
                    Some(r) => format!(", back after {}", secs(r.saturating_sub(f.fault_at_us))),
                    None => String::new(),
                };
                out.push_str(&format!(
                    " {} ({}) at {}: {lost} lost because of it{back}.",
                    f.node_name,
                    f.fault,
                    secs(f.fault_at_us)
                ));
            }
            out
        }
        Explain::Detection(node) => {
            let Some(f) = snap.failures.iter().rev().find(|f| f.node_name == node) else {
                return format!("{node} has not failed in this run yet. {requests}");
            };
            let cost = format!(
                "{} lost and {} saved by a retry on another instance",
                count(f.lost_requests, "request was", "requests were"),
                f.saved_by_retry
            );
            match f.detected_at_us {
                Some(d) => format!(
                    "{node}'s {} at {}: marked down {} later{}; {cost}. {requests}",
                    f.fault,
                    secs(f.fault_at_us),
                    secs(d.saturating_sub(f.fault_at_us)),
                    f.detected_by
                        .as_deref()
                        .map(|by| format!(" (by {by})"))
                        .unwrap_or_default(),
                ),
                None => format!(
                    "{node}'s {} at {}: still in rotation {} later, nothing has marked it \
                     down yet; {cost}. {requests}",
                    f.fault,
                    secs(f.fault_at_us),
                    secs(snap.now_us.saturating_sub(f.fault_at_us))
                ),
            }
        }
        Explain::Spofs => {
            if snap.spofs.is_empty() {
                "The SPOF finder names nothing: no single node, zone or region stops every \
                 request in this design."
                    .to_string()
            } else {
                let names: Vec<String> = snap
                    .spofs
                    .iter()
                    .map(|s| format!("{} ({})", s.name, s.kind))
                    .collect();
                format!(
                    "The SPOF finder names {}: {}. Each of them, failing alone, stops every \
                     request.",
                    snap.spofs.len(),
                    names.join(", ")
                )
            }
        }
        Explain::Cost => {
            let c = &snap.cost;
            format!(
                "This design costs {} a month in infrastructure. With its failure rates it is \
                 expected to be down {} a month, at {} a minute: {} a month of downtime, {} in \
                 all. Analytic availability {:.5} %.",
                dollars(c.infrastructure_per_month),
                downtime(c.expected_downtime_min_per_month),
                dollars(c.downtime_per_minute),
                dollars(c.expected_downtime_cost_per_month),
                dollars(c.total_expected_per_month),
                snap.analytic_availability * 100.0
            )
        }
        Explain::Capacity => {
            let c = &snap.capacity;
            let tiers: Vec<String> = c.tiers.iter().map(|t| t.finding.clone()).collect();
            let lost_one = c
                .tiers
                .iter()
                .filter_map(|t| t.utilisation_after_one_lost)
                .fold(0.0, f64::max);
            format!(
                "The capacity analysis at the peak of {:.0} req/s: {}. After losing one \
                 instance the busiest tier runs at {:.0} % of what it can serve. {requests}",
                c.peak_rps,
                tiers.join("; "),
                lost_one * 100.0
            )
        }
        Explain::Dns => match &snap.dns {
            Some(d) => format!(
                "DNS now answers {} for {} (TTL {} s); {} of {} clients with a cached answer \
                 still hold one that points at a dead endpoint. {requests}",
                d.answering, d.name, d.ttl_s, d.stale_clients, d.cached_clients
            ),
            None => requests,
        },
        Explain::Database => match &snap.database {
            Some(db) => format!(
                "The database leader is now {} ({} replication): {} in this run, {} \
                 acknowledged writes lost. {requests}",
                db.leader,
                db.replication,
                count(db.stats.failovers, "failover", "failovers"),
                db.stats.writes_lost
            ),
            None => requests,
        },
    }
}
