//! A batch build through the user's path, minus the terminal: the pipeline's
//! CodeBuild action has BatchEnabled, so its external execution id is a
//! batch (CodePipeline User Guide, "AWS CodeBuild build and test action
//! reference"); BatchGetBuilds does not know it, BatchGetBuildBatches does
//! (CodeBuild API Reference, BatchGetBuildBatches, BuildGroup). The phases
//! pane lists the build groups with their status and dependencies; j/k and
//! Enter choose a group, whose build's phases and log (CloudWatch Logs API
//! Reference, GetLogEvents, through the gap-free tailer) are then shown.

use crossterm::event::KeyCode;
use pipewatch::model::snapshot::Status;
use pipewatch::model::{Model, Pane};

use crate::harness::{self, App};
use crate::sandbox_batch::define_batch_pipeline;

fn log_texts(model: &Model) -> Vec<String> {
    let buf = &model.logs.buffer;
    (buf.first_seq()..buf.end_seq()).filter_map(|s| buf.get(s)).map(|l| l.line.text.clone()).collect()
}

/// The group `ident`'s build id, once it has started.
fn group_build(m: &Model, ident: &str) -> Option<String> {
    let batch = m.session.build.batch.as_ref()?;
    batch.groups().iter().find(|g| g.identifier == ident)?.build_id.clone()
}

/// The build of `ident` is shown, finished, and its whole log line is read.
fn showing(m: &Model, ident: &str) -> bool {
    let Some(id) = group_build(m, ident) else { return false };
    let shown = m.session.build.snapshot.as_ref().is_some_and(|b| b.id == id && b.complete);
    shown && log_texts(m).iter().any(|l| l == &format!("task {ident} running"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phases_pane_lists_the_groups_and_a_chosen_group_shows_its_build_and_log() {
    let env = harness::start().await;
    define_batch_pipeline(&env).await;
    let mut app = App::start(&env, "batch-pipe", true).await;
    app.until("the batch's groups", |m| m.session.build.batch.as_ref().is_some_and(|b| b.groups().len() == 3)).await;
    while app.model.focus != Pane::Phases {
        app.press(KeyCode::Tab);
    }
    let screen = app.screen();
    assert!(screen.contains("Batch · pipe-batch"), "{screen}");
    for ident in ["unit", "lint", "package"] {
        assert!(screen.contains(ident), "group {ident} on screen:\n{screen}");
    }
    assert!(screen.contains("after unit, lint") || screen.contains("after unit,lint"), "{screen}");

    // The whole batch runs; then the user picks each end of the graph.
    app.until("every group to succeed", |m| {
        m.session
            .build
            .batch
            .as_ref()
            .is_some_and(|b| b.groups().len() == 3 && b.groups().iter().all(|g| g.status == Some(Status::Succeeded)))
    })
    .await;
    app.press(KeyCode::Char('g'));
    app.press(KeyCode::Enter);
    app.until("unit's build and its log", |m| showing(m, "unit")).await;
    let screen = app.screen();
    assert!(screen.contains("· unit (chosen)"), "{screen}");
    // The log pane follows the end of unit's log; its line is in the pane's buffer.
    assert!(screen.contains("Phase complete: BUILD State: SUCCEEDED"), "unit's log in the log pane:\n{screen}");
    assert!(!log_texts(&app.model).iter().any(|l| l.starts_with("task lint")), "only unit's log is shown");

    app.press(KeyCode::Char('G'));
    app.press(KeyCode::Enter);
    app.until("package's build and its log", |m| showing(m, "package")).await;
    let screen = app.screen_at(160, 48);
    assert!(screen.contains("· package (chosen)"), "{screen}");
    assert!(screen.contains("✓ unit           succeeded"), "one row per group at 160x48:\n{screen}");
    assert!(!log_texts(&app.model).iter().any(|l| l.starts_with("task unit")), "the log switched to package's");
}
