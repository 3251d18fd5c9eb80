//! Scenario validation: every problem, each with the path of the field at fault
//! (`balancers[0].health_check.rise: must be between 1 and 10, got 0`).
//!
//! Validation runs before a `Simulation` is built; the engine may then rely on every name
//! resolving and every number being inside `limits.rs`.
use super::limits::*;

use super::scenario::*;
use super::validate_counts::validate_counts;
use super::validate_dns::validate_dns;
pub use super::validate_fault::validate_fault;
use super::validate_fault::validate_fault_with;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// All problems of one scenario, printable one per line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

#[derive(Default)]
pub struct Problems(Vec<ValidationError>);

impl Problems {
    pub fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(ValidationError {
            path: path.into(),
            message: message.into(),
        });
    }

    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(self.0))
        }
    }

    pub(crate) fn range_u64(&mut self, path: &str, v: u64, lo: u64, hi: u64) {
        if v < lo || v > hi {
            self.push(path, format!("must be between {lo} and {hi}, got {v}"));
        }
    }

    pub(crate) fn range_u32(&mut self, path: &str, v: u32, lo: u32, hi: u32) {
        self.range_u64(path, v as u64, lo as u64, hi as u64)
    }

    pub(crate) fn range_f64(&mut self, path: &str, v: f64, lo: f64, hi: f64) {
        if !v.is_finite() || v < lo || v > hi {
            self.push(path, format!("must be between {lo} and {hi}, got {v}"));
        }
    }

    /// Free text (`description`, `traffic.path`): at most `max` characters.
    pub(crate) fn text(&mut self, path: &str, text: &str, max: usize) {
        // Bytes first: a string of at most `max` bytes has at most `max` characters.
        if text.len() > max && text.chars().count() > max {
            self.push(path, format!("at most {max} characters"));
        }
    }

    /// A reference to a name (checked against the definitions by the caller): false, with
    /// the problem noted, when it is too long to be any name. A long string is never echoed.
    pub(crate) fn reference(&mut self, path: &str, name: &str) -> bool {
        self.short(path, name, MAX_NAME_LEN, "a name")
    }

    /// False, with the problem noted, if `text` is longer than `max` bytes.
    pub(crate) fn short(&mut self, path: &str, text: &str, max: usize, what: &str) -> bool {
        if text.len() > max {
            self.push(
                path,
                format!("at most {max} characters ({what} is never longer)"),
            );
            false
        } else {
            true
        }
    }

    pub(crate) fn name(&mut self, path: &str, name: &str) {
        if name.is_empty() || name.len() > MAX_NAME_LEN {
            self.push(path, format!("must be 1 to {MAX_NAME_LEN} characters"));
        } else if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            self.push(
                path,
                format!("`{name}` may use only letters, digits, `-`, `_` and `.`"),
            );
        }
    }
}

/// What kind of node a name refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    Clients,
    Balancer(usize),
    Instance(usize),
    /// A zone or a region (a failure domain).
    Domain,
    /// The DNS name (`dns.name`).
    Dns,
    /// A database node: 0 = the primary of the file, 1 = the standby.
    Database(usize),
    Gateway(usize),
}

impl NameKind {
    /// Can clients send requests to it (the entry, or a DNS record's target)?
    pub fn is_endpoint(self) -> bool {
        matches!(
            self,
            NameKind::Gateway(_) | NameKind::Balancer(_) | NameKind::Instance(_)
        )
    }
}

pub const CLIENTS_NODE: &str = "clients";

pub fn lookup(s: &Scenario, name: &str) -> Option<NameKind> {
    if name == CLIENTS_NODE {
        return Some(NameKind::Clients);
    }
    if let Some(i) = s.balancers.iter().position(|b| b.name == name) {
        return Some(NameKind::Balancer(i));
    }
    if let Some(i) = s.gateways.iter().position(|g| g.name == name) {
        return Some(NameKind::Gateway(i));
    }
    if let Some(i) = s.instances.iter().position(|i| i.name == name) {
        return Some(NameKind::Instance(i));
    }
    if s.dns.as_ref().is_some_and(|d| d.name == name) {
        return Some(NameKind::Dns);
    }
    if let Some(db) = &s.database {
        if db.name == name {
            return Some(NameKind::Database(0));
        }
        if db.standby.as_ref().is_some_and(|st| st.name == name) {
            return Some(NameKind::Database(1));
        }
    }
    let is_domain = s
        .regions
        .iter()
        .any(|r| r.name == name || r.zones.iter().any(|z| z.name == name));
    is_domain.then_some(NameKind::Domain)
}

