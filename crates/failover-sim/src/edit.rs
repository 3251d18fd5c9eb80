//! Editing the architecture: add, remove, rename and move components of a `Scenario`.
//!
//! Every edit works on a copy and returns the new scenario only if it passes the same
//! validation as a file (`validate::validate`), so an edit is never half-applied: on error
//! the caller keeps the scenario it had, and the message names the field the edit broke
//! (`balancers[0].targets: a balancer needs at least one target`). References follow a
//! rename everywhere (targets, gateway lists, `entry`, DNS records, zones, populations,
//! scheduled faults). Scheduled faults whose node an edit removes are dropped and returned,
//! so the UI can say which clicks no longer make sense. `History` gives undo and redo.
//!
//! Edits are pure data (`Edit`), so the UI, the CLI and tests drive them the same way.
use crate::limits::MAX_NAME_LEN;
use crate::scenario::{
    Balancer, Database, Fault, Gateway, Instance, Population, Region, Scenario, Standby, Target,
    Zone,
};
use crate::validate::{self, lookup, NameKind};

/// One change to the architecture.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// A new instance, a copy of `like` (or of the first instance) with a new name, in
    /// `zone`, added as a target (weight 1) of each of `balancers`.
    AddInstance {
        name: String,
        like: Option<String>,
        zone: Option<String>,
        balancers: Vec<String>,
    },
    /// A new balancer, a copy of the first one's settings (algorithm, checks, retries) or
    /// HAProxy's defaults, over `targets`.
    AddBalancer {
        name: String,
        zone: Option<String>,
        targets: Vec<String>,
    },
    /// A new API gateway in front of `balancers`.
    AddGateway {
        name: String,
        zone: Option<String>,
        balancers: Vec<String>,
    },
    /// A new availability zone in `region` (created if the scenario has no such region).
    AddZone { region: String, zone: String },
    /// A standby database (the scenario must have a database without one).
    AddStandby { name: String, zone: Option<String> },
    /// A second (third, …) client population in `region` sending `share` (0 to 1) of all
    /// requests; the populations there were keep their proportions in the rest. Clients
    /// given as one `traffic.region` become its first population.
    AddPopulation { region: String, share: f64 },
    /// DNS failover routing (Route 53 style) named `name` in front of the system: the first
    /// of `records` is the primary record, a second one the secondary (both health
    /// checked); the clients then look the name up instead of calling `entry` directly.
    AddDns { name: String, records: Vec<String> },
    /// Remove a node, zone or region. What still refers to it makes the edit fail with
    /// the path of that reference (a balancer's last target, a zone that still holds
    /// nodes), except lists that simply lose a member (targets, gateway balancer lists).
    Remove { node: String },
    /// A new name for a node, zone or region, followed everywhere it is referred to.
    Rename { node: String, to: String },
    /// Put a node in another zone (`None`: no zone).
    MoveToZone { node: String, zone: Option<String> },
    /// Send the clients to another entry point (a gateway, balancer, instance or the DNS
    /// name), e.g. to the balancer just put in front of a single server.
    SetEntry { node: String },
    /// Add `instance` to `balancer`'s targets (weight 1).
    AddTarget { balancer: String, instance: String },
    /// Remove `instance` from `balancer`'s targets.
    RemoveTarget { balancer: String, instance: String },
}

/// The result of an edit that validated.
#[derive(Clone, Debug)]
pub struct Applied {
    pub scenario: Scenario,
    /// Scheduled faults that named a node the edit removed: dropped, in their order.
    pub dropped_faults: Vec<Fault>,
}

