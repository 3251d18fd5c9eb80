//! Unit tests of the structure function, the exact computation and the estimate.
use super::*;

fn up(c: usize) -> Expr {
    Expr::Up(c)
}

fn exact(f: &Expr, a: &[f64]) -> f64 {
    let c = Structure::from(f).availability(a);
    assert_eq!(c.method, Method::Exact);
    c.value
}

/// Sum of the probabilities of the states in which `f` holds.
fn brute(f: &Expr, a: &[f64]) -> f64 {
    let n = a.len();
    let mut total = 0.0;
    for mask in 0u32..(1 << n) {
        let p: f64 = (0..n)
            .map(|c| if mask >> c & 1 == 1 { a[c] } else { 1.0 - a[c] })
            .product();
        if f.eval(&|c| mask >> c & 1 == 1) {
            total += p;
        }
    }
    total
}

#[test]
fn textbook_formulas() {
    let a = [0.9, 0.8, 0.7];
    let series = Expr::All(vec![up(0), up(1), up(2)]);
    assert!((exact(&series, &a) - 0.9 * 0.8 * 0.7).abs() < 1e-12);
    let parallel = Expr::Any(vec![up(0), up(1), up(2)]);
    assert!((exact(&parallel, &a) - (1.0 - 0.1 * 0.2 * 0.3)).abs() < 1e-12);
    let same = [0.9; 3];
    let two_of_three = Expr::AtLeast(2, vec![up(0), up(1), up(2)]);
    let want = 3.0 * 0.81 * 0.1 + 0.729;
    assert!((exact(&two_of_three, &same) - want).abs() < 1e-12);
}

#[test]
fn a_shared_component_is_not_double_counted() {
    // Two servers in one zone (component 2): parallel servers, but both need the zone.
    let a = [0.9, 0.9, 0.99];
    let f = Expr::Any(vec![
        Expr::All(vec![up(0), up(2)]),
        Expr::All(vec![up(1), up(2)]),
    ]);
    let want = 0.99 * (1.0 - 0.1 * 0.1);
    assert!((exact(&f, &a) - want).abs() < 1e-12);
    // The naive parallel formula would over-estimate it.
    let naive = 1.0 - (1.0 - 0.9 * 0.99) * (1.0 - 0.9 * 0.99);
    assert!(naive > want);
}

#[test]
fn matches_brute_force_enumeration() {
    let a = [0.9, 0.75, 0.6, 0.95, 0.5];
    let f = Expr::All(vec![
        up(4),
        Expr::AtLeast(
            2,
            vec![
                Expr::All(vec![up(0), up(3)]),
                Expr::Any(vec![up(1), up(3)]),
                up(2),
            ],
        ),
        Expr::Any(vec![up(0), up(4)]),
    ]);
    assert!((exact(&f, &a) - brute(&f, &a)).abs() < 1e-12);
}

#[test]
fn constants_and_components_that_cannot_fail() {
    // Component 1 cannot fail: the OR holds whatever 0 does.
    let f = Expr::All(vec![Expr::Any(vec![up(0), up(1)]), up(2), Expr::True]);
    assert!((exact(&f, &[0.5, 1.0, 0.9]) - 0.9).abs() < 1e-12);
    assert_eq!(exact(&Expr::Any(Vec::new()), &[]), 0.0);
    assert_eq!(exact(&Expr::All(Vec::new()), &[]), 1.0);
    assert_eq!(
        exact(&Expr::AtLeast(3, vec![up(0), up(1)]), &[0.5, 0.5]),
        0.0
    );
    assert_eq!(exact(&Expr::AtLeast(0, vec![up(0)]), &[0.5]), 1.0);
    // A component beyond the availability list never fails.
    assert_eq!(exact(&up(7), &[0.5]), 1.0);
}

#[test]
fn the_estimate_brackets_the_exact_value() {
    let a = [0.9, 0.75, 0.6, 0.95, 0.5, 0.999];
    let f = Expr::All(vec![
        up(5),
        Expr::AtLeast(2, vec![up(0), up(1), Expr::Any(vec![up(2), up(3)])]),
        Expr::Any(vec![up(4), up(0)]),
    ]);
    let tiny = Budget {
        exact_ops: 3,
        estimate_ops: ESTIMATE_BUDGET_OPS,
    };
    let c = Structure::from(&f).availability_within(&a, tiny);
    assert_eq!(c.method, Method::Estimate);
    let e = c.estimate.expect("an estimate has an interval");
    let want = brute(&f, &a);
    assert!(
        e.ci95[0] <= want && want <= e.ci95[1],
        "{want} not in {:?}",
        e.ci95
    );
    assert!(e.ci95[0] <= c.value && c.value <= e.ci95[1]);
    assert_eq!(
        e.samples, MAX_SAMPLES,
        "a small formula gets the most samples"
    );
    assert_eq!(c.exact_ops, 3);
}

#[test]
fn single_failures_match_one_evaluation_per_component() {
    let f = Expr::All(vec![
        up(0),
        Expr::Any(vec![
            Expr::All(vec![up(1), up(2)]),
            Expr::All(vec![up(3), up(2)]),
        ]),
        Expr::AtLeast(2, vec![up(4), up(5), up(6), Expr::Any(Vec::new())]),
    ]);
    let (k, _) = killers(&Structure::from(&f));
    for c in 0..8 {
        assert_eq!(k.contains(c), !f.eval(&|x| x != c), "component {c}");
    }
    let (k, _) = killers(&Structure::from(&Expr::Any(Vec::new())));
    assert_eq!(k, Killers::Everything);
}

#[test]
fn nines() {
    assert!((downtime_per_30_days_s(0.999) / 60.0 - 43.2).abs() < 0.01);
    assert!((downtime_per_30_days_s(0.99999) - 25.92).abs() < 0.01);
}
