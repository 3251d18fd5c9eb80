//! HAProxy server `maxconn` and its queues, as the state of one balancer (backend).
//!
//! HAProxy (configuration manual, `maxconn`, `maxqueue`, `timeout queue`): a server takes at
//! most `maxconn` requests at once. A request the balancing algorithm may send to any server
//! skips the full ones; when every server is full it waits in the *backend* queue. A request
//! bound to one server (a hash, or a retry of the same server) waits in that *server's* queue,
//! up to `maxqueue` (0: no limit), past which it is no longer bound and joins the backend
//! queue. When a request leaves a server, the slot goes to the oldest request of that
//! server's queue, else to the oldest of the backend queue. A request still waiting after
//! `timeout queue` (`timeout connect` when unset) is answered 503.
//!
//! The queues are FIFO deques with lazy removal: an entry names the request and the number
//! of its wait (the request's attempt counter when it was queued); once the request is served,
//! answered or gone, the entry is stale and skipped when it reaches the front. The engine
//! side (who is still waiting, the timeout event, the log) is `engine/server_queue.rs`.
use super::request::ReqRef;
use super::scenario::Balancer as BalancerSpec;
use super::time::{whole_ms_to_us, TimeUs};
use std::collections::VecDeque;

/// One request waiting for a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub r: ReqRef,
    /// The request's attempt counter while it waits (its wait's number).
    pub wait: u32,
    pub since_us: TimeUs,
}

/// Where a request waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Its server's own queue (the target slot).
    Server(u32),
    /// The backend's queue, for whichever server frees a slot first.
    Backend,
}

/// The queues and counters of one balancer.
#[derive(Clone, Debug, Default)]
pub struct BackendQueues {
    pub backend: VecDeque<Waiting>,
    /// Per target slot.
    pub servers: Vec<VecDeque<Waiting>>,
    /// Requests that ever waited, were taken by a server, and got HAProxy's 503.
    pub queued_total: u64,
    pub served_total: u64,
    pub timed_out_total: u64,
    /// The longest wait of a request a server then took (µs).
    pub longest_served_wait_us: TimeUs,
    /// A queueing episode is going on (requests waiting since the queues were last empty).
    pub episode: bool,
    /// The log has told that requests wait. Told again only after an episode with queue
    /// timeouts has ended: at a load just under capacity, short bursts queue for a moment
    /// many times a second, which is nothing to tell each time.
    pub start_told: bool,
    /// A queue timeout has been told in this episode.
    pub timeout_told: bool,
}

/// HAProxy `timeout queue`, or `timeout connect` when it is unset (µs).
pub fn timeout_queue_us(spec: &BalancerSpec) -> TimeUs {
    whole_ms_to_us(spec.timeout_queue_ms.unwrap_or(spec.timeout_connect_ms))
}

/// Whether a target with `active` requests in service has no slot left under `maxconn`.
pub fn full(spec: &BalancerSpec, active: u32) -> bool {
    spec.maxconn.is_some_and(|m| active >= m)
}

impl BackendQueues {
    pub fn new(targets: usize) -> Self {
        BackendQueues {
            servers: vec![VecDeque::new(); targets],
            ..BackendQueues::default()
        }
    }

    fn deque(&mut self, place: Place) -> &mut VecDeque<Waiting> {
        match place {
            Place::Backend => &mut self.backend,
            Place::Server(s) => &mut self.servers[s as usize],
        }
    }

    pub fn push(&mut self, place: Place, w: Waiting) {
        self.queued_total += 1;
        self.deque(place).push_back(w);
    }

    /// Drop stale entries at the front of `place`; the first live one, if any.
    fn front_live(&mut self, place: Place, live: &impl Fn(&Waiting) -> bool) -> Option<Waiting> {
        let q = self.deque(place);
        while let Some(w) = q.front() {
            if live(w) {
                return Some(*w);
            }
            q.pop_front();
        }
        None
    }

    /// The request that takes a slot freed at server `slot`: the oldest live one of the
    /// server's own queue, else (when the server may take new requests: `backend_ok`) the
    /// oldest of the backend queue. Removed from its queue.
    pub fn take_for(
        &mut self,
        slot: u32,
        backend_ok: bool,
        live: impl Fn(&Waiting) -> bool,
    ) -> Option<Waiting> {
        let place = if self.front_live(Place::Server(slot), &live).is_some() {
            Place::Server(slot)
        } else if backend_ok && self.front_live(Place::Backend, &live).is_some() {
            Place::Backend
        } else {
            return None;
        };
        self.deque(place).pop_front()
    }

    /// The oldest live request of the backend queue, left in place.
    pub fn backend_front(&mut self, live: impl Fn(&Waiting) -> bool) -> Option<Waiting> {
        self.front_live(Place::Backend, &live)
    }

    pub fn pop_backend(&mut self) -> Option<Waiting> {
        self.backend.pop_front()
    }

    /// Live requests waiting in `place`.
    pub fn waiting_in(&self, place: Place, live: impl Fn(&Waiting) -> bool) -> u32 {
        let q = match place {
            Place::Backend => &self.backend,
            Place::Server(s) => &self.servers[s as usize],
        };
        q.iter().filter(|w| live(w)).count() as u32
    }

    /// Live requests waiting in every queue of the balancer.
    pub fn waiting(&self, live: impl Fn(&Waiting) -> bool) -> u32 {
        self.backend
            .iter()
            .chain(self.servers.iter().flatten())
            .filter(|w| live(w))
            .count() as u32
    }

    /// Every queue is empty (stale entries included): the episode is over.
    pub fn is_empty(&self) -> bool {
        self.backend.is_empty() && self.servers.iter().all(|q| q.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(slot: u32, since_us: TimeUs) -> Waiting {
        Waiting {
            r: ReqRef { slot, gen: 0 },
            wait: 1,
            since_us,
        }
    }

    #[test]
    fn a_freed_slot_goes_to_its_server_queue_first_then_the_backend_queue() {
        let mut q = BackendQueues::new(2);
        q.push(Place::Backend, w(1, 10));
        q.push(Place::Server(0), w(2, 20));
        q.push(Place::Backend, w(3, 30));
        let all = |_: &Waiting| true;
        assert_eq!(q.take_for(0, true, all).map(|x| x.r.slot), Some(2));
        assert_eq!(q.take_for(0, true, all).map(|x| x.r.slot), Some(1));
        // Server 1 is out of rotation: it takes nothing from the backend queue.
        assert_eq!(q.take_for(1, false, all), None);
        assert_eq!(q.take_for(1, true, all).map(|x| x.r.slot), Some(3));
        assert!(q.is_empty());
    }

    #[test]
    fn stale_entries_are_skipped_and_not_counted() {
        let mut q = BackendQueues::new(1);
        for i in 0..4 {
            q.push(Place::Backend, w(i, i as TimeUs));
        }
        let live = |x: &Waiting| x.r.slot % 2 == 1;
        assert_eq!(q.waiting(live), 2);
        assert_eq!(q.waiting_in(Place::Server(0), live), 0);
        assert_eq!(q.take_for(0, true, live).map(|x| x.r.slot), Some(1));
        assert_eq!(q.take_for(0, true, live).map(|x| x.r.slot), Some(3));
        assert_eq!(q.take_for(0, true, live), None);
        assert!(q.is_empty());
    }
}
