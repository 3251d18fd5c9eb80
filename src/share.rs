//! The share link: a compact, versioned encoding of a whole run in the URL hash.
//!
//! A run is a pure function of (scenario, seed, timed commands), so the hash carries exactly
//! those and nothing else; opening the link replays them and reaches the same trace hash.
//!
//! # Format, version 3
//!
//! ```text
//! #v=3&p=PRESET&seed=SEED&o=OVERRIDE,OVERRIDE&c=COMMAND,COMMAND&embed=1
//! ```
//!
//! Keys, each at most once, in any order:
//!
//! | key | value | required |
//! |---|---|---|
//! | `v` | format version, `3` (`1` and `2` are still read) | yes |
//! | `p` | a preset name (`sim::presets::all()`) | `p` or `s` |
//! | `s` | a whole scenario as compact JSON, percent-encoded (imported files) | `p` or `s` |
//! | `seed` | decimal `u64` | no (the scenario's own seed) |
//! | `o` | parameter overrides applied before the run | no |
//! | `c` | timed commands, in the order they were given | no |
//! | `embed` | `1`: compact layout without the header | no |
//! | `e` | architecture edits made in the app, applied after `o` (`share_edits`) | no |
//! | `vs` | the other side of a comparison: a preset, or `-` (before the edits) | no |
//! | `t`, `tour`, `step` | the moment on screen and a tour step (`share_moment.rs`) | no |
//!
//! `OVERRIDE` is `NODE:PARAM:VALUE`, e.g. `lb-1:retries:0` or `clients:rate_rps:1000`.
//!
//! `COMMAND` is `AT_MS:ACTION:NODE[:ARG…]`:
//!
//! * `20000:crash:app-2`, `…:unreachable:…`, `…:freeze:…`, `…:fail:lb-1`, `…:heal:…` take
//!   no argument;
//! * `31000:add-latency:app-1:250` (extra latency, ms);
//! * `32000:gray:app-3:0.3:150` (error rate, extra latency ms; either may be empty);
//! * `30000:set:lb-1:retries:2` (parameter, value);
//! * `40000:partition:zone-a:zone-b`, `…:repair:zone-a:zone-b` (the other zone or region).
//!
//! Items are separated by `,`, fields by `:`. Node names can only contain letters, digits,
//! `-`, `_` and `.` (validation enforces it), so they never need escaping; every field is
//! still percent-decoded, and values are percent-encoded when they contain anything else.
//! Values are read back as `true`/`false`, then as a number, else as text, which is how
//! `sim::params` interprets them anyway.
use crate::share_edits::{self, Design, Versus};
use crate::sim::presets;
use crate::sim::{Fault, FaultAction, ParamValue, Scenario, Simulation};

/// The version this build writes.
///
/// Each version has the grammar of the one before (version 3 adds the `freeze` action);
/// what changed is the engine that replays it, so an older link opens with its scenario,
/// seed and clicks, but its run differs from the one that was shared. The app says so, and
/// `changed_since` says why.
pub const VERSION: u32 = 3;
/// The oldest version this build reads.
pub const OLDEST_READ: u32 = 1;

/// What changed in the engine since a link of `version` was made (empty for `VERSION`).
pub fn changed_since(version: u32) -> Vec<&'static str> {
    let mut why = Vec::new();
    if version < 2 {
        // Version 2: PCG32 streams with ziggurat exponentials (ChaCha8 and −ln(1 − u) before).
        why.push("the simulator now draws its random numbers differently");
    }
    if version < 3 {
        // Version 3: HAProxy and NGINX as measured (issue 18): checks scheduled from the end
        // of the previous one, HAProxy 2.6 redispatch, NGINX proxy_next_upstream.
        why.push("health checks, retries and redispatch now follow HAProxy and NGINX as measured");
    }
    why
}

/// Where the scenario of a run comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    Preset(String),
    /// An imported scenario file (travels in the link as JSON).
    Custom(Box<Scenario>),
}

/// A parameter change applied to the scenario before the run starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    pub node: String,
    pub param: String,
    pub value: ParamValue,
}

