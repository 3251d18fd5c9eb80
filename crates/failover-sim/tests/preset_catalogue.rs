#![cfg(not(target_arch = "wasm32"))]
//! The scenario list as a student meets it: grouped in teaching order, titled by lesson.
use failover_sim::presets::{self, PresetGroup};

#[test]
fn presets_come_grouped_in_teaching_order() {
    let groups: Vec<PresetGroup> = presets::all().iter().map(|p| p.group).collect();
    let mut seen: Vec<PresetGroup> = Vec::new();
    for g in groups {
        if seen.last() != Some(&g) {
            assert!(!seen.contains(&g), "{} is split in two", g.label());
            seen.push(g);
        }
    }
    assert_eq!(seen, PresetGroup::ALL, "every group, in teaching order");
}

#[test]
fn titles_name_the_lesson_not_the_article() {
    for p in presets::all() {
        // "Seed 004's …" read like the random seed field; the article is cited in `source`.
        assert!(
            !p.title.to_lowercase().contains("seed"),
            "{}: {}",
            p.name,
            p.title
        );
        assert!(!p.source.is_empty(), "{} cites its source", p.name);
    }
}

#[test]
fn preset_ids_that_links_and_the_cli_use_are_unchanged() {
    let mut ids: Vec<&str> = presets::all().iter().map(|p| p.name).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            "alb-defaults",
            "autoscaling-headroom",
            "bad-config-push",
            "bank",
            "canary-rollout",
            "cascading-failure",
            "db-async-vs-sync",
            "db-sync",
            "dns-region-failover",
            "gray-failure",
            "lb-spof",
            "maxconn-queue",
            "multi-az",
            "multi-region-dns-failover",
            "n-plus-one",
            "nginx-passive",
            "no-retries",
            "one-zone",
            "outlier-detection",
            "personal-blog",
            "redundant-behind-lb",
            "retry-budget",
            "retry-storm",
            "shared-dependency",
            "single-az",
            "single-server",
            "slow-start",
            "split-brain",
            "thundering-herd",
            "traffic-spike",
            "two-zones",
            "unreachable-host",
            "website-flow",
            "with-retries",
        ]
    );
}
