//! The words of the trade, defined once: plain language first, the vendor term next to it.
//! The UI's tooltips, the event log's hover text and the README's glossary all read this
//! list (the README's copy is checked against it by a test), so a definition is fixed in one
//! place.

/// One term: what a beginner reads first (`plain`), then the vendor's word and what it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Term {
    /// Stable key for code and tests (`data-term`).
    pub key: &'static str,
    /// The vendor or engine word as it appears on screen ("loop_wait").
    pub term: &'static str,
    /// Its spellings in running text, matched case-sensitively as whole words ("ttl" is
    /// Patroni's, "TTL" the DNS one).
    pub words: &'static [&'static str],
    /// One short sentence in everyday words.
    pub plain: &'static str,
    /// The precise meaning, with the product it comes from.
    pub detail: &'static str,
}

impl Term {
    /// The tooltip text: plain words first, then the precise meaning.
    pub fn tooltip(&self) -> String {
        format!("{}: {} {}", self.term, self.plain, self.detail)
    }
}

pub const TERMS: &[Term] = &[
    Term {
        key: "spof",
        term: "SPOF",
        words: &["SPOF", "single point of failure", "single points of failure"],
        plain: "a part whose failure alone stops everything (single point of failure).",
        detail: "Found by asking of every component: if this fails, does every request fail?",
    },
    Term {
        key: "patroni",
        term: "Patroni",
        words: &["Patroni", "Patroni's"],
        plain: "the watchdog that decides which database is the primary.",
        detail: "An open-source PostgreSQL failover manager: the primary holds a leader lock in a consensus store (etcd, Consul); when the lock expires, a standby takes it and is promoted.",
    },
    Term {
        key: "ttl",
        term: "ttl",
        words: &["ttl"],
        plain: "how long the primary's lock lasts without being renewed: the standby takes over after it expires.",
        detail: "Patroni `ttl` (default 30 s): the leader lock's time to live.",
    },
    Term {
        key: "loop_wait",
        term: "loop_wait",
        words: &["loop_wait"],
        plain: "how often each database checks the lock.",
        detail: "Patroni `loop_wait` (default 10 s): the primary renews the lock and standbys look at it once per loop, so a takeover comes 20–40 s after a crash with ttl 30 s.",
    },
    Term {
        key: "rpo",
        term: "RPO",
        words: &["RPO"],
        plain: "how much recent data is lost when the database fails over.",
        detail: "Recovery point objective: here, writes the old primary had acknowledged but the standby never received (asynchronous replication).",
    },
    Term {
        key: "replication",
        term: "async / sync replication",
        words: &["asynchronous", "synchronous", "async", "sync"],
        plain: "whether the primary waits for the standby's copy before saying \"saved\".",
        detail: "Asynchronous: answer first, ship later (fast, may lose the last writes). Synchronous: wait for the standby (nothing acknowledged is lost; every write pays a round trip).",
    },
    Term {
        key: "fencing",
        term: "fencing",
        words: &["fencing", "Fencing", "fenced"],
        plain: "making sure an old primary stops taking writes once it lost its job.",
        detail: "Patroni demotes a primary that cannot renew its lock; STONITH or a watchdog cuts its power. Without it, two primaries can accept writes (split brain).",
    },
    Term {
        key: "split-brain",
        term: "split brain",
        words: &["split brain", "Split brain"],
        plain: "two databases both believe they are the primary and accept different writes.",
        detail: "Happens when a network cut hides the old primary instead of stopping it and nothing fences it; the conflicting writes must be reconciled by hand.",
    },
    Term {
        key: "inter",
        term: "inter",
        words: &["inter"],
        plain: "how often the balancer checks that a server is alive.",
        detail: "HAProxy `inter` (default 2 s): the next check starts this long after the previous one ends.",
    },
    Term {
        key: "fastinter",
        term: "fastinter",
        words: &["fastinter"],
        plain: "a quicker check rhythm while a server looks like it is changing state.",
        detail: "HAProxy `fastinter`: the interval after one failed (or passed) check until the server is declared down (or up). Defaults to inter.",
    },
    Term {
        key: "rise-fall",
        term: "rise / fall",
        words: &["rise", "fall"],
        plain: "how many checks in a row must pass to trust a server again, or fail to give up on it.",
        detail: "HAProxy `rise` (default 2) and `fall` (default 3).",
    },
    Term {
        key: "redispatch",
        term: "redispatch",
        words: &["redispatch", "redispatched"],
        plain: "a failed request is sent again to another server instead of failing.",
        detail: "HAProxy `option redispatch` with `retries`: a refused or broken connection is retried on a different server at once.",
    },
    Term {
        key: "proxy_next_upstream",
        term: "proxy_next_upstream",
        words: &["proxy_next_upstream"],
        plain: "NGINX's version of trying the next server when one fails.",
        detail: "NGINX `proxy_next_upstream error timeout` (the default) passes a refused or timed-out request on to the next server.",
    },
    Term {
        key: "passive-health",
        term: "passive health (max_fails, fail_timeout)",
        words: &["passive health", "max_fails", "fail_timeout"],
        plain: "the balancer notices failures from real requests instead of sending test checks.",
        detail: "NGINX `max_fails` failed requests within `fail_timeout` take a server out for `fail_timeout` (default 1 and 10 s).",
    },
    Term {
        key: "dns-ttl",
        term: "TTL (DNS)",
        words: &["TTL"],
        plain: "how long clients keep using an address they looked up before asking again.",
        detail: "Time to live of a DNS answer: after a failover, clients holding a cached answer keep going to the old (dead) address until it expires.",
    },
    Term {
        key: "failover-routing",
        term: "failover routing (FailureThreshold)",
        words: &["failover routing", "FailureThreshold"],
        plain: "DNS answers with the backup site once the main one fails its checks.",
        detail: "Route 53 failover records: the primary is answered while healthy; `FailureThreshold` failed checks, `RequestInterval` apart, mark it unhealthy.",
    },
    Term {
        key: "mtbf",
        term: "MTBF / MTTR",
        words: &["MTBF", "MTTR"],
        plain: "how often a part breaks on average, and how long it takes to fix.",
        detail: "Mean time between failures and mean time to repair; a part's availability is MTBF / (MTBF + MTTR).",
    },
    Term {
        key: "nines",
        term: "nines",
        words: &["nines"],
        plain: "a short way to say availability: 99.9 % is \"three nines\".",
        detail: "Each extra nine is ten times less downtime: three nines allow 43 min per 30 days, four nines 4.3 min.",
    },
    Term {
        key: "zone",
        term: "availability zone",
        words: &["availability zone"],
        plain: "one data center (or a few close ones) with its own power and network.",
        detail: "Zones of a region fail independently; a region is a group of zones in one area, far from other regions.",
    },
    Term {
        key: "gray-failure",
        term: "gray failure",
        words: &["gray failure", "Gray failure"],
        plain: "a server that is sick for users but still passes its health checks.",
        detail: "Errors or slowness the check endpoint does not exercise: nothing marks it down.",
    },
    Term {
        key: "fail-open",
        term: "fail-open",
        words: &["fail-open"],
        plain: "when every server looks unhealthy, the balancer sends traffic to all of them anyway.",
        detail: "AWS ALB's behaviour: better to try possibly healthy targets than to refuse everything.",
    },
    Term {
        key: "utilisation",
        term: "utilisation",
        words: &["utilisation", "Utilisation"],
        plain: "how busy the servers are: the load they get against the most they can serve.",
        detail: "ρ = λ / (n · c/S) for n instances of c workers and mean service time S; at 100 % the queue grows without bound.",
    },
    Term {
        key: "n-plus-one",
        term: "N+1",
        words: &["N+1"],
        plain: "one more server than the load needs, so losing any one still leaves enough.",
        detail: "A tier that needs k of its n instances has n − k spare; at ρ > (n − 1)/n losing one overloads the rest.",
    },
    Term {
        key: "retry-budget",
        term: "retry budget",
        words: &["retry budget", "retry budgets"],
        plain: "a cap on retries so that, in an outage, retrying cannot multiply the load.",
        detail: "Envoy `budget_percent` (20 %) with `min_retry_concurrency` (3): retries in flight stay at most that share of requests in flight.",
    },
    Term {
        key: "maxconn",
        term: "maxconn",
        words: &["maxconn", "timeout queue", "queue timeout"],
        plain: "the most requests the balancer lets a server work on at once; the rest wait at the balancer, briefly.",
        detail: "HAProxy server `maxconn`: over it, requests wait in the server's or the backend's queue, oldest first, up to `timeout queue` (default `timeout connect`), then get a 503; `maxqueue` bounds a server's own queue (0: no limit).",
    },
    Term {
        key: "circuit-breaker",
        term: "circuit breaker",
        words: &["circuit breaker", "circuit breakers", "circuit open"],
        plain: "a limit that makes a caller fail fast instead of piling more work on an overloaded server.",
        detail: "Envoy `max_connections`, `max_pending_requests`, `max_requests`, `max_retries` (1024 / 1024 / 1024 / 3): over a limit the request fails at once (503, `overflow`).",
    },
    Term {
        key: "outlier-detection",
        term: "outlier detection",
        words: &["outlier detection", "ejected"],
        plain: "the balancer takes out a server that keeps failing real requests, even if its health checks pass.",
        detail: "Envoy ejects a host after `consecutive_5xx` (5) errors for `base_ejection_time` (30 s) × its number of ejections, never more than `max_ejection_percent` of the hosts.",
    },
    Term {
        key: "slow-start",
        term: "slow start",
        words: &["slow start", "slowstart"],
        plain: "a server that comes back gets a small share of traffic first, growing while it warms up.",
        detail: "HAProxy `slowstart`, Envoy `slow_start_window` (weight × max(`min_weight_percent`, (t / window)^(1/aggression))), ALB `slow_start.duration_seconds` (linear).",
    },
    Term {
        key: "autoscaling",
        term: "autoscaling",
        words: &["autoscaling", "Autoscaling", "autoscaler", "scaled in", "scale out", "scale in"],
        plain: "adding servers when the load rises and stopping them when it falls, automatically.",
        detail: "An AWS EC2 Auto Scaling group (`MinSize`, `MaxSize`, `DesiredCapacity`) or a Kubernetes HorizontalPodAutoscaler (`minReplicas`, `maxReplicas`): a launched instance boots and passes its health checks before it gets traffic, so new capacity arrives minutes after the load.",
    },
    Term {
        key: "target-tracking",
        term: "target tracking",
        words: &["target tracking", "TargetValue"],
        plain: "the autoscaler keeps one measure, here how busy the servers are, near a value you choose.",
        detail: "AWS `TargetValue` (e.g. `ASGAverageCPUUtilization` 50 %), HPA `averageUtilization`: desired = ceil(current × metric ÷ target), within min and max; AWS acts after 3 one-minute datapoints above the target (15 below to scale in), the HPA every 15 s outside a 10 % tolerance.",
    },
    Term {
        key: "warm-up",
        term: "warm-up",
        words: &["warm-up", "warming up", "DefaultInstanceWarmup"],
        plain: "the time after a new server starts during which the autoscaler does not count its numbers yet.",
        detail: "AWS `DefaultInstanceWarmup` (300 s by default here): a launched instance's utilisation is left out of the average and the group does not scale in meanwhile; it already counts in the desired capacity, so it is not launched twice.",
    },
];

