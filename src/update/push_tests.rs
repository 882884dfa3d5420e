//! The push through update: keys and driver answers in, model and effects out.

use crossterm::event::KeyCode;

use super::test_input::{code, key};
use super::*;
use crate::model::push::{FindingLevel, PlanView, PushDialog, PushState, SourceChoice};
use crate::model::samples;
use crate::model::{BuildSource, Mode};

fn model() -> Model {
    samples::model(samples::running_build(), 80, 24)
}

fn view() -> PlanView {
    PlanView {
        pipeline: "mlops-demo".into(),
        action: "Source".into(),
        bucket: "pipewatch-demo-source".into(),
        key: "workspace.zip".into(),
        files: 3,
        total_bytes: 4096,
        zip_bytes: 1500,
        ..PlanView::default()
    }
}

/// A model with the confirmation open on `plan`.
fn confirming(plan: PlanView) -> Model {
    let mut m = model();
    assert_eq!(update(&mut m, key('p')), vec![Effect::PlanPush { pipeline: "mlops-demo".into(), source_action: None }]);
    assert_eq!(m.modal, Modal::Push(PushDialog::Planning));
    update(&mut m, Msg::PushPlanned(Ok(plan.clone())));
    assert_eq!(m.modal, Modal::Push(PushDialog::Confirm(plan)));
    m
}

#[test]
fn enter_pushes_the_confirmed_plan_and_progress_fills_the_gauge() {
    let mut m = confirming(view());
    assert_eq!(update(&mut m, code(KeyCode::Enter)), vec![Effect::ExecutePush]);
    assert!(matches!(m.modal, Modal::Push(PushDialog::Uploading { sent: 0, total: 1500, .. })), "{:?}", m.modal);
    m.dirty = false;
    update(&mut m, Msg::PushProgress { sent: 700, total: 1500 });
    assert!(matches!(m.modal, Modal::Push(PushDialog::Uploading { sent: 700, total: 1500, .. })));
    assert!(m.dirty);
    // Esc during the single PUT does not pretend to cancel it.
    assert_eq!(update(&mut m, code(KeyCode::Esc)), vec![]);
    assert_eq!(m.mode(), Mode::Push);
    update(&mut m, Msg::PushUploaded { version_id: Some("v9".into()) });
    assert_eq!(m.mode(), Mode::Normal);
    assert_eq!(m.session.push.status_line().as_deref(), Some("pushed version v9; waiting for its run…"));
}

#[test]
fn esc_cancels_and_drops_the_plan_and_a_late_plan_is_ignored() {
    let mut m = confirming(view());
    assert_eq!(update(&mut m, code(KeyCode::Esc)), vec![Effect::CancelPush]);
    assert_eq!((m.mode(), &m.session.push), (Mode::Normal, &PushState::Idle));

    let mut m = model();
    update(&mut m, key('p'));
    assert_eq!(update(&mut m, key('q')), vec![Effect::CancelPush], "q cancels the modal, not the app");
    update(&mut m, Msg::PushPlanned(Ok(view())));
    assert_eq!((m.mode(), &m.session.push), (Mode::Normal, &PushState::Idle));
}

#[test]
fn preflight_errors_block_enter() {
    let mut plan = view();
    plan.findings = vec![(FindingLevel::Error, "error (line 3): unknown phase bild".into())];
    let mut m = confirming(plan);
    assert_eq!(update(&mut m, code(KeyCode::Enter)), vec![]);
    assert!(matches!(m.modal, Modal::Push(PushDialog::Confirm(_))));
    // Warnings alone do not block.
    let mut plan = view();
    plan.findings = vec![(FindingLevel::Warning, "warning: no artifacts".into())];
    let mut m = confirming(plan);
    assert_eq!(update(&mut m, code(KeyCode::Enter)), vec![Effect::ExecutePush]);
}

#[test]
fn found_run_is_followed_and_its_builds_shown() {
    let mut m = confirming(view());
    update(&mut m, code(KeyCode::Enter));
    update(&mut m, Msg::PushUploaded { version_id: Some("v9".into()) });
    m.session.build.source = BuildSource::Action { stage: "Build".into(), action: "Train".into() };
    let fx = update(&mut m, Msg::PushFollowing { execution_id: "exec-42".into() });
    assert_eq!(fx, vec![Effect::RefreshNow]);
    assert_eq!(m.session.push.followed(), Some("exec-42"));
    assert_eq!(m.session.build.source, BuildSource::Auto);
}

