//! The structure function as a DAG: a boolean formula over components whose identical
//! sub-formulas are stored once (hash-consing).
//!
//! The topology repeats itself: every balancer behind every gateway lists the same instances,
//! every instance in a zone needs the same zone. As a tree that is gateways × balancers ×
//! targets leaves (hundreds of thousands at the limits); as a DAG it is one node per distinct
//! sub-formula, and every pass over it (evaluation, SPOF sets, the exact computation, the
//! estimate) is linear in the DAG, not the tree.
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A node of a `Structure` (an index into its node list; children come before parents).
pub type NodeId = u32;

/// What a node computes from its children.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gate {
    /// Component `c` is up (a leaf).
    Up(u32),
    /// Every child holds (no children: always true).
    All,
    /// At least one child holds (no children: never true).
    Any,
    /// At least `k` children hold.
    AtLeast(u32),
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Node {
    gate: Gate,
    start: u32,
    len: u32,
}

/// A boolean formula over component indices, stored as a DAG with one root.
#[derive(Clone, Debug, PartialEq)]
pub struct Structure {
    nodes: Vec<Node>,
    kids: Vec<NodeId>,
    root: NodeId,
    /// Component → its place in the variable order of the exact computation, when the
    /// builder knows a good one (the scenario's regions and zones); else first appearance.
    order: Option<Vec<u32>>,
}

/// A formula as a tree: handy to write by hand (tests) and to enumerate by brute force.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Up(usize),
    All(Vec<Expr>),
    Any(Vec<Expr>),
    AtLeast(usize, Vec<Expr>),
    True,
}

impl Expr {
    /// Is the system up when `up(c)` tells which components are up?
    pub fn eval(&self, up: &dyn Fn(usize) -> bool) -> bool {
        match self {
            Expr::True => true,
            Expr::Up(c) => up(*c),
            Expr::All(xs) => xs.iter().all(|x| x.eval(up)),
            Expr::Any(xs) => xs.iter().any(|x| x.eval(up)),
            Expr::AtLeast(k, xs) => xs.iter().filter(|x| x.eval(up)).count() >= *k,
        }
    }

    /// Leaves and gates of the tree (its size).
    pub fn size(&self) -> usize {
        match self {
            Expr::True | Expr::Up(_) => 1,
            Expr::All(xs) | Expr::Any(xs) | Expr::AtLeast(_, xs) => {
                1 + xs.iter().map(Expr::size).sum::<usize>()
            }
        }
    }
}

impl From<&Expr> for Structure {
    fn from(e: &Expr) -> Structure {
        fn add(b: &mut Builder, e: &Expr) -> NodeId {
            match e {
                Expr::True => b.all(Vec::new()),
                Expr::Up(c) => b.up(*c),
                Expr::All(xs) => {
                    let kids = xs.iter().map(|x| add(b, x)).collect();
                    b.all(kids)
                }
                Expr::Any(xs) => {
                    let kids = xs.iter().map(|x| add(b, x)).collect();
                    b.any(kids)
                }
                Expr::AtLeast(k, xs) => {
                    let kids = xs.iter().map(|x| add(b, x)).collect();
                    b.at_least(*k, kids)
                }
            }
        }
        let mut b = Builder::default();
        let root = add(&mut b, e);
        b.finish(root)
    }
}

/// Builds a `Structure` bottom-up; asking twice for the same node returns the same id.
#[derive(Default)]
pub struct Builder {
    nodes: Vec<Node>,
    kids: Vec<NodeId>,
    /// Lookup only (ids are handed out in call order, so they never depend on the map).
    interned: HashMap<(Gate, Box<[NodeId]>), NodeId, FxBuild>,
}

impl Builder {
    fn intern(&mut self, gate: Gate, kids: Vec<NodeId>) -> NodeId {
        let key = (gate, kids.into_boxed_slice());
        if let Some(&id) = self.interned.get(&key) {
            return id;
        }
        let id = self.nodes.len() as NodeId;
        self.nodes.push(Node {
            gate,
            start: self.kids.len() as u32,
            len: key.1.len() as u32,
        });
        self.kids.extend_from_slice(&key.1);
        self.interned.insert(key, id);
        id
    }

    /// Component `c` is up. Indices beyond `u32` cannot come from a valid scenario; they
    /// saturate (and count as always up in the analysis, as any unknown component does).
    pub fn up(&mut self, c: usize) -> NodeId {
        self.intern(Gate::Up(u32::try_from(c).unwrap_or(u32::MAX)), Vec::new())
    }

    pub fn all(&mut self, kids: Vec<NodeId>) -> NodeId {
        self.intern(Gate::All, kids)
    }

    pub fn any(&mut self, kids: Vec<NodeId>) -> NodeId {
        self.intern(Gate::Any, kids)
    }

    pub fn at_least(&mut self, k: usize, kids: Vec<NodeId>) -> NodeId {
        self.intern(Gate::AtLeast(u32::try_from(k).unwrap_or(u32::MAX)), kids)
    }

    pub fn finish(self, root: NodeId) -> Structure {
        Structure {
            nodes: self.nodes,
            kids: self.kids,
            root,
            order: None,
        }
    }
}

/// How many characters of the structure in words are worth showing.
const DESCRIBE_MAX_CHARS: usize = 4_000;

impl Structure {
    pub fn root(&self) -> NodeId {
        self.root
    }

    pub fn gate(&self, n: NodeId) -> Gate {
        self.nodes[n as usize].gate
    }

    pub fn kids(&self, n: NodeId) -> &[NodeId] {
        let node = &self.nodes[n as usize];
        &self.kids[node.start as usize..(node.start + node.len) as usize]
    }