/// Every name in the scenario, for lookups in O(log n) while validating (a file may hold
/// thousands of names and ten thousand faults naming them). Lookup only: never iterated.
pub(crate) struct Index<'a> {
    kinds: BTreeMap<&'a str, NameKind>,
    zones: BTreeSet<&'a str>,
    regions: BTreeSet<&'a str>,
    instances: BTreeSet<&'a str>,
    balancers: BTreeSet<&'a str>,
}

impl<'a> Index<'a> {
    /// The same answers as `lookup` (its order decides between duplicates, which are errors
    /// anyway).
    fn new(s: &'a Scenario) -> Index<'a> {
        let mut kinds = BTreeMap::new();
        kinds.insert(CLIENTS_NODE, NameKind::Clients);
        for (i, b) in s.balancers.iter().enumerate() {
            kinds
                .entry(b.name.as_str())
                .or_insert(NameKind::Balancer(i));
        }
        for (i, g) in s.gateways.iter().enumerate() {
            kinds.entry(g.name.as_str()).or_insert(NameKind::Gateway(i));
        }
        for (i, inst) in s.instances.iter().enumerate() {
            kinds
                .entry(inst.name.as_str())
                .or_insert(NameKind::Instance(i));
        }
        if let Some(d) = &s.dns {
            kinds.entry(d.name.as_str()).or_insert(NameKind::Dns);
        }
        if let Some(db) = &s.database {
            kinds
                .entry(db.name.as_str())
                .or_insert(NameKind::Database(0));
            if let Some(st) = &db.standby {
                kinds
                    .entry(st.name.as_str())
                    .or_insert(NameKind::Database(1));
            }
        }
        let mut zones = BTreeSet::new();
        let mut regions = BTreeSet::new();
        for r in &s.regions {
            regions.insert(r.name.as_str());
            kinds.entry(r.name.as_str()).or_insert(NameKind::Domain);
            for z in &r.zones {
                zones.insert(z.name.as_str());
                kinds.entry(z.name.as_str()).or_insert(NameKind::Domain);
            }
        }
        Index {
            kinds,
            zones,
            regions,
            instances: s.instances.iter().map(|i| i.name.as_str()).collect(),
            balancers: s.balancers.iter().map(|b| b.name.as_str()).collect(),
        }
    }

    pub(crate) fn kind(&self, name: &str) -> Option<NameKind> {
        self.kinds.get(name).copied()
    }
}

/// Node, zone and region names seen so far, with the path of each first use: a name must be
/// unique across every kind (faults address nodes by name).
#[derive(Default)]
pub(crate) struct Names<'a> {
    first: BTreeMap<&'a str, String>,
}

impl<'a> Names<'a> {
    /// Check `name` (a definition at `path`) and remember it.
    pub(crate) fn define(&mut self, p: &mut Problems, path: String, name: &'a str) {
        p.name(&path, name);
        if name == CLIENTS_NODE {
            p.push(path, "`clients` is reserved for the traffic source");
        } else if let Some(first) = self.first.get(name) {
            p.push(
                path.clone(),
                format!("duplicate name `{name}` (first used at {first})"),
            );
        } else if name.len() <= MAX_NAME_LEN {
            self.first.insert(name, path);
        }
    }
}

