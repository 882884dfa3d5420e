//! Control keys end to end, minus the terminal: keys → update → the real
//! driver → the SDK over HTTP → the sandbox, and the effect seen both in the
//! sandbox's state and in the model the screen is drawn from.

use std::time::Duration;

use crossterm::event::KeyCode;
use pipewatch::model::snapshot::Status;
use pipewatch::model::{Mode, Model};

use crate::harness::{self, App};

const PIPELINE: &str = "mlops-demo";
const QUICK_OK: &str =
    "version: 0.2\nphases:\n  build:\n    commands:\n      - echo ok\nartifacts:\n  files:\n    - '**/*'\n";
const QUICK_FAIL: &str = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo failing\n      - exit 3\n";
const SLOW: &str = "version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 60\n";

/// Control steps a user takes, over the harness's driver app.
impl App {
    /// Selects stage `name` in the graph with h/l, the way a user does.
    fn select_stage(&mut self, name: &str) {
        for _ in 0..6 {
            self.press(KeyCode::Char('h'));
        }
        for _ in 0..6 {
            if stage(&self.model, name).is_some() && self.current_stage() == Some(name.to_string()) {
                return;
            }
            self.press(KeyCode::Char('l'));
        }
        assert_eq!(self.current_stage().as_deref(), Some(name));
    }

    fn current_stage(&self) -> Option<String> {
        Some(self.model.session.state.as_ref()?.stages.get(self.model.session.selected.0)?.name.clone())
    }
}

fn stage<'a>(m: &'a Model, name: &str) -> Option<&'a pipewatch::model::snapshot::StageSnapshot> {
    m.session.state.as_ref()?.stages.iter().find(|s| s.name == name)
}

fn stage_status(m: &Model, name: &str) -> Option<Status> {
    stage(m, name)?.latest_execution.as_ref().map(|(_, s)| s.clone())
}

