//! Owns the running simulation and drives it from `requestAnimationFrame`.
//!
//! Every frame advances the simulation by the wall-clock time since the last frame × the
//! speed, within an event budget sized from the measured event rate, so a frame never blocks
//! the page: when the budget runs out the run simply falls behind and the controls say
//! "running slower than requested". The canvas overlay is drawn every frame; the Yew panels
//! are refreshed at most ten times a second (a snapshot walks every node and copies the log).
//!
//! "Run to" is off the clock: it is not tied to animation frames but runs in slices of
//! `FAST_FORWARD_SLICE_MS`, each a task of its own posted through a `MessageChannel` (unlike
//! `setTimeout(0)`, not clamped to 4 ms), so the simulation gets nearly all of the main
//! thread while the browser still paints and answers input between two slices (within
//! ~`FAST_FORWARD_SLICE_MS`). Animation frames meanwhile only refresh the clock and panels,
//! every `FAST_FORWARD_PANEL_MS`.
//!
//! The simulation is changed only through `Simulation::schedule` (faults, parameter edits),
//! `run_until` and `step`, and rebuilt only from a `Recipe`, so the share link (recipe +
//! `user_commands`) always reproduces what is on screen.
use std::cell::RefCell;
use std::rc::Rc;

use gloo_render::AnimationFrame;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::address;
use super::canvas::Overlay;
use super::common::{self, fmt_count, Shared};
use super::layout::{self, Item, Layout, Orientation};
use super::share::{self, Recipe, Source};
use crate::sim::limits::MAX_SHARE_LINK_CHARS;
use crate::sim::metrics::SecondBucket;
use crate::sim::presets;
use crate::sim::time::TimeUs;
use crate::sim::topology::DomainKind;
use crate::sim::{Fault, Scenario, Simulation, Snapshot};

/// Slowest and fastest speeds (simulated seconds per wall second).
pub const MIN_SPEED: f64 = 0.1;
pub const MAX_SPEED: f64 = 1000.0;
/// Panels refresh at most this often (ms of wall time).
const PANEL_INTERVAL_MS: f64 = 100.0;
/// Script time a frame may spend simulating while playing (the overlay and the browser need
/// the rest of a 16.7 ms frame).
const FRAME_SIM_MS: f64 = 4.5;
/// "Run to": wall time of one slice of simulation (a task of its own). Input that arrives
/// during a slice waits at most this long, well within the 100 ms that feels immediate.
const FAST_FORWARD_SLICE_MS: f64 = 30.0;
/// …checked after every chunk of about this much simulation (`performance.now()` is cheap,
/// but not free).
const FAST_FORWARD_CHUNK_MS: f64 = 4.0;
/// Panels refresh this often while fast-forwarding: the clock moves, and the rest of the
/// main thread goes to the simulation.
const FAST_FORWARD_PANEL_MS: f64 = 250.0;
/// A long pause between frames (hidden tab) is not caught up.
const MAX_FRAME_DT_MS: f64 = 100.0;
/// Seconds of simulated time the charts show.
pub const CHART_SECONDS: usize = 120;

/// Longest link a "could not be opened" notice offers to copy (the address bar holds it
/// anyway until the user changes something; past this it is only named, not echoed).
const MAX_LINK_ECHO_CHARS: usize = 4 * MAX_SHARE_LINK_CHARS;

/// Something to tell the user above the diagram.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Notice {
    pub error: bool,
    pub text: String,
    /// A link the user gave that could not be opened, offered with a Copy button (it stays
    /// in the address bar only until the user changes something).
    pub link: Option<Rc<str>>,
}

impl Notice {
    pub fn error(text: impl Into<String>) -> Notice {
        Notice {
            error: true,
            text: text.into(),
            link: None,
        }
    }

    pub fn info(text: impl Into<String>) -> Notice {
        Notice {
            error: false,
            text: text.into(),
            link: None,
        }
    }
}

/// What a new run does to the address bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Address {
    /// Replace the current history entry: clicks and parameter edits add no entry each.
    Replace,
    /// A new history entry (another scenario, a reset), so Back returns to the run before.
    Push,
    /// Leave the address bar alone: it holds a link that could not be opened, which the user
    /// may want to copy or fix. The next change writes the run on screen.
    Keep,
}

/// What the Yew panels render: taken at most every `PANEL_INTERVAL_MS`.
#[derive(Clone, PartialEq)]
pub struct View {
    pub snapshot: Shared<Snapshot>,
    pub series: Shared<Vec<SecondBucket>>,
    /// The scenario as it is now (parameter edits applied), for the inspector.
    pub scenario: Shared<Scenario>,
    pub layout: Shared<Layout>,
    pub playing: bool,
    pub speed: f64,
    pub slow: bool,
    pub achieved_speed: f64,
    pub sampling: u64,
    pub seed: u64,
    pub source: Shared<Source>,
    pub commands: usize,
    pub run_to: Option<TimeUs>,
    pub reduced_motion: bool,
    /// Characters of the run's link when it is longer than `MAX_SHARE_LINK_CHARS`: the
    /// address bar cannot follow the run, and the UI says to use Export JSON instead.
    pub link_too_long: Option<usize>,
    /// Embed mode: the address of this run in the full app ("Open in Failover Lab").
    pub full_link: Option<Rc<str>>,
}

