//! The monitor's whole data path under the chaos: real workers over
//! HTTP → Msgs → update → the model's log buffer (and render), the way the
//! event loop drives them, minus the terminal. A 2,000-line build must show
//! every line exactly once, in order, through throttling, latency and a 20 s
//! outage.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use pipewatch::app::{Driver, Running};
use pipewatch::config::{Config, Intervals};
use pipewatch::model::{Connection, Model};
use pipewatch::update::{self, Effect};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::harness;

const LINES: usize = 2000;

fn log_texts(model: &Model) -> Vec<String> {
    let buf = &model.logs.buffer;
    (buf.first_seq()..buf.end_seq()).filter_map(|s| buf.get(s)).map(|l| l.line.text.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2000_line_build_arrives_whole_through_throttling_latency_and_an_outage() {
    let chaos = "throttle=0.3,latency=100ms-500ms,outage=20s@10s".parse().unwrap();
    let env = harness::start_with(pipewatch::sandbox::Options {
        chaos: Some(chaos),
        ..pipewatch::sandbox::Options::ephemeral()
    })
    .await;
    let spec = format!(
        "version: 0.2\nphases:\n  build:\n    commands:\n      - 'for i in $(seq 1 {LINES}); do echo \"line $i\"; sleep 0.01; done'\nartifacts:\n  files:\n    - '**/*'\n"
    );
    // The test's own client has no retries; chaos may refuse the upload a few times.
    env.upload_zip(harness::zip_of(&[("model/buildspec.yml", &spec)])).await;

    let clients = env.clients().await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut driver = Running::with_backoff(
        Arc::new(clients),
        tx,
        Intervals::default(),
        Duration::from_millis(200),
        Duration::from_secs(2),
    );
    let connection =
        Connection { account: None, region: "us-east-1".into(), profile: None, endpoint: Some(env.sandbox.endpoint()) };
    let mut model = Model::new(Config::default(), connection, Some("mlops-demo".into()), Utc::now());
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    for effect in update::init(&model) {
        driver.run(&effect);
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(150);
    let mut settled_at: Option<tokio::time::Instant> = None;
    loop {
        let msg = tokio::time::timeout(Duration::from_millis(500), rx.recv()).await;
        model.now = Utc::now();
        let msg = match msg {
            Ok(Some(msg)) => msg,
            Ok(None) => break,
            Err(_) => pipewatch::msg::Msg::Tick,
        };
        for effect in update::update(&mut model, msg) {
            // Not the test runner's terminal: no title, bell or clipboard.
            if !matches!(effect, Effect::Quit | Effect::Copy(_) | Effect::Notify(_) | Effect::SetTitle(_)) {
                driver.run(&effect);
            }
        }
        if model.dirty {
            terminal.draw(|f| pipewatch::ui::render(&model, f)).unwrap();
            model.dirty = false;
        }
        let complete = model.session.build.snapshot.as_ref().is_some_and(|b| b.complete);
        let has_last = log_texts(&model).iter().any(|l| l == &format!("line {LINES}"));
        if complete && has_last && settled_at.is_none() {
            // Keep listening a while: a repeated page would show up now.
            settled_at = Some(tokio::time::Instant::now() + Duration::from_secs(4));
        }
        if settled_at.is_some_and(|t| tokio::time::Instant::now() > t) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the build's log did not arrive in time; have {} lines",
            log_texts(&model).len()
        );
    }
    let lines: Vec<String> = log_texts(&model).into_iter().filter(|l| l.starts_with("line ")).collect();
    let expected: Vec<String> = (1..=LINES).map(|i| format!("line {i}")).collect();
    assert_eq!(lines.len(), LINES, "every line exactly once");
    assert_eq!(lines, expected, "in order");
}
