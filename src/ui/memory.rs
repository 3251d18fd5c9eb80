//! The app's allocator: the system allocator (dlmalloc on wasm32), with one addition.
//!
//! When WebAssembly memory cannot grow any more, an allocation fails and Rust aborts: a
//! `unreachable` trap, with no panic and no message, so the page only sees
//! "RuntimeError: unreachable". Just before that, this allocator marks `<html>` with
//! [`OUT_OF_MEMORY_ATTR`], and the boot script (`static/boot.js`), which shows the error
//! banner for the trap, says that the app ran out of memory.
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set on `<html>` when an allocation failed.
pub const OUT_OF_MEMORY_ATTR: &str = "data-app-out-of-memory";

pub struct Allocator;

// wasm32 only: natively the UI only renders the poster to HTML, and native test binaries
// (the fuzzer's counting allocator) bring their own.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

static MARKED: AtomicBool = AtomicBool::new(false);

// SAFETY: every method forwards to `System` with the same arguments; `out_of_memory` only
// runs after `System` returned null and never allocates through this allocator (see there).
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            out_of_memory();
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            out_of_memory();
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            out_of_memory();
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Marks `<html>`, once. Strings go to JavaScript as (pointer, length) and the DOM handles are
/// JavaScript objects, so this allocates nothing in Rust; if anything here did allocate and
/// fail, the flag, set first, stops the recursion.
fn out_of_memory() {
    if MARKED.swap(true, Ordering::Relaxed) {
        return;
    }
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _marked = html.set_attribute(OUT_OF_MEMORY_ATTR, "1");
    }
}
