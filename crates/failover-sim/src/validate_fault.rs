//! Validation of timed commands (`faults`, and every command given live: the engine checks
//! each with `validate_fault`): the verb fits the node's kind, `set` names a known parameter
//! with a value the file's validation would accept. Part of `validate.rs`, re-exported there.
use super::limits::*;
use super::params;
use super::scenario::*;
use super::validate::{lookup, NameKind, Problems};

/// One timed command, of a file or given live (the engine validates every command with this).
pub fn validate_fault(s: &Scenario, f: &Fault, path: &str, p: &mut Problems) {
    validate_fault_with(s, &|n| lookup(s, n), f, path, p)
}

pub(crate) fn validate_fault_with(
    s: &Scenario,
    kind_of: &dyn Fn(&str) -> Option<NameKind>,
    f: &Fault,
    path: &str,
    p: &mut Problems,
) {
    p.range_u64(&format!("{path}.at_ms"), f.at_ms, 0, MAX_TIME_MS);
    // Lengths first: a string too long to be a name or a parameter is neither looked up nor
    // echoed in a message.
    let strings_ok = [
        p.reference(&format!("{path}.node"), &f.node),
        f.peer
            .as_ref()
            .is_none_or(|peer| p.reference(&format!("{path}.peer"), peer)),
        f.param.as_ref().is_none_or(|param| {
            p.short(
                &format!("{path}.param"),
                param,
                MAX_PARAM_LEN,
                "a parameter",
            )
        }),
        match &f.value {
            Some(ParamValue::Text(v)) => {
                p.short(&format!("{path}.value"), v, MAX_VALUE_LEN, "a value")
            }
            _ => true,
        },
    ];
    if strings_ok.contains(&false) {
        return;
    }
    let Some(kind) = kind_of(&f.node) else {
        p.push(
            format!("{path}.node"),
            format!("no node, zone or region is named `{}`", f.node),
        );
        return;
    };
    let act = f.action.name();
    let ok_for_kind = match (f.action, kind) {
        (FaultAction::Set, NameKind::Domain | NameKind::Dns | NameKind::Database(_)) => false,
        (
            FaultAction::Crash | FaultAction::Unreachable | FaultAction::Heal,
            NameKind::Database(_),
        ) => true,
        (_, NameKind::Database(_)) => false,
        (FaultAction::Fail | FaultAction::Heal, NameKind::Dns) => true,
        (_, NameKind::Dns) => false,
        (FaultAction::Set, _) => true,
        (_, NameKind::Clients) => false,
        (
            FaultAction::Fail | FaultAction::Heal | FaultAction::Partition | FaultAction::Repair,
            NameKind::Domain,
        ) => true,
        (_, NameKind::Domain) => false,
        (FaultAction::Partition | FaultAction::Repair, _) => false,
        (FaultAction::Fail, NameKind::Instance(_)) => false,
        // A crashed balancer or gateway is a failed one.
        (FaultAction::Crash, NameKind::Balancer(_) | NameKind::Gateway(_)) => true,
        (
            FaultAction::AddLatency | FaultAction::Gray | FaultAction::Freeze,
            NameKind::Balancer(_) | NameKind::Gateway(_),
        ) => false,
        (FaultAction::Drain | FaultAction::Stop | FaultAction::Flap, k) => {
            matches!(k, NameKind::Instance(_))
        }
        (FaultAction::Canary, k) => matches!(k, NameKind::Balancer(_)),
        (FaultAction::PushConfig, k) => {
            matches!(k, NameKind::Instance(_) | NameKind::Balancer(_))
        }
        _ => true,
    };
    if !ok_for_kind {
        p.push(
            format!("{path}.action"),
            format!("`{act}` does not apply to `{}`", f.node),
        );
    }
    match f.action {
        FaultAction::AddLatency => match f.extra_latency_ms {
            Some(v) => p.range_f64(
                &format!("{path}.extra_latency_ms"),
                v,
                0.0,
                MAX_EXTRA_LATENCY_MS,
            ),
            None => p.push(
                format!("{path}.extra_latency_ms"),
                "`add-latency` needs extra_latency_ms",
            ),
        },
        FaultAction::Gray => {
            if let Some(v) = f.extra_latency_ms {
                p.range_f64(
                    &format!("{path}.extra_latency_ms"),
                    v,
                    0.0,
                    MAX_EXTRA_LATENCY_MS,
                );
            }
            if let Some(v) = f.error_rate {
                p.range_f64(&format!("{path}.error_rate"), v, 0.0, 1.0);
            }
        }
        FaultAction::PushConfig | FaultAction::Canary => {
            if let Some(v) = f.error_rate {
                p.range_f64(&format!("{path}.error_rate"), v, 0.0, 1.0);
            }
        }
        FaultAction::Flap => match &f.value {
            Some(ParamValue::Number(v)) => p.range_f64(
                &format!("{path}.value"),
                *v,
                MIN_CHECK_INTERVAL_MS as f64,
                MAX_TIMEOUT_MS as f64,
            ),
            Some(_) => p.push(
                format!("{path}.value"),
                "`flap` takes its period in ms as a number",
            ),
            None => {}
        },
        FaultAction::Partition | FaultAction::Repair => match &f.peer {
            Some(peer) if peer == &f.node => p.push(
                format!("{path}.peer"),
                "a domain cannot be partitioned from itself",
            ),
            Some(peer) if kind_of(peer) != Some(NameKind::Domain) => p.push(
                format!("{path}.peer"),
                format!("no zone or region is named `{peer}`"),
            ),
            Some(_) => {}
            None => p.push(
                format!("{path}.peer"),
                format!("`{act}` needs a peer zone or region"),
            ),
        },
        FaultAction::Set => match (&f.param, &f.value) {
            (Some(param), Some(value)) => {
                if let Err(msg) = params::check_against(s, kind, param, value) {
                    p.push(format!("{path}.value"), msg);
                }
            }
            (None, _) => p.push(format!("{path}.param"), "`set` needs a param"),
            (_, None) => p.push(format!("{path}.value"), "`set` needs a value"),
        },
        _ => {}
    }
    if f.action != FaultAction::Set
        && (f.param.is_some() || (f.value.is_some() && f.action != FaultAction::Flap))
    {
        p.push(
            format!("{path}.param"),
            format!("only `set` takes param/value, not `{act}`"),
        );
    }
    if f.peer.is_some() && !matches!(f.action, FaultAction::Partition | FaultAction::Repair) {
        p.push(
            format!("{path}.peer"),
            format!("only `partition` and `repair` take a peer, not `{act}`"),
        );
    }
}
