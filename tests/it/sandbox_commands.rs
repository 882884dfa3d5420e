//! Commands actions (V2) in the sandbox, through the real SDK over HTTP.
//! CodePipeline User Guide, "Commands action reference": category Compute,
//! provider Commands; the commands run with bash in the input artifact, with
//! the log in CloudWatch Logs under `/aws/codepipeline/<pipeline>`
//! ("Permissions required to view compute logs in the CodePipeline console").
//! CodePipeline API Reference, ActionExecutionResult / ActionExecution:
//! `logStreamARN`, "the ARN of the log stream for the action compute";
//! ActionExecutionOutput.outputVariables.

use std::time::Duration;

use aws_sdk_codepipeline::types::ActionExecutionDetail;
use aws_sdk_s3::primitives::ByteStream;
use pipewatch::sandbox::Options;
use serde_json::json;

use crate::harness::{self, Env, eventually};

pub const PIPELINE: &str = "cmds";

/// A V2 pipeline: S3 source `cmds-src/src.zip` → a Commands action running
/// `commands` in the source, exporting GREETING under namespace `Cmd`.
pub fn config(commands: &[&str]) -> String {
    json!({
        "pipelines": [{
            "name": PIPELINE,
            "pipelineType": "V2",
            "executionMode": "QUEUED",
            "artifactStore": { "type": "S3", "location": "cmds-artifacts" },
            "stages": [
                { "name": "Source", "actions": [{
                    "name": "Source",
                    "actionTypeId": { "category": "Source", "owner": "AWS", "provider": "S3", "version": "1" },
                    "configuration": { "S3Bucket": "cmds-src", "S3ObjectKey": "src.zip", "PollForSourceChanges": "false" },
                    "outputArtifacts": [{ "name": "Src" }]
                }]},
                { "name": "Test", "actions": [{
                    "name": "RunTests",
                    "actionTypeId": { "category": "Compute", "owner": "AWS", "provider": "Commands", "version": "1" },
                    "commands": commands,
                    "namespace": "Cmd",
                    "outputVariables": ["GREETING"],
                    "environmentVariables": [{ "name": "WHO", "value": "sandbox", "type": "PLAINTEXT" }],
                    "inputArtifacts": [{ "name": "Src" }]
                }]}
            ]
        }],
        "projects": []
    })
    .to_string()
}

pub async fn start(commands: &[&str]) -> (Env, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    std::fs::write(&path, config(commands)).unwrap();
    (harness::start_with(Options { config: Some(path), ..Options::ephemeral() }).await, dir)
}

pub async fn upload(env: &Env) {
    let zip = harness::zip_of(&[("hello.txt", "hello")]);
    let s3 = env.s3();
    eventually("the upload", Duration::from_secs(30), || {
        let put = s3.put_object().bucket("cmds-src").key("src.zip").body(ByteStream::from(zip.clone()));
        async move { put.send().await.ok() }
    })
    .await;
}

/// The Commands action's execution once it has ended.
async fn finished_action(env: &Env) -> ActionExecutionDetail {
    let cp = aws_sdk_codepipeline::Client::new(&harness::retrying(&env.sdk));
    eventually("the Commands action to end", Duration::from_secs(60), || async {
        let out = cp.list_action_executions().pipeline_name(PIPELINE).send().await.ok()?;
        out.action_execution_details()
            .iter()
            .find(|d| d.action_name() == Some("RunTests") && d.status().is_some_and(|s| s.as_str() != "InProgress"))
            .cloned()
    })
    .await
}

/// (group, stream) of a log stream ARN.
pub fn split_arn(arn: &str) -> (String, String) {
    let (_, rest) = arn.split_once(":log-group:").expect("a log-group ARN");
    let (group, stream) = rest.split_once(":log-stream:").expect("a log-stream ARN");
    (group.to_string(), stream.to_string())
}

#[tokio::test]
async fn a_commands_action_runs_its_commands_and_reports_its_log_stream() {
    let (env, _dir) =
        start(&["echo \"hello from $WHO\"", "cat hello.txt; echo", "export GREETING=hi-$(cat hello.txt)"]).await;
    upload(&env).await;
    let action = finished_action(&env).await;
    assert_eq!(action.status().map(|s| s.as_str()), Some("Succeeded"));
    let result = action.output().and_then(|o| o.execution_result()).expect("executionResult");
    let arn = result.log_stream_arn().expect("logStreamARN").to_string();
    assert!(arn.starts_with("arn:aws:logs:us-east-1:"), "{arn}");
    let (group, stream) = split_arn(&arn);
    assert_eq!(group, format!("/aws/codepipeline/{PIPELINE}"));
    // ActionExecutionOutput.outputVariables: the action's exported variables.
    let vars = action.output().and_then(|o| o.output_variables()).cloned().unwrap_or_default();
    assert_eq!(vars.get("GREETING").map(String::as_str), Some("hi-hello"), "{vars:?}");
    assert_eq!(action.input().and_then(|i| i.namespace()), Some("Cmd"));

    // GetPipelineState names the same stream on the action's latest execution.
    let cp = aws_sdk_codepipeline::Client::new(&harness::retrying(&env.sdk));
    let state = cp.get_pipeline_state().name(PIPELINE).send().await.unwrap();
    let latest = state.stage_states()[1].action_states()[0].latest_execution().cloned().expect("latest");
    assert_eq!(latest.log_stream_arn(), Some(arn.as_str()));

    let lines = harness::read_log_until(&env, &group, &stream, Duration::from_secs(30), |l| {
        l.iter().any(|x| x == "hello from sandbox") && l.iter().any(|x| x == "hello")
    })
    .await;
    assert!(lines.iter().any(|l| l.contains("Running command cat hello.txt")), "{lines:#?}");

    // The compute is CodePipeline's: the account's CodeBuild lists no build.
    let cb = aws_sdk_codebuild::Client::new(&harness::retrying(&env.sdk));
    assert!(cb.list_builds().send().await.unwrap().ids().is_empty());
}

#[tokio::test]
async fn a_failing_command_fails_the_action_with_its_command() {
    let (env, _dir) = start(&["echo before", "false"]).await;
    upload(&env).await;
    let action = finished_action(&env).await;
    assert_eq!(action.status().map(|s| s.as_str()), Some("Failed"));
    let result = action.output().and_then(|o| o.execution_result()).expect("executionResult");
    let message = result.error_details().and_then(|d| d.message()).unwrap_or_default();
    assert!(message.contains("Error while executing command: false"), "{message}");
    assert!(result.log_stream_arn().is_some(), "a failed action still names its log");
}
