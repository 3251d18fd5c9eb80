//! Browser tests of editing the architecture in the app (issue #15): the design bar's "+"
//! forms, the node menu's and the inspector's design controls, refusals shown next to the
//! control with the path-named message, commands carried across an edit (and the dropped
//! ones named), undo / redo (60 steps, Ctrl+Z / Ctrl+Shift+Z), the link and Compare.
//!
//! Run with `cargo test -p failover-lab --target wasm32-unknown-unknown --test web_edit`.
#![cfg(target_arch = "wasm32")]

use failover_lab::share_edits::Versus;
use failover_lab::sim::edit::Edit;
use failover_lab::sim::presets;
use failover_lab::sim::time::US_PER_S;
use failover_lab::ui::lab::Lab;
use failover_lab::ui::runner::Runner;
use failover_lab::ui::share::{self, Recipe};
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use yew::AppHandle;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("document")
}

/// A Lab opened at `hash`. Chromium ignores `history.replaceState` for a while after about
/// 200 calls within 10 s, and every edit writes the address (the 60-step undo test makes
/// 180): wait until the address takes the link, so the Lab boots from it.
async fn mount_lab_at(hash: &str) -> (web_sys::Element, AppHandle<Lab>) {
    let history = web_sys::window()
        .expect("window")
        .history()
        .expect("history");
    for _ in 0..150 {
        // Refused calls are ignored silently: read the address back.
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(hash));
        if self::hash() == hash {
            break;
        }
        TimeoutFuture::new(100).await;
    }
    assert_eq!(self::hash(), hash, "the address bar took the link");
    let doc = document();
    let host = doc.create_element("div").expect("div");
    doc.body()
        .expect("body")
        .append_child(&host)
        .expect("append");
    let handle = yew::Renderer::<Lab>::with_root(host.clone()).render();
    (host, handle)
}

async fn wait_for(host: &web_sys::Element, selector: &str, what: &str) -> web_sys::Element {
    for _ in 0..500 {
        if let Some(el) = host.query_selector(selector).expect("valid selector") {
            return el;
        }
        TimeoutFuture::new(10).await;
    }
    panic!("{what}: `{selector}` did not appear within 5 s");
}

async fn wait_gone(host: &web_sys::Element, selector: &str, what: &str) {
    for _ in 0..500 {
        if host.query_selector(selector).expect("valid").is_none() {
            return;
        }
        TimeoutFuture::new(10).await;
    }
    panic!("{what}: `{selector}` still there after 5 s");
}

fn fire(el: &web_sys::EventTarget, ctor: &str) {
    js_sys::Function::new_with_args("el", &format!("el.dispatchEvent({ctor});"))
        .call1(&wasm_bindgen::JsValue::NULL, el)
        .expect("dispatch");
}

fn click(el: &web_sys::Element) {
    fire(
        el,
        "new MouseEvent('click', {bubbles: true, cancelable: true})",
    );
}

fn set_value(el: &web_sys::Element, value: &str) {
    let input: web_sys::HtmlInputElement = el.clone().dyn_into().expect("an <input>");
    input.set_value(value);
}

fn text(el: &web_sys::Element) -> String {
    el.text_content().unwrap_or_default()
}

fn hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

fn node(name: &str) -> String {
    format!("[data-area=diagram] [data-node-name=\"{name}\"]")
}

async fn add(host: &web_sys::Element, kind: &str) {
    click(&wait_for(host, &format!("[data-edit-add={kind}]"), kind).await);
    let form = wait_for(host, &format!("[data-edit-form={kind}]"), "form").await;
    let apply = form
        .query_selector("[data-control=edit-apply]")
        .expect("valid")
        .expect("Add button");
    click(&apply);
}

