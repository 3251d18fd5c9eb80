#![cfg(not(target_arch = "wasm32"))]
//! The share-link codec natively (the UI compiles natively too, for the poster): the custom
//! scenario of a link is the exported pretty JSON without its whitespace, which must be
//! exactly serde_json's compact form (older links hold that).
use failover_lab::sim::presets;
use failover_lab::ui::share::compact_json;

#[test]
fn compact_json_of_the_pretty_export_is_serde_jsons_compact_json() {
    for p in presets::all() {
        let mut s = p.scenario();
        // Strings with quotes, backslashes, escapes and runs of spaces survive untouched.
        s.description = format!("{} \"quoted\"  \\ back\\slash\ttab\nline  é", s.description);
        let compact = serde_json::to_string(&s).expect("plain data serialises");
        assert_eq!(compact_json(&s.to_json_pretty()), compact, "preset {}", p.name);
    }
}
