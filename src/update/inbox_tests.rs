//! The approvals inbox through update: `A` opens it and asks for reads,
//! answers fill it, Enter confirms with the target's own rules, Esc stops
//! the reads.

use crossterm::event::KeyCode;

use super::test_input::{code, key, shift};
use super::*;
use crate::config::Config;
use crate::model::control::ControlRequest;
use crate::model::inbox::{Approval, Target, samples as inbox_samples};
use crate::model::{Mode, samples};

fn model() -> Model {
    samples::model(samples::running_build(), 80, 24)
}

fn approval(stage: &str) -> Approval {
    Approval {
        stage: stage.into(),
        action: "Ok".into(),
        token: format!("tok-{stage}"),
        execution_id: None,
        since: Some(samples::now()),
        custom_data: None,
        external_link: None,
    }
}

fn dev(pipeline: &str) -> Target {
    Target { profile: Some("dev".into()), region: "us-east-1".into(), pipeline: pipeline.into() }
}

#[test]
fn a_opens_the_inbox_over_the_listed_pipelines_and_esc_stops_reading() {
    let mut m = model();
    let fx = update(&mut m, shift('A'));
    assert_eq!(m.mode(), Mode::Inbox);
    let want: Vec<Target> = ["mlops-demo", "data-ingest", "web-frontend"].into_iter().map(dev).collect();
    assert_eq!(fx, vec![Effect::WatchInbox(Some(want))]);
    update(&mut m, Msg::Approvals { target: dev("data-ingest"), result: Ok(vec![approval("Prod")]) });
    assert_eq!(m.inbox.rows().len(), 1);
    // A read of a pipeline no longer asked about is dropped.
    update(&mut m, Msg::Approvals { target: dev("elsewhere"), result: Ok(vec![approval("X")]) });
    assert_eq!(m.inbox.rows().len(), 1);
    assert_eq!(update(&mut m, code(KeyCode::Esc)), vec![Effect::WatchInbox(None)]);
    assert_eq!(m.mode(), Mode::Normal);
}

#[test]
fn enter_confirms_and_sends_to_the_rows_place_then_returns_to_the_inbox() {
    let mut m = model();
    inbox_samples::fill(&mut m);
    update(&mut m, key('j'));
    update(&mut m, key('j'));
    let row = m.inbox.selected_row().expect("a row");
    assert_eq!(row.target.pipeline, "payments", "the shortest wait is last");
    assert!(update(&mut m, code(KeyCode::Enter)).is_empty(), "nothing is sent before the confirmation");
    assert_eq!(m.mode(), Mode::Confirm);
    update(&mut m, code(KeyCode::Right));
    for c in "not today".chars() {
        update(&mut m, key(c));
    }
    // prod is a confirm-by-name profile by default (`*prod*`): the name is typed too.
    assert!(m.modal.confirm().is_some_and(|c| c.by_name));
    assert!(update(&mut m, code(KeyCode::Enter)).is_empty());
    update(&mut m, code(KeyCode::Tab));
    for c in "payments".chars() {
        update(&mut m, key(c));
    }
    let fx = update(&mut m, code(KeyCode::Enter));
    let request = ControlRequest::Approve {
        pipeline: "payments".into(),
        stage: "Release".into(),
        action: "ChangeBoard".into(),
        token: "token-Release-ChangeBoard".into(),
        approve: false,
        summary: "not today".into(),
    };
    assert_eq!(fx, vec![Effect::ControlAt { target: row.target.clone(), request: request.clone() }]);
    assert_eq!(m.mode(), Mode::Inbox, "back to the inbox");
    update(&mut m, Msg::ControlDone { request, result: Ok("rejected ChangeBoard".into()) });
    assert!(m.inbox.rows().iter().all(|r| r.target.pipeline != "payments"), "answered: gone at once");
}

#[test]
fn a_read_only_profile_refuses_in_the_inbox_and_confirm_by_name_asks_for_the_name() {
    let mut m = model();
    m.config =
        Config { read_only_profiles: vec!["prod".into()], confirm_by_name_profiles: vec!["dev".into()], ..m.config };
    inbox_samples::fill(&mut m);
    m.inbox.selected = 2; // payments, in prod
    update(&mut m, code(KeyCode::Enter));
    assert_eq!(m.mode(), Mode::Inbox);
    assert!(
        m.inbox.problem.as_deref().is_some_and(|p| p.starts_with("profile prod is read-only")),
        "{:?}",
        m.inbox.problem
    );
    m.inbox.selected = 1; // mlops-demo, in dev
    update(&mut m, key('a'));
    let c = m.modal.confirm().expect("confirmation");
    assert!(c.by_name && c.target.as_ref().is_some_and(|t| t.pipeline == "mlops-demo"));
    assert!(update(&mut m, code(KeyCode::Enter)).is_empty(), "the name was not typed");
    assert_eq!(update(&mut m, code(KeyCode::Esc)), Vec::new());
    assert_eq!(m.mode(), Mode::Inbox);
}

#[test]
fn a_new_pipeline_list_while_open_retargets_the_reads() {
    let mut m = model();
    update(&mut m, shift('A'));
    let mut items = samples::pipelines();
    items.truncate(1);
    let fx = update(&mut m, Msg::Pipelines(Ok(items)));
    assert!(fx.contains(&Effect::WatchInbox(Some(vec![dev("mlops-demo")]))), "{fx:?}");
    update(&mut m, code(KeyCode::Esc));
    let fx = update(&mut m, Msg::Pipelines(Ok(samples::pipelines())));
    assert!(!fx.iter().any(|e| matches!(e, Effect::WatchInbox(_))), "closed: no reads: {fx:?}");
}
