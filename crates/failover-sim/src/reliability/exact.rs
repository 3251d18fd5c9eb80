//! Exact availability through a reduced ordered binary decision diagram (BDD), within a
//! work budget.
//!
//! Shannon factoring on every shared component doubles the work per shared component
//! (two balancers over 22 shared instances took seconds, over 40 it never ended). A BDD
//! is Shannon factoring with memoisation: every sub-function met twice is one node, built
//! once. With the components ordered region by region and zone by zone (what the scenario
//! builder asks for), the diagram of a real topology stays narrow — once a zone is decided,
//! only "has this part already succeeded?" remains to remember — so the whole computation
//! is close to linear. Its probability is one pass over the nodes:
//! P(node) = a(var) · P(high) + (1 − a(var)) · P(low).
//!
//! Components that cannot fail (availability 1) never become variables: they are the
//! constant true, and the operations fold constants away (AND with false is false, OR with
//! true is true, AND with true and OR with false are the other side). Node ids are handed
//! out in creation order, the tables are hashed by node contents and grow at fixed fill
//! levels, and nothing is ever iterated in hash order: the same structure gives the same
//! diagram, the same steps and the same bits on every platform.
//!
//! Some structures have no narrow diagram in any order (many balancers over different,
//! overlapping target lists). Every step counts against `budget_ops`; past it the caller
//! falls back to an estimate. Steps, not time: native and wasm32 give up at the same point.
use super::structure::{Gate, NodeId, Structure};

const FALSE: u32 = 0;
const TRUE: u32 = 1;
/// Level of the two terminals: below every variable.
const TERMINAL: u32 = u32::MAX;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    And,
    Or,
}

/// The work budget ran out.
pub(super) struct OverBudget;

/// One diagram node: its variable's level, low child (variable down), high child (variable
/// up), and the deepest level below it (folding children deepest-first keeps steps short).
#[derive(Clone, Copy)]
struct BddNode {
    level: u32,
    low: u32,
    high: u32,
    deepest: u32,
}

/// Slots of the computed table: a lossy, direct-mapped cache (as in CUDD): a collision
/// overwrites, which only costs recomputation, and memory stays fixed.
const COMPUTED_SLOTS: usize = 1 << 16;

#[derive(Clone, Copy)]
struct Computed {
    /// 0 = empty; else `op as u32 + 1`.
    tag: u32,
    f: u32,
    g: u32,
    result: u32,
}

struct Bdd {
    nodes: Vec<BddNode>,
    /// Open addressing, keys inline (one memory access per probe): (level, low, high,
    /// node); node 0 marks an empty slot (it is a terminal, never stored here).
    unique: Vec<[u32; 4]>,
    computed: Vec<Computed>,
    /// Reused by `apply` (no allocation per call).
    stack: Vec<Frame>,
    results: Vec<u32>,
    ops: u64,
    budget_ops: u64,
}

#[derive(Clone, Copy)]
enum Frame {
    Call(u32, u32),
    /// Both halves are on `results`: make the node and remember it.
    Join(u32, u32, u32),
}

