//! The diagram's zoom: on a phone a whole multi-region system fitted to 360 px would draw its
//! labels at 6 px, so the diagram opens at the smallest zoom where every label is readable
//! (≥ 11 px) and pans inside its own scroll box; "Fit" shows it whole, − and + step between.
//! On wide screens "auto" is the fitted diagram, as before (the CSS decides by width).
use yew::prelude::*;

/// The smallest font size the diagram's SVG uses, in layout units (`.spof-tag text` in
/// static/visualizer.css: 10 px; keep the two in step).
pub const SMALLEST_TEXT_UNITS: f64 = 10.0;
/// The smallest label size a phone reader is asked to read, in CSS px.
pub const READABLE_TEXT_PX: f64 = 11.0;
/// One press of − or +.
const STEP: f64 = 1.25;
const MIN_SCALE: f64 = 0.2;
const MAX_SCALE: f64 = 3.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Zoom {
    /// Fitted on wide screens, readable on narrow ones (CSS media query).
    Auto,
    /// The whole diagram in the width of its box.
    Fit,
    /// Layout units → CSS px.
    Scale(f64),
}

/// The scale at which the smallest label is `READABLE_TEXT_PX`.
pub fn readable_scale() -> f64 {
    READABLE_TEXT_PX / SMALLEST_TEXT_UNITS
}

impl Zoom {
    /// The CSS class of the stage for this zoom.
    pub fn class(self) -> &'static str {
        match self {
            Zoom::Auto => "zoom-auto",
            Zoom::Fit => "zoom-fit",
            Zoom::Scale(_) => "zoom-scale",
        }
    }

    /// Inline style of the stage: its aspect ratio and the widths the CSS picks from.
    pub fn style(self, w: f64, h: f64) -> String {
        let base = format!(
            "aspect-ratio: {w:.1} / {h:.1}; --fit-max-w: {:.1}px; --readable-w: {:.1}px; --ratio: {:.4}",
            w * 1.2,
            w * readable_scale(),
            // The compact embed fits the stage to the frame's height (static/learn.css).
            w / h.max(1.0)
        );
        match self {
            Zoom::Scale(s) => format!("{base}; width: {:.1}px; max-width: none", w * s),
            _ => base,
        }
    }

    /// One step in (`factor` > 1) or out from the scale on screen now (`shown_scale`, the
    /// stage's measured width over the layout's).
    pub fn stepped(shown_scale: f64, zoom_in: bool) -> Zoom {
        let s = if zoom_in {
            shown_scale * STEP
        } else {
            shown_scale / STEP
        };
        Zoom::Scale(s.clamp(MIN_SCALE, MAX_SCALE))
    }
}

#[derive(Properties, PartialEq)]
pub struct ZoomBarProps {
    pub zoom: Zoom,
    /// Measured width of the stage over the layout width (for − and +).
    pub on_zoom: Callback<ZoomRequest>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ZoomRequest {
    In,
    Out,
    Fit,
    Readable,
}

/// − / Fit / Readable / + under the diagram.
#[function_component(ZoomBar)]
pub fn zoom_bar(p: &ZoomBarProps) -> Html {
    let button = |req: ZoomRequest,
                  key: &'static str,
                  label: &'static str,
                  title: &'static str,
                  active: bool| {
        let cb = p.on_zoom.clone();
        html! {
            <button type="button" class={classes!("chip", active.then_some("active"))} data-control={key} {title}
                    aria-pressed={if active { "true" } else { "false" }}
                    onclick={Callback::from(move |_: MouseEvent| cb.emit(req))}>{ label }</button>
        }
    };
    let readable = matches!(p.zoom, Zoom::Scale(s) if (s - readable_scale()).abs() < 1e-9);
    html! {
        <div class="zoom-bar" role="group" aria-label="Diagram zoom">
            { button(ZoomRequest::Out, "zoom-out", "−", "Zoom out", false) }
            { button(ZoomRequest::Fit, "zoom-fit", "Fit", "The whole system in the width of the screen", p.zoom == Zoom::Fit) }
            { button(ZoomRequest::Readable, "zoom-readable", "Readable", "Labels at a readable size; drag or scroll to pan", readable) }
            { button(ZoomRequest::In, "zoom-in", "+", "Zoom in", false) }
        </div>
    }
}