    /// Distinct nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Parent → child links: the size every linear pass is measured against.
    pub fn edge_count(&self) -> usize {
        self.kids.len()
    }

    /// Sets the variable order of the exact computation: `rank[c]` is component `c`'s
    /// place (a permutation). Components beyond it come after, in index order.
    pub fn with_order(mut self, rank: Vec<u32>) -> Structure {
        self.order = Some(rank);
        self
    }

    /// Each component's place in the variable order, for components `0..n` (`u32::MAX`:
    /// not in the formula; components from `n` on never fail and need no place).
    pub(super) fn levels(&self, n: usize) -> Vec<u32> {
        let mut level = vec![u32::MAX; n];
        if let Some(rank) = &self.order {
            for (c, l) in level.iter_mut().enumerate() {
                *l = rank.get(c).copied().unwrap_or(rank.len() as u32 + c as u32);
            }
            return level;
        }
        // First appearance in a depth-first walk, children in order: components used
        // together end up next to each other, which keeps the decision diagram narrow.
        let mut next = 0u32;
        let mut seen = vec![false; self.nodes.len()];
        let mut stack = vec![self.root];
        while let Some(node) = stack.pop() {
            if seen
                .get_mut(node as usize)
                .is_none_or(|s| std::mem::replace(s, true))
            {
                continue;
            }
            if let Gate::Up(c) = self.gate(node) {
                if let Some(l) = level.get_mut(c as usize) {
                    if *l == u32::MAX {
                        *l = next;
                        next += 1;
                    }
                }
            }
            stack.extend(self.kids(node).iter().rev());
        }
        level
    }

    /// Nodes reachable from the root, in increasing id order (children first).
    pub(super) fn reachable(&self) -> Vec<NodeId> {
        let mut mark = vec![false; self.nodes.len()];
        if let Some(m) = mark.get_mut(self.root as usize) {
            *m = true;
        }
        for n in (0..self.nodes.len()).rev() {
            if mark[n] {
                for &k in self.kids(n as NodeId) {
                    mark[k as usize] = true;
                }
            }
        }
        (0..self.nodes.len() as NodeId)
            .filter(|&n| mark[n as usize])
            .collect()
    }

    /// Is the system up when `up(c)` tells which components are up? Each node is evaluated
    /// at most once, and only as far as needed (an `Any` stops at its first live child).
    pub fn eval(&self, up: &dyn Fn(usize) -> bool) -> bool {
        // 0 = not yet, 1 = down, 2 = up.
        let mut memo = vec![0u8; self.nodes.len()];
        self.eval_node(self.root, up, &mut memo)
    }

    fn eval_node(&self, n: NodeId, up: &dyn Fn(usize) -> bool, memo: &mut [u8]) -> bool {
        match memo[n as usize] {
            1 => return false,
            2 => return true,
            _ => {}
        }
        let kids = self.kids(n);
        let v = match self.gate(n) {
            Gate::Up(c) => up(c as usize),
            Gate::All => kids.iter().all(|&k| self.eval_node(k, up, memo)),
            Gate::Any => kids.iter().any(|&k| self.eval_node(k, up, memo)),
            Gate::AtLeast(k) => {
                let mut count = 0u32;
                for &kid in kids {
                    count += self.eval_node(kid, up, memo) as u32;
                    if count >= k {
                        break;
                    }
                }
                count >= k
            }
        };
        memo[n as usize] = 1 + v as u8;
        v
    }

    /// The structure in words ("lb AND any 1 of (a, b)"), shared parts spelled out each
    /// time, cut with "…" past a few thousand characters (at the limits the spelled-out tree
    /// has hundreds of thousands of leaves).
    pub fn describe(&self, name: &dyn Fn(usize) -> String) -> String {
        let mut out = String::new();
        self.describe_node(self.root, name, &mut out);
        if out.len() > DESCRIBE_MAX_CHARS {
            let mut cut = DESCRIBE_MAX_CHARS;
            while !out.is_char_boundary(cut) {
                cut -= 1;
            }
            out.truncate(cut);
            out.push('…');
        }
        out
    }

    fn describe_node(&self, n: NodeId, name: &dyn Fn(usize) -> String, out: &mut String) {
        if out.len() > DESCRIBE_MAX_CHARS {
            return;
        }
        let kids = self.kids(n);
        let list = |out: &mut String, sep: &str| {
            for (i, &k) in kids.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                self.describe_node(k, name, out);
            }
        };
        match self.gate(n) {
            Gate::Up(c) => out.push_str(&name(c as usize)),
            Gate::All if kids.is_empty() => out.push_str("always"),
            Gate::All => list(out, " AND "),
            Gate::Any if kids.len() == 1 => self.describe_node(kids[0], name, out),
            Gate::Any => {
                out.push_str("any 1 of (");
                list(out, ", ");
                out.push(')');
            }
            Gate::AtLeast(k) => {
                out.push_str(&format!("at least {k} of ("));
                list(out, ", ");
                out.push(')');
            }
        }
    }
}

/// FxHash (rustc's hasher): a multiply and a rotate per word. Used for lookups only, so
/// the seedless hash cannot change a result, only how fast it is found.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(w));
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.add(n as u64);
    }
    fn write_u32(&mut self, n: u32) {
        self.add(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn finish(&self) -> u64 {
        // hashbrown takes the bucket from the low bits and a tag from the top 7: fold the
        // well-mixed high half down so both are good.
        self.0 ^ (self.0 >> 32)
    }
}

type FxBuild = BuildHasherDefault<FxHasher>;
