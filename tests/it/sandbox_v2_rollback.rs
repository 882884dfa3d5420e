//! Stage failure results and rollbacks: CodePipeline User Guide, "Configuring
//! stage rollback" (automatic and manual; a source stage cannot be rolled
//! back; a rollback is never a target), "Configure a stage for automatic retry
//! on failure" (one automatic attempt); API Reference, RollbackStage,
//! PipelineExecutionSummary.executionType/rollbackMetadata,
//! StageState.retryStageMetadata, PipelineExecutionFilter.succeededInStage.

use std::time::Duration;

use aws_sdk_codepipeline::types::{PipelineExecutionFilter, SucceededInStageFilter};
use aws_sdk_s3::primitives::ByteStream;
use pipewatch::sandbox::Options;
use serde_json::{Value, json};

use crate::harness::{self, Env};

/// Source, then Deploy (a CodeBuild action running `spec`) with `on_failure`.
pub(crate) fn config(name: &str, spec: &str, on_failure: Value) -> String {
    json!({
        "pipelines": [{
            "name": name, "pipelineType": "V2", "executionMode": "QUEUED",
            "artifactStore": { "type": "S3", "location": format!("{name}-artifacts") },
            "stages": [
                { "name": "Source", "actions": [{
                    "name": "Source",
                    "actionTypeId": { "category": "Source", "owner": "AWS", "provider": "S3", "version": "1" },
                    "configuration": { "S3Bucket": format!("{name}-src"), "S3ObjectKey": "src.zip", "PollForSourceChanges": "false" },
                    "outputArtifacts": [{ "name": "Src" }]
                }]},
                { "name": "Deploy", "onFailure": on_failure, "actions": [{
                    "name": "Deploy",
                    "actionTypeId": { "category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1" },
                    "configuration": { "ProjectName": format!("{name}-deploy") },
                    "inputArtifacts": [{ "name": "Src" }]
                }]}
            ]
        }],
        "projects": [{
            "name": format!("{name}-deploy"),
            "source": { "type": "CODEPIPELINE", "buildspec": spec },
            "environment": { "type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL" },
            "timeoutInMinutes": 5
        }]
    })
    .to_string()
}

/// Fails when the source has a file named `bad`.
pub(crate) const DEPLOY: &str = "version: 0.2\nphases:\n  build:\n    commands:\n      - if [ -f bad ]; then echo bad release; exit 4; fi\n      - echo deployed\n";

pub(crate) async fn start(config: String) -> (Env, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    std::fs::write(&path, config).unwrap();
    (harness::start_with(Options { config: Some(path), ..Options::ephemeral() }).await, dir)
}

fn cp(env: &Env) -> aws_sdk_codepipeline::Client {
    aws_sdk_codepipeline::Client::new(&harness::retrying(&env.sdk))
}

pub(crate) async fn upload(env: &Env, name: &str, file: &str) {
    let zip = harness::zip_of(&[(file, "x")]);
    env.s3()
        .put_object()
        .bucket(format!("{name}-src"))
        .key("src.zip")
        .body(ByteStream::from(zip))
        .send()
        .await
        .unwrap();
}

/// (id, status, type, rollback target, trigger type).
type Row = (String, String, String, Option<String>, String);

fn row(s: &aws_sdk_codepipeline::types::PipelineExecutionSummary) -> Row {
    (
        s.pipeline_execution_id().unwrap_or_default().to_string(),
        s.status().map(|x| x.as_str().to_string()).unwrap_or_default(),
        s.execution_type().map(|x| x.as_str().to_string()).unwrap_or_default(),
        s.rollback_metadata().and_then(|r| r.rollback_target_pipeline_execution_id()).map(str::to_string),
        s.trigger().and_then(|t| t.trigger_type()).map(|t| t.as_str().to_string()).unwrap_or_default(),
    )
}

/// Oldest first, once `n` exist and all have ended.
async fn settled(env: &Env, name: &str, n: usize) -> Vec<Row> {
    harness::settled_executions(env, name, n, Duration::from_secs(60)).await.iter().rev().map(row).collect()
}