#[inline]
fn mix(a: u32, b: u32, c: u32) -> u64 {
    let x = (a as u64) << 32 | b as u64;
    super::super::rng::mix64(x ^ (c as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

impl Bdd {
    fn new(budget_ops: u64) -> Bdd {
        let terminal = |v: u32| BddNode {
            level: TERMINAL,
            low: v,
            high: v,
            deepest: 0,
        };
        Bdd {
            nodes: vec![terminal(FALSE), terminal(TRUE)],
            unique: vec![[0; 4]; 1 << 10],
            computed: vec![
                Computed {
                    tag: 0,
                    f: 0,
                    g: 0,
                    result: 0
                };
                COMPUTED_SLOTS
            ],
            stack: Vec::new(),
            results: Vec::new(),
            ops: 0,
            budget_ops,
        }
    }

    #[inline]
    fn tick(&mut self) -> Result<(), OverBudget> {
        if self.ops >= self.budget_ops {
            return Err(OverBudget);
        }
        self.ops += 1;
        Ok(())
    }

    fn node(&mut self, level: u32, low: u32, high: u32) -> u32 {
        if low == high {
            return low;
        }
        let mask = self.unique.len() - 1;
        let mut slot = mix(level, low, high) as usize & mask;
        loop {
            let [l, lo, hi, n] = self.unique[slot];
            if n == 0 {
                break;
            }
            if l == level && lo == low && hi == high {
                return n;
            }
            slot = (slot + 1) & mask;
        }
        let n = self.nodes.len() as u32;
        let deepest = |x: u32| {
            let node = self.nodes[x as usize];
            if node.level == TERMINAL {
                0
            } else {
                node.deepest
            }
        };
        let deepest = level.max(deepest(low)).max(deepest(high));
        self.nodes.push(BddNode {
            level,
            low,
            high,
            deepest,
        });
        self.unique[slot] = [level, low, high, n];
        // At most half full: probes stay short. Growing re-inserts in node order, so the
        // table's layout (and everything else) is a function of the operations alone.
        if self.nodes.len() * 2 > self.unique.len() {
            let size = self.unique.len() * 2;
            self.unique = vec![[0; 4]; size];
            for (i, x) in self.nodes.iter().enumerate().skip(2) {
                let mut slot = mix(x.level, x.low, x.high) as usize & (size - 1);
                while self.unique[slot][3] != 0 {
                    slot = (slot + 1) & (size - 1);
                }
                self.unique[slot] = [x.level, x.low, x.high, i as u32];
            }
        }
        n
    }

    /// The answer without recursion, when one side decides it.
    #[inline]
    fn terminal(op: Op, f: u32, g: u32) -> Option<u32> {
        match op {
            Op::And if f == FALSE || g == FALSE => Some(FALSE),
            Op::Or if f == TRUE || g == TRUE => Some(TRUE),
            Op::And if f == TRUE => Some(g),
            Op::Or if f == FALSE => Some(g),
            Op::And if g == TRUE => Some(f),
            Op::Or if g == FALSE => Some(f),
            _ if f == g => Some(f),
            _ => None,
        }
    }

    #[inline]
    fn computed_slot(op: Op, f: u32, g: u32) -> usize {
        mix(op as u32, f, g) as usize & (COMPUTED_SLOTS - 1)
    }

    /// `f op g`, with an explicit stack: the diagram can be as deep as there are
    /// components (thousands), more than a browser's main-thread stack wants to recurse.
    fn apply(&mut self, op: Op, f: u32, g: u32) -> Result<u32, OverBudget> {
        if let Some(r) = Bdd::terminal(op, f, g) {
            return Ok(r);
        }
        let tag = op as u32 + 1;
        self.stack.clear();
        self.results.clear();
        self.stack.push(Frame::Call(f, g));
        while let Some(frame) = self.stack.pop() {
            match frame {
                Frame::Call(f, g) => {
                    if let Some(r) = Bdd::terminal(op, f, g) {
                        self.results.push(r);
                        continue;
                    }
                    self.tick()?;
                    // AND and OR commute: one cache entry for both orders.
                    let (f, g) = if f < g { (f, g) } else { (g, f) };
                    let c = self.computed[Bdd::computed_slot(op, f, g)];
                    if c.tag == tag && c.f == f && c.g == g {
                        self.results.push(c.result);
                        continue;
                    }
                    let (nf, ng) = (self.nodes[f as usize], self.nodes[g as usize]);
                    let top = nf.level.min(ng.level);
                    let (f0, f1) = if nf.level == top {
                        (nf.low, nf.high)
                    } else {
                        (f, f)
                    };
                    let (g0, g1) = if ng.level == top {
                        (ng.low, ng.high)
                    } else {
                        (g, g)
                    };
                    self.stack.push(Frame::Join(top, f, g));
                    self.stack.push(Frame::Call(f1, g1));
                    self.stack.push(Frame::Call(f0, g0));
                }
                Frame::Join(top, f, g) => {
                    // Every Call leaves exactly one result before its Join runs (high on top).
                    let (Some(high), Some(low)) = (self.results.pop(), self.results.pop()) else {
                        debug_assert!(false, "unbalanced apply stack");
                        return Err(OverBudget);
                    };
                    let n = self.node(top, low, high);
                    self.computed[Bdd::computed_slot(op, f, g)] = Computed {
                        tag,
                        f,
                        g,
                        result: n,
                    };
                    self.results.push(n);
                }
            }
        }
        self.results.pop().ok_or(OverBudget)
    }

    /// Fold `op` over the children, deepest-reaching first: each new child then lies above
    /// what is already folded, and the step follows the child's few nodes only.
    fn fold(&mut self, op: Op, mut xs: Vec<u32>) -> Result<u32, OverBudget> {
        let key = |b: &Bdd, x: u32| {
            let n = b.nodes[x as usize];
            if n.level == TERMINAL {
                (0, 0)
            } else {
                (n.deepest, n.level)
            }
        };
        // Stable sort: ties keep the structure's order (deterministic either way).
        xs.sort_by_key(|&x| std::cmp::Reverse(key(self, x)));
        let mut acc = if op == Op::And { TRUE } else { FALSE };
        for x in xs {
            self.tick()?;
            acc = self.apply(op, x, acc)?;
        }
        Ok(acc)
    }

    /// "At least k of xs": T(i, j) = T(i+1, j) OR (x_i AND T(i+1, j−1)); no negation is
    /// needed because "at least j" implies "at least j − 1".
    fn at_least(&mut self, k: usize, xs: &[u32]) -> Result<u32, OverBudget> {
        if k == 0 {
            return Ok(TRUE);
        }
        if k > xs.len() {
            return Ok(FALSE);
        }
        // row[j] = "at least j of the children after i", j = 0..=k.
        let mut row = vec![FALSE; k + 1];
        row[0] = TRUE;
        for &x in xs.iter().rev() {
            for j in (1..=k).rev() {
                self.tick()?;
                let with = self.apply(Op::And, x, row[j - 1])?;
                row[j] = self.apply(Op::Or, row[j], with)?;
            }
        }
        Ok(row[k])
    }
}

/// The structure nodes whose AND node `n` is: its children, theirs for children that are
/// ANDs too (a placed node is "node AND zone AND region"), sorted; `[n]` if not an AND
/// (an empty AND, true, has none).
fn conjuncts(bdd: &mut Bdd, s: &Structure, n: NodeId) -> Result<Vec<NodeId>, OverBudget> {
    let mut out = Vec::new();
    let mut todo = vec![n];
    while let Some(x) = todo.pop() {
        bdd.tick()?;
        match s.gate(x) {
            Gate::All => todo.extend_from_slice(s.kids(x)),
            _ => out.push(x),
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// OR over parts, each the AND of its structure nodes, taking common factors out first:
/// (X ∧ a) ∨ (X ∧ b) = X ∧ (a ∨ b). The same function, so the same diagram, but far
/// cheaper to build when every balancer shares one target list (one AND with the targets'
/// diagram instead of one per balancer), and it keeps two pools of balancers over two
/// different lists from multiplying their diagrams.
fn or_of_ands(
    bdd: &mut Bdd,
    s: &Structure,
    of: &[u32],
    mut parts: Vec<Vec<NodeId>>,
) -> Result<u32, OverBudget> {
    let mut acc = FALSE;
    loop {
        // The sub-formula in most parts (at least two), the lowest id on a tie. Only gates:
        // a shared component (a zone) is already cheap for the fold, deepest part first.
        let mut count: std::collections::BTreeMap<NodeId, u32> = Default::default();
        for &x in parts.iter().flatten() {
            bdd.tick()?;
            if !matches!(s.gate(x), Gate::Up(_)) {
                *count.entry(x).or_default() += 1;
            }
        }
        let mut best: Option<(u32, NodeId)> = None;
        for (&x, &c) in &count {
            if c >= 2 && best.is_none_or(|(bc, _)| c > bc) {
                best = Some((c, x));
            }
        }
        let Some((_, factor)) = best else {
            let mut ors = Vec::with_capacity(parts.len() + 1);
            ors.push(acc);
            for part in parts {
                let ands = part.iter().map(|&x| of[x as usize]).collect();
                ors.push(bdd.fold(Op::And, ands)?);
            }
            return bdd.fold(Op::Or, ors);
        };
        let (mut with, without): (Vec<_>, Vec<_>) = parts
            .into_iter()
            .partition(|p| p.binary_search(&factor).is_ok());
        for p in &mut with {
            p.retain(|&x| x != factor);
        }
        // Each level removes the factor from its parts: depth ≤ the longest part.
        let inner = or_of_ands(bdd, s, of, with)?;
        let term = bdd.apply(Op::And, of[factor as usize], inner)?;
        acc = bdd.apply(Op::Or, acc, term)?;
        parts = without;
    }
}

/// P(formula) when component `c` is up independently with probability `a[c]` (components
/// beyond `a` never fail), or `OverBudget`. Also returns the steps used (≤ `budget_ops`).
pub(super) fn availability(
    s: &Structure,
    a: &[f64],
    budget_ops: u64,
) -> (Result<f64, OverBudget>, u64) {
    let mut bdd = Bdd::new(budget_ops);
    let result = build_and_weigh(&mut bdd, s, a);
    (result, bdd.ops)
}

fn build_and_weigh(bdd: &mut Bdd, s: &Structure, a: &[f64]) -> Result<f64, OverBudget> {
    let levels = s.levels(a.len());
    // Availability per level, for the probability pass.
    let mut avail_at: Vec<f64> = Vec::new();
    let mut of = vec![FALSE; s.node_count()];
    for n in s.reachable() {
        let kids: Vec<u32> = s.kids(n).iter().map(|&k| of[k as usize]).collect();
        bdd.tick()?;
        of[n as usize] = match s.gate(n) {
            Gate::Up(c) => {
                let p = a.get(c as usize).copied().unwrap_or(1.0);
                // A component that cannot fail is the constant true. NaN is not a valid
                // availability (validation keeps MTBF and MTTR finite and positive); it
                // counts as "cannot fail" rather than poisoning the result.
                if p >= 1.0 || p.is_nan() {
                    TRUE
                } else if p <= 0.0 {
                    FALSE
                } else {
                    let level = levels[c as usize];
                    if avail_at.len() <= level as usize {
                        avail_at.resize(level as usize + 1, 1.0);
                    }
                    avail_at[level as usize] = p;
                    bdd.node(level, FALSE, TRUE)
                }
            }
            Gate::All => bdd.fold(Op::And, kids)?,
            Gate::Any => {
                let mut parts = Vec::with_capacity(kids.len());
                for &k in s.kids(n) {
                    parts.push(conjuncts(bdd, s, k)?);
                }
                or_of_ands(bdd, s, &of, parts)?
            }
            Gate::AtLeast(k) => bdd.at_least(k as usize, &kids)?,
        };
    }
    let root = of.get(s.root() as usize).copied().unwrap_or(FALSE);
    // Children are created before their parents: one forward pass weighs every node.
    let mut p = vec![0.0; root.max(TRUE) as usize + 1];
    p[TRUE as usize] = 1.0;
    for n in 2..=root as usize {
        bdd.tick()?;
        let x = bdd.nodes[n];
        let a = avail_at[x.level as usize];
        p[n] = a * p[x.high as usize] + (1.0 - a) * p[x.low as usize];
    }
    Ok(p[root as usize])
}

#[cfg(test)]
mod tests {
    use super::super::structure::Expr;
    use super::*;

    #[test]
    fn diagram_size_of_parallel_over_shared_targets_is_linear() {
        // Two balancers (0, 1) over the same 200 instances: Shannon factoring on shared
        // components would never finish.
        let n = 200;
        let targets = || Expr::Any((2..2 + n).map(Expr::Up).collect());
        let f = Expr::Any(vec![
            Expr::All(vec![Expr::Up(0), targets()]),
            Expr::All(vec![Expr::Up(1), targets()]),
        ]);
        let a = vec![0.9; 2 + n];
        let (p, ops) = availability(&Structure::from(&f), &a, 100_000);
        let want = (1.0 - 0.01) * (1.0 - libm::pow(0.1, n as f64));
        assert!(matches!(p, Ok(x) if (x - want).abs() < 1e-12));
        assert!(ops < 10_000, "{ops}");
    }

    #[test]
    fn stops_at_the_budget() {
        let f = Expr::AtLeast(30, (0..60).map(Expr::Up).collect());
        let (p, ops) = availability(&Structure::from(&f), &[0.5; 60], 100);
        assert!(p.is_err());
        assert_eq!(ops, 100);
    }
}
