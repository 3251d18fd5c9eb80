//! What a share link adds to a run without changing it: the moment on screen (`t=`) and the
//! guided-tour step (`tour=`, `step=`). Optional keys of link version 3 that older links
//! lack; a link without them opens as it always did, and they never change the run (its
//! trace hash), so they need no version bump.
//!
//! ```text
//! #v=3&p=PRESET&…&tour=one-server&step=3&t=83.512
//! ```
//!
//! * `t` — simulated seconds (up to three decimals): the link opens paused at that moment.
//! * `tour`, `step` — a tour id (`crate::tours`) and a step number counted from 1.
use crate::sim::limits::MAX_TIME_MS;
use crate::sim::time::TimeUs;

/// Keys this file reads (`share::decode` leaves them to it).
pub const KEYS: &[&str] = &["t", "tour", "step"];

/// The moment and tour step a link opens at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Moment {
    /// Simulated time on screen (whole milliseconds, in µs).
    pub t_us: Option<TimeUs>,
    /// A tour id and the step (0-based here, 1-based in the link).
    pub tour: Option<(String, usize)>,
}

/// `&tour=…&step=…&t=…` for `m` (empty when it holds nothing).
pub fn encode(m: &Moment) -> String {
    let mut out = String::new();
    if let Some((tour, step)) = &m.tour {
        out.push_str(&format!(
            "&tour={}&step={}",
            crate::share::escape(tour),
            step + 1
        ));
    }
    if let Some(t) = m.t_us {
        let ms = t / 1_000;
        out.push_str(&format!("&t={}", fmt_seconds(ms)));
    }
    out
}

/// `83512` ms → `83.512`, `90000` → `90`.
fn fmt_seconds(ms: u64) -> String {
    let (s, frac) = (ms / 1_000, ms % 1_000);
    if frac == 0 {
        s.to_string()
    } else {
        format!("{s}.{frac:03}").trim_end_matches('0').to_string()
    }
}

/// Reads the moment keys of a hash (with or without `#`); other keys are `share::decode`'s.
/// An error names the key and why.
pub fn decode(hash: &str) -> Result<Moment, String> {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    let mut m = Moment::default();
    let (mut tour, mut step) = (None, None);
    for pair in hash.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "t" => m.t_us = Some(parse_seconds(value)?),
            "tour" => {
                let id = crate::share::unescape(value)?;
                if id.is_empty() || id.len() > 64 {
                    return Err(format!("tour `{id}` should be a tour's id"));
                }
                tour = Some(id);
            }
            "step" => {
                let n: usize = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=1_000).contains(n))
                    .ok_or_else(|| format!("step `{value}` should be a step number from 1"))?;
                step = Some(n - 1);
            }
            _ => {}
        }
    }
    m.tour = match (tour, step) {
        (Some(t), s) => Some((t, s.unwrap_or(0))),
        (None, Some(_)) => return Err("`step` needs `tour`".into()),
        (None, None) => None,
    };
    Ok(m)
}

/// `t=83.512` → 83,512,000 µs; at most three decimals, within the longest run.
fn parse_seconds(value: &str) -> Result<TimeUs, String> {
    let bad = || {
        format!(
            "time `t={value}` should be simulated seconds with at most three decimals, up to {}",
            MAX_TIME_MS / 1_000
        )
    };
    let (whole, frac) = value.split_once('.').unwrap_or((value, ""));
    if whole.is_empty()
        || frac.len() > 3
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || whole.len() > 9
    {
        return Err(bad());
    }
    let s: u64 = whole.parse().map_err(|_| bad())?;
    let ms_frac: u64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<3}").parse().map_err(|_| bad())?
    };
    let ms = s * 1_000 + ms_frac;
    if ms > MAX_TIME_MS {
        return Err(bad());
    }
    Ok(ms * 1_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let m = Moment {
            t_us: Some(83_512_000),
            tour: Some(("one-server".into(), 2)),
        };
        let text = encode(&m);
        assert_eq!(text, "&tour=one-server&step=3&t=83.512");
        assert_eq!(decode(&format!("#v=3&p=x{text}")), Ok(m));
        assert_eq!(decode("v=3&t=90").unwrap().t_us, Some(90_000_000));
        assert_eq!(decode("v=3&t=1.5").unwrap().t_us, Some(1_500_000));
        assert_eq!(decode("v=3&p=x"), Ok(Moment::default()));
        assert!(decode("t=-1").unwrap_err().contains("t=-1"));
        assert!(decode("t=1.2345").is_err());
        assert!(decode("t=99999999").is_err());
        assert!(decode("step=2").unwrap_err().contains("needs `tour`"));
        assert!(decode("tour=a&step=0").is_err());
        assert_eq!(fmt_seconds(90_000), "90");
        assert_eq!(fmt_seconds(90_500), "90.5");
    }
}
