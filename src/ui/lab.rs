//! The visualizer: wires the runner (simulation + frame loop) to the panels.
//!
//! State lives in one `Runner` behind `Rc<RefCell<…>>`, shared by the frame loop and the
//! UI callbacks (never borrowed across an await or a re-render: Yew renders from a microtask
//! after the callback returns). Panels render the runner's last `View`.
use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::charts::{Charts, Headline};
use super::common::{self, look};
use super::controls::{Controls, Part};
use super::design_hooks::{use_design, DesignView};
use super::diagram::{Diagram, NodeAction};
use super::estimate_panel::EstimatePanel;
use super::event_log::{EventLog, FailureTimeline};
use super::files;
use super::inspector::{Inspector, SetParam};
use super::panels::Panels;
use super::runner::{self, FrameLoop, Notice, Runner};
use super::scrubber::Scrubber;
use super::share::Source;
use super::tour::{TourPanel, TourStart};
use crate::sim::limits::{MAX_SCENARIO_BYTES, SECONDS_KEPT};
use crate::sim::presets;
use crate::sim::snapshot::NodeStatus;
use crate::sim::time::TimeUs;
use crate::sim::Fault;

#[derive(Properties, PartialEq, Default)]
pub struct LabProps {
    /// The page header (hidden in embed mode).
    #[prop_or_default]
    pub header: Html,
    /// Extra content at the end of the side panel (hidden in embed mode).
    #[prop_or_default]
    pub side_extra: Html,
}

/// What the share popover shows.
#[derive(Clone, PartialEq)]
struct ShareState {
    embed: bool,
    /// The link or snippet, or why there is none (the run is too large for a link).
    text: Result<String, String>,
    /// None while copying; Some(true) copied; Some(false) copy it by hand.
    copied: Option<bool>,
}

pub(super) type RunnerRc = Rc<RefCell<Runner>>;

/// A callback that gets the runner mutably, then re-renders.
pub(super) fn with_runner<T: 'static>(
    runner: &RunnerRc,
    force: &UseForceUpdateHandle,
    f: impl Fn(&mut Runner, T) + 'static,
) -> Callback<T> {
    let runner = Rc::clone(runner);
    let force = force.clone();
    Callback::from(move |arg: T| {
        if let Ok(mut r) = runner.try_borrow_mut() {
            f(&mut r, arg);
        }
        force.force_update();
    })
}