/// Everything needed to reproduce a run exactly.
#[derive(Clone, Debug, PartialEq)]
pub struct Recipe {
    pub source: Source,
    /// `None`: the scenario's own seed.
    pub seed: Option<u64>,
    pub overrides: Vec<Override>,
    /// Timed commands, in the order they were given (`Simulation::user_commands`).
    pub commands: Vec<Fault>,
    pub embed: bool,
    /// Architecture edits and the comparison (optional `e` and `vs` keys of the link).
    pub design: Design,
    /// The link version it was read from (`VERSION` for a recipe made here): an older one
    /// replays on a newer engine, and the app says the run may differ from the shared one.
    pub link_version: u32,
}

impl Recipe {
    pub fn preset(name: &str) -> Recipe {
        Recipe {
            source: Source::Preset(name.to_string()),
            seed: None,
            overrides: Vec::new(),
            commands: Vec::new(),
            embed: false,
            design: Design::default(),
            link_version: VERSION,
        }
    }

    /// The scenario with the overrides and then the edits applied (what the run is built
    /// from). Each edit goes through `sim::edit::apply`, so a link whose edits no longer fit
    /// is refused with the edit's number and the field it broke.
    pub fn scenario(&self) -> Result<Scenario, String> {
        let mut scenario = self.unedited_scenario()?;
        for (i, e) in self.design.edits.iter().enumerate() {
            scenario = crate::sim::edit::apply(&scenario, e)
                .map_err(|err| format!("edit {} `{}`: {err}", i + 1, share_edits::encode_edit(e)))?
                .scenario;
        }
        Ok(scenario)
    }

    /// The scenario with the overrides applied, before any edit ("before" in a comparison).
    pub fn unedited_scenario(&self) -> Result<Scenario, String> {
        let mut scenario = match &self.source {
            Source::Preset(name) => presets::find(name)
                .ok_or_else(|| unknown_preset(name))?
                .scenario(),
            Source::Custom(s) => (**s).clone(),
        };
        for (i, o) in self.overrides.iter().enumerate() {
            crate::sim::params::apply_to_scenario(&mut scenario, &o.node, &o.param, &o.value)
                .map_err(|e| {
                    format!(
                        "override {} `{}:{}:{}`: {e}",
                        i + 1,
                        o.node,
                        o.param,
                        o.value
                    )
                })?;
        }
        Ok(scenario)
    }

    /// Replay: build the scenario, apply the overrides, seed the run, then schedule every
    /// command in order, exactly as they were scheduled live.
    pub fn build(&self) -> Result<Simulation, String> {
        self.build_with(&self.scenario()?)
    }

    /// `build` from this recipe's scenario computed already (each edit is applied and the
    /// whole scenario validated again by `scenario`, so callers that have it pass it in).
    pub fn build_with(&self, scenario: &Scenario) -> Result<Simulation, String> {
        let seed = self.seed.unwrap_or(scenario.seed);
        let mut sim = Simulation::with_seed(scenario, seed)
            .map_err(|e| format!("the scenario is not valid:\n{e}"))?;
        for (i, c) in self.commands.iter().enumerate() {
            sim.schedule(c.clone())
                .map_err(|e| format!("command {} `{}`: {e}", i + 1, encode_command(c)))?;
        }
        Ok(sim)
    }

    /// A short human name for the source ("redundant-behind-lb", "custom: my-file").
    pub fn source_name(&self) -> String {
        match &self.source {
            Source::Preset(name) => name.clone(),
            Source::Custom(s) => format!("custom: {}", s.name),
        }
    }
}

fn unknown_preset(name: &str) -> String {
    let names: Vec<&str> = presets::all().iter().map(|p| p.name).collect();
    format!("unknown preset `{name}` (known: {})", names.join(", "))
}

// ----- encoding ---------------------------------------------------------------------------