/// Apply `edit` to a copy of `s`. Errors name the field (validation paths) or the edit's
/// own problem (`rename: app-9 does not exist`).
pub fn apply(s: &Scenario, edit: &Edit) -> Result<Applied, String> {
    let mut next = s.clone();
    match edit {
        Edit::AddInstance {
            name,
            like,
            zone,
            balancers,
        } => add_instance(&mut next, name, like.as_deref(), zone, balancers)?,
        Edit::AddBalancer {
            name,
            zone,
            targets,
        } => add_balancer(&mut next, name, zone, targets)?,
        Edit::AddGateway {
            name,
            zone,
            balancers,
        } => {
            new_name(&next, name)?;
            let gateway = match next.gateways.first() {
                Some(model) => Gateway {
                    name: name.clone(),
                    balancers: balancers.clone(),
                    zone: zone.clone(),
                    failures: None,
                    ..model.clone()
                },
                None => from_file_defaults(serde_json::json!({
                    "name": name, "balancers": balancers, "zone": zone,
                }))?,
            };
            next.gateways.push(gateway);
        }
        Edit::AddZone { region, zone } => {
            new_name(&next, zone)?;
            match next.regions.iter_mut().find(|r| &r.name == region) {
                Some(r) => r.zones.push(plain_zone(zone)),
                None => {
                    new_name(&next, region)?;
                    next.regions.push(Region {
                        name: region.clone(),
                        zones: vec![plain_zone(zone)],
                        failures: None,
                    });
                }
            }
        }
        Edit::AddStandby { name, zone } => {
            new_name(&next, name)?;
            let Some(db) = next.database.as_mut() else {
                return Err("add standby: the scenario has no database".into());
            };
            if db.standby.is_some() {
                return Err(format!("add standby: `{}` already has a standby", db.name));
            }
            db.standby = Some(Standby {
                name: name.clone(),
                zone: zone.clone(),
                failures: db.failures.clone(),
            });
        }
        Edit::AddPopulation { region, share } => add_population(&mut next, region, *share)?,
        Edit::AddDns { name, records } => add_dns(&mut next, name, records)?,
        Edit::Remove { node } => remove(&mut next, node)?,
        Edit::Rename { node, to } => rename(&mut next, node, to)?,
        Edit::MoveToZone { node, zone } => {
            let slot = zone_slot(&mut next, node)?;
            *slot = zone.clone();
        }
        Edit::SetEntry { node } => match lookup(&next, node) {
            Some(NameKind::Dns) => next.entry = node.clone(),
            Some(k) if k.is_endpoint() => next.entry = node.clone(),
            Some(_) => return Err(format!("entry: clients cannot send requests to `{node}`")),
            None => return Err(format!("entry: no node `{node}`")),
        },
        Edit::AddTarget { balancer, instance } => {
            if !next.instances.iter().any(|i| &i.name == instance) {
                return Err(format!("add target: no instance `{instance}`"));
            }
            let b = balancer_mut(&mut next, balancer)?;
            if b.targets.iter().any(|t| &t.instance == instance) {
                return Err(format!(
                    "add target: `{instance}` is already a target of `{balancer}`"
                ));
            }
            b.targets.push(plain_target(instance));
        }
        Edit::RemoveTarget { balancer, instance } => {
            let b = balancer_mut(&mut next, balancer)?;
            let before = b.targets.len();
            b.targets.retain(|t| &t.instance != instance);
            if b.targets.len() == before {
                return Err(format!(
                    "remove target: `{instance}` is not a target of `{balancer}`"
                ));
            }
        }
    }
    let dropped_faults = drop_orphan_faults(&mut next);
    validate::validate(&next).map_err(|e| e.to_string())?;
    Ok(Applied {
        scenario: next,
        dropped_faults,
    })
}

/// A name the scenario does not use yet, in the characters a file allows.
fn new_name(s: &Scenario, name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return Err(format!("name: must be 1 to {MAX_NAME_LEN} characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
    {
        return Err(format!(
            "name: `{name}` may use only letters, digits, `-`, `_` and `.`"
        ));
    }
    if lookup(s, name).is_some() {
        return Err(format!("name: `{name}` is already used"));
    }
    Ok(())
}

/// A component with the defaults a scenario file gives it when only these fields are set.
fn from_file_defaults<T: serde::de::DeserializeOwned>(
    fields: serde_json::Value,
) -> Result<T, String> {
    serde_json::from_value(fields).map_err(|e| format!("defaults: {e}"))
}

fn plain_zone(name: &str) -> Zone {
    Zone {
        name: name.to_string(),
        failures: None,
    }
}

fn plain_target(instance: &str) -> Target {
    Target {
        instance: instance.to_string(),
        weight: 1,
        backup: false,
    }
}

fn balancer_mut<'a>(s: &'a mut Scenario, name: &str) -> Result<&'a mut Balancer, String> {
    s.balancers
        .iter_mut()
        .find(|b| b.name == name)
        .ok_or_else(|| format!("no balancer `{name}`"))
}

fn add_instance(
    s: &mut Scenario,
    name: &str,
    like: Option<&str>,
    zone: &Option<String>,
    balancers: &[String],
) -> Result<(), String> {
    new_name(s, name)?;
    let model: Instance = match like {
        Some(l) => s
            .instances
            .iter()
            .find(|i| i.name == l)
            .cloned()
            .ok_or_else(|| format!("add instance: no instance `{l}` to copy"))?,
        None => match s.instances.first() {
            Some(first) => first.clone(),
            None => from_file_defaults(serde_json::json!({ "name": name }))?,
        },
    };
    s.instances.push(Instance {
        name: name.to_string(),
        zone: zone.clone(),
        ..model
    });
    for b in balancers {
        balancer_mut(s, b)?.targets.push(plain_target(name));
    }
    Ok(())
}