#[function_component(Lab)]
pub fn lab(props: &LabProps) -> Html {
    let runner: RunnerRc = use_mut_ref(Runner::boot);
    let force = use_force_update();
    let selected = use_state(|| None::<u32>);
    let menu = use_state(|| None::<u32>);
    let share_state = use_state(|| None::<ShareState>);
    let design = use_design(&runner, &force, &selected, &menu);
    // The tours' start card: on a first visit to the plain app (no link, not embedded).
    let tour_start = use_state(|| false);
    // Embed mode shows the diagram, the run controls and the headline numbers; "More"
    // shows every panel (the page then scrolls inside the frame).
    let embed_more = use_state(|| false);
    {
        let tour_start = tour_start.clone();
        let runner = Rc::clone(&runner);
        use_effect_with((), move |_| {
            let fresh = runner
                .try_borrow()
                .is_ok_and(|r| !r.embed && r.tour.is_none());
            if fresh && super::learn::first_visit() {
                tour_start.set(true);
            }
        });
    }

    // The frame loop lives as long as the component.
    {
        let runner = Rc::clone(&runner);
        let force = force.clone();
        use_effect_with((), move |_| {
            let on_panels = Callback::from(move |_| force.force_update());
            let frame_loop = FrameLoop::start(runner, on_panels);
            move || drop(frame_loop)
        });
    }
    // A new link pasted into the address bar of this tab only fires `hashchange`.
    {
        let runner = Rc::clone(&runner);
        let force = force.clone();
        let selected = selected.clone();
        let menu = menu.clone();
        use_effect_with((), move |_| {
            let handler = Closure::<dyn Fn()>::new(move || {
                let hash = common::window()
                    .and_then(|w| w.location().hash().ok())
                    .unwrap_or_default();
                let Ok(mut r) = runner.try_borrow_mut() else {
                    return;
                };
                if hash.trim_start_matches('#') == r.written_hash {
                    return;
                }
                r.open_link(&hash);
                drop(r);
                selected.set(None);
                menu.set(None);
                force.force_update();
            });
            let window = common::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback(
                    "hashchange",
                    handler.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback(
                        "hashchange",
                        handler.as_ref().unchecked_ref(),
                    );
                }
                drop(handler);
            }
        });
    }

    let (view, notice, embed, canvas, root, design_view) = match runner.try_borrow_mut() {
        Ok(mut r) => (
            r.view(),
            r.notice.clone(),
            r.embed,
            r.canvas.clone(),
            r.root.clone(),
            DesignView::of(&r),
        ),
        // Only possible if a render were to run inside a runner callback; render nothing new.
        Err(_) => return html! {},
    };
    let snap = view.snapshot.clone();
    // The scrubber and the tour read the runner directly (cheap: no snapshot).
    let (tour_view, markers, furthest_us) = match runner.try_borrow() {
        Ok(r) => (
            r.tour_view(),
            common::Shared::new(r.fault_markers()),
            r.timeline.furthest_us.max(snap.now_us),
        ),
        Err(_) => return html! {},
    };

    // ----- callbacks -------------------------------------------------------------------
    let notify = |r: &mut Runner, res: Result<Fault, String>| {
        if let Err(e) = res {
            r.notice = Some(Notice::error(format!("The command was not scheduled: {e}")));
        }
    };
    let on_toggle = with_runner(&runner, &force, |r, ()| r.toggle_play());
    let on_step = with_runner(&runner, &force, |r, ()| r.step());
    let on_reset = {
        let cb = with_runner(&runner, &force, |r, ()| r.reset());
        let menu = menu.clone();
        Callback::from(move |()| {
            menu.set(None);
            cb.emit(());
        })
    };
    let on_speed = with_runner(&runner, &force, |r, s: f64| r.set_speed(s));
    let on_seed = with_runner(&runner, &force, |r, s: u64| r.set_seed(s));
    let on_run_to = with_runner(&runner, &force, |r, t: TimeUs| r.run_to(t));
    let on_preset = {
        let cb = with_runner(&runner, &force, |r, name: String| {
            // Another scenario picked by hand leaves the tour (its step no longer applies).
            r.tour = None;
            r.set_preset(&name)
        });
        let selected = selected.clone();
        let menu = menu.clone();
        Callback::from(move |name: String| {
            selected.set(None);
            menu.set(None);
            cb.emit(name);
        })
    };
    let on_action = {
        let cb = with_runner(
            &runner,
            &force,
            move |r, (id, action): (u32, NodeAction)| {
                // A node, or a zone / region (their ids follow the nodes' in the same space).
                let snap = r.sim.snapshot();
                let name = snap
                    .nodes
                    .iter()
                    .find(|n| n.id == id)
                    .map(|n| n.name.clone())
                    .or_else(|| {
                        snap.domains
                            .iter()
                            .find(|d| d.id == id)
                            .map(|d| d.name.clone())
                    })
                    .unwrap_or_else(|| r.sim.node_name(id));
                let res = r.command(action.fault(0, &name));
                notify(r, res);
            },
        );
        let menu = menu.clone();
        Callback::from(move |(id, action): (u32, NodeAction)| {
            menu.set(None);
            cb.emit((id, action));
            // Keyboard users continue from the node they acted on.
            runner::focus_node(id);
        })
    };
    let on_link = with_runner(
        &runner,
        &force,
        move |r, (a, b, cut): (String, String, bool)| {
            let action = if cut {
                crate::sim::FaultAction::Partition
            } else {
                crate::sim::FaultAction::Repair
            };
            let res = r.command(Fault {
                peer: Some(b),
                ..Fault::new(0, action, &a)
            });
            notify(r, res);
        },
    );
    // The inspector shows the engine's answer next to the field (a value the engine refuses
    // changes nothing), so it returns it rather than raising a notice.
    let on_set = {
        let runner = Rc::clone(&runner);
        let force = force.clone();
        Callback::from(
            move |(node, param, value): SetParam| -> Result<(), String> {
                let res = match runner.try_borrow_mut() {
                    Ok(mut r) => r.command(Fault::set(0, &node, &param, value)).map(|_| ()),
                    Err(_) => Err("the app is busy: try again".to_string()),
                };
                force.force_update();
                res
            },
        )
    };
    let on_node = {
        let selected = selected.clone();
        let menu = menu.clone();
        let snap = snap.clone();
        Callback::from(move |id: u32| {
            selected.set(Some(id));
            let has_menu = match snap.nodes.iter().find(|n| n.id == id) {
                Some(n) => !NodeAction::for_kind(n.kind).is_empty(),
                None => snap.domains.iter().any(|d| d.id == id),
            };
            menu.set(if *menu == Some(id) || !has_menu {
                None
            } else {
                Some(id)
            });
        })
    };
    let on_select = {
        let selected = selected.clone();
        Callback::from(move |id: u32| selected.set(Some(id)))
    };
    let on_close_menu = {
        let menu = menu.clone();
        Callback::from(move |()| menu.set(None))
    };
    let dismiss = with_runner(&runner, &force, |r, _: MouseEvent| r.notice = None);
    let super::lab_learn::LearnCallbacks {
        on_seek,
        on_tour_back,
        on_tour_next,
        on_tour_exit,
        on_tour_do_it,
        on_tour_start,
        on_tour_close,
        on_more,
        on_tours,
    } = super::lab_learn::learn_callbacks(
        &runner,
        &force,
        &tour_start,
        &embed_more,
        &selected,
        &menu,
    );

    let share_click = |embed_snippet: bool| {
        let runner = Rc::clone(&runner);
        let share_state = share_state.clone();
        Callback::from(move |_: MouseEvent| {
            let url = match runner.try_borrow() {
                Ok(r) => r.share_url(embed_snippet),
                Err(_) => return,
            };
            let text = match url {
                // The embed popover offers the sizes and copies the snippet itself.
                Ok(url) if embed_snippet => {
                    share_state.set(Some(ShareState {
                        embed: true,
                        text: Ok(url),
                        copied: None,
                    }));
                    return;
                }
                Ok(url) => url,
                Err(why) => {
                    share_state.set(Some(ShareState {
                        embed: embed_snippet,
                        text: Err(why),
                        copied: None,
                    }));
                    return;
                }
            };
            share_state.set(Some(ShareState {
                embed: embed_snippet,
                text: Ok(text.clone()),
                copied: None,
            }));
            let st = share_state.clone();
            let copied = text.clone();
            files::copy(&copied, move |ok| {
                st.set(Some(ShareState {
                    embed: embed_snippet,
                    text: Ok(text),
                    copied: Some(ok),
                }));
            });
        })
    };
    let on_share = share_click(false);
    let on_embed = share_click(true);
    let close_share = {
        let s = share_state.clone();
        Callback::from(move |_: MouseEvent| s.set(None))
    };

    let on_import = {
        let runner = Rc::clone(&runner);
        let force = force.clone();
        let selected = selected.clone();
        let menu = menu.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let runner = Rc::clone(&runner);
            let force = force.clone();
            let selected = selected.clone();
            let menu = menu.clone();
            let input2 = input.clone();
            files::read_text(&input, MAX_SCENARIO_BYTES, move |res| {
                // Let the same file be chosen again after fixing it.
                input2.set_value("");
                let Ok(mut r) = runner.try_borrow_mut() else {
                    return;
                };
                // A file that cannot be read, parsed, validated or built changes nothing: the
                // run on screen, its commands and the address bar stay as they were.
                let imported = res
                    .and_then(|(name, text)| files::parse_scenario(&name, &text))
                    .and_then(|scenario| {
                        let name = scenario.name.clone();
                        r.load_scenario(scenario).map(|()| name)
                    });
                match imported {
                    Ok(name) => {
                        // Another scenario leaves the tour, as picking a preset does.
                        r.tour = None;
                        r.notice = Some(Notice::info(format!(
                            "Imported scenario “{name}”. Back returns to the run before."
                        )));
                        selected.set(None);
                        menu.set(None);
                    }
                    Err(e) => {
                        r.notice = Some(Notice::error(format!(
                            "{e}\nNothing was imported: the run on screen and its commands are \
                             unchanged."
                        )));
                    }
                }
                drop(r);
                force.force_update();
            });
        })
    };
    let on_export_json = with_runner(&runner, &force, |r, _: MouseEvent| {
        let s = r.export_scenario();
        let name = format!("{}-seed{}.json", s.name, s.seed);
        if let Err(e) = files::download(&name, "application/json", &files::scenario_to_json(&s)) {
            r.notice = Some(Notice::error(format!("Export failed: {e}")));
        }
    });
    let on_export_csv = with_runner(&runner, &force, |r, _: MouseEvent| {
        let csv = files::metrics_csv(&r.sim.series(SECONDS_KEPT));
        let name = format!("{}-seed{}-metrics.csv", r.base.name, r.sim.seed());
        if let Err(e) = files::download(&name, "text/csv", &csv) {
            r.notice = Some(Notice::error(format!("Export failed: {e}")));
        }
    });

    let super::lab_learn::ExportCallbacks {
        on_export_svg,
        on_export_png,
        on_export_charts,
    } = super::lab_learn::export_callbacks(&runner, &force);

    // ----- render ----------------------------------------------------------------------
    // The CLI's name for what is on screen (an imported scenario: the file Export JSON writes).
    // An edited preset is reproduced by its exported file, as an imported one is.
    let estimate_source: AttrValue = match &*view.source {
        Source::Preset(name) if design_view.edits == 0 => name.clone().into(),
        Source::Preset(_) => format!("{}-seed{}.json", view.scenario.name, view.seed).into(),
        Source::Custom(_) => format!("{}-seed{}.json", view.scenario.name, view.seed).into(),
    };
    let (title, source_note, explanation) = match &*view.source {
        Source::Preset(name) => match presets::find(name) {
            Some(p) => (
                p.title.to_string(),
                match design_view.edits {
                    0 => format!(" (preset {}, from {})", p.name, p.source),
                    n => format!(
                        " (preset {}, from {}; your design: {n} change{})",
                        p.name,
                        p.source,
                        if n == 1 { "" } else { "s" }
                    ),
                },
                p.explanation.to_string(),
            ),
            None => (name.clone(), String::new(), String::new()),
        },
        Source::Custom(s) => (
            s.name.clone(),
            " (imported scenario)".to_string(),
            s.description.clone(),
        ),
    };

    let notice_html = notice.map(|n| {
        html! {
            <div class={classes!("notice", if n.error { "notice-error" } else { "notice-info" })}
                 role={if n.error { "alert" } else { "status" }} data-notice={if n.error { "error" } else { "info" }}>
                <svg viewBox="0 0 12 12" class="notice-icon" aria-hidden="true">
                    <path d={if n.error { common::icon::BANG } else { common::icon::CHECK }} />
                </svg>
                <div class="notice-body">
                    <p class="notice-text">{ n.text }</p>
                    if let Some(link) = n.link {
                        <CopyText text={AttrValue::from(link)} label="The link that could not be opened" />
                    }
                </div>
                <button type="button" class="btn btn-small btn-ghost" onclick={dismiss} aria-label="Dismiss">{ "Dismiss" }</button>
            </div>
        }
    });

    let share_html = (*share_state).clone().map(|s| {
        let kind = if s.embed { "embed" } else { "link" };
        match s.text {
            Ok(url) if s.embed => html! {
                <super::embed::EmbedPopover url={AttrValue::from(url)} title={AttrValue::from(format!("Failover Lab: {title}"))} on_close={close_share.clone()} />
            },
            Ok(text) => {
                let status = match s.copied {
                    None => "Copying…",
                    Some(true) => "Copied to the clipboard.",
                    Some(false) => "Copy it from here (the clipboard is not available):",
                };
                html! {
                    <div class="share-pop" role="status" data-share={kind}>
                        <span class="share-status">{ status }</span>
                        <input class="input mono share-text" type="text" readonly=true value={text.clone()} data-share-url={text}
                               aria-label={if s.embed { "Embed snippet" } else { "Share link" }}
                               onfocus={Callback::from(select_all)} />
                        <button type="button" class="btn btn-small btn-ghost" onclick={close_share}>{ "Close" }</button>
                    </div>
                }
            }
            Err(why) => html! {
                <div class="share-pop share-refused" role="status" data-share={kind} data-share-refused="">
                    <span class="share-status">{ why }</span>
                    <button type="button" class="btn btn-small btn-ghost" onclick={close_share}>{ "Close" }</button>
                </div>
            },
        }
    });

    // While the run is too large for a link, the address bar cannot follow it: say so, once,
    // next to the buttons that still work.
    let too_long_html = view.link_too_long.map(|chars| {
        html! {
            <div class="notice notice-warn" role="status" data-link-too-long={chars.to_string()}>
                <svg viewBox="0 0 12 12" class="notice-icon" aria-hidden="true"><path d={common::icon::BANG} /></svg>
                <p class="notice-text">
                    { runner::too_long_for_a_link(chars) }
                    { " The address bar shows the page without a run meanwhile." }
                </p>
            </div>
        }
    });

    let open_full = embed.then(|| match &view.full_link {
        Some(href) => html! {
            <a class="btn btn-small btn-ghost" href={AttrValue::from(Rc::clone(href))} target="_blank" rel="noopener" data-control="open-full">{ "Open in Failover Lab ↗" }</a>
        },
        None => html! {},
    });

    let legend = [
        NodeStatus::Up,
        NodeStatus::Suspected,
        NodeStatus::Down,
        NodeStatus::Starting,
        NodeStatus::Crashed,
        NodeStatus::Unreachable,
        NodeStatus::Degraded,
        NodeStatus::Failed,
    ]
    .map(|s| {
        let l = look(s);
        html! {
            <li class={classes!("legend-item", l.class)}>
                <svg viewBox="0 0 12 12" class="pill-svg" aria-hidden="true"><path d={l.icon} /></svg>{ l.label }
            </li>
        }
    });

    html! {
        <div class={classes!("lab", embed.then_some("embed"), (embed && !*embed_more).then_some("embed-compact"))} ref={root} data-lab="">
            if !embed { { props.header.clone() } }
            <main class="workspace" id="main">
                <section class="panel controls" data-area="controls" aria-label="Run controls">
                    <Controls part={Part::Run} playing={view.playing} speed={view.speed} slow={view.slow} achieved_speed={view.achieved_speed}
                              now_us={snap.now_us} events={snap.events} seed={view.seed} source={view.source.clone()}
                              run_to={view.run_to} commands={view.commands}
                              on_toggle={on_toggle.clone()} on_step={on_step.clone()} on_reset={on_reset.clone()} on_speed={on_speed.clone()}
                              on_seed={on_seed.clone()} on_preset={on_preset.clone()} on_run_to={on_run_to.clone()} />
                    <Scrubber now_us={snap.now_us} {furthest_us} {markers} {on_seek} />
                </section>
                <section class="panel diagram" data-area="diagram" aria-labelledby="diagram-title">
                    <div class="panel-head">
                        <h2 class="panel-title" id="diagram-title">{ "System" }</h2>
                        <div class="share-row" role="group" aria-label="Share and files">
                            <button type="button" class="btn btn-small" onclick={on_share} data-control="share" title="Copy a link that reproduces this exact run">{ "Share link" }</button>
                            <button type="button" class="btn btn-small" onclick={on_embed} data-control="embed" title="Copy an <iframe> snippet of this run">{ "Embed" }</button>
                            <label class="btn btn-small file-btn" title="Load a scenario JSON file">
                                { "Import" }
                                <input type="file" accept=".json,application/json" class="visually-hidden" onchange={on_import} data-control="import" />
                            </label>
                            <button type="button" class="btn btn-small" onclick={on_export_json} data-control="export-json" title="Download the scenario with your commands as faults: importing it replays this run">{ "Export JSON" }</button>
                            <button type="button" class="btn btn-small" onclick={on_export_csv} data-control="export-csv" title="Download the per-second metrics">{ "Export CSV" }</button>
                            <button type="button" class="btn btn-small" onclick={on_export_svg} data-control="export-svg" title="Download the diagram as it is now, with its states and a legend (SVG)">{ "Diagram SVG" }</button>
                            <button type="button" class="btn btn-small" onclick={on_export_png} data-control="export-png" title="Download the diagram as it is now, with its states and a legend (PNG)">{ "Diagram PNG" }</button>
                            <button type="button" class="btn btn-small" onclick={on_export_charts} data-control="export-charts" title="Download each chart as a PNG">{ "Charts PNG" }</button>
                            { open_full }
                            <button type="button" class="btn btn-small" onclick={on_tours} data-control="tours" title="Guided tours through the lessons">{ "Tours" }</button>
                            if embed {
                                <button type="button" class="btn btn-small btn-ghost" onclick={on_more} data-control="more" aria-expanded={(*embed_more).to_string()}>
                                    { if *embed_more { "Less" } else { "More" } }
                                </button>
                            }
                        </div>
                    </div>
                    <div class="scenario-bar">
                        <Controls part={Part::Scenario} playing={view.playing} speed={view.speed} slow={view.slow} achieved_speed={view.achieved_speed}
                                  now_us={snap.now_us} events={snap.events} seed={view.seed} source={view.source.clone()}
                                  run_to={view.run_to} commands={view.commands}
                                  {on_toggle} {on_step} {on_reset} {on_speed} {on_seed} {on_preset} {on_run_to} />
                    </div>
                    // One stable wrapper: what follows must not be recreated when a message
                    // appears (Yew matches unkeyed children from the end).
                    <div class="control-messages">
                        { share_html }
                        { notice_html }
                        { too_long_html }
                    </div>
                    if *tour_start && tour_view.is_none() {
                        <TourStart on_start={on_tour_start} on_close={on_tour_close} />
                    }
                    if let Some(tv) = tour_view {
                        <TourPanel view={tv} on_back={on_tour_back} on_next={on_tour_next} on_exit={on_tour_exit} on_do_it={on_tour_do_it} />
                    }
                    <div class="scenario-intro">
                        <h3 class="scenario-title" data-scenario-title="">{ title }</h3>
                        <p class="scenario-explain">{ super::glossary::annotated(&explanation) }<span class="muted">{ source_note }</span></p>
                    </div>
                    if !embed { { design.bar(&design_view, &view.scenario) } }
                    <Diagram layout={view.layout.clone()} snapshot={snap.clone()} selected={*selected} menu={*menu}
                             canvas={canvas} sampling={view.sampling} reduced_motion={view.reduced_motion}
                             {on_node} on_action={on_action.clone()} {on_close_menu} {on_link}
                             design={!embed} on_design={design.on_design.clone()}
                             on_add_in_zone={(!embed).then(|| design.on_add_in_zone.clone())} />
                    <ul class="state-legend" aria-label="Node states">{ for legend }</ul>
                    if !embed { { design.compare(&design_view, &snap, &view.layout, view.seed) } }
                </section>
                <section class="panel chart" data-area="chart" aria-labelledby="chart-title">
                    <div class="panel-head">
                        <h2 class="panel-title" id="chart-title">{ "What users see" }</h2>
                        <span class="panel-hint">{ "last 2 minutes of simulated time" }</span>
                    </div>
                    <Headline snapshot={snap.clone()} />
                    <Charts series={view.series.clone()} snapshot={snap.clone()} compact={view.layout.orientation == super::layout::Orientation::Vertical} />
                    <Panels snapshot={snap.clone()} series={view.series.clone()} />
                    if !embed {
                        <EstimatePanel scenario={view.scenario.clone()} seed={view.seed} source={estimate_source} />
                    }
                </section>
                <aside class="panel side" data-area="side" aria-label="Inspector and timeline">
                    // Three sections: on a phone the side panel dissolves and the failure
                    // timeline moves up right under the diagram (static/visualizer.css).
                    <div class="side-section" data-section="inspector">
                        <div class="panel-head"><h2 class="panel-title">{ "Inspector" }</h2></div>
                        <div class="side-body">
                            <Inspector selected={*selected} snapshot={snap.clone()} scenario={view.scenario.clone()}
                                       {on_set} {on_action} {on_select} />
                            if !embed { { design.node_panel(&snap, *selected, &view.scenario) } }
                        </div>
                    </div>
                    <div class="side-section" data-section="timeline">
                        <div class="panel-head"><h2 class="panel-title">{ "Failure timeline" }</h2></div>
                        <div class="side-body"><FailureTimeline snapshot={snap.clone()} /></div>
                    </div>
                    <div class="side-section" data-section="log">
                        <div class="panel-head"><h2 class="panel-title">{ "Event log" }</h2></div>
                        <div class="side-body log-body"><EventLog snapshot={snap.clone()} /></div>
                    </div>
                    if !embed { { props.side_extra.clone() } }
                </aside>
            </main>
        </div>
    }
}