/// The hash for `recipe`, without the leading `#`. Edits travel as a diff against the
/// scenario they started from (`e=`) unless the whole edited scenario (`s=`) is shorter (or
/// the edits are more than a link carries); a comparison with the unedited scenario needs
/// the diff, so it keeps it.
pub fn encode(recipe: &Recipe) -> String {
    if recipe.design.edits.is_empty() {
        return encode_plain(recipe);
    }
    let diff = encode_plain(recipe);
    let keeps_original = recipe.design.versus == Some(Versus::Unedited);
    // Every scenario file is longer than this once written out (its defaults included), so
    // a diff this short needs no comparison (which would apply every edit and write JSON on
    // each change of the run).
    const NO_SCENARIO_IS_SHORTER: usize = 512;
    if keeps_original || diff.len() < NO_SCENARIO_IS_SHORTER {
        return diff;
    }
    let whole = recipe.scenario().ok().map(|s| {
        encode_plain(&Recipe {
            source: Source::Custom(Box::new(s)),
            overrides: Vec::new(),
            design: Design {
                edits: Vec::new(),
                versus: recipe.design.versus.clone(),
            },
            ..recipe.clone()
        })
    });
    match whole {
        Some(whole)
            if !keeps_original
                && (whole.len() < diff.len()
                    || recipe.design.edits.len() > share_edits::MAX_LINK_EDITS) =>
        {
            whole
        }
        _ => diff,
    }
}

fn encode_plain(recipe: &Recipe) -> String {
    let mut out = format!("v={VERSION}");
    match &recipe.source {
        Source::Preset(name) => {
            out.push_str("&p=");
            out.push_str(&escape(name));
        }
        Source::Custom(s) => {
            // The pretty JSON that "Export" writes, with the whitespace taken out: the same
            // text as compact JSON, without a second copy of the scenario's serialiser in the
            // app (one per output format). It cannot fail for plain data; an empty object
            // would be rejected on decode with a clear message rather than mis-replayed.
            let json = compact_json(&crate::scenario_json::scenario_to_json(s));
            out.push_str("&s=");
            out.push_str(&escape(&json));
        }
    }
    if let Some(seed) = recipe.seed {
        out.push_str(&format!("&seed={seed}"));
    }
    if !recipe.overrides.is_empty() {
        let items: Vec<String> = recipe
            .overrides
            .iter()
            .map(|o| {
                format!(
                    "{}:{}:{}",
                    escape(&o.node),
                    escape(&o.param),
                    escape(&o.value.to_string())
                )
            })
            .collect();
        out.push_str("&o=");
        out.push_str(&items.join(","));
    }
    if !recipe.commands.is_empty() {
        let items: Vec<String> = recipe.commands.iter().map(encode_command).collect();
        out.push_str("&c=");
        out.push_str(&items.join(","));
    }
    if recipe.embed {
        out.push_str("&embed=1");
    }
    if !recipe.design.edits.is_empty() {
        out.push_str("&e=");
        out.push_str(&share_edits::encode_edits(&recipe.design.edits));
    }
    if let Some(v) = &recipe.design.versus {
        out.push_str("&vs=");
        out.push_str(&v.encode());
    }
    out
}

