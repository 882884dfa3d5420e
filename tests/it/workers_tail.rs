//! `pipewatch::workers` against the sandbox: the log tailer loses and repeats
//! nothing under chaos and stops when the build is done; focus slows polling;
//! failures carry a retry countdown and recovery is reported.

use std::sync::Arc;
use std::time::Duration;

use pipewatch::config::Intervals;
use pipewatch::msg::{FailureKind, Msg};
use pipewatch::sandbox::Options;
use pipewatch::workers::Workers;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use tokio::time::{Instant, timeout};

use crate::harness::{self, Env, PIPELINE, buildspec};

const LONG: Duration = Duration::from_secs(60);
const NEVER: Duration = Duration::from_secs(3600);

/// Fast polls so a test takes seconds; what is not under test never repeats.
fn fast(log: Duration) -> Intervals {
    Intervals { state_active: NEVER, state_idle: NEVER, build: log, log, log_quiet: log, pipelines: NEVER, rows: NEVER }
}

async fn workers_for(env: &Env, intervals: Intervals) -> (Workers, UnboundedReceiver<Msg>) {
    let clients = Arc::new(env.clients().await);
    let (tx, rx) = unbounded_channel();
    let workers =
        Workers::new(clients, tx, intervals).with_backoff(Duration::from_millis(50), Duration::from_millis(800));
    (workers, rx)
}

async fn next(rx: &mut UnboundedReceiver<Msg>, what: &str) -> Msg {
    timeout(LONG, rx.recv()).await.unwrap_or_else(|_| panic!("timed out waiting for {what}")).expect("channel open")
}

/// Runs a build of `commands` and returns its id.
async fn start_build(env: &Env, commands: &[&str]) -> String {
    let version = env.upload(&buildspec(commands)).await;
    let id = env.execution_for(&version).await;
    env.build_id(&id).await
}

/// The build's output lines from Msg::Log pages until `done(lines, complete)`,
/// and how many log reads failed.
async fn collect_lines(
    rx: &mut UnboundedReceiver<Msg>,
    build_id: &str,
    done: impl Fn(&[String], bool) -> bool,
) -> (Vec<String>, usize) {
    let (mut lines, mut complete, mut failures) = (Vec::new(), false, 0);
    while !done(&lines, complete) {
        match next(rx, "log lines").await {
            Msg::Log { build_id: id, result: Ok(batch) } if id == build_id => {
                assert!(!batch.events.is_empty(), "empty pages are not sent");
                let output = batch.events.into_iter().map(|e| e.message).filter(|m| !m.starts_with("[Container]"));
                lines.extend(output);
            }
            Msg::Log { result: Err(_), .. } => failures += 1,
            Msg::Build { result: Ok(b) } if b.id == build_id => complete |= b.complete,
            _ => {}
        }
    }
    (lines, failures)
}

#[tokio::test]
async fn the_tail_is_gap_free_and_duplicate_free_under_chaos() {
    let chaos = "throttle=0.3,error=0.1".parse().unwrap();
    let env = harness::start_with(Options { chaos: Some(chaos), ..Options::ephemeral() }).await;
    let build_id = start_build(&env, &["for i in $(seq 1 200); do echo \"line $i\"; sleep 0.01; done"]).await;
    let (mut workers, mut rx) = workers_for(&env, fast(Duration::from_millis(100))).await;
    workers.watch_build(&build_id);
    let want: Vec<String> = (1..=200).map(|i| format!("line {i}")).collect();
    let (mut lines, failures) =
        collect_lines(&mut rx, &build_id, |l, complete| complete && l.len() >= want.len()).await;
    assert!(failures > 0, "chaos made some log reads fail");
    // Anything repeated after the last line would arrive within a few more polls.
    tokio::time::sleep(Duration::from_millis(500)).await;
    while let Ok(msg) = rx.try_recv() {
        if let Msg::Log { result: Ok(batch), .. } = msg {
            lines.extend(batch.events.into_iter().map(|e| e.message).filter(|m| !m.starts_with("[Container]")));
        }
    }
    assert_eq!(lines, want);
}

#[tokio::test]
async fn the_tailer_stops_once_the_build_finished_and_the_token_repeated() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.jsonl");
    let env = harness::start_with(Options { request_log: Some(log.clone()), ..Options::ephemeral() }).await;
    let build_id = start_build(&env, &["echo one", "sleep 0.5", "echo two"]).await;
    let (mut workers, mut rx) = workers_for(&env, fast(Duration::from_millis(100))).await;
    workers.watch_build(&build_id);
    let (lines, _) = collect_lines(&mut rx, &build_id, |l, complete| complete && l.len() >= 2).await;
    assert_eq!(lines, ["one", "two"]);
    let count = || std::fs::read_to_string(&log).unwrap().lines().filter(|l| l.contains("\"GetLogEvents\"")).count();
    let stopped_at = harness::eventually("the tailer to stop", LONG, || async {
        let before = count();
        tokio::time::sleep(Duration::from_millis(800)).await;
        (count() == before).then_some(before)
    })
    .await;
    assert!(stopped_at >= 2, "it read, then saw the token repeat: {stopped_at} calls");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(count(), stopped_at, "no call after stopping");
    while let Ok(msg) = rx.try_recv() {
        if let Msg::Log { result: Ok(batch), .. } = msg {
            let late: Vec<_> = batch.events.iter().filter(|e| !e.message.starts_with("[Container]")).collect();
            assert!(late.is_empty(), "output repeated after the end: {late:?}");
        }
    }
}

