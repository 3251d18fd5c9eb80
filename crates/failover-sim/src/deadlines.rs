//! Client deadlines in time order, for the one `DeadlineSweep` event that stands for the
//! earliest of them.
//!
//! Every request gets `now + timeout`. While the client timeout stays the same, deadlines
//! arrive in time order and one FIFO queue holds them: a push at the back, a pop at the
//! front. A timeout shortened during the run (`set clients timeout_ms`) would put each new
//! deadline in the middle of that queue — O(live requests) per request, 40× slower at 20,000
//! requests/s (fuzz corpus `deadline-reorder-after-timeout-change.json`). Instead a deadline
//! that does not fit at the back of any queue starts a new queue: there is one queue per
//! timeout still in force, each in order, and the earliest is found across the fronts. Ties
//! are broken by the order in which the deadlines were added, as in one sorted list, so runs
//! do not depend on how the deadlines are stored.
use crate::request::ReqRef;
use crate::time::TimeUs;
use std::collections::VecDeque;

#[derive(Clone, Default)]
pub struct Deadlines {
    /// Each queue is ordered by (time, sequence). Usually exactly one.
    queues: Vec<VecDeque<Deadline>>,
    next_seq: u64,
}

#[derive(Clone, Copy)]
struct Deadline {
    at: TimeUs,
    seq: u64,
    request: ReqRef,
}

impl Deadlines {
    pub fn push(&mut self, at: TimeUs, request: ReqRef) {
        let d = Deadline {
            at,
            seq: self.next_seq,
            request,
        };
        self.next_seq += 1;
        // The newest queue first: after a timeout change, that is where the new deadlines go.
        match self
            .queues
            .iter_mut()
            .rev()
            .find(|q| q.back().is_none_or(|b| b.at <= at))
        {
            Some(q) => q.push_back(d),
            None => self.queues.push(VecDeque::from([d])),
        }
    }

    /// The earliest deadline (ties: the one added first).
    pub fn front(&self) -> Option<(TimeUs, ReqRef)> {
        self.earliest()
            .map(|i| self.queues[i].front().map(|d| (d.at, d.request)))
            .unwrap_or(None)
    }

    /// Remove the deadline `front` returned.
    pub fn pop_front(&mut self) {
        if let Some(i) = self.earliest() {
            self.queues[i].pop_front();
            // An emptied queue goes unless it is the last one left (kept with its capacity).
            if self.queues[i].is_empty() && self.queues.len() > 1 {
                self.queues.remove(i);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.queues.iter().map(VecDeque::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.queues.iter().all(VecDeque::is_empty)
    }

    fn earliest(&self) -> Option<usize> {
        let mut best: Option<(usize, TimeUs, u64)> = None;
        for (i, q) in self.queues.iter().enumerate() {
            if let Some(d) = q.front() {
                if best.is_none_or(|(_, at, seq)| (d.at, d.seq) < (at, seq)) {
                    best = Some((i, d.at, d.seq));
                }
            }
        }
        best.map(|(i, _, _)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(i: u32) -> ReqRef {
        ReqRef { slot: i, gen: 0 }
    }

    /// Whatever the order of pushes, pops come out as from one list sorted by time, ties in
    /// push order — what the single sorted queue gave before.
    #[test]
    fn pops_in_time_then_push_order() {
        let times = [50u64, 60, 70, 30, 40, 40, 80, 35, 90, 10, 40];
        let mut d = Deadlines::default();
        for (i, &t) in times.iter().enumerate() {
            d.push(t, req(i as u32));
        }
        let mut expected: Vec<(u64, usize)> = times.iter().copied().zip(0..).collect();
        expected.sort();
        let mut got = Vec::new();
        while let Some((at, r)) = d.front() {
            got.push((at, r));
            d.pop_front();
        }
        let want: Vec<(u64, ReqRef)> = expected.iter().map(|&(t, i)| (t, req(i as u32))).collect();
        assert_eq!(got, want);
        assert!(d.is_empty());
        assert_eq!(d.len(), 0);
    }

    /// One queue per timeout in force: a shortened timeout starts one new queue, not one
    /// per deadline.
    #[test]
    fn a_shorter_timeout_adds_one_queue() {
        let mut d = Deadlines::default();
        for now in 0..1_000u64 {
            d.push(now + 60_000, req(now as u32));
        }
        for now in 1_000..2_000u64 {
            d.push(now + 30_000, req(now as u32));
        }
        assert_eq!(d.queues.len(), 2);
        assert_eq!(d.len(), 2_000);
        assert_eq!(d.front(), Some((31_000, req(1_000))));
    }
}
