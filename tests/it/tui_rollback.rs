//! `:rollback` and `:start VAR=value` through the user's path: keys → update
//! → the real driver → the SDK over HTTP → the sandbox. CodePipeline API
//! Reference: RollbackStage (target: an earlier execution that succeeded in
//! the stage, found with ListPipelineExecutions' SucceededInStageFilter; the
//! rollback is an execution of type ROLLBACK whose rollbackMetadata names the
//! target) and StartPipelineExecution `variables` (PipelineVariable name/value,
//! read back as GetPipelineExecution's resolved `variables`).

use std::time::Duration;

use crossterm::event::KeyCode;
use pipewatch::model::Mode;
use pipewatch::model::snapshot::Status;
use serde_json::{Value, json};

use crate::harness::App;
use crate::harness::{self, Env};
use crate::sandbox_v2_rollback::{DEPLOY, config, start, upload};

fn cp(env: &Env) -> aws_sdk_codepipeline::Client {
    aws_sdk_codepipeline::Client::new(&crate::harness::retrying(&env.sdk))
}

/// Executions newest first once none is running: (id, status, type, rollback target).
async fn settled(env: &Env, name: &str, n: usize) -> Vec<(String, String, String, Option<String>)> {
    let all = harness::settled_executions(env, name, n, Duration::from_secs(60)).await;
    all.iter()
        .map(|s| {
            (
                s.pipeline_execution_id().unwrap_or_default().to_string(),
                s.status().map(|x| x.as_str().to_string()).unwrap_or_default(),
                s.execution_type().map(|x| x.as_str().to_string()).unwrap_or_default(),
                s.rollback_metadata().and_then(|r| r.rollback_target_pipeline_execution_id()).map(str::to_string),
            )
        })
        .collect()
}

fn deploy_done(m: &pipewatch::model::Model, id: &str) -> bool {
    let stages = m.session.state.as_ref().map(|s| s.stages.as_slice()).unwrap_or_default();
    stages.iter().any(|s| s.name == "Deploy" && s.latest_execution == Some((id.to_string(), Status::Succeeded)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn colon_rollback_deploy_confirms_and_rolls_back_to_the_earlier_success() {
    let (env, _dir) = start(config("cr", DEPLOY, json!({ "result": "FAIL" }))).await;
    upload(&env, "cr", "one").await;
    settled(&env, "cr", 1).await;
    upload(&env, "cr", "two").await;
    let runs = settled(&env, "cr", 2).await;
    let (later, earlier) = (runs[0].0.clone(), runs[1].0.clone());
    assert!(runs.iter().all(|r| r.1 == "Succeeded"), "{runs:?}");

    let mut app = App::start(&env, "cr", false).await;
    app.until("the later run in Deploy", |m| deploy_done(m, &later)).await;
    // The source stage is refused in one line, before any call.
    app.run_command("rollback Source");
    assert!(app.notice().contains("Source is a source stage"), "{}", app.notice());

    app.run_command("rollback Deploy");
    app.until("the confirmation", |m| m.mode() == Mode::Confirm).await;
    let screen = app.screen();
    let short = &earlier[..8];
    assert!(screen.contains(&format!("Roll Deploy back to execution {short}?")), "{screen}");
    assert!(screen.contains(&format!("{short} · revision ")), "the target's id, revision and time: {screen}");
    app.press(KeyCode::Enter);
    app.until("the result line", |m| m.session.info.as_deref().is_some_and(|i| i.contains("rollback run"))).await;
    let info = app.model.session.info.clone().unwrap_or_default();
    assert!(info.starts_with(&format!("rolling back Deploy to execution {short}")), "{info}");

    let runs = settled(&env, "cr", 3).await;
    assert_eq!(runs[0].2, "ROLLBACK", "{runs:?}");
    assert_eq!(runs[0].3.as_deref(), Some(earlier.as_str()), "rollbackMetadata targets the earlier run: {runs:?}");
    assert!(info.contains(&runs[0].0[..8]), "the line names the rollback run: {info}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn colon_start_with_variables_confirms_and_the_execution_resolves_them() {
    // The pipeline declares ENV (default green), as AWS needs for an override.
    let mut declared: Value = serde_json::from_str(&config("sv", DEPLOY, json!({ "result": "FAIL" }))).unwrap();
    declared["pipelines"][0]["variables"] = json!([{ "name": "ENV", "defaultValue": "green" }]);
    let (env, _dir) = start(declared.to_string()).await;
    upload(&env, "sv", "one").await;
    settled(&env, "sv", 1).await;

    let mut app = App::start(&env, "sv", false).await;
    app.until("the pipeline state", |m| m.session.state.is_some()).await;
    app.run_command("start ENV");
    assert!(app.notice().contains("VAR=value"), "bad syntax is one line: {}", app.notice());
    assert_eq!(app.model.mode(), Mode::Normal);

    app.run_command("start ENV=blue");
    assert_eq!(app.model.mode(), Mode::Confirm);
    assert!(app.screen().contains("ENV=blue"), "the dialog shows the variables");
    app.press(KeyCode::Enter);
    app.until("the result line", |m| m.session.info.as_deref().is_some_and(|i| i.starts_with("started execution")))
        .await;

    let runs = settled(&env, "sv", 2).await;
    let got = cp(&env).get_pipeline_execution().pipeline_name("sv").pipeline_execution_id(&runs[0].0).send().await;
    let execution = got.unwrap().pipeline_execution().cloned().unwrap();
    let vars: Vec<(String, String)> = execution
        .variables()
        .iter()
        .map(|v| (v.name().unwrap_or_default().to_string(), v.resolved_value().unwrap_or_default().to_string()))
        .collect();
    assert!(vars.contains(&("ENV".to_string(), "blue".to_string())), "{vars:?}");
}
