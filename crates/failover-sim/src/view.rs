//! Building snapshots: the read side of the engine, kept apart from the event handlers.
use super::database::DbRole;
use super::engine::{Simulation, CLIENTS_ID};
use super::health_check::HealthState;
use super::instance::InstanceState;
use super::load_balancer::BalancerState;
use super::metrics::{FailureReason, SecondBucket};
use super::snapshot::*;
use super::time::{fmt_duration, us_to_ms, whole_ms_to_us};

/// A request rate as people write it: `60`, `12.5`.
fn fmt_rate(rps: f64) -> String {
    if (rps - rps.round()).abs() < 0.05 {
        format!("{:.0}", rps)
    } else {
        format!("{rps:.1}")
    }
}

/// How many log entries a snapshot carries.
const SNAPSHOT_LOG: usize = 60;

impl Simulation {
    pub fn snapshot(&self) -> Snapshot {
        let mut nodes = Vec::with_capacity(self.node_count() as usize);
        let mut edges = Vec::new();
        let live = self.requests.live() as u32;
        nodes.push(NodeView {
            id: CLIENTS_ID,
            name: "clients".into(),
            kind: NodeKind::Clients,
            status: NodeStatus::Up,
            detail: match self.population_share(0) {
                // With several populations each node says its own share and rate, and the
                // total, so "40 %" is never read as "40 requests/s".
                Some(share) => format!(
                    "{:.0} % of the traffic: {} of {} requests/s, timeout {}",
                    share * 100.0,
                    fmt_rate(self.traffic.rate_rps * share),
                    fmt_rate(self.traffic.rate_rps),
                    fmt_duration(self.traffic.timeout_us())
                ),
                None => format!(
                    "{} requests/s, timeout {}",
                    self.traffic.rate_rps,
                    fmt_duration(self.traffic.timeout_us())
                ),
            },
            workers: 0,
            busy: 0,
            queue_len: 0,
            queue_capacity: 0,
            in_flight: live,
            zone: self.place_name(CLIENTS_ID),
            utilisation: None,
            overload: None,
        });
        for (bi, b) in self.balancers.iter().enumerate() {
            let id = self.balancer_node(bi as u32);
            let in_flight: u32 = b.targets.iter().map(|t| t.active).sum();
            let in_rotation = (0..b.targets.len())
                .filter(|&s| b.eligible(s, self.now))
                .count();
            let status = match b.state {
                BalancerState::Up => NodeStatus::Up,
                BalancerState::Failed => NodeStatus::Failed,
                BalancerState::Unreachable => NodeStatus::Unreachable,
            };
            nodes.push(NodeView {
                id,
                name: b.name.clone(),
                kind: NodeKind::Balancer,
                status,
                detail: format!(
                    "{}{}; {in_rotation}/{} targets in rotation",
                    self.queue_detail(bi as u32),
                    b.spec.algorithm.name(),
                    b.targets.len()
                ),
                workers: 0,
                busy: 0,
                queue_len: self.queued_at(bi as u32),
                queue_capacity: 0,
                in_flight,
                zone: self.place_name(id),
                utilisation: None,
                overload: self.circuit_open(bi as u32).then_some("circuit open"),
            });
            // A balancer that is down, or silenced by its zone or region, checks nothing: its
            // last belief is no longer anybody's knowledge, so the badge says "unknown".
            let checker_lost = self.checker_lost(b.state, id);
            for (slot, t) in b.targets.iter().enumerate() {
                let health = match b.check {
                    _ if checker_lost => HealthView {
                        state: "unknown",
                        detail: format!(
                            "unknown: no checker ({} is {}; its last belief was {})",
                            b.name,
                            self.checker_loss_reason(b.state, id),
                            t.health.name()
                        ),
                        in_rotation: b.eligible(slot, self.now),
                    },
                    Some(cfg) => {
                        let passive_down = !b.passive_ok(t, self.now);
                        HealthView {
                            state: if passive_down {
                                "down"
                            } else {
                                t.health.name()
                            },
                            detail: if passive_down {
                                "marked down by passive health".into()
                            } else {
                                t.health.detail(&cfg)
                            },
                            in_rotation: b.eligible(slot, self.now),
                        }
                    }
                    None => {
                        let down = !b.passive_ok(t, self.now);
                        HealthView {
                            state: if down { "down" } else { "unchecked" },
                            detail: if down {
                                format!(
                                    "passive health: down for {}",
                                    fmt_duration(
                                        t.passive.down_until_us().saturating_sub(self.now)
                                    )
                                )
                            } else if b.spec.passive.is_some() {
                                "no active checks; passive health watches real traffic".into()
                            } else {
                                "no health checks: the balancer never notices a failure".into()
                            },
                            in_rotation: !down,
                        }
                    }
                };
                let health = self.recovery_health(bi, slot, health);
                edges.push(EdgeView {
                    from: id,
                    to: self.instance_node(t.instance),
                    in_flight: t.active,
                    health: Some(health),
                    backup: t.backup,
                });
            }
        }
        if let Some(entry) = self.node_by_name(&self.scenario.entry) {
            edges.insert(
                0,
                EdgeView {
                    from: CLIENTS_ID,
                    to: entry,
                    in_flight: live,
                    health: None,
                    backup: false,
                },
            );
        }
        for (ii, inst) in self.instances.iter().enumerate() {
            let id = self.instance_node(ii as u32);
            // The worst belief any balancer holds about this instance.
            let mut believed: Option<HealthState> = None;
            for (bi, b) in self.balancers.iter().enumerate() {
                // Only a balancer that is still checking holds a belief worth showing.
                if b.check.is_none() || self.checker_lost(b.state, self.balancer_node(bi as u32)) {
                    continue;
                }
                for t in b.targets.iter().filter(|t| t.instance == ii as u32) {
                    let rank = |h: HealthState| match h {
                        HealthState::Up => 0,
                        HealthState::Suspect(_) => 1,
                        HealthState::Rising(_) | HealthState::Initial(_) => 2,
                        HealthState::Down => 3,
                    };
                    if believed.is_none_or(|cur| rank(t.health) > rank(cur)) {
                        believed = Some(t.health);
                    }
                }
            }
            let (status, detail) = match inst.state {
                InstanceState::Crashed => (
                    NodeStatus::Crashed,
                    match believed {
                        Some(h) if h.in_rotation() => {
                            "process down; balancer has not noticed yet".to_string()
                        }
                        _ => "process down: connections refused".to_string(),
                    },
                ),
                InstanceState::Unreachable => (
                    NodeStatus::Unreachable,
                    "host not answering: callers wait for timeouts".to_string(),
                ),
                // Silent to callers, like a dead host; the detail says what is different.
                InstanceState::Frozen => (
                    NodeStatus::Unreachable,
                    "process frozen: accepted requests hang, new connections time out".to_string(),
                ),
                InstanceState::Starting => (
                    NodeStatus::Starting,
                    format!(
                        "booting (startup {})",
                        fmt_duration(whole_ms_to_us(inst.spec.startup_ms))
                    ),
                ),
                InstanceState::Up => match believed {
                    Some(h @ HealthState::Suspect(_)) => {
                        (NodeStatus::Suspected, h.name().to_string())
                    }
                    Some(HealthState::Down) => (
                        NodeStatus::Down,
                        "process up, still marked down".to_string(),
                    ),
                    Some(HealthState::Rising(n)) => (
                        NodeStatus::Down,
                        format!("up; {n} passing check(s), waiting for rise"),
                    ),
                    Some(HealthState::Initial(n)) => (
                        NodeStatus::Starting,
                        format!("initial: {n} passing check(s)"),
                    ),
                    _ if inst.is_degraded() => (
                        NodeStatus::Degraded,
                        format!(
                            "gray: {:.0} % errors, +{} ms",
                            inst.gray_error_rate * 100.0,
                            us_to_ms(inst.gray_latency_us + inst.extra_latency_us)
                        ),
                    ),
                    _ => (
                        NodeStatus::Up,
                        format!("{} workers, {} served", inst.spec.workers, inst.served),
                    ),
                },
            };
            nodes.push(NodeView {
                id,
                name: inst.name.clone(),
                kind: NodeKind::Instance,
                status,
                detail,
                workers: inst.spec.workers,
                busy: inst.busy(),
                queue_len: inst.queue_len(),
                queue_capacity: inst.spec.queue_capacity,
                in_flight: inst.busy() + inst.queue_len(),
                zone: self.place_name(id),
                utilisation: self.overload.on.then(|| self.utilisation(ii as u32)),
                overload: self.overload_word(ii as u32),
            });
        }
        let dns_view = self.dns_view(&mut nodes, &mut edges);
        let database = self.database_view(&mut nodes, &mut edges);
        self.gateway_view(&mut nodes, &mut edges);
        self.population_view(&mut nodes, &mut edges);
        self.autoscaling_overlay(&mut nodes, &mut edges);
        let m = &self.metrics;
        let recent_p99 = m
            .seconds
            .iter()
            .rev()
            .nth(1)
            .map(|b| us_to_ms(b.p99_us))
            .unwrap_or(0.0);
        let skip = self.log.len().saturating_sub(SNAPSHOT_LOG);
        Snapshot {
            now_us: self.now,
            events: self.events,
            trace_hash: self.trace_hash_hex(),
            nodes,
            edges,
            totals: self.totals(),
            availability: m.availability(),
            latency: self.latency_summary(),
            recent_p99_ms: recent_p99,
            log: self.log.iter().skip(skip).cloned().collect(),
            failures: m.failures.iter().cloned().collect(),
            failures_total: m.failures_total,
            domains: self
                .topology
                .domains
                .iter()
                .enumerate()
                .map(|(d, dom)| DomainView {
                    id: self.domain_id(d as u32),
                    name: dom.name.clone(),
                    kind: dom.kind,
                    parent: dom
                        .parent
                        .map(|p| self.topology.domains[p as usize].name.clone()),
                    down: dom.down,
                })
                .collect(),
            partitions: self
                .topology
                .partitions
                .iter()
                .map(|&(a, b)| {
                    (
                        self.topology.domains[a as usize].name.clone(),
                        self.topology.domains[b as usize].name.clone(),
                    )
                })
                .collect(),
            spofs: self.analysis.spofs.clone(),
            capacity: self.analysis.capacity.clone(),
            analytic_availability: self.analysis.availability,
            analytic_estimate: self.analysis.availability_estimate,
            availability_over_time: self.state_availability(),
            breakdown: self.breakdown(),
            dns: dns_view,
            database,
            autoscalers: self.autoscaling_views(),
            overload_series: if self.overload.on {
                self.overload
                    .metrics
                    .last_seconds(super::snapshot::OVERLOAD_SECONDS)
            } else {
                Vec::new()
            },
            cost: super::cost::report(
                &self.scenario,
                self.analysis.availability,
                self.state_availability(),
            ),
        }
    }

