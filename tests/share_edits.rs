//! The design part of a share link (`share_edits.rs`): every kind of edit survives encode →
//! decode, the link replays the edited scenario exactly, the whole scenario is sent instead
//! when it is shorter, the comparison travels too, and bad input is refused with its place.
#![cfg(not(target_arch = "wasm32"))]

use failover_lab::share::{self, Recipe, Source};
use failover_lab::share_edits::{decode_edits, encode_edits, Design, Versus, MAX_LINK_EDITS};
use failover_lab::sim::edit::Edit;
use failover_lab::sim::presets;

fn s(x: &str) -> String {
    x.to_string()
}

fn every_kind() -> Vec<Edit> {
    vec![
        Edit::AddInstance {
            name: s("app-9"),
            like: Some(s("app-1")),
            zone: Some(s("zone-a")),
            balancers: vec![s("lb-1"), s("lb-2")],
        },
        Edit::AddBalancer {
            name: s("lb-2"),
            zone: None,
            targets: vec![s("app-1")],
        },
        Edit::AddGateway {
            name: s("gw-1"),
            zone: Some(s("z")),
            balancers: vec![],
        },
        Edit::AddZone {
            region: s("eu"),
            zone: s("eu-1a"),
        },
        Edit::AddStandby {
            name: s("db-2"),
            zone: None,
        },
        Edit::AddPopulation {
            region: s("us"),
            share: 0.25,
        },
        Edit::AddDns {
            name: s("api.example.com"),
            records: vec![s("lb-1"), s("lb-2")],
        },
        Edit::Remove { node: s("app-3") },
        Edit::Rename {
            node: s("app-1"),
            to: s("web.1"),
        },
        Edit::MoveToZone {
            node: s("app-2"),
            zone: None,
        },
        Edit::SetEntry { node: s("lb-2") },
        Edit::AddTarget {
            balancer: s("lb-1"),
            instance: s("app-4"),
        },
        Edit::RemoveTarget {
            balancer: s("lb-1"),
            instance: s("app-4"),
        },
    ]
}

#[test]
fn every_kind_of_edit_survives_the_link() {
    let edits = every_kind();
    let text = encode_edits(&edits);
    assert_eq!(decode_edits(&text), Ok(edits));
    assert!(
        text.starts_with("ai:app-9:app-1:zone-a:lb-1~lb-2,ab:lb-2::app-1,"),
        "{text}"
    );
}

#[test]
fn an_edited_preset_replays_exactly_and_travels_as_a_diff() {
    let edits = vec![
        Edit::AddBalancer {
            name: s("lb-1"),
            zone: None,
            targets: vec![s("server")],
        },
        Edit::SetEntry { node: s("lb-1") },
        Edit::AddInstance {
            name: s("server-1"),
            like: None,
            zone: None,
            balancers: vec![s("lb-1")],
        },
    ];
    let recipe = Recipe {
        seed: Some(5),
        design: Design {
            edits: edits.clone(),
            versus: Some(Versus::Unedited),
        },
        ..Recipe::preset("single-server")
    };
    let link = share::encode(&recipe);
    assert_eq!(
        link,
        "v=3&p=single-server&seed=5&e=ab:lb-1::server,en:lb-1,ai:server-1:::lb-1&vs=-"
    );
    let back = share::decode(&link).expect("decodes").expect("recipe");
    assert_eq!(back, recipe);
    let mut a = recipe.build().expect("builds");
    let mut b = back.build().expect("builds");
    a.run_until(20_000_000, u64::MAX);
    b.run_until(20_000_000, u64::MAX);
    assert_eq!(a.trace_hash_hex(), b.trace_hash_hex());
    assert_eq!(back.scenario().expect("scenario").instances.len(), 2);
    assert_eq!(
        back.unedited_scenario(),
        Ok(presets::find("single-server").unwrap().scenario())
    );
    // Against a preset too.
    let vs = Recipe {
        design: Design {
            edits,
            versus: Some(Versus::Preset(s("bank"))),
        },
        ..recipe
    };
    assert_eq!(share::decode(&share::encode(&vs)), Ok(Some(vs)));
}

#[test]
fn the_whole_scenario_travels_when_it_is_shorter_than_the_diff() {
    // Adding and removing the same instance many times: a long diff, a small scenario.
    let mut edits = Vec::new();
    for _ in 0..40 {
        edits.push(Edit::AddInstance {
            name: s("a-rather-long-instance-name-0123456789"),
            like: None,
            zone: None,
            balancers: vec![],
        });
        edits.push(Edit::Remove {
            node: s("a-rather-long-instance-name-0123456789"),
        });
    }
    edits.push(Edit::Rename {
        node: s("server"),
        to: s("web"),
    });
    let recipe = Recipe {
        design: Design {
            edits,
            versus: None,
        },
        ..Recipe::preset("single-server")
    };
    let link = share::encode(&recipe);
    assert!(link.contains("&s="), "{link}");
    assert!(!link.contains("&e="), "{link}");
    let back = share::decode(&link).expect("decodes").expect("recipe");
    assert!(matches!(back.source, Source::Custom(_)));
    assert_eq!(back.scenario(), recipe.scenario());
}

#[test]
fn bad_edits_in_a_link_are_refused_with_their_place() {
    let err = share::decode("v=3&p=single-server&e=ab:lb-1::server,zz:1").unwrap_err();
    assert!(err.starts_with("edit 2: `zz:1` is not an edit"), "{err}");
    let err = share::decode("v=3&p=single-server&e=ap:eu:lots").unwrap_err();
    assert_eq!(err, "edit 1: `ap:eu:lots`: share `lots` is not a number");
    let err = share::decode("v=3&p=single-server&vs=nope").unwrap_err();
    assert!(err.contains("compare with `nope`: no such preset"), "{err}");
    let many = vec!["rm:x"; MAX_LINK_EDITS + 1].join(",");
    let err = share::decode(&format!("v=3&p=single-server&e={many}")).unwrap_err();
    assert_eq!(
        err,
        format!(
            "edits: at most {MAX_LINK_EDITS} in a link, got {}",
            MAX_LINK_EDITS + 1
        )
    );
    // An edit that no longer fits the scenario: refused when the run is built, with its number.
    let recipe = share::decode("v=3&p=single-server&e=rm:server")
        .expect("decodes")
        .expect("recipe");
    let err = recipe.build().err().expect("refused");
    assert!(err.starts_with("edit 1 `rm:server`: "), "{err}");
}

/// `share::encode` skips the whole-scenario form for diffs under 512 characters: true only
/// if no scenario written into a link is that short. The presets are the smallest there are.
#[test]
fn no_scenario_in_a_link_is_shorter_than_the_diff_threshold() {
    for p in presets::all() {
        let link = share::encode(&Recipe {
            source: Source::Custom(Box::new(p.scenario())),
            ..Recipe::preset(p.name)
        });
        assert!(link.len() > 512, "{}: {} characters", p.name, link.len());
    }
}
