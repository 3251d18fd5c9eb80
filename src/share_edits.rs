//! The design part of a share link: the architecture edits made in the app (a diff against
//! the scenario the run started from) and the other side of a comparison.
//!
//! # Format (optional keys of link version 3; a link without them is read as before)
//!
//! ```text
//! …&e=EDIT,EDIT&vs=OTHER
//! ```
//!
//! `EDIT` is a short code and its fields, separated by `:`; a list inside a field is
//! separated by `~`; an empty field is "none":
//!
//! | code | edit | fields |
//! |---|---|---|
//! | `ai` | add instance | name, copy of, zone, balancers |
//! | `ab` | add load balancer | name, zone, targets |
//! | `ag` | add API gateway | name, zone, balancers |
//! | `az` | add zone (and its region if new) | region, zone |
//! | `as` | add database standby | name, zone |
//! | `ap` | add client population | region, share |
//! | `ad` | add DNS | name, records (primary first) |
//! | `rm` | remove | node |
//! | `rn` | rename | node, new name |
//! | `mv` | move to zone | node, zone |
//! | `en` | clients send to | node |
//! | `at` / `rt` | add / remove a balancer's target | balancer, instance |
//!
//! e.g. `e=ab:lb-2::app-1,ai:app-2:::lb-2,en:lb-2`. Node names hold only letters, digits,
//! `-`, `_` and `.`, so `:`, `~` and `,` never occur in them; every field is still
//! percent-encoded and decoded like the rest of the link.
//!
//! `OTHER` is a preset name, or `-` for "the same scenario before the edits".
use crate::share::{escape, unescape};
use crate::sim::edit::Edit;
use crate::sim::presets;

/// Most edits a link carries (each is applied and the whole scenario validated again when
/// the link opens, so the count bounds the work of opening one). Past it, the link holds
/// the whole edited scenario instead.
pub const MAX_LINK_EDITS: usize = 200;

/// What the app's design work adds to a run's recipe.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Design {
    /// Architecture edits, in order, applied to the source scenario after its overrides.
    pub edits: Vec<Edit>,
    /// The other side of a side-by-side comparison, when one is open.
    pub versus: Option<Versus>,
}

/// What the run on screen is compared with.
#[derive(Clone, Debug, PartialEq)]
pub enum Versus {
    /// A built-in scenario.
    Preset(String),
    /// The same scenario without the edits ("before" against "after").
    Unedited,
}

impl Versus {
    pub fn encode(&self) -> String {
        match self {
            Versus::Preset(name) => escape(name),
            Versus::Unedited => "-".into(),
        }
    }

    pub fn decode(value: &str) -> Result<Versus, String> {
        if value == "-" {
            return Ok(Versus::Unedited);
        }
        let name = unescape(value)?;
        if presets::find(&name).is_none() {
            return Err(format!(
                "compare with `{name}`: no such preset (`-` is the scenario before its edits)"
            ));
        }
        Ok(Versus::Preset(name))
    }

    /// How the UI names it.
    pub fn label(&self) -> String {
        match self {
            Versus::Preset(name) => format!("preset {name}"),
            Versus::Unedited => "before your edits".into(),
        }
    }
}

fn opt(v: &Option<String>) -> String {
    v.as_deref().map(escape).unwrap_or_default()
}

fn list(v: &[String]) -> String {
    v.iter().map(|s| escape(s)).collect::<Vec<_>>().join("~")
}

/// One edit in link form.
pub fn encode_edit(e: &Edit) -> String {
    match e {
        Edit::AddInstance {
            name,
            like,
            zone,
            balancers,
        } => format!(
            "ai:{}:{}:{}:{}",
            escape(name),
            opt(like),
            opt(zone),
            list(balancers)
        ),
        Edit::AddBalancer {
            name,
            zone,
            targets,
        } => format!("ab:{}:{}:{}", escape(name), opt(zone), list(targets)),
        Edit::AddGateway {
            name,
            zone,
            balancers,
        } => format!("ag:{}:{}:{}", escape(name), opt(zone), list(balancers)),
        Edit::AddZone { region, zone } => format!("az:{}:{}", escape(region), escape(zone)),
        Edit::AddStandby { name, zone } => format!("as:{}:{}", escape(name), opt(zone)),
        Edit::AddPopulation { region, share } => format!("ap:{}:{share}", escape(region)),
        Edit::AddDns { name, records } => format!("ad:{}:{}", escape(name), list(records)),
        Edit::Remove { node } => format!("rm:{}", escape(node)),
        Edit::Rename { node, to } => format!("rn:{}:{}", escape(node), escape(to)),
        Edit::MoveToZone { node, zone } => format!("mv:{}:{}", escape(node), opt(zone)),
        Edit::SetEntry { node } => format!("en:{}", escape(node)),
        Edit::AddTarget { balancer, instance } => {
            format!("at:{}:{}", escape(balancer), escape(instance))
        }
        Edit::RemoveTarget { balancer, instance } => {
            format!("rt:{}:{}", escape(balancer), escape(instance))
        }
    }
}

