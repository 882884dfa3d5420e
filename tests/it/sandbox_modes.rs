//! Execution modes as AWS documents them, on a small custom pipeline:
//! SUPERSEDED replaces a waiting run, QUEUED runs every upload one at a time,
//! PARALLEL runs them side by side.

use std::time::Duration;

use aws_sdk_s3::primitives::ByteStream;
use pipewatch::sandbox::Options;

use crate::harness::{self, Env, eventually};

fn config(mode: &str) -> String {
    let spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 3\n";
    harness::two_stage_pipeline("modes", mode, "slow", spec, None)
}

async fn start(mode: &str) -> (Env, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    std::fs::write(&path, config(mode)).unwrap();
    (harness::start_with(Options { config: Some(path), ..Options::ephemeral() }).await, dir)
}

async fn upload(env: &Env) {
    let zip = harness::zip_of(&[("readme.txt", "x")]);
    env.s3().put_object().bucket("modes-src").key("src.zip").body(ByteStream::from(zip)).send().await.unwrap();
}

async fn statuses(env: &Env) -> Vec<String> {
    let out = env.codepipeline().list_pipeline_executions().pipeline_name("modes").send().await.unwrap();
    // Oldest first reads more naturally in assertions.
    out.pipeline_execution_summaries()
        .iter()
        .rev()
        .map(|s| s.status().map(|x| x.as_str().to_string()).unwrap_or_default())
        .collect()
}

async fn wait_all_done(env: &Env, n: usize) -> Vec<String> {
    eventually("all executions to finish", Duration::from_secs(60), || async {
        let s = statuses(env).await;
        (s.len() == n && s.iter().all(|x| x != "InProgress" && x != "Stopping")).then_some(s)
    })
    .await
}

/// Most builds of the project running at the same moment.
async fn max_concurrent_builds(env: &Env) -> usize {
    let ids = env.codebuild().list_builds_for_project().project_name("slow").send().await.unwrap();
    let builds = env.codebuild().batch_get_builds().set_ids(Some(ids.ids().to_vec())).send().await.unwrap();
    let spans: Vec<(f64, f64)> = builds
        .builds()
        .iter()
        .map(|b| (b.start_time().unwrap().as_secs_f64(), b.end_time().unwrap().as_secs_f64()))
        .collect();
    spans.iter().map(|(s, _)| spans.iter().filter(|(a, b)| a <= s && s < b).count()).max().unwrap_or(0)
}

async fn upload_three(env: &Env) {
    upload(env).await;
    // The second and third arrive while the first is building.
    eventually("the first build", Duration::from_secs(10), || async {
        let ids = env.codebuild().list_builds_for_project().project_name("slow").send().await.ok()?;
        (!ids.ids().is_empty()).then_some(())
    })
    .await;
    upload(env).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    upload(env).await;
}

#[tokio::test]
async fn superseded_mode_replaces_the_run_waiting_for_a_busy_stage() {
    let (env, _dir) = start("SUPERSEDED").await;
    upload_three(&env).await;
    assert_eq!(wait_all_done(&env, 3).await, ["Succeeded", "Superseded", "Succeeded"]);
    assert_eq!(max_concurrent_builds(&env).await, 1);
}

#[tokio::test]
async fn queued_mode_runs_every_upload_one_at_a_time() {
    let (env, _dir) = start("QUEUED").await;
    upload_three(&env).await;
    assert_eq!(wait_all_done(&env, 3).await, ["Succeeded", "Succeeded", "Succeeded"]);
    assert_eq!(max_concurrent_builds(&env).await, 1);
}

#[tokio::test]
async fn parallel_mode_runs_uploads_side_by_side() {
    let (env, _dir) = start("PARALLEL").await;
    upload_three(&env).await;
    assert_eq!(wait_all_done(&env, 3).await, ["Succeeded", "Succeeded", "Succeeded"]);
    assert!(max_concurrent_builds(&env).await >= 2);
}
