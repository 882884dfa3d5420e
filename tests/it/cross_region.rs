//! Builds where they run: BatchGetBuilds goes to the Region the action is
//! declared in, and a build listed in buildsNotFound is a final, visible
//! state instead of a retry loop. Documents: CodeBuild API Reference,
//! BatchGetBuilds ("buildsNotFound: the IDs of builds for which information
//! could not be found"); CodePipeline API Reference, ActionDeclaration
//! (`region`: "The action declaration's Amazon Web Services Region";
//! `roleArn`); CodePipeline User Guide, "Add a cross-Region action".

use std::sync::Arc;
use std::time::Duration;

use pipewatch::app::{Driver, Running};
use pipewatch::aws;
use pipewatch::config::Intervals;
use pipewatch::model::logs::LogSource;
use pipewatch::msg::Msg;
use pipewatch::sandbox::Options;
use pipewatch::update::Effect;

use crate::harness;

/// BatchGetBuilds calls in the sandbox's request log so far.
fn batch_get_builds(log: &std::path::Path) -> usize {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines().filter(|l| l.contains("\"BatchGetBuilds\"")).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_build_not_in_its_region_stops_polling_and_says_where_it_looked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("requests.jsonl");
    let env = harness::start_with(Options { request_log: Some(log.clone()), ..Options::ephemeral() }).await;
    let clients = env.clients().await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut driver = Running::new(Arc::new(clients), tx, None, Intervals::default());
    let missing = "mlops-demo-build:00000000-0000-0000-0000-000000000000";
    driver.run(&Effect::WatchBuild(missing.into()));

    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let why = loop {
        let msg = tokio::time::timeout_at(deadline, rx.recv()).await.expect("an answer within 30 s").expect("open");
        if let Msg::LogSource { build_id, source: LogSource::BuildNotFound(why) } = msg {
            assert_eq!(build_id, missing);
            break why;
        }
    };
    assert!(why.contains(&format!("build {missing} not found in region us-east-1")), "{why}");
    // Final: nothing asks again.
    let asked = batch_get_builds(&log);
    assert!((3..=4).contains(&asked), "a few tries, then stop: {asked}");
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(batch_get_builds(&log), asked, "no BatchGetBuilds after the final answer");
}

/// The demo's mlops-demo-eu runs its Evaluate action in eu-west-1 as a role
/// of account 210987654321: its build is asked for there, through the TUI's
/// driver, and its phases arrive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_region_build_is_asked_for_in_its_region() {
    let env = harness::start().await;
    let s3 = env.s3();
    let zip = harness::zip_of(&[("hello.txt", "hello\n")]);
    harness::eventually("the eu upload", harness::LONG, || {
        let put = s3.put_object().bucket(harness::BUCKET).key("workspace-eu.zip").body(zip.clone().into());
        async move { put.send().await.ok() }
    })
    .await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let clients = Arc::new(env.clients().await);
    let mut driver = Running::new(clients.clone(), tx, None, Intervals::default());
    driver.run(&Effect::WatchPipeline("mlops-demo-eu".into()));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let build_id = loop {
        let msg =
            tokio::time::timeout_at(deadline, rx.recv()).await.expect("the build shows within 60 s").expect("open");
        if let Msg::PipelineState { result: Ok(state), .. } = msg {
            let action = state.stages.iter().flat_map(|s| &s.actions).find(|a| a.name == "EvaluateInEU");
            if let Some(id) = action.and_then(|a| a.external_id.clone()) {
                break id;
            }
        }
    };
    assert!(clients.build_place(&build_id).region.as_deref() == Some("eu-west-1"));
    driver.run(&Effect::WatchBuild(build_id.clone()));
    let build = loop {
        let msg = tokio::time::timeout_at(deadline, rx.recv()).await.expect("the build within 60 s").expect("open");
        match msg {
            Msg::Build { result: Ok(b) } if b.id == build_id => break b,
            Msg::LogSource { source: LogSource::BuildNotFound(why), .. } => panic!("asked in the wrong Region: {why}"),
            _ => {}
        }
    };
    assert_eq!(build.region.as_deref(), Some("eu-west-1"));
    assert_eq!(build.project, "mlops-demo-eu-evaluate");
    // Its log is read from that Region's CloudWatch Logs, without a failure.
    loop {
        let msg = tokio::time::timeout_at(deadline, rx.recv()).await.expect("the eu log within 60 s").expect("open");
        match msg {
            Msg::Log { result: Ok(batch), .. }
                if batch.events.iter().any(|e| e.message == "Evaluating in eu-west-1") =>
            {
                break;
            }
            Msg::Log { result: Err(f), .. } => panic!("the eu log failed: {f:?}"),
            _ => {}
        }
    }
    // Asked in the pipeline's own Region, the same id is not there.
    let fresh = env.clients().await;
    let err = fresh.build(&build_id).await.expect_err("not in us-east-1");
    assert!(aws::is_build_not_found(&err), "{err:?}");
}
