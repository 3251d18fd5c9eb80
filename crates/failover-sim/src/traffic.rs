//! The traffic source: a Poisson process of client requests whose rate can change over time
//! (a step, or a spike = a step up then down).
//!
//! States: `Idle` (rate 0, no arrival pending) and `Sending`. On a rate change the pending
//! arrival is redrawn from the new rate: valid because the exponential is memoryless.
use super::rng::{stream, SimRng};
use super::scenario::Traffic;
use super::time::{whole_ms_to_us, TimeUs, US_PER_S};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrafficState {
    Idle,
    Sending,
}

#[derive(Clone, Debug)]
pub struct TrafficSource {
    pub spec: Traffic,
    pub rate_rps: f64,
    pub state: TrafficState,
    /// Generation of the pending arrival event; a rate change invalidates it.
    pub arrival_gen: u32,
    pub next_step: usize,
    pub next_request_id: u64,
    arrivals: SimRng,
    client_ids: SimRng,
}

impl TrafficSource {
    pub fn new(spec: &Traffic, seed: u64) -> Self {
        TrafficSource {
            rate_rps: spec.rate_rps,
            spec: spec.clone(),
            state: TrafficState::Idle,
            arrival_gen: 0,
            next_step: 0,
            next_request_id: 0,
            arrivals: SimRng::new(seed, stream::ARRIVALS),
            client_ids: SimRng::new(seed, stream::CLIENT_IDS),
        }
    }

    /// Time to the next arrival at the current rate, or None when the rate is zero. At least
    /// 1 µs so that time always advances between arrivals.
    pub fn next_gap_us(&mut self) -> Option<TimeUs> {
        if self.rate_rps <= 0.0 {
            self.state = TrafficState::Idle;
            return None;
        }
        self.state = TrafficState::Sending;
        let gap = self.arrivals.exponential(US_PER_S as f64 / self.rate_rps);
        // gap ≥ 0: adding one half and truncating rounds to nearest (libm::round is a
        // software routine on wasm32, and this runs for every request).
        Some(((gap + 0.5) as TimeUs).max(1))
    }

    pub fn next_client(&mut self) -> u32 {
        self.client_ids.below(self.spec.clients.max(1))
    }

    pub fn take_request_id(&mut self) -> u64 {
        let id = self.next_request_id;
        self.next_request_id += 1;
        id
    }

    pub fn timeout_us(&self) -> TimeUs {
        whole_ms_to_us(self.spec.timeout_ms)
    }

    /// Time of the next profile step, if any remains.
    pub fn next_step_at_us(&self) -> Option<TimeUs> {
        self.spec
            .profile
            .get(self.next_step)
            .map(|s| whole_ms_to_us(s.at_ms))
    }
}