fn lab_attr(host: &web_sys::Element, name: &str) -> String {
    host.query_selector("[data-lab]")
        .expect("valid")
        .and_then(|e| e.get_attribute(name))
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn adding_a_balancer_and_instances_moves_the_spof_and_restarts_paused() {
    let (host, handle) = mount_lab_at("#v=3&p=single-server&seed=4").await;
    let spof = wait_for(&host, ".spof-note", "SPOF sentence").await;
    assert!(text(&spof).contains("server"), "{}", text(&spof));
    add(&host, "balancer").await;
    wait_for(&host, &node("lb-1"), "the new balancer").await;
    add(&host, "instance").await;
    wait_for(&host, &node("server-1"), "the new instance").await;
    let spof = wait_for(&host, ".spof-note[data-spofs=\"1\"]", "one SPOF").await;
    assert!(text(&spof).contains("lb-1"), "{}", text(&spof));
    assert!(
        hash().contains("&e=ab:lb-1::server,en:lb-1,ai:server-1:::lb-1"),
        "{}",
        hash()
    );
    // Restarted from 0 s with the same seed, paused, before anything plays.
    assert_eq!(lab_attr(&host, "data-sim-time-us"), "0");
    assert_eq!(lab_attr(&host, "data-playing"), "0");
    assert!(hash().contains("seed=4"));
    let notice = wait_for(&host, "[data-notice=info]", "the note").await;
    assert!(
        text(&notice).contains("added instance server-1"),
        "{}",
        text(&notice)
    );
    handle.destroy();
    host.remove();
}

#[wasm_bindgen_test]
async fn a_refused_edit_shows_its_message_next_to_the_control_and_changes_nothing() {
    let (host, handle) = mount_lab_at("#v=3&p=redundant-behind-lb").await;
    wait_for(&host, &node("app-1"), "app-1").await;
    let before = hash();
    // The "+" form: a name already in use.
    click(&wait_for(&host, "[data-edit-add=instance]", "+ instance").await);
    let form = wait_for(&host, "[data-edit-form=instance]", "form").await;
    let name = form
        .query_selector("[data-edit-field=name]")
        .expect("valid")
        .expect("name field");
    set_value(&name, "app-2");
    click(
        &form
            .query_selector("[data-control=edit-apply]")
            .expect("valid")
            .expect("Add"),
    );
    for _ in 0..100 {
        if !text(&form).contains("already used") {
            TimeoutFuture::new(10).await;
        }
    }
    let err = form
        .query_selector("[data-edit-error]")
        .expect("valid")
        .expect("error");
    assert_eq!(text(&err), "name: `app-2` is already used");
    assert_eq!(hash(), before);
    // The inspector: removing a balancer's last target names the field it breaks.
    click(&wait_for(&host, &node("lb-1"), "lb-1").await);
    let panel = wait_for(&host, "[data-edit-node=\"lb-1\"]", "design controls").await;
    for inst in ["app-1", "app-2", "app-3"] {
        let b = panel
            .query_selector(&format!("[data-edit-target=\"{inst}\"]"))
            .expect("valid");
        if let Some(b) = b {
            click(&b);
            TimeoutFuture::new(30).await;
        }
    }
    let panel = wait_for(&host, "[data-edit-node=\"lb-1\"]", "design controls").await;
    let msg = text(&panel);
    assert!(msg.contains("balancers[0].targets"), "{msg}");
    // Two of three were removed (two steps); the last one was refused.
    assert!(hash().contains("rt:lb-1:app-1,rt:lb-1:app-2"), "{}", hash());
    assert!(!hash().contains("rt:lb-1:app-3"), "{}", hash());
    handle.destroy();
    host.remove();
}

#[wasm_bindgen_test]
async fn remove_from_the_menu_drops_the_commands_of_the_node_and_names_them() {
    let (host, handle) =
        mount_lab_at("#v=3&p=redundant-behind-lb&seed=2&c=500:crash:app-2,600:crash:app-1").await;
    click(&wait_for(&host, &node("app-2"), "app-2").await);
    let remove = wait_for(&host, ".node-menu [data-design=remove]", "Remove item").await;
    click(&remove);
    wait_gone(&host, &node("app-2"), "app-2 removed").await;
    let notice = wait_for(&host, "[data-notice=info]", "note").await;
    let t = text(&notice);
    assert!(
        t.contains("Dropped: crash app-2 at 0:00.5 (its node is gone)"),
        "{t}"
    );
    assert!(t.contains("Your command replay"), "{t}");
    assert!(hash().contains("c=600:crash:app-1"), "{}", hash());
    assert!(!hash().contains("crash:app-2"), "{}", hash());
    // Rename in the inspector: the remaining command follows the new name.
    click(&wait_for(&host, &node("app-1"), "app-1").await);
    let panel = wait_for(&host, "[data-edit-node=\"app-1\"]", "design controls").await;
    let field = panel
        .query_selector("[data-edit-field=rename]")
        .expect("valid")
        .expect("rename field");
    set_value(&field, "web-1");
    click(
        &panel
            .query_selector("[data-control=rename]")
            .expect("valid")
            .expect("Rename"),
    );
    wait_for(&host, &node("web-1"), "renamed").await;
    assert!(hash().contains("c=600:crash:web-1"), "{}", hash());
    // The selection follows the rename.
    wait_for(&host, "[data-edit-node=\"web-1\"]", "still selected").await;
    handle.destroy();
    host.remove();
}

#[wasm_bindgen_test]
async fn sixty_undo_steps_restore_the_exact_run_and_redo_replays_them() {
    let mut r = Runner::from_recipe(Recipe::preset("single-server"), None);
    let fresh = {
        let mut fresh = Runner::from_recipe(Recipe::preset("single-server"), None);
        fresh.sim.run_until(10 * US_PER_S, u64::MAX);
        fresh.sim.trace_hash_hex()
    };
    for i in 0..60 {
        r.edit(&[Edit::AddInstance {
            name: format!("extra-{i}"),
            like: None,
            zone: None,
            balancers: vec![],
        }])
        .unwrap_or_else(|e| panic!("edit {i}: {e}"));
    }
    assert_eq!(r.base.instances.len(), 61);
    let edited = {
        r.sim.run_until(10 * US_PER_S, u64::MAX);
        r.sim.trace_hash_hex()
    };
    for i in 0..60 {
        assert!(r.can_undo(), "undo step {i}");
        assert!(r.undo_edit(), "undo step {i}");
    }
    assert!(!r.can_undo());
    assert_eq!(
        r.base,
        presets::find("single-server").expect("preset").scenario()
    );
    r.sim.run_until(10 * US_PER_S, u64::MAX);
    assert_eq!(r.sim.trace_hash_hex(), fresh);
    for _ in 0..60 {
        assert!(r.redo_edit());
    }
    assert!(!r.can_redo());
    r.sim.run_until(10 * US_PER_S, u64::MAX);
    assert_eq!(r.sim.trace_hash_hex(), edited);
    // A new edit after an undo forgets the redo steps.
    assert!(r.undo_edit());
    r.edit(&[Edit::Rename {
        node: "server".into(),
        to: "web".into(),
    }])
    .expect("rename");
    assert!(!r.can_redo());
}

#[wasm_bindgen_test]
async fn ctrl_z_undoes_and_ctrl_shift_z_redoes_with_the_buttons_following() {
    let (host, handle) = mount_lab_at("#v=3&p=single-server").await;
    add(&host, "instance").await;
    wait_for(&host, &node("server-1"), "added").await;
    let undo = wait_for(&host, "[data-control=undo]:not([disabled])", "Undo enabled").await;
    let doc: web_sys::EventTarget = document().into();
    fire(
        &doc,
        "new KeyboardEvent('keydown', {key: 'z', ctrlKey: true, bubbles: true, cancelable: true})",
    );
    wait_gone(&host, &node("server-1"), "undone").await;
    wait_for(&host, "[data-control=redo]:not([disabled])", "Redo enabled").await;
    fire(
        &doc,
        "new KeyboardEvent('keydown', {key: 'Z', ctrlKey: true, shiftKey: true, bubbles: true, cancelable: true})",
    );
    wait_for(&host, &node("server-1"), "redone").await;
    // The button does the same.
    click(&undo);
    wait_gone(&host, &node("server-1"), "undone by the button").await;
    handle.destroy();
    host.remove();
}

#[wasm_bindgen_test]
async fn a_link_with_edits_and_a_comparison_opens_both_sides_and_the_table() {
    let (host, handle) = mount_lab_at(
        "#v=3&p=single-server&seed=1&e=ab:lb-1::server,en:lb-1,ai:server-1:::lb-1&vs=-",
    )
    .await;
    wait_for(&host, &node("server-1"), "edited design").await;
    for _ in 0..300 {
        if host
            .query_selector("[data-compare]")
            .expect("valid")
            .is_some()
        {
            break;
        }
        TimeoutFuture::new(10).await;
    }
    let compare = host
        .query_selector("[data-compare]")
        .expect("valid")
        .unwrap_or_else(|| panic!("no comparison: {}", hash()));
    for _ in 0..500 {
        if compare
            .query_selector("[data-compare-table]")
            .expect("valid")
            .is_some()
        {
            break;
        }
        TimeoutFuture::new(10).await;
    }
    let table = compare
        .query_selector("[data-compare-table]")
        .expect("valid")
        .unwrap_or_else(|| panic!("no table: {}", text(&compare)));
    let rows = table
        .query_selector_all("tbody tr")
        .expect("valid")
        .length();
    assert_eq!(rows, 10);
    let spofs = table
        .query_selector("[data-row=spofs] [data-side=b]")
        .expect("valid")
        .expect("cell");
    assert_eq!(text(&spofs), "server");
    assert!(host
        .query_selector("[data-compare-side=a] [data-node-name=\"lb-1\"]")
        .expect("valid")
        .is_some());
    assert!(host
        .query_selector("[data-compare-side=b] [data-node-name=\"lb-1\"]")
        .expect("valid")
        .is_none());
    // The link's recipe gives back what is on screen.
    let recipe = share::decode(&hash()).expect("decodes").expect("a recipe");
    assert_eq!(recipe.design.versus, Some(Versus::Unedited));
    assert_eq!(recipe.design.edits.len(), 3);
    // Closing the comparison takes it out of the link.
    click(&wait_for(&host, "[data-control=compare-close]", "Close").await);
    wait_gone(&host, "[data-compare]", "closed").await;
    assert!(!hash().contains("vs="), "{}", hash());
    handle.destroy();
    host.remove();
}
