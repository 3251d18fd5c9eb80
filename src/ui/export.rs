//! Export of what is on screen as pictures: the diagram as SVG (standalone: the page's
//! computed styles are written onto each element, a legend of the states and a caption are
//! added) and as PNG (that SVG drawn on a canvas), and each chart as PNG. File names carry
//! the scenario, the seed and the simulated time (`redundant-behind-lb-seed1-t25.0s.svg`).
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::common;
use crate::sim::snapshot::NodeStatus;
use crate::sim::time::TimeUs;

/// Style properties copied from the page onto the exported elements (what SVG drawing
/// needs; layout comes from the SVG attributes themselves).
const PROPS: &[&str] = &[
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-opacity",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "text-anchor",
    "dominant-baseline",
    "visibility",
    "display",
];

/// Pixels per SVG unit in the PNGs (sharp on a high-density screen and in slides).
const PNG_SCALE: f64 = 2.0;
/// Height of the legend strip under the diagram (SVG units).
const LEGEND_H: f64 = 44.0;

/// `redundant-behind-lb-seed1-t25.0s` for a file name.
pub fn file_stem(scenario: &str, seed: u64, now_us: TimeUs) -> String {
    let safe: String = scenario
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{safe}-seed{seed}-t{:.1}s", now_us as f64 / 1e6)
}

fn attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

/// Copies the computed style of every element under `from` onto the same element of its
/// clone `to` (same tree, same order).
fn inline_styles(window: &web_sys::Window, from: &web_sys::Element, to: &web_sys::Element) {
    let (Ok(a), Ok(b)) = (from.query_selector_all("*"), to.query_selector_all("*")) else {
        return;
    };
    let pairs = std::iter::once((from.clone(), to.clone())).chain(
        (0..a.length().min(b.length())).filter_map(|i| {
            let x = a.item(i)?.dyn_into::<web_sys::Element>().ok()?;
            let y = b.item(i)?.dyn_into::<web_sys::Element>().ok()?;
            Some((x, y))
        }),
    );
    for (x, y) in pairs {
        let Ok(Some(cs)) = window.get_computed_style(&x) else {
            continue;
        };
        let style: String = PROPS
            .iter()
            .filter_map(|p| {
                let v = cs.get_property_value(p).ok()?;
                (!v.is_empty()).then(|| format!("{p}:{v};"))
            })
            .collect();
        let _ = y.set_attribute("style", &style);
        y.remove_attribute("class").ok();
    }
}

/// The diagram as a standalone SVG document: its layers, the states' legend and a caption.
pub fn diagram_svg(caption: &str) -> Result<String, String> {
    let window = common::window().ok_or("no window")?;
    let doc = common::document().ok_or("no document")?;
    let layers = doc
        .query_selector_all("[data-area=\"diagram\"] .diagram-svg")
        .map_err(|_| "the diagram is not on the page")?;
    let first = layers
        .item(0)
        .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        .ok_or("the diagram is not on the page")?;
    let view_box = first.get_attribute("viewBox").unwrap_or_default();
    let dims: Vec<f64> = view_box
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    let [_, _, w, h] = dims[..] else {
        return Err("the diagram has no size yet".into());
    };
    let serializer = web_sys::XmlSerializer::new().map_err(|_| "no XMLSerializer")?;
    let mut body = String::new();
    for i in 0..layers.length() {
        let Some(layer) = layers
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let copy = layer
            .clone_node_with_deep(true)
            .ok()
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            .ok_or("cannot copy the diagram")?;
        inline_styles(&window, &layer, &copy);
        // Each layer becomes a group of the one document (its children, not its <svg>).
        let inner = serializer
            .serialize_to_string(&copy)
            .map_err(|_| "cannot write the diagram")?;
        let start = inner.find('>').map_or(0, |i| i + 1);
        let end = inner.rfind("</svg>").unwrap_or(inner.len());
        body.push_str("<g>");
        body.push_str(&inner[start..end]);
        body.push_str("</g>");
    }
    let legend = legend_svg(&window, &doc, w, h);
    let total_h = h + LEGEND_H;
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {total_h}\" width=\"{w}\" height=\"{total_h}\" font-family=\"system-ui, sans-serif\">\
         <rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{total_h}\" fill=\"#ffffff\"/>{body}{legend}\
         <text x=\"8\" y=\"{:.1}\" font-size=\"11\" fill=\"#5b6577\">{}</text></svg>",
        total_h - 6.0,
        attr(caption)
    ))
}