pub struct Runner {
    /// How this run was built (its commands live in `sim.user_commands()`).
    pub recipe: Recipe,
    /// The scenario after overrides, before any command: what "Export" writes.
    pub base: Scenario,
    pub sim: Simulation,
    pub playing: bool,
    pub speed: f64,
    pub run_to: Option<TimeUs>,
    pub notice: Option<Notice>,
    pub embed: bool,
    pub overlay: Overlay,
    pub layout: Rc<Layout>,
    orientation: Orientation,
    pub canvas: NodeRef,
    pub root: NodeRef,
    /// Measured simulation throughput (events per ms of script time), for the budget.
    events_per_ms: f64,
    slow_frames: u32,
    slow: bool,
    achieved: f64,
    last_wall: Option<f64>,
    last_panel: f64,
    /// The hash this app wrote last (a `hashchange` to anything else is a new link).
    pub written_hash: String,
    /// Whether this app has written the address bar at all (it leaves a bad link alone).
    wrote_address: bool,
    /// The current run's hash (without `#`), or `None` when its link would be longer than
    /// `MAX_SHARE_LINK_CHARS`; then `link_chars` is how long it would be.
    link: Option<Rc<str>>,
    link_chars: usize,
    /// Embed mode: this run in the full app (see `View::full_link`).
    full_link: Option<Rc<str>>,
    view: Option<View>,
    /// Both layouts of the current topology (columns, rows).
    layouts: (Rc<Layout>, Rc<Layout>),
    last_layout_check: f64,
    reduced: Option<web_sys::MediaQueryList>,
    dark: Option<web_sys::MediaQueryList>,
    reduced_motion: bool,
    attrs: (TimeUs, u64),
    attrs_playing: bool,
    /// Undo / redo of architecture edits (`edit_runner.rs`).
    pub design_history: super::edit_runner::DesignHistory,
    /// Copies of the run for the scrubber (seek, fork): `timeline.rs`.
    pub timeline: super::timeline::Timeline,
    /// The guided tour under way, if any: `tour_state.rs`.
    pub tour: Option<super::tour_state::TourState>,
}

impl Runner {
    /// Starts from the page's URL: the share link in the hash if there is one (with a visible
    /// error and the default preset if it is bad), `?embed` for the compact layout.
    pub fn boot() -> Runner {
        // The tours' start card is for a visit without a link (noted before it is written).
        super::learn::note_opening_address();
        let hash = common::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default();
        let embed_query = common::window()
            .and_then(|w| w.location().search().ok())
            .and_then(|s| web_sys::UrlSearchParams::new_with_str(&s).ok())
            .is_some_and(|p| p.has("embed") && p.get("embed").as_deref() != Some("0"));
        let (recipe, notice) = match read_link(&hash) {
            Ok(Some(r)) => (r, None),
            Ok(None) => (Recipe::preset(presets::DEFAULT), None),
            Err(e) => (Recipe::preset(presets::DEFAULT), Some(bad_link(&e))),
        };
        let mut runner = Runner::from_recipe(recipe, notice);
        runner.embed |= embed_query;
        runner.recipe.embed = runner.embed;
        // A link that could not be opened (the notice is an error) stays in the address bar.
        let bad = runner.notice.as_ref().is_some_and(|n| n.error);
        runner.write_address(if bad { Address::Keep } else { Address::Replace });
        if !bad {
            // A tour step or a moment (`t=`) in the link.
            runner.open_moment(&hash);
        }
        runner
    }

    /// Opens a link pasted into the address bar of this tab (`hashchange`), or reached with
    /// Back / Forward. A link that cannot be opened is named in a notice and left in the
    /// address bar; the default scenario runs meanwhile.
    pub fn open_link(&mut self, hash: &str) {
        self.tour = None;
        match read_link(hash) {
            Ok(Some(recipe)) => {
                if self.load(recipe, None) {
                    self.open_moment(hash);
                }
            }
            Ok(None) => {
                self.load(Recipe::preset(presets::DEFAULT), None);
            }
            Err(e) => {
                self.load_at(
                    Recipe::preset(presets::DEFAULT),
                    Some(bad_link(&e)),
                    Address::Keep,
                );
            }
        }
    }

    /// Builds a run; a recipe that fails (bad override, bad command) falls back to the
    /// default preset with the error shown.
    pub fn from_recipe(recipe: Recipe, notice: Option<Notice>) -> Runner {
        let reduced = common::media("(prefers-reduced-motion: reduce)");
        let dark = common::media("(prefers-color-scheme: dark)");
        let (recipe, sim, base, notice, _) = build_or_default(recipe, notice);
        let layouts = (
            Rc::new(topology_layout(&sim, Orientation::Horizontal)),
            Rc::new(topology_layout(&sim, Orientation::Vertical)),
        );
        let orientation = Orientation::Horizontal;
        let layout = Rc::clone(&layouts.0);
        let mut overlay = Overlay::default();
        overlay.set_layout(&layout);
        let mut sim = sim;
        sim.set_transfer_recording(true);
        let reduced_motion = reduced.as_ref().is_some_and(|m| m.matches());
        let embed = recipe.embed;
        let timeline = super::timeline::Timeline::new(&sim);
        let mut r = Runner {
            recipe,
            base,
            sim,
            playing: true,
            speed: 1.0,
            run_to: None,
            notice,
            embed,
            overlay,
            layout,
            orientation,
            canvas: NodeRef::default(),
            root: NodeRef::default(),
            events_per_ms: 400.0,
            slow_frames: 0,
            slow: false,
            achieved: 1.0,
            last_wall: None,
            last_panel: f64::NEG_INFINITY,
            written_hash: String::new(),
            wrote_address: false,
            link: None,
            link_chars: 0,
            full_link: None,
            view: None,
            layouts,
            last_layout_check: f64::NEG_INFINITY,
            reduced,
            dark,
            reduced_motion,
            attrs: (u64::MAX, u64::MAX),
            attrs_playing: false,
            design_history: Default::default(),
            timeline,
            tour: None,
        };
        r.relayout(false);
        r.update_link();
        r.set_panic_context();
        r
    }

