//! A client nobody here wrote: awscli v1 (botocore) from the test venv drives
//! the sandbox. The venv is installed by scripts/test.sh.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use crate::harness::{self, Cli, Env};

pub fn venv_bin(name: &str) -> PathBuf {
    let path = harness::repo_root().join(".venv/bin").join(name);
    assert!(path.exists(), "{} is missing: run scripts/test.sh, which installs the test venv", path.display());
    path
}

async fn aws(env: &Env, args: &[&str]) -> Value {
    let out = Cli::new(venv_bin("aws")).sandbox(env).args(["--output", "json"]).args(args).output().await;
    assert!(out.status.success(), "aws {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    if text.trim().is_empty() { Value::Null } else { serde_json::from_str(&text).expect("aws prints JSON") }
}

#[tokio::test]
async fn awscli_v1_lists_pipelines_uploads_and_reads_builds_and_logs() {
    let env = harness::start().await;
    let listed = aws(&env, &["codepipeline", "list-pipelines"]).await;
    assert_eq!(listed["pipelines"][0]["name"], "mlops-demo");

    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("workspace.zip");
    let spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo from-awscli\nartifacts:\n  files:\n    - '**/*'\n";
    std::fs::write(&zip, harness::zip_of(&[("model/buildspec.yml", spec)])).unwrap();
    let put = aws(
        &env,
        &[
            "s3api",
            "put-object",
            "--bucket",
            "pipewatch-demo-source",
            "--key",
            "workspace.zip",
            "--body",
            zip.to_str().unwrap(),
        ],
    )
    .await;
    let version = put["VersionId"].as_str().expect("version id").to_string();
    let id = env.execution_for(&version).await;
    env.wait_stage(&id, "Approve", "InProgress").await;

    let state = aws(&env, &["codepipeline", "get-pipeline-state", "--name", "mlops-demo"]).await;
    let build_stage = &state["stageStates"][1];
    assert_eq!(build_stage["latestExecution"]["status"], "Succeeded");
    let build_id =
        build_stage["actionStates"][0]["latestExecution"]["externalExecutionId"].as_str().unwrap().to_string();

    let builds = aws(&env, &["codebuild", "batch-get-builds", "--ids", &build_id]).await;
    let build = &builds["builds"][0];
    assert_eq!(build["buildStatus"], "SUCCEEDED");
    let group = build["logs"]["groupName"].as_str().unwrap().to_string();
    let stream = build["logs"]["streamName"].as_str().unwrap().to_string();

    // The CodeBuild agent ships lines seconds after they are printed: ask
    // again until the line is in (CloudWatch Logs API Reference, GetLogEvents).
    let messages = harness::eventually("the build's line in the log", Duration::from_secs(30), || async {
        let events = aws(
            &env,
            &["logs", "get-log-events", "--log-group-name", &group, "--log-stream-name", &stream, "--start-from-head"],
        )
        .await;
        let messages: Vec<String> =
            events["events"].as_array()?.iter().filter_map(|e| e["message"].as_str().map(str::to_string)).collect();
        messages.iter().any(|m| m == "from-awscli").then_some(messages)
    })
    .await;
    assert!(messages.iter().any(|m| m.starts_with("[Container] ")), "{messages:?}");
}