/// Selects the whole text of the focused input (links and snippets to copy).
fn select_all(e: FocusEvent) {
    if let Some(i) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        i.select();
    }
}

#[derive(Properties, PartialEq)]
struct CopyTextProps {
    text: AttrValue,
    label: AttrValue,
}

/// A read-only field with the text and a Copy button (the clipboard, or "select it and copy
/// it yourself" where the clipboard is not available).
#[function_component(CopyText)]
fn copy_text(p: &CopyTextProps) -> Html {
    let copied = use_state(|| None::<bool>);
    let onclick = {
        let copied = copied.clone();
        let text = p.text.clone();
        Callback::from(move |_: MouseEvent| {
            let copied = copied.clone();
            files::copy(&text, move |ok| copied.set(Some(ok)));
        })
    };
    let status = match *copied {
        None => "",
        Some(true) => "Copied.",
        Some(false) => "Select it and copy it yourself (no clipboard here).",
    };
    html! {
        <div class="copy-text">
            <input class="input mono share-text" type="text" readonly=true value={p.text.clone()}
                   aria-label={p.label.clone()} data-copy-text="" onfocus={Callback::from(select_all)} />
            <button type="button" class="btn btn-small" {onclick} data-control="copy-link">{ "Copy" }</button>
            <span class="copy-status" role="status">{ status }</span>
        </div>
    }
}
