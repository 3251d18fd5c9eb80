//! Glossary tooltips in the UI: the definitions live once in `sim::glossary`; this file turns
//! them into `<abbr>` elements (hover, or focus with the keyboard, shows plain words first,
//! then the vendor's meaning).
use yew::prelude::*;

use crate::sim::glossary::{self, Term};

/// `label` marked as the glossary term `key` (the label alone when the key is unknown).
pub fn term(key: &str, label: &str) -> Html {
    match glossary::lookup(key) {
        Some(t) => abbr(t, label),
        None => html! { { label.to_string() } },
    }
}

fn abbr(t: &Term, label: &str) -> Html {
    html! {
        <abbr class="term" tabindex="0" title={t.tooltip()} data-term={t.key}>{ label.to_string() }</abbr>
    }
}

/// `text` with every glossary word in it marked (explanations, log lines, the timeline).
pub fn annotated(text: &str) -> Html {
    let mut parts: Vec<Html> = Vec::new();
    let mut at = 0;
    while let Some((start, end, t)) = glossary::next_term(text, at) {
        if start > at {
            parts.push(html! { { text[at..start].to_string() } });
        }
        parts.push(abbr(t, &text[start..end]));
        at = end;
    }
    if at < text.len() {
        parts.push(html! { { text[at..].to_string() } });
    }
    html! { <>{ for parts }</> }
}

/// The hover text of a parameter (`health_check.fastinter_ms`, `failover.loop_wait_s`): the
/// glossary's plain words for its term first, then the parameter's own help.
pub fn param_hint(param: &str, help: &str) -> String {
    let last = param.rsplit('.').next().unwrap_or(param);
    let bare = last
        .strip_suffix("_ms")
        .or_else(|| last.strip_suffix("_s"))
        .unwrap_or(last);
    let term = glossary::TERMS
        .iter()
        .find(|t| t.key == bare || t.words.contains(&bare));
    match term {
        Some(t) => format!("{}\n\n{help}", t.tooltip()),
        None => help.to_string(),
    }
}

/// The hover text of a line: every glossary term it uses, defined (empty when none).
pub fn definitions_in(text: &str) -> String {
    glossary::terms_in(text)
        .iter()
        .map(|t| t.tooltip())
        .collect::<Vec<_>>()
        .join("\n")
}
