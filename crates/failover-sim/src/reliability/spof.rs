//! Single points of failure in one pass over the structure.
//!
//! A component is a SPOF when the formula is false with it down and everything else up.
//! Evaluating the formula once per component costs components × formula size (billions of
//! steps at the limits). Instead, each node gets the set of components whose failure alone
//! makes it false — its "killers" — from its children's sets, children first:
//! - a component: itself;
//! - AND: the union of its children's killers (any child failing fails it);
//! - OR: the intersection over the children that hold (all must fail);
//! - at least k of n: a component that kills more than (holding − k) of the holding children;
//! - a node already false with everything up: every component (as the per-component
//!   evaluation said: with it down, the formula is still false).
//!
//! Exact, and linear in the DAG for real topologies: killers sets are short (a path's
//! series components), and an OR stops intersecting as soon as the set is empty.
use super::structure::{Gate, Structure};

/// The components whose failure alone makes a node false.
#[derive(Clone, Debug, PartialEq)]
pub enum Killers {
    /// The node is false with every component up: every failure "stops" it.
    Everything,
    /// Sorted component indices.
    Only(Vec<u32>),
}

impl Killers {
    pub fn contains(&self, c: usize) -> bool {
        match self {
            Killers::Everything => true,
            Killers::Only(v) => u32::try_from(c).is_ok_and(|c| v.binary_search(&c).is_ok()),
        }
    }
}

/// The root's killers, and the work it took (set elements and links visited).
pub fn killers(s: &Structure) -> (Killers, u64) {
    let mut ops = 0u64;
    let mut of: Vec<Option<Killers>> = vec![None; s.node_count()];
    for n in s.reachable() {
        let kids = s.kids(n);
        ops += 1 + kids.len() as u64;
        let sets = kids.iter().filter_map(|&k| of[k as usize].as_ref());
        let result = match s.gate(n) {
            Gate::Up(c) => Killers::Only(vec![c]),
            Gate::All => {
                let mut union = Vec::new();
                let mut everything = false;
                for k in sets {
                    match k {
                        Killers::Everything => {
                            everything = true;
                            break;
                        }
                        Killers::Only(v) => union.extend_from_slice(v),
                    }
                }
                if everything {
                    Killers::Everything
                } else {
                    ops += union.len() as u64;
                    union.sort_unstable();
                    union.dedup();
                    Killers::Only(union)
                }
            }
            Gate::Any => {
                // Children already false stay false: only the holding ones must all fail.
                let holding: Vec<&Vec<u32>> = sets
                    .filter_map(|k| match k {
                        Killers::Only(v) => Some(v),
                        Killers::Everything => None,
                    })
                    .collect();
                match holding.iter().min_by_key(|v| v.len()) {
                    None => Killers::Everything,
                    Some(smallest) => {
                        let mut common: Vec<u32> = smallest.to_vec();
                        for v in &holding {
                            if common.is_empty() {
                                break;
                            }
                            ops += common.len() as u64;
                            common.retain(|c| v.binary_search(c).is_ok());
                        }
                        Killers::Only(common)
                    }
                }
            }
            Gate::AtLeast(k) => {
                let holding: Vec<&Vec<u32>> = sets
                    .filter_map(|k| match k {
                        Killers::Only(v) => Some(v),
                        Killers::Everything => None,
                    })
                    .collect();
                let k = k as usize;
                if holding.len() < k {
                    Killers::Everything
                } else {
                    // A component kills it when it fails more than `spare` holding children.
                    let spare = holding.len() - k;
                    let mut all: Vec<u32> =
                        holding.iter().flat_map(|v| v.iter().copied()).collect();
                    ops += all.len() as u64;
                    all.sort_unstable();
                    let mut out = Vec::new();
                    for run in all.chunk_by(|x, y| x == y) {
                        if run.len() > spare {
                            out.push(run[0]);
                        }
                    }
                    Killers::Only(out)
                }
            }
        };
        of[n as usize] = Some(result);
    }
    let root = of
        .get_mut(s.root() as usize)
        .and_then(Option::take)
        .unwrap_or(Killers::Everything);
    (root, ops)
}
