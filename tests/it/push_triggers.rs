//! What `pipewatch push` says and does about the run to come, against the
//! sandbox's polling sources and least-privilege mode. Documents:
//! CodePipeline User Guide, "Valid settings for the PollForSourceChanges
//! parameter" (absent means true for CLI and CloudFormation pipelines);
//! CodePipeline API Reference, PipelineMetadata.pollingDisabledAt (polling
//! stopped after 30 days without a run); Amazon S3 API Reference, HeadObject
//! (a missing key answers 403 without s3:ListBucket, 404 with it).

use std::time::{Duration, Instant};

use pipewatch::sandbox::Options;
use serde_json::json;

use crate::harness::{self, Env, pipewatch, stderr, two_stage_pipeline};

const SPEC: &str = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo polled\n";

/// A sandbox whose one pipeline `polled` has a polling S3 source
/// (PollForSourceChanges absent), polled every `poll`; `disabled` sets its
/// metadata.pollingDisabledAt.
async fn polled_sandbox(poll: Duration, disabled: bool) -> (tempfile::TempDir, Env) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config: serde_json::Value =
        serde_json::from_str(&two_stage_pipeline("polled", "QUEUED", "polled-build", SPEC, None)).expect("json");
    // The harness's pipeline is event-driven; without the setting it polls.
    let source = &mut config["pipelines"][0]["stages"][0]["actions"][0]["configuration"];
    source.as_object_mut().expect("configuration").remove("PollForSourceChanges");
    if disabled {
        let pipeline = config["pipelines"][0].take();
        config["pipelines"][0] = json!({"pipeline": pipeline, "metadata": {"pollingDisabledAt": 1_700_000_000}});
    }
    let path = dir.path().join("sandbox.json");
    std::fs::write(&path, config.to_string()).expect("config");
    let opts = Options { config: Some(path), poll_interval: poll, ..Options::ephemeral() };
    (dir, harness::start_with(opts).await)
}

fn workspace() -> tempfile::TempDir {
    let ws = tempfile::tempdir().expect("workspace");
    std::fs::write(ws.path().join("app.py"), "print('polled')\n").expect("file");
    ws
}

async fn executions(env: &Env) -> usize {
    let out = env.codepipeline().list_pipeline_executions().pipeline_name("polled").send().await.expect("list");
    out.pipeline_execution_summaries().len()
}

#[tokio::test]
async fn a_polling_source_is_waited_for_and_never_started_twice() {
    // The poll comes after the execution timeout: the old push then offered
    // (and with --yes made) a start, and the poll started a second run.
    let (_dir, env) = polled_sandbox(Duration::from_secs(8), false).await;
    let ws = workspace();
    let out = pipewatch(["push", "--pipeline", "polled", "--yes", "--wait", "--execution-timeout", "2", "--workspace"])
        .arg(ws.path())
        .sandbox(&env)
        .output()
        .await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("the source polls for changes") && err.contains("next poll"), "{err}");
    assert!(!err.contains("Start an execution"), "{err}");
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(executions(&env).await, 1, "one upload, one run: {err}");
}

#[tokio::test]
async fn polling_switched_off_says_so_and_starts_at_once() {
    let (_dir, env) = polled_sandbox(Duration::from_secs(2), true).await;
    let ws = workspace();
    let started = Instant::now();
    let out =
        pipewatch(["push", "--pipeline", "polled", "--yes", "--workspace"]).arg(ws.path()).sandbox(&env).output().await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("stopped polling polled's source on 2023-11-14"), "{err}");
    assert!(err.contains("no run will start by itself"), "{err}");
    assert!(err.contains("execution "), "started with --yes: {err}");
    assert!(started.elapsed() < Duration::from_secs(30), "no wait for a run that cannot come: {:?}", started.elapsed());
    assert_eq!(executions(&env).await, 1, "{err}");
}

#[tokio::test]
async fn a_missing_object_without_list_bucket_names_the_permission() {
    let opts = Options { deny: "s3:ListBucket".parse().expect("deny spec"), ..Options::ephemeral() };
    let env = harness::start_with(opts).await;
    let ws = harness::workspace(&harness::buildspec(&["echo hi"]));
    let out = pipewatch(["push", "--pipeline", harness::PIPELINE, "--dry-run", "--workspace"])
        .arg(ws.path())
        .sandbox(&env)
        .output()
        .await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("is not there or this identity may not list the bucket"), "{err}");
    assert!(err.contains("allow s3:ListBucket on arn:aws:s3:::pipewatch-demo-source"), "{err}");
    assert!(!err.contains("HTTP 403"), "{err}");
}
