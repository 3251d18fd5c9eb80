//! The replication log between a primary and its standby: every acknowledged write not yet
//! applied on the standby, in order, with when it reached (or will reach) the standby, when
//! the standby applies it and when the primary acknowledged it.
//!
//! Costs are O(1) amortised per write whatever the backlog (a standby slower than the write
//! rate grows it without end):
//! - writes that have not left the primary (link down) are always a suffix of the log, so
//!   shipping them when the link returns touches only that suffix, once;
//! - applied writes leave from the front (`trim`), each once;
//! - memory is bounded: when the log reaches `MAX_REPLICATION_ENTRIES` entries, adjacent
//!   entries of the same kind are merged pairwise (like a growing array, amortised O(1)), so
//!   an entry can stand for several consecutive writes. Counts stay exact; only the times
//!   inside a merged entry are summarised by its first and last write, so the RPO counted
//!   at a cut-off inside a merged entry is rounded to whole entries. That only happens with
//!   a standby over `MAX_REPLICATION_ENTRIES` writes behind; below that every entry is one
//!   write and everything is exact.
use super::time::TimeUs;
use std::collections::VecDeque;

/// Entries kept before adjacent ones are merged (each entry is 48 bytes: ≤ 48 MiB).
pub const MAX_REPLICATION_ENTRIES: usize = 1 << 20;

/// `arrived == NOT_SHIPPED`: the write has not left the primary (the link is down).
const NOT_SHIPPED: TimeUs = TimeUs::MAX;

/// One write, or several consecutive writes of the same kind after a merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    /// When the first and the last of its writes reach the standby (`NOT_SHIPPED`: not yet).
    arrived_first: TimeUs,
    arrived_last: TimeUs,
    /// When the last of its writes is applied on the standby (`NOT_SHIPPED`: not yet known).
    applied_last: TimeUs,
    /// When the primary acknowledged the first and the last of its writes.
    acked_first: TimeUs,
    acked_last: TimeUs,
    writes: u64,
}

impl Entry {
    fn shipped(&self) -> bool {
        self.arrived_first != NOT_SHIPPED
    }

    /// Writes of this entry acknowledged by `cutoff` that had not reached the standby by
    /// then. Exact for a single write; a merged entry counts whole when its summary says all
    /// of its writes qualify, and by halves when only part of it may (see the module docs).
    fn unreplicated_at(&self, cutoff: TimeUs) -> u64 {
        if self.acked_first > cutoff || self.arrived_last <= cutoff {
            0 // none acknowledged yet, or all arrived already
        } else if self.acked_last <= cutoff && self.arrived_first > cutoff {
            self.writes
        } else {
            self.writes.div_ceil(2)
        }
    }

    fn merge(&mut self, later: &Entry) {
        self.arrived_last = later.arrived_last;
        self.applied_last = later.applied_last;
        self.acked_last = later.acked_last;
        self.writes += later.writes;
    }
}

#[derive(Clone, Debug, Default)]
pub struct ReplicationLog {
    entries: VecDeque<Entry>,
    /// How many entries at the back are not shipped.
    unshipped_entries: usize,
    /// Writes in `entries` (the sum of their `writes`).
    pending_writes: u64,
    /// When the standby's apply queue is free again.
    apply_free_at: TimeUs,
}

impl ReplicationLog {
    /// Record an acknowledged write that reaches the standby at `arrives_at` (`TimeUs::MAX`:
    /// not now, the link is down) and is applied there `apply_us` after the standby is free.
    pub fn push(&mut self, arrives_at: TimeUs, acked_at: TimeUs, apply_us: TimeUs) {
        if arrives_at != NOT_SHIPPED && self.unshipped_entries > 0 {
            // The link works again: the WAL the standby missed ships now, ahead of this
            // write. Unshipped entries are the suffix of the log, so only they are touched.
            let first = self.entries.len() - self.unshipped_entries;
            for entry in self.entries.range_mut(first..) {
                let start = self.apply_free_at.max(arrives_at);
                self.apply_free_at = start.saturating_add(apply_us.saturating_mul(entry.writes));
                entry.arrived_first = arrives_at;
                entry.arrived_last = arrives_at;
                entry.applied_last = self.apply_free_at;
            }
            self.unshipped_entries = 0;
        }
        let entry = if arrives_at == NOT_SHIPPED {
            self.unshipped_entries += 1;
            Entry {
                arrived_first: NOT_SHIPPED,
                arrived_last: NOT_SHIPPED,
                applied_last: NOT_SHIPPED,
                acked_first: acked_at,
                acked_last: acked_at,
                writes: 1,
            }
        } else {
            self.apply_free_at = self.apply_free_at.max(arrives_at).saturating_add(apply_us);
            Entry {
                arrived_first: arrives_at,
                arrived_last: arrives_at,
                applied_last: self.apply_free_at,
                acked_first: acked_at,
                acked_last: acked_at,
                writes: 1,
            }
        };
        self.entries.push_back(entry);
        self.pending_writes += 1;
        if self.entries.len() >= MAX_REPLICATION_ENTRIES {
            self.compact();
        }
    }