    /// Replaces the run with a new recipe (a link, a reset), keeping the page's speed and
    /// embed mode. A recipe that does not build falls back to the default preset with the
    /// error shown, leaving the address bar alone; returns false then.
    pub fn load(&mut self, recipe: Recipe, notice: Option<Notice>) -> bool {
        self.load_at(recipe, notice, Address::Replace)
    }

    fn load_at(&mut self, mut recipe: Recipe, notice: Option<Notice>, address: Address) -> bool {
        recipe.embed = self.embed;
        let (recipe, sim, base, notice, fell_back) = build_or_default(recipe, notice);
        let address = if fell_back { Address::Keep } else { address };
        self.install(recipe, sim, base, notice, address);
        !fell_back
    }

    /// Replaces the run with `recipe` only if it builds; on error nothing changes (the run on
    /// screen, its commands and the address bar stay) and the error is returned.
    pub fn try_load(&mut self, mut recipe: Recipe, address: Address) -> Result<(), String> {
        recipe.embed = self.embed;
        let (recipe, sim, base, notice) = build(recipe)?;
        self.install(recipe, sim, base, notice, address);
        Ok(())
    }

    fn install(
        &mut self,
        recipe: Recipe,
        sim: Simulation,
        base: Scenario,
        notice: Option<Notice>,
        address: Address,
    ) {
        self.recipe = recipe;
        self.base = base;
        self.sim = sim;
        self.sim.set_transfer_recording(true);
        self.timeline_reset();
        self.notice = notice;
        self.run_to = None;
        self.relayout(true);
        self.overlay.clear();
        self.attrs = (u64::MAX, u64::MAX);
        self.write_address(address);
        self.refresh();
    }

    /// Same recipe from t = 0, without the commands given so far. A new history entry when
    /// there were commands: Back brings them back.
    pub fn reset(&mut self) {
        let mut recipe = self.recipe.clone();
        recipe.commands.clear();
        self.load_at(recipe, None, Address::Push);
    }

    /// Another seed for the same scenario *and the same commands*: the run starts again from
    /// 0 s and replays every click at its time, with other random draws. Nothing is lost:
    /// the previous seed gives back the previous run exactly (same trace hash). (Dropping the
    /// clicks instead would silently throw away the user's work; Reset is there for that.)
    pub fn set_seed(&mut self, seed: u64) {
        let old = self.sim.seed();
        if seed == old {
            return;
        }
        let mut recipe = self.current_recipe();
        recipe.seed = Some(seed);
        let kept = recipe.commands.len();
        match self.try_load(recipe, Address::Replace) {
            Ok(()) if kept > 0 => {
                self.notice = Some(Notice::info(format!(
                    "Seed {seed}: the run starts again from 0 s and replays your {} at the \
                     same times, with other random draws. Seed {old} gives back the run before.",
                    if kept == 1 {
                        "command".to_string()
                    } else {
                        format!("{kept} commands")
                    }
                )));
            }
            Ok(()) => {}
            Err(e) => {
                self.notice = Some(Notice::error(format!(
                    "The seed was not changed (the run and its commands are as they were): {e}"
                )));
            }
        }
    }

    /// Another preset, with the current seed: a new history entry, so Back returns to the
    /// run before (with its commands).
    pub fn set_preset(&mut self, name: &str) {
        let mut recipe = Recipe::preset(name);
        recipe.seed = Some(self.sim.seed());
        self.load_at(recipe, None, Address::Push);
    }

    /// Loads an imported scenario (parsed and validated by the caller) as a new history entry.
    /// On error the run on screen, its commands and the address stay as they were.
    pub fn load_scenario(&mut self, scenario: Scenario) -> Result<(), String> {
        let seed = scenario.seed;
        let recipe = Recipe {
            source: Source::Custom(Box::new(scenario)),
            seed: Some(seed),
            overrides: Vec::new(),
            commands: Vec::new(),
            embed: self.embed,
            design: Default::default(),
            link_version: share::VERSION,
        };
        self.try_load(recipe, Address::Push)
    }

    /// Schedules a command at the current simulated time (the engine moves it to the next
    /// whole millisecond) and records the new link.
    pub fn command(&mut self, fault: Fault) -> Result<Fault, String> {
        // Behind the furthest moment reached (the scrubber went back): the run forks here.
        if let Some(fork) = self.fork_before_command() {
            self.notice = Some(fork);
        }
        let at_ms = self.sim.now_us().div_ceil(1_000);
        let fault = Fault { at_ms, ..fault };
        let scheduled = self.sim.schedule(fault)?;
        self.tour_after_command(&scheduled);
        self.write_hash();
        self.refresh();
        Ok(scheduled)
    }

    pub fn toggle_play(&mut self) {
        // While fast-forwarding, the button reads "Pause": it stops there.
        self.playing = self.run_to.is_none() && !self.playing;
        self.run_to = None;
        self.last_wall = None;
        self.refresh();
    }

    /// Processes exactly one event (or due command).
    pub fn step(&mut self) {
        self.playing = false;
        self.run_to = None;
        self.sim.step();
        self.after_manual_advance();
    }

