//! The failure timeline (fault → detected → rerouted → recovered, with durations and what it
//! cost) and the event log. Both are `aria-live="polite"`: a screen reader hears a crash
//! being detected without the page stealing focus.
use yew::prelude::*;

use super::common::{fmt_count, fmt_s1, Shared};
use crate::sim::metrics::FailureRecord;
use crate::sim::snapshot::LogKind;
use crate::sim::time::{fmt_duration, TimeUs};
use crate::sim::Snapshot;

#[derive(Properties, PartialEq)]
pub struct LogProps {
    pub snapshot: Shared<Snapshot>,
}

/// "app-2 crashed at 20.0 s, marked down 4.6 s later (lb-1 health check: fall=3 × inter=2 s),
/// 0 requests lost, 459 saved by retry".
pub fn failure_sentence(f: &FailureRecord, now: TimeUs, monitored: bool, domain: bool) -> String {
    if domain {
        // A zone or region: nothing "detects" it; its nodes go silent and the balancers in
        // front of them notice those (their own entries).
        let mut s = format!(
            "{} went down ({}) at {}: every node in it goes silent at once; {} lost, {} saved by retry",
            f.node_name,
            f.fault,
            fmt_s1(f.fault_at_us),
            match f.lost_requests {
                1 => "1 request".to_string(),
                n => format!("{} requests", fmt_count(n)),
            },
            fmt_count(f.saved_by_retry)
        );
        match f.recovered_at_us {
            Some(r) => s.push_str(&format!(
                "; back at {} ({} later)",
                fmt_s1(r),
                fmt_duration(r.saturating_sub(f.fault_at_us))
            )),
            None => s.push_str(&format!(
                " ({} so far)",
                fmt_duration(now.saturating_sub(f.fault_at_us))
            )),
        }
        return s;
    }
    let verb = match f.fault.as_str() {
        "process crash" => "crashed".to_string(),
        "host unreachable" | "balancer unreachable" | "gateway unreachable" => {
            "became unreachable".to_string()
        }
        "process frozen" => "froze".to_string(),
        "balancer failed" | "gateway failed" | "database failure" | "DNS failure" => {
            "failed".to_string()
        }
        "overloaded" => match f.utilisation_percent {
            Some(u) => format!("went over capacity ({u} % of what its workers can serve)"),
            None => "went over capacity".to_string(),
        },
        "liveness restart" => {
            "was restarted by its liveness probe (too slow to answer)".to_string()
        }
        "flapping" => "started flapping".to_string(),
        "bad configuration" => "got a bad configuration".to_string(),
        "gray failure" => "started failing gray".to_string(),
        "added latency" => "slowed down (added latency)".to_string(),
        other => format!("had a fault ({other})"),
    };
    let mut s = format!("{} {verb} at {}", f.node_name, fmt_s1(f.fault_at_us));
    match (f.detected_at_us, &f.detected_by) {
        (Some(d), by) => {
            s.push_str(&format!(
                ", marked down {} later",
                fmt_duration(d.saturating_sub(f.fault_at_us))
            ));
            if let Some(by) = by {
                s.push_str(&format!(" ({by})"));
            }
        }
        (None, _) if f.recovered_at_us.is_some() => s.push_str(", never marked down"),
        (None, _) if !monitored => s.push_str(&format!(
            ": nothing monitors it and nothing can take over ({} so far)",
            fmt_duration(now.saturating_sub(f.fault_at_us))
        )),
        (None, _) => s.push_str(&format!(
            ", not detected yet ({} so far)",
            fmt_duration(now.saturating_sub(f.fault_at_us))
        )),
    }
    let lost = match f.lost_requests {
        1 => "1 request lost".to_string(),
        n => format!("{} requests lost", fmt_count(n)),
    };
    s.push_str(&format!(
        ", {lost}, {} saved by retry",
        fmt_count(f.saved_by_retry)
    ));
    if let Some(r) = f.recovered_at_us {
        s.push_str(&format!(
            "; back in rotation at {} ({} after the fault)",
            fmt_s1(r),
            fmt_duration(r.saturating_sub(f.fault_at_us))
        ));
    }
    s
}

/// "undetected 4.6 s · draining 12 ms · out of rotation 22.0 s".
fn phase_durations(f: &FailureRecord, now: TimeUs, domain: bool) -> String {
    let mut parts = Vec::new();
    let end = f.recovered_at_us.unwrap_or(now);
    if domain {
        parts.push(format!(
            "down {}",
            fmt_duration(end.saturating_sub(f.fault_at_us))
        ));
        if f.recovered_at_us.is_none() {
            parts.push("ongoing".into());
        }
        return parts.join(" · ");
    }
    match f.detected_at_us {
        Some(d) => {
            parts.push(format!(
                "undetected {}",
                fmt_duration(d.saturating_sub(f.fault_at_us))
            ));
            let r = f.rerouted_at_us.unwrap_or(end);
            parts.push(format!("draining {}", fmt_duration(r.saturating_sub(d))));
            if f.rerouted_at_us.is_some() {
                parts.push(format!(
                    "out of rotation {}",
                    fmt_duration(end.saturating_sub(r))
                ));
            }
        }
        None => parts.push(format!(
            "undetected {}",
            fmt_duration(end.saturating_sub(f.fault_at_us))
        )),
    }
    if f.recovered_at_us.is_none() {
        parts.push("ongoing".into());
    }
    parts.join(" · ")
}

/// Does anything watch `node` that could detect its failure and route around it? (A balancer
/// with active or passive health checks in front of it.) A lone server or the only balancer
/// has nothing: its failure is the outage.
fn monitored(snap: &Snapshot, node: u32) -> bool {
    snap.edges.iter().any(|e| {
        e.to == node
            && e.health
                .as_ref()
                .is_some_and(|h| h.state != "unchecked" || h.detail.contains("passive"))
    })
}