pub fn validate(s: &Scenario) -> Result<(), ValidationErrors> {
    let mut p = Problems::default();
    validate_counts(s, &mut p);
    if !p.0.is_empty() {
        // Nothing item by item past a count limit: the counts are the problem.
        return p.into_result();
    }
    let index = Index::new(s);
    p.name("name", &s.name);
    p.text("description", &s.description, MAX_DESCRIPTION_LEN);
    p.range_u64("duration_s", s.duration_s, 1, MAX_DURATION_S);
    validate_traffic(&s.traffic, s.dns.is_some(), "traffic", &mut p);
    p.range_f64(
        "network.latency_ms",
        s.network.latency_ms,
        0.0,
        MAX_HOP_LATENCY_MS,
    );

    let mut names = Names::default();
    for (ri, r) in s.regions.iter().enumerate() {
        let path = format!("regions[{ri}]");
        names.define(&mut p, format!("{path}.name"), &r.name);
        validate_reliability(r.failures.as_ref(), &path, &mut p);
        for (zi, z) in r.zones.iter().enumerate() {
            let zp = format!("{path}.zones[{zi}]");
            names.define(&mut p, format!("{zp}.name"), &z.name);
            validate_reliability(z.failures.as_ref(), &zp, &mut p);
        }
    }
    let c = &s.costs;
    for (field, v) in [
        ("balancer_per_hour", c.balancer_per_hour),
        ("instance_per_hour", c.instance_per_hour),
        ("gateway_per_hour", c.gateway_per_hour),
        ("database_per_hour", c.database_per_hour),
        ("dns_zone_per_month", c.dns_zone_per_month),
        ("dns_health_check_per_month", c.dns_health_check_per_month),
        (
            "dns_fast_interval_extra_per_month",
            c.dns_fast_interval_extra_per_month,
        ),
        ("downtime_per_minute", c.downtime_per_minute),
    ] {
        p.range_f64(&format!("costs.{field}"), v, 0.0, MAX_PRICE);
    }
    p.range_f64(
        "network.cross_zone_latency_ms",
        s.network.cross_zone_latency_ms,
        0.0,
        MAX_HOP_LATENCY_MS,
    );
    p.range_f64(
        "network.cross_region_latency_ms",
        s.network.cross_region_latency_ms,
        0.0,
        MAX_HOP_LATENCY_MS,
    );
    if let Some(r) = &s.traffic.region {
        if p.reference("traffic.region", r) && !index.regions.contains(r.as_str()) {
            p.push("traffic.region", format!("no region is named `{r}`"));
        }
    }
    let pops = &s.traffic.populations;
    if !pops.is_empty() && s.traffic.region.is_some() {
        p.push(
            "traffic.region",
            "give either `region` or `populations`, not both",
        );
    }
    for (i, pop) in pops.iter().enumerate() {
        let path = format!("traffic.populations[{i}]");
        let rp = format!("{path}.region");
        if !p.reference(&rp, &pop.region) {
        } else if !index.regions.contains(pop.region.as_str()) {
            p.push(rp, format!("no region is named `{}`", pop.region));
        } else if pops[..i].iter().any(|o| o.region == pop.region) {
            p.push(rp, format!("`{}` already has a population", pop.region));
        }
        if !(pop.share.is_finite() && pop.share > 0.0 && pop.share <= 1e6) {
            p.push(
                format!("{path}.share"),
                format!("must be above 0 and at most 1000000, got {}", pop.share),
            );
        }
    }
    let zone_ok = |p: &mut Problems, path: String, zone: &Option<String>| {
        if let Some(z) = zone {
            if p.reference(&path, z) && !index.zones.contains(z.as_str()) {
                p.push(
                    path,
                    format!("no zone is named `{z}` (zones are declared under `regions`)"),
                );
            }
        }
    };
    for (i, inst) in s.instances.iter().enumerate() {
        zone_ok(&mut p, format!("instances[{i}].zone"), &inst.zone);
    }
    for (i, b) in s.balancers.iter().enumerate() {
        zone_ok(&mut p, format!("balancers[{i}].zone"), &b.zone);
    }
    for (i, inst) in s.instances.iter().enumerate() {
        let path = format!("instances[{i}]");
        names.define(&mut p, format!("{path}.name"), &inst.name);
        validate_instance(inst, &path, &mut p);
    }
    crate::validate_autoscaling::validate_groups(s, &mut p);
    for (i, b) in s.balancers.iter().enumerate() {
        let path = format!("balancers[{i}]");
        names.define(&mut p, format!("{path}.name"), &b.name);
        validate_balancer(b, &path, &mut p);
        let mut listed = BTreeSet::new();
        for (j, t) in b.targets.iter().enumerate() {
            let tp = format!("{path}.targets[{j}].instance");
            if !p.reference(&tp, &t.instance) {
            } else if !index.instances.contains(t.instance.as_str()) {
                p.push(tp, format!("no instance is named `{}`", t.instance));
            } else if !listed.insert(t.instance.as_str()) {
                p.push(
                    tp,
                    format!("`{}` is already a target of this balancer", t.instance),
                );
            }
        }
    }

    for (i, g) in s.gateways.iter().enumerate() {
        let path = format!("gateways[{i}]");
        names.define(&mut p, format!("{path}.name"), &g.name);
        zone_ok(&mut p, format!("{path}.zone"), &g.zone);
        validate_gateway_in(&index, g, &path, &mut p);
    }

    if p.reference("entry", &s.entry) {
        match (index.kind(&s.entry), &s.dns) {
            (Some(kind), None) if kind.is_endpoint() => {}
            (Some(NameKind::Dns), Some(_)) => {}
            (_, Some(d)) => p.push(
                "entry",
                format!("with `dns`, the entry must be the DNS name `{}`", d.name),
            ),
            _ => p.push(
                "entry",
                format!(
                    "`{}` is not the name of a gateway, a balancer or an instance",
                    s.entry
                ),
            ),
        }
    }
    if let Some(d) = &s.dns {
        validate_dns(&index, d, &mut p, &mut names);
    }
    if let Some(db) = &s.database {
        names.define(&mut p, "database.name".into(), &db.name);
        zone_ok(&mut p, "database.zone".into(), &db.zone);
        validate_reliability(db.failures.as_ref(), "database", &mut p);
        if let Some(st) = &db.standby {
            names.define(&mut p, "database.standby.name".into(), &st.name);
            zone_ok(&mut p, "database.standby.zone".into(), &st.zone);
            validate_reliability(st.failures.as_ref(), "database.standby", &mut p);
        }
        p.range_f64(
            "database.query_ms",
            db.query_ms,
            MIN_SERVICE_MS,
            MAX_SERVICE_MS,
        );
        p.range_f64("database.apply_ms", db.apply_ms, 0.0, MAX_SERVICE_MS);
        p.range_u64(
            "database.query_timeout_ms",
            db.query_timeout_ms,
            1,
            MAX_TIMEOUT_MS,
        );
        let f = &db.failover;
        p.range_u64("database.failover.loop_wait_s", f.loop_wait_s, 1, 3_600);
        p.range_u64("database.failover.ttl_s", f.ttl_s, 1, 3_600);
        if f.ttl_s <= f.loop_wait_s {
            p.push(
                "database.failover.ttl_s",
                format!(
                    "must be greater than loop_wait_s ({}), as Patroni requires",
                    f.loop_wait_s
                ),
            );
        }
        p.range_u64(
            "database.failover.promotion_ms",
            f.promotion_ms,
            0,
            MAX_STARTUP_MS,
        );
        p.range_u64(
            "database.failover.reconnect_ms",
            f.reconnect_ms,
            0,
            MAX_STARTUP_MS,
        );
        p.range_u64(
            "database.failover.maximum_lag_writes",
            f.maximum_lag_writes,
            0,
            1_000_000_000,
        );
        if db.strict_sync && db.replication != Replication::Sync {
            p.push(
                "database.strict_sync",
                "only applies to synchronous replication",
            );
        }
    }
    p.range_f64("traffic.write_fraction", s.traffic.write_fraction, 0.0, 1.0);

    for (i, f) in s.faults.iter().enumerate() {
        validate_fault_with(s, &|n| index.kind(n), f, &format!("faults[{i}]"), &mut p);
    }
    p.into_result()
}

