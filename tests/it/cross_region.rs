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
use pipewatch::model::logs::LogSource;
use pipewatch::msg::Msg;
use pipewatch::sandbox::Options;
use pipewatch::update::Effect;
use pipewatch::workers::Intervals;

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
