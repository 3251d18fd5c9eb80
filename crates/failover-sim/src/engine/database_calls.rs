//! The data store as the request path sees it: queries and their answers, the leader lock
//! (Patroni ttl / loop_wait), promotion of the standby, fencing, and database faults.
use super::*;

impl Simulation {
    /// A worker that finished its local work queries the data store: writes go to the
    /// primary its connection pool points at, reads too unless replicas serve reads.
    pub(super) fn send_query(&mut self, i: u32, worker: u32, job: Job) {
        let write_fraction = self.traffic.spec.write_fraction;
        let write = self.instances[i as usize].draws_write(write_fraction);
        let Some(db) = self.db.as_ref() else { return };
        let view = self.db_view[i as usize] as usize;
        let target = if !write && db.spec.read_from_standby {
            db.standby_index().unwrap_or(view)
        } else {
            view
        };
        let (inst_node, db_node) = (self.instance_node(i), db.nodes[target].node);
        let timeout = whole_ms_to_us(db.spec.query_timeout_ms);
        let call = self.db_calls.open(DbCall {
            instance: i,
            worker,
            r: job.r,
            attempt: job.attempt,
            db: target as u8,
            write,
            ok: false,
            life: 0,
        });
        self.db_calls.hold(call);
        self.push(self.after(timeout), Event::DbTimeout { instance: i, call });
        if !self.topology.partitioned(inst_node, db_node) {
            let at = self.after(self.topology.latency_us(inst_node, db_node));
            self.transfer(inst_node, db_node, at, TransferKind::Request);
            self.db_calls.hold(call);
            self.push(at, Event::DbQuery { instance: i, call });
        }
    }

    /// Query `call` reaches its node; the answer (if any) is written into the entry and
    /// sent back as a DbReply naming it.
    pub(super) fn on_db_query(&mut self, call: u32) {
        let DbCall {
            instance: i,
            db: k,
            write,
            ..
        } = self.db_calls.get(call);
        let k = k as usize;
        let now = self.now;
        let inst_node = self.instance_node(i);
        let Some(db) = self.db.as_mut() else { return };
        let (state, role, db_node) = (db.nodes[k].state, db.nodes[k].role, db.nodes[k].node);
        if state == InstanceState::Unreachable || self.topology.domain_down(db_node) {
            return; // silent: the instance's query timeout answers for it
        }
        let back = self.topology.latency_us(db_node, inst_node);
        let query = db.query_us();
        let answer = |ok: bool, at: TimeUs| (ok, at);
        let (ok, at) = if state != InstanceState::Up {
            answer(false, later(now, back)) // refused
        } else if !write {
            db.stats.reads += 1;
            answer(true, later(later(now, query), back))
        } else if role != DbRole::Primary {
            // A standby or a fenced old primary is read-only.
            db.stats.writes_refused += 1;
            answer(false, later(now, back))
        } else {
            let leader = db.leader;
            if k != leader {
                // An unfenced old primary accepting writes while another leads: split brain.
                db.stats.conflicting_writes += 1;
            }
            let standby = (0..db.nodes.len()).find(|&s| s != k);
            let link = standby.map(|s| {
                let sn = &db.nodes[s];
                let ok = sn.state == InstanceState::Up
                    && sn.role == DbRole::Standby
                    && !self.topology.domain_down(sn.node)
                    && !self.topology.partitioned(db_node, sn.node);
                (ok, self.topology.latency_us(db_node, sn.node))
            });
            match link {
                // Synchronous: acknowledged once the standby has it; nothing acked is lost.
                Some((true, lat)) if db.is_sync() && k == leader => {
                    db.replicate(
                        later(later(now, query), lat),
                        later(later(now, query), 2 * lat),
                    );
                    db.stats.writes += 1;
                    answer(true, later(later(later(now, query), 2 * lat), back))
                }
                _ if db.is_sync() && db.spec.strict_sync && k == leader => {
                    db.stats.writes_refused += 1;
                    answer(false, later(now, back))
                }
                // Asynchronous (or sync degraded to async): acknowledged at once; the write
                // reaches the standby one hop later, or never while the link is down.
                Some((up, lat)) => {
                    db.replicate(
                        if up {
                            later(later(now, query), lat)
                        } else {
                            TimeUs::MAX
                        },
                        later(now, query),
                    );
                    db.stats.writes += 1;
                    answer(true, later(later(now, query), back))
                }
                None => {
                    db.stats.writes += 1;
                    answer(true, later(later(now, query), back))
                }
            }
        };
        let (lag_writes, _) = db.lag(now);
        self.metrics.note_replication_lag(now, lag_writes);
        let kind = if ok {
            TransferKind::Success
        } else {
            TransferKind::Failure
        };
        if !self.topology.partitioned(db_node, inst_node) {
            self.transfer(db_node, inst_node, at, kind);
            let life = self.db.as_ref().map_or(0, |d| d.nodes[k].life);
            let c = self.db_calls.get_mut(call);
            (c.ok, c.life) = (ok, life);
            self.db_calls.hold(call);
            self.push(at, Event::DbReply { instance: i, call });
        }
    }