    /// The database nodes, the instance → database and replication edges, and the panel.
    fn database_view(
        &self,
        nodes: &mut Vec<NodeView>,
        edges: &mut Vec<EdgeView>,
    ) -> Option<DatabaseView> {
        let db = self.db.as_ref()?;
        let now = self.now;
        let (lag_writes, lag_us) = db.lag_at(now);
        for (k, n) in db.nodes.iter().enumerate() {
            let status = match n.state {
                InstanceState::Up => NodeStatus::Up,
                InstanceState::Starting => NodeStatus::Starting,
                InstanceState::Crashed => NodeStatus::Crashed,
                InstanceState::Unreachable | InstanceState::Frozen => NodeStatus::Unreachable,
            };
            let split = n.role == DbRole::Primary && k != db.leader && n.state == InstanceState::Up;
            let detail = if split {
                "primary (split brain: another node holds the lock)".to_string()
            } else if n.role == DbRole::Standby {
                format!("standby; {lag_writes} write(s) behind")
            } else {
                n.role.name().to_string()
            };
            nodes.push(NodeView::plain(
                n.node,
                n.name.clone(),
                NodeKind::Database,
                status,
                detail,
                0,
                self.place_name(n.node),
            ));
        }
        for (i, view) in self.db_view.iter().enumerate() {
            let target = db.nodes.get(*view as usize).map(|n| n.node).unwrap_or(0);
            edges.push(EdgeView {
                from: self.instance_node(i as u32),
                to: target,
                in_flight: 0,
                health: None,
                backup: false,
            });
        }
        if let Some(s) = db.standby_index() {
            let leader_node = db.nodes[db.leader].node;
            // Nothing is shipped from a primary that is down or cut off with its zone.
            let shipping = db.nodes[db.leader].state == InstanceState::Up
                && !self.topology.domain_down(leader_node);
            let receiving = db.nodes[s].state == InstanceState::Up
                && !self.topology.domain_down(db.nodes[s].node);
            edges.push(EdgeView {
                from: leader_node,
                to: db.nodes[s].node,
                in_flight: lag_writes as u32,
                health: Some(HealthView {
                    state: if shipping && receiving { "up" } else { "down" },
                    detail: if !shipping {
                        format!("no replication: {} is down", db.nodes[db.leader].name)
                    } else {
                        format!(
                            "{} replication; {lag_writes} write(s), {:.1} ms behind",
                            if db.is_sync() {
                                "synchronous"
                            } else {
                                "asynchronous"
                            },
                            us_to_ms(lag_us)
                        )
                    },
                    in_rotation: shipping && receiving,
                }),
                backup: true,
            });
        }
        Some(DatabaseView {
            replication: if db.is_sync() { "sync" } else { "async" },
            leader: db.nodes[db.leader].name.clone(),
            lag_writes,
            lag_ms: us_to_ms(lag_us),
            stats: db.stats.clone(),
            fencing: db.spec.fencing,
        })
    }