/// Arrival times of the next `n` PipelineState messages.
async fn state_times(rx: &mut UnboundedReceiver<Msg>, n: usize) -> Vec<Instant> {
    let mut times = Vec::new();
    while times.len() < n {
        if let Msg::PipelineState { result, .. } = next(rx, "pipeline state").await {
            result.expect("state");
            times.push(Instant::now());
        }
    }
    times
}

#[tokio::test]
async fn losing_focus_slows_polling_four_times_and_refresh_wakes_it() {
    let env = harness::start().await;
    let interval = Duration::from_millis(150);
    let intervals = Intervals { state_active: interval, state_idle: interval, ..fast(NEVER) };
    let (mut workers, mut rx) = workers_for(&env, intervals).await;
    workers.watch_pipeline(PIPELINE);
    state_times(&mut rx, 2).await;
    workers.set_focus(false);
    state_times(&mut rx, 1).await; // the wait already under way may end at the old pace
    let times = state_times(&mut rx, 3).await;
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        // Sleeps never end early; 50 ms allows for the receiver's own scheduling.
        assert!(gap >= interval * 4 - Duration::from_millis(50), "unfocused gap {gap:?}");
    }

    // With an hour-long interval, only a wake can bring the next poll.
    let (mut workers, mut rx) = workers_for(&env, Intervals { state_active: NEVER, ..fast(NEVER) }).await;
    workers.watch_pipeline(PIPELINE);
    state_times(&mut rx, 1).await;
    workers.refresh_now();
    state_times(&mut rx, 1).await;
}

