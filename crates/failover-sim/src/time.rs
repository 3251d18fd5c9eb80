//! Simulated time: integer microseconds since the start of the run.
//!
//! Integers, never floats, so that event order and the trace hash are identical on every
//! platform. Scenario files speak milliseconds (`interval_ms`); conversion happens once, at
//! build time, through these helpers.

/// Microseconds of simulated time.
pub type TimeUs = u64;

/// The end of time: an event due then never happens (no run reaches it). Time additions
/// saturate here rather than wrap, so a huge delay (a rate of 1e-30 requests/s, a failure a
/// billion years away) means "never", not "at once".
pub const NEVER_US: TimeUs = TimeUs::MAX;

/// `t + delay_us`, saturating at `NEVER_US`. Every time addition in the core goes through
/// this (or `Simulation::after`), so simulated time can never wrap around and run backwards.
#[inline]
pub fn later(t: TimeUs, delay_us: TimeUs) -> TimeUs {
    t.saturating_add(delay_us)
}

pub const US_PER_MS: u64 = 1_000;
pub const US_PER_S: u64 = 1_000_000;

/// Milliseconds (possibly fractional, e.g. a 0.25 ms network hop) to whole microseconds,
/// rounded to nearest. IEEE multiplication and rounding are exact-rounded, so this is the
/// same on x86_64 and wasm32.
pub fn ms_to_us(ms: f64) -> TimeUs {
    if ms.is_finite() && ms > 0.0 {
        // Positive here, so adding one half and truncating rounds to nearest, in plain IEEE
        // arithmetic (identical on every platform, and cheaper than libm::round on wasm32).
        (ms * 1_000.0 + 0.5) as TimeUs
    } else {
        0
    }
}

pub fn whole_ms_to_us(ms: u64) -> TimeUs {
    // `ms.saturating_mul(US_PER_MS)`, without its overflow check: that is a 128-bit
    // multiply, a libcall (__multi3) on wasm32, and this runs on every request.
    if ms > TimeUs::MAX / US_PER_MS {
        TimeUs::MAX
    } else {
        ms * US_PER_MS
    }
}

pub fn us_to_ms(us: TimeUs) -> f64 {
    us as f64 / 1_000.0
}

pub fn us_to_s(us: TimeUs) -> f64 {
    us as f64 / 1_000_000.0
}

/// "12.345 s" style label used in logs and the UI.
pub fn fmt_s(us: TimeUs) -> String {
    format!("{:.3} s", us_to_s(us))
}

/// A duration in the most readable unit: "850 ms", "4.1 s", "2 min 30 s".
pub fn fmt_duration(us: TimeUs) -> String {
    if us < US_PER_S {
        format!("{} ms", (us + 500) / 1_000)
    } else if us < 60 * US_PER_S {
        format!("{:.1} s", us_to_s(us))
    } else {
        let s = us / US_PER_S;
        format!("{} min {} s", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_ms_to_us_saturates_like_saturating_mul() {
        let edge = u64::MAX / US_PER_MS;
        for ms in [
            0,
            1,
            5_000,
            edge - 1,
            edge,
            edge + 1,
            u64::MAX / 2,
            u64::MAX,
        ] {
            assert_eq!(whole_ms_to_us(ms), ms.saturating_mul(US_PER_MS), "{ms}");
        }
    }
}
