//! The page's own address, taken apart robustly: the links the app builds (share link, embed
//! snippet, "Open in Failover Lab", the error banner's "Open the default scenario") start from
//! the page's path and query, whatever odd query the page was opened with (`?embed=1&x`,
//! `?foo`, `?embed&debug=panic`), and end with the run's hash.

/// `search` (`?a=1&embed&b`, with or without the `?`) without the parameters named in `drop`,
/// other parameters kept exactly as written and in order. Returns `""` or `"?…"`.
pub fn query_without(search: &str, drop: &[&str]) -> String {
    let kept: Vec<&str> = search
        .strip_prefix('?')
        .unwrap_or(search)
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| {
            let key = pair.split_once('=').map_or(*pair, |(k, _)| k);
            !drop.contains(&key)
        })
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

/// The address of the page itself for a link to a run: scheme, host and path of `href`, then
/// its query without `embed` (embed mode travels in the hash) and without `debug`. The run's
/// hash is appended by the caller.
pub fn page_base(href: &str) -> String {
    // In a serialised URL the first `?` starts the query and the first `#` the fragment.
    let end = href.find(['?', '#']).unwrap_or(href.len());
    let (path, rest) = href.split_at(end);
    let search = rest.split('#').next().unwrap_or_default();
    format!("{path}{}", query_without(search, &["embed", "debug"]))
}

/// [`page_base`] of the current page (empty when the address cannot be read).
pub fn current_page_base() -> String {
    super::common::window()
        .and_then(|w| w.location().href().ok())
        .map(|href| page_base(&href))
        .unwrap_or_default()
}