/// The traffic section. `dns`: the scenario has DNS in front (each client then caches an
/// answer, which bounds `clients`).
pub fn validate_traffic(t: &Traffic, dns: bool, path: &str, p: &mut Problems) {
    validate_rate_rps(t.rate_rps, &format!("{path}.rate_rps"), p);
    validate_clients(t.clients, t.populations.len(), dns, path, p);
    validate_client_timeout_ms(t.timeout_ms, &format!("{path}.timeout_ms"), p);
    p.text(&format!("{path}.path"), &t.path, MAX_PATH_LEN);
    let mut last = 0;
    for (i, step) in t.profile.iter().enumerate() {
        let sp = format!("{path}.profile[{i}]");
        p.range_u64(&format!("{sp}.at_ms"), step.at_ms, 0, MAX_TIME_MS);
        p.range_f64(&format!("{sp}.rate_rps"), step.rate_rps, 0.0, MAX_RATE_RPS);
        if step.at_ms < last {
            p.push(format!("{sp}.at_ms"), "steps must be in time order");
        }
        last = step.at_ms;
    }
    if let Some(c) = &t.client_retry {
        crate::validate_overload::validate_client_retry(c, &format!("{path}.client_retry"), p);
    }
}

/// `traffic.rate_rps` (files and `set clients rate_rps` alike).
pub fn validate_rate_rps(v: f64, path: &str, p: &mut Problems) {
    p.range_f64(path, v, 0.0, MAX_RATE_RPS);
}

/// `traffic.timeout_ms` (files and `set clients timeout_ms` alike).
pub fn validate_client_timeout_ms(v: u64, path: &str, p: &mut Problems) {
    p.range_u64(path, v, 1, MAX_CLIENT_TIMEOUT_MS);
}

