//! The visualizer's callbacks for issue 14, kept out of `lab.rs`: the timeline scrubber,
//! the guided tour's buttons and start card, the compact embed's "More", and the picture
//! exports (`export.rs`).
use std::rc::Rc;

use yew::prelude::*;

use super::common;
use super::files;
use super::lab::{with_runner, RunnerRc};
use super::runner::{Notice, Runner};
use crate::sim::time::TimeUs;

pub(super) struct LearnCallbacks {
    pub on_seek: Callback<TimeUs>,
    pub on_tour_back: Callback<()>,
    pub on_tour_next: Callback<()>,
    pub on_tour_exit: Callback<()>,
    pub on_tour_do_it: Callback<()>,
    pub on_tour_start: Callback<&'static str>,
    pub on_tour_close: Callback<()>,
    pub on_more: Callback<MouseEvent>,
    pub on_tours: Callback<MouseEvent>,
}

pub(super) fn learn_callbacks(
    runner: &RunnerRc,
    force: &UseForceUpdateHandle,
    tour_start: &UseStateHandle<bool>,
    embed_more: &UseStateHandle<bool>,
    selected: &UseStateHandle<Option<u32>>,
    menu: &UseStateHandle<Option<u32>>,
) -> LearnCallbacks {
    // A seek does not re-render here: the frame loop refreshes the panels at their rate.
    let on_seek = {
        let runner = Rc::clone(runner);
        Callback::from(move |t: TimeUs| {
            if let Ok(mut r) = runner.try_borrow_mut() {
                if let Err(e) = r.seek(t) {
                    r.notice = Some(Notice::error(e));
                }
            }
        })
    };
    let on_tour_back = with_runner(runner, force, |r, ()| {
        if let Some(step) = r.tour.as_ref().map(|t| t.step) {
            r.tour_go(step.saturating_sub(1));
        }
    });
    let on_tour_next = with_runner(runner, force, |r, ()| {
        match r.tour.as_ref().map(|t| (t.step, t.tour.steps.len())) {
            Some((step, n)) if step + 1 < n => r.tour_go(step + 1),
            Some(_) => {
                r.exit_tour();
                r.notice = Some(Notice::info("Tour complete. The run stays on screen: explore it freely, or pick another tour under Tours."));
            }
            None => {}
        }
    });
    let on_tour_exit = with_runner(runner, force, |r, ()| r.exit_tour());
    let on_tour_do_it = with_runner(runner, force, |r, ()| r.tour_do_it());
    let on_tour_start = {
        let cb = with_runner(runner, force, |r, id: &'static str| r.start_tour(id, 0));
        let tour_start = tour_start.clone();
        let (selected, menu) = (selected.clone(), menu.clone());
        Callback::from(move |id: &'static str| {
            super::learn::mark_visited();
            tour_start.set(false);
            selected.set(None);
            menu.set(None);
            cb.emit(id);
        })
    };
    let on_tour_close = {
        let tour_start = tour_start.clone();
        Callback::from(move |()| {
            super::learn::mark_visited();
            tour_start.set(false);
        })
    };
    let on_more = {
        let embed_more = embed_more.clone();
        Callback::from(move |_: MouseEvent| embed_more.set(!*embed_more))
    };
    let on_tours = {
        let tour_start = tour_start.clone();
        Callback::from(move |_: MouseEvent| tour_start.set(!*tour_start))
    };

    LearnCallbacks {
        on_seek,
        on_tour_back,
        on_tour_next,
        on_tour_exit,
        on_tour_do_it,
        on_tour_start,
        on_tour_close,
        on_more,
        on_tours,
    }
}

pub(super) struct ExportCallbacks {
    pub on_export_svg: Callback<MouseEvent>,
    pub on_export_png: Callback<MouseEvent>,
    pub on_export_charts: Callback<MouseEvent>,
}

pub(super) fn export_callbacks(runner: &RunnerRc, force: &UseForceUpdateHandle) -> ExportCallbacks {
    // Pictures of what is on screen (export.rs): names carry scenario, seed and time.
    let picture_stem =
        |r: &Runner| super::export::file_stem(&r.base.name, r.sim.seed(), r.sim.now_us());
    let picture_caption = |r: &Runner| {
        format!(
            "Failover Lab · {} · seed {} · {} simulated",
            r.recipe.source_name(),
            r.sim.seed(),
            common::fmt_clock(r.sim.now_us())
        )
    };
    let export_error = {
        let runner = Rc::clone(runner);
        let force = force.clone();
        Callback::from(move |e: String| {
            if let Ok(mut r) = runner.try_borrow_mut() {
                r.notice = Some(Notice::error(format!("Export failed: {e}")));
            }
            force.force_update();
        })
    };
    let on_export_svg = with_runner(runner, force, move |r, _: MouseEvent| {
        let res = super::export::diagram_svg(&picture_caption(r)).and_then(|svg| {
            files::download(
                &format!("{}-diagram.svg", picture_stem(r)),
                "image/svg+xml",
                &svg,
            )
        });
        if let Err(e) = res {
            r.notice = Some(Notice::error(format!("Export failed: {e}")));
        }
    });
    let on_export_png = {
        let export_error = export_error.clone();
        with_runner(
            runner,
            force,
            move |r, _: MouseEvent| match super::export::diagram_svg(&picture_caption(r)) {
                Ok(svg) => super::export::download_png(
                    &svg,
                    &format!("{}-diagram.png", picture_stem(r)),
                    export_error.clone(),
                ),
                Err(e) => r.notice = Some(Notice::error(format!("Export failed: {e}"))),
            },
        )
    };
    let on_export_charts =
        with_runner(
            runner,
            force,
            move |r, _: MouseEvent| match super::export::chart_svgs(&picture_caption(r)) {
                Ok(charts) => {
                    for (i, (_, svg)) in charts.iter().enumerate() {
                        let name = format!("{}-chart{}.png", picture_stem(r), i + 1);
                        super::export::download_png(svg, &name, export_error.clone());
                    }
                }
                Err(e) => r.notice = Some(Notice::error(format!("Export failed: {e}"))),
            },
        );

    ExportCallbacks {
        on_export_svg,
        on_export_png,
        on_export_charts,
    }
}
