//! The root component.

use yew::prelude::*;

use crate::ui::shell::Shell;

/// Attribute set to `"1"` on the app's root element once the first render is in the DOM.
/// End-to-end and wasm tests wait for it instead of sleeping.
pub const READY_ATTR: &str = "data-app-ready";

/// Debug builds only (`trunk serve`, the browser tests): `?debug=panic` panics right after
/// mounting, `?debug=trap` executes a WebAssembly `unreachable` (what running out of memory
/// ends in) a moment after start-up, to see the error banner. Release builds do not contain
/// them: nobody can send a link that crashes the app on purpose.
#[cfg(all(debug_assertions, target_arch = "wasm32"))]
const DEBUG_PARAM: &str = "debug";

#[function_component(App)]
pub fn app() -> Html {
    let root = use_node_ref();
    {
        let root = root.clone();
        // Effects run after the render has been committed to the DOM, so this marks the moment
        // the shell is really visible. Setting the attribute directly (not through state)
        // avoids a second render.
        use_effect_with((), move |_| {
            if let Some(element) = root.cast::<web_sys::Element>() {
                // Only fails for an invalid attribute name, which this constant is not.
                let _ready = element.set_attribute(READY_ATTR, "1");
            }
            // wasm32 only: natively the app is only rendered to HTML (the poster), where
            // effects never run.
            #[cfg(all(debug_assertions, target_arch = "wasm32"))]
            debug_crash(debug_request().as_deref());
        });
    }
    html! {
        <div class="app" ref={root}>
            <Shell />
        </div>
    }
}

/// The value of `?debug=…`, if any. Any failure to read the URL means none.
#[cfg(all(debug_assertions, target_arch = "wasm32"))]
fn debug_request() -> Option<String> {
    crate::ui::common::window()
        .and_then(|window| window.location().search().ok())
        .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok())
        .and_then(|params| params.get(DEBUG_PARAM))
}

#[cfg(all(debug_assertions, target_arch = "wasm32"))]
fn debug_crash(request: Option<&str>) {
    match request {
        Some("panic") => panic!("deliberate panic requested with ?{DEBUG_PARAM}=panic"),
        Some("trap") => {
            // After start-up, from a timer: as a trap in a frame or a click handler would.
            gloo_timers::callback::Timeout::new(200, || core::arch::wasm32::unreachable()).forget();
        }
        _ => {}
    }
}
