#![cfg(not(target_arch = "wasm32"))]
//! The share-link codec natively (the UI compiles natively too, for the poster): the custom
//! scenario of a link is the exported pretty JSON without its whitespace, which must be
//! exactly serde_json's compact form (older links hold that).
use failover_lab::share::compact_json;
use failover_lab::sim::presets;

#[test]
fn compact_json_of_the_pretty_export_is_serde_jsons_compact_json() {
    for p in presets::all() {
        let mut s = p.scenario();
        // Strings with quotes, backslashes, escapes and runs of spaces survive untouched.
        s.description = format!("{} \"quoted\"  \\ back\\slash\ttab\nline  é", s.description);
        let compact = serde_json::to_string(&s).expect("plain data serialises");
        assert_eq!(
            compact_json(&s.to_json_pretty()),
            compact,
            "preset {}",
            p.name
        );
    }
}

#[test]
fn the_apps_scenario_json_is_the_cores() {
    use failover_lab::scenario_json::{scenario_from_json, scenario_to_json};
    use failover_lab::sim::Scenario;
    for p in presets::all() {
        let s = p.scenario();
        let json = scenario_to_json(&s);
        assert_eq!(json, s.to_json_pretty(), "preset {}", p.name);
        assert_eq!(
            scenario_from_json(&json),
            Scenario::from_json(&json),
            "preset {}",
            p.name
        );
    }
    // Errors too: syntax, types at a path, unknown fields, trailing text, byte-order mark,
    // the size cap.
    let good = scenario_to_json(&presets::all()[0].scenario());
    let typo = good.replacen("\"seed\": ", "\"seed\": \"x\", \"_\": ", 1);
    let deep = good.replacen("\"workers\": ", "\"workers\": -", 1);
    let big = format!(
        "{good}{}",
        " ".repeat(failover_lab::sim::limits::MAX_SCENARIO_BYTES)
    );
    let cases = [
        String::new(),
        "{".into(),
        "{\"name\": 3}".into(),
        "[]".into(),
        "{\"nme\": \"x\"}".into(),
        typo,
        deep,
        format!("{good} x"),
        format!("\u{FEFF}{good}"),
        big,
    ];
    for bad in &cases {
        let short: String = bad.chars().take(60).collect();
        assert_eq!(
            scenario_from_json(bad),
            Scenario::from_json(bad),
            "{short:?}"
        );
    }
}
