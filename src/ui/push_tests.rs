//! The push modal and the push status line, drawn.

use ratatui::style::Color;

use super::tests::{draw, fg_at, text};
use crate::model::push::{FindingLevel, PlanView, PushDialog, PushState};
use crate::model::{Modal, Model, samples};

fn plan() -> PlanView {
    PlanView {
        pipeline: "mlops-demo".into(),
        action: "Source".into(),
        bucket: "pipewatch-demo-source".into(),
        key: "workspace.zip".into(),
        workspace: "/home/dev/mlops".into(),
        files: 12,
        total_bytes: 48_213,
        zip_bytes: 9_874,
        excluded_secrets: vec![".env".into(), "deploy/id_rsa".into()],
        buildspec: "buildspec.yml".into(),
        findings: vec![
            (FindingLevel::Error, "error (line 4, column 1): a tab indents this line; YAML needs spaces".into()),
            (FindingLevel::Warning, "warning: artifacts declared without files".into()),
        ],
        unchanged: Some("unchanged since version 3HL4kqtJ pushed at 2026-11-26 02:10:00 UTC".into()),
        warnings: vec![],
    }
}

fn with_push(state: PushState, w: u16, h: u16) -> Model {
    let mut m = samples::model(samples::running_build(), w, h);
    m.session.push = state;
    m
}

fn with_dialog(dialog: PushDialog, w: u16, h: u16) -> Model {
    let mut m = samples::model(samples::running_build(), w, h);
    m.modal = Modal::Push(dialog);
    m
}

#[test]
fn snapshot_push_confirm_80x24() {
    let m = with_dialog(PushDialog::Confirm(plan()), 80, 24);
    insta::assert_snapshot!(text(&draw(&m)));
}

#[test]
fn confirmation_names_target_sizes_secrets_and_colours_findings() {
    let buf = draw(&with_dialog(PushDialog::Confirm(plan()), 80, 24));
    let screen = text(&buf);
    for needle in
        ["s3://pipewatch-demo-source/workspace.zip", "12 · 47.1 KiB → 9.6 KiB", "2 secret files left out: .env"]
    {
        assert!(screen.contains(needle), "{needle} missing:\n{screen}");
    }
    assert!(screen.contains("preflight errors block the push"), "{screen}");
    let modal: Vec<&str> = screen.lines().filter(|l| l.contains('│')).collect();
    assert!(!screen.contains("Enter push"), "Enter is offered neither in the modal nor the footer:\n{screen}");
    assert!(modal.iter().any(|l| l.contains("Esc cancel")), "{screen}");
    assert_eq!(fg_at(&buf, "error (line 4"), Color::Red);
    assert_eq!(fg_at(&buf, "warning: artifacts"), Color::Yellow);
    assert!(screen.contains("unchanged since version 3HL4kqtJ") && screen.contains("pushes again"), "{screen}");
}

#[test]
fn clean_plan_offers_enter_and_the_upload_shows_a_byte_gauge() {
    let mut clean = plan();
    clean.findings.clear();
    let screen = text(&draw(&with_dialog(PushDialog::Confirm(clean.clone()), 80, 24)));
    assert!(screen.contains("Enter push") && screen.contains("buildspec.yml: ok"), "{screen}");
    let uploading = PushDialog::Uploading { plan: clean, sent: 4_937, total: 9_874 };
    let screen = text(&draw(&with_dialog(uploading, 80, 24)));
    assert!(screen.contains("4.8 KiB / 9.6 KiB"), "{screen}");
    assert_eq!(screen.lines().last(), Some(""), "no keys offered during the PUT:\n{screen}");
}

#[test]
fn snapshot_no_run_offer_80x24() {
    let explanation = "no execution of mlops-demo picked up version 3HL4kqtJ within 60s: the source does not poll (PollForSourceChanges=false), so only an EventBridge rule matching this bucket's PutObject events (through a CloudTrail trail) starts the pipeline; it is probably missing or disabled. You can start it pinned to version 3HL4kqtJ (StartPipelineExecution with an S3_OBJECT_VERSION_ID source revision).";
    let state = PushState::NoExecution { version_id: "3HL4kqtJ".into(), explanation: explanation.into() };
    insta::assert_snapshot!(text(&draw(&with_push(state, 80, 24))));
}

#[test]
fn footer_offers_s_and_the_status_explains_when_no_run_appeared() {
    let explanation = "no execution of mlops-demo picked up version v9 within 60s: the source does not poll (PollForSourceChanges=false), so only an EventBridge rule starts the pipeline.".to_string();
    let m = with_push(PushState::NoExecution { version_id: "v9".into(), explanation }, 80, 24);
    let screen = text(&draw(&m));
    let footer = screen.lines().last().unwrap_or_default();
    assert!(footer.starts_with(" s start run"), "{footer}");
    assert!(screen.contains("EventBridge rule"), "{screen}");
    let idle = text(&draw(&with_push(PushState::Idle, 80, 24)));
    let footer = idle.lines().last().unwrap_or_default();
    assert!(footer.contains("p push") && !footer.contains("start run"), "{footer}");
}

#[test]
fn header_names_the_followed_run() {
    let m = with_push(PushState::Following { execution_id: "0f3c9a1e-77aa".into() }, 120, 40);
    let screen = text(&draw(&m));
    assert!(screen.lines().next().is_some_and(|l| l.contains("following 0f3c9a1e")), "{screen}");
}
