//! "Estimate": the scenario's random failures (MTBF/MTTR) over N seeds, in the page.
//!
//! One run says what happened this time; the question is usually how available the design
//! is. The runs go through `sim::many_runs` in slices on a timer, each slice a budget of
//! events sized to ~8 ms of this machine's time, so the page keeps answering (the progress
//! bar and Cancel work while it runs); the figures refresh a few times a second, not per
//! slice. Each run is exactly `failover-lab run … --seed S`, and the panel prints the CLI
//! command that reproduces the estimate.
use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::common::{now_ms, Shared};
use super::panels::fmt_downtime;
use crate::sim::many_runs::{ManyRuns, Summary, MAX_RUNS};
use crate::sim::reliability::intervals::Interval as ConfidenceInterval;
use crate::sim::Scenario;

/// Wall time one slice may take, so input is answered between slices.
const SLICE_MS: f64 = 8.0;
/// Figures refresh at most this often while running (a human rate).
const REFRESH_MS: f64 = 250.0;

#[derive(Properties, PartialEq)]
pub struct EstimateProps {
    pub scenario: Shared<Scenario>,
    pub seed: u64,
    /// The preset name or file title, for the CLI command shown.
    pub source: AttrValue,
}

#[derive(Clone, PartialEq)]
enum Status {
    Idle,
    Running { done: u32, progress: f64 },
    Done(Box<Summary>, String),
    Cancelled(Box<Summary>, String),
    Failed(String),
}

#[derive(Default)]
struct Job {
    many: Option<ManyRuns>,
    /// What is being estimated, in words ("bank, seeds 1…200").
    label: String,
    timer: Option<Interval>,
    budget: u64,
    last_refresh_ms: f64,
}

#[function_component(EstimatePanel)]
pub fn estimate_panel(p: &EstimateProps) -> Html {
    let runs = use_state(|| 200u32);
    let duration_s = use_state(|| 3_600u64);
    let status = use_state(|| Status::Idle);
    let job = use_mut_ref(Job::default);

    // The scenario's snapshot is re-taken at every panel refresh, so an estimate is not
    // tied to it: it keeps the scenario it started with, and its result says which.
    {
        let job = job.clone();
        use_effect_with((), move |_| move || stop(&job));
    }

    let start = {
        let (job, status, runs, duration_s) = (
            job.clone(),
            status.clone(),
            runs.clone(),
            duration_s.clone(),
        );
        let (scenario, seed) = (p.scenario.clone(), p.seed);
        let source = p.source.clone();
        Callback::from(move |_: MouseEvent| {
            stop(&job);
            match ManyRuns::new(&scenario.0, seed, *runs, *duration_s) {
                Err(e) => status.set(Status::Failed(e)),
                Ok(many) => {
                    status.set(Status::Running {
                        done: 0,
                        progress: 0.0,
                    });
                    let timer = Interval::new(0, tick(job.clone(), status.clone()));
                    let mut j = job.borrow_mut();
                    j.label = format!(
                        "{source}, seeds {seed}…{}, {} s each",
                        seed + *runs as u64 - 1,
                        *duration_s
                    );
                    j.many = Some(many);
                    j.budget = 20_000;
                    j.last_refresh_ms = now_ms();
                    j.timer = Some(timer);
                }
            }
        })
    };
    let cancel = {
        let (job, status) = (job.clone(), status.clone());
        Callback::from(move |_: MouseEvent| {
            let summary = job.borrow().many.as_ref().map(|m| m.summary());
            let label = job.borrow().label.clone();
            stop(&job);
            status.set(match summary {
                Some(s) if s.runs > 0 => Status::Cancelled(Box::new(s), label),
                _ => Status::Failed("cancelled before the first run finished".into()),
            });
        })
    };
    let on_runs = number_input(runs.clone(), 1, MAX_RUNS as u64, |v| v as u32);
    let on_duration = number_input(duration_s.clone(), 1, 86_400, |v| v);

    let has_failures = has_random_failures(&p.scenario.0);
    let running = matches!(*status, Status::Running { .. });
    let command = format!(
        "failover-lab run {} --runs {} --seed {} --duration {}",
        p.source, *runs, p.seed, *duration_s
    );
    let body = match &*status {
        Status::Idle => html! {},
        Status::Failed(e) => {
            html! { <p class="field-error" role="alert">{ format!("Cannot estimate: {e}") }</p> }
        }
        Status::Running { done, progress } => html! {
            <div class="estimate-progress">
                <progress max="1" value={progress.to_string()} aria-label="Estimate progress"></progress>
                <span data-estimate-done={done.to_string()}>{ format!("{done} of {} runs", *runs) }</span>
            </div>
        },
        Status::Done(s, label) => summary_view(s, label, false),
        Status::Cancelled(s, label) => summary_view(s, label, true),
    };
    html! {
        <section class="estimate subpanel" aria-labelledby="estimate-title" data-panel="estimate">
            <h3 class="subpanel-title" id="estimate-title">{ "Availability over many runs" }</h3>
            <p class="muted">
                { "Runs this scenario's random failures (MTBF/MTTR) with seeds " }
                { p.seed }{ ", " }{ p.seed + 1 }{ ", … and reports what users saw, with a 95 % confidence interval, next to the analytic figure." }
            </p>
            if !has_failures {
                <p class="estimate-note" data-estimate-note="">{ "No node here fails at random (no MTBF/MTTR): every run measures the same. Try the bank or personal-blog scenario, or set failures in a scenario file." }</p>
            }
            <div class="estimate-form">
                <label>{ "Runs " }<input class="input" type="number" min="1" max={MAX_RUNS.to_string()} value={runs.to_string()} onchange={on_runs} disabled={running} data-estimate="runs" /></label>
                <label>{ "Simulated seconds each " }<input class="input" type="number" min="1" max="86400" value={duration_s.to_string()} onchange={on_duration} disabled={running} data-estimate="duration" /></label>
                if running {
                    <button type="button" class="btn btn-small" onclick={cancel} data-control="estimate-cancel">{ "Cancel" }</button>
                } else {
                    <button type="button" class="btn btn-small" onclick={start} data-control="estimate">{ "Estimate" }</button>
                }
            </div>
            { body }
            <p class="muted mono" title="The same runs on the command line">{ command }</p>
        </section>
    }
}