/// `traffic.clients`, for a scenario file and `set clients clients` alike (one path, so a
/// live edit cannot go where a file may not): within the limit, within the DNS limit when
/// there is DNS (each client caches its answer), and at least one per population.
/// `traffic` is the path of the traffic section.
pub fn validate_clients(
    clients: u32,
    populations: usize,
    dns: bool,
    traffic: &str,
    p: &mut Problems,
) {
    let path = format!("{traffic}.clients");
    p.range_u32(&path, clients, 1, MAX_CLIENTS);
    if dns && clients > MAX_DNS_CLIENTS {
        p.push(
            path,
            format!(
                "with `dns`, at most {MAX_DNS_CLIENTS} clients (each caches an answer), got {clients}"
            ),
        );
    }
    if populations as u64 > clients as u64 {
        p.push(
            format!("{traffic}.populations"),
            format!("{populations} populations need at least as many clients, got {clients}"),
        );
    }
}

pub fn validate_instance(inst: &Instance, path: &str, p: &mut Problems) {
    p.range_u32(&format!("{path}.workers"), inst.workers, 1, MAX_WORKERS);
    p.range_u32(
        &format!("{path}.queue_capacity"),
        inst.queue_capacity,
        0,
        MAX_QUEUE,
    );
    p.range_u32(
        &format!("{path}.accept_backlog"),
        inst.accept_backlog,
        0,
        MAX_QUEUE,
    );
    p.range_f64(
        &format!("{path}.service_time.mean_ms"),
        inst.service_time.mean_ms,
        MIN_SERVICE_MS,
        MAX_SERVICE_MS,
    );
    p.range_f64(
        &format!("{path}.service_time.sigma"),
        inst.service_time.sigma,
        0.0,
        MAX_SIGMA,
    );
    p.range_u64(
        &format!("{path}.startup_ms"),
        inst.startup_ms,
        0,
        MAX_STARTUP_MS,
    );
    if let Some(r) = inst.restart_after_ms {
        p.range_u64(
            &format!("{path}.restart_after_ms"),
            r,
            0,
            MAX_RESTART_AFTER_MS,
        );
    }
    validate_reliability(inst.failures.as_ref(), path, p);
    if let Some(c) = &inst.cold_start {
        p.range_u64(
            &format!("{path}.cold_start.warmup_ms"),
            c.warmup_ms,
            0,
            MAX_STARTUP_MS,
        );
        p.range_f64(
            &format!("{path}.cold_start.service_time_multiplier"),
            c.service_time_multiplier,
            1.0,
            super::recovery_validation::MAX_COLD_MULTIPLIER,
        );
    }
}

pub(crate) fn validate_reliability(r: Option<&Reliability>, path: &str, p: &mut Problems) {
    if let Some(r) = r {
        p.range_f64(
            &format!("{path}.failures.mtbf_s"),
            r.mtbf_s,
            MIN_MTBF_S,
            MAX_MTBF_S,
        );
        p.range_f64(
            &format!("{path}.failures.mttr_s"),
            r.mttr_s,
            MIN_MTTR_S,
            MAX_MTTR_S,
        );
    }
}

/// A balancer of a file: its targets (their names are checked by the caller) and settings.
pub fn validate_balancer(b: &Balancer, path: &str, p: &mut Problems) {
    if b.targets.is_empty() {
        p.push(
            format!("{path}.targets"),
            "a balancer needs at least one target",
        );
    }
    for (j, t) in b.targets.iter().enumerate() {
        p.range_u32(
            &format!("{path}.targets[{j}].weight"),
            t.weight,
            1,
            MAX_WEIGHT,
        );
    }
    if !b.targets.is_empty() && b.targets.iter().all(|t| t.backup) {
        p.push(
            format!("{path}.targets"),
            "at least one target must not be a backup",
        );
    }
    validate_reliability(b.failures.as_ref(), path, p);
    validate_balancer_settings(b, path, p);
    if let Some(a) = &b.autoscaling {
        crate::validate_autoscaling::validate_autoscaling(a, b, &format!("{path}.autoscaling"), p);
    }
}

