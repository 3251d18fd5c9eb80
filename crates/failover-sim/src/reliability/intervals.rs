//! Confidence intervals that behave at the edges, and the statement comparing the analytic
//! figure with a measured one.
//!
//! - A proportion of requests: Wilson's score interval; with no failure (or no success) at
//!   all, the exact one-sided Clopper–Pearson bound (≈ the rule of three: fewer than 3/n
//!   failed, at 95 %), never a zero-width interval.
//! - A mean over runs: Student's t interval, only from `MIN_RUNS_FOR_T` runs on (fewer give
//!   the range, labelled as such); runs that all measured the same value give no interval at
//!   all, and the comparison then asks how likely "no variation" is under the analytic figure.
use serde::Serialize;

/// Runs needed before a t interval over runs is given (fewer: the range, labelled).
pub const MIN_RUNS_FOR_T: usize = 5;
/// The 97.5 % normal quantile (two-sided 95 %).
const Z95: f64 = 1.959_963_984_540_054;

/// How an interval was obtained, in words for the reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IntervalMethod {
    /// Wilson score interval of a proportion (95 %, two-sided).
    Wilson,
    /// No failure (or no success) seen: exact one-sided Clopper–Pearson 95 % bound.
    OneSided,
    /// Student's t over runs (95 %, two-sided).
    TOverRuns,
    /// Too few runs for an interval: the lowest and highest run.
    RangeOfRuns,
    /// Every run measured the same value: no interval can be drawn from the spread.
    NoVariation,
}

impl IntervalMethod {
    pub fn label(self) -> &'static str {
        match self {
            IntervalMethod::Wilson => "95 % Wilson interval",
            IntervalMethod::OneSided => "one-sided 95 % bound (Clopper–Pearson, rule of three)",
            IntervalMethod::TOverRuns => "95 % t interval over runs",
            IntervalMethod::RangeOfRuns => "range of the runs (too few for an interval)",
            IntervalMethod::NoVariation => "every run measured the same",
        }
    }
}

/// A figure with its interval, [low, high] as fractions.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval {
    pub value: f64,
    pub low: f64,
    pub high: f64,
    pub method: IntervalMethod,
}

impl Interval {
    pub fn contains(&self, x: f64) -> bool {
        // A hair of slack for figures printed to 4 decimals that are equal.
        self.low - 1e-12 <= x && x <= self.high + 1e-12
    }

    /// "96.3489 % (95 % t interval over runs: 95.30–97.39 %)".
    pub fn text(&self) -> String {
        format!(
            "{:.4} % ({}: {:.4}–{:.4} %)",
            self.value * 100.0,
            self.method.label(),
            self.low * 100.0,
            self.high * 100.0
        )
    }
}

/// Successes out of `n` trials: Wilson, or the one-sided exact bound at either edge.
pub fn proportion(successes: u64, n: u64) -> Interval {
    if n == 0 {
        return Interval {
            value: 1.0,
            low: 0.0,
            high: 1.0,
            method: IntervalMethod::Wilson,
        };
    }
    let nf = n as f64;
    let p = successes as f64 / nf;
    if successes == n {
        // P(no failure in n | failure probability q) = (1 − q)^n = 0.05 at the bound:
        // q < 1 − 0.05^(1/n) ≈ 3/n (the rule of three).
        return Interval {
            value: 1.0,
            low: libm::pow(0.05, 1.0 / nf),
            high: 1.0,
            method: IntervalMethod::OneSided,
        };
    }
    if successes == 0 {
        return Interval {
            value: 0.0,
            low: 0.0,
            high: 1.0 - libm::pow(0.05, 1.0 / nf),
            method: IntervalMethod::OneSided,
        };
    }
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * nf)) / (1.0 + z2 / nf);
    let half = Z95 * libm::sqrt(p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)) / (1.0 + z2 / nf);
    Interval {
        value: p,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
        method: IntervalMethod::Wilson,
    }
}

/// The 97.5 % quantile of Student's t with `df` degrees of freedom.
pub fn t975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => TABLE[df - 1],
        // Cornish–Fisher's first correction: within 0.001 of the table past 30.
        _ => Z95 + (Z95 * Z95 * Z95 + Z95) / (4.0 * df as f64),
    }
}

/// An availability's mean over runs: `over_runs`, its interval kept within [0, 1].
pub fn availability_over_runs(values: &[f64]) -> Interval {
    let mut i = over_runs(values);
    i.low = i.low.max(0.0);
    i.high = i.high.min(1.0);
    i
}

