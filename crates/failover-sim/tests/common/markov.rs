//! Finite continuous-time Markov chains, for tolerances derived from the model rather than
//! from the sample: the stationary distribution π, the deviation matrix
//! D = ∫₀^∞ (P(t) − Π) dt = (Π − Q)⁻¹ − Π, and from them the asymptotic variance of a time
//! average: for a reward f, Var((1/T)∫₀^T f(X_t) dt) → 2·Σᵢⱼ πᵢ fᵢ Dᵢⱼ fⱼ / T.
#![allow(dead_code)]

/// Inverse of a square matrix by Gauss-Jordan with partial pivoting.
pub fn invert(a: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = a.len();
    let mut m: Vec<Vec<f64>> = a
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut r = row.clone();
            r.extend((0..n).map(|j| if i == j { 1.0 } else { 0.0 }));
            r
        })
        .collect();
    for c in 0..n {
        let p = (c..n)
            .max_by(|&x, &y| m[x][c].abs().total_cmp(&m[y][c].abs()))
            .expect("a row");
        m.swap(c, p);
        let d = m[c][c];
        assert!(d.abs() > 1e-300, "singular matrix");
        for x in m[c].iter_mut() {
            *x /= d;
        }
        let pivot = m[c].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != c {
                let f = row[c];
                for (x, y) in row.iter_mut().zip(&pivot) {
                    *x -= f * y;
                }
            }
        }
    }
    m.into_iter().map(|r| r[n..].to_vec()).collect()
}

/// Stationary distribution and deviation matrix of the irreducible chain with generator `q`.
pub fn stationary_and_deviation(q: &[Vec<f64>]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = q.len();
    // π solves πQ = 0, Σπ = 1: transpose, replace the last equation by the normalisation.
    let mut a: Vec<Vec<f64>> = (0..n).map(|i| (0..n).map(|j| q[j][i]).collect()).collect();
    a[n - 1] = vec![1.0; n];
    let inv = invert(&a);
    let pi: Vec<f64> = (0..n).map(|i| inv[i][n - 1]).collect();
    let m: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| pi[j] - q[i][j]).collect())
        .collect();
    let z = invert(&m);
    let d = (0..n)
        .map(|i| (0..n).map(|j| z[i][j] - pi[j]).collect())
        .collect();
    (pi, d)
}

/// T × Var of the time average of `f` over T (the asymptotic variance rate).
pub fn time_average_variance_rate(pi: &[f64], d: &[Vec<f64>], f: &[f64]) -> f64 {
    let n = pi.len();
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..n {
            s += pi[i] * f[i] * d[i][j] * f[j];
        }
    }
    2.0 * s
}

/// One component as a small chain: its generator and which of its states are "up".
pub struct Component {
    pub q: Vec<Vec<f64>>,
    pub up: Vec<bool>,
}

impl Component {
    /// Up for exponential(mtbf), then down for exponential(mttr).
    pub fn two_state(mtbf_s: f64, mttr_s: f64) -> Component {
        let (l, m) = (1.0 / mtbf_s, 1.0 / mttr_s);
        Component {
            q: vec![vec![-l, l], vec![m, -m]],
            up: vec![true, false],
        }
    }

    /// Up, repaired after exponential(mttr), then booting for a mean `boot_s` (modelled as
    /// exponential: the variance differs from a fixed boot by boot², negligible here).
    pub fn with_boot(mtbf_s: f64, mttr_s: f64, boot_s: f64) -> Component {
        let (l, m, b) = (1.0 / mtbf_s, 1.0 / mttr_s, 1.0 / boot_s);
        Component {
            q: vec![vec![-l, l, 0.0], vec![0.0, -m, m], vec![b, 0.0, -b]],
            up: vec![true, false, false],
        }
    }
}

/// The product chain of independent components, and for each of its states which
/// components are up (component 0 varies slowest).
pub fn product(components: &[Component]) -> (Vec<Vec<f64>>, Vec<Vec<bool>>) {
    let sizes: Vec<usize> = components.iter().map(|c| c.q.len()).collect();
    let n: usize = sizes.iter().product();
    let digits = |mut s: usize| {
        let mut d = vec![0; sizes.len()];
        for k in (0..sizes.len()).rev() {
            d[k] = s % sizes[k];
            s /= sizes[k];
        }
        d
    };
    let index = |d: &[usize]| d.iter().zip(&sizes).fold(0, |acc, (&x, &m)| acc * m + x);
    let mut q = vec![vec![0.0; n]; n];
    let mut up = Vec::with_capacity(n);
    for (s, row) in q.iter_mut().enumerate() {
        let d = digits(s);
        up.push(d.iter().zip(components).map(|(&x, c)| c.up[x]).collect());
        for (k, c) in components.iter().enumerate() {
            for to in 0..sizes[k] {
                if to != d[k] && c.q[d[k]][to] > 0.0 {
                    let mut e = d.clone();
                    e[k] = to;
                    let t = index(&e);
                    row[t] += c.q[d[k]][to];
                    row[s] -= c.q[d[k]][to];
                }
            }
        }
    }
    (q, up)
}

/// Steady-state availability of `system` (a function of which components are up) and the
/// standard deviation of the fraction of time it is up over one run of `t_s` seconds.
pub fn availability_and_sd(
    components: &[Component],
    system: impl Fn(&[bool]) -> bool,
    t_s: f64,
) -> (f64, f64) {
    let (q, up) = product(components);
    let (pi, d) = stationary_and_deviation(&q);
    let f: Vec<f64> = up
        .iter()
        .map(|u| if system(u) { 1.0 } else { 0.0 })
        .collect();
    let a: f64 = pi.iter().zip(&f).map(|(p, x)| p * x).sum();
    let var_rate = time_average_variance_rate(&pi, &d, &f);
    (a, (var_rate / t_s).sqrt())
}