fn add_balancer(
    s: &mut Scenario,
    name: &str,
    zone: &Option<String>,
    targets: &[String],
) -> Result<(), String> {
    new_name(s, name)?;
    let targets: Vec<Target> = targets.iter().map(|t| plain_target(t)).collect();
    let balancer = match s.balancers.first() {
        Some(model) => Balancer {
            name: name.to_string(),
            targets,
            zone: zone.clone(),
            failures: None,
            // A group is a property of its own targets; a copied one would not fit.
            autoscaling: None,
            ..model.clone()
        },
        None => {
            let mut b: Balancer = from_file_defaults(serde_json::json!({
                "name": name, "targets": [], "zone": zone,
            }))?;
            b.targets = targets;
            b
        }
    };
    s.balancers.push(balancer);
    Ok(())
}

fn add_population(s: &mut Scenario, region: &str, share: f64) -> Result<(), String> {
    if !(share > 0.0 && share < 1.0) {
        return Err(format!(
            "add clients: the share is a fraction of all requests, above 0 and below 1, got {share}"
        ));
    }
    let pops = &mut s.traffic.populations;
    if pops.is_empty() {
        let Some(first) = s.traffic.region.take() else {
            return Err(
                "traffic.region: the clients are not in a region, so there is no first \
                 population to share the traffic with (give `traffic.region` in the file)"
                    .into(),
            );
        };
        pops.push(Population {
            region: first,
            share: 1.0,
        });
    }
    // Shares are weights: the new one is `share` of the new total.
    let total: f64 = pops.iter().map(|p| p.share).sum();
    pops.push(Population {
        region: region.to_string(),
        share: total * share / (1.0 - share),
    });
    Ok(())
}

fn add_dns(s: &mut Scenario, name: &str, records: &[String]) -> Result<(), String> {
    new_name(s, name)?;
    if s.dns.is_some() {
        return Err("add DNS: the scenario already has DNS".into());
    }
    let records: Vec<serde_json::Value> = records
        .iter()
        .enumerate()
        .map(|(i, target)| {
            serde_json::json!({
                "target": target,
                "role": if i == 0 { "primary" } else { "secondary" },
            })
        })
        .collect();
    // Route 53's defaults (TTL 60 s, RequestInterval 30 s, FailureThreshold 3) come from the
    // file format, so an added DNS is the one a file with only these fields would give.
    s.dns = Some(from_file_defaults(serde_json::json!({
        "name": name, "records": records,
    }))?);
    s.entry = name.to_string();
    Ok(())
}

/// The `zone` field of a node that has one.
fn zone_slot<'a>(s: &'a mut Scenario, node: &str) -> Result<&'a mut Option<String>, String> {
    match lookup(s, node) {
        Some(NameKind::Instance(i)) => Ok(&mut s.instances[i].zone),
        Some(NameKind::Balancer(i)) => Ok(&mut s.balancers[i].zone),
        Some(NameKind::Gateway(i)) => Ok(&mut s.gateways[i].zone),
        Some(NameKind::Database(0)) => Ok(&mut database(s)?.zone),
        Some(NameKind::Database(_)) => Ok(&mut standby(s)?.zone),
        Some(NameKind::Dns | NameKind::Domain | NameKind::Clients) => {
            Err(format!("move: `{node}` has no zone"))
        }
        None => Err(format!("move: no node `{node}`")),
    }
}

fn database(s: &mut Scenario) -> Result<&mut Database, String> {
    s.database.as_mut().ok_or_else(|| "no database".to_string())
}

fn standby(s: &mut Scenario) -> Result<&mut Standby, String> {
    database(s)?
        .standby
        .as_mut()
        .ok_or_else(|| "no standby".to_string())
}