    /// Fast-forwards to `t_us` as quickly as the frame budget allows, then pauses.
    pub fn run_to(&mut self, t_us: TimeUs) {
        if t_us <= self.sim.now_us() {
            self.run_to = None;
            self.playing = false;
        } else {
            self.run_to = Some(t_us);
        }
        self.refresh();
    }

    pub fn set_speed(&mut self, speed: f64) {
        self.speed = speed.clamp(MIN_SPEED, MAX_SPEED);
        self.slow_frames = 0;
        self.slow = false;
        self.refresh();
    }

    /// The recipe of what is on screen, commands included: the share link.
    pub fn current_recipe(&self) -> Recipe {
        Recipe {
            seed: Some(self.sim.seed()),
            commands: self.sim.user_commands().to_vec(),
            ..self.recipe.clone()
        }
    }

    /// The scenario file that reproduces this run: base scenario + commands as faults + seed.
    pub fn export_scenario(&self) -> Scenario {
        let mut s = self.base.clone();
        s.seed = self.sim.seed();
        s.faults.extend(self.sim.user_commands().iter().cloned());
        s
    }

    /// The address of the current run (`…#v=3&…`), built from the page's path and query (see
    /// `address::page_base`), or why there is none (the run is too large for a link).
    pub fn share_url(&self, embed: bool) -> Result<String, String> {
        let mut recipe = self.current_recipe();
        recipe.embed = embed;
        let url = format!(
            "{}#{}{}",
            address::current_page_base(),
            share::encode(&recipe),
            crate::share_moment::encode(&self.shared_moment())
        );
        if url.len() > MAX_SHARE_LINK_CHARS {
            return Err(too_long_for_a_link(url.len()));
        }
        Ok(url)
    }

    /// Whether the run is too long for a link (then its length in characters).
    pub fn link_too_long(&self) -> Option<usize> {
        self.link.is_none().then_some(self.link_chars)
    }

    /// Encodes the run's link once per change (clicks, loads), not once per frame: the panic
    /// context, the embed link and the address bar reuse it.
    fn update_link(&mut self) {
        let hash = share::encode(&self.current_recipe())
            + &crate::share_moment::encode(&self.address_moment());
        // What a recipient's address bar would hold: the page, `#`, the hash.
        self.link_chars = address::current_page_base().len() + 1 + hash.len();
        self.link = (self.link_chars <= MAX_SHARE_LINK_CHARS).then(|| Rc::from(hash));
        self.full_link = self.make_full_link();
    }

    /// Keeps the address bar on the current run without adding history entries.
    pub fn write_hash(&mut self) {
        self.write_address(Address::Replace);
    }

    /// Writes the current run's link to the address bar (`history.replaceState`, or
    /// `pushState` for `Address::Push`). A run too large for a link leaves the page's
    /// address without a hash, so the address bar never names another run than the one on
    /// screen; the UI says to use Export JSON.
    pub fn write_address(&mut self, how: Address) {
        self.update_link();
        self.set_panic_context();
        if how == Address::Keep {
            return;
        }
        let hash = self.link.as_deref().unwrap_or_default().to_string();
        let same = self.wrote_address && hash == self.written_hash;
        if same {
            return;
        }
        let Some(window) = common::window() else {
            return;
        };
        let url = match &self.link {
            Some(h) => format!("#{h}"),
            // The page itself: its path and query, as they are.
            None => {
                let location = window.location();
                format!(
                    "{}{}",
                    location.pathname().unwrap_or_default(),
                    location.search().unwrap_or_default()
                )
            }
        };
        if let Ok(history) = window.history() {
            let null = wasm_bindgen::JsValue::NULL;
            // A pushed entry leaves the one before as it was: Back returns to that run (or to
            // the link that could not be opened, named again).
            let written = if how == Address::Push {
                history.push_state_with_url(&null, "", Some(&url))
            } else {
                history.replace_state_with_url(&null, "", Some(&url))
            };
            if written.is_ok() {
                self.written_hash = hash;
                self.wrote_address = true;
            }
        }
    }

    /// "Open in Failover Lab" (embed mode): the run in the full app.
    fn make_full_link(&self) -> Option<Rc<str>> {
        if !self.embed {
            return None;
        }
        let mut recipe = self.current_recipe();
        recipe.embed = false;
        let url = format!(
            "{}#{}{}",
            address::current_page_base(),
            share::encode(&recipe),
            crate::share_moment::encode(&self.address_moment())
        );
        (url.len() <= MAX_SHARE_LINK_CHARS).then(|| Rc::from(url))
    }

    /// What a panic banner should say to reproduce the run.
    fn set_panic_context(&self) {
        let link = match &self.link {
            Some(hash) => format!("Link to reproduce: #{hash}"),
            None => "The run is too large for a link: Export JSON reproduces it.".to_string(),
        };
        let text = format!(
            "Scenario {}, seed {} at {} simulated. {link}",
            self.recipe.source_name(),
            self.sim.seed(),
            common::fmt_clock(self.sim.now_us()),
        );
        super::panic_context::set(text);
    }

    fn after_manual_advance(&mut self) {
        let speed = self.speed;
        self.overlay
            .ingest(&mut self.sim, speed, self.reduced_motion);
        self.refresh();
    }

    /// Takes a new snapshot for the panels now.
    pub fn refresh(&mut self) {
        self.view = Some(self.make_view());
        self.last_panel = common::now_ms();
    }

