//! How an upload to an S3 source starts a run. CodePipeline User Guide, "Valid
//! settings for the PollForSourceChanges parameter": absent means true for
//! pipelines created with the CLI or CloudFormation, so the source polls and
//! the run starts at the next poll; `false` leaves it to an EventBridge rule
//! (a run at once). CodePipeline API Reference, PipelineMetadata: once
//! `pollingDisabledAt` is set (30 idle days), polling starts no run at all.

use std::time::{Duration, Instant};

use aws_sdk_s3::primitives::ByteStream;
use pipewatch::sandbox::Options;
use serde_json::{Value, json};

use crate::harness::{self, Env, eventually};

const BUCKET: &str = "trigger-src";
const POLL: Duration = Duration::from_secs(2);

fn pipeline(name: &str, key: &str, poll: Option<&str>) -> Value {
    let mut configuration = json!({ "S3Bucket": BUCKET, "S3ObjectKey": key });
    if let Some(p) = poll {
        configuration["PollForSourceChanges"] = json!(p);
    }
    json!({
        "name": name,
        "roleArn": "arn:aws:iam::123456789012:role/p",
        "pipelineType": "V2",
        "stages": [
            { "name": "Source", "actions": [{
                "name": "Source",
                "actionTypeId": { "category": "Source", "owner": "AWS", "provider": "S3", "version": "1" },
                "configuration": configuration,
                "outputArtifacts": [{ "name": "Src" }]
            }]},
            { "name": "Approve", "actions": [{
                "name": "Approve",
                "actionTypeId": { "category": "Approval", "owner": "AWS", "provider": "Manual", "version": "1" }
            }]}
        ]
    })
}

async fn start() -> (Env, tempfile::TempDir) {
    let config = json!({
        "pipelines": [
            pipeline("polled", "polled.zip", None),
            pipeline("evented", "evented.zip", Some("false")),
            // GetPipeline's whole output: this pipeline's polling was switched off.
            { "pipeline": pipeline("dormant", "dormant.zip", Some("true")),
              "metadata": { "pollingDisabledAt": "2026-01-05T10:00:00Z" } }
        ]
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    std::fs::write(&path, config.to_string()).unwrap();
    let opts = Options { config: Some(path), poll_interval: POLL, ..Options::ephemeral() };
    (harness::start_with(opts).await, dir)
}

async fn upload(env: &Env, key: &str) -> String {
    let zip = harness::zip_of(&[("readme.txt", key)]);
    let out = env.s3().put_object().bucket(BUCKET).key(key).body(ByteStream::from(zip)).send().await.unwrap();
    out.version_id().unwrap().to_string()
}

/// (trigger type, first source revision) of each execution, newest first.
async fn runs(env: &Env, pipeline: &str) -> Vec<(String, String)> {
    let out = env.codepipeline().list_pipeline_executions().pipeline_name(pipeline).send().await.unwrap();
    out.pipeline_execution_summaries()
        .iter()
        .map(|s| {
            let trigger = s.trigger().and_then(|t| t.trigger_type()).map(|t| t.as_str().to_string());
            let revision = s.source_revisions().first().and_then(|r| r.revision_id()).map(str::to_string);
            (trigger.unwrap_or_default(), revision.unwrap_or_default())
        })
        .collect()
}

#[tokio::test]
async fn a_polling_source_starts_one_run_at_the_next_poll_an_evented_one_at_once() {
    let started = Instant::now();
    let (env, _dir) = start().await;
    upload(&env, "polled.zip").await;
    let second = upload(&env, "polled.zip").await;
    upload(&env, "evented.zip").await;
    let evented = eventually("the evented run", Duration::from_secs(2), || async {
        let r = runs(&env, "evented").await;
        (!r.is_empty()).then_some(r)
    })
    .await;
    assert_eq!(evented[0].0, "CloudWatchEvent");
    if started.elapsed() < POLL - Duration::from_millis(300) {
        assert!(runs(&env, "polled").await.is_empty(), "no poll has happened yet");
    }
    let polled = eventually("the poll's run", 3 * POLL, || async {
        let r = runs(&env, "polled").await;
        (!r.is_empty()).then_some(r)
    })
    .await;
    assert!(started.elapsed() >= POLL, "a poll, not the upload, started it");
    // Two uploads between polls: one run, of the newer version.
    assert_eq!(polled, [("PollForSourceChanges".to_string(), second)]);
    tokio::time::sleep(POLL + Duration::from_millis(500)).await;
    assert_eq!(runs(&env, "polled").await.len(), 1, "an unchanged source starts nothing");
}

#[tokio::test]
async fn polling_disabled_at_means_polling_never_starts_a_run() {
    let (env, _dir) = start().await;
    let got = env.codepipeline().get_pipeline().name("dormant").send().await.unwrap();
    let at = got.metadata().and_then(|m| m.polling_disabled_at()).expect("pollingDisabledAt");
    assert_eq!(at.secs(), 1_767_607_200);
    let fresh = env.codepipeline().get_pipeline().name("polled").send().await.unwrap();
    assert!(fresh.metadata().unwrap().polling_disabled_at().is_none());
    upload(&env, "dormant.zip").await;
    upload(&env, "polled.zip").await;
    eventually("the polled run", 3 * POLL, || async { (!runs(&env, "polled").await.is_empty()).then_some(()) }).await;
    tokio::time::sleep(POLL).await;
    assert!(runs(&env, "dormant").await.is_empty(), "polling is off for dormant");
}
