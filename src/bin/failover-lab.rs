//! `failover-lab`: run scenarios headless, list presets, benchmark the engine.
//!
//! Native only; the wasm32 build of this binary is an empty stub (the browser app is the
//! `failover-lab-web` binary).

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    /// `println!` that ends quietly when stdout is closed (`failover-lab show x | head`).
    macro_rules! say {
        ($($arg:tt)*) => {{
            use std::io::Write as _;
            if writeln!(std::io::stdout(), $($arg)*).is_err() {
                std::process::exit(0);
            }
        }};
    }

    use clap::{Parser, Subcommand};
    use failover_lab::bench_model;
    use failover_lab::sim::params;
    use failover_lab::sim::presets;
    use failover_lab::sim::report::Report;
    use failover_lab::sim::scenario::{Fault, FaultAction, ParamValue, Scenario};
    use failover_lab::sim::time::US_PER_S;
    use failover_lab::sim::Simulation;
    use std::process::ExitCode;
    use std::time::Instant;

    #[derive(Parser)]
    #[command(
        name = "failover-lab",
        version,
        about = "Deterministic simulator of redundancy and failover"
    )]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// List the built-in scenarios.
        Presets,
        /// Print a preset as a scenario JSON file (a starting point for your own).
        Show { preset: String },
        /// Run a preset or a scenario file and print a summary.
        Run {
            /// A preset name (see `presets`) or a path to a scenario JSON file.
            scenario: String,
            #[arg(long)]
            seed: Option<u64>,
            /// Simulated seconds to run (default: the scenario's duration_s).
            #[arg(long)]
            duration: Option<u64>,
            /// A fault: ACTION:NODE@TIME[=VALUE], e.g. crash:app-2@20s, heal:app-2@40s,
            /// unreachable:app-1@5s, freeze:app-1@5s, fail:lb-1@10s, add-latency:app-1@3s=250 (ms),
            /// gray:app-3@20s=0.3 (error rate).
            #[arg(long = "fault")]
            faults: Vec<String>,
            /// Override a parameter before the run: NODE.PARAM=VALUE, e.g.
            /// lb-1.health_check.inter_ms=1000 or clients.rate_rps=500.
            #[arg(long = "set")]
            sets: Vec<String>,
            /// Print the JSON report instead of the human summary.
            #[arg(long)]
            json: bool,
            /// Run N times with seeds seed, seed+1, … and report means with 95 % confidence
            /// intervals next to the analytic availability.
            #[arg(long, default_value_t = 1)]
            runs: u32,
        },
        /// Measure simulated requests per second (see benches/ for the SimPy comparison).
        Bench {
            /// Simulated seconds per run.
            #[arg(long, default_value_t = 600)]
            seconds: u64,
            /// Arrival rate (requests/s).
            #[arg(long, default_value_t = 2000.0)]
            rate: f64,
            #[arg(long, default_value_t = 3)]
            repeat: u32,
            #[arg(long)]
            json: bool,
        },
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        let result = match cli.command {
            Command::Presets => {
                for p in presets::all() {
                    say!("{:<22} {} ({})", p.name, p.title, p.source);
                }
                Ok(())
            }
            Command::Show { preset } => presets::find(&preset)
                .map(|p| say!("{}", p.scenario().to_json_pretty()))
                .ok_or_else(|| unknown_preset(&preset)),
            Command::Run {
                scenario,
                seed,
                duration,
                faults,
                sets,
                json,
                runs,
            } => run(&scenario, seed, duration, &faults, &sets, json, runs),
            Command::Bench {
                seconds,
                rate,
                repeat,
                json,
            } => bench(seconds, rate, repeat, json),
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(msg) => {
                eprintln!("error: {msg}");
                ExitCode::from(2)
            }
        }
    }

    fn unknown_preset(name: &str) -> String {
        let names: Vec<&str> = presets::all().iter().map(|p| p.name).collect();
        format!(
            "`{name}` is neither a preset ({}) nor a readable file",
            names.join(", ")
        )
    }

    fn load(spec: &str) -> Result<Scenario, String> {
        if let Some(p) = presets::find(spec) {
            return Ok(p.scenario());
        }
        let text = std::fs::read_to_string(spec).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                unknown_preset(spec)
            } else {
                format!("{spec}: {e}")
            }
        })?;
        Scenario::from_json(&text).map_err(|e| format!("{spec}: {e}"))
    }

    /// "20s", "1500ms", "2.5s", "20" (seconds) → milliseconds.
    fn parse_time_ms(t: &str) -> Result<u64, String> {
        let (num, scale) = if let Some(ms) = t.strip_suffix("ms") {
            (ms, 1.0)
        } else if let Some(s) = t.strip_suffix('s') {
            (s, 1_000.0)
        } else {
            (t, 1_000.0)
        };
        let v: f64 = num
            .parse()
            .map_err(|_| format!("`{t}` is not a time (use 20s or 1500ms)"))?;
        if !(0.0..=86_400_000.0).contains(&(v * scale)) {
            return Err(format!("`{t}` is out of range"));
        }
        Ok((v * scale).round() as u64)
    }

    pub fn parse_fault(spec: &str) -> Result<Fault, String> {
        let bad =
            || format!("fault `{spec}`: expected ACTION:NODE@TIME[=VALUE], e.g. crash:app-2@20s");
        let (action, rest) = spec.split_once(':').ok_or_else(bad)?;
        let (node, rest) = rest.split_once('@').ok_or_else(bad)?;
        let (time, value) = match rest.split_once('=') {
            Some((t, v)) => (t, Some(v)),
            None => (rest, None),
        };
        let action = FaultAction::parse(action).ok_or_else(|| {
            format!("fault `{spec}`: unknown action `{action}` (crash, unreachable, freeze, fail, heal, add-latency, gray)")
        })?;
        let mut f = Fault::new(parse_time_ms(time)?, action, node);
        let num = |v: &str| {
            v.parse::<f64>()
                .map_err(|_| format!("fault `{spec}`: `{v}` is not a number"))
        };
        match (action, value) {
            (FaultAction::AddLatency, Some(v)) => f.extra_latency_ms = Some(num(v)?),
            (FaultAction::AddLatency, None) => {
                return Err(format!("fault `{spec}`: add-latency needs =MS"))
            }
            (FaultAction::Gray, Some(v)) => f.error_rate = Some(num(v)?),
            (FaultAction::Set, _) => {
                return Err(format!(
                    "fault `{spec}`: use --set NODE.PARAM=VALUE for parameters"
                ))
            }
            (_, Some(_)) => {
                return Err(format!(
                    "fault `{spec}`: `{}` takes no value",
                    action.name()
                ))
            }
            _ => {}
        }
        Ok(f)
    }

    fn parse_value(v: &str) -> ParamValue {
        match v {
            "true" => ParamValue::Bool(true),
            "false" => ParamValue::Bool(false),
            _ => v
                .parse::<f64>()
                .map(ParamValue::Number)
                .unwrap_or_else(|_| ParamValue::Text(v.to_string())),
        }
    }

    fn apply_set(s: &mut Scenario, spec: &str) -> Result<(), String> {
        let (lhs, value) = spec
            .split_once('=')
            .ok_or_else(|| format!("--set `{spec}`: expected NODE.PARAM=VALUE"))?;
        let (node, param) = lhs
            .split_once('.')
            .ok_or_else(|| format!("--set `{spec}`: expected NODE.PARAM=VALUE"))?;
        params::apply_to_scenario(s, node, param, &parse_value(value))
            .map_err(|e| format!("--set `{spec}`: {e}"))
    }

    #[allow(clippy::too_many_arguments)]
    fn run(
        spec: &str,
        seed: Option<u64>,
        duration: Option<u64>,
        faults: &[String],
        sets: &[String],
        json: bool,
        runs: u32,
    ) -> Result<(), String> {
        let mut scenario = load(spec)?;
        for s in sets {
            apply_set(&mut scenario, s)?;
        }
        if let Some(d) = duration {
            scenario.duration_s = d;
        }
        for f in faults {
            scenario.faults.push(parse_fault(f)?);
        }
        let seed = seed.unwrap_or(scenario.seed);
        if !(1..=10_000).contains(&runs) {
            return Err(format!("--runs must be between 1 and 10000, got {runs}"));
        }
        let mut reports = Vec::with_capacity(runs as usize);
        for k in 0..runs {
            let started = Instant::now();
            let mut sim = Simulation::with_seed(&scenario, seed.wrapping_add(k as u64))
                .map_err(|e| format!("invalid scenario:\n{e}"))?;
            sim.run_for(scenario.duration_s * US_PER_S);
            reports.push(sim.report(started.elapsed().as_secs_f64() * 1_000.0));
            if runs > 1 {
                progress(k + 1, runs);
            }
        }
        if runs == 1 {
            let report = &reports[0];
            if json {
                say!(
                    "{}",
                    serde_json::to_string_pretty(report).map_err(|e| e.to_string())?
                );
            } else {
                print_summary(report);
            }
            return Ok(());
        }
        let req = MeanCi::of(reports.iter().map(|r| r.availability));
        let time = MeanCi::of(reports.iter().map(|r| r.availability_over_time));
        let analytic = reports[0].analytic_availability;
        if json {
            let v = serde_json::json!({
                "scenario": reports[0].scenario, "runs": runs, "first_seed": seed,
                "duration_s": scenario.duration_s,
                "availability": req, "availability_over_time": time,
                "analytic_availability": analytic, "spofs": reports[0].spofs,
                "per_run": reports,
            });
            say!(
                "{}",
                serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
            );
        } else {
            let last = seed.wrapping_add(runs as u64 - 1);
            say!(
                "{} — {runs} runs (seeds {seed}…{last}) of {} s",
                reports[0].scenario,
                scenario.duration_s
            );
            say!("request availability:    {}", req.pct());
            say!("availability over time:  {}", time.pct());
            let inside = (time.mean - analytic).abs() <= time.ci95.max(1e-9);
            say!(
                "analytic (MTBF/MTTR):    {:.4} %{}",
                analytic * 100.0,
                if inside {
                    "  (inside the measured interval)"
                } else {
                    "  (outside the measured interval)"
                }
            );
            if !reports[0].spofs.is_empty() {
                say!("single points of failure: {}", reports[0].spofs.join(", "));
            }
        }
        Ok(())
    }

    /// Mean and 95 % confidence half-width (normal approximation over runs).
    #[derive(serde::Serialize)]
    struct MeanCi {
        mean: f64,
        ci95: f64,
    }

    impl MeanCi {
        fn of(xs: impl Iterator<Item = f64>) -> MeanCi {
            let v: Vec<f64> = xs.collect();
            let n = v.len().max(1) as f64;
            let mean = v.iter().sum::<f64>() / n;
            let var = if v.len() > 1 {
                v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
            } else {
                0.0
            };
            MeanCi {
                mean,
                ci95: 1.96 * (var / n).sqrt(),
            }
        }

        fn pct(&self) -> String {
            format!("{:.4} % ± {:.4}", self.mean * 100.0, self.ci95 * 100.0)
        }
    }

    /// A progress bar on stderr (stdout stays clean for --json).
    fn progress(done: u32, total: u32) {
        use std::io::Write as _;
        let width = 30;
        let filled = (done as usize * width) / total as usize;
        let mut err = std::io::stderr();
        let _ = write!(
            err,
            "\r[{}{}] {done}/{total} runs",
            "#".repeat(filled),
            " ".repeat(width - filled)
        );
        if done == total {
            let _ = writeln!(err);
        }
    }

    fn print_summary(r: &Report) {
        say!(
            "{} — seed {} — {:.0} s simulated in {:.0} ms",
            r.scenario,
            r.seed,
            r.duration_s,
            r.wall_ms
        );
        say!(
            "requests: {} sent, {} succeeded, {} failed, {} in flight, {} retries",
            r.requests.sent,
            r.requests.succeeded,
            r.requests.failed,
            r.requests.in_flight,
            r.requests.retried
        );
        say!("availability: {:.4} %", r.availability * 100.0);
        let failed: Vec<String> = r
            .failed_by_reason
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        if !failed.is_empty() {
            say!("failed by reason: {}", failed.join(", "));
        }
        let l = &r.latency_ms;
        say!(
            "latency ms: mean {:.1}, p50 {:.1}, p90 {:.1}, p99 {:.1}, max {:.1}",
            l.mean,
            l.p50,
            l.p90,
            l.p99,
            l.max
        );
        for f in &r.failures {
            let opt = |v: Option<f64>| v.map(|x| format!("{x:.3} s")).unwrap_or_else(|| "—".into());
            say!(
                "failure: {} ({}) at {:.3} s; detected {} ; rerouted {} ; recovered {} ; {} lost, {} saved by retry",
                f.node, f.fault, f.fault_at_s, opt(f.detected_at_s), opt(f.rerouted_at_s), opt(f.recovered_at_s), f.lost_requests, f.saved_by_retry
            );
        }
        say!("events: {}  trace hash: {}", r.events, r.trace_hash);
    }

    /// Simulated requests per wall second on the redundant-behind-lb model (no faults, so
    /// the figure is comparable with the SimPy model in benches/). The scenario and the run
    /// are shared with the wasm32 benchmark (src/bench_model.rs); only the timing is here.
    fn bench(seconds: u64, rate: f64, repeat: u32, json: bool) -> Result<(), String> {
        let scenario = bench_model::scenario(seconds, rate)?;
        let mut best = f64::INFINITY;
        let mut last = None;
        for _ in 0..repeat.max(1) {
            let started = Instant::now();
            let sim = bench_model::run(&scenario)?;
            best = best.min(started.elapsed().as_secs_f64());
            last = Some(sim);
        }
        let sim = last.ok_or("no run")?;
        let rps = sim.metrics().sent as f64 / best;
        let eps = sim.events_processed() as f64 / best;
        if json {
            let mut out = bench_model::outcome(&sim);
            out.insert("engine".into(), "native".into());
            out.insert("repeat".into(), repeat.max(1).into());
            out.insert("wall_s".into(), best.into());
            out.insert("sim_requests_per_s".into(), rps.into());
            out.insert("events_per_s".into(), eps.into());
            say!("{}", serde_json::Value::Object(out));
        } else {
            say!(
                "native: {} requests ({} events) in {:.3} s → {:.0} simulated requests/s, {:.0} events/s (trace hash {})",
                sim.metrics().sent,
                sim.events_processed(),
                best,
                rps,
                eps,
                sim.trace_hash_hex()
            );
        }
        Ok(())
    }
}