    fn make_view(&self) -> View {
        let mut series = self.sim.series(CHART_SECONDS + 1);
        // The last bucket is the second in progress: half-counted, it would look like a dip.
        series.pop();
        View {
            snapshot: Shared::new(self.sim.snapshot()),
            series: Shared::new(series),
            scenario: Shared::new(self.sim.scenario().clone()),
            layout: Shared(Rc::clone(&self.layout)),
            playing: self.playing || self.run_to.is_some(),
            speed: self.speed,
            slow: self.slow,
            achieved_speed: self.achieved,
            sampling: self.overlay.sampling(&self.sim),
            seed: self.sim.seed(),
            source: Shared::new(self.recipe.source.clone()),
            commands: self.sim.user_commands().len(),
            run_to: self.run_to,
            reduced_motion: self.reduced_motion,
            link_too_long: self.link_too_long(),
            full_link: self.full_link.clone(),
        }
    }

    pub fn view(&mut self) -> View {
        if self.view.is_none() {
            self.refresh();
        }
        match &self.view {
            Some(v) => v.clone(),
            None => self.make_view(),
        }
    }

    /// Picks the orientation that draws the system largest in the space the diagram has:
    /// columns on a wide screen, rows on a phone, and rows too when a deep system (clients →
    /// DNS → balancers → instances) would be tiny as columns. Both layouts are computed when
    /// the topology changes; the choice is re-checked a few times a second (window resizes).
    fn relayout(&mut self, force: bool) -> bool {
        if force {
            self.layouts = (
                Rc::new(topology_layout(&self.sim, Orientation::Horizontal)),
                Rc::new(topology_layout(&self.sim, Orientation::Vertical)),
            );
        }
        let o = self.best_orientation();
        if !force && o == self.orientation {
            return false;
        }
        self.orientation = o;
        self.layout = match o {
            Orientation::Horizontal => Rc::clone(&self.layouts.0),
            Orientation::Vertical => Rc::clone(&self.layouts.1),
        };
        self.overlay.set_layout(&self.layout);
        true
    }

    fn best_orientation(&self) -> Orientation {
        /// Below this diagram width the CSS opens the diagram at readable size (phones; the
        /// `max-width: 720px` media query, less the panel's padding).
        const PHONE_WIDTH_PX: f64 = 700.0;
        let w = common::window();
        let inner =
            |f: fn(&web_sys::Window) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>| {
                w.as_ref().and_then(|w| f(w).ok()).and_then(|v| v.as_f64())
            };
        // The diagram panel's width (the stage inside it is 24 px narrower); before the first
        // render, the window's.
        let panel = self
            .canvas
            .cast::<web_sys::Element>()
            .and_then(|c| c.closest(".panel").ok().flatten())
            .map(|p| p.client_width() as f64)
            .filter(|w| *w > 0.0);
        let avail = panel
            .map(|p| p - 24.0)
            .or_else(|| inner(web_sys::Window::inner_width).map(|w| w.min(1440.0) - 420.0))
            // No window (the poster, rendered natively): as in a 1280-px-wide window.
            .unwrap_or(860.0)
            .max(200.0);
        let max_h = inner(web_sys::Window::inner_height).unwrap_or(800.0) * 0.9;
        let scale = |l: &Layout, limit_h: bool| {
            let s = (avail / l.width).min(1.2);
            if limit_h {
                s.min(max_h / l.height)
            } else {
                s
            }
        };
        let h = scale(&self.layouts.0, false);
        let v = scale(&self.layouts.1, true);
        // A compact embed (a course page's frame) has little height: the diagram gets what the
        // controls and the numbers leave (static/learn.css), and the larger drawing wins.
        if self.embed {
            let frame_h =
                (inner(web_sys::Window::inner_height).unwrap_or(450.0) - 170.0).max(120.0);
            let fit = |l: &Layout| (avail / l.width).min(frame_h / l.height);
            return if fit(&self.layouts.0) >= fit(&self.layouts.1) {
                Orientation::Horizontal
            } else {
                Orientation::Vertical
            };
        }
        // A phone opens the diagram at readable size (src/ui/zoom.rs), panned in its box when
        // wider than the screen. The page already scrolls down: pick the narrower
        // orientation, so there is least to pan sideways.
        if avail < PHONE_WIDTH_PX && h.min(v) < super::zoom::readable_scale() {
            let (cols, rows) = (&self.layouts.0, &self.layouts.1);
            return if rows.width <= cols.width {
                Orientation::Vertical
            } else {
                Orientation::Horizontal
            };
        }
        // Columns read best (left to right, like the request's path): keep them while their
        // text stays readable (≥ 0.72 × its size), else take rows if they are clearly larger.
        if h < 0.72 && v > h * 1.15 {
            Orientation::Vertical
        } else {
            Orientation::Horizontal
        }
    }