    /// Client populations beyond the first (`traffic.populations`), each with its edge to
    /// the entry.
    fn population_view(&self, nodes: &mut Vec<NodeView>, edges: &mut Vec<EdgeView>) {
        let t = &self.scenario.traffic;
        let entry = self.node_by_name(&self.scenario.entry);
        for p in 1..self.population_count() {
            let id = self.population_node(p);
            let share = self.population_share(p).unwrap_or(0.0);
            let detail = format!(
                "{:.0} % of the traffic: {} of {} requests/s",
                share * 100.0,
                fmt_rate(self.traffic.rate_rps * share),
                fmt_rate(self.traffic.rate_rps)
            );
            nodes.push(NodeView::plain(
                id,
                super::engine::population_name(t, p),
                NodeKind::Clients,
                NodeStatus::Up,
                detail,
                0,
                self.place_name(id),
            ));
            if let Some(entry) = entry {
                edges.push(EdgeView {
                    from: id,
                    to: entry,
                    in_flight: 0,
                    health: None,
                    backup: false,
                });
            }
        }
    }

    /// The gateway nodes and their edges to the balancers, each with the gateway's passive
    /// view of that balancer.
    fn gateway_view(&self, nodes: &mut Vec<NodeView>, edges: &mut Vec<EdgeView>) {
        for (g, gw) in self.gateways.iter().enumerate() {
            let id = self.gateway_node(g as u32);
            let usable = gw.upstreams.iter().filter(|u| u.mark.ok(self.now)).count();
            let (status, detail) = match gw.state {
                BalancerState::Up => (
                    NodeStatus::Up,
                    format!(
                        "API gateway; {usable}/{} balancers usable",
                        gw.upstreams.len()
                    ),
                ),
                BalancerState::Failed => (
                    NodeStatus::Failed,
                    "failed: clients sent here get connection refused".into(),
                ),
                BalancerState::Unreachable => (
                    NodeStatus::Unreachable,
                    "not answering: clients sent here wait for their timeout".into(),
                ),
            };
            nodes.push(NodeView::plain(
                id,
                gw.name.clone(),
                NodeKind::Gateway,
                status,
                detail,
                gw.in_flight,
                self.place_name(id),
            ));
            let checker_lost = self.checker_lost(gw.state, id);
            for u in &gw.upstreams {
                let ok = u.mark.ok(self.now);
                edges.push(EdgeView {
                    from: id,
                    to: self.balancer_node(u.balancer),
                    in_flight: 0,
                    health: Some(if checker_lost {
                        HealthView {
                            state: "unknown",
                            detail: format!(
                                "unknown: no checker ({} is {})",
                                gw.name,
                                self.checker_loss_reason(gw.state, id)
                            ),
                            in_rotation: ok,
                        }
                    } else {
                        HealthView {
                            state: if ok { "up" } else { "down" },
                            detail: if ok {
                                "no active checks; a failed connection marks it down".into()
                            } else {
                                format!(
                                    "marked down by the gateway for {} more (fail_timeout)",
                                    fmt_duration(u.mark.down_until.saturating_sub(self.now))
                                )
                            },
                            in_rotation: ok,
                        }
                    }),
                    backup: false,
                });
            }
        }
    }