/// The timer's work: one slice of runs, then (at a human rate) the figures.
fn tick(job: Rc<RefCell<Job>>, status: UseStateHandle<Status>) -> impl FnMut() {
    move || {
        let mut j = job.borrow_mut();
        let budget = j.budget;
        let started = now_ms();
        let Some(many) = j.many.as_mut() else {
            return;
        };
        let finished = many.advance(budget);
        let (done, progress) = (many.runs_done(), many.progress());
        let summary = finished.then(|| many.summary());
        let elapsed = (now_ms() - started).max(0.1);
        // Aim each slice at SLICE_MS of this machine's time.
        j.budget = ((budget as f64 * SLICE_MS / elapsed) as u64).clamp(1_000, 2_000_000);
        if let Some(s) = summary {
            j.timer = None;
            j.many = None;
            status.set(Status::Done(Box::new(s), j.label.clone()));
        } else if now_ms() - j.last_refresh_ms >= REFRESH_MS {
            j.last_refresh_ms = now_ms();
            status.set(Status::Running { done, progress });
        }
    }
}

fn stop(job: &Rc<RefCell<Job>>) {
    let mut j = job.borrow_mut();
    j.timer = None;
    j.many = None;
}

fn number_input<T: Copy + ToString + 'static>(
    state: UseStateHandle<T>,
    min: u64,
    max: u64,
    from: fn(u64) -> T,
) -> Callback<Event> {
    Callback::from(move |e: Event| {
        let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
            return;
        };
        match input.value().trim().parse::<u64>() {
            Ok(v) if (min..=max).contains(&v) => state.set(from(v)),
            // Out of range or not a number: back to the value in force (the field's min and
            // max say the bounds).
            _ => input.set_value(&(*state).to_string()),
        }
    })
}

fn has_random_failures(s: &Scenario) -> bool {
    s.instances.iter().any(|i| i.failures.is_some())
        || s.balancers.iter().any(|b| b.failures.is_some())
        || s.gateways.iter().any(|g| g.failures.is_some())
        || s.database.as_ref().is_some_and(|d| {
            d.failures.is_some() || d.standby.as_ref().is_some_and(|st| st.failures.is_some())
        })
        || s.dns.as_ref().is_some_and(|d| d.failures.is_some())
        || s.regions
            .iter()
            .any(|r| r.failures.is_some() || r.zones.iter().any(|z| z.failures.is_some()))
}

fn pct(x: f64) -> String {
    format!("{:.3} %", 100.0 * x)
}

fn summary_view(s: &Summary, label: &str, cancelled: bool) -> Html {
    let row = |label: &str, key: &str, o: &ConfidenceInterval| {
        html! {
            <tr data-estimate-row={key.to_string()}>
                <th scope="row">{ label.to_string() }</th>
                <td class="num">{ pct(o.value) }</td>
                <td class="num" title={o.method.label()}>{ format!("{} – {}", pct(o.low), pct(o.high)) }</td>
            </tr>
        }
    };
    let tallest = s
        .downtime_histogram
        .iter()
        .map(|b| b.2)
        .max()
        .unwrap_or(1)
        .max(1);
    let bars = s.downtime_histogram.iter().enumerate().map(|(i, &(lo, hi, n))| {
        let h = 40.0 * n as f64 / tallest as f64;
        let x = i as f64 * 14.0;
        html! {
            <rect x={x.to_string()} y={(40.0 - h).to_string()} width="12" height={h.to_string()} class="estimate-bar">
                <title>{ format!("{n} runs with {} to {} of downtime", fmt_downtime(lo), fmt_downtime(hi)) }</title>
            </rect>
        }
    });
    let width = (s.downtime_histogram.len() as f64 * 14.0).max(14.0);
    let longest = s.downtime_histogram.last().map_or(0.0, |b| b.1);
    html! {
        <div class="estimate-result" data-estimate-result="">
            <p class="muted" data-estimate-label="">{ label.to_string() }</p>
            if cancelled { <p class="estimate-note">{ format!("Cancelled: the figures cover the {} runs that finished.", s.runs) }</p> }
            <table class="avail-table estimate-table">
                <thead><tr><th></th><th>{ "mean" }</th><th>{ "95 % interval (hover: which)" }</th></tr></thead>
                <tbody>
                    { row("Requests answered OK", "requests", &s.availability) }
                    { row("Time able to serve", "time", &s.availability_over_time) }
                    <tr data-estimate-row="analytic">
                        <th scope="row">{ "Analytic (MTBF/MTTR)" }</th>
                        <td class="num">{ pct(s.analytic_availability) }</td>
                        <td class="muted">{ "a formula: no interval" }</td>
                    </tr>
                </tbody>
            </table>
            <figure class="estimate-histogram">
                <svg viewBox={format!("0 0 {width} 40")} width={(width * 2.0).to_string()} height="80" role="img"
                     aria-label={format!("Downtime per run over {} runs, from 0 to {}", s.runs, fmt_downtime(longest))}>
                    { for bars }
                </svg>
                <figcaption class="muted">{ format!("Downtime per run ({} runs of {} s): 0 to {}", s.runs, s.duration_s, fmt_downtime(longest)) }</figcaption>
            </figure>
        </div>
    }
}
