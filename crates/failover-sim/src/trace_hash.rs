//! The running trace hash: a stable 64-bit digest of every processed event.
//!
//! Two runs with the same scenario, seed and commands must produce the same hash on x86_64
//! and wasm32; any divergence (a different event, time or order) changes it. Only integer
//! operations, so nothing platform-dependent enters.
use super::rng::mix64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceHash(u64);

impl Default for TraceHash {
    fn default() -> Self {
        TraceHash(0xCBF2_9CE4_8422_2325)
    }
}

impl TraceHash {
    pub fn record(&mut self, at_us: u64, kind: u8, subject: u32) {
        let word = at_us ^ ((kind as u64) << 56) ^ ((subject as u64) << 24);
        self.0 = mix64(self.0 ^ word).rotate_left(5) ^ at_us;
    }

    pub fn value(&self) -> u64 {
        self.0
    }

    /// Hex form used in reports, URLs and the page's `data-trace-hash`.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}
