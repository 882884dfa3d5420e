//! `:start --revision Source=VERSION` through the user's path: keys → update
//! → the real driver → the SDK over HTTP → the sandbox, and back through the
//! pollers: the new run builds the older S3 version the user named.
//! CodePipeline API Reference, StartPipelineExecution `sourceRevisions`
//! (SourceRevisionOverride S3_OBJECT_VERSION_ID), read back as
//! ListPipelineExecutions' `sourceRevisions` and GetPipelineExecution's
//! `artifactRevisions`.

use crossterm::event::KeyCode;
use pipewatch::model::Mode;

use crate::harness::{self, App, PIPELINE, buildspec};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn colon_start_with_an_older_version_runs_that_version() {
    let env = harness::start().await;
    let old = env.upload(&buildspec(&["echo marker-old"])).await;
    let _ = env.execution_for(&old).await;
    let new = env.upload(&buildspec(&["echo marker-new"])).await;
    let newest = env.execution_for(&new).await;

    let mut app = App::start(&env, PIPELINE, false).await;
    app.until("the newest run listed", |m| m.session.executions.first().is_some_and(|e| e.id == newest)).await;
    // A name that is no source action is refused before any call.
    app.run_command("start --revision Build=x");
    assert!(app.notice().contains("no source action `Build`"), "{}", app.notice());
    assert_eq!(app.model.mode(), Mode::Normal);

    app.run_command(&format!("start --revision Source={old}"));
    assert_eq!(app.model.mode(), Mode::Confirm);
    let screen = app.screen_at(160, 48);
    assert!(screen.contains("at a chosen source revision?"), "{screen}");
    assert!(screen.contains(&format!("Source: S3 object version {old}")), "{screen}");
    app.press(KeyCode::Enter);
    app.until("the result line", |m| m.session.info.as_deref().is_some_and(|i| i.starts_with("started execution")))
        .await;

    // The app's own view of the new run: the newest execution, on the old version.
    app.until("the started run on the old version", |m| {
        m.session.executions.first().is_some_and(|e| {
            e.id != newest && e.source_revisions.iter().any(|r| r.revision_id.as_deref() == Some(old.as_str()))
        })
    })
    .await;
    let started = app.model.session.executions[0].id.clone();
    let cp = env.codepipeline();
    let got = cp.get_pipeline_execution().pipeline_name(PIPELINE).pipeline_execution_id(&started).send().await;
    let exec = got.expect("get execution").pipeline_execution.expect("an execution");
    assert_eq!(exec.artifact_revisions()[0].revision_id(), Some(old.as_str()));
}