/// The state legend as SVG, in the page's colours (each state's `--c`).
fn legend_svg(window: &web_sys::Window, doc: &web_sys::Document, w: f64, h: f64) -> String {
    let states = [
        NodeStatus::Up,
        NodeStatus::Suspected,
        NodeStatus::Down,
        NodeStatus::Starting,
        NodeStatus::Crashed,
        NodeStatus::Unreachable,
        NodeStatus::Degraded,
        NodeStatus::Failed,
    ];
    let step = (w / states.len() as f64).max(60.0);
    let mut out = String::new();
    for (i, s) in states.iter().enumerate() {
        let look = common::look(*s);
        let colour = doc
            .query_selector(&format!(".state-legend .{}", look.class))
            .ok()
            .flatten()
            .and_then(|el| window.get_computed_style(&el).ok().flatten())
            .and_then(|cs| cs.get_property_value("--c").ok())
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| "#888888".into());
        let x = 8.0 + i as f64 * step;
        out.push_str(&format!(
            "<g transform=\"translate({x:.1},{:.1})\"><circle cx=\"6\" cy=\"6\" r=\"5\" fill=\"{}\"/>\
             <text x=\"15\" y=\"10\" font-size=\"11\" fill=\"#111827\">{}</text></g>",
            h + 4.0,
            attr(&colour),
            attr(look.label)
        ));
    }
    out
}

/// Height of the title strip above an exported chart, and the room right of it (SVG units).
const CHART_TITLE_H: f64 = 36.0;
const CHART_PAD_RIGHT: f64 = 16.0;

/// The chart SVGs under "What users see", standalone, each under its title and `caption`.
pub fn chart_svgs(caption: &str) -> Result<Vec<(String, String)>, String> {
    let window = common::window().ok_or("no window")?;
    let doc = common::document().ok_or("no document")?;
    let figures = doc
        .query_selector_all("[data-area=\"chart\"] figure")
        .map_err(|_| "no charts on the page")?;
    let serializer = web_sys::XmlSerializer::new().map_err(|_| "no XMLSerializer")?;
    let mut out = Vec::new();
    for i in 0..figures.length() {
        let Some(fig) = figures
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let Some(svg) = fig.query_selector("svg.chart-svg").ok().flatten() else {
            continue;
        };
        let title = fig
            .query_selector(".chart-title")
            .ok()
            .flatten()
            .and_then(|t| t.text_content())
            .unwrap_or_else(|| format!("chart {}", i + 1));
        let copy = svg
            .clone_node_with_deep(true)
            .ok()
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            .ok_or("cannot copy a chart")?;
        inline_styles(&window, &svg, &copy);
        let view_box = svg.get_attribute("viewBox").unwrap_or_default();
        let dims: Vec<f64> = view_box
            .split_whitespace()
            .filter_map(|v| v.parse().ok())
            .collect();
        let [_, _, w, h] = dims[..] else {
            continue;
        };
        let inner = serializer
            .serialize_to_string(&copy)
            .map_err(|_| "cannot write a chart")?;
        let (start, end) = (
            inner.find('>').map_or(0, |i| i + 1),
            inner.rfind("</svg>").unwrap_or(inner.len()),
        );
        // The chart under its title, with room on the right for the last axis label.
        let (total_w, total_h) = (w + CHART_PAD_RIGHT, h + CHART_TITLE_H);
        let text = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {total_w} {total_h}\" width=\"{total_w}\" height=\"{total_h}\" font-family=\"system-ui, sans-serif\">\
             <rect x=\"0\" y=\"0\" width=\"{total_w}\" height=\"{total_h}\" fill=\"#ffffff\"/>\
             <text x=\"8\" y=\"14\" font-size=\"12\" font-weight=\"700\" fill=\"#111827\">{}</text>\
             <text x=\"8\" y=\"28\" font-size=\"10\" fill=\"#5b6577\">{}</text>\
             <g transform=\"translate(0,{CHART_TITLE_H})\">{}</g></svg>",
            attr(&title),
            attr(caption),
            &inner[start..end]
        );
        out.push((title, text));
    }
    if out.is_empty() {
        return Err("no charts on the page yet".into());
    }
    Ok(out)
}

