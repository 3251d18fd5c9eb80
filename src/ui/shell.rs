//! The page layout: header, control bar, diagram, side panel and chart.
//!
//! Until the simulator is wired in, each area says what it will show instead of faking a
//! simulation; later issues replace the placeholder bodies and keep the areas (and their
//! `data-area` names, which the tests use).

use yew::prelude::*;

/// Product name, shown in the header and used by tests.
pub const PRODUCT_NAME: &str = "Failover Lab";
/// The one-line explanation under the product name.
pub const TAGLINE: &str = "Break servers, zones and databases on purpose and see whether \
                           health checks, load balancers and DNS keep the service up.";

/// The `data-area` names of the five shell areas, in document order.
pub const AREAS: [&str; 5] = ["header", "controls", "diagram", "side", "chart"];

#[function_component(Shell)]
pub fn shell() -> Html {
    html! {
        <>
            <Header />
            <main class="workspace" id="main">
                <ControlBar />
                <DiagramArea />
                <ChartArea />
                <SidePanel />
            </main>
        </>
    }
}

#[function_component(Header)]
fn header() -> Html {
    html! {
        <header class="site-header" data-area="header">
            <div class="brand">
                <BrandMark />
                <div class="brand-text">
                    <h1 class="brand-name">{ PRODUCT_NAME }</h1>
                    <p class="tagline">{ TAGLINE }</p>
                </div>
            </div>
        </header>
    }
}

/// The logo: one failed node (red) and its healthy replica taking over (green). Same drawing as
/// `static/favicon.svg`.
#[function_component(BrandMark)]
fn brand_mark() -> Html {
    html! {
        <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
            <rect x="1" y="1" width="30" height="30" rx="8" class="brand-mark-bg" />
            <path d="M9 16h4l2-5 3 10 2-5h3" class="brand-mark-pulse" />
            <circle cx="9" cy="9" r="2.5" class="brand-mark-down" />
            <circle cx="23" cy="23" r="2.5" class="brand-mark-up" />
        </svg>
    }
}

/// Panel heading: a small label plus an optional hint on the right.
#[derive(Properties, PartialEq)]
struct PanelHeadProps {
    id: AttrValue,
    title: AttrValue,
    #[prop_or_default]
    hint: Option<AttrValue>,
}

#[function_component(PanelHead)]
fn panel_head(props: &PanelHeadProps) -> Html {
    html! {
        <div class="panel-head">
            <h2 class="panel-title" id={props.id.clone()}>{ props.title.clone() }</h2>
            if let Some(hint) = &props.hint {
                <span class="panel-hint">{ hint.clone() }</span>
            }
        </div>
    }
}

#[function_component(ControlBar)]
fn control_bar() -> Html {
    // Dashed outlines mark where each control goes; they are plain text, not inert buttons,
    // so nothing on the page looks clickable without doing anything.
    let slots = [
        ("Scenario preset", "slot-wide"),
        ("Run / pause", ""),
        ("Step", ""),
        ("Speed", ""),
        ("Seed", ""),
        ("Inject a fault", "slot-fault"),
    ];
    html! {
        <section class="panel controls" data-area="controls" aria-labelledby="controls-title">
            <h2 class="panel-title" id="controls-title">{ "Controls" }</h2>
            <ul class="slots" aria-label="Controls that will appear here">
                { for slots.iter().map(|(label, extra)| html! {
                    <li class={classes!("slot", (!extra.is_empty()).then_some(*extra))}>{ *label }</li>
                }) }
            </ul>
            <p class="panel-note">{ "Pick a scenario, run it and break things here." }</p>
        </section>
    }
}

