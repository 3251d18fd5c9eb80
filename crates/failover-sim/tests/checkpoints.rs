#![cfg(not(target_arch = "wasm32"))]
//! Seeking back through periodic copies gives exactly the run that went straight there, and
//! a fork after a seek is the run its command list describes.
use failover_sim::checkpoints::{commands_applied_by, Checkpoints};
use failover_sim::scenario::{Fault, FaultAction};
use failover_sim::time::US_PER_S;
use failover_sim::{presets, Simulation};

fn preset_sim(name: &str, seed: u64) -> Simulation {
    let s = presets::find(name).expect("preset exists").scenario();
    Simulation::with_seed(&s, seed).expect("preset is valid")
}

/// The run played the way the UI plays it: uneven frames, a checkpoint offered after each.
fn play(sim: &mut Simulation, store: &mut Checkpoints, until_us: u64, frame_us: u64) {
    let mut frame = frame_us;
    while sim.now_us() < until_us {
        let target = (sim.now_us() + frame).min(until_us);
        assert!(sim.run_until(target, u64::MAX).reached);
        store.record(sim);
        // Frames of different lengths, so copies fall at odd times.
        frame = frame_us + (frame * 7) % 977_000;
    }
}

fn straight(name: &str, seed: u64, commands: &[Fault], t_us: u64) -> Simulation {
    let mut sim = preset_sim(name, seed);
    for c in commands {
        sim.schedule(c.clone()).expect("valid command");
    }
    sim.run_until(t_us, u64::MAX);
    sim
}

#[test]
fn a_seek_reaches_the_same_state_as_running_straight_there() {
    for name in ["redundant-behind-lb", "multi-az", "split-brain"] {
        let mut sim = preset_sim(name, 7);
        let mut store = Checkpoints::new(&sim);
        play(&mut sim, &mut store, 25 * US_PER_S, 16_000);
        // A click in the middle, as the UI gives it (at the current time).
        let crash = sim
            .schedule(Fault::new(
                0,
                FaultAction::Crash,
                &sim.snapshot().nodes[1].name,
            ))
            .expect("crash is valid");
        play(&mut sim, &mut store, 60 * US_PER_S, 250_000);
        assert!(store.len() > 3, "{name}: copies were taken");
        let commands = sim.user_commands().to_vec();
        assert_eq!(commands, vec![crash]);
        for t in [
            0,
            3_300_001,
            24_999_999,
            25_000_000,
            31_234_567,
            60 * US_PER_S,
        ] {
            let seeked = store.seek(t, &commands).expect("a copy fits");
            let direct = straight(name, 7, &commands, t);
            assert_eq!(seeked.now_us(), t, "{name} at {t}");
            assert_eq!(seeked.trace_hash(), direct.trace_hash(), "{name} at {t}");
            assert_eq!(seeked.events_processed(), direct.events_processed());
            assert_eq!(seeked.report(0.0), direct.report(0.0), "{name} at {t}");
        }
        // Played on from a seek, the run is the same run as the live one.
        let mut resumed = store.seek(20 * US_PER_S, &commands).expect("a copy fits");
        resumed.run_until(60 * US_PER_S, u64::MAX);
        assert_eq!(resumed.trace_hash(), sim.trace_hash(), "{name}");
    }
}

#[test]
fn a_fork_keeps_the_past_and_drops_the_future() {
    let mut sim = preset_sim("redundant-behind-lb", 3);
    let mut store = Checkpoints::new(&sim);
    play(&mut sim, &mut store, 10 * US_PER_S, 100_000);
    sim.schedule(Fault::new(0, FaultAction::Crash, "app-1"))
        .unwrap();
    play(&mut sim, &mut store, 30 * US_PER_S, 100_000);
    sim.schedule(Fault::new(0, FaultAction::Crash, "app-3"))
        .unwrap();
    play(&mut sim, &mut store, 50 * US_PER_S, 100_000);
    let all = sim.user_commands().to_vec();

    // Back to 20 s: the crash of app-1 is the past, the crash of app-3 the future.
    let t = 20 * US_PER_S;
    let (kept, dropped) = commands_applied_by(&all, t);
    assert_eq!(kept.len(), 1);
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0].node, "app-3");
    store.truncate_after(t);
    store.keep_consistent_with(&kept);
    assert!(store.times_us().iter().all(|&c| c <= t));
    let mut fork = store.seek(t, &kept).expect("a copy fits");
    let other = fork
        .schedule(Fault::new(0, FaultAction::Unreachable, "app-2"))
        .unwrap();
    fork.run_until(40 * US_PER_S, u64::MAX);

    // The link of the fork (its commands) replays it exactly.
    let mut commands = kept.clone();
    commands.push(other);
    assert_eq!(fork.user_commands(), &commands[..]);
    let replay = straight("redundant-behind-lb", 3, &commands, 40 * US_PER_S);
    assert_eq!(fork.trace_hash(), replay.trace_hash());
    let original = straight("redundant-behind-lb", 3, &all, 40 * US_PER_S);
    assert_ne!(
        fork.trace_hash(),
        original.trace_hash(),
        "the fork is another run"
    );
}

#[test]
fn memory_stays_bounded_and_seeks_stay_short_in_a_long_run() {
    let mut sim = preset_sim("redundant-behind-lb", 1);
    let mut store = Checkpoints::with_interval(&sim, US_PER_S, 8);
    play(&mut sim, &mut store, 120 * US_PER_S, 500_000);
    assert!(store.len() <= 8, "{} copies", store.len());
    assert!(store.interval_us() >= 16 * US_PER_S);
    // Copies stay spread over the run, so a seek replays at most two intervals: a copy is
    // taken at the end of the frame that passes its time (frames here are under 1.5 s), and
    // thinning joins two gaps into one of the doubled interval.
    let times = store.times_us();
    assert_eq!(times[0], 0);
    for w in times.windows(2) {
        assert!(w[1] - w[0] <= 2 * store.interval_us(), "{times:?}");
    }
    assert!(120 * US_PER_S - times[times.len() - 1] <= 2 * store.interval_us());
}

#[test]
fn a_seek_for_another_run_finds_no_copy() {
    let mut sim = preset_sim("redundant-behind-lb", 1);
    sim.schedule(Fault::new(0, FaultAction::Crash, "app-1"))
        .unwrap();
    let store = Checkpoints::new(&sim);
    // The store's only copy holds a command this list lacks.
    assert!(store.seek(5 * US_PER_S, &[]).is_none());
}