    /// One animation frame at wall time `t_ms`. Returns true when the panels should re-render.
    pub fn frame(&mut self, t_ms: f64) -> bool {
        let dt = match self.last_wall {
            Some(last) => (t_ms - last).clamp(0.0, MAX_FRAME_DT_MS),
            None => 0.0,
        };
        self.last_wall = Some(t_ms);
        let mut panels = false;

        let reduced = self.reduced.as_ref().is_some_and(|m| m.matches());
        if reduced != self.reduced_motion {
            self.reduced_motion = reduced;
            self.overlay.clear();
            panels = true;
        }
        if t_ms - self.last_layout_check > 250.0 {
            self.last_layout_check = t_ms;
            if self.relayout(false) {
                panels = true;
            }
        }

        // A seek (scrubber drag) refreshes the panels at their rate, not per input event.
        if self.timeline_frame(t_ms - self.last_panel >= PANEL_INTERVAL_MS) {
            panels = true;
        }
        let before = self.sim.now_us();
        // A "run to" jumps far more simulated time per frame than anyone could watch: no
        // dots are recorded meanwhile, so the animation resumes at full detail afterwards.
        self.sim.set_transfer_recording(self.run_to.is_none());
        if self.run_to.is_some() {
            // `fast_forward` advances the run, between frames; frames only show it, a few
            // times a second. Other frames leave the page alone, so the browser has nothing
            // to restyle or paint and the main thread goes back to the simulation.
            if !panels && t_ms - self.last_panel < FAST_FORWARD_PANEL_MS {
                return false;
            }
            let now = self.sim.now_us();
            let speed = self.speed;
            // No dots are recorded meanwhile: this clears the ones of the last frame played.
            self.overlay.ingest(&mut self.sim, speed, reduced);
            if let Some(canvas) = self.canvas.cast::<web_sys::HtmlCanvasElement>() {
                let dark = self.dark.as_ref().is_some_and(|m| m.matches());
                self.overlay.draw(&canvas, now, reduced, dark);
            }
            self.write_attrs();
            self.set_panic_context();
            self.refresh();
            return true;
        } else if self.playing && dt > 0.0 {
            let want = (dt * 1_000.0 * self.speed).round() as TimeUs;
            let target = before.saturating_add(want.max(1));
            // A frame that also refreshes the panels (snapshot + Yew render) simulates less,
            // so that it stays within the frame too.
            let panel_due = t_ms - self.last_panel >= PANEL_INTERVAL_MS;
            let budget = self.budget(if panel_due {
                FRAME_SIM_MS / 2.0
            } else {
                FRAME_SIM_MS
            });
            let out = self.timed_run(target, budget);
            if out.reached {
                self.timeline_record();
            }
            // Hysteresis, so one slow frame does not make the warning flicker.
            if out.reached {
                self.slow_frames = self.slow_frames.saturating_sub(1);
            } else {
                self.slow_frames = (self.slow_frames + 2).min(60);
            }
            let slow = self.slow_frames > 20;
            if slow != self.slow {
                self.slow = slow;
                panels = true;
            }
            let got = (self.sim.now_us() - before) as f64 / 1_000.0 / dt;
            self.achieved = 0.9 * self.achieved + 0.1 * got;
        }
        let now = self.sim.now_us();
        let speed = self.speed;
        self.overlay.ingest(&mut self.sim, speed, reduced);
        if let Some(canvas) = self.canvas.cast::<web_sys::HtmlCanvasElement>() {
            let dark = self.dark.as_ref().is_some_and(|m| m.matches());
            self.overlay.draw(&canvas, now, reduced, dark);
        }
        self.write_attrs();
        if panels || (now != before && t_ms - self.last_panel >= PANEL_INTERVAL_MS) {
            self.set_panic_context();
            self.refresh();
            return true;
        }
        false
    }

    /// Whether "Run to" is under way (the frame loop keeps `fast_forward` going meanwhile).
    pub fn fast_forwarding(&self) -> bool {
        self.run_to.is_some()
    }

    /// One slice of "Run to": simulates until the target or until `slice_ms` of wall time
    /// have passed. Returns true when the target was reached (the panels should show it).
    pub fn fast_forward(&mut self, slice_ms: f64) -> bool {
        let Some(target) = self.run_to else {
            return false;
        };
        self.sim.set_transfer_recording(false);
        let deadline = common::now_ms() + slice_ms;
        loop {
            let budget = self.budget(FAST_FORWARD_CHUNK_MS);
            // Stop at the next checkpoint on the way, so the scrubber can seek back into it.
            let goal = target.min(self.timeline_next_copy_us());
            let out = self.timed_run(goal, budget);
            if out.reached {
                self.timeline_record();
            }
            if out.reached && goal >= target {
                self.run_to = None;
                self.playing = false;
                self.last_wall = None;
                self.write_attrs();
                self.set_panic_context();
                self.refresh();
                return true;
            }
            if common::now_ms() >= deadline {
                return false;
            }
        }
    }

    fn budget(&self, ms: f64) -> u64 {
        (self.events_per_ms * ms).clamp(500.0, 2_000_000.0) as u64
    }

    fn timed_run(&mut self, target: TimeUs, budget: u64) -> crate::sim::StepOutcome {
        let t0 = common::now_ms();
        let out = self.sim.run_until(target, budget);
        let spent = common::now_ms() - t0;
        if out.events >= 200 && spent > 0.2 {
            let rate = out.events as f64 / spent;
            self.events_per_ms = 0.8 * self.events_per_ms + 0.2 * rate;
        } else if !out.reached && spent <= 0.2 {
            // Budget ran out almost instantly: the estimate is far too low.
            self.events_per_ms *= 2.0;
        }
        out
    }

    /// `data-sim-time-us` / `data-trace-hash` / `data-playing` on the root, for tests and
    /// embedders; written only when they change.
    pub fn write_attrs(&mut self) {
        let now = self.sim.now_us();
        let key = (now, self.sim.events_processed());
        let playing = self.playing || self.run_to.is_some();
        let Some(root) = self.root.cast::<web_sys::Element>() else {
            return;
        };
        if key == self.attrs && playing == self.attrs_playing {
            return;
        }
        self.attrs = key;
        self.attrs_playing = playing;
        let _ = root.set_attribute("data-playing", if playing { "1" } else { "0" });
        let _ = root.set_attribute("data-sim-time-us", &now.to_string());
        let _ = root.set_attribute("data-trace-hash", &self.sim.trace_hash_hex());
    }
}

