//! Issue 10 D, the soak: ten monitors (the app's real workers → update → model,
//! as the event loop drives them) and three `pipewatch logs -f` processes
//! against one sandbox with its AWS defaults on — account-wide request-rate
//! buckets (GetLogEvents 10 TPS, CloudWatch Logs quotas), log lines readable
//! seconds after they are printed in batches, partial pages — during a
//! 5,000-line build with a 30 s outage. Every client must show lines 1..5000
//! exactly once in order, show no error but throttling or the outage while
//! retrying, and the sandbox's request log must stay within its buckets.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use pipewatch::app::{Driver, Running};
use pipewatch::config::{Config, Intervals};
use pipewatch::model::{Connection, Model};
use pipewatch::msg::{FailureKind, Msg};
use pipewatch::update::{self, Effect};

use crate::harness::{self, Env};

const LINES: usize = 5000;
const MONITORS: usize = 10;
const FOLLOWERS: usize = 3;
const DEADLINE: Duration = Duration::from_secs(400);

fn log_texts(model: &Model) -> Vec<String> {
    let buf = &model.logs.buffer;
    (buf.first_seq()..buf.end_seq()).filter_map(|s| buf.get(s)).map(|l| l.line.text.clone()).collect()
}

fn expected() -> Vec<String> {
    (1..=LINES).map(|i| format!("line {i}")).collect()
}

/// One monitor until its build is complete and the last line has been shown
/// for a while; returns its output lines and every failure it showed.
async fn monitor(env: Arc<Env>) -> (Vec<String>, Vec<(FailureKind, String)>) {
    let clients = env.clients().await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    // The app's own driver and defaults: intervals and backoff as a user runs it.
    let mut driver = Running::new(Arc::new(clients), tx, None, Intervals::default());
    let connection =
        Connection { account: None, region: "us-east-1".into(), profile: None, endpoint: Some(env.sandbox.endpoint()) };
    let mut model = Model::new(Config::default(), connection, Some("mlops-demo".into()), Utc::now());
    for effect in update::init(&model) {
        driver.run(&effect);
    }
    let mut failures = Vec::new();
    let deadline = tokio::time::Instant::now() + DEADLINE;
    let mut settled_at: Option<tokio::time::Instant> = None;
    loop {
        let msg = match tokio::time::timeout(Duration::from_millis(500), rx.recv()).await {
            Ok(Some(msg)) => msg,
            Ok(None) => break,
            Err(_) => Msg::Tick,
        };
        if let Msg::Log { result: Err(f), .. }
        | Msg::Build { result: Err(f) }
        | Msg::PipelineState { result: Err(f), .. } = &msg
        {
            failures.push((f.kind, f.message.clone()));
        }
        model.now = Utc::now();
        for effect in update::update(&mut model, msg) {
            // Not the test runner's terminal: no title, bell or clipboard.
            if !matches!(effect, Effect::Quit | Effect::Copy(_) | Effect::Notify(_) | Effect::SetTitle(_)) {
                driver.run(&effect);
            }
        }
        let complete = model.session.build.snapshot.as_ref().is_some_and(|b| b.complete);
        let has_last = log_texts(&model).iter().any(|l| l == &format!("line {LINES}"));
        if complete && has_last && settled_at.is_none() {
            // Keep listening: a repeated page would show up now.
            settled_at = Some(tokio::time::Instant::now() + Duration::from_secs(8));
        }
        if settled_at.is_some_and(|t| tokio::time::Instant::now() > t) || tokio::time::Instant::now() > deadline {
            break;
        }
    }
    let lines = log_texts(&model).into_iter().filter(|l| l.starts_with("line ")).collect();
    (lines, failures)
}

