//! The approvals inbox end to end, minus the terminal: `A` → update → the
//! real driver (its inbox sweep and control requests) → the SDK over HTTP →
//! the sandbox. The waiting approval and its token come from GetPipelineState,
//! its custom data and link from the action's declaration (GetPipeline
//! `configuration.CustomData`, `ExternalEntityLink`: CodePipeline User Guide,
//! "Add a manual approval action to a stage"); the answer is PutApprovalResult
//! (CodePipeline API Reference).

use std::time::Duration;

use chrono::Utc;
use crossterm::event::KeyCode;
use pipewatch::app::Driver;
use pipewatch::model::snapshot::Status;
use pipewatch::model::{Mode, Model};
use pipewatch::msg::Msg;
use pipewatch::update::Effect;

use crate::harness::{self, App, PIPELINE, buildspec};

impl App {
    /// Wakes every poller (as an answered control does), then counts the
    /// inbox reads that arrive within two seconds.
    async fn reads_after_a_wake(&mut self) -> usize {
        self.driver.run(&Effect::RefreshNow);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
        let mut reads = 0;
        while let Ok(Some(msg)) = tokio::time::timeout_at(deadline, self.rx.recv()).await {
            reads += usize::from(matches!(msg, Msg::Approvals { .. }));
            self.apply(msg);
        }
        reads
    }
}

fn stage_status(m: &Model, name: &str) -> Option<Status> {
    let stage = m.session.state.as_ref()?.stages.iter().find(|s| s.name == name)?;
    stage.latest_execution.as_ref().map(|(_, s)| s.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_lists_the_waiting_approval_and_approving_from_it_lets_the_run_deploy() {
    let env = harness::start().await;
    let version = env.upload(&buildspec(&["echo ok"])).await;
    let execution = env.execution_for(&version).await;
    let mut app = App::start(&env, PIPELINE, false).await;
    app.until("the pipeline list", |m| m.session.list.loaded).await;
    app.until("the approval to wait", |m| stage_status(m, "Approve") == Some(Status::InProgress)).await;

    app.press(KeyCode::Char('A'));
    assert_eq!(app.model.mode(), Mode::Inbox);
    let asked: Vec<String> = app
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::WatchInbox(Some(targets)) => Some(targets.iter().map(|t| t.pipeline.clone()).collect::<Vec<_>>()),
            _ => None,
        })
        .next_back()
        .unwrap_or_default();
    assert_eq!(asked, ["mlops-demo", "mlops-demo-eu", "mlops-demo-v2"], "every listed pipeline is read");
    app.until("the inbox to read every pipeline", |m| m.inbox.progress() == (3, 3)).await;
    let rows = app.model.inbox.rows();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!((row.target.pipeline.as_str(), row.approval.stage.as_str()), (PIPELINE, "Approve"));
    assert_eq!(row.approval.execution_id.as_deref(), Some(execution.as_str()));
    assert_eq!(row.approval.custom_data.as_deref(), Some("Check the model metrics in the Build log before deploying."));
    assert_eq!(row.approval.external_link.as_deref(), Some("https://example.com/mlops-demo/model-report"));
    let since = row.approval.since.expect("waiting since");
    assert!((Utc::now() - since).num_seconds() < 120, "{since}");

    app.press(KeyCode::Enter);
    assert_eq!(app.model.mode(), Mode::Confirm);
    for c in "ship it".chars() {
        app.press(KeyCode::Char(c));
    }
    app.press(KeyCode::Enter);
    assert_eq!(app.model.mode(), Mode::Inbox, "back in the inbox while the answer goes out");
    app.until("the run to reach Deploy", |m| {
        matches!(stage_status(m, "Deploy"), Some(Status::InProgress | Status::Succeeded))
    })
    .await;
    let state = env.codepipeline().get_pipeline_state().name(PIPELINE).send().await.expect("state");
    let approve = &state.stage_states()[2].action_states()[0];
    assert_eq!(approve.latest_execution().and_then(|l| l.summary()), Some("ship it"));
    app.until("the inbox to empty", |m| m.inbox.rows().is_empty() && m.inbox.failures().is_empty()).await;

    // Open, a wake makes the sweep read again at once (a sweep under way may add its own)...
    let reads = app.reads_after_a_wake().await;
    assert!(reads >= 2, "both pipelines read again: {reads}");
    app.press(KeyCode::Esc);
    assert_eq!(app.model.mode(), Mode::Normal);
    assert_eq!(app.effects.last(), Some(&Effect::WatchInbox(None)), "closing stops the reads");
    // ...closed, nothing reads the approvals any more (a read that was
    // finishing as Esc came is drained first).
    tokio::time::sleep(Duration::from_millis(300)).await;
    while let Ok(msg) = app.rx.try_recv() {
        app.apply(msg);
    }
    assert_eq!(app.reads_after_a_wake().await, 0, "no inbox read while it is closed");
}

/// A starred pipeline that is not shown, with the inbox closed: its own slow
/// reads (GetPipelineState, CodePipeline API Reference) see the approval
/// start waiting, and the user is told (bell / OSC 9).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_starred_pipeline_not_shown_notifies_when_its_approval_starts_waiting() {
    use pipewatch::model::inbox::Target;
    let env = harness::start().await;
    let mut app = App::start(&env, "mlops-demo-v2", false).await;
    let c = &app.model.session.connection;
    let star = Target { profile: c.profile.clone(), region: c.region.clone(), pipeline: PIPELINE.into() };
    app.model.alerts.starred.insert(star.clone());
    app.until("the pipeline list", |m| m.session.list.loaded).await;
    assert!(app.effects.contains(&Effect::WatchStars(vec![star.clone()])), "{:?}", app.effects);
    app.until("the starred pipeline's first read", |m| m.alerts.watching == [star.clone()]).await;
    let first = app.reads_after_a_wake().await;
    assert!(first >= 1, "the star is read: {first}");

    let version = env.upload(&buildspec(&["echo ok"])).await;
    let execution = env.execution_for(&version).await;
    let waiting = || async {
        let state = env.codepipeline().get_pipeline_state().name(PIPELINE).send().await.ok()?;
        let approve = state.stage_states().iter().find(|s| s.stage_name() == Some("Approve"))?;
        let latest = approve.latest_execution()?;
        (latest.pipeline_execution_id() == execution
            && latest.status() == &aws_sdk_codepipeline::types::StageExecutionStatus::InProgress)
            .then_some(())
    };
    harness::eventually("the approval to wait", Duration::from_secs(90), waiting).await;
    assert_eq!(app.model.mode(), Mode::Normal, "the inbox stays closed");
    // The sweep waits two minutes between reads: wake it, as a test may.
    let mut notified = false;
    for _ in 0..10 {
        app.reads_after_a_wake().await;
        notified = app
            .effects
            .iter()
            .any(|e| matches!(e, Effect::Notify(n) if n.body == "mlops-demo approval waiting: Approve/Approve"));
        if notified {
            break;
        }
    }
    assert!(notified, "no notification: {:?}", app.effects.iter().rev().take(10).collect::<Vec<_>>());
}