/// `json` without the whitespace between its tokens (strings are kept as they are).
pub fn compact_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if !c.is_whitespace() {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

/// One command in link form (`20000:crash:app-2`).
pub fn encode_command(c: &Fault) -> String {
    let mut s = format!("{}:{}:{}", c.at_ms, c.action.name(), escape(&c.node));
    let num = |v: Option<f64>| v.map(|n| n.to_string()).unwrap_or_default();
    match c.action {
        FaultAction::AddLatency => {
            s.push(':');
            s.push_str(&num(c.extra_latency_ms));
        }
        FaultAction::Gray => {
            s.push(':');
            s.push_str(&num(c.error_rate));
            s.push(':');
            s.push_str(&num(c.extra_latency_ms));
        }
        FaultAction::Partition | FaultAction::Repair => {
            s.push(':');
            s.push_str(&escape(c.peer.as_deref().unwrap_or_default()));
        }
        FaultAction::PushConfig | FaultAction::Canary => {
            s.push(':');
            s.push_str(&num(c.error_rate));
        }
        FaultAction::Flap => {
            s.push(':');
            if let Some(ParamValue::Number(ms)) = c.value {
                s.push_str(&ms.to_string());
            }
        }
        FaultAction::Set => {
            let param = c.param.as_deref().unwrap_or_default();
            let value = c.value.as_ref().map(|v| v.to_string()).unwrap_or_default();
            s.push(':');
            s.push_str(&escape(param));
            s.push(':');
            s.push_str(&escape(&value));
        }
        _ => {}
    }
    s
}

// ----- decoding ---------------------------------------------------------------------------

/// Reads a hash (with or without the leading `#`). `Ok(None)` for an empty hash (open the
/// default preset); `Err` names the first problem.
pub fn decode(hash: &str) -> Result<Option<Recipe>, String> {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    if hash.trim().is_empty() {
        return Ok(None);
    }
    let mut version = None;
    let mut source = None;
    let mut seed = None;
    let mut overrides = Vec::new();
    let mut commands = Vec::new();
    let mut embed = false;
    let mut design = Design::default();
    let mut seen: Vec<&str> = Vec::new();
    for pair in hash.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if seen.contains(&key) {
            return Err(format!("`{key}` appears twice"));
        }
        seen.push(key);
        match key {
            "v" => {
                let v: u32 = value
                    .parse()
                    .map_err(|_| format!("version `v={value}` is not a number"))?;
                if !(OLDEST_READ..=VERSION).contains(&v) {
                    return Err(format!(
                        "link version {v} is not supported (this app reads versions \
                         {OLDEST_READ} to {VERSION})"
                    ));
                }
                version = Some(v);
            }
            "p" => {
                let name = unescape(value)?;
                if presets::find(&name).is_none() {
                    return Err(unknown_preset(&name));
                }
                set_source(&mut source, Source::Preset(name))?;
            }
            "s" => {
                let json = unescape(value)?;
                let scenario = crate::scenario_json::scenario_from_json(&json)?;
                set_source(&mut source, Source::Custom(Box::new(scenario)))?;
            }
            "seed" => {
                seed = Some(
                    value
                        .parse::<u64>()
                        .map_err(|_| format!("seed `{value}` is not a whole number ≥ 0"))?,
                );
            }
            "o" => {
                // Counted before any is decoded: the limit is what keeps a link cheap.
                let count = value.split(',').filter(|s| !s.is_empty()).count();
                crate::sim::params::check_override_count(count)
                    .map_err(|e| format!("overrides: {e}"))?;
                for (i, item) in value.split(',').filter(|s| !s.is_empty()).enumerate() {
                    overrides.push(
                        decode_override(item).map_err(|e| format!("override {}: {e}", i + 1))?,
                    );
                }
            }
            "c" => {
                for (i, item) in value.split(',').filter(|s| !s.is_empty()).enumerate() {
                    commands
                        .push(decode_command(item).map_err(|e| format!("command {}: {e}", i + 1))?);
                }
            }
            "embed" => embed = value.is_empty() || value == "1" || value == "true",
            "e" => design.edits = share_edits::decode_edits(value)?,
            "vs" => design.versus = Some(Versus::decode(value)?),
            // The moment on screen and the tour step: read by `share_moment::decode`.
            key if crate::share_moment::KEYS.contains(&key) => {}
            other => {
                return Err(format!(
                "unknown key `{other}` (known: v, p, s, seed, o, c, embed, e, vs, t, tour, step)"
            ))
            }
        }
    }
    if version.is_none() {
        // Only `embed` (e.g. `#embed=1` added by hand) is fine without a run in it.
        if source.is_none()
            && overrides.is_empty()
            && commands.is_empty()
            && seed.is_none()
            && design == Design::default()
        {
            return Ok(Some(Recipe {
                embed,
                ..Recipe::preset(presets::DEFAULT)
            }));
        }
        return Err(format!(
            "no version: the link should start with `v={VERSION}`"
        ));
    }
    let source = source.ok_or("no scenario: the link needs `p=PRESET` or `s=SCENARIO`")?;
    Ok(Some(Recipe {
        source,
        seed,
        overrides,
        commands,
        embed,
        design,
        link_version: version.unwrap_or(VERSION),
    }))
}

fn set_source(slot: &mut Option<Source>, source: Source) -> Result<(), String> {
    if slot.is_some() {
        return Err("both `p` and `s` given: use one".into());
    }
    *slot = Some(source);
    Ok(())
}

fn decode_override(item: &str) -> Result<Override, String> {
    let fields: Vec<&str> = item.splitn(3, ':').collect();
    let [node, param, value] = fields[..] else {
        return Err(format!("`{item}` should be NODE:PARAM:VALUE"));
    };
    if node.is_empty() || param.is_empty() {
        return Err(format!("`{item}` should be NODE:PARAM:VALUE"));
    }
    Ok(Override {
        node: unescape(node)?,
        param: unescape(param)?,
        value: parse_value(&unescape(value)?),
    })
}

