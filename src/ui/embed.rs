//! The Embed popover: the frame sizes a course page uses (800×450, 640×360, or responsive
//! 16:9) and the `<iframe>` snippet for each, copied to the clipboard.
use yew::prelude::*;

use super::files;

/// A frame size offered for embedding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmbedSize {
    /// 16:9 at the width of the course page's column.
    Responsive,
    Fixed {
        width: u32,
        height: u32,
    },
}

pub const SIZES: [EmbedSize; 3] = [
    EmbedSize::Responsive,
    EmbedSize::Fixed {
        width: 800,
        height: 450,
    },
    EmbedSize::Fixed {
        width: 640,
        height: 360,
    },
];

impl EmbedSize {
    pub fn label(self) -> String {
        match self {
            EmbedSize::Responsive => "Responsive 16:9".into(),
            EmbedSize::Fixed { width, height } => format!("{width}×{height}"),
        }
    }
}

fn attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

/// The snippet for `url` (an embed link) at `size`, titled `title`: an aspect-ratio wrapper
/// around a lazy-loaded frame that may use the clipboard (the Share link button inside it).
pub fn snippet(url: &str, title: &str, size: EmbedSize) -> String {
    let frame = |style: &str, dims: &str| {
        format!(
            "<iframe src=\"{}\" title=\"{}\"{dims} loading=\"lazy\" allow=\"clipboard-write\" style=\"{style}\"></iframe>",
            attr(url),
            attr(title)
        )
    };
    match size {
        EmbedSize::Responsive => format!(
            "<div style=\"position:relative;width:100%;aspect-ratio:16/9\">{}</div>",
            frame(
                "position:absolute;inset:0;width:100%;height:100%;border:0",
                ""
            )
        ),
        EmbedSize::Fixed { width, height } => format!(
            "<div style=\"width:100%;max-width:{width}px;aspect-ratio:{width}/{height}\">{}</div>",
            frame(
                "width:100%;height:100%;border:0",
                &format!(" width=\"{width}\" height=\"{height}\"")
            )
        ),
    }
}

#[derive(Properties, PartialEq)]
pub struct EmbedPopoverProps {
    /// The embed link of the run on screen.
    pub url: AttrValue,
    /// The frame's title (the scenario's).
    pub title: AttrValue,
    pub on_close: Callback<MouseEvent>,
}

#[function_component(EmbedPopover)]
pub fn embed_popover(p: &EmbedPopoverProps) -> Html {
    let size = use_state(|| EmbedSize::Responsive);
    let copied = use_state(|| None::<bool>);
    let text = snippet(&p.url, &p.title, *size);
    // Copy whenever the snippet changes (the button click, then each size chosen).
    {
        let copied = copied.clone();
        use_effect_with(text.clone(), move |text| {
            copied.set(None);
            let copied = copied.clone();
            files::copy(text, move |ok| copied.set(Some(ok)));
        });
    }
    let buttons = SIZES.iter().map(|&s| {
        let size = size.clone();
        let active = *size == s;
        html! {
            <button type="button" class={classes!("chip", active.then_some("active"))} aria-pressed={active.to_string()}
                    data-embed-size={s.label()} onclick={Callback::from(move |_: MouseEvent| size.set(s))}>{ s.label() }</button>
        }
    });
    let status = match *copied {
        None => "Copying…",
        Some(true) => "Copied to the clipboard.",
        Some(false) => "Copy it from here (the clipboard is not available):",
    };
    html! {
        <div class="share-pop" role="status" data-share="embed">
            <div class="embed-sizes" role="group" aria-label="Frame size">{ for buttons }</div>
            <span class="share-status">{ status }</span>
            <input class="input mono share-text" type="text" readonly=true value={text.clone()} data-share-url={text}
                   aria-label="Embed snippet" />
            <button type="button" class="btn btn-small btn-ghost" onclick={p.on_close.clone()}>{ "Close" }</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_carry_title_lazy_clipboard_and_a_ratio() {
        let url = "http://h/?x#v=3&p=lb-spof&embed=1";
        for s in SIZES {
            let text = snippet(url, "Failover Lab: \"one\"", s);
            assert!(
                text.contains("src=\"http://h/?x#v=3&amp;p=lb-spof&amp;embed=1\""),
                "{text}"
            );
            assert!(
                text.contains("title=\"Failover Lab: &quot;one&quot;\""),
                "{text}"
            );
            assert!(text.contains("loading=\"lazy\""));
            assert!(text.contains("allow=\"clipboard-write\""));
            assert!(text.contains("aspect-ratio:"));
        }
        assert!(snippet(url, "t", SIZES[1]).contains("width=\"800\" height=\"450\""));
        assert!(snippet(url, "t", SIZES[2]).contains("aspect-ratio:640/360"));
    }
}
