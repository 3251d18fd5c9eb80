//! A cascade told as one story (issue #13): "app-1 crashed at 20.0 s → app-2 and app-3 over
//! capacity at 21.0 s (124 %, 118 %) → app-2 marked down at 32.2 s → …".
//!
//! The failure records already hold every step (an instance going over capacity opens an
//! "overloaded" record, its checks timing out mark it down, it comes back), but one record
//! per node reads as unrelated failures. The story puts the steps of every load-caused record
//! in time order after the failure that set them off, so the reader sees redundancy without
//! headroom turn one crash into an outage. Reporting only: built from the records, it never
//! changes a run.
use crate::metrics::FailureRecord;
use crate::time::TimeUs;

/// At most this many steps are told; the rest are counted ("… and 9 more steps").
pub const STORY_STEPS_MAX: usize = 10;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum StepKind {
    // Order = the order of steps at the same instant: the cause before its effects.
    Trigger,
    Over,
    Restarted,
    MarkedDown,
    Back,
}

struct Step<'a> {
    at_us: TimeUs,
    kind: StepKind,
    record: &'a FailureRecord,
}

fn s1(us: TimeUs) -> String {
    format!("{:.1} s", us as f64 / 1_000_000.0)
}

/// "app-2", "app-2 and app-3", "app-1, app-2 and app-3".
fn names(steps: &[&Step]) -> String {
    let all: Vec<&str> = steps.iter().map(|s| s.record.node_name.as_str()).collect();
    match all.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// What set the cascade off: the newest non-load failure still open when the first
/// instance went over capacity (a crash, a zone outage, …).
fn trigger<'a>(failures: &[&'a FailureRecord], first_over_us: TimeUs) -> Option<&'a FailureRecord> {
    failures
        .iter()
        .copied()
        .filter(|f| !f.is_overload() && f.fault_at_us <= first_over_us)
        .filter(|f| f.recovered_at_us.is_none_or(|r| r >= first_over_us))
        .max_by_key(|f| f.fault_at_us)
}

fn trigger_verb(f: &FailureRecord) -> String {
    match f.fault.as_str() {
        "process crash" => "crashed".into(),
        "host unreachable" => "became unreachable".into(),
        "process frozen" => "froze".into(),
        "added latency" => "slowed down".into(),
        "gray failure" => "started failing gray".into(),
        other => format!("failed ({other})"),
    }
}

/// The story, when the run has load-caused failures (None otherwise: a crash that the other
/// instances absorb is no cascade).
pub fn cascade_story<'a>(records: impl IntoIterator<Item = &'a FailureRecord>) -> Option<String> {
    let failures: Vec<&FailureRecord> = records.into_iter().collect();
    let first_over = failures
        .iter()
        .filter(|f| f.is_overload())
        .map(|f| f.fault_at_us)
        .min()?;
    let mut steps: Vec<Step> = Vec::new();
    let cause = trigger(&failures, first_over);
    if let Some(t) = cause {
        steps.push(Step {
            at_us: t.fault_at_us,
            kind: StepKind::Trigger,
            record: t,
        });
    }
    for &f in failures.iter().filter(|f| f.is_overload()) {
        let kind = if f.fault == "overloaded" {
            StepKind::Over
        } else {
            StepKind::Restarted
        };
        steps.push(Step {
            at_us: f.fault_at_us,
            kind,
            record: f,
        });
        if let Some(d) = f.detected_at_us {
            steps.push(Step {
                at_us: d,
                kind: StepKind::MarkedDown,
                record: f,
            });
        }
        if let Some(r) = f.recovered_at_us {
            steps.push(Step {
                at_us: r,
                kind: StepKind::Back,
                record: f,
            });
        }
    }
    // Stable: records are in the order they opened, so equal instants keep that order.
    steps.sort_by_key(|s| (s.at_us, s.kind));
    // Steps of one kind within the same tenth of a second read as one: "app-2 and app-3 …".
    let mut told: Vec<String> = Vec::new();
    let mut marked_down_told = false;
    let mut i = 0;
    while i < steps.len() {
        let tenth = steps[i].at_us / 100_000;
        let kind = steps[i].kind;
        let mut j = i + 1;
        while j < steps.len() && steps[j].kind == kind && steps[j].at_us / 100_000 == tenth {
            j += 1;
        }
        let group: Vec<&Step> = steps[i..j].iter().collect();
        let at = s1(steps[i].at_us);
        let who = names(&group);
        told.push(match kind {
            StepKind::Trigger => format!("{who} {} at {at}", trigger_verb(group[0].record)),
            StepKind::Over => {
                let loads: Vec<String> = group
                    .iter()
                    .filter_map(|s| s.record.utilisation_percent.map(|u| format!("{u} %")))
                    .collect();
                if loads.is_empty() {
                    format!("{who} over capacity at {at}")
                } else {
                    format!("{who} over capacity at {at} ({})", loads.join(", "))
                }
            }
            StepKind::Restarted => format!("{who} restarted by liveness probes at {at}"),
            // The first mark-down says by whom and why it matters; the rest just happen.
            StepKind::MarkedDown if !marked_down_told => {
                marked_down_told = true;
                let by = group[0]
                    .record
                    .detected_by
                    .as_deref()
                    .unwrap_or("health checks");
                let by = by.split(':').next().unwrap_or(by);
                format!("{who} marked down at {at} by the {by} (busy, not broken)")
            }
            StepKind::MarkedDown => format!("{who} marked down at {at}"),
            StepKind::Back => format!("{who} back in rotation at {at}"),
        });
        i = j;
    }
    let lost: u64 = failures
        .iter()
        .filter(|f| f.is_overload())
        .map(|f| f.lost_requests)
        .sum();
    let more = told.len().saturating_sub(STORY_STEPS_MAX);
    told.truncate(STORY_STEPS_MAX);
    let mut story = told.join(" → ");
    if more > 0 {
        story.push_str(&format!(" → … and {more} more steps"));
    }
    let opening = if cause.is_some() {
        "One failure became a cascade"
    } else {
        "Load alone started a cascade"
    };
    Some(format!(
        "{opening}: {story}. {lost} requests lost to overload.",
        lost = fmt_thousands(lost)
    ))
}