/// What `set` can change on a balancer (everything but its name, targets, zone and failures).
pub fn validate_balancer_settings(b: &Balancer, path: &str, p: &mut Problems) {
    crate::validate_overload::validate_server_queue(b, path, p);
    if let Some(rb) = &b.retry_budget {
        crate::validate_overload::validate_retry_budget(rb, &format!("{path}.retry_budget"), p);
    }
    if let Some(cb) = &b.circuit_breaker {
        crate::validate_overload::validate_circuit_breaker(
            cb,
            &format!("{path}.circuit_breaker"),
            p,
        );
    }
    p.range_u32(&format!("{path}.retries"), b.retries, 0, MAX_RETRIES);
    p.range_u64(
        &format!("{path}.timeout_connect_ms"),
        b.timeout_connect_ms,
        1,
        MAX_TIMEOUT_MS,
    );
    p.range_u64(
        &format!("{path}.timeout_server_ms"),
        b.timeout_server_ms,
        1,
        MAX_TIMEOUT_MS,
    );
    if b.retry_on.len() > MAX_RETRY_ON {
        p.push(
            format!("{path}.retry_on"),
            format!(
                "at most {MAX_RETRY_ON} conditions, got {}",
                b.retry_on.len()
            ),
        );
    } else {
        for (j, r) in b.retry_on.iter().enumerate() {
            if b.retry_on[..j].contains(r) {
                p.push(
                    format!("{path}.retry_on[{j}]"),
                    format!("`{}` is listed twice", r.name()),
                );
            }
        }
    }
    for (j, r) in b.next_upstream.iter().enumerate() {
        if b.next_upstream[..j].contains(r) {
            p.push(
                format!("{path}.next_upstream[{j}]"),
                format!("`{}` is listed twice", r.name()),
            );
        }
    }
    p.range_u32(
        &format!("{path}.next_upstream_tries"),
        b.next_upstream_tries,
        0,
        MAX_INSTANCES as u32,
    );
    if let Some(hc) = &b.health_check {
        let hp = format!("{path}.health_check");
        for (field, v) in [
            ("inter_ms", hc.inter_ms),
            ("fastinter_ms", hc.fastinter_ms),
            ("downinter_ms", hc.downinter_ms),
        ] {
            if let Some(v) = v {
                p.range_u64(
                    &format!("{hp}.{field}"),
                    v,
                    MIN_CHECK_INTERVAL_MS,
                    MAX_CHECK_INTERVAL_MS,
                );
            }
        }
        if let Some(v) = hc.rise {
            p.range_u32(&format!("{hp}.rise"), v, 1, MAX_THRESHOLD);
        }
        if let Some(v) = hc.fall {
            p.range_u32(&format!("{hp}.fall"), v, 1, MAX_THRESHOLD);
        }
        if let Some(v) = hc.timeout_ms {
            p.range_u64(&format!("{hp}.timeout_ms"), v, 1, MAX_CHECK_INTERVAL_MS);
        }
    }
    if let Some(ps) = &b.passive {
        validate_passive(ps, &format!("{path}.passive"), p);
    }
    super::recovery_validation::validate_balancer_recovery(b, path, p);
}

fn validate_passive(ps: &PassiveHealth, path: &str, p: &mut Problems) {
    p.range_u32(&format!("{path}.max_fails"), ps.max_fails, 1, MAX_FAILS);
    p.range_u64(
        &format!("{path}.fail_timeout_ms"),
        ps.fail_timeout_ms,
        100,
        MAX_RESTART_AFTER_MS,
    );
}

/// A gateway (its balancer count is one of the count limits, checked before).
fn validate_gateway_in(index: &Index, g: &Gateway, path: &str, p: &mut Problems) {
    for (j, b) in g.balancers.iter().enumerate() {
        let bp = format!("{path}.balancers[{j}]");
        if !p.reference(&bp, b) {
        } else if !index.balancers.contains(b.as_str()) {
            p.push(bp, format!("no balancer is named `{b}`"));
        } else if g.balancers[..j].contains(b) {
            p.push(
                format!("{path}.balancers[{j}]"),
                format!("`{b}` is already listed"),
            );
        }
    }
    validate_gateway_settings(g, path, p);
    validate_reliability(g.failures.as_ref(), path, p);
}

/// What `set` can change on a gateway (files and live edits alike).
pub fn validate_gateway_settings(g: &Gateway, path: &str, p: &mut Problems) {
    p.range_u32(&format!("{path}.retries"), g.retries, 0, MAX_RETRIES);
    p.range_u64(
        &format!("{path}.timeout_connect_ms"),
        g.timeout_connect_ms,
        1,
        MAX_TIMEOUT_MS,
    );
    validate_passive(&g.passive, &format!("{path}.passive"), p);
    if let Some(rb) = &g.retry_budget {
        crate::validate_overload::validate_retry_budget(rb, &format!("{path}.retry_budget"), p);
    }
}