#[tokio::test]
async fn a_failed_stage_with_on_failure_rollback_redeploys_the_last_success() {
    let (env, _dir) = start(config("rb", DEPLOY, json!({ "result": "ROLLBACK" }))).await;
    upload(&env, "rb", "good").await;
    let good = settled(&env, "rb", 1).await.remove(0);
    assert_eq!((good.1.as_str(), good.2.as_str()), ("Succeeded", "STANDARD"));
    upload(&env, "rb", "bad").await;
    let all = settled(&env, "rb", 3).await;
    let (bad, rollback) = (&all[1], &all[2]);
    assert_eq!(bad.1, "Failed");
    assert_eq!(rollback.1, "Succeeded", "the rollback redeploys the good source: {all:?}");
    assert_eq!(rollback.2, "ROLLBACK");
    assert_eq!(rollback.3.as_deref(), Some(good.0.as_str()));
    assert_eq!(rollback.4, "AutomatedRollback");
    // The stage shows the rollback as its latest execution, typed.
    let state = cp(&env).get_pipeline_state().name("rb").send().await.unwrap();
    let deploy = state.stage_states()[1].latest_execution().unwrap();
    assert_eq!(deploy.pipeline_execution_id(), rollback.0);
    assert_eq!(deploy.r#type().map(|t| t.as_str()), Some("ROLLBACK"));
    // GetPipelineExecution carries the type and target too.
    let got = cp(&env).get_pipeline_execution().pipeline_name("rb").pipeline_execution_id(&rollback.0).send().await;
    let got = got.unwrap().pipeline_execution().cloned().unwrap();
    assert_eq!(got.execution_type().map(|t| t.as_str()), Some("ROLLBACK"));
    assert_eq!(got.rollback_metadata().and_then(|r| r.rollback_target_pipeline_execution_id()), Some(good.0.as_str()));
}

#[tokio::test]
async fn rollback_stage_picks_a_target_that_succeeded_in_the_stage() {
    let (env, _dir) = start(config("mr", DEPLOY, json!({ "result": "FAIL" }))).await;
    upload(&env, "mr", "good").await;
    settled(&env, "mr", 1).await;
    upload(&env, "mr", "bad").await;
    let all = settled(&env, "mr", 2).await;
    assert_eq!(all[1].1, "Failed", "FAIL: no rollback: {all:?}");
    let (good, bad) = (all[0].0.clone(), all[1].0.clone());
    let filter = PipelineExecutionFilter::builder()
        .succeeded_in_stage(SucceededInStageFilter::builder().stage_name("Deploy").build())
        .build();
    let listed = cp(&env).list_pipeline_executions().pipeline_name("mr").filter(filter).send().await.unwrap();
    let ids: Vec<&str> =
        listed.pipeline_execution_summaries().iter().filter_map(|s| s.pipeline_execution_id()).collect();
    assert_eq!(ids, [good.as_str()], "only the run that succeeded in Deploy");

    let refuse = |stage: &'static str, target: String| {
        let cp = cp(&env);
        async move {
            let err = cp.rollback_stage().pipeline_name("mr").stage_name(stage).target_pipeline_execution_id(target);
            err.send().await.unwrap_err().into_service_error().meta().code().unwrap_or_default().to_string()
        }
    };
    assert_eq!(refuse("Source", good.clone()).await, "UnableToRollbackStageException");
    assert_eq!(refuse("Deploy", bad.clone()).await, "UnableToRollbackStageException");
    assert_eq!(
        refuse("Deploy", "00000000-0000-0000-0000-000000000000".into()).await,
        "PipelineExecutionNotFoundException"
    );
    let out = cp(&env).rollback_stage().pipeline_name("mr").stage_name("Deploy").target_pipeline_execution_id(&good);
    let id = out.send().await.unwrap().pipeline_execution_id().to_string();
    let all = settled(&env, "mr", 3).await;
    assert_eq!(all[2].0, id);
    assert_eq!((all[2].1.as_str(), all[2].2.as_str(), all[2].4.as_str()), ("Succeeded", "ROLLBACK", "ManualRollback"));
    // A rollback is never a rollback target.
    assert_eq!(refuse("Deploy", id).await, "UnableToRollbackStageException");
}

#[tokio::test]
async fn on_failure_retry_runs_the_stage_once_more_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("attempted");
    // Fails the first time only.
    let spec = format!(
        "version: 0.2\nphases:\n  build:\n    commands:\n      - if [ ! -f {m} ]; then touch {m}; exit 5; fi\n      - echo second try\n",
        m = marker.display()
    );
    let retry = json!({ "result": "RETRY", "retryConfiguration": { "retryMode": "FAILED_ACTIONS" } });
    let (env, _cfg) = start(config("rt", &spec, retry.clone())).await;
    upload(&env, "rt", "any").await;
    let all = settled(&env, "rt", 1).await;
    assert_eq!(all[0].1, "Succeeded", "the automatic retry succeeded: {all:?}");
    let state = cp(&env).get_pipeline_state().name("rt").send().await.unwrap();
    let meta = state.stage_states()[1].retry_stage_metadata().cloned().expect("retryStageMetadata");
    assert_eq!(meta.auto_stage_retry_attempt(), Some(1));
    assert_eq!(meta.latest_retry_trigger().map(|t| t.as_str()), Some("AutomatedStageRetry"));
    let actions = cp(&env).list_action_executions().pipeline_name("rt").send().await.unwrap();
    let deploys: Vec<&str> = actions
        .action_execution_details()
        .iter()
        .filter(|d| d.stage_name() == Some("Deploy"))
        .filter_map(|d| d.status().map(|s| s.as_str()))
        .collect();
    assert_eq!(deploys, ["Succeeded", "Failed"], "newest first: the retry, then the failure");

    // Always failing: one automatic attempt only, then the run fails.
    let always = "version: 0.2\nphases:\n  build:\n    commands:\n      - exit 6\n";
    let (env, _cfg) = start(config("rf", always, retry)).await;
    upload(&env, "rf", "any").await;
    assert_eq!(settled(&env, "rf", 1).await[0].1, "Failed");
    let actions = cp(&env).list_action_executions().pipeline_name("rf").send().await.unwrap();
    assert_eq!(actions.action_execution_details().iter().filter(|d| d.stage_name() == Some("Deploy")).count(), 2);
}
