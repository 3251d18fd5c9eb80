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
    use failover_lab::sim::reliability::series::{self, RunFigures};
    use failover_lab::sim::report::Report;
    use failover_lab::sim::scenario::{self, Fault, FaultAction, ParamValue, Scenario};
    use failover_lab::sim::time::US_PER_S;
    use failover_lab::sim::validate::{self, NameKind};
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
        /// List the built-in scenarios, grouped in teaching order.
        Presets,
        /// The glossary (plain words first, then the vendor's term), as the README's
        /// Markdown list.
        Glossary,
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
            /// gray:app-3@20s=0.3 (error rate); partition:ZONE:PEER@TIME and
            /// repair:ZONE:PEER@TIME (zones or regions); set:NODE:PARAM:VALUE@TIME
            /// (or set:NODE:PARAM@TIME=VALUE), e.g. set:lb-1:retries:0@10s.
            #[arg(long = "fault")]
            faults: Vec<String>,
            /// Override a parameter before the run: NODE.PARAM=VALUE or NODE:PARAM=VALUE,
            /// e.g. lb-1.health_check.inter_ms=1000 or clients.rate_rps=500. With a dot, the
            /// split is where the right side is a parameter of the node named on the left,
            /// so node names may contain dots (eu.lb-1.retries=0).
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
        /// Run two designs with the same seeds, traffic and faults and print them side by
        /// side (availability, failed requests, p99, lost writes, detection, cost).
        Compare {
            /// A preset name or a scenario JSON file: the first design.
            a: String,
            /// The second design.
            b: String,
            /// First seed (default: A's seed); run k uses seed + k on both sides.
            #[arg(long)]
            seed: Option<u64>,
            /// Simulated seconds per run (default: A's duration_s).
            #[arg(long)]
            duration: Option<u64>,
            /// A fault for both sides, as in `run` (crash:app-2@20s). A side without that
            /// node lists it as not applicable.
            #[arg(long = "fault")]
            faults: Vec<String>,
            /// Runs per side (seeds seed, seed+1, …); figures are means over the runs.
            #[arg(long, default_value_t = 1)]
            runs: u32,
            #[arg(long)]
            json: bool,
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
            /// Switch every overload and recovery guard on (client retries, retry budget,
            /// circuit breakers, outlier detection, slow start, load shedding, …).
            #[arg(long)]
            guarded: bool,
            #[arg(long)]
            json: bool,
        },
    }

    /// One Markdown line per glossary term: `- **term**: plain words. Detail.`
    fn glossary_markdown() -> Vec<String> {
        failover_lab::sim::glossary::TERMS
            .iter()
            .map(|t| format!("- **{}**: {} {}", t.term, t.plain, t.detail))
            .collect()
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        let result = match cli.command {
            Command::Presets => {
                let mut group = None;
                for p in presets::all() {
                    if group != Some(p.group) {
                        say!("{}:", p.group.label());
                        group = Some(p.group);
                    }
                    say!("  {:<26} {} ({})", p.name, p.title, p.source);
                }
                Ok(())
            }
            Command::Glossary => {
                for line in glossary_markdown() {
                    say!("{line}");
                }
                Ok(())
            }
            Command::Show { preset } => presets::find(&preset)
                .map(|p| say!("{}", p.scenario().to_json_pretty()))
                .ok_or_else(|| unknown_preset(&preset).into()),
            Command::Run {
                scenario,
                seed,
                duration,
                faults,
                sets,
                json,
                runs,
            } => run(&scenario, seed, duration, &faults, &sets, json, runs),
            Command::Compare {
                a,
                b,
                seed,
                duration,
                faults,
                runs,
                json,
            } => compare(&a, &b, seed, duration, &faults, runs, json),
            Command::Bench {
                seconds,
                rate,
                repeat,
                guarded,
                json,
            } => bench(seconds, rate, repeat, guarded, json).map_err(Failure::from),
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {}", escape(&e.message));
                for line in &e.lines {
                    eprintln!("{}", escape(line));
                }
                ExitCode::from(2)
            }
        }
    }

    /// What went wrong: a message and, for an invalid scenario, one line per problem. Both
    /// may quote the file (names, unknown fields), so `main` escapes them before printing.
    struct Failure {
        message: String,
        lines: Vec<String>,
    }

    impl From<String> for Failure {
        fn from(message: String) -> Self {
            Failure {
                message,
                lines: Vec::new(),
            }
        }
    }

    impl From<&str> for Failure {
        fn from(message: &str) -> Self {
            Failure::from(message.to_string())
        }
    }

    /// Text from a file or an argument, safe to print on a terminal: control characters
    /// (escape sequences, carriage returns, line breaks) and the invisible marks that reorder
    /// or break lines are shown as `\u{1b}`-style escapes instead of acting on the terminal.
    pub fn escape(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            let invisible = matches!(
                c,
                '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}'
                    | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            );
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() || invisible => {
                    out.push_str(&format!("\\u{{{:x}}}", c as u32));
                }
                c => out.push(c),
            }
        }
        out
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
        // The size first, so a huge file is refused without being read.
        if let Ok(meta) = std::fs::metadata(spec) {
            let bytes = usize::try_from(meta.len()).unwrap_or(usize::MAX);
            scenario::check_scenario_size(bytes).map_err(|e| format!("{spec}: {e}"))?;
        }
        let text = std::fs::read_to_string(spec).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                unknown_preset(spec)
            } else {
                format!("{spec}: {e}")
            }
        })?;
        scenario::parse_scenario(&text).map_err(|e| format!("{spec}: {e}"))
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

    /// `ACTION:NODE@TIME[=VALUE]`; `partition:NODE:PEER@TIME`, `repair:NODE:PEER@TIME`;
    /// `set:NODE:PARAM:VALUE@TIME` or `set:NODE:PARAM@TIME=VALUE`. Node names never contain
    /// `:` or `@` (validation allows letters, digits, `-`, `_` and `.`), so the fields split
    /// without ambiguity, as in share links.
    pub fn parse_fault(spec: &str) -> Result<Fault, String> {
        let bad = || {
            format!(
                "fault `{spec}`: expected ACTION:NODE@TIME[=VALUE], e.g. crash:app-2@20s, \
                 partition:ZONE:PEER@20s or set:NODE:PARAM:VALUE@20s"
            )
        };
        let (action, rest) = spec.split_once(':').ok_or_else(bad)?;
        let (fields, rest) = rest.split_once('@').ok_or_else(bad)?;
        let (time, value) = match rest.split_once('=') {
            Some((t, v)) => (t, Some(v)),
            None => (rest, None),
        };
        let action = FaultAction::parse(action).ok_or_else(|| {
            format!("fault `{spec}`: unknown action `{action}` (crash, unreachable, freeze, fail, heal, add-latency, gray, partition, repair, set)")
        })?;
        let at_ms = parse_time_ms(time)?;
        let num = |v: &str| {
            v.parse::<f64>()
                .map_err(|_| format!("fault `{spec}`: `{v}` is not a number"))
        };
        let mut parts = fields.splitn(3, ':');
        let node = parts.next().unwrap_or_default();
        let (second, third) = (parts.next(), parts.next());
        let mut f = Fault::new(at_ms, action, node);
        match action {
            FaultAction::Partition | FaultAction::Repair => match (second, third, value) {
                (Some(peer), None, None) => f.peer = Some(peer.to_string()),
                _ => {
                    return Err(format!(
                        "fault `{spec}`: {} takes {}:NODE:PEER@TIME (two zones or regions)",
                        action.name(),
                        action.name()
                    ))
                }
            },
            FaultAction::Set => {
                let (param, value) = match (second, third, value) {
                    (Some(param), Some(v), None) | (Some(param), None, Some(v)) => (param, v),
                    _ => {
                        return Err(format!(
                            "fault `{spec}`: set takes set:NODE:PARAM:VALUE@TIME, e.g. set:lb-1:retries:0@10s"
                        ))
                    }
                };
                f.param = Some(param.to_string());
                f.value = Some(parse_value(value));
            }
            _ if second.is_some() => return Err(bad()),
            FaultAction::AddLatency => match value {
                Some(v) => f.extra_latency_ms = Some(num(v)?),
                None => return Err(format!("fault `{spec}`: add-latency needs =MS")),
            },
            FaultAction::Gray | FaultAction::PushConfig | FaultAction::Canary => {
                if let Some(v) = value {
                    f.error_rate = Some(num(v)?);
                }
            }
            // flap:app-2@20s=4000: the period in ms.
            FaultAction::Flap => {
                if let Some(v) = value {
                    f.value = Some(ParamValue::Number(num(v)?));
                }
            }
            _ if value.is_some() => {
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
        let bad = || format!("--set `{spec}`: expected NODE.PARAM=VALUE or NODE:PARAM=VALUE");
        let (lhs, value) = spec.split_once('=').ok_or_else(bad)?;
        let (node, param) = split_node_param(s, lhs).ok_or_else(bad)?;
        params::apply_to_scenario(s, node, param, &parse_value(value))
            .map_err(|e| format!("--set `{spec}`: {e}"))
    }

    /// `NODE:PARAM` splits at the colon (names never contain one). `NODE.PARAM` splits at the
    /// dot where the left side names a node and the right side is one of its parameters, so
    /// a node name may contain dots (`eu.lb-1.health_check.inter_ms`). With no such dot it
    /// splits after the longest prefix naming a node, else at the first dot, so the error
    /// says what is unknown. (Two such dots cannot happen with today's parameter names: no
    /// parameter ends with another's name after a dot; if one ever did, the first dot wins.)
    pub fn split_node_param<'a>(s: &Scenario, lhs: &'a str) -> Option<(&'a str, &'a str)> {
        if let Some(split) = lhs.split_once(':') {
            return Some(split);
        }
        let dots: Vec<usize> = lhs.match_indices('.').map(|(i, _)| i).collect();
        let at = |i: usize| (&lhs[..i], &lhs[i + 1..]);
        let kind = |node: &str| validate::lookup(s, node);
        let fits = |&&i: &&usize| {
            let (node, param) = at(i);
            kind(node).is_some_and(|k: NameKind| params::params_of(k).contains(&param))
        };
        let named = |&&i: &&usize| kind(at(i).0).is_some();
        dots.iter()
            .find(fits)
            .or_else(|| dots.iter().rev().find(named))
            .or(dots.first())
            .map(|&i| at(i))
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
    ) -> Result<(), Failure> {
        let mut scenario = load(spec)?;
        params::check_override_count(sets.len()).map_err(|e| format!("--set: {e}"))?;
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
            return Err(format!("--runs must be between 1 and 10000, got {runs}").into());
        }
        let mut reports = Vec::with_capacity(runs as usize);
        let bar = progress_bar(runs);
        let mut outages_per_s = None;
        for k in 0..runs {
            let started = Instant::now();
            let mut sim =
                Simulation::with_seed(&scenario, seed.wrapping_add(k as u64)).map_err(|e| {
                    Failure {
                        message: "invalid scenario:".into(),
                        lines: e.0.iter().map(|p| p.to_string()).collect(),
                    }
                })?;
            sim.run_for(scenario.duration_s * US_PER_S);
            outages_per_s = sim.outages_per_s();
            reports.push(sim.report(started.elapsed().as_secs_f64() * 1_000.0));
            bar.inc(1);
        }
        bar.finish();
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
        let figures: Vec<RunFigures> = reports
            .iter()
            .map(|r| RunFigures {
                succeeded: r.requests.succeeded,
                finished: r.requests.succeeded + r.requests.failed,
                time_able_to_serve: r.availability_over_time,
                duration_s: r.duration_s,
                breakdown: r.breakdown.clone(),
            })
            .collect();
        let series = series::summarise(
            analytic,
            reports[0].analytic_availability_ci95,
            outages_per_s,
            &figures,
        )
        .ok_or("no run")?;
        if json {
            let mut v = serde_json::json!({
                "scenario": reports[0].scenario, "runs": runs, "first_seed": seed,
                "duration_s": scenario.duration_s,
                "availability": req, "availability_over_time": time,
                "analytic_availability": analytic,
                "analytic_availability_method": reports[0].analytic_availability_method,
                "spofs": reports[0].spofs,
                "capacity": reports[0].capacity,
                "intervals": {
                    "requests_answered": series.answered,
                    "time_able_to_serve": series.time_able_to_serve,
                },
                "comparison": {
                    "time_able_to_serve": series.vs_time_able_to_serve,
                    "requests_answered": series.vs_requests_answered,
                    "statement": series.statement(),
                },
                "breakdown": series.breakdown,
                "per_run": reports,
            });
            if let (Some(ci95), Some(samples)) = (
                reports[0].analytic_availability_ci95,
                reports[0].analytic_availability_samples,
            ) {
                v["analytic_availability_ci95"] = serde_json::json!(ci95);
                v["analytic_availability_samples"] = serde_json::json!(samples);
            }
            say!(
                "{}",
                serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
            );
        } else {
            let last = seed.wrapping_add(runs as u64 - 1);
            say!(
                "{} — {runs} runs (seeds {seed}…{last}) of {} s",
                escape(&reports[0].scenario),
                scenario.duration_s
            );
            say!("requests answered OK:    {}", series.answered.text());
            say!(
                "time able to serve:      {}",
                series.time_able_to_serve.text()
            );
            say!("analytic (MTBF/MTTR):    {}", analytic_text(&reports[0]));
            for line in capacity_lines(&reports[0]) {
                say!("{}", escape(&line));
            }
            say!("{}", series.statement());
            say!("mean over the runs:");
            for line in series.breakdown.lines() {
                say!("{}", escape(&line));
            }
            for note in &series.breakdown.notes {
                say!("note: {}", escape(note));
            }
            if !reports[0].spofs.is_empty() {
                say!(
                    "single points of failure: {}",
                    escape(&reports[0].spofs.join(", "))
                );
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
    }

    /// The progress of `--runs N` on stderr (stdout stays clean for --json): shown for more
    /// than one run when stderr is a terminal, hidden otherwise (pipes, CI logs, tests).
    fn progress_bar(runs: u32) -> indicatif::ProgressBar {
        use std::io::IsTerminal as _;
        if runs <= 1 || !std::io::stderr().is_terminal() {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new(runs.into());
        // The template is a constant: it always parses (the default style is a safe fallback).
        let style = indicatif::ProgressStyle::with_template(
            "[{bar:30}] {pos}/{len} runs, {elapsed} elapsed, about {eta} left",
        )
        .map(|s| s.progress_chars("#>-"))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style);
        bar
    }

    /// "99.9123 % (exact)", or "≈ 99.9123 % — estimate (Monte Carlo, N samples, 95 % CI
    /// a–b %)" when the structure was too entangled for the exact computation's budget.
    fn analytic_text(r: &Report) -> String {
        match (
            r.analytic_availability_ci95,
            r.analytic_availability_samples,
        ) {
            (Some([low, high]), Some(samples)) => format!(
                "≈ {:.4} % — estimate (Monte Carlo, {samples} samples, 95 % CI {:.4}–{:.4} %)",
                r.analytic_availability * 100.0,
                low * 100.0,
                high * 100.0
            ),
            _ => format!("{:.4} % (exact)", r.analytic_availability * 100.0),
        }
    }

    /// The capacity-aware side (k of n under the peak load), when some tier needs more
    /// than one instance: the figure, each tier's finding, the capacity SPOFs.
    fn capacity_lines(r: &Report) -> Vec<String> {
        let c = &r.capacity;
        if !c.binds() {
            return Vec::new();
        }
        let mut out = vec![format!(
            "capacity-aware (k of n at the peak of {:.0} req/s, utilisation under {:.0} %): {:.4} %",
            c.peak_rps,
            c.ceiling * 100.0,
            c.availability * 100.0
        )];
        out.extend(
            c.tiers
                .iter()
                .filter(|t| t.needed > 1)
                .map(|t| format!("  {}", t.finding)),
        );
        if !c.spofs.is_empty() {
            let names: Vec<&str> = c.spofs.iter().map(|s| s.name.as_str()).collect();
            out.push(format!(
                "single points of failure under load: {}",
                names.join(", ")
            ));
        }
        out
    }

    fn print_summary(r: &Report) {
        say!(
            "{} — seed {} — {:.0} s simulated in {:.0} ms",
            escape(&r.scenario),
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
        say!(
            "time able to serve: {:.4} %",
            r.availability_over_time * 100.0
        );
        say!("analytic (MTBF/MTTR): {}", analytic_text(r));
        for line in capacity_lines(r) {
            say!("{}", escape(&line));
        }
        for line in r.breakdown.lines() {
            say!("{}", escape(&line));
        }
        say!("{}", r.breakdown.comparison());
        say!("(one run gives no interval: --runs N puts one around each measured figure)");
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
                escape(&f.node), f.fault, f.fault_at_s, opt(f.detected_at_s), opt(f.rerouted_at_s), opt(f.recovered_at_s), f.lost_requests, f.saved_by_retry
            );
        }
        if let Some(story) = &r.cascade {
            say!("cascade: {}", escape(story));
        }
        for note in &r.notes {
            say!("note: {}", escape(note));
        }
        say!("events: {}  trace hash: {}", r.events, r.trace_hash);
    }

    /// Simulated requests per wall second on the redundant-behind-lb model (no faults, so
    /// the figure is comparable with the SimPy model in benches/). The scenario and the run
    /// are shared with the wasm32 benchmark (src/bench_model.rs); only the timing is here.
    fn bench(
        seconds: u64,
        rate: f64,
        repeat: u32,
        guarded: bool,
        json: bool,
    ) -> Result<(), String> {
        let scenario = bench_model::scenario_of(guarded, seconds, rate)?;
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

    /// `compare A B`: both designs through the same seeds and faults, one table.
    fn compare(
        a: &str,
        b: &str,
        seed: Option<u64>,
        duration: Option<u64>,
        faults: &[String],
        runs: u32,
        json: bool,
    ) -> Result<(), Failure> {
        let (sa, sb) = (load(a)?, load(b)?);
        let faults = faults
            .iter()
            .map(|f| parse_fault(f))
            .collect::<Result<Vec<_>, _>>()?;
        let seed = seed.unwrap_or(sa.seed);
        let duration = duration.unwrap_or(sa.duration_s);
        let c = failover_lab::sim::compare::compare(&sa, &sb, &faults, seed, runs, duration)?;
        if json {
            say!(
                "{}",
                serde_json::to_string_pretty(&c).map_err(|e| e.to_string())?
            );
            return Ok(());
        }
        let last = seed.wrapping_add(runs as u64 - 1);
        say!("{runs} run(s) per side, seeds {seed}…{last}, {duration} s each");
        let pct = |x: f64| format!("{:.4} %", 100.0 * x);
        let opt =
            |x: Option<f64>, unit: &str| x.map_or("—".to_string(), |v| format!("{v:.2}{unit}"));
        let rows: [(&str, String, String); 11] = [
            ("design", escape(&c.a.scenario), escape(&c.b.scenario)),
            (
                "requests answered OK",
                pct(c.a.availability),
                pct(c.b.availability),
            ),
            (
                "time able to serve",
                pct(c.a.availability_over_time),
                pct(c.b.availability_over_time),
            ),
            (
                "analytic (MTBF/MTTR)",
                pct(c.a.analytic_availability),
                pct(c.b.analytic_availability),
            ),
            (
                "capacity-aware (k of n at peak)",
                pct(c.a.capacity_availability),
                pct(c.b.capacity_availability),
            ),
            (
                "failed requests",
                format!("{:.1}", c.a.failed_requests),
                format!("{:.1}", c.b.failed_requests),
            ),
            (
                "p99 latency",
                format!("{:.1} ms", c.a.p99_ms),
                format!("{:.1} ms", c.b.p99_ms),
            ),
            (
                "lost writes (RPO)",
                opt(c.a.writes_lost, ""),
                opt(c.b.writes_lost, ""),
            ),
            (
                "mean time to detect",
                opt(c.a.mean_detection_s, " s"),
                opt(c.b.mean_detection_s, " s"),
            ),
            (
                "infrastructure / month",
                format!("${:.0}", c.a.infrastructure_per_month),
                format!("${:.0}", c.b.infrastructure_per_month),
            ),
            (
                "expected downtime cost / month",
                format!("${:.2}", c.a.expected_downtime_cost_per_month),
                format!("${:.2}", c.b.expected_downtime_cost_per_month),
            ),
        ];
        let width = rows
            .iter()
            .map(|r| r.1.chars().count())
            .max()
            .unwrap_or(0)
            .max(1);
        say!("{:<31} {:<width$}   B", "", "A");
        for (what, x, y) in &rows {
            say!("{what:<31} {x:<width$}   {y}");
        }
        for (label, side) in [("A", &c.a), ("B", &c.b)] {
            say!(
                "{label}: single points of failure: {}",
                if side.spofs.is_empty() {
                    "none".to_string()
                } else {
                    escape(&side.spofs.join(", "))
                }
            );
            if !side.capacity_spofs.is_empty() {
                say!(
                    "{label}: single points of failure under load: {}",
                    escape(&side.capacity_spofs.join(", "))
                );
            }
            for f in &side.faults_not_applicable {
                say!(
                    "{label}: fault not applied (no such node here): {}",
                    escape(f)
                );
            }
        }
        Ok(())
    }
}
