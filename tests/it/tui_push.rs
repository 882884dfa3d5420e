//! The TUI's push driver through the real SDK against the sandbox: the Msgs
//! it sends for plan, upload (progress), follow, cancel and failures; the
//! temp zip is removed and the workspace left as it was.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use pipewatch::aws::AwsClients;
use pipewatch::msg::Msg;
use pipewatch::workers::PushDriver;
use tempfile::TempDir;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use crate::harness::{self, Env, PIPELINE};

/// A sandbox, a workspace, a temp dir for the package, and a driver pushing
/// the workspace through the sandbox with its channel.
struct Setup {
    env: Env,
    ws: TempDir,
    tmp: TempDir,
    driver: PushDriver,
    rx: UnboundedReceiver<Msg>,
}

async fn setup() -> Setup {
    let env = harness::start().await;
    let ws = harness::workspace(&harness::buildspec(&["echo driven"]));
    let tmp = tempfile::tempdir().expect("temp dir");
    let (tx, rx) = unbounded_channel();
    let driver = PushDriver::new(clients(&env).await, tx, Some(ws.path().to_path_buf()));
    Setup { driver: driver.with_temp_dir(tmp.path().into()), env, ws, tmp, rx }
}

async fn clients(env: &Env) -> Arc<AwsClients> {
    Arc::new(env.clients().await)
}

/// The next Msg the driver sends, skipping progress unless `progress` collects it.
async fn next(rx: &mut UnboundedReceiver<Msg>, progress: &mut Vec<(u64, u64)>) -> Msg {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(30), rx.recv()).await;
        match msg.expect("the driver answers within 30 s").expect("channel open") {
            Msg::PushProgress { sent, total } => progress.push((sent, total)),
            other => return other,
        }
    }
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn plan_upload_and_follow_send_the_msgs_the_model_needs() {
    let Setup { env, ws, tmp, mut driver, mut rx } = setup().await;
    let mut progress = Vec::new();

    driver.plan(PIPELINE, None);
    let Msg::PushPlanned(Ok(view)) = next(&mut rx, &mut progress).await else { panic!("a plan") };
    assert_eq!((view.bucket.as_str(), view.key.as_str()), ("pipewatch-demo-source", "workspace.zip"));
    assert_eq!(view.files, 2, "{view:?}");
    assert_eq!(view.excluded_secrets, vec![".env".to_string()]);
    assert!(!view.blocked(), "{view:?}");
    assert_eq!(files_in(tmp.path()).len(), 1, "the package waits in the temp dir");

    driver.execute();
    let Msg::PushUploaded { version_id: Some(version) } = next(&mut rx, &mut progress).await else {
        panic!("an upload with a version id")
    };
    assert_eq!(progress.last(), Some(&(view.zip_bytes, view.zip_bytes)), "the gauge ends full: {progress:?}");
    let Msg::PushFollowing { execution_id } = next(&mut rx, &mut progress).await else { panic!("the run found") };
    let ours = env.listed_execution(&execution_id).await;
    assert_eq!(ours.source_revisions()[0].revision_id(), Some(version.as_str()));
    assert!(files_in(tmp.path()).is_empty(), "the package is removed after the upload");
    assert_eq!(files_in(ws.path()), vec![".env", "hello.txt", "model"], "the workspace is untouched");
    assert_eq!(files_in(&ws.path().join("model")), vec!["buildspec.yml"], "the workspace is untouched");
}

#[tokio::test]
async fn cancel_removes_the_package_and_failures_are_one_line() {
    // The sandbox and the workspace stay alive to the end of the test.
    let Setup { env: _env, ws: _ws, tmp, mut driver, mut rx } = setup().await;
    let mut progress = Vec::new();
    driver.plan(PIPELINE, None);
    assert!(matches!(next(&mut rx, &mut progress).await, Msg::PushPlanned(Ok(_))));
    driver.cancel();
    assert!(files_in(tmp.path()).is_empty(), "Esc drops the plan and its zip");
    driver.execute();
    let Msg::PushFailed(text) = next(&mut rx, &mut progress).await else { panic!("nothing to push") };
    assert!(text.contains("press p again"), "{text}");

    driver.plan("no-such-pipeline", None);
    let Msg::PushPlanned(Err(text)) = next(&mut rx, &mut progress).await else { panic!("a failed plan") };
    assert!(text.contains("no-such-pipeline") && !text.contains('\n'), "{text}");
    assert!(files_in(tmp.path()).is_empty());
    assert!(progress.is_empty());
}

#[tokio::test]
async fn start_run_without_a_kept_plan_says_to_push_again() {
    // The sandbox turns every upload into a run at once, so the "no run in
    // time" branch cannot be reached here; the library's start is tested in
    // push.rs and the `s` offer in update's push tests.
    let env = harness::start().await;
    let (tx, mut rx) = unbounded_channel();
    let mut driver = PushDriver::new(clients(&env).await, tx, None);
    driver.start_run("v1");
    let Msg::PushFailed(text) = next(&mut rx, &mut Vec::new()).await else { panic!("a failure") };
    assert!(text.contains("push again with p"), "{text}");
}
