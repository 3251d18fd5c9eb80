//! Browser tests of the app's hardening (issue #11): nothing the user made is lost (a bad
//! import, a seed change, a bad link), the failure timeline's keys, downloads that stay
//! readable, links built from odd page addresses, the inspector's refusals, and runs too large
//! for a link. Headless Chromium through ChromeDriver, like tests/web_visualizer.rs.
//!
//! Run with `cargo test --target wasm32-unknown-unknown --test web_hardening`. Native builds
//! compile this file to nothing.
#![cfg(target_arch = "wasm32")]

use failover_lab::sim::limits::{MAX_SCENARIO_BYTES, MAX_SHARE_LINK_CHARS};
use failover_lab::sim::presets;
use failover_lab::sim::time::US_PER_S;
use failover_lab::sim::{Fault, FaultAction, Simulation};
use failover_lab::ui::address::{page_base, query_without};
use failover_lab::ui::common::Shared;
use failover_lab::ui::event_log::{FailureTimeline, LogProps};
use failover_lab::ui::files;
use failover_lab::ui::lab::Lab;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use yew::AppHandle;

mod web_support;
use web_support::{click, new_host, wait_for};

wasm_bindgen_test_configure!(run_in_browser);

// ----- helpers ----------------------------------------------------------------------------

fn window() -> web_sys::Window {
    web_sys::window().expect("the test page has a window")
}

/// Waits until `check` holds (3 s at most).
async fn wait_until(what: &str, check: impl Fn() -> bool) {
    for _ in 0..300 {
        if check() {
            return;
        }
        TimeoutFuture::new(10).await;
    }
    panic!("{what}: not within 3 s");
}

fn run_js(args: &str, body: &str) -> js_sys::Function {
    js_sys::Function::new_with_args(args, body)
}

fn fire(el: &web_sys::Element, event: &str) {
    run_js("el", &format!("el.dispatchEvent({event});"))
        .call1(&JsValue::NULL, el)
        .expect("dispatch the event");
}

/// Types `value` into an input (or picks it in a select) and commits it like a user.
fn change_value(el: &web_sys::Element, value: &str) {
    run_js("el, v", "el.value = v;")
        .call2(&JsValue::NULL, el, &JsValue::from_str(value))
        .expect("set the value");
    fire(el, "new Event('change', {bubbles: true})");
}

/// Chooses a file named `name` with `text` in a file input, as the file picker would.
fn choose_file(input: &web_sys::Element, name: &str, text: &str) {
    run_js(
        "input, name, text",
        "const dt = new DataTransfer();
         dt.items.add(new File([text], name, {type: 'application/json'}));
         input.files = dt.files;
         input.dispatchEvent(new Event('change', {bubbles: true}));",
    )
    .call3(
        &JsValue::NULL,
        input,
        &JsValue::from_str(name),
        &JsValue::from_str(text),
    )
    .expect("choose the file");
}

/// A Lab opened at `address` (a hash, or a query and a hash), as if the user followed a link.
fn mount_lab_at(address: &str) -> (web_sys::Element, AppHandle<Lab>) {
    let history = window().history().expect("history");
    // Back to the test page's own path first (a previous test may have left a query).
    let path = window().location().pathname().expect("pathname");
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}{address}")))
        .expect("set the address");
    let host = new_host();
    let handle = yew::Renderer::<Lab>::with_root(host.clone()).render();
    (host, handle)
}

fn location_hash() -> String {
    window().location().hash().unwrap_or_default()
}

fn text(el: &web_sys::Element) -> String {
    el.text_content().unwrap_or_default()
}

fn attr(el: &web_sys::Element, name: &str) -> String {
    el.get_attribute(name).unwrap_or_default()
}

fn input_value(el: &web_sys::Element) -> String {
    el.clone()
        .dyn_into::<web_sys::HtmlInputElement>()
        .expect("an <input>")
        .value()
}

