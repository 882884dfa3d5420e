//! V2 execution modes through the user's path: the real driver polls the
//! sandbox over HTTP, update folds the answers into the model, and the 80x24
//! screen drawn from it shows the queue (StageState.inboundExecutions, API
//! Reference) and PARALLEL lanes (ListActionExecutions filtered by
//! pipelineExecutionId; User Guide, "Set or change the pipeline execution mode").

use aws_sdk_s3::primitives::ByteStream;
use crossterm::event::KeyCode;
use pipewatch::model::Model;
use pipewatch::model::snapshot::Status;
use pipewatch::sandbox::Options;

use crate::harness::{self, App, Env};

pub(crate) const SLOW: &str = "version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 10\n";

/// A sandbox with the two-stage pipeline `v2` in `mode`, its build slow.
pub(crate) async fn sandbox(mode: &str, spec: &str) -> (Env, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    std::fs::write(&path, harness::two_stage_pipeline("v2", mode, "v2-slow", spec, None)).unwrap();
    (harness::start_with(Options { config: Some(path), ..Options::ephemeral() }).await, dir)
}

pub(crate) async fn upload(env: &Env, n: usize) {
    let zip = harness::zip_of(&[("n.txt", &n.to_string())]);
    env.s3().put_object().bucket("v2-src").key("src.zip").body(ByteStream::from(zip)).send().await.unwrap();
}

fn build_stage(m: &Model) -> Option<&pipewatch::model::snapshot::StageSnapshot> {
    m.session.state.as_ref()?.stages.iter().find(|s| s.name == "Build")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_runs_show_as_a_depth_on_the_arrow_and_the_header_names_the_building_run() {
    let (env, _dir) = sandbox("QUEUED", SLOW).await;
    let mut app = App::start(&env, "v2", false).await;
    upload(&env, 0).await;
    app.until("the first build", |m| build_stage(m).is_some_and(|s| s.latest_execution.is_some())).await;
    upload(&env, 1).await;
    upload(&env, 2).await;
    app.until("two runs queued at Build", |m| build_stage(m).is_some_and(|s| s.v2.queued.len() == 2)).await;
    let building = build_stage(&app.model).and_then(|s| s.latest_execution.clone()).map(|(id, _)| id).unwrap();
    // Select Build (l), as a user looking at the running build does.
    app.press(KeyCode::Char('l'));
    app.until("the executions listed", |m| m.session.executions.iter().any(|e| e.id == building)).await;
    let screen = app.screen();
    assert!(screen.contains("──▶"), "{screen}");
    assert!(screen.contains("q:2"), "the queue depth under the arrow into Build:\n{screen}");
    let short: String = building.chars().take(8).collect();
    assert!(screen.contains(&format!("exec {short}")), "the header names the building run {short}:\n{screen}");
    // No lanes outside PARALLEL mode.
    assert!(app.model.session.lanes.is_empty() && !screen.contains("parallel"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_runs_show_one_lane_each() {
    let (env, _dir) = sandbox("PARALLEL", SLOW).await;
    let mut app = App::start(&env, "v2", false).await;
    upload(&env, 0).await;
    app.until("the first build", |m| build_stage(m).is_some_and(|s| s.latest_execution.is_some())).await;
    upload(&env, 1).await;
    app.until("two lanes building", |m| {
        m.session.lanes.len() == 2 && m.session.lanes.iter().all(|l| l.actions.iter().any(|a| a.stage == "Build"))
    })
    .await;
    let screen = app.screen();
    assert!(screen.contains("parallel · 2 in progress"), "{screen}");
    for lane in &app.model.session.lanes {
        let short: String = lane.execution_id.chars().take(8).collect();
        let row = screen
            .lines()
            .find(|l| l.contains(&short) && !l.contains("exec "))
            .unwrap_or_else(|| panic!("a lane for {short}:\n{screen}"));
        assert!(row.contains("Build · Build"), "the lane names the action it is at: {row}");
        // The lane's actions are its own execution's only.
        assert!(lane.actions.iter().all(|a| a.pipeline_execution_id == lane.execution_id));
    }
    // Once both finish, the lanes go (one run or none needs no lanes).
    app.until("the lanes to clear", |m| m.session.lanes.is_empty()).await;
    assert!(!app.screen().contains("parallel ·"));
}

fn deploy_stage(m: &Model) -> Option<&pipewatch::model::snapshot::StageSnapshot> {
    m.session.state.as_ref()?.stages.iter().find(|s| s.name == "Deploy")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_automatic_rollback_is_marked_on_the_stage_and_in_the_history() {
    use crate::sandbox_v2_rollback::{DEPLOY, config, start, upload};
    let (env, _dir) = start(config("rb", DEPLOY, serde_json::json!({ "result": "ROLLBACK" }))).await;
    let mut app = App::start(&env, "rb", false).await;
    upload(&env, "rb", "good").await;
    app.until("the good run", |m| m.session.executions.first().is_some_and(|e| e.status == Status::Succeeded)).await;
    let good = app.model.session.executions[0].id.clone();
    upload(&env, "rb", "bad").await;
    app.until("the rollback to succeed in Deploy", |m| {
        deploy_stage(m)
            .is_some_and(|s| s.v2.rollback && s.latest_execution.as_ref().is_some_and(|l| l.1 == Status::Succeeded))
    })
    .await;
    let screen = app.screen();
    assert!(screen.contains("Deploy ↺ rollback"), "{screen}");
    app.until("the rollback listed", |m| m.session.executions.first().is_some_and(|e| e.v2.rollback)).await;
    app.press(KeyCode::Char('e'));
    let screen = app.screen();
    let short: String = good.chars().take(8).collect();
    assert!(screen.contains(&format!("↺ {short}")), "the history names the rollback's target:\n{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_automatic_retry_shows_its_attempt_on_the_stage() {
    use crate::sandbox_v2_rollback::{config, start, upload};
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("attempted");
    let spec = format!(
        "version: 0.2\nphases:\n  build:\n    commands:\n      - if [ ! -f {m} ]; then touch {m}; exit 5; fi\n      - sleep 2\n",
        m = m.display()
    );
    let retry = serde_json::json!({ "result": "RETRY", "retryConfiguration": { "retryMode": "ALL_ACTIONS" } });
    let (env, _cfg) = start(config("rt", &spec, retry)).await;
    let mut app = App::start(&env, "rt", false).await;
    upload(&env, "rt", "any").await;
    app.until("the retried stage", |m| deploy_stage(m).is_some_and(|s| s.v2.retries.0 == 1)).await;
    let screen = app.screen();
    assert!(screen.contains("Deploy ↻ retry 1"), "{screen}");
}