/// "This run is too large for a link …", with its length.
pub fn too_long_for_a_link(chars: usize) -> String {
    format!(
        "This run is too large for a link ({} characters; links are limited to {}): use \
         Export JSON to share it as a file.",
        fmt_count(chars as u64),
        fmt_count(MAX_SHARE_LINK_CHARS as u64)
    )
}

/// Reads a link's hash: refuses one longer than `MAX_SHARE_LINK_CHARS` before decoding it.
pub fn read_link(hash: &str) -> Result<Option<Recipe>, String> {
    if hash.len() > MAX_SHARE_LINK_CHARS {
        return Err(format!(
            "it is {} characters long, and links are limited to {} (a larger run travels as a \
             file: Export JSON, then Import)",
            fmt_count(hash.len() as u64),
            fmt_count(MAX_SHARE_LINK_CHARS as u64)
        ));
    }
    share::decode(hash)
}

/// The notice for a link that could not be opened. The address bar still holds the link
/// (the app leaves it there until the user changes something); the notice offers it for
/// copying too, so it survives that change.
pub fn bad_link(e: &str) -> Notice {
    let href = common::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let link = (href.contains('#') && href.len() <= MAX_LINK_ECHO_CHARS).then(|| Rc::from(href));
    Notice {
        error: true,
        text: format!(
            "This link could not be opened: {e}. Showing the default scenario ({}) instead; \
             the link stays in the address bar until you change something{}.",
            presets::DEFAULT,
            if link.is_some() {
                ", and you can copy it here"
            } else {
                ""
            }
        ),
        link,
    }
}

/// An older link replays on this engine: same scenario, seed and clicks, a different run.
fn older_link(version: u32) -> Option<Notice> {
    (version < share::VERSION).then(|| {
        Notice::info(format!(
            "This link was made by an earlier version of Failover Lab (link version {version}). \
             Its scenario, seed and clicks are replayed, but {}, so the run differs in detail \
             from the one that was shared.",
            share::changed_since(version).join(" and ")
        ))
    })
}

/// Builds `recipe`: its base scenario and the simulation with its commands scheduled, and the
/// note for an older link.
fn build(recipe: Recipe) -> Result<(Recipe, Simulation, Scenario, Option<Notice>), String> {
    let base = recipe.scenario()?;
    let sim = recipe.build_with(&base)?;
    let mut recipe = recipe;
    // The commands now live in the simulation (user_commands).
    recipe.commands.clear();
    let notice = older_link(recipe.link_version);
    // From here on the run is this engine's (its link is written at VERSION), so a reset or
    // a seed change does not repeat the notice.
    recipe.link_version = share::VERSION;
    Ok((recipe, sim, base, notice))
}

/// Builds `recipe`, or the default preset with the error as a notice.
fn build_or_default(
    recipe: Recipe,
    notice: Option<Notice>,
) -> (Recipe, Simulation, Scenario, Option<Notice>, bool) {
    let embed = recipe.embed;
    match build(recipe) {
        Ok((recipe, sim, base, older)) => (recipe, sim, base, notice.or(older), false),
        Err(e) => {
            let fallback = Recipe {
                embed,
                ..Recipe::preset(presets::DEFAULT)
            };
            // The built-in default preset is valid (the sim's tests check every preset).
            let (base, sim) = match fallback.scenario().and_then(|b| {
                Simulation::new(&b)
                    .map(|sim| (b, sim))
                    .map_err(|e| e.to_string())
            }) {
                Ok(pair) => pair,
                Err(_) => any_valid_preset(),
            };
            (fallback, sim, base, Some(bad_link(&e)), true)
        }
    }
}

/// Every built-in preset failing validation is a bug in the build itself, not a user input:
/// stop with a message (the panic banner shows it).
fn any_valid_preset() -> (Scenario, Simulation) {
    presets::all()
        .iter()
        .find_map(|p| {
            let s = p.scenario();
            Simulation::new(&s).ok().map(|sim| (s, sim))
        })
        .unwrap_or_else(|| panic!("no built-in scenario is valid: this build is broken"))
}

/// The diagram layout of a simulation's topology.
pub fn topology_layout(sim: &Simulation, o: Orientation) -> Layout {
    let snap = sim.snapshot();
    // Zones are boxed inside their regions. `NodeView.zone` names the zone.
    let domain = |name: &str| snap.domains.iter().find(|d| d.name == name);
    let items: Vec<Item> = snap
        .nodes
        .iter()
        .map(|n| {
            // Clients live in a region but are not part of it (a region outage does not
            // silence its users): they are drawn outside the boxes.
            let zone = n
                .zone
                .as_deref()
                .filter(|_| n.kind != crate::sim::snapshot::NodeKind::Clients);
            let (group, outer) = match zone.and_then(domain) {
                Some(d) if d.kind == DomainKind::Zone => (Some(d.name.clone()), d.parent.clone()),
                Some(d) => (None, Some(d.name.clone())),
                None => (None, None),
            };
            Item {
                id: n.id,
                rank_hint: common::rank_hint(n.kind),
                group,
                outer,
            }
        })
        .collect();
    let mut edges: Vec<(u32, u32)> = snap.edges.iter().map(|e| (e.from, e.to)).collect();
    // An instance talks to whichever database node is primary now: after a promotion its edge
    // goes to the former standby. Lay out every such edge from the start, so the diagram can
    // draw the edge to the new primary (edges follow where traffic goes).
    let databases: Vec<u32> = snap
        .nodes
        .iter()
        .filter(|n| n.kind == crate::sim::snapshot::NodeKind::Database)
        .map(|n| n.id)
        .collect();
    let db_clients: Vec<u32> = snap
        .edges
        .iter()
        .filter(|e| databases.contains(&e.to) && !databases.contains(&e.from))
        .map(|e| e.from)
        .collect();
    for from in db_clients {
        for &db in &databases {
            if !edges.contains(&(from, db)) {
                edges.push((from, db));
            }
        }
    }
    layout::layout(&items, &edges, o)
}

