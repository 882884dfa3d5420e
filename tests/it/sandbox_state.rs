//! The sandbox's lifetime and its state dir: a dropped in-process sandbox
//! ends its connections; a long-lived `--state-dir` keeps only what the
//! running sandbox still refers to; a build reads its own copy of its source,
//! so an overwrite or delete of the S3 object cannot break it.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_codebuild::types::{SourceType, StatusType};
use aws_sdk_s3::primitives::ByteStream;
use pipewatch::sandbox::{self, Options};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::{self, BUCKET, Env, LONG, buildspec, eventually};

#[tokio::test]
async fn a_dropped_sandbox_ends_its_connections_and_frees_its_state() {
    let env = harness::start().await;
    let state = Arc::downgrade(&env.sandbox.shared);
    let mut conn = tokio::net::TcpStream::connect(env.sandbox.addr).await.expect("connect");
    // An unsigned request: refused, but HTTP/1.1 keeps the connection open.
    conn.write_all(b"GET / HTTP/1.1\r\nhost: sandbox\r\n\r\n").await.expect("send");
    let mut answer = [0u8; 512];
    let n = conn.read(&mut answer).await.expect("an answer");
    assert!(answer[..n].starts_with(b"HTTP/1.1 "), "{:?}", String::from_utf8_lossy(&answer[..n]));

    drop(env);
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), conn.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the connection outlived the sandbox");
    eventually("the sandbox's state to be freed", Duration::from_secs(10), || async {
        state.upgrade().is_none().then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_restart_on_a_state_dir_clears_what_the_last_run_left() {
    let dir = tempfile::tempdir().expect("temp dir");
    let leftovers = ["builds/4f1c/src/main.py", "builds/4f1c.source.zip", "artifacts/exec-1/Src.zip"];
    for file in leftovers {
        let path = dir.path().join(file);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
        std::fs::write(&path, "left by an earlier run").expect("write");
    }
    let env = harness::start_with(Options { state_dir: Some(dir.path().into()), ..Options::ephemeral() }).await;
    for file in leftovers {
        assert!(!dir.path().join(file).exists(), "{file} is still there");
    }
    // The sandbox works in the cleared dir.
    let id = env.execution_for(&env.upload(&buildspec(&["echo fresh"])).await).await;
    env.wait_stage(&id, "Build", "Succeeded").await;
}

/// The execution ids of pipeline `quick`, newest first, once `n` have succeeded.
async fn succeeded(env: &Env, n: usize) -> Vec<String> {
    eventually(&format!("{n} succeeded executions"), LONG, || async {
        let out = env.codepipeline().list_pipeline_executions().pipeline_name("quick").send().await.ok()?;
        let runs = out.pipeline_execution_summaries();
        let done = runs.iter().filter(|s| s.status().map(|x| x.as_str()) == Some("Succeeded")).count();
        (done == n).then(|| runs.iter().filter_map(|s| s.pipeline_execution_id().map(str::to_string)).collect())
    })
    .await
}

fn dirs_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test]
async fn only_the_newest_executions_keep_their_artifacts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("sandbox.json");
    // A build keeping every file as its artifact, so each run has two zips.
    let pipeline = harness::two_stage_pipeline("quick", "QUEUED", "quick", &buildspec(&["echo quick"]), Some("Built"));
    std::fs::write(&config, pipeline).expect("config");
    let state = dir.path().join("state");
    let opts = Options { config: Some(config), state_dir: Some(state.clone()), ..Options::ephemeral() };
    let env = harness::start_with(opts).await;
    sandbox::lock(&env.sandbox.shared.pipelines).artifact_retention = 2;
    for n in 1..=4 {
        let zip = harness::zip_of(&[("readme.txt", &format!("run {n}"))]);
        env.s3().put_object().bucket("quick-src").key("src.zip").body(ByteStream::from(zip)).send().await.expect("put");
        succeeded(&env, n).await;
    }
    let newest: Vec<String> = succeeded(&env, 4).await.into_iter().take(2).collect();
    let mut want = newest.clone();
    want.sort();
    let artifacts = state.join("artifacts");
    eventually("the older executions' artifacts to be removed", LONG, || async {
        (dirs_in(&artifacts) == want).then_some(())
    })
    .await;
    for id in &newest {
        assert_eq!(dirs_in(&artifacts.join(id)), ["Built.zip", "Src.zip"], "{id} keeps its source and build output");
    }
}

#[tokio::test]
async fn deleting_the_source_version_cannot_break_the_run_that_read_it() {
    let env = harness::start().await;
    let version = env.upload(&buildspec(&["echo kept"])).await;
    let id = env.execution_for(&version).await;
    // S3 API Reference, DeleteObject: with a versionId the version is removed
    // for good (no delete marker).
    let s3 = env.s3();
    s3.delete_object().bucket(BUCKET).key(harness::KEY).version_id(&version).send().await.expect("delete version");
    let st = env.wait_stage(&id, "Build", "Succeeded").await;
    let build = st.action_states()[0].latest_execution().and_then(|l| l.external_execution_id()).expect("build id");
    let log = env.log_lines(&env.build(build).await).await;
    assert!(log.iter().any(|l| l == "kept"), "{log:?}");
}

#[tokio::test]
async fn overwriting_the_object_cannot_break_a_build_started_from_it() {
    let env = harness::start().await;
    let s3 = env.s3();
    // A bucket without versioning: a PUT replaces the only version's bytes.
    s3.create_bucket().bucket("plain").send().await.expect("create bucket");
    let zip = |word: &str| ByteStream::from(harness::zip_of(&[("model/buildspec.yml", &buildspec(&[word]))]));
    s3.put_object().bucket("plain").key("src.zip").body(zip("echo first")).send().await.expect("put");
    let started = env
        .codebuild()
        .start_build()
        .project_name("mlops-demo-build")
        .source_type_override(SourceType::S3)
        .source_location_override("plain/src.zip")
        .send()
        .await
        .expect("start build");
    let id = started.build_value().and_then(|b| b.id()).expect("build id").to_string();
    // Replaced while the build is still provisioning, before DOWNLOAD_SOURCE.
    s3.put_object().bucket("plain").key("src.zip").body(zip("echo second")).send().await.expect("overwrite");
    let build = eventually("the build to finish", LONG, || async {
        let b = env.build(&id).await;
        b.build_complete().then_some(b)
    })
    .await;
    assert_eq!(build.build_status(), Some(&StatusType::Succeeded), "{:?}", build.phases());
    let log = env.log_lines(&build).await;
    assert!(log.iter().any(|l| l == "first") && !log.iter().any(|l| l == "second"), "{log:?}");
}
