//! Live requests in a generational slab: a finished request frees its slot, and the
//! generation bump makes every event still pointing at it stale. This is what guarantees a
//! request is finished exactly once, and bounds memory by the number of *live* requests.

use super::time::TimeUs;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReqRef {
    pub slot: u32,
    pub gen: u32,
}

#[derive(Clone, Debug)]
pub struct Request {
    pub id: u64,
    pub client: u32,
    pub start_us: TimeUs,
    pub deadline_us: TimeUs,
    /// The API gateway this request entered through, if any.
    pub gateway: Option<u32>,
    /// Balancers the gateway has tried (first try + its retries).
    pub gateway_tries: u32,
    /// The balancer this request goes through, if the entry is a balancer.
    pub via: Option<u32>,
    /// Current attempt's target: a balancer target slot (via a balancer) or the instance.
    pub target: u32,
    /// Increments on every dispatch; events for older attempts are stale.
    pub attempt: u32,
    /// Connection attempts made so far (first try + retries).
    pub tries: u32,
    /// Whether the current attempt is counted in its target's active connections.
    pub attempt_open: bool,
    /// Whether nothing could serve when it arrived (the topology's structure function
    /// false): the breakdown counts its failure as the analytic step's, not the window's.
    pub arrived_while_down: bool,
    /// Node id to blame if this request fails (the last node that failed it).
    pub blame: Option<u32>,
    /// Client retries made so far (0: the first try; `engine/client_retries.rs`).
    pub client_tries: u32,
    /// Whether the current attempt is a balancer retry (its retry budget counts it).
    pub attempt_is_retry: bool,
    /// Whether the gateway's current forward is a retry still in flight (the gateway's
    /// retry budget counts it; `engine/gateway_budget.rs`).
    pub gateway_retry_open: bool,
}

#[derive(Clone, Debug)]
struct Slot {
    gen: u32,
    req: Option<Request>,
}

#[derive(Clone, Debug, Default)]
pub struct RequestSlab {
    slots: Vec<Slot>,
    free: Vec<u32>,
    live: usize,
}

impl RequestSlab {
    pub fn insert(&mut self, req: Request) -> ReqRef {
        self.live += 1;
        if let Some(slot) = self.free.pop() {
            let s = &mut self.slots[slot as usize];
            s.req = Some(req);
            ReqRef { slot, gen: s.gen }
        } else {
            let slot = self.slots.len() as u32;
            self.slots.push(Slot {
                gen: 0,
                req: Some(req),
            });
            ReqRef { slot, gen: 0 }
        }
    }

    pub fn get(&self, r: ReqRef) -> Option<&Request> {
        self.slots
            .get(r.slot as usize)
            .filter(|s| s.gen == r.gen)
            .and_then(|s| s.req.as_ref())
    }

    pub fn get_mut(&mut self, r: ReqRef) -> Option<&mut Request> {
        self.slots
            .get_mut(r.slot as usize)
            .filter(|s| s.gen == r.gen)
            .and_then(|s| s.req.as_mut())
    }

    pub fn remove(&mut self, r: ReqRef) -> Option<Request> {
        let s = self.slots.get_mut(r.slot as usize)?;
        if s.gen != r.gen {
            return None;
        }
        let req = s.req.take()?;
        s.gen = s.gen.wrapping_add(1);
        self.free.push(r.slot);
        self.live -= 1;
        Some(req)
    }

    pub fn live(&self) -> usize {
        self.live
    }

    /// Slots ever allocated (the high-water mark of live requests).
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Live requests in slot order (deterministic), for rare whole-population operations
    /// such as a balancer failing with connections open.
    pub fn live_refs(&self) -> Vec<ReqRef> {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.req.is_some())
            .map(|(i, s)| ReqRef {
                slot: i as u32,
                gen: s.gen,
            })
            .collect()
    }
}
