//! The pending-event queue: a binary heap ordered by (time, sequence number).
//!
//! The sequence number is assigned at scheduling time and strictly increases, so events due
//! at the same microsecond run in the order they were scheduled (FIFO): the order never
//! depends on heap internals, which keeps runs identical across platforms.
use super::event::Event;
use super::time::TimeUs;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

#[derive(Clone, Copy, Debug)]
pub struct Scheduled {
    pub at_us: TimeUs,
    pub seq: u64,
    pub event: Event,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        self.at_us == other.at_us && self.seq == other.seq
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    // Reversed: BinaryHeap is a max-heap and we want the earliest first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .at_us
            .cmp(&self.at_us)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

#[derive(Default, Debug, Clone)]
pub struct EventQueue {
    heap: BinaryHeap<Scheduled>,
    /// Network-hop events (now + a hop latency) mostly arrive in time order: while they do,
    /// they wait in a FIFO instead of the heap (an O(1) push and pop instead of ~13 sift
    /// levels). An out-of-order one goes to the heap, so the order never changes.
    hops: VecDeque<Scheduled>,
    next_seq: u64,
}

impl EventQueue {
    pub fn push(&mut self, at_us: TimeUs, event: Event) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let s = Scheduled { at_us, seq, event };
        let hop = matches!(
            event,
            Event::AtBalancer(_)
                | Event::AtGateway(_)
                | Event::ResponseAtGateway { .. }
                | Event::AtInstance { .. }
                | Event::ResponseAtBalancer { .. }
                | Event::ResponseAtClient { .. }
        );
        if hop && self.hops.back().is_none_or(|b| b.at_us <= at_us) {
            self.hops.push_back(s);
        } else {
            self.heap.push(s);
        }
    }

    /// Whether the next event is in the hop lane (else the heap), and its time.
    fn first(&self) -> Option<(bool, TimeUs)> {
        let key = |x: Option<&Scheduled>| x.map(|s| (s.at_us, s.seq));
        match (key(self.heap.peek()), key(self.hops.front())) {
            (None, None) => None,
            (Some(h), None) => Some((false, h.0)),
            (None, Some(o)) => Some((true, o.0)),
            (Some(h), Some(o)) => Some(if o < h { (true, o.0) } else { (false, h.0) }),
        }
    }

    pub fn peek_time(&self) -> Option<TimeUs> {
        self.first().map(|(_, t)| t)
    }

    pub fn pop(&mut self) -> Option<Scheduled> {
        if self.first()?.0 {
            self.hops.pop_front()
        } else {
            self.heap.pop()
        }
    }

    /// Pop the next event if it is due at or before `limit`.
    pub fn pop_due(&mut self, limit: TimeUs) -> Option<Scheduled> {
        match self.first()? {
            (_, t) if t > limit => None,
            (true, _) => self.hops.pop_front(),
            (false, _) => self.heap.pop(),
        }
    }

    pub fn len(&self) -> usize {
        self.heap.len() + self.hops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty() && self.hops.is_empty()
    }
}
