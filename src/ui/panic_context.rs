//! What the panic banner adds to reproduce a crash: the scenario, the seed, the simulated time
//! and the share link of the run that was on screen. The runner updates it whenever the run
//! changes; the panic hook reads it.
use std::cell::RefCell;

thread_local! {
    static CONTEXT: RefCell<String> = const { RefCell::new(String::new()) };
}

pub fn set(text: String) {
    CONTEXT.with(|c| {
        // A panic while the context is being written must not turn into a second panic.
        if let Ok(mut slot) = c.try_borrow_mut() {
            *slot = text;
        }
    });
}

/// The current context, or empty. Never panics (it runs inside the panic hook).
pub fn get() -> String {
    CONTEXT
        .try_with(|c| c.try_borrow().map(|s| s.clone()).unwrap_or_default())
        .unwrap_or_default()
}