/// The term with this key.
pub fn lookup(key: &str) -> Option<&'static Term> {
    TERMS.iter().find(|t| t.key == key)
}

/// The terms a text uses (whole words, case-sensitive), in glossary order: the event log
/// shows their definitions on hover.
pub fn terms_in(text: &str) -> Vec<&'static Term> {
    TERMS
        .iter()
        .filter(|t| t.words.iter().any(|w| find_word(text, w, 0).is_some()))
        .collect()
}

/// The first glossary word in `text` at or after byte `from`: (start, end, term). The
/// longest word wins at equal starts ("split brain" before "split").
pub fn next_term(text: &str, from: usize) -> Option<(usize, usize, &'static Term)> {
    let mut best: Option<(usize, usize, &'static Term)> = None;
    for t in TERMS {
        for w in t.words {
            if let Some(i) = find_word(text, w, from) {
                let better = match best {
                    None => true,
                    Some((b, e, _)) => i < b || (i == b && i + w.len() > e),
                };
                if better {
                    best = Some((i, i + w.len(), t));
                }
            }
        }
    }
    best
}

/// Byte offset of `word` in `text` at or after `from`, standing as a whole word.
fn find_word(text: &str, word: &str, from: usize) -> Option<usize> {
    if word.is_empty() || from > text.len() || !text.is_char_boundary(from) {
        return None;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    text[from..]
        .match_indices(word)
        .map(|(i, _)| from + i)
        .find(|&i| {
            let before = text[..i].chars().next_back();
            let after = text[i + word.len()..].chars().next();
            !before.is_some_and(is_word) && !after.is_some_and(is_word)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_every_term_is_defined_in_plain_words() {
        for (i, t) in TERMS.iter().enumerate() {
            assert!(TERMS[i + 1..].iter().all(|o| o.key != t.key), "{}", t.key);
            assert!(!t.plain.is_empty() && !t.detail.is_empty(), "{}", t.key);
        }
    }

    #[test]
    fn finds_the_terms_a_log_line_uses() {
        let keys: Vec<&str> =
            terms_in("db-standby promoted to primary: 3 acknowledged write(s) lost (RPO); Patroni")
                .iter()
                .map(|t| t.key)
                .collect();
        assert_eq!(keys, ["patroni", "rpo"]);
        // Whole words only: "ttl" is not found inside "settle"; case tells Patroni's ttl
        // from the DNS TTL.
        assert!(terms_in("settle").is_empty());
        assert_eq!(terms_in("TTL 60 s")[0].key, "dns-ttl");
        let (start, end, t) =
            next_term("no fencing, so split brain", 0).unwrap_or_else(|| panic!("none"));
        assert_eq!((start, end, t.key), (3, 10, "fencing"));
        let (start, _, t) =
            next_term("no fencing, so split brain", end).unwrap_or_else(|| panic!("none"));
        assert_eq!((start, t.key), (15, "split-brain"));
    }
}
