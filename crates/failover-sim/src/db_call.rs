//! Database round trips in flight, kept beside the event queue rather than inside `Event`.
//!
//! A query names its instance, worker, request, attempt, database node and more: carried in
//! the event itself, that made `Event` 28 bytes and every queued entry 48, and the queue's
//! sift moves paid for it on every event of every scenario (wasm32 most of all). Instead the
//! DbQuery / DbReply / DbTimeout events carry an index into this slab, and `Event` stays
//! within 16 bytes (see the size check in event.rs).
//!
//! An entry lives exactly as long as some queued event names it: `hold` when such an event
//! is pushed, `release` when it is handled, and the last release frees the slot. So a
//! handler always finds the payload its event was pushed with, and memory is bounded by the
//! queries in flight. Whether an answer is still wanted is not this slab's business: the
//! engine decides that as before (the worker still holds the job, the node's life matches).
use super::request::ReqRef;

/// One query from an instance's worker to a database node, and its answer once given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DbCall {
    pub instance: u32,
    pub worker: u32,
    /// The job the worker holds.
    pub r: ReqRef,
    pub attempt: u32,
    /// The node queried.
    pub db: u8,
    pub write: bool,
    /// The answer (set when the node replies), and the node's life when it answered (a
    /// node that died meanwhile never sent it).
    pub ok: bool,
    pub life: u32,
}

#[derive(Clone, Copy, Debug)]
struct Slot {
    call: DbCall,
    /// Queued events that name this entry.
    pending: u32,
}

#[derive(Clone, Debug, Default)]
pub struct DbCalls {
    slots: Vec<Slot>,
    free: Vec<u32>,
}

impl DbCalls {
    /// A new entry, named by no event yet: `hold` it for each event pushed with its index.
    pub fn open(&mut self, call: DbCall) -> u32 {
        let slot = Slot { call, pending: 0 };
        if let Some(id) = self.free.pop() {
            self.slots[id as usize] = slot;
            id
        } else {
            self.slots.push(slot);
            (self.slots.len() - 1) as u32
        }
    }

    pub fn get(&self, id: u32) -> DbCall {
        self.slots[id as usize].call
    }

    pub fn get_mut(&mut self, id: u32) -> &mut DbCall {
        &mut self.slots[id as usize].call
    }

    /// An event naming `id` was pushed.
    pub fn hold(&mut self, id: u32) {
        self.slots[id as usize].pending += 1;
    }

    /// An event naming `id` was handled; the last one frees the entry.
    pub fn release(&mut self, id: u32) {
        let s = &mut self.slots[id as usize];
        debug_assert!(s.pending > 0, "db call {id} released more often than held");
        s.pending -= 1;
        if s.pending == 0 {
            self.free.push(id);
        }
    }

    /// Entries named by some queued event.
    pub fn live(&self) -> usize {
        self.slots.len() - self.free.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(worker: u32) -> DbCall {
        DbCall {
            instance: 1,
            worker,
            r: ReqRef { slot: 3, gen: 4 },
            attempt: 1,
            db: 0,
            write: false,
            ok: false,
            life: 0,
        }
    }

    #[test]
    fn an_entry_lives_until_its_last_event_is_handled() {
        let mut c = DbCalls::default();
        let a = c.open(call(7));
        c.hold(a); // timeout
        c.hold(a); // query
        c.release(a); // query handled; the reply is pushed before the next release
        c.get_mut(a).ok = true;
        c.hold(a); // reply
        assert_eq!(c.live(), 1);
        c.release(a); // reply handled
        assert_eq!(c.get(a).worker, 7);
        assert!(c.get(a).ok);
        c.release(a); // timeout handled
        assert_eq!(c.live(), 0);
        // The freed slot is reused.
        let b = c.open(call(8));
        assert_eq!(b, a);
        assert_eq!(c.get(b).worker, 8);
        assert!(!c.get(b).ok);
    }
}
