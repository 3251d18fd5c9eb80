//! The root component.

use yew::prelude::*;

use crate::ui::shell::Shell;

/// Attribute set to `"1"` on the app's root element once the first render is in the DOM.
/// End-to-end and wasm tests wait for it instead of sleeping.
pub const READY_ATTR: &str = "data-app-ready";

/// Query parameter that makes the app panic right after mounting (`?debug=panic`). It exists so
/// the end-to-end test can check, on the real release build, that a panic shows the banner.
const DEBUG_PARAM: &str = "debug";
const DEBUG_PANIC: &str = "panic";

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
            if deliberate_panic_requested() {
                panic!("deliberate panic requested with ?{DEBUG_PARAM}={DEBUG_PANIC}");
            }
        });
    }
    html! {
        <div class="app" ref={root}>
            <Shell />
        </div>
    }
}

/// Whether the page URL asks for the deliberate panic. Any failure to read the URL means no.
fn deliberate_panic_requested() -> bool {
    crate::ui::common::window()
        .and_then(|window| window.location().search().ok())
        .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok())
        .and_then(|params| params.get(DEBUG_PARAM))
        .is_some_and(|value| value == DEBUG_PANIC)
}
