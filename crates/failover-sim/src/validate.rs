//! Scenario validation: every problem, each with the path of the field at fault
//! (`balancers[0].health_check.rise: must be between 1 and 10, got 0`).
//!
//! Validation runs before a `Simulation` is built; the engine may then rely on every name
//! resolving and every number being inside `limits.rs`.
use super::limits::*;
use super::params;
use super::scenario::*;
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
    fn text(&mut self, path: &str, text: &str, max: usize) {
        // Bytes first: a string of at most `max` bytes has at most `max` characters.
        if text.len() > max && text.chars().count() > max {
            self.push(path, format!("at most {max} characters"));
        }
    }

    /// A reference to a name (checked against the definitions by the caller): false, with
    /// the problem noted, when it is too long to be any name. A long string is never echoed.
    fn reference(&mut self, path: &str, name: &str) -> bool {
        self.short(path, name, MAX_NAME_LEN, "a name")
    }

    /// False, with the problem noted, if `text` is longer than `max` bytes.
    fn short(&mut self, path: &str, text: &str, max: usize, what: &str) -> bool {
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

    fn name(&mut self, path: &str, name: &str) {
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
struct Index<'a> {
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

    fn kind(&self, name: &str) -> Option<NameKind> {
        self.kinds.get(name).copied()
    }
}

/// Node, zone and region names seen so far, with the path of each first use: a name must be
/// unique across every kind (faults address nodes by name).
#[derive(Default)]
struct Names<'a> {
    first: BTreeMap<&'a str, String>,
}

impl<'a> Names<'a> {
    /// Check `name` (a definition at `path`) and remember it.
    fn define(&mut self, p: &mut Problems, path: String, name: &'a str) {
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

/// Count limits, checked before anything is looked at item by item: a file with 40,000
/// instances is refused for that alone, in time proportional to the few lists it has.
fn validate_counts(s: &Scenario, p: &mut Problems) {
    let most = |p: &mut Problems, path: String, what: &str, n: usize, max: usize| {
        if n > max {
            p.push(path, format!("at most {max} {what}, got {n}"));
        }
    };
    if s.instances.is_empty() {
        p.push("instances", "at least one instance is needed");
    }
    most(
        p,
        "instances".into(),
        "instances",
        s.instances.len(),
        MAX_INSTANCES,
    );
    most(
        p,
        "balancers".into(),
        "balancers",
        s.balancers.len(),
        MAX_BALANCERS,
    );
    most(
        p,
        "gateways".into(),
        "gateways",
        s.gateways.len(),
        MAX_GATEWAYS,
    );
    let nodes = s.instances.len() + s.balancers.len() + s.gateways.len() + 1;
    if nodes > MAX_NODES {
        p.push(
            "instances",
            format!("at most {MAX_NODES} nodes in all, got {nodes}"),
        );
    }
    most(p, "regions".into(), "regions", s.regions.len(), MAX_REGIONS);
    if s.regions.len() <= MAX_REGIONS {
        for (ri, r) in s.regions.iter().enumerate() {
            if r.zones.is_empty() || r.zones.len() > MAX_ZONES_PER_REGION {
                p.push(
                    format!("regions[{ri}].zones"),
                    format!(
                        "a region needs 1 to {MAX_ZONES_PER_REGION} zones, got {}",
                        r.zones.len()
                    ),
                );
            }
        }
    }
    let t = &s.traffic;
    most(
        p,
        "traffic.populations".into(),
        "populations",
        t.populations.len(),
        MAX_REGIONS,
    );
    most(
        p,
        "traffic.profile".into(),
        "steps",
        t.profile.len(),
        MAX_PROFILE_STEPS,
    );
    if s.balancers.len() <= MAX_BALANCERS {
        for (i, b) in s.balancers.iter().enumerate() {
            let path = format!("balancers[{i}]");
            most(
                p,
                format!("{path}.targets"),
                "targets",
                b.targets.len(),
                MAX_INSTANCES,
            );
            most(
                p,
                format!("{path}.retry_on"),
                "conditions",
                b.retry_on.len(),
                MAX_RETRY_ON,
            );
        }
    }
    if s.gateways.len() <= MAX_GATEWAYS {
        for (i, g) in s.gateways.iter().enumerate() {
            if g.balancers.is_empty() || g.balancers.len() > MAX_BALANCERS {
                p.push(
                    format!("gateways[{i}].balancers"),
                    format!(
                        "a gateway forwards to 1 to {MAX_BALANCERS} balancers, got {}",
                        g.balancers.len()
                    ),
                );
            }
        }
    }
    if let Some(d) = &s.dns {
        most(
            p,
            "dns.records".into(),
            "records",
            d.records.len(),
            MAX_DNS_RECORDS,
        );
    }
    most(p, "faults".into(), "faults", s.faults.len(), MAX_FAULTS);
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

fn validate_dns<'a>(index: &Index, d: &'a Dns, p: &mut Problems, names: &mut Names<'a>) {
    names.define(p, "dns.name".into(), &d.name);
    p.range_u64("dns.ttl_s", d.ttl_s, 0, MAX_DURATION_S);
    p.range_f64(
        "dns.resolve_ms",
        d.resolve_ms,
        0.0,
        MAX_HOP_LATENCY_MS * 10.0,
    );
    let hc = &d.health_check;
    if hc.request_interval_s != 10 && hc.request_interval_s != 30 {
        p.push(
            "dns.health_check.request_interval_s",
            format!(
                "Route 53 checks every 10 or 30 s, got {}",
                hc.request_interval_s
            ),
        );
    }
    p.range_u32(
        "dns.health_check.failure_threshold",
        hc.failure_threshold,
        1,
        MAX_THRESHOLD,
    );
    validate_reliability(d.failures.as_ref(), "dns", p);
    let primaries = d
        .records
        .iter()
        .filter(|r| r.role == RecordRole::Primary)
        .count();
    let secondaries = d
        .records
        .iter()
        .filter(|r| r.role == RecordRole::Secondary)
        .count();
    if primaries != 1 || secondaries > 1 {
        p.push("dns.records", format!("failover routing needs one primary and at most one secondary record, got {primaries} and {secondaries}"));
    }
    for (i, r) in d.records.iter().enumerate() {
        let path = format!("dns.records[{i}].target");
        if p.reference(&path, &r.target)
            && !index.kind(&r.target).is_some_and(NameKind::is_endpoint)
        {
            p.push(
                path,
                format!("no gateway, balancer or instance is named `{}`", r.target),
            );
        }
    }
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

fn validate_reliability(r: Option<&Reliability>, path: &str, p: &mut Problems) {
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
    p.range_u32(&format!("{path}.retries"), g.retries, 0, MAX_RETRIES);
    p.range_u64(
        &format!("{path}.timeout_connect_ms"),
        g.timeout_connect_ms,
        1,
        MAX_TIMEOUT_MS,
    );
    validate_passive(&g.passive, &format!("{path}.passive"), p);
    validate_reliability(g.failures.as_ref(), path, p);
    if let Some(rb) = &g.retry_budget {
        crate::validate_overload::validate_retry_budget(rb, &format!("{path}.retry_budget"), p);
    }
}

/// One timed command, of a file or given live (the engine validates every command with this).
pub fn validate_fault(s: &Scenario, f: &Fault, path: &str, p: &mut Problems) {
    validate_fault_with(s, &|n| lookup(s, n), f, path, p)
}

fn validate_fault_with(
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
        (
            FaultAction::Set,
            NameKind::Domain | NameKind::Dns | NameKind::Database(_) | NameKind::Gateway(_),
        ) => false,
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