/// Pauses the run (it plays on mount) and waits until the frame loop agrees.
async fn pause(host: &web_sys::Element) -> web_sys::Element {
    let root = wait_for(host, "[data-lab][data-playing]", "root attributes").await;
    if attr(&root, "data-playing") == "1" {
        click(&wait_for(host, "[data-control=\"play\"]", "play button").await);
    }
    wait_for(host, "[data-lab][data-playing=\"0\"]", "paused").await
}

fn finish(host: web_sys::Element, handle: AppHandle<Lab>) {
    handle.destroy();
    host.remove();
    let path = window().location().pathname().expect("pathname");
    let _ = window().history().expect("history").replace_state_with_url(
        &JsValue::NULL,
        "",
        Some(&path),
    );
}

// ----- item 6: nothing the user made is lost ------------------------------------------------

#[wasm_bindgen_test]
async fn a_bad_import_keeps_the_run_its_commands_and_the_address() {
    let link = "#v=3&p=redundant-behind-lb&seed=3&c=1000:crash:app-2";
    let (host, handle) = mount_lab_at(link);
    let root = pause(&host).await;
    let hash_before = attr(&root, "data-trace-hash");
    let time_before = attr(&root, "data-sim-time-us");
    let title = wait_for(&host, "[data-scenario-title]", "title").await;
    let title_before = text(&title);

    // A scenario file with two invalid fields.
    let mut scenario = presets::find("single-server").expect("preset").scenario();
    scenario.instances[0].workers = 0;
    scenario.traffic.timeout_ms = 0;
    let bad = scenario.to_json_pretty();
    let input = wait_for(&host, "[data-control=\"import\"]", "import input").await;
    choose_file(&input, "bad.json", &bad);

    let notice = wait_for(&host, "[data-notice=\"error\"]", "error notice").await;
    let message = text(&notice);
    assert!(
        message.contains("bad.json is not a valid scenario")
            && message.contains("instances[0].workers")
            && message.contains("traffic.timeout_ms"),
        "the errors name their paths: {message:?}"
    );
    assert!(message.contains("unchanged"), "{message:?}");
    // Everything is as it was: scenario, commands, address, run.
    assert_eq!(text(&title), title_before);
    assert_eq!(location_hash(), link, "the address is unchanged");
    assert_eq!(attr(&root, "data-trace-hash"), hash_before);
    assert_eq!(attr(&root, "data-sim-time-us"), time_before);
    let note = wait_for(&host, ".commands-note", "commands note").await;
    assert_eq!(text(&note), "1 command");

    // A good import replaces the run in a new history entry: Back brings the old run back.
    let good = presets::find("single-server")
        .expect("preset")
        .scenario()
        .to_json_pretty();
    choose_file(&input, "good.json", &good);
    wait_for(&host, "[data-notice=\"info\"]", "imported").await;
    wait_until("the link names the imported scenario", || {
        location_hash().contains("&s=")
    })
    .await;
    window().history().expect("history").back().expect("back");
    wait_until("Back restores the run before the import", || {
        location_hash() == link && text(&title) == title_before
    })
    .await;
    finish(host, handle);
}

#[wasm_bindgen_test]
async fn an_import_over_the_size_limit_is_refused_before_it_is_read() {
    let link = "#v=3&p=single-server&seed=5";
    let (host, handle) = mount_lab_at(link);
    pause(&host).await;
    // Not even JSON: a parse error would mean the file was read.
    let huge = "x".repeat(MAX_SCENARIO_BYTES + 1);
    let input = wait_for(&host, "[data-control=\"import\"]", "import input").await;
    choose_file(&input, "huge.json", &huge);
    let notice = wait_for(&host, "[data-notice=\"error\"]", "error notice").await;
    let message = text(&notice);
    assert!(
        message.contains("huge.json is 3.8 MiB")
            && message.contains("limited to 3.8 MiB (4,000,000 bytes)")
            && message.contains("not read"),
        "{message:?}"
    );
    assert_eq!(location_hash(), link);
    finish(host, handle);
}

