//! Files and clipboard: scenario import/export (JSON), metrics export (CSV), copying links.
//! Every browser call that can fail reports an error string instead of panicking.
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::common::{self, fmt_count};
use crate::sim::metrics::{FailureReason, SecondBucket};
use crate::sim::Scenario;

/// How long a download's object URL stays valid. Firefox and Safari start reading it only
/// after `click()` returns, so revoking it at once can cancel the download; 40 s is what
/// FileSaver.js settled on. (An object URL costs only the file's memory meanwhile.)
pub const REVOKE_AFTER_MS: u32 = 40_000;

/// Offers `text` as a file download named `name`. Returns the object URL, which stays valid
/// for `REVOKE_AFTER_MS`.
pub fn download(name: &str, mime: &str, text: &str) -> Result<String, String> {
    let doc = common::document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)
        .map_err(|_| "the browser refused to create the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser refused to create a download link")?;
    let a = doc
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .ok_or("cannot create a link element")?;
    a.set_href(&url);
    a.set_download(name);
    // In the document while clicked (older Firefox ignores a click on a detached link).
    let body = doc.body();
    if let Some(body) = &body {
        let _ = body.append_child(&a);
    }
    a.click();
    a.remove();
    let revoke = url.clone();
    gloo_timers::callback::Timeout::new(REVOKE_AFTER_MS, move || {
        let _ = web_sys::Url::revoke_object_url(&revoke);
    })
    .forget();
    Ok(url)
}

/// Reads the first file of a file input as text, then calls `done` with it (or an error).
/// A file larger than `max_bytes` is refused before it is read.
pub fn read_text(
    input: &web_sys::HtmlInputElement,
    max_bytes: usize,
    done: impl FnOnce(Result<(String, String), String>) + 'static,
) {
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        done(Err("no file chosen".into()));
        return;
    };
    let name = file.name();
    if let Err(e) = check_size(&name, file.size(), max_bytes) {
        done(Err(e));
        return;
    }
    let reader = match web_sys::FileReader::new() {
        Ok(r) => r,
        Err(_) => {
            done(Err("this browser cannot read files".into()));
            return;
        }
    };
    // One closure for both outcomes; the reader calls exactly one of onload / onerror.
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let r2 = reader.clone();
    let n2 = name.clone();
    let d2 = done.clone();
    let onload = Closure::once_into_js(move || {
        let text = r2.result().ok().and_then(|v| v.as_string());
        if let Some(f) = d2.borrow_mut().take() {
            match text {
                Some(t) => f(Ok((n2, t))),
                None => f(Err(format!("{n2}: not a text file"))),
            }
        }
    });
    let n3 = name.clone();
    let onerror = Closure::once_into_js(move || {
        if let Some(f) = done.borrow_mut().take() {
            f(Err(format!("{n3}: the file could not be read")));
        }
    });
    reader.set_onload(Some(onload.unchecked_ref()));
    reader.set_onerror(Some(onerror.unchecked_ref()));
    if reader.read_as_text(&file).is_err() {
        // onerror fires for asynchronous failures; a synchronous refusal lands here.
        reader.abort();
    }
}

pub use crate::scenario_json::{scenario_from_json, scenario_to_json};

/// Refuses a file of `size` bytes above `max_bytes`, with a message naming both.
pub fn check_size(name: &str, size: f64, max_bytes: usize) -> Result<(), String> {
    if size.is_finite() && size <= max_bytes as f64 {
        return Ok(());
    }
    Err(format!(
        "{name} is {}: scenario files are limited to {} ({} bytes), so it was not read",
        fmt_bytes(size),
        fmt_bytes(max_bytes as f64),
        fmt_count(max_bytes as u64)
    ))
}

/// `512 bytes`, `12.3 KiB`, `6.2 MiB`.
pub fn fmt_bytes(n: f64) -> String {
    if n < 1024.0 {
        format!("{n:.0} bytes")
    } else if n < 1024.0 * 1024.0 {
        format!("{:.1} KiB", n / 1024.0)
    } else {
        format!("{:.1} MiB", n / (1024.0 * 1024.0))
    }
}

/// Parses and validates an imported scenario. The error names the file and, for invalid
/// values, every field path (`balancers[0].health_check.rise: must be between 1 and 10`).
pub fn parse_scenario(name: &str, text: &str) -> Result<Scenario, String> {
    let scenario = scenario_from_json(text).map_err(|e| format!("{name}: {e}"))?;
    crate::sim::validate::validate(&scenario)
        .map_err(|e| format!("{name} is not a valid scenario:\n{e}"))?;
    Ok(scenario)
}

/// The per-second metrics as CSV, one row per simulated second.
pub fn metrics_csv(series: &[SecondBucket]) -> String {
    let mut out = String::from("second,sent,succeeded,failed");
    for r in FailureReason::ALL {
        out.push_str(",failed_");
        out.push_str(r.key());
    }
    out.push_str(",retried,availability,p50_ms,p99_ms\n");
    for b in series {
        out.push_str(&format!(
            "{},{},{},{}",
            b.second,
            b.sent,
            b.succeeded,
            b.failed_total()
        ));
        for r in FailureReason::ALL {
            out.push_str(&format!(",{}", b.failed[r.index()]));
        }
        let avail = b
            .availability()
            .map(|a| format!("{a:.6}"))
            .unwrap_or_default();
        out.push_str(&format!(
            ",{},{avail},{:.3},{:.3}\n",
            b.retried,
            b.p50_us as f64 / 1_000.0,
            b.p99_us as f64 / 1_000.0
        ));
    }
    out
}

/// Copies `text` to the clipboard; `done(true)` once written, `done(false)` when the
/// clipboard is unavailable or refused (the caller then shows the text to copy by hand).
pub fn copy(text: &str, done: impl FnOnce(bool) + 'static) {
    let Some(nav) = common::window().map(|w| w.navigator()) else {
        done(false);
        return;
    };
    // `navigator.clipboard` is undefined outside secure contexts: check before calling it.
    let has = js_sys::Reflect::get(&nav, &JsValue::from_str("clipboard"))
        .map(|c| !c.is_undefined() && !c.is_null())
        .unwrap_or(false);
    if !has {
        done(false);
        return;
    }
    let promise = nav.clipboard().write_text(text);
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let d2 = done.clone();
    let ok = Closure::once_into_js(move |_: JsValue| {
        if let Some(f) = d2.borrow_mut().take() {
            f(true);
        }
    });
    let err = Closure::once_into_js(move |_: JsValue| {
        if let Some(f) = done.borrow_mut().take() {
            f(false);
        }
    });
    // `then` through Reflect: the self-freeing `once_into_js` functions fit its JS signature.
    let then = js_sys::Reflect::get(&promise, &JsValue::from_str("then"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(then) = then {
        let _ = then.call2(&promise, &ok, &err);
    }
}
