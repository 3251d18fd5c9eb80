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
    /// Client deadlines (now + a constant timeout) arrive in time order: a FIFO, not the heap.
    fifo: VecDeque<Scheduled>,
    /// Events one network hop from now (now + a constant), in time order too.
    hops: VecDeque<Scheduled>,
    next_seq: u64,
}

impl EventQueue {
    pub fn push(&mut self, at_us: TimeUs, event: Event) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let s = Scheduled { at_us, seq, event };
        if matches!(event, Event::ClientDeadline(_))
            && self.fifo.back().is_none_or(|b| b.at_us <= at_us)
        {
            self.fifo.push_back(s);
        } else if matches!(
            event,
            Event::AtBalancer(_)
                | Event::AtInstance { .. }
                | Event::ResponseAtBalancer { .. }
                | Event::ResponseAtClient { .. }
        ) && self.hops.back().is_none_or(|b| b.at_us <= at_us)
        {
            self.hops.push_back(s);
        } else {
            self.heap.push(s);
        }
    }

    /// Which store holds the next event: 0 heap, 1 deadlines, 2 hops (None: empty).
    fn first(&self) -> Option<(u8, TimeUs)> {
        const NONE: (u64, u64) = (u64::MAX, u64::MAX);
        let key = |x: Option<&Scheduled>| x.map_or(NONE, |s| (s.at_us, s.seq));
        let (h, f, o) = (
            key(self.heap.peek()),
            key(self.fifo.front()),
            key(self.hops.front()),
        );
        let (which, k) = if h <= f && h <= o {
            (0, h)
        } else if f <= o {
            (1, f)
        } else {
            (2, o)
        };
        (k != NONE).then_some((which, k.0))
    }

    pub fn peek_time(&self) -> Option<TimeUs> {
        self.first().map(|(_, t)| t)
    }

    pub fn pop(&mut self) -> Option<Scheduled> {
        match self.first()?.0 {
            0 => self.heap.pop(),
            1 => self.fifo.pop_front(),
            _ => self.hops.pop_front(),
        }
    }

    /// Pop the next event if it is due at or before `limit`.
    pub fn pop_due(&mut self, limit: TimeUs) -> Option<Scheduled> {
        match self.first()? {
            (_, t) if t > limit => None,
            (0, _) => self.heap.pop(),
            (1, _) => self.fifo.pop_front(),
            _ => self.hops.pop_front(),
        }
    }

    pub fn len(&self) -> usize {
        self.heap.len() + self.fifo.len() + self.hops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty() && self.fifo.is_empty() && self.hops.is_empty()
    }
}