/// `pipewatch logs BUILD -f` as a user runs it; its stdout lines, stderr and exit code.
async fn follower(env: Arc<Env>, build_id: String) -> (Vec<String>, String, Option<i32>) {
    let spawned = harness::pipewatch(["logs", &build_id, "--follow"]).sandbox(&env).spawn();
    let out = spawned.child.wait_with_output();
    let out = tokio::time::timeout(DEADLINE, out).await.expect("logs -f ends").expect("logs -f runs");
    let stdout =
        String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.starts_with("line ")).map(String::from).collect();
    (stdout, String::from_utf8_lossy(&out.stderr).into_owned(), out.status.code())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_monitors_and_three_followers_see_every_line_once_within_the_rate_buckets() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reqlog = dir.path().join("requests.jsonl");
    // The outage starts while the build prints and lasts 30 s.
    let chaos = "outage=30s@25s".parse().expect("chaos spec");
    let env = Arc::new(
        harness::start_with(pipewatch::sandbox::Options {
            chaos: Some(chaos),
            request_log: Some(reqlog.clone()),
            ..pipewatch::sandbox::Options::ephemeral()
        })
        .await,
    );
    // 5,000 lines over about 25 s, in bursts as a real build prints.
    let spec = format!(
        "version: 0.2\nphases:\n  build:\n    commands:\n      - 'for i in $(seq 1 {LINES}); do echo \"line $i\"; if [ $((i % 200)) = 0 ]; then sleep 1; fi; done'\nartifacts:\n  files:\n    - '**/*'\n"
    );
    let monitors: Vec<_> = (0..MONITORS).map(|_| tokio::spawn(monitor(env.clone()))).collect();
    let version = env.upload(&spec).await;
    let execution = env.execution_for(&version).await;
    let build_id = env.build_id(&execution).await;
    let followers: Vec<_> = (0..FOLLOWERS).map(|_| tokio::spawn(follower(env.clone(), build_id.clone()))).collect();

    let mut notices = 0;
    for (i, m) in monitors.into_iter().enumerate() {
        let (lines, failures) = m.await.expect("monitor task");
        notices += failures.len();
        assert_eq!(lines.len(), LINES, "monitor {i}: every line exactly once");
        assert_eq!(lines, expected(), "monitor {i}: in order");
        for (kind, message) in failures {
            assert!(
                matches!(kind, FailureKind::Throttled | FailureKind::Offline),
                "monitor {i} showed an error other than throttling or the outage: {kind:?} {message}"
            );
        }
    }
    for (i, f) in followers.into_iter().enumerate() {
        let (lines, stderr, code) = f.await.expect("follower task");
        assert_eq!(code, Some(0), "logs -f {i} exits 0; stderr:\n{stderr}");
        assert_eq!(lines, expected(), "logs -f {i}: every line once, in order");
        for line in stderr.lines() {
            assert!(line.contains("retrying"), "logs -f {i} printed more than a retry notice: {line}");
        }
    }
    let (accepted, busiest, throttled) = within_buckets(&std::fs::read_to_string(&reqlog).expect("request log"));
    println!(
        "soak: GetLogEvents {accepted} accepted (busiest second {busiest}), {throttled} throttled; \
         the monitors showed {notices} throttled/outage notices"
    );
}

/// Accepted GetLogEvents per second never exceed the bucket: its size (one
/// second of the rate) plus what refills in that second.
fn within_buckets(log: &str) -> (usize, usize, usize) {
    const GET_LOG_EVENTS_TPS: usize = 10;
    let mut per_second: BTreeMap<String, usize> = BTreeMap::new();
    let mut throttled = 0;
    for line in log.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("request log line is JSON");
        if v["operation"] != "GetLogEvents" {
            continue;
        }
        if v["status"] == 200 {
            let second = v["time"].as_str().unwrap_or_default().chars().take(19).collect();
            *per_second.entry(second).or_default() += 1;
        } else if v["error"] == "ThrottlingException" {
            throttled += 1;
        }
    }
    let busiest = per_second.values().max().copied().unwrap_or(0);
    assert!(busiest <= 2 * GET_LOG_EVENTS_TPS, "{busiest} GetLogEvents accepted in one second");
    assert!(throttled > 0, "13 clients at 1 read/s each must meet the 10 TPS bucket");
    (per_second.values().sum(), busiest, throttled)
}