/// The Yew key of the `index`-th failure record kept when `dropped` older ones were dropped:
/// its number in the run.
pub fn failure_key(dropped: u64, index: usize) -> u64 {
    dropped + index as u64
}

#[function_component(FailureTimeline)]
pub fn failure_timeline(p: &LogProps) -> Html {
    let snap = &*p.snapshot;
    let now = snap.now_us;
    if snap.failures.is_empty() {
        return html! {
            <div class="timeline" aria-live="polite">
                <p class="muted small">{ "No failure yet. Faults appear here with how long detection and recovery took, and what they cost." }</p>
            </div>
        };
    }
    let hidden = snap
        .failures_total
        .saturating_sub(snap.failures.len() as u64);
    let items = snap.failures.iter().enumerate().rev().map(|(i, f)| {
        let end = f.recovered_at_us.unwrap_or(now).max(f.fault_at_us + 1);
        let span = (end - f.fault_at_us) as f64;
        let pct = |t: TimeUs| ((t.saturating_sub(f.fault_at_us)) as f64 / span * 100.0).clamp(0.0, 100.0);
        let detected = f.detected_at_us.map(pct);
        let rerouted = f.rerouted_at_us.map(pct);
        // Phases: undetected (fault → marked down), draining (→ no attempt left on it),
        // out of rotation (→ back), and "ongoing" when not recovered yet.
        let undetected_end = detected.unwrap_or(100.0);
        let drain_end = rerouted.or(detected).unwrap_or(undetected_end);
        let seg = |class: &'static str, from: f64, to: f64, label: String| {
            (to > from).then(|| html! {
                <span class={classes!("phase", class)} style={format!("left: {from:.2}%; width: {:.2}%", to - from)} title={label}></span>
            })
        };
        let phases = [
            seg("undetected", 0.0, undetected_end, match f.detected_at_us {
                Some(d) => format!("undetected for {}", fmt_duration(d - f.fault_at_us)),
                None => "not detected".into(),
            }),
            seg("draining", undetected_end, drain_end, "marked down; requests already sent to it finishing".into()),
            seg("out", drain_end, 100.0, if f.recovered_at_us.is_some() {
                "out of rotation until recovered".into()
            } else {
                "still failed".into()
            }),
        ];
        let open = f.recovered_at_us.is_none();
        let is_domain = snap.domains.iter().any(|d| d.id == f.node);
        // The record's number in the run (the ring drops the oldest and counts them), unique
        // and stable even for faults on one node in the same millisecond.
        let key = failure_key(hidden, i);
        html! {
            <li class={classes!("failure", open.then_some("open"))} key={key} data-failure-node={f.node_name.clone()}
                data-detected={f.detected_at_us.map(|d| d.to_string()).unwrap_or_default()}>
                <p class="failure-text">{ super::glossary::annotated(&failure_sentence(f, now, monitored(snap, f.node), is_domain)) }</p>
                <div class="phase-bar" aria-hidden="true">{ for phases.into_iter().flatten() }</div>
                <p class="phase-durations small">{ phase_durations(f, now, is_domain) }</p>
                <div class="phase-legend" aria-hidden="true">
                    <span>{ fmt_s1(f.fault_at_us) }</span>
                    <span>{ if open { format!("{} (ongoing)", fmt_s1(now)) } else { fmt_s1(end) } }</span>
                </div>
            </li>
        }
    });
    // A cascade reads as one story above the records it links (`sim::cascade`).
    let story = crate::sim::cascade::cascade_story(&snap.failures);
    html! {
        <div class="timeline" aria-live="polite">
            if let Some(story) = story {
                <p class="cascade-story">{ super::glossary::annotated(&story) }</p>
            }
            <ol class="failures" reversed=true>{ for items }</ol>
            <p class="muted small">{ if hidden > 0 { format!("{hidden} older failures not shown") } else { String::new() } }</p>
            <p class="phase-key small" aria-hidden="true">
                <span class="phase-swatch undetected"></span>{ "undetected" }
                <span class="phase-swatch draining"></span>{ "draining" }
                <span class="phase-swatch out"></span>{ "out of rotation" }
            </p>
        </div>
    }
}

fn kind_class(k: LogKind) -> (&'static str, &'static str) {
    match k {
        LogKind::Fault => ("log-fault", "fault"),
        LogKind::Suspicion => ("log-suspicion", "suspect"),
        LogKind::Detection => ("log-detection", "detected"),
        LogKind::Recovery => ("log-recovery", "recovered"),
        LogKind::Info => ("log-info", "info"),
    }
}

#[function_component(EventLog)]
pub fn event_log(p: &LogProps) -> Html {
    let snap = &*p.snapshot;
    if snap.log.is_empty() {
        return html! { <p class="muted small" aria-live="polite">{ "Nothing has happened yet." }</p> };
    }
    // Newest first. No keys: entries at the same microsecond are common, and position
    // diffing of 60 short rows is cheap.
    let rows = snap.log.iter().rev().map(|e| {
        let (class, word) = kind_class(e.kind);
        html! {
            <li class={classes!("log-row", class)}>
                <time class="log-time">{ fmt_s1(e.at_us) }</time>
                <span class="log-kind">{ word }</span>
                <span class="log-text">{ super::glossary::annotated(&e.text) }</span>
            </li>
        }
    });
    html! {
        <ol class="event-log" aria-live="polite" aria-relevant="additions">{ for rows }</ol>
    }
}