    /// Whether the node holding a health belief (a balancer or gateway) can no longer check:
    /// it failed, or its zone or region is down.
    fn checker_lost(&self, state: BalancerState, node: u32) -> bool {
        state != BalancerState::Up || self.topology.domain_down(node)
    }

    fn checker_loss_reason(&self, state: BalancerState, node: u32) -> &'static str {
        if self.topology.domain_down(node) {
            "cut off with its zone or region"
        } else if state == BalancerState::Failed {
            "failed"
        } else {
            "not answering"
        }
    }

    /// The DNS node, its edges to the record targets, and its panel.
    fn dns_view(&self, nodes: &mut Vec<NodeView>, edges: &mut Vec<EdgeView>) -> Option<DnsView> {
        let dns = self.dns.as_ref()?;
        let id = self.dns_node()?;
        let answer = dns.answer();
        let answering = self.node_name(dns.records[answer].node);
        let serving = |node: u32| self.endpoint_can_serve(node);
        let (cached, stale) = dns.stale_clients(self.now, serving);
        let failed = dns.state != super::dns::DnsState::Up;
        nodes.push(NodeView {
            id,
            name: dns.spec.name.clone(),
            kind: NodeKind::Dns,
            status: if failed {
                NodeStatus::Failed
            } else {
                NodeStatus::Up
            },
            detail: if failed {
                "not answering: only cached answers work".into()
            } else {
                format!(
                    "answering {answering}; TTL {} s; {stale} stale cached",
                    dns.spec.ttl_s
                )
            },
            workers: 0,
            busy: 0,
            queue_len: 0,
            queue_capacity: 0,
            in_flight: 0,
            zone: None,
            utilisation: None,
            overload: None,
        });
        let mut records = Vec::new();
        for (k, r) in dns.records.iter().enumerate() {
            let role = match r.role {
                super::scenario::RecordRole::Primary => "primary",
                super::scenario::RecordRole::Secondary => "secondary",
            };
            let streak = if r.streak > 0 {
                format!(
                    ", {}/{} checks toward a flip",
                    r.streak, dns.spec.health_check.failure_threshold
                )
            } else {
                String::new()
            };
            edges.push(EdgeView {
                from: id,
                to: r.node,
                in_flight: 0,
                health: Some(HealthView {
                    state: if !r.health_checked {
                        "unchecked"
                    } else if r.healthy {
                        "up"
                    } else {
                        "down"
                    },
                    detail: format!(
                        "{role} record: {}{streak}{}",
                        if r.healthy { "healthy" } else { "unhealthy" },
                        if k == answer { "; answered now" } else { "" }
                    ),
                    in_rotation: k == answer,
                }),
                backup: r.role == super::scenario::RecordRole::Secondary,
            });
            records.push(DnsRecordView {
                target: self.node_name(r.node),
                role,
                healthy: r.healthy,
                health_checked: r.health_checked,
            });
        }
        Some(DnsView {
            name: dns.spec.name.clone(),
            ttl_s: dns.spec.ttl_s,
            answering,
            records,
            cached_clients: cached,
            stale_clients: stale,
        })
    }

    /// Population `p`'s share of the traffic (0–1), when the scenario has more than one.
    fn population_share(&self, p: u32) -> Option<f64> {
        let pops = &self.scenario.traffic.populations;
        let total: f64 = pops.iter().map(|p| p.share).sum();
        (pops.len() > 1 && total > 0.0)
            .then(|| pops.get(p as usize).map(|x| x.share / total))
            .flatten()
    }

    /// The zone of a node (the region for the clients), by name.
    fn place_name(&self, node: u32) -> Option<String> {
        let p = self.topology.place(node);
        p.zone
            .or(p.region)
            .map(|d| self.topology.domains[d as usize].name.clone())
    }

    pub fn totals(&self) -> Totals {
        let m = &self.metrics;
        Totals {
            sent: m.sent,
            succeeded: m.succeeded,
            failed: m.failed_total(),
            in_flight: self.requests.live() as u64,
            retried: m.retried,
            failed_by_reason: FailureReason::ALL
                .iter()
                .map(|r| (*r, m.failed[r.index()]))
                .collect(),
        }
    }

    pub fn latency_summary(&self) -> LatencySummary {
        let h = &self.metrics.latency;
        LatencySummary {
            mean_ms: h.mean() / 1_000.0,
            p50_ms: us_to_ms(h.quantile(0.5)),
            p90_ms: us_to_ms(h.quantile(0.9)),
            p99_ms: us_to_ms(h.quantile(0.99)),
            max_ms: us_to_ms(h.max()),
        }
    }

    /// Per-second buckets of the last `n` seconds (charts).
    pub fn series(&self, n: usize) -> Vec<SecondBucket> {
        self.metrics.last_seconds(n)
    }
}