/// "47,572": a count with thousands grouped, as the story prints it.
pub fn fmt_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str, fault: &str, at_s: f64) -> FailureRecord {
        FailureRecord {
            node: 0,
            node_name: name.into(),
            fault: fault.into(),
            fault_at_us: (at_s * 1e6) as TimeUs,
            detected_at_us: None,
            rerouted_at_us: None,
            recovered_at_us: None,
            lost_requests: 0,
            saved_by_retry: 0,
            detected_by: None,
            utilisation_percent: None,
        }
    }

    #[test]
    fn no_overload_no_story() {
        assert_eq!(
            cascade_story(&[record("app-1", "process crash", 20.0)]),
            None
        );
        assert_eq!(cascade_story(&Vec::new()), None);
    }

    #[test]
    fn a_crash_then_two_overloads_read_as_one_story() {
        let crash = record("app-1", "process crash", 20.0);
        let mut a = record("app-2", "overloaded", 21.0);
        a.utilisation_percent = Some(124);
        a.detected_at_us = Some(32_200_000);
        a.detected_by = Some("lb-1 health check: fall=3 × inter=2 s".into());
        a.lost_requests = 1_000;
        let mut b = record("app-3", "overloaded", 21.04);
        b.utilisation_percent = Some(118);
        b.recovered_at_us = Some(40_000_000);
        b.lost_requests = 234;
        let story = cascade_story(&[crash, a, b]).unwrap();
        assert_eq!(
            story,
            "One failure became a cascade: app-1 crashed at 20.0 s → app-2 and app-3 over \
             capacity at 21.0 s (124 %, 118 %) → app-2 marked down at 32.2 s by the lb-1 health \
             check (busy, not broken) → app-3 back in rotation at 40.0 s. 1,234 requests lost \
             to overload."
        );
    }

    #[test]
    fn a_crash_healed_before_the_overload_is_not_its_cause() {
        let mut crash = record("app-1", "process crash", 5.0);
        crash.recovered_at_us = Some(8_000_000);
        let over = record("app-2", "overloaded", 30.0);
        let story = cascade_story(&[crash, over]).unwrap();
        assert!(
            story.starts_with("Load alone started a cascade: app-2 over capacity at 30.0 s"),
            "{story}"
        );
    }

    #[test]
    fn long_stories_are_cut_and_counted() {
        let mut records = vec![record("app-1", "process crash", 1.0)];
        for k in 0..20 {
            records.push(record(
                &format!("app-{}", k + 2),
                "overloaded",
                2.0 + k as f64,
            ));
        }
        let story = cascade_story(&records).unwrap();
        assert_eq!(story.matches(" → ").count(), STORY_STEPS_MAX);
        assert!(story.contains("… and 11 more steps"), "{story}");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(fmt_thousands(0), "0");
        assert_eq!(fmt_thousands(999), "999");
        assert_eq!(fmt_thousands(1_000), "1,000");
        assert_eq!(fmt_thousands(47_572_001), "47,572,001");
    }
}