#[wasm_bindgen_test]
async fn changing_the_seed_keeps_the_commands_and_the_old_seed_gives_the_run_back() {
    let link = "#v=3&p=redundant-behind-lb&seed=3&c=1000:crash:app-2,4000:heal:app-2";
    let (host, handle) = mount_lab_at(link);
    pause(&host).await;
    let seed = wait_for(&host, "[data-control=\"seed\"]", "seed field").await;
    change_value(&seed, "9");
    wait_until("the link has the new seed", || {
        location_hash().contains("seed=9")
    })
    .await;
    assert_eq!(
        location_hash(),
        "#v=3&p=redundant-behind-lb&seed=9&c=1000:crash:app-2,4000:heal:app-2",
        "the commands are kept"
    );
    let notice = wait_for(&host, "[data-notice=\"info\"]", "seed note").await;
    let message = text(&notice);
    assert!(
        message.contains("replays your 2 commands") && message.contains("Seed 3 gives back"),
        "{message:?}"
    );
    let note = wait_for(&host, ".commands-note", "commands note").await;
    assert_eq!(text(&note), "2 commands");

    change_value(&seed, "3");
    wait_until("the old seed gives the old link back", || {
        location_hash() == link
    })
    .await;
    finish(host, handle);
}

#[wasm_bindgen_test]
async fn a_bad_link_stays_in_the_address_bar_and_can_be_copied_until_the_user_acts() {
    for link in ["#v=9&p=redundant-behind-lb", "#v=3&p=no-such-preset&seed=4"] {
        let (host, handle) = mount_lab_at(link);
        let notice = wait_for(&host, "[data-notice=\"error\"]", "error notice").await;
        assert!(
            text(&notice).contains("stays in the address bar"),
            "{:?}",
            text(&notice)
        );
        // The default scenario runs meanwhile, and the address keeps the link.
        let root = wait_for(&host, "[data-lab][data-sim-time-us]", "root").await;
        wait_until("the default scenario runs", || {
            attr(&root, "data-sim-time-us") != "0"
        })
        .await;
        assert_eq!(
            location_hash(),
            link,
            "the bad link stays in the address bar"
        );
        let copy = wait_for(&host, "[data-copy-text]", "the link to copy").await;
        assert!(input_value(&copy).ends_with(link), "{}", input_value(&copy));
        assert!(host
            .query_selector("[data-control=\"copy-link\"]")
            .expect("valid")
            .is_some());
        // Doing something else writes the run on screen.
        let preset = wait_for(&host, "[data-control=\"preset\"]", "preset picker").await;
        change_value(&preset, "single-server");
        wait_until("the address follows the run again", || {
            location_hash().starts_with("#v=3&p=single-server")
        })
        .await;
        // …and Back returns to the bad link, named again.
        window().history().expect("history").back().expect("back");
        wait_until("Back returns to the bad link", || location_hash() == link).await;
        wait_for(&host, "[data-notice=\"error\"]", "error notice again").await;
        finish(host, handle);
    }
}

#[wasm_bindgen_test]
async fn a_link_longer_than_the_limit_is_refused_before_it_is_decoded() {
    let link = format!(
        "#v=3&p=single-server&seed=1&c={}",
        "1:crash:server,".repeat(MAX_SHARE_LINK_CHARS / 15 + 1)
    );
    let (host, handle) = mount_lab_at(&link);
    let notice = wait_for(&host, "[data-notice=\"error\"]", "error notice").await;
    assert!(
        text(&notice).contains("links are limited to 131,072"),
        "{:?}",
        text(&notice)
    );
    assert_eq!(location_hash(), link);
    finish(host, handle);
}

#[wasm_bindgen_test]
async fn the_panic_context_names_the_scenario_the_seed_and_the_link() {
    let (host, handle) = mount_lab_at("#v=3&p=single-server&seed=42");
    wait_for(&host, "[data-lab][data-sim-time-us]", "root").await;
    let context = failover_lab::ui::panic_context::get();
    assert!(
        context.contains("Scenario single-server, seed 42")
            && context.contains("Link to reproduce: #v=3&p=single-server&seed=42"),
        "{context}"
    );
    finish(host, handle);
}

// ----- share-link length -------------------------------------------------------------------

