//! An API gateway: the front door of seed 004's architectures. Every request that enters
//! through it is forwarded to one of its load balancers; with one gateway, it is the SPOF
//! "no person can use the cloud" when it fails.
//!
//! States (shared with the balancer, both are proxies): `Up`; `Failed` (the process is
//! down: clients get connection refused and connections open through it are cut);
//! `Unreachable` (its data center lost power or network: clients hang until their timeout).
//!
//! It has no active health checks of its balancers. Like Envoy's outlier detection or
//! NGINX's `max_fails`, it learns from real requests: a balancer that refuses a connection
//! (or never answers within `timeout_connect_ms`) is marked down for `fail_timeout_ms`, and
//! the request is retried on another balancer (Envoy `num_retries`, `retry_on:
//! connect-failure`).
use super::load_balancer::BalancerState;
use super::passive_health::PassiveMark;
use super::scenario::Gateway as GatewaySpec;
use super::time::{whole_ms_to_us, TimeUs};

/// A gateway's proxy states are a balancer's.
pub type GatewayState = BalancerState;

#[derive(Clone, Debug)]
pub struct Upstream {
    /// Index of the balancer in the simulation.
    pub balancer: u32,
    pub mark: PassiveMark,
}

#[derive(Clone, Debug)]
pub struct Gateway {
    pub name: String,
    pub spec: GatewaySpec,
    pub state: GatewayState,
    pub upstreams: Vec<Upstream>,
    /// Requests that entered through it and have not finished (for the diagram).
    pub in_flight: u32,
    /// Round-robin cursor.
    next: usize,
}

impl Gateway {
    /// `balancer_index` resolves a balancer name (validation guarantees it does).
    pub fn new(spec: &GatewaySpec, balancer_index: impl Fn(&str) -> u32) -> Gateway {
        Gateway {
            name: spec.name.clone(),
            spec: spec.clone(),
            state: GatewayState::Up,
            upstreams: spec
                .balancers
                .iter()
                .map(|b| Upstream {
                    balancer: balancer_index(b),
                    mark: PassiveMark::default(),
                })
                .collect(),
            in_flight: 0,
            next: 0,
        }
    }

    pub fn timeout_connect_us(&self) -> TimeUs {
        whole_ms_to_us(self.spec.timeout_connect_ms)
    }

    /// The balancer for the next request: round robin over the upstreams not marked down,
    /// avoiding `exclude` (the one that just failed) when another exists. When every
    /// upstream is marked down it tries them all anyway (Envoy's panic mode): refusing
    /// everything would turn a brief blip into `fail_timeout` of errors.
    pub fn pick(&mut self, now: TimeUs, exclude: Option<u32>) -> Option<u32> {
        let n = self.upstreams.len();
        if n == 0 {
            return None;
        }
        let usable = |u: &Upstream, marked_ok: bool| {
            (!marked_ok || u.mark.ok(now)) && (n == 1 || Some(u.balancer) != exclude)
        };
        for marked_ok in [true, false] {
            for k in 0..n {
                let i = (self.next + k) % n;
                if usable(&self.upstreams[i], marked_ok) {
                    self.next = (i + 1) % n;
                    return Some(self.upstreams[i].balancer);
                }
            }
        }
        None
    }

    /// A connection to balancer `b` failed; returns true if that marked it down.
    pub fn connect_failed(&mut self, b: u32, now: TimeUs) -> bool {
        let passive = self.spec.passive.clone();
        self.upstreams
            .iter_mut()
            .find(|u| u.balancer == b)
            .is_some_and(|u| u.mark.fail(&passive, now))
    }

    /// A restarted gateway forgets what it had learned.
    pub fn restart(&mut self) {
        self.state = GatewayState::Up;
        for u in &mut self.upstreams {
            u.mark = PassiveMark::default();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::PassiveHealth;

    fn gateway(n: u32) -> Gateway {
        let spec = GatewaySpec {
            name: "gw".into(),
            balancers: (0..n).map(|i| format!("lb-{i}")).collect(),
            retries: 1,
            timeout_connect_ms: 1_000,
            passive: PassiveHealth {
                max_fails: 1,
                fail_timeout_ms: 10_000,
            },
            retry_on_5xx: false,
            retry_budget: None,
            zone: None,
            failures: None,
        };
        Gateway::new(&spec, |name| name[3..].parse().unwrap())
    }

    #[test]
    fn round_robin_skips_a_balancer_marked_down_until_fail_timeout() {
        let mut g = gateway(3);
        assert_eq!(
            (0..4).map(|_| g.pick(0, None).unwrap()).collect::<Vec<_>>(),
            [0, 1, 2, 0]
        );
        assert!(g.connect_failed(1, 1_000_000));
        let picks: Vec<u32> = (0..4).map(|_| g.pick(2_000_000, None).unwrap()).collect();
        assert!(!picks.contains(&1));
        // After fail_timeout it gets traffic again.
        let later: Vec<u32> = (0..3).map(|_| g.pick(11_000_000, None).unwrap()).collect();
        assert!(later.contains(&1));
    }

    #[test]
    fn a_retry_avoids_the_balancer_that_failed_and_all_down_still_tries() {
        let mut g = gateway(2);
        assert_eq!(g.pick(0, Some(0)), Some(1));
        assert_eq!(g.pick(0, Some(0)), Some(1));
        g.connect_failed(0, 0);
        g.connect_failed(1, 0);
        assert!(g.pick(1, None).is_some());
        // With one balancer, the retry goes to it again.
        let mut one = gateway(1);
        assert_eq!(one.pick(0, Some(0)), Some(0));
    }
}