/// Draws `svg` on a canvas at `PNG_SCALE` on white and downloads it as `name` (PNG). The
/// picture loads asynchronously; a failure is handed to `on_error`.
pub fn download_png(svg: &str, name: &str, on_error: yew::Callback<String>) {
    let started = (|| -> Result<(), String> {
        let doc = common::document().ok_or("no document")?;
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(svg));
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type("image/svg+xml");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)
            .map_err(|_| "the browser refused to create the picture")?;
        let url = web_sys::Url::create_object_url_with_blob(&blob)
            .map_err(|_| "the browser refused to create the picture")?;
        let img = web_sys::HtmlImageElement::new().map_err(|_| "cannot create an image")?;
        let (name, img2, url2, on_error2) =
            (name.to_string(), img.clone(), url.clone(), on_error.clone());
        let onload = Closure::once(move || {
            let res = (|| -> Result<(), String> {
                let canvas = doc
                    .create_element("canvas")
                    .ok()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok())
                    .ok_or("cannot create a canvas")?;
                let (w, h) = (img2.natural_width() as f64, img2.natural_height() as f64);
                canvas.set_width((w * PNG_SCALE).round() as u32);
                canvas.set_height((h * PNG_SCALE).round() as u32);
                let ctx = canvas
                    .get_context("2d")
                    .ok()
                    .flatten()
                    .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
                    .ok_or("no 2D canvas")?;
                ctx.set_fill_style_str("#ffffff");
                ctx.fill_rect(0.0, 0.0, w * PNG_SCALE, h * PNG_SCALE);
                ctx.draw_image_with_html_image_element_and_dw_and_dh(
                    &img2,
                    0.0,
                    0.0,
                    w * PNG_SCALE,
                    h * PNG_SCALE,
                )
                .map_err(|_| "cannot draw the picture")?;
                let data = canvas
                    .to_data_url_with_type("image/png")
                    .map_err(|_| "cannot encode the PNG")?;
                save_url(&data, &name)
            })();
            let _ = web_sys::Url::revoke_object_url(&url2);
            if let Err(e) = res {
                on_error2.emit(e);
            }
        });
        img.set_onload(Some(onload.as_ref().unchecked_ref()));
        // A once-closure: freed by wasm-bindgen after it has run.
        onload.forget();
        img.set_src(&url);
        Ok(())
    })();
    if let Err(e) = started {
        on_error.emit(e);
    }
}

/// Downloads a `data:` URL as `name`.
fn save_url(href: &str, name: &str) -> Result<(), String> {
    let doc = common::document().ok_or("no document")?;
    let a = doc
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .ok_or("cannot create a link element")?;
    a.set_href(href);
    a.set_download(name);
    if let Some(body) = doc.body() {
        let _ = body.append_child(&a);
    }
    a.click();
    a.remove();
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_carry_scenario_seed_and_time() {
        assert_eq!(
            super::file_stem("redundant-behind-lb", 1, 25_040_000),
            "redundant-behind-lb-seed1-t25.0s"
        );
        assert_eq!(super::file_stem("my file/x", 7, 0), "my-file-x-seed7-t0.0s");
    }
}
