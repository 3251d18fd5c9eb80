//! The timeline scrubber under the run controls: the simulated time so far, a handle to
//! drag back to any earlier moment, and a marker per fault (click: jump to just before it).
//!
//! Dragging seeks at once (the runner rebuilds that moment from a checkpoint, see
//! `timeline.rs`) but does not re-render per input event: the frame loop refreshes the
//! panels at their usual rate, and the canvas every frame.
use yew::prelude::*;

use super::common::{fmt_clock, Shared};
use super::timeline::{Marker, BEFORE_FAULT_US};
use crate::sim::time::TimeUs;

#[derive(Properties, PartialEq)]
pub struct ScrubberProps {
    pub now_us: TimeUs,
    /// The furthest moment reached (the end of the track).
    pub furthest_us: TimeUs,
    pub markers: Shared<Vec<Marker>>,
    /// Seek to a moment (µs).
    pub on_seek: Callback<TimeUs>,
}

/// One step of the handle (ms): fine enough to land between two health checks.
const STEP_MS: u64 = 100;

#[function_component(Scrubber)]
pub fn scrubber(p: &ScrubberProps) -> Html {
    let end_ms = (p.furthest_us.max(p.now_us) / 1_000).max(STEP_MS);
    let now_ms = (p.now_us / 1_000).min(end_ms);
    let seek_from = |e: InputEvent| -> Option<TimeUs> {
        let input: web_sys::HtmlInputElement = e.target_dyn_into()?;
        input.value().parse::<u64>().ok().map(|ms| ms * 1_000)
    };
    let oninput = {
        let on_seek = p.on_seek.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = seek_from(e) {
                on_seek.emit(t);
            }
        })
    };
    let behind = p.now_us < p.furthest_us;
    let markers = p.markers.iter().map(|m| {
        let left = (m.at_us as f64 / 1_000.0 / end_ms as f64 * 100.0).clamp(0.0, 100.0);
        let to = m.at_us.saturating_sub(BEFORE_FAULT_US);
        let on_seek = p.on_seek.clone();
        let title = format!("Jump to just before: {}", m.label);
        html! {
            <button type="button" class="scrub-marker" style={format!("left:{left:.2}%")}
                    title={title.clone()} aria-label={title} data-marker-us={m.at_us.to_string()}
                    onclick={Callback::from(move |_: MouseEvent| on_seek.emit(to))} />
        }
    });
    html! {
        <div class="scrubber" data-scrubber="" data-furthest-us={p.furthest_us.to_string()}>
            <div class="scrub-track">
                <input type="range" class="scrub-range" min="0" max={end_ms.to_string()} step={STEP_MS.to_string()}
                       value={now_ms.to_string()} {oninput} data-control="scrub"
                       aria-label="Simulated time: drag back to see an earlier moment"
                       aria-valuetext={format!("{} of {}", fmt_clock(p.now_us), fmt_clock(p.furthest_us))} />
                <div class="scrub-markers">{ for markers }</div>
            </div>
            <span class="scrub-note muted" aria-live="polite">
                if behind {
                    { format!("Looking back at {} of {}. Play replays the same run from here; a command here forks it and discards what came after.",
                              fmt_clock(p.now_us), fmt_clock(p.furthest_us)) }
                } else {
                    { "Drag back to any earlier moment; the marks are the faults (click one to jump just before it)." }
                }
            </span>
        </div>
    }
}