    /// The data store answered (or the wait timed out): the worker is free again and the
    /// request's answer goes back up.
    pub(super) fn on_db_answer(&mut self, i: u32, worker: u32, r: ReqRef, attempt: u32, ok: bool) {
        let inst = &mut self.instances[i as usize];
        let holds = inst
            .job_of(worker)
            .is_some_and(|j| j.r == r && j.attempt == attempt);
        if inst.state != InstanceState::Up || !holds {
            return; // stale: the other of reply/timeout came first, or the instance died
        }
        let epoch = inst.epoch;
        if !ok && !self.db_reconnecting[i as usize] {
            // Errors make the pool reconnect, to whoever holds the leader lock by then.
            self.db_reconnecting[i as usize] = true;
            let after = self.db.as_ref().map_or(0, |d| d.reconnect_us());
            self.push(self.after(after), Event::DbReconnect { instance: i });
        }
        self.complete_job(i, worker, epoch, ok);
    }

    /// Patroni's loop: the leader renews its lock; when it cannot for `ttl`, the lock
    /// expires, fencing demotes the old leader, and a healthy standby is promoted.
    pub(super) fn on_db_lease(&mut self, epoch: u32) {
        let now = self.now;
        let Some(db) = self.db.as_mut() else { return };
        if db.epoch != epoch {
            return;
        }
        let wait = db.loop_wait_us().max(1);
        let leader = db.leader;
        let lnode = db.nodes[leader].node;
        let alive =
            db.nodes[leader].state == InstanceState::Up && !self.topology.domain_down(lnode);
        let standby = db.standby_index();
        // The consensus store lives with the majority, on the standby's side of any cut.
        let dcs_ok = standby.is_none_or(|s| !self.topology.partitioned(lnode, db.nodes[s].node));
        let mut messages = Vec::new();
        if alive && dcs_ok {
            db.renewed_at = now;
        } else if now >= db.renewed_at + db.ttl_us() && !db.promoting {
            if db.spec.fencing && db.nodes[leader].role == DbRole::Primary && alive {
                db.nodes[leader].role = DbRole::Fenced;
                messages.push((
                    lnode,
                    LogKind::Info,
                    format!(
                        "{} lost its leader lock and demoted itself (fencing): read-only",
                        db.nodes[leader].name
                    ),
                ));
            }
            db.lag(now); // trim what the standby has applied
            let lag = db.missing_since_renewal(now);
            match standby {
                Some(s)
                    if db.nodes[s].state == InstanceState::Up
                        && !self.topology.domain_down(db.nodes[s].node)
                        && lag <= db.spec.failover.maximum_lag_writes =>
                {
                    db.promoting = true;
                    let at = later(now, whole_ms_to_us(db.spec.failover.promotion_ms));
                    self.queue.push(at, Event::DbPromote { epoch });
                    messages.push((
                        lnode,
                        LogKind::Detection,
                        format!(
                            "leader lock of {} expired (ttl {} s, loop_wait {} s): promoting {}",
                            db.nodes[leader].name,
                            db.spec.failover.ttl_s,
                            db.spec.failover.loop_wait_s,
                            db.nodes[s].name
                        ),
                    ));
                }
                _ => {
                    db.stats.failovers_blocked += 1;
                    let why = match standby {
                        None => "there is no standby".to_string(),
                        Some(s) if db.nodes[s].state != InstanceState::Up => {
                            format!("{} is down too", db.nodes[s].name)
                        }
                        Some(_) => {
                            format!("the standby lags {lag} writes (> maximum_lag_on_failover)")
                        }
                    };
                    if db.stats.failovers_blocked == 1 || db.stats.failovers_blocked % 30 == 0 {
                        messages.push((
                            lnode,
                            LogKind::Info,
                            format!("no failover for {}: {why}", db.nodes[leader].name),
                        ));
                    }
                }
            }
        }
        self.push(later(now, wait), Event::DbLease { epoch });
        if !messages.is_empty() {
            if self.db_leader_down_since.is_none() {
                self.db_leader_down_since = Some(now);
            }
            let detected = messages.iter().any(|m| m.1 == LogKind::Detection);
            if detected {
                if let Some(rec) = self.metrics.open_record(lnode) {
                    rec.detected_at_us.get_or_insert(now);
                    rec.detected_by
                        .get_or_insert_with(|| "Patroni leader lock (ttl / loop_wait)".into());
                }
            }
        }
        for (node, kind, text) in messages {
            self.log(Some(node), kind, text);
        }
    }

