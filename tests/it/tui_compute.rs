//! A Commands action through the user's path, minus the terminal: the
//! pipeline poller sees the action's `logStreamARN` (CodePipeline API
//! Reference, ActionExecution.logStreamARN), the log pane tails that stream
//! with the same gap-free tailer as a build's (CloudWatch Logs API Reference,
//! GetLogEvents), the phase pane says it is a Commands action, and the tailer
//! stops once the action has ended and its last lines are read.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use pipewatch::app::{Driver, Running};
use pipewatch::config::{Config, Intervals};
use pipewatch::model::{Connection, Model};
use pipewatch::msg::Msg;
use pipewatch::sandbox::Options;
use pipewatch::update::{self, Effect};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::harness;
use crate::sandbox_commands::{PIPELINE, config, upload};

const LINES: usize = 30;

fn log_texts(model: &Model) -> Vec<String> {
    let buf = &model.logs.buffer;
    (buf.first_seq()..buf.end_seq()).filter_map(|s| buf.get(s)).map(|l| l.line.text.clone()).collect()
}

fn screen(terminal: &Terminal<TestBackend>) -> String {
    let buf = terminal.backend().buffer();
    let w = buf.area.width as usize;
    buf.content().chunks(w).map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n").collect()
}

fn get_log_events(path: &std::path::Path) -> usize {
    std::fs::read_to_string(path).unwrap_or_default().lines().filter(|l| l.contains("\"GetLogEvents\"")).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_pane_tails_a_commands_action_and_the_phase_pane_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("sandbox.json");
    let requests = dir.path().join("requests.jsonl");
    let print = format!("for i in $(seq 1 {LINES}); do echo \"step $i\"; sleep 0.1; done");
    std::fs::write(&cfg, config(&[&print, "export GREETING=done"])).unwrap();
    let opts = Options { config: Some(cfg), request_log: Some(requests.clone()), ..Options::ephemeral() };
    let env = harness::start_with(opts).await;

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let fast = Duration::from_millis(400);
    let intervals = Intervals {
        state_active: fast,
        state_idle: fast,
        build: fast,
        log: fast,
        log_quiet: fast,
        ..Intervals::default()
    };
    let mut driver = Running::new(Arc::new(env.clients().await), tx, None, intervals);
    let connection = Connection { region: "us-east-1".into(), ..Connection::default() };
    let mut model = Model::new(Config::default(), connection, Some(PIPELINE.into()), Utc::now());
    for effect in update::init(&model) {
        driver.run(&effect);
    }
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    upload(&env).await;

    let want: Vec<String> = (1..=LINES).map(|i| format!("step {i}")).collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut ended_told = false;
    let mut drawn = String::new();
    loop {
        let msg = match tokio::time::timeout(Duration::from_millis(300), rx.recv()).await {
            Ok(Some(msg)) => msg,
            Ok(None) => panic!("driver channel closed"),
            Err(_) => Msg::Tick,
        };
        model.now = Utc::now();
        for effect in update::update(&mut model, msg) {
            ended_told |= matches!(effect, Effect::ActionLogEnded(_));
            if !matches!(effect, Effect::Quit | Effect::Copy(_) | Effect::Notify(_) | Effect::SetTitle(_)) {
                driver.run(&effect);
            }
        }
        if model.dirty {
            terminal.draw(|f| pipewatch::ui::render(&model, f)).unwrap();
            model.dirty = false;
            drawn = screen(&terminal);
        }
        let output: Vec<String> = log_texts(&model).into_iter().filter(|l| l.starts_with("step ")).collect();
        if ended_told && output.len() >= LINES {
            // Every line once, in order: nothing lost or repeated.
            assert_eq!(output, want);
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "log so far: {output:?}; screen:\n{drawn}");
    }
    let id = model.session.build.id.clone().unwrap_or_default();
    assert!(id.contains(":log-group:/aws/codepipeline/cmds:log-stream:"), "{id}");
    assert!(model.session.build.snapshot.is_none(), "a Commands action has no build to poll");
    assert!(drawn.contains("Commands · Test/RunTests"), "{drawn}");
    assert!(drawn.contains("Commands action: no build"), "{drawn}");

    // Once the last lines are read (the follow settles a few seconds after
    // the end), the tailer stops: a finished action costs no requests.
    tokio::time::sleep(pipewatch::follow::END_SETTLE + Duration::from_secs(3)).await;
    let before = get_log_events(&requests);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(get_log_events(&requests), before, "GetLogEvents after the action's log was complete");
}

/// An S3 deploy action has no build: Enter on it shows what CodePipeline
/// reports (ActionExecution summary, externalExecutionUrl, errorDetails),
/// here the failure to write to a bucket that does not exist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_on_a_failed_deploy_shows_its_error_instead_of_an_empty_phase_pane() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let (env, _dir) = crate::sandbox_deploy::start("no-such-site").await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let fast = Duration::from_millis(400);
    let intervals = Intervals { state_active: fast, state_idle: fast, ..Intervals::default() };
    let mut driver = Running::new(Arc::new(env.clients().await), tx, None, intervals);
    let connection = Connection { region: "us-east-1".into(), ..Connection::default() };
    let pipeline = crate::sandbox_deploy::PIPELINE;
    let mut model = Model::new(Config::default(), connection, Some(pipeline.into()), Utc::now());
    for effect in update::init(&model) {
        driver.run(&effect);
    }
    crate::sandbox_deploy::upload(&env).await;
    let mut apply = |model: &mut Model, msg: Msg| {
        model.now = Utc::now();
        for effect in update::update(model, msg) {
            if !matches!(effect, Effect::Quit | Effect::Copy(_) | Effect::Notify(_) | Effect::SetTitle(_)) {
                driver.run(&effect);
            }
        }
    };
    let failed = |m: &Model| {
        m.session.state.as_ref().is_some_and(|s| {
            s.stages
                .iter()
                .flat_map(|s| &s.actions)
                .any(|a| a.name == "Publish" && a.status == Some(pipewatch::model::snapshot::Status::Failed))
        })
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !failed(&model) {
        assert!(tokio::time::Instant::now() < deadline, "the deploy did not fail in time");
        match tokio::time::timeout(Duration::from_millis(300), rx.recv()).await {
            Ok(Some(msg)) => apply(&mut model, msg),
            _ => apply(&mut model, Msg::Tick),
        }
    }
    // The user moves to the Deploy stage and presses Enter.
    for code in [KeyCode::Char('l'), KeyCode::Enter] {
        apply(&mut model, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| pipewatch::ui::render(&model, f)).unwrap();
    let drawn = screen(&terminal);
    assert!(drawn.contains("S3 · Deploy/Publish · pinned"), "{drawn}");
    assert!(drawn.contains("NoSuchBucket"), "{drawn}");
}