#[wasm_bindgen_test]
async fn a_run_too_large_for_a_link_says_so_and_keeps_working() {
    let (host, handle) = mount_lab_at("#v=3&p=single-server&seed=2");
    wait_for(&host, "[data-lab][data-sim-time-us]", "root").await;
    // A valid scenario file within the size limit whose link is too long: 3,000 scheduled
    // faults travel in the link as percent-encoded JSON.
    let json = many_faults_scenario(3_000);
    assert!(json.len() < MAX_SCENARIO_BYTES);
    let input = wait_for(&host, "[data-control=\"import\"]", "import input").await;
    choose_file(&input, "big.json", &json);
    let note = wait_for(&host, "[data-link-too-long]", "too-long note").await;
    assert!(
        text(&note).contains("too large for a link") && text(&note).contains("Export JSON"),
        "{:?}",
        text(&note)
    );
    // The address bar does not name another run than the one on screen.
    assert_eq!(location_hash(), "", "no stale link in the address bar");
    // The app keeps running.
    let root = wait_for(&host, "[data-lab][data-sim-time-us]", "root").await;
    let t0: u64 = attr(&root, "data-sim-time-us").parse().unwrap_or(0);
    TimeoutFuture::new(300).await;
    let t1: u64 = attr(&root, "data-sim-time-us").parse().unwrap_or(0);
    assert!(t1 > t0, "simulated time stands still: {t0} → {t1}");
    // Share link says why there is no link.
    click(&wait_for(&host, "[data-control=\"share\"]", "share button").await);
    let refused = wait_for(&host, "[data-share-refused]", "share refused").await;
    assert!(
        text(&refused).contains("Export JSON"),
        "{:?}",
        text(&refused)
    );
    finish(host, handle);
}

/// The single-server preset with `n` scheduled faults (heal the server every second).
fn many_faults_scenario(n: u64) -> String {
    let mut scenario = presets::find("single-server").expect("preset").scenario();
    scenario.name = "many-faults".into();
    scenario.duration_s = 86_400;
    scenario.faults = (1..=n)
        .map(|s| Fault::new(s * 1_000, FaultAction::Heal, "server"))
        .collect();
    scenario.to_json_pretty()
}

// ----- item 8: smaller holes ---------------------------------------------------------------

#[wasm_bindgen_test]
async fn the_failure_timeline_keeps_faults_in_the_same_millisecond_apart() {
    let scenario = presets::find("redundant-behind-lb")
        .expect("preset")
        .scenario();
    let mut sim = Simulation::new(&scenario).expect("valid");
    sim.schedule(Fault::new(1_000, FaultAction::Crash, "app-1"))
        .expect("crash");
    sim.run_for(2 * US_PER_S);
    let mut snapshot = sim.snapshot();
    assert_eq!(snapshot.failures.len(), 1, "one failure so far");
    // Two more faults of the same node in the same millisecond, as a zone outage and a
    // click can produce.
    for fault in ["host unreachable", "gray failure"] {
        let mut twin = snapshot.failures[0].clone();
        twin.fault = fault.to_string();
        snapshot.failures.push(twin);
        snapshot.failures_total += 1;
    }
    let host = new_host();
    let props = LogProps {
        snapshot: Shared::new(snapshot),
    };
    // Debug builds of Yew panic on a duplicate key; the timeline must not have any.
    let handle =
        yew::Renderer::<FailureTimeline>::with_root_and_props(host.clone(), props).render();
    wait_for(&host, "li.failure", "timeline").await;
    let items = host.query_selector_all("li.failure").expect("valid");
    assert_eq!(items.length(), 3, "every record is drawn");
    let texts: Vec<String> = (0..items.length())
        .filter_map(|i| items.item(i))
        .map(|n| n.text_content().unwrap_or_default())
        .collect();
    assert!(texts[0].contains("started failing gray"), "{texts:?}");
    assert!(texts[1].contains("became unreachable"), "{texts:?}");
    assert!(texts[2].contains("crashed"), "{texts:?}");
    handle.destroy();
    host.remove();
}

