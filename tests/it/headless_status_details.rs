//! `status --pipeline P --json`'s `latestExecution` through the real binary
//! against the sandbox: the details view's data for the latest run. The
//! fields come from the CodePipeline API Reference's GetPipelineExecution
//! (trigger, artifactRevisions, variables) and ListActionExecutions
//! (ActionExecutionOutput.outputVariables, ActionExecutionResult.logStreamARN),
//! and the CodeBuild API Reference's BatchGetBuilds
//! (exportedEnvironmentVariables), BatchGetReports and DescribeTestCases.

use std::time::Duration;

use aws_sdk_s3::primitives::ByteStream;
use pipewatch::sandbox::Options;
use serde_json::{Value, json};

use crate::harness::{self, Env, eventually, json_of, pipewatch};

const PIPELINE: &str = "details";
// Exports a variable and writes a test report with one failed case; the
// build itself succeeds so the Commands action after it runs.
const SPEC: &str = r#"version: 0.2
env:
  exported-variables:
    - IMAGE_TAG
phases:
  build:
    commands:
      - export IMAGE_TAG=v-$ENV_NAME
      - mkdir -p out
      - |
        { echo '<testsuite name="gate">'
          echo '<testcase classname="gate" name="test_ok"/>'
          echo '<testcase classname="gate" name="test_baseline_accuracy"><failure message="0.13 below 0.80"/></testcase>'
          echo '</testsuite>'; } > out/gate.xml
reports:
  gate:
    files: out/gate.xml
"#;

fn config() -> String {
    let build_env = r##"[{"name":"ENV_NAME","value":"#{variables.ENV_NAME}","type":"PLAINTEXT"}]"##;
    json!({
        "pipelines": [{
            "name": PIPELINE,
            "pipelineType": "V2",
            "executionMode": "QUEUED",
            "variables": [{ "name": "ENV_NAME", "defaultValue": "dev" }],
            "artifactStore": { "type": "S3", "location": "details-artifacts" },
            "stages": [
                { "name": "Source", "actions": [{
                    "name": "Source",
                    "actionTypeId": { "category": "Source", "owner": "AWS", "provider": "S3", "version": "1" },
                    "configuration": { "S3Bucket": "details-src", "S3ObjectKey": "src.zip", "PollForSourceChanges": "false" },
                    "outputArtifacts": [{ "name": "Src" }]
                }]},
                { "name": "Build", "actions": [{
                    "name": "Build",
                    "namespace": "BuildVars",
                    "actionTypeId": { "category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1" },
                    "configuration": { "ProjectName": "details-build", "EnvironmentVariables": build_env },
                    "inputArtifacts": [{ "name": "Src" }]
                }]},
                { "name": "Deploy", "actions": [{
                    "name": "Announce",
                    "actionTypeId": { "category": "Compute", "owner": "AWS", "provider": "Commands", "version": "1" },
                    "commands": ["echo \"deploying #{BuildVars.IMAGE_TAG}\""]
                }]}
            ]
        }],
        "projects": [{
            "name": "details-build",
            "source": { "type": "CODEPIPELINE", "buildspec": SPEC },
            "environment": { "type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL" }
        }]
    })
    .to_string()
}

async fn start() -> (Env, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    std::fs::write(&path, config()).unwrap();
    (harness::start_with(Options { config: Some(path), ..Options::ephemeral() }).await, dir)
}

async fn status(env: &Env) -> Value {
    let out = pipewatch(["status", "--pipeline", PIPELINE, "--json"]).sandbox(env).output().await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    json_of(&out)
}

#[tokio::test]
async fn status_json_carries_the_latest_runs_trigger_variables_outputs_and_tests() {
    let (env, _dir) = start().await;
    let zip = harness::zip_of(&[("a.txt", "a")]);
    let put = env.s3().put_object().bucket("details-src").key("src.zip").body(ByteStream::from(zip));
    let version = put.send().await.unwrap().version_id().map(str::to_string);
    // Once the Commands action has ended, everything the run makes exists.
    let json = eventually("the run to end", Duration::from_secs(90), || async {
        let json = status(&env).await;
        let ended = json["latestExecution"]["status"].as_str().is_some_and(|s| s != "InProgress");
        ended.then_some(json)
    })
    .await;
    let latest = &json["latestExecution"];
    assert_eq!(latest["status"], "Succeeded", "{json}");
    assert!(latest["trigger"].as_str().is_some_and(|t| !t.is_empty()), "{json}");
    assert!(latest["sourceRevisions"][0]["artifact"].as_str().is_some_and(|a| !a.is_empty()), "{json}");
    if let Some(v) = &version {
        assert_eq!(latest["sourceRevisions"][0]["revisionId"], v.as_str(), "{json}");
    }
    assert_eq!(latest["variables"], json!({ "ENV_NAME": "dev" }), "{json}");
    assert!(latest.get("executionType").is_none(), "not a rollback: {json}");

    let actions = latest["actions"].as_array().expect("actions");
    let build = actions.iter().find(|a| a["action"] == "Build").expect("Build");
    assert_eq!(build["outputVariables"], json!({ "IMAGE_TAG": "v-dev" }), "{json}");
    assert!(build.get("logStreamArn").is_none(), "only Commands actions name a log: {json}");
    let announce = actions.iter().find(|a| a["action"] == "Announce").expect("Announce");
    assert!(announce["logStreamArn"].as_str().is_some_and(|a| a.starts_with("arn:aws:logs:")), "{json}");

    let b = &latest["builds"][0];
    assert_eq!(b["id"], json["stages"][1]["actions"][0]["externalId"], "{json}");
    assert_eq!(b["exportedVariables"], json!({ "IMAGE_TAG": "v-dev" }), "{json}");
    assert_eq!(b["tests"]["total"], 2, "{json}");
    assert_eq!(b["tests"]["byStatus"]["FAILED"], 1, "{json}");
    assert_eq!(b["tests"]["byStatus"]["SUCCEEDED"], 1, "{json}");
    assert_eq!(b["tests"]["failed"], json!(["test_baseline_accuracy"]), "{json}");
}