    /// Merge adjacent entries of the same kind pairwise: the log at most halves, and the
    /// next compaction is as many writes away as this one was (amortised O(1) per write).
    fn compact(&mut self) {
        let mut merged: VecDeque<Entry> = VecDeque::with_capacity(self.entries.len() / 2 + 1);
        let mut pending: Option<Entry> = None;
        for e in self.entries.drain(..) {
            match pending.as_mut() {
                Some(p) if p.shipped() == e.shipped() => {
                    p.merge(&e);
                    merged.push_back(*p);
                    pending = None;
                }
                Some(p) => {
                    merged.push_back(*p);
                    pending = Some(e);
                }
                None => pending = Some(e),
            }
        }
        merged.extend(pending);
        self.unshipped_entries = merged.iter().rev().take_while(|e| !e.shipped()).count();
        self.entries = merged;
    }

    /// Forget the writes the standby has applied by `now` (each leaves once).
    pub fn trim(&mut self, now: TimeUs) {
        while let Some(front) = self.entries.front() {
            if front.applied_last > now {
                break;
            }
            self.pending_writes -= front.writes;
            self.entries.pop_front();
        }
    }

    /// Writes acknowledged but not yet applied on the standby at `now`, and the age of the
    /// oldest (µs), without trimming (for snapshots). Entries are in apply order, so a
    /// binary search finds the first one still pending; the applied ones before it are
    /// few when `trim` runs at every write.
    pub fn lag_at(&self, now: TimeUs) -> (u64, TimeUs) {
        let done = self.entries.partition_point(|e| e.applied_last <= now);
        let applied: u64 = self.entries.range(..done).map(|e| e.writes).sum();
        let behind = self
            .entries
            .get(done)
            .map(|e| now.saturating_sub(e.acked_first.min(now)))
            .unwrap_or(0);
        (self.pending_writes - applied, behind)
    }

    /// Writes acknowledged by `cutoff` that had not reached the standby by then: lost if the
    /// standby is promoted (the RPO). Runs at lock renewals and failovers, not per write.
    pub fn unreplicated_at(&self, cutoff: TimeUs) -> u64 {
        self.entries.iter().map(|e| e.unreplicated_at(cutoff)).sum()
    }

    /// Writes acknowledged by `published` (the leader's last published position) that the
    /// standby has not received by `now`: Patroni's `maximum_lag_on_failover` test.
    pub fn missing_since(&self, published: TimeUs, now: TimeUs) -> u64 {
        self.entries
            .iter()
            .map(|e| {
                if e.acked_first > published || e.arrived_last <= now {
                    0
                } else if e.acked_last <= published && e.arrived_first > now {
                    e.writes
                } else {
                    e.writes.div_ceil(2)
                }
            })
            .sum()
    }

    /// Start a new history (after a promotion the new standby starts from the new primary).
    pub fn reset(&mut self, now: TimeUs) {
        self.entries.clear();
        self.unshipped_entries = 0;
        self.pending_writes = 0;
        self.apply_free_at = now;
    }

    #[cfg(test)]
    fn entries(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rpo_counts_acknowledged_writes_that_never_arrived() {
        let mut log = ReplicationLog::default();
        log.push(1_000, 500, 1_000); // arrives at 1 ms
        log.push(3_000, 2_500, 1_000); // in flight at 2.6 ms
        log.push(NOT_SHIPPED, 2_700, 1_000); // not shipped (yet)
        log.push(5_000, 4_000, 1_000); // acknowledged after the cut-off: not data loss
        assert_eq!(log.unreplicated_at(2_800), 2);
        assert_eq!(log.lag_at(2_000).0, 3);
        log.trim(1_000_000);
        assert_eq!(log.lag_at(1_000_000), (0, 0));
    }

    #[test]
    fn shipping_touches_only_the_unshipped_suffix() {
        let mut log = ReplicationLog::default();
        log.push(100, 50, 10);
        log.push(NOT_SHIPPED, 60, 10);
        log.push(NOT_SHIPPED, 70, 10);
        assert_eq!(log.unshipped_entries, 2);
        log.push(1_000, 900, 10);
        assert_eq!(log.unshipped_entries, 0);
        // Applied one after another from the shipping time: 1010, 1020, then this write 1030.
        assert_eq!(log.lag_at(1_015).0, 2);
        assert_eq!(log.lag_at(1_030).0, 0);
    }

    /// A standby far slower than the writes: the log never exceeds its bound, the pending
    /// count stays exact, and so does the total applied when it catches up.
    #[test]
    fn a_runaway_backlog_stays_bounded_and_counts_exactly() {
        let mut log = ReplicationLog::default();
        let writes = 3 * MAX_REPLICATION_ENTRIES as u64;
        for w in 0..writes {
            // One write per µs, each takes 10 µs to apply; the link drops now and then.
            let arrives = if (w / 1_000) % 7 == 3 {
                NOT_SHIPPED
            } else {
                w + 5
            };
            log.push(arrives, w, 10);
            log.trim(w);
            assert!(log.entries() < MAX_REPLICATION_ENTRIES);
        }
        let (pending, _) = log.lag_at(writes);
        assert!(pending <= writes && pending > writes / 2, "{pending}");
        log.push(writes + 5, writes, 10); // ships the rest
        log.trim(TimeUs::MAX - 1);
        assert_eq!(log.lag_at(TimeUs::MAX - 1).0, 0);
        assert_eq!(log.pending_writes, 0);
    }
}