#[wasm_bindgen_test]
async fn a_download_stays_readable_after_the_click() {
    let url = files::download("hello.txt", "text/plain", "hello, file").expect("a download");
    // Firefox and Safari read the object URL after `click()` returns: it must still work.
    TimeoutFuture::new(1_500).await;
    let read = run_js(
        "url",
        "const x = new XMLHttpRequest(); x.open('GET', url, false); x.send(); return x.responseText;",
    )
    .call1(&JsValue::NULL, &JsValue::from_str(&url))
    .expect("the object URL is still valid 1.5 s after the click");
    assert_eq!(read.as_string().as_deref(), Some("hello, file"));
}

#[wasm_bindgen_test]
fn links_are_built_from_the_page_path_and_its_other_query_parameters() {
    assert_eq!(query_without("", &["embed"]), "");
    assert_eq!(query_without("?embed", &["embed"]), "");
    assert_eq!(query_without("?embed=1&x", &["embed"]), "?x");
    assert_eq!(query_without("?foo", &["embed"]), "?foo");
    assert_eq!(query_without("?a=1&embed=1&b=2&", &["embed"]), "?a=1&b=2");
    assert_eq!(query_without("?embedded=1", &["embed"]), "?embedded=1");
    assert_eq!(
        query_without("?debug=panic&embed&q", &["embed", "debug"]),
        "?q"
    );
    let cases = [
        ("http://h/app/", "http://h/app/"),
        ("http://h/app/#v=3&p=x", "http://h/app/"),
        ("http://h/app/?embed=1&x#v=3&embed=1", "http://h/app/?x"),
        ("http://h/app/?foo", "http://h/app/?foo"),
        ("http://h/app/index.html?embed#", "http://h/app/index.html"),
        ("http://h/?x=%23#a?b", "http://h/?x=%23"),
    ];
    for (href, base) in cases {
        assert_eq!(page_base(href), base, "{href}");
    }
}

#[wasm_bindgen_test]
async fn embed_links_from_an_odd_query_string_are_well_formed() {
    let (host, handle) = mount_lab_at("?embed=1&x#v=3&p=lb-spof&seed=3");
    let open = wait_for(
        &host,
        "[data-control=\"open-full\"]",
        "Open in Failover Lab",
    )
    .await;
    let location = window().location();
    let page = format!(
        "{}{}",
        location.origin().expect("origin"),
        location.pathname().expect("pathname")
    );
    assert_eq!(
        attr(&open, "href"),
        format!("{page}?x#v=3&p=lb-spof&seed=3")
    );
    click(&wait_for(&host, "[data-control=\"embed\"]", "embed button").await);
    let snippet = wait_for(&host, "[data-share-url]", "embed snippet").await;
    assert!(
        // The iframe sits in an aspect-ratio wrapper (the Embed sizes' responsive 16:9).
        input_value(&snippet).contains(&format!(
            "<iframe src=\"{page}?x#v=3&amp;p=lb-spof&amp;seed=3&amp;embed=1\""
        )),
        "{}",
        input_value(&snippet)
    );
    finish(host, handle);
}

#[wasm_bindgen_test]
async fn the_inspector_refuses_clients_beyond_the_dns_limit_and_keeps_the_old_value() {
    let link = "#v=3&p=dns-region-failover&seed=1";
    let (host, handle) = mount_lab_at(link);
    let clients = wait_for(&host, "[data-node-name=\"clients\"]", "clients node").await;
    click(&clients);
    let field = wait_for(&host, "input[data-param=\"clients\"]", "clients field").await;
    assert_eq!(input_value(&field), "2000");
    change_value(&field, "200000");
    let error = wait_for(&host, "[data-error-for=\"clients\"]", "the refusal").await;
    let message = text(&error);
    assert!(
        message.contains("traffic.clients") && message.contains("100000"),
        "the error names the path and the limit: {message:?}"
    );
    assert!(message.contains("the run keeps 2000"), "{message:?}");
    assert_eq!(attr(&field, "aria-invalid"), "true");
    assert!(
        !location_hash().contains("set:"),
        "a refused value is not a command: {}",
        location_hash()
    );
    // A value within the limit is accepted.
    change_value(&field, "5000");
    wait_until("the edit becomes a command", || {
        location_hash().contains(":set:clients:clients:5000")
    })
    .await;
    finish(host, handle);
}
