//! `:rollback` and `:start VAR=value` through `update` as keys: parsing,
//! completion, refusals, and the target's answer opening the confirmation.

use crossterm::event::KeyCode;

use super::command::{Command, parse};
use super::test_input::{code, key, shift};
use super::*;
use crate::model::Mode;
use crate::model::control::{ControlKind, ControlRequest};
use crate::model::samples;
use crate::model::snapshot::{ExecutionSummary, SourceRevision, Status};
use crate::model::start::StartArgs;

fn model() -> Model {
    samples::model(samples::running_build(), 80, 24)
}

fn run_line(m: &mut Model, text: &str) -> Vec<Effect> {
    let mut fx = update(m, shift(':'));
    for c in text.chars() {
        fx.extend(update(m, key(c)));
    }
    fx.extend(update(m, code(KeyCode::Enter)));
    fx
}

fn notice(m: &Model) -> String {
    m.session.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default()
}

fn target() -> ExecutionSummary {
    ExecutionSummary {
        id: "0123abcd-0000-0000-0000-000000000000".into(),
        status: Status::Succeeded,
        status_summary: None,
        trigger_type: None,
        trigger_detail: None,
        source_revisions: vec![SourceRevision {
            action_name: "Source".into(),
            revision_id: Some("v7".into()),
            summary: None,
        }],
        start: Some(samples::now()),
        last_update: None,
        v2: Default::default(),
    }
}

#[test]
fn rollback_and_start_parse_and_bad_variables_say_what_to_do() {
    assert_eq!(parse("rollback"), Ok(Some(Command::Rollback(None))));
    assert_eq!(parse("roll Deploy"), Ok(Some(Command::Rollback(Some("Deploy".into())))));
    assert_eq!(parse("start"), Ok(Some(Command::Start(StartArgs::default()))));
    let variables = vec![("ENV".into(), "prod".into()), ("N".into(), "2".into())];
    assert_eq!(parse("st ENV=prod N=2"), Ok(Some(Command::Start(StartArgs { variables, revisions: vec![] }))));
    assert!(parse("r x").unwrap_err().contains(":region or :rollback"));
    assert!(parse("rollback A B").unwrap_err().contains("one name"));
    assert!(parse("start ENV").unwrap_err().contains("VAR=value"));
}

#[test]
fn tab_after_rollback_offers_the_stages_but_not_the_source() {
    let mut m = model();
    update(&mut m, shift(':'));
    for c in "rollback ".chars() {
        update(&mut m, key(c));
    }
    update(&mut m, code(KeyCode::Tab));
    let c = m.command.completion.clone().expect("several stages");
    assert_eq!(c.candidates, vec!["Build", "Approve", "Deploy"]);
    assert_eq!(m.command.input, "rollback Build");
}

#[test]
fn rollback_asks_for_the_target_then_confirms_and_sends_rollback_stage() {
    let mut m = model();
    let fx = run_line(&mut m, "rollback Deploy");
    assert_eq!(
        fx,
        vec![Effect::FindRollbackTarget { pipeline: "mlops-demo".into(), stage: "Deploy".into(), current: None }]
    );
    update(
        &mut m,
        Msg::RollbackTarget { pipeline: "mlops-demo".into(), stage: "Deploy".into(), result: Ok(Some(target())) },
    );
    assert_eq!(m.mode(), Mode::Confirm);
    let Some(c) = m.modal.confirm() else { panic!("no dialog") };
    let ControlKind::Rollback { about, .. } = &c.kind else { panic!("{:?}", c.kind) };
    assert!(about.starts_with("0123abcd · revision v7 · "), "{about}");
    let fx = update(&mut m, code(KeyCode::Enter));
    let want =
        ControlRequest::Rollback { pipeline: "mlops-demo".into(), stage: "Deploy".into(), target_id: target().id };
    assert_eq!(fx, vec![Effect::Control(want)]);
}

#[test]
fn rollback_refusals_are_one_line() {
    let mut m = model();
    assert!(run_line(&mut m, "rollback Source").is_empty());
    assert!(notice(&m).contains("Source is a source stage"), "{}", notice(&m));
    assert!(run_line(&mut m, "rollback Nope").is_empty());
    assert!(notice(&m).contains("no stage `Nope`"), "{}", notice(&m));
    run_line(&mut m, "rollback");
    update(&mut m, Msg::RollbackTarget { pipeline: "mlops-demo".into(), stage: "Build".into(), result: Ok(None) });
    assert_eq!(m.mode(), Mode::Normal);
    assert!(notice(&m).contains("no earlier execution succeeded in Build"), "{}", notice(&m));
    m.session.read_only = true;
    assert!(run_line(&mut m, "rollback Deploy").is_empty());
    assert!(run_line(&mut m, "start A=1").is_empty());
    assert!(notice(&m).contains("read-only"), "{}", notice(&m));
}

#[test]
fn start_with_variables_confirms_by_name_like_s() {
    let mut m = model();
    m.session.confirm_by_name = true;
    run_line(&mut m, "start ENV=prod");
    assert_eq!(m.mode(), Mode::Confirm);
    assert!(update(&mut m, code(KeyCode::Enter)).is_empty(), "the name is not typed yet");
    for c in "mlops-demo".chars() {
        update(&mut m, key(c));
    }
    let fx = update(&mut m, code(KeyCode::Enter));
    let vars = vec![("ENV".into(), "prod".into())];
    assert_eq!(
        fx,
        vec![Effect::Control(ControlRequest::StartWith {
            pipeline: "mlops-demo".into(),
            variables: vars,
            revisions: Vec::new()
        })]
    );
    run_line(&mut m, "start A");
    assert!(notice(&m).contains("VAR=value"), "{}", notice(&m));
    assert_eq!(m.mode(), Mode::Normal);
}
