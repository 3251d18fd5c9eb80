//! The app's reader and writer of scenario JSON: files ("Import", "Export") and the `s=` of
//! share links. Pure Rust, at the crate root so the share codec (`crate::share`) and native
//! tests reach it.
use crate::sim::Scenario;

/// `Scenario::from_json` (the core's `parse_scenario`: size cap, byte-order mark, errors with
/// the path of the field at fault), compiled in this crate. serde's code is generic: it is
/// compiled in the crate that calls it, and this one is built for size (`opt-level = "z"`)
/// where the core is built for speed (3), so reading and writing scenarios here rather than
/// through the core keeps tens of KB of (de)serialisers out of the download. The same steps
/// as the core's; `tests/share_native.rs` checks that both give the same results, errors
/// included.
pub fn scenario_from_json(text: &str) -> Result<Scenario, String> {
    crate::sim::scenario::check_scenario_size(text.len())?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let scenario: Scenario = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        crate::sim::scenario::parse_error_message(&e.path().to_string(), e.into_inner())
    })?;
    de.end().map_err(|e| format!("scenario JSON: {e}"))?;
    Ok(scenario)
}

/// `Scenario::to_json_pretty`, compiled in this crate (see [`scenario_from_json`]): the one
/// serialiser of the app, for "Export" and (without its whitespace) for share links.
pub fn scenario_to_json(scenario: &Scenario) -> String {
    // Serialising plain data structs cannot fail; fall back to an empty object anyway.
    serde_json::to_string_pretty(scenario).unwrap_or_else(|_| "{}".into())
}