fn build_id(m: &Model) -> Option<String> {
    stage(m, "Build")?.actions.first()?.external_id.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_retries_a_failed_stage_and_a_stale_retry_is_refused_in_one_line() {
    let env = harness::start().await;
    env.upload(QUICK_FAIL).await;
    let mut app = App::start(&env, PIPELINE, false).await;
    app.until("the build to fail", |m| stage_status(m, "Build") == Some(Status::Failed)).await;
    let first_build = build_id(&app.model);
    app.select_stage("Build");
    app.press(KeyCode::Char('r'));
    assert_eq!(app.model.mode(), Mode::Confirm);

    // Someone else retries it while the confirmation is open: AWS refuses ours.
    let exec = app.model.session.state.as_ref().and_then(|s| s.stages[1].latest_execution.clone()).map(|(id, _)| id);
    env.codepipeline()
        .retry_stage_execution()
        .pipeline_name(PIPELINE)
        .stage_name("Build")
        .pipeline_execution_id(exec.clone().unwrap_or_default())
        .retry_mode(aws_sdk_codepipeline::types::StageRetryMode::FailedActions)
        .send()
        .await
        .expect("retry from another client");
    app.press(KeyCode::Enter);
    app.until("the refusal", |m| m.session.notice.is_some()).await;
    let notice = app.notice();
    assert!(notice.starts_with("retry of stage Build (failed actions) refused: "), "{notice}");
    assert!(!notice.contains('\n'));
    assert_eq!(app.model.mode(), Mode::Normal);

    // The other retry fails too; now ours goes through and starts a new build.
    app.until("the other retry to fail", |m| {
        stage_status(m, "Build") == Some(Status::Failed) && build_id(m) != first_build
    })
    .await;
    let second_build = build_id(&app.model);
    app.press(KeyCode::Char('r'));
    app.press(KeyCode::Enter);
    app.until("our retry's build", |m| build_id(m).is_some() && build_id(m) != second_build).await;
    assert!(app.notice().is_empty(), "the refusal is cleared by the next control: {}", app.notice());
    let builds =
        env.codebuild().list_builds_for_project().project_name("mlops-demo-build").send().await.expect("list builds");
    assert_eq!(builds.ids().len(), 3, "first run, the other client's retry, ours");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t_holds_deploy_a_approves_and_t_lets_the_run_finish() {
    let env = harness::start().await;
    env.upload(QUICK_OK).await;
    let mut app = App::start(&env, PIPELINE, false).await;
    app.until("the approval to wait", |m| {
        stage(m, "Approve").is_some_and(|s| s.actions.iter().any(|a| a.approval_token.is_some()))
    })
    .await;

    app.select_stage("Deploy");
    app.press(KeyCode::Char('T'));
    app.type_text("freeze for the demo");
    app.press(KeyCode::Enter);
    app.until("the transition to be disabled", |m| stage(m, "Deploy").is_some_and(|s| !s.inbound_enabled)).await;
    assert_eq!(
        stage(&app.model, "Deploy").and_then(|s| s.disabled_reason.clone()).as_deref(),
        Some("freeze for the demo")
    );

    app.press(KeyCode::Char('a'));
    assert_eq!(app.model.mode(), Mode::Confirm);
    app.type_text("metrics look fine");
    app.press(KeyCode::Enter);
    app.until("the approval to succeed", |m| stage_status(m, "Approve") == Some(Status::Succeeded)).await;
    let state = env.codepipeline().get_pipeline_state().name(PIPELINE).send().await.expect("state");
    let approve = &state.stage_states()[2].action_states()[0];
    assert_eq!(approve.latest_execution().and_then(|e| e.summary()), Some("metrics look fine"));
    let held = state.stage_states()[3].inbound_execution().map(|e| e.pipeline_execution_id().to_string());
    assert!(held.is_some(), "the run waits at the disabled transition");

    app.select_stage("Deploy");
    app.press(KeyCode::Char('T'));
    app.press(KeyCode::Enter);
    app.until("the run to finish", |m| m.session.executions.first().is_some_and(|e| e.status != Status::InProgress))
        .await;
    assert_eq!(app.model.session.executions.first().map(|e| e.status.clone()), Some(Status::Succeeded));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_abandons_the_running_execution_and_s_starts_a_new_one() {
    let env = harness::start().await;
    env.upload(SLOW).await;
    let mut app = App::start(&env, PIPELINE, false).await;
    app.until("the build to run", |m| stage_status(m, "Build") == Some(Status::InProgress)).await;
    let running = app.model.session.executions.first().map(|e| e.id.clone());
    app.press(KeyCode::Char('x'));
    app.press(KeyCode::Right);
    app.type_text("wrong commit");
    app.press(KeyCode::Enter);
    app.until("the execution to stop", |m| {
        m.session.executions.first().is_some_and(|e| Some(&e.id) == running.as_ref() && e.status == Status::Stopped)
    })
    .await;
    let exec = env
        .codepipeline()
        .get_pipeline_execution()
        .pipeline_name(PIPELINE)
        .pipeline_execution_id(running.clone().unwrap_or_default())
        .send()
        .await
        .expect("execution");
    let summary = exec.pipeline_execution().and_then(|e| e.status_summary()).unwrap_or_default().to_string();
    assert!(summary.contains("wrong commit"), "{summary}");

    app.press(KeyCode::Char('s'));
    assert_eq!(app.model.mode(), Mode::Confirm);
    app.press(KeyCode::Enter);
    app.until("the start's answer", |m| m.session.info.as_ref().is_some_and(|t| t.starts_with("started execution")))
        .await;
    app.until("a new execution", |m| m.session.executions.first().is_some_and(|e| Some(&e.id) != running.as_ref()))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_sends_no_mutating_request_whatever_is_pressed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("requests.jsonl");
    let env = harness::start_with(pipewatch::sandbox::Options {
        request_log: Some(log.clone()),
        ..pipewatch::sandbox::Options::ephemeral()
    })
    .await;
    env.upload(QUICK_FAIL).await;
    let mut app = App::start(&env, PIPELINE, true).await;
    app.until("the build to fail", |m| stage_status(m, "Build") == Some(Status::Failed)).await;
    app.select_stage("Build");
    let started = std::fs::read_to_string(&log).expect("request log").lines().count();
    for key in ['s', 'r', 'R', 'x', 'a', 'T', 'p'] {
        app.press(KeyCode::Char(key));
        assert_eq!(app.model.mode(), Mode::Normal, "{key} opened a dialog in read-only mode");
        app.press(KeyCode::Enter);
        assert!(app.notice().contains("are off"), "{key}: {}", app.notice());
    }
    // Let the pollers run on: reads continue, and nothing else is sent.
    let settle = tokio::time::Instant::now() + Duration::from_secs(3);
    while tokio::time::Instant::now() < settle {
        if let Ok(Some(msg)) = tokio::time::timeout(Duration::from_millis(200), app.rx.recv()).await {
            app.apply(msg);
        }
    }
    let text = std::fs::read_to_string(&log).expect("request log");
    let entries: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).expect("a JSON line per request")).collect();
    assert!(entries.len() > started, "the pollers kept reading");
    let mutating: Vec<&serde_json::Value> = entries
        .iter()
        .filter(|e| e["mutating"] == serde_json::Value::Bool(true))
        .filter(|e| e["operation"] != "PutObject")
        .collect();
    assert!(mutating.is_empty(), "read-only sent {mutating:?}");
    let puts = entries.iter().filter(|e| e["mutating"] == serde_json::Value::Bool(true)).count();
    assert_eq!(puts, 1, "only the test's own upload mutated anything");
}