    pub(super) fn on_db_promote(&mut self, epoch: u32) {
        let now = self.now;
        let lost_at_failure = self.db_lost_at_failure.take();
        let Some(db) = self.db.as_mut() else { return };
        if db.epoch != epoch {
            return;
        }
        db.promoting = false;
        let Some(s) = db
            .standby_index()
            .filter(|&s| db.nodes[s].state == InstanceState::Up)
        else {
            return;
        };
        let old = db.leader;
        // A dead leader's unshipped writes were counted when it died; a live but cut-off
        // leader's are the ones that never left it.
        let lost = lost_at_failure.unwrap_or_else(|| db.unreplicated_at(now));
        db.stats.writes_lost += lost;
        db.stats.failovers += 1;
        db.leader = s;
        db.nodes[s].role = DbRole::Primary;
        if db.spec.fencing && db.nodes[old].role == DbRole::Primary {
            db.nodes[old].role = DbRole::Fenced;
        }
        db.renewed_at = now;
        db.epoch = db.epoch.wrapping_add(1);
        db.reset_replication(now);
        let (new_epoch, wait) = (db.epoch, db.loop_wait_us().max(1));
        let (old_node, old_name, new_name) = (
            db.nodes[old].node,
            db.nodes[old].name.clone(),
            db.nodes[s].name.clone(),
        );
        self.db_leader_down_since = None;
        self.push(later(now, wait), Event::DbLease { epoch: new_epoch });
        self.note_state_change();
        if let Some(rec) = self.metrics.open_record(old_node) {
            rec.rerouted_at_us.get_or_insert(now);
        }
        self.log(
            Some(old_node),
            LogKind::Recovery,
            format!("{new_name} promoted to primary in place of {old_name}: {lost} acknowledged write(s) lost (RPO); instances reconnect on their next error"),
        );
    }

    pub(super) fn apply_db_fault(&mut self, k: usize, action: FaultAction) {
        let now = self.now;
        let node = self.db_first_node() + k as u32;
        let Some(db) = self.db.as_mut() else { return };
        let (name, state) = (db.nodes[k].name.clone(), db.nodes[k].state);
        let is_leader = db.leader == k;
        let text = match action {
            FaultAction::Crash | FaultAction::Unreachable if state == InstanceState::Up => {
                db.nodes[k].state = if action == FaultAction::Crash {
                    InstanceState::Crashed
                } else {
                    InstanceState::Unreachable
                };
                db.nodes[k].life = db.nodes[k].life.wrapping_add(1);
                let what = if action == FaultAction::Crash {
                    "crashed"
                } else {
                    "became unreachable"
                };
                let role = db.nodes[k].role.name();
                Some((LogKind::Fault, format!("{name} ({role}) {what}")))
            }
            FaultAction::Heal if state != InstanceState::Up => {
                db.nodes[k].state = InstanceState::Up;
                let role = if is_leader {
                    DbRole::Primary
                } else if db.nodes[k].role == DbRole::Primary && !db.spec.fencing {
                    // Nothing stops it: it still believes it is the primary.
                    DbRole::Primary
                } else {
                    DbRole::Standby
                };
                db.nodes[k].role = role;
                let note = if role == DbRole::Primary && !is_leader {
                    "back, and still acting as primary: split brain (no fencing)"
                } else if role == DbRole::Standby {
                    "back as a standby"
                } else {
                    "back as the primary"
                };
                Some((LogKind::Recovery, format!("{name} {note}")))
            }
            _ => None,
        };
        match (action, text) {
            (FaultAction::Crash | FaultAction::Unreachable, Some((kind, text))) => {
                if is_leader && self.db_leader_down_since.is_none() {
                    self.db_leader_down_since = Some(now);
                    self.db_lost_at_failure = self.db.as_ref().map(|d| d.unreplicated_at(now));
                }
                self.open_failure(node, "database failure");
                self.log(Some(node), kind, text);
            }
            (FaultAction::Heal, Some((kind, text))) => {
                if is_leader {
                    self.db_leader_down_since = None;
                    self.db_lost_at_failure = None;
                }
                self.metrics.close_record(node, now);
                self.log(Some(node), kind, text);
            }
            _ => self.log(
                Some(node),
                LogKind::Info,
                format!("{name}: {} has no effect now", action.name()),
            ),
        }
    }
}
