//! Remembering, per browser, that the tours' start card has been seen (local storage; a
//! browser without it shows the card on every visit, which is harmless).
const SEEN_KEY: &str = "failover-lab-tours-seen";

fn storage() -> Option<web_sys::Storage> {
    super::common::window().and_then(|w| w.local_storage().ok().flatten())
}

thread_local! {
    /// Whether the page was opened with a link (a hash), noted before the app writes its own.
    static OPENED_WITH_LINK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Notes whether the page was opened with a link (`Runner::boot` calls it first).
pub fn note_opening_address() {
    let has_link = super::common::window()
        .and_then(|w| w.location().hash().ok())
        .is_some_and(|h| !h.trim_start_matches('#').is_empty());
    OPENED_WITH_LINK.with(|c| c.set(has_link));
}

/// Opened without a link and the card never closed in this browser.
pub fn first_visit() -> bool {
    !OPENED_WITH_LINK.with(|c| c.get())
        && storage()
            .and_then(|s| s.get_item(SEEN_KEY).ok().flatten())
            .is_none()
}

pub fn mark_visited() {
    if let Some(s) = storage() {
        let _ = s.set_item(SEEN_KEY, "1");
    }
}