#[test]
fn s_starts_a_run_only_after_no_run_appeared() {
    let mut m = model();
    // Otherwise s is the plain start, behind its confirmation.
    assert_eq!(update(&mut m, key('s')), vec![]);
    assert_eq!(m.mode(), Mode::Confirm);
    update(&mut m, code(KeyCode::Esc));
    m.session.push = PushState::Waiting { version_id: Some("v9".into()) };
    let explanation = "no execution of mlops-demo picked up version v9 within 60s: …".to_string();
    update(&mut m, Msg::PushNoExecution { version_id: "v9".into(), explanation: explanation.clone() });
    assert!(
        m.session
            .push
            .status_line()
            .is_some_and(|s| s.starts_with("press s to start the run") && s.ends_with(&explanation))
    );
    assert_eq!(update(&mut m, key('s')), vec![Effect::StartPushedRun { version_id: "v9".into() }]);
    assert_eq!(m.session.push, PushState::Starting);
    update(&mut m, key('s'));
    assert_eq!(m.mode(), Mode::Confirm, "one pinned start per offer; then s is the plain start again");
    update(&mut m, Msg::PushFollowing { execution_id: "exec-43".into() });
    assert_eq!(m.session.push.followed(), Some("exec-43"));
}

#[test]
fn failures_become_one_notice_and_the_app_keeps_running() {
    let mut m = model();
    update(&mut m, key('p'));
    update(&mut m, Msg::PushPlanned(Err("pipeline mlops-demo has no S3 source action".into())));
    assert_eq!((m.mode(), &m.session.push), (Mode::Normal, &PushState::Idle));
    assert!(m.session.notice.as_ref().is_some_and(|n| n.text.contains("no S3 source action")));
    assert!(!m.quit);

    let mut m = confirming(view());
    update(&mut m, code(KeyCode::Enter));
    update(
        &mut m,
        Msg::PushFailed("push failed: AccessDenied: s3:PutObject on pipewatch-demo-source/workspace.zip".into()),
    );
    assert_eq!((m.mode(), &m.session.push), (Mode::Normal, &PushState::Idle));
    assert!(m.session.notice.as_ref().is_some_and(|n| n.text.contains("s3:PutObject")));
    // A worker recovering does not hide the push's notice; the next p does.
    update(&mut m, Msg::ApiOk { api: "codepipeline:GetPipelineState".into() });
    assert!(m.session.notice.is_some());
    update(&mut m, key('p'));
    assert!(m.session.notice.is_none());
}

#[test]
fn several_sources_are_chosen_then_planned_again() {
    let mut m = model();
    update(&mut m, key('p'));
    let sources = vec![
        SourceChoice { action: "App".into(), target: "s3://a/app.zip".into() },
        SourceChoice { action: "Model".into(), target: "s3://b/model.zip".into() },
    ];
    update(&mut m, Msg::PushSources(sources));
    update(&mut m, key('j'));
    update(&mut m, key('j'));
    let fx = update(&mut m, code(KeyCode::Enter));
    assert_eq!(fx, vec![Effect::PlanPush { pipeline: "mlops-demo".into(), source_action: Some("Model".into()) }]);
    assert_eq!(m.modal, Modal::Push(PushDialog::Planning));
}

#[test]
fn p_without_a_pipeline_says_how_to_pick_one() {
    let mut m = Model::new(Default::default(), Default::default(), None, samples::now());
    assert_eq!(update(&mut m, key('p')), vec![]);
    assert_eq!(m.mode(), Mode::Normal);
    assert!(m.session.notice.as_ref().is_some_and(|n| n.text.contains("choose one with o")));
}

/// CodePipeline User Guide, "Amazon S3 source action reference": a polling
/// source starts its run at the next poll; a start now would be a second run.
#[test]
fn a_polling_source_waits_for_its_poll_without_offering_s() {
    let mut m = confirming(view());
    update(&mut m, code(KeyCode::Enter));
    update(&mut m, Msg::PushUploaded { version_id: Some("v9".into()) });
    let note = "the source polls for changes …: version v9's run starts at CodePipeline's next poll".to_string();
    update(&mut m, Msg::PushWaitingForPoll { version_id: "v9".into(), note: note.clone() });
    assert_eq!(m.session.push.status_line(), Some(format!("pushed · {note}")));
    let fx = update(&mut m, key('s'));
    assert!(!fx.iter().any(|e| matches!(e, Effect::StartPushedRun { .. })), "{fx:?}");
    assert!(matches!(m.session.push, PushState::WaitingForPoll { .. }), "{:?}", m.session.push);
    update(&mut m, code(KeyCode::Esc));
    assert!(matches!(update(&mut m, key('p')).as_slice(), []), "one push at a time while its run is awaited");
    update(&mut m, Msg::PushFollowing { execution_id: "exec-44".into() });
    assert_eq!(m.session.push.followed(), Some("exec-44"));
}