/// The `e=` value for `edits`.
pub fn encode_edits(edits: &[Edit]) -> String {
    edits.iter().map(encode_edit).collect::<Vec<_>>().join(",")
}

/// Reads the `e=` value: counted before any item is decoded.
pub fn decode_edits(value: &str) -> Result<Vec<Edit>, String> {
    let items: Vec<&str> = value.split(',').filter(|s| !s.is_empty()).collect();
    if items.len() > MAX_LINK_EDITS {
        return Err(format!(
            "edits: at most {MAX_LINK_EDITS} in a link, got {}",
            items.len()
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| decode_edit(item).map_err(|e| format!("edit {}: {e}", i + 1)))
        .collect()
}

fn decode_edit(item: &str) -> Result<Edit, String> {
    let fields: Vec<&str> = item.split(':').collect();
    let name = |s: &str| -> Result<String, String> {
        let n = unescape(s)?;
        if n.is_empty() {
            return Err(format!("`{item}`: a name is missing"));
        }
        Ok(n)
    };
    let opt = |s: &str| -> Result<Option<String>, String> {
        let n = unescape(s)?;
        Ok((!n.is_empty()).then_some(n))
    };
    let list = |s: &str| -> Result<Vec<String>, String> {
        s.split('~').filter(|x| !x.is_empty()).map(name).collect()
    };
    let edit = match fields[..] {
        ["ai", n, like, zone, balancers] => Edit::AddInstance {
            name: name(n)?,
            like: opt(like)?,
            zone: opt(zone)?,
            balancers: list(balancers)?,
        },
        ["ab", n, zone, targets] => Edit::AddBalancer {
            name: name(n)?,
            zone: opt(zone)?,
            targets: list(targets)?,
        },
        ["ag", n, zone, balancers] => Edit::AddGateway {
            name: name(n)?,
            zone: opt(zone)?,
            balancers: list(balancers)?,
        },
        ["az", region, zone] => Edit::AddZone {
            region: name(region)?,
            zone: name(zone)?,
        },
        ["as", n, zone] => Edit::AddStandby {
            name: name(n)?,
            zone: opt(zone)?,
        },
        ["ap", region, share] => Edit::AddPopulation {
            region: name(region)?,
            share: share
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("`{item}`: share `{share}` is not a number"))?,
        },
        ["ad", n, records] => Edit::AddDns {
            name: name(n)?,
            records: list(records)?,
        },
        ["rm", node] => Edit::Remove { node: name(node)? },
        ["rn", node, to] => Edit::Rename {
            node: name(node)?,
            to: name(to)?,
        },
        ["mv", node, zone] => Edit::MoveToZone {
            node: name(node)?,
            zone: opt(zone)?,
        },
        ["en", node] => Edit::SetEntry { node: name(node)? },
        ["at", balancer, instance] => Edit::AddTarget {
            balancer: name(balancer)?,
            instance: name(instance)?,
        },
        ["rt", balancer, instance] => Edit::RemoveTarget {
            balancer: name(balancer)?,
            instance: name(instance)?,
        },
        _ => {
            return Err(format!(
                "`{item}` is not an edit (known: ai, ab, ag, az, as, ap, ad, rm, rn, mv, en, \
                 at, rt with their fields)"
            ))
        }
    };
    Ok(edit)
}

/// The renames an edit makes (old name → new name), for carrying commands across it.
pub fn renames(edits: &[Edit]) -> Vec<(String, String)> {
    edits
        .iter()
        .filter_map(|e| match e {
            Edit::Rename { node, to } => Some((node.clone(), to.clone())),
            _ => None,
        })
        .collect()
}