#[tokio::test]
async fn start_reports_identity_and_pipelines_and_rows_report_their_latest_run() {
    let env = harness::start().await;
    let (mut workers, mut rx) = workers_for(&env, fast(NEVER)).await;
    workers.start();
    workers.watch_rows(vec![PIPELINE.to_string()]);
    let (mut identity, mut pipelines, mut row) = (None, None, None);
    while identity.is_none() || pipelines.is_none() || row.is_none() {
        match next(&mut rx, "start messages").await {
            Msg::Identity(r) => identity = Some(r),
            Msg::Pipelines(r) => pipelines = Some(r),
            Msg::PipelineLatest { pipeline, latest } => row = Some((pipeline, latest)),
            _ => {}
        }
    }
    assert_eq!(identity, Some(Ok(pipewatch::sandbox::ACCOUNT_ID.to_string())));
    let names: Vec<String> = pipelines.unwrap().unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, [PIPELINE, "mlops-demo-eu", "mlops-demo-v2"]);
    assert_eq!(row, Some((PIPELINE.to_string(), None)), "no run yet");

    // Once watched, the pipeline's row comes from its executions poll.
    let (mut workers, mut rx) = workers_for(&env, fast(NEVER)).await;
    workers.watch_pipeline(PIPELINE);
    workers.watch_rows(vec![PIPELINE.to_string()]);
    let mut rows = 0;
    loop {
        match next(&mut rx, "the watched pipeline's executions").await {
            Msg::PipelineLatest { .. } => rows += 1,
            Msg::Executions { .. } => break,
            _ => {}
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    while let Ok(msg) = rx.try_recv() {
        rows += usize::from(matches!(msg, Msg::PipelineLatest { .. }));
    }
    assert_eq!(rows, 1, "one row message, not one from each poller");
}

#[tokio::test]
async fn an_outage_is_reported_with_a_countdown_and_recovery_is_announced() {
    let chaos = "outage=1s@0s".parse().unwrap();
    let env = harness::start_with(Options { chaos: Some(chaos), ..Options::ephemeral() }).await;
    let (mut workers, mut rx) = workers_for(&env, fast(NEVER)).await;
    workers.start();
    let (mut failures, mut recovered) = (Vec::new(), None);
    loop {
        match next(&mut rx, "identity").await {
            Msg::Identity(Err(f)) => failures.push(f),
            Msg::ApiOk { api } => recovered = Some(api),
            Msg::Identity(Ok(account)) => {
                assert_eq!(account, pipewatch::sandbox::ACCOUNT_ID);
                break;
            }
            _ => {}
        }
    }
    assert!(!failures.is_empty(), "the outage was seen");
    for f in &failures {
        assert_eq!((f.kind, f.api.as_str()), (FailureKind::Offline, "sts:GetCallerIdentity"), "{f:?}");
        assert!(f.retry_in_secs.is_some_and(|s| s <= 1), "{f:?}");
    }
    assert_eq!(recovered.as_deref(), Some("sts:GetCallerIdentity"), "recovery is announced with the data");
}

/// CodeBuild creates the stream it names while PROVISIONING (CodeBuild API
/// Reference, Build.logs; CloudWatch Logs answers ResourceNotFoundException
/// until then): the tailer, started as soon as the name is known, says it
/// waits for the stream and reports no failure.
#[tokio::test]
async fn a_stream_not_created_yet_is_waited_for_without_an_error() {
    let env = harness::start().await;
    let build_id = start_build(&env, &["echo first", "echo second"]).await;
    let (mut workers, mut rx) = workers_for(&env, fast(Duration::from_millis(200))).await;
    workers.watch_build(&build_id);
    let (mut sources, mut failures, mut lines) = (Vec::new(), 0, Vec::new());
    while !lines.iter().any(|l| l == "second") {
        match next(&mut rx, "the build's lines").await {
            Msg::LogSource { source, .. } => sources.push(source),
            Msg::Log { result: Ok(b), .. } => lines.extend(b.events.into_iter().map(|e| e.message)),
            Msg::Log { result: Err(_), .. } => failures += 1,
            _ => {}
        }
    }
    use pipewatch::model::logs::LogSource;
    assert_eq!(sources.first(), Some(&LogSource::WaitingForStream), "{sources:?}");
    assert_eq!(sources.last(), Some(&LogSource::Streaming), "{sources:?}");
    assert_eq!(failures, 0, "waiting for the stream is no failure");
}

/// A project with CloudWatch Logs off and S3 logs on (CodeBuild API
/// Reference, LogsConfig): the monitor says so, then shows the S3 log once
/// the build has ended.
#[tokio::test]
async fn an_s3_only_build_log_is_shown_from_s3() {
    let env = harness::start().await;
    let out = env.codebuild().start_build().project_name("mlops-demo-s3logs").send().await.expect("start build");
    let id = out.build_value().and_then(|b| b.id()).expect("a build id").to_string();
    let (mut workers, mut rx) = workers_for(&env, fast(Duration::from_millis(200))).await;
    workers.watch_build(&id);
    let (mut sources, mut lines) = (Vec::new(), Vec::<String>::new());
    while !lines.iter().any(|l| l == "This log is in S3, not in CloudWatch Logs") {
        match next(&mut rx, "the S3 log").await {
            Msg::LogSource { source, .. } => sources.push(source),
            Msg::Log { result: Ok(b), .. } => lines.extend(b.events.into_iter().map(|e| e.message)),
            Msg::Log { result: Err(f), .. } => panic!("no failure expected: {f:?}"),
            _ => {}
        }
    }
    use pipewatch::model::logs::LogSource;
    assert!(matches!(sources.first(), Some(LogSource::S3Only { fetched: false, .. })), "{sources:?}");
    assert!(matches!(sources.last(), Some(LogSource::S3Only { fetched: true, .. })), "{sources:?}");
}

/// The list's other rows cost one ListPipelineExecutions per interval however
/// many there are: one sweep so the list fills, then one row per interval in
/// turn (the idle request budget: the rows do not grow it with the list).
#[tokio::test]
async fn rows_are_swept_once_then_read_one_per_interval_in_turn() {
    let env = harness::start().await;
    let every = Duration::from_millis(300);
    let (mut workers, mut rx) = workers_for(&env, Intervals { rows: every, ..fast(NEVER) }).await;
    let names = [PIPELINE, "mlops-demo-eu", "mlops-demo-v2"].map(String::from);
    workers.watch_rows(names.to_vec());
    let mut seen: Vec<(String, Instant)> = Vec::new();
    while seen.len() < 7 {
        if let Msg::PipelineLatest { pipeline, .. } = next(&mut rx, "row reads").await {
            seen.push((pipeline, Instant::now()));
        }
    }
    let mut sweep: Vec<&str> = seen[..3].iter().map(|(p, _)| p.as_str()).collect();
    sweep.sort();
    assert_eq!(sweep, [PIPELINE, "mlops-demo-eu", "mlops-demo-v2"], "the first sweep reads every row");
    let turns: Vec<&str> = seen[3..].iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(turns, [PIPELINE, "mlops-demo-eu", "mlops-demo-v2", PIPELINE], "then one row at a time, in turn");
    for pair in seen[2..].windows(2) {
        let gap = pair[1].1 - pair[0].1;
        assert!(
            gap >= every / 2,
            "one read per interval, not a sweep: {gap:?} between {} and {}",
            pair[0].0,
            pair[1].0
        );
    }
}