// ----- the frame loop -----------------------------------------------------------------------

/// Keeps `requestAnimationFrame` going while alive, and the "Run to" slices while a run-to is
/// under way; dropping it stops both.
pub struct FrameLoop {
    handle: Rc<RefCell<Option<AnimationFrame>>>,
    pump: Option<Pump>,
}

impl FrameLoop {
    pub fn start(runner: Rc<RefCell<Runner>>, on_panels: Callback<()>) -> FrameLoop {
        let handle: Rc<RefCell<Option<AnimationFrame>>> = Rc::new(RefCell::new(None));
        let pump = Pump::new(Rc::clone(&runner), on_panels.clone());
        let kick = pump.as_ref().map(Pump::kicker);
        schedule(Rc::clone(&handle), runner, on_panels, kick);
        FrameLoop { handle, pump }
    }
}

impl Drop for FrameLoop {
    fn drop(&mut self) {
        // Dropping the pending AnimationFrame cancels it; the loop ends there.
        if let Ok(mut h) = self.handle.try_borrow_mut() {
            h.take();
        }
        if let Some(pump) = self.pump.take() {
            pump.stop();
        }
    }
}

/// Starts the next slice of a run-to (posts to the pump's channel) unless one is pending.
type Kick = Rc<dyn Fn()>;

/// The "Run to" loop: every message on its channel runs one slice (`Runner::fast_forward`)
/// and, while the target is not reached, posts the next one. Messages are tasks, so the
/// browser paints and handles input between slices.
struct Pump {
    port: web_sys::MessagePort,
    sender: web_sys::MessagePort,
    _on_message: wasm_bindgen::closure::Closure<dyn FnMut()>,
    pending: Rc<std::cell::Cell<bool>>,
}

impl Pump {
    /// None when the browser has no `MessageChannel` (then the run-to does not advance; every
    /// browser that runs WebAssembly has one).
    fn new(runner: Rc<RefCell<Runner>>, on_panels: Callback<()>) -> Option<Pump> {
        let channel = web_sys::MessageChannel::new().ok()?;
        let (port, sender) = (channel.port1(), channel.port2());
        let pending = Rc::new(std::cell::Cell::new(false));
        let next = {
            let (sender, pending) = (sender.clone(), Rc::clone(&pending));
            move || {
                pending.set(sender.post_message(&wasm_bindgen::JsValue::NULL).is_ok());
            }
        };
        let pending_in = Rc::clone(&pending);
        let on_message = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            pending_in.set(false);
            // A UI callback holding the runner (never across a task) would make this fail:
            // the next frame starts a new slice then.
            let (reached, more) = match runner.try_borrow_mut() {
                Ok(mut r) => {
                    let reached = r.fast_forward(FAST_FORWARD_SLICE_MS);
                    (reached, r.fast_forwarding())
                }
                Err(_) => (false, false),
            };
            if reached {
                on_panels.emit(());
            }
            if more {
                next();
            }
        });
        port.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(Pump {
            port,
            sender,
            _on_message: on_message,
            pending,
        })
    }

    fn kicker(&self) -> Kick {
        let (sender, pending) = (self.sender.clone(), Rc::clone(&self.pending));
        Rc::new(move || {
            if !pending.get() {
                pending.set(sender.post_message(&wasm_bindgen::JsValue::NULL).is_ok());
            }
        })
    }

    fn stop(self) {
        self.port.set_onmessage(None);
        self.port.close();
        self.sender.close();
    }
}

fn schedule(
    handle: Rc<RefCell<Option<AnimationFrame>>>,
    runner: Rc<RefCell<Runner>>,
    on_panels: Callback<()>,
    kick: Option<Kick>,
) {
    let next = Rc::clone(&handle);
    let frame = gloo_render::request_animation_frame(move |t| {
        // If the runner is busy (a UI callback holds it), skip this frame rather than panic.
        let (refresh, fast_forward) = match runner.try_borrow_mut() {
            Ok(mut r) => (r.frame(t), r.fast_forwarding()),
            Err(_) => (false, false),
        };
        if refresh {
            on_panels.emit(());
        }
        // A run-to was started (by a click since the last frame): start its slices.
        if fast_forward {
            if let Some(kick) = &kick {
                kick();
            }
        }
        // The loop may have been stopped while this frame ran (component unmounted).
        let stopped = Rc::strong_count(&next) == 1;
        if !stopped {
            schedule(next, runner, on_panels, kick);
        }
    });
    if let Ok(mut h) = handle.try_borrow_mut() {
        *h = Some(frame);
    }
}

/// Focus helper for elements found by selector (after a re-render).
pub fn focus_selector(selector: &str) {
    if let Some(el) = common::document()
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// SVG elements are not `HtmlElement`s; focus them through `SvgElement`-agnostic JS.
pub fn focus_node(id: u32) {
    let selector = format!("[data-node-id=\"{id}\"], [data-domain-id=\"{id}\"]");
    if let Some(el) = common::document().and_then(|d| d.query_selector(&selector).ok().flatten()) {
        let f = js_sys::Reflect::get(&el, &"focus".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        if let Some(f) = f {
            let _ = f.call0(&el);
        }
    }
}
