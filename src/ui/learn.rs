//! Remembering, per browser, that the tours' start card has been seen (local storage; a
//! browser without it shows the card on every visit, which is harmless).
const SEEN_KEY: &str = "failover-lab-tours-seen";

fn storage() -> Option<web_sys::Storage> {
    super::common::window().and_then(|w| w.local_storage().ok().flatten())
}

/// No link in the address and the card never closed in this browser.
pub fn first_visit() -> bool {
    let has_link = super::common::window()
        .and_then(|w| w.location().hash().ok())
        .is_some_and(|h| h.trim_start_matches('#').contains("v="));
    !has_link
        && storage()
            .and_then(|s| s.get_item(SEEN_KEY).ok().flatten())
            .is_none()
}

pub fn mark_visited() {
    if let Some(s) = storage() {
        let _ = s.set_item(SEEN_KEY, "1");
    }
}
