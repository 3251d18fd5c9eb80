//! The page layout: header, then the visualizer's areas (controls, diagram, chart, side panel).
//!
//! The areas keep their `data-area` names, which the tests use; their content is the
//! visualizer (`lab.rs`). The header and the key ideas are the shell's own.

use yew::prelude::*;

use crate::ui::lab::Lab;

/// Product name, shown in the header and used by tests.
pub const PRODUCT_NAME: &str = "Failover Lab";
/// The one-line explanation under the product name.
pub const TAGLINE: &str = "Break servers, zones and databases on purpose and see whether \
                           health checks, load balancers and DNS keep the service up.";

/// The `data-area` names of the five shell areas, in document order.
pub const AREAS: [&str; 5] = ["header", "controls", "diagram", "side", "chart"];

#[function_component(Shell)]
pub fn shell() -> Html {
    // Embed mode (`?embed`, `#…&embed=1`) leaves out the header and the key ideas; the
    // visualizer decides, because it owns the URL.
    html! {
        <Lab header={html! { <Header /> }} side_extra={html! { <KeyIdeas /> }} />
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

#[function_component(KeyIdeas)]
fn key_ideas() -> Html {
    html! {
        <>
            <h3 class="side-subtitle">{ "Key ideas" }</h3>
            <dl class="ideas">
                { for KEY_IDEAS.iter().map(|(term, definition)| html! {
                    <div class="idea">
                        <dt>{ *term }</dt>
                        <dd>{ *definition }</dd>
                    </div>
                }) }
            </dl>
        </>
    }
}