#[function_component(DiagramArea)]
fn diagram_area() -> Html {
    html! {
        <section class="panel diagram" data-area="diagram" aria-labelledby="diagram-title">
            <PanelHead id="diagram-title" title="System diagram" />
            <div class="placeholder diagram-canvas">
                <TopologySketch />
                <p class="placeholder-title">{ "The live system diagram will appear here" }</p>
                <p class="placeholder-text">
                    { "Clients, DNS, load balancers, service instances grouped by availability \
                       zone, and the primary and standby databases \u{2014} each marked healthy, \
                       failing or out of rotation, with requests flowing between them." }
                </p>
            </div>
        </section>
    }
}

/// A dashed wireframe of the simplest redundant system (client, load balancer, three servers,
/// database): it shows the shape of what the diagram will draw without pretending to be live.
#[function_component(TopologySketch)]
fn topology_sketch() -> Html {
    html! {
        <svg class="sketch" viewBox="0 0 240 168" aria-hidden="true" focusable="false">
            <g class="sketch-links">
                <path d="M120 30V50" />
                <path d="M120 70L50 98M120 70V98M120 70L190 98" />
                <path d="M50 122L112 144M120 122V142M190 122L128 144" />
            </g>
            <g class="sketch-nodes">
                <circle cx="120" cy="19" r="11" />
                <rect x="92" y="50" width="56" height="20" rx="5" />
                <rect x="28" y="98" width="44" height="24" rx="5" />
                <rect x="98" y="98" width="44" height="24" rx="5" />
                <rect x="168" y="98" width="44" height="24" rx="5" />
                <path d="M104 146c0-5 32-5 32 0v14c0 5-32 5-32 0z M104 146c0 5 32 5 32 0" />
            </g>
        </svg>
    }
}

#[function_component(ChartArea)]
fn chart_area() -> Html {
    html! {
        <section class="panel chart" data-area="chart" aria-labelledby="chart-title">
            <PanelHead id="chart-title" title="Timeline" hint="simulated time \u{2192}" />
            <div class="placeholder chart-canvas">
                // A card over the empty grid keeps the text readable across the grid lines.
                <div class="placeholder-card">
                    <p class="placeholder-title">{ "Charts will appear here" }</p>
                    <p class="placeholder-text">
                        { "Success rate and p50 / p99 latency over simulated time, with a marker \
                           for every injected fault, health-check verdict and failover." }
                    </p>
                </div>
            </div>
        </section>
    }
}

/// Short definitions from the subject matter. Real content, not a placeholder: they stay useful
/// next to the inspector once it exists.
const KEY_IDEAS: [(&str, &str); 5] = [
    (
        "Single point of failure",
        "A component whose failure alone takes the whole system down. Ask of every part: if \
         this fails, does everything fail?",
    ),
    (
        "Redundancy",
        "Duplicate instances of critical components \u{2014} servers, load balancers, \
         databases \u{2014} so that one can fail without an outage.",
    ),
    (
        "Health check",
        "A periodic probe of each instance. After a number of consecutive failures the \
         instance is marked down; after enough successes it is back in rotation.",
    ),
    (
        "Failover",
        "Automatically moving traffic, or the primary role, from a failed instance to a \
         healthy one. It is only as fast as failure detection.",
    ),
    (
        "Independent failures",
        "Redundancy helps only when copies fail independently: two servers in one zone, or \
         behind one shared dependency, go down together.",
    ),
];

#[function_component(SidePanel)]
fn side_panel() -> Html {
    html! {
        <aside class="panel side" data-area="side" aria-labelledby="side-title">
            <PanelHead id="side-title" title="Inspector" />
            <div class="placeholder placeholder-compact">
                <p class="placeholder-text">
                    { "Select a component in the diagram to see its settings \u{2014} check \
                       interval, rise and fall thresholds, timeouts \u{2014} and to inject a \
                       fault into it." }
                </p>
            </div>
            <h3 class="side-subtitle">{ "Key ideas" }</h3>
            <dl class="ideas">
                { for KEY_IDEAS.iter().map(|(term, definition)| html! {
                    <div class="idea">
                        <dt>{ *term }</dt>
                        <dd>{ *definition }</dd>
                    </div>
                }) }
            </dl>
        </aside>
    }
}