fn remove(s: &mut Scenario, node: &str) -> Result<(), String> {
    match lookup(s, node) {
        None => return Err(format!("remove: no node `{node}`")),
        Some(NameKind::Clients) => {
            return Err("remove: the clients stay (set their rate to 0)".into())
        }
        Some(NameKind::Instance(i)) => {
            s.instances.remove(i);
            for b in &mut s.balancers {
                b.targets.retain(|t| t.instance != node);
            }
        }
        Some(NameKind::Balancer(i)) => {
            s.balancers.remove(i);
            for g in &mut s.gateways {
                g.balancers.retain(|b| b != node);
            }
        }
        Some(NameKind::Gateway(i)) => {
            s.gateways.remove(i);
        }
        Some(NameKind::Database(0)) => s.database = None,
        Some(NameKind::Database(_)) => database(s)?.standby = None,
        Some(NameKind::Dns) => {
            // Clients then go where the DNS name sent them first: its primary record.
            let dns = s.dns.take().ok_or("no DNS")?;
            if s.entry == dns.name {
                if let Some(r) = dns.records.first() {
                    s.entry = r.target.clone();
                }
            }
        }
        Some(NameKind::Domain) => {
            if let Some(r) = s.regions.iter().position(|r| r.name == node) {
                s.regions.remove(r);
            } else {
                for r in &mut s.regions {
                    r.zones.retain(|z| z.name != node);
                }
                s.regions.retain(|r| !r.zones.is_empty());
            }
        }
    }
    if let Some(d) = &mut s.dns {
        d.records.retain(|r| r.target != node);
    }
    Ok(())
}

fn rename(s: &mut Scenario, node: &str, to: &str) -> Result<(), String> {
    let Some(kind) = lookup(s, node) else {
        return Err(format!("rename: no node `{node}`"));
    };
    if kind == NameKind::Clients {
        return Err("rename: `clients` is a fixed name".into());
    }
    new_name(s, to)?;
    let swap = |x: &mut String| {
        if x == node {
            *x = to.to_string();
        }
    };
    let swap_opt = |x: &mut Option<String>| {
        if x.as_deref() == Some(node) {
            *x = Some(to.to_string());
        }
    };
    swap(&mut s.entry);
    for i in &mut s.instances {
        swap(&mut i.name);
        swap_opt(&mut i.zone);
    }
    for b in &mut s.balancers {
        swap(&mut b.name);
        swap_opt(&mut b.zone);
        b.targets.iter_mut().for_each(|t| swap(&mut t.instance));
    }
    for g in &mut s.gateways {
        swap(&mut g.name);
        swap_opt(&mut g.zone);
        g.balancers.iter_mut().for_each(swap);
    }
    if let Some(db) = &mut s.database {
        swap(&mut db.name);
        swap_opt(&mut db.zone);
        if let Some(st) = &mut db.standby {
            swap(&mut st.name);
            swap_opt(&mut st.zone);
        }
    }
    if let Some(d) = &mut s.dns {
        swap(&mut d.name);
        d.records.iter_mut().for_each(|r| swap(&mut r.target));
    }
    for r in &mut s.regions {
        swap(&mut r.name);
        r.zones.iter_mut().for_each(|z| swap(&mut z.name));
    }
    swap_opt(&mut s.traffic.region);
    s.traffic
        .populations
        .iter_mut()
        .for_each(|p| swap(&mut p.region));
    for f in &mut s.faults {
        swap(&mut f.node);
        swap_opt(&mut f.peer);
    }
    Ok(())
}

/// Drop the scheduled faults whose node (or partition peer) no longer exists.
fn drop_orphan_faults(s: &mut Scenario) -> Vec<Fault> {
    let (kept, dropped): (Vec<Fault>, Vec<Fault>) =
        std::mem::take(&mut s.faults).into_iter().partition(|f| {
            lookup(s, &f.node).is_some() && f.peer.as_deref().is_none_or(|p| lookup(s, p).is_some())
        });
    s.faults = kept;
    dropped
}

/// Undo and redo over whole scenarios (a scenario is small next to a run, and a copy per
/// step keeps undo exact: the trace hash after undo is the one before the edit).
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Scenario>,
    redo: Vec<Scenario>,
}

impl History {
    /// Steps kept; older ones are forgotten first.
    pub const LIMIT: usize = 100;

    /// Apply `edit` to `current`; on success remember `current` for undo and return the new
    /// scenario (with the dropped faults). On error nothing changes.
    pub fn apply(&mut self, current: &Scenario, edit: &Edit) -> Result<Applied, String> {
        let applied = apply(current, edit)?;
        if self.undo.len() == Self::LIMIT {
            self.undo.remove(0);
        }
        self.undo.push(current.clone());
        self.redo.clear();
        Ok(applied)
    }

    pub fn undo(&mut self, current: &Scenario) -> Option<Scenario> {
        let previous = self.undo.pop()?;
        self.redo.push(current.clone());
        Some(previous)
    }

    pub fn redo(&mut self, current: &Scenario) -> Option<Scenario> {
        let next = self.redo.pop()?;
        self.undo.push(current.clone());
        Some(next)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}