fn decode_command(item: &str) -> Result<Fault, String> {
    let fields: Vec<&str> = item.split(':').collect();
    if fields.len() < 3 {
        return Err(format!("`{item}` should be AT_MS:ACTION:NODE[:ARG…]"));
    }
    let at_ms: u64 = fields[0]
        .parse()
        .map_err(|_| format!("`{item}`: time `{}` is not whole milliseconds", fields[0]))?;
    let action = FaultAction::parse(fields[1]).ok_or_else(|| {
        format!(
            "`{item}`: unknown action `{}` (known: crash, unreachable, freeze, fail, heal, add-latency, gray, set, partition, repair, drain, stop, push-config, canary, flap)",
            fields[1]
        )
    })?;
    let node = unescape(fields[2])?;
    if node.is_empty() {
        return Err(format!("`{item}`: no node"));
    }
    let args = &fields[3..];
    let opt_num = |s: &str, what: &str| -> Result<Option<f64>, String> {
        if s.is_empty() {
            return Ok(None);
        }
        s.parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Some)
            .ok_or_else(|| format!("`{item}`: {what} `{s}` is not a number"))
    };
    let mut fault = Fault::new(at_ms, action, &node);
    match (action, args) {
        (FaultAction::AddLatency, [ms]) => {
            fault.extra_latency_ms = opt_num(ms, "extra latency")?;
        }
        (FaultAction::Gray, [rate, ms]) => {
            fault.error_rate = opt_num(rate, "error rate")?;
            fault.extra_latency_ms = opt_num(ms, "extra latency")?;
        }
        (FaultAction::Partition | FaultAction::Repair, [peer]) if !peer.is_empty() => {
            fault.peer = Some(unescape(peer)?);
        }
        (FaultAction::Set, [param, value]) => {
            fault.param = Some(unescape(param)?);
            fault.value = Some(parse_value(&unescape(value)?));
        }
        (FaultAction::PushConfig | FaultAction::Canary, [rate]) => {
            fault.error_rate = opt_num(rate, "error rate")?;
        }
        (FaultAction::Flap, [ms]) => {
            fault.value = opt_num(ms, "flap period")?.map(ParamValue::Number);
        }
        (
            FaultAction::Crash
            | FaultAction::Unreachable
            | FaultAction::Freeze
            | FaultAction::Fail
            | FaultAction::Heal
            | FaultAction::Drain
            | FaultAction::Stop,
            [],
        ) => {}
        (_, _) => {
            let expected = match action {
                FaultAction::AddLatency => "AT_MS:add-latency:NODE:MS",
                FaultAction::Gray => "AT_MS:gray:NODE:ERROR_RATE:MS",
                FaultAction::Set => "AT_MS:set:NODE:PARAM:VALUE",
                FaultAction::Partition => "AT_MS:partition:ZONE:OTHER_ZONE",
                FaultAction::Repair => "AT_MS:repair:ZONE:OTHER_ZONE",
                FaultAction::PushConfig => "AT_MS:push-config:NODE:ERROR_RATE",
                FaultAction::Canary => "AT_MS:canary:BALANCER:ERROR_RATE",
                FaultAction::Flap => "AT_MS:flap:INSTANCE:PERIOD_MS",
                _ => "AT_MS:ACTION:NODE (no arguments)",
            };
            return Err(format!("`{item}` should be {expected}"));
        }
    }
    Ok(fault)
}

/// How link (and inspector) text becomes a parameter value.
pub fn parse_value(s: &str) -> ParamValue {
    match s {
        "true" => ParamValue::Bool(true),
        "false" => ParamValue::Bool(false),
        _ => match s.trim().parse::<f64>() {
            Ok(n) if n.is_finite() && !s.trim().is_empty() => ParamValue::Number(n),
            _ => ParamValue::Text(s.to_string()),
        },
    }
}

// ----- percent-encoding -------------------------------------------------------------------

/// Percent-encodes everything but unreserved characters (RFC 3986), so `&`, `=`, `,` and
/// `:` inside values never break the structure.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn unescape(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("bad percent-escape in `{s}`"))?;
                out.push(hex);
                i += 3;
            }
            b'+' => {
                // Some tools write spaces as `+` in query-like strings.
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| format!("`{s}` is not valid UTF-8 once decoded"))
}