/// Mean over runs with its interval: t from `MIN_RUNS_FOR_T` runs, else the range; no
/// interval when every run measured the same. Any sign (breakdown steps are changes).
pub fn over_runs(values: &[f64]) -> Interval {
    let n = values.len();
    if n == 0 {
        return Interval {
            value: 1.0,
            low: 1.0,
            high: 1.0,
            method: IntervalMethod::NoVariation,
        };
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let (min, max) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if max - min <= 0.0 {
        return Interval {
            value: mean,
            low: mean,
            high: mean,
            method: IntervalMethod::NoVariation,
        };
    }
    if n < MIN_RUNS_FOR_T {
        return Interval {
            value: mean,
            low: min,
            high: max,
            method: IntervalMethod::RangeOfRuns,
        };
    }
    let var = values.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
    let half = t975(n - 1) * libm::sqrt(var / n as f64);
    Interval {
        value: mean,
        low: mean - half,
        high: mean + half,
        method: IntervalMethod::TOverRuns,
    }
}

/// Where the analytic figure stands against a measured one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// What the analytic figure is compared with ("time able to serve").
    pub against: &'static str,
    /// Inside the measured interval (or, with no variation, consistent with it).
    pub consistent: bool,
    /// Measured − analytic, in percentage points.
    pub gap_pts: f64,
    /// The statement: "analytic vs time able to serve: inside (…)".
    pub text: String,
}

/// The analytic figure (with its own interval when it is an estimate) against a measured
/// interval. With no variation across runs, `no_downtime_p` is the probability, under the
/// analytic figure, that the runs saw no outage at all (None when unknown): seeing none is
/// consistent when that is not unlikely (≥ 5 %).
pub fn compare(
    analytic: f64,
    analytic_ci: Option<[f64; 2]>,
    measured: &Interval,
    against: &'static str,
    no_downtime_p: Option<f64>,
) -> Comparison {
    let [a_low, a_high] = analytic_ci.unwrap_or([analytic, analytic]);
    let gap_pts = (measured.value - analytic) * 100.0;
    let (consistent, how) = match measured.method {
        IntervalMethod::NoVariation if measured.value >= 1.0 => match no_downtime_p {
            Some(p) if p >= 0.05 => (
                true,
                format!(
                    "consistent: no downtime seen, and the analytic figure expects none in {:.1} % of such series",
                    p * 100.0
                ),
            ),
            Some(p) => (
                false,
                format!(
                    "not consistent: no downtime seen, which the analytic figure expects in only {:.1} % of such series",
                    p * 100.0
                ),
            ),
            None => (
                true,
                "no downtime seen: no interval to compare with".to_string(),
            ),
        },
        IntervalMethod::NoVariation => {
            let same = (measured.value - analytic).abs() < 5e-5;
            (
                same,
                format!(
                    "every run measured {:.4} %: no interval to compare with",
                    measured.value * 100.0
                ),
            )
        }
        _ => {
            let meets = measured.low <= a_high + 1e-12 && a_low <= measured.high + 1e-12;
            let word = if meets { "inside" } else { "outside" };
            (
                meets,
                format!(
                    "{word} ({}: {:.4}–{:.4} %)",
                    measured.method.label(),
                    measured.low * 100.0,
                    measured.high * 100.0
                ),
            )
        }
    };
    Comparison {
        against,
        consistent,
        gap_pts,
        text: format!("analytic vs {against}: {how}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_failure_gives_a_one_sided_bound_near_three_over_n() {
        let i = proportion(1_000, 1_000);
        assert_eq!(i.method, IntervalMethod::OneSided);
        assert!(i.high == 1.0 && i.low < 1.0);
        assert!(((1.0 - i.low) - 3.0 / 1_000.0).abs() < 1e-4, "{i:?}");
        let none = proportion(0, 50);
        assert_eq!((none.low, none.method), (0.0, IntervalMethod::OneSided));
    }

    #[test]
    fn wilson_matches_a_textbook_value() {
        // 81 of 100: Wilson 95 % is 0.7222–0.8749.
        let i = proportion(81, 100);
        assert!((i.low - 0.7222).abs() < 1e-3 && (i.high - 0.8749).abs() < 1e-3);
    }

    #[test]
    fn runs_get_t_only_when_there_are_enough() {
        assert_eq!(over_runs(&[0.9, 0.95]).method, IntervalMethod::RangeOfRuns);
        assert_eq!(over_runs(&[1.0; 20]).method, IntervalMethod::NoVariation);
        let i = over_runs(&[0.90, 0.92, 0.94, 0.96, 0.98]);
        assert_eq!(i.method, IntervalMethod::TOverRuns);
        // sd 0.0316, n 5: half-width t(4) × sd / √5 = 2.776 × 0.01414.
        assert!((i.high - i.low - 2.0 * 2.776 * 0.014_142).abs() < 1e-4);
        assert!((t975(1000) - 1.962).abs() < 1e-3);
    }

    #[test]
    fn a_zero_width_interval_is_never_called_outside() {
        let all = over_runs(&[1.0; 20]);
        let c = compare(0.999_999, None, &all, "time able to serve", Some(0.8));
        assert!(c.consistent, "{}", c.text);
        assert!(!c.text.contains("outside"));
        let c = compare(0.9, None, &all, "time able to serve", Some(1e-6));
        assert!(!c.consistent);
    }
}
