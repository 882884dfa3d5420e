//! Control keys through update: keys in, confirmation and effects out.

use crossterm::event::{KeyCode, KeyModifiers};

use super::test_input::{code, ctrl, key};
use super::*;
use crate::keymap::Action;
use crate::model::Mode;
use crate::model::control::{ControlKind, ControlRequest};
use crate::model::samples;
use crate::model::snapshot::Status;

const EXEC: &str = "e0c1d2a3-aaaa-bbbb-cccc-000000000001";

fn typed(m: &mut Model, text: &str) {
    for c in text.chars() {
        update(m, key(c));
    }
}

/// The demo pipeline with its Build stage in `status`, Build selected.
fn model(status: Status) -> Model {
    let mut m = samples::model(samples::running_build(), 80, 24);
    m.session.state = Some(samples::pipeline(status));
    m
}

fn notice(m: &Model) -> &str {
    m.session.notice.as_ref().map_or("", |n| n.text.as_str())
}

#[test]
fn r_on_a_failed_stage_confirms_then_sends_failed_actions_retry() {
    let mut m = model(Status::Failed);
    assert!(update(&mut m, key('r')).is_empty(), "nothing is sent before the confirmation");
    assert_eq!(m.mode(), Mode::Confirm);
    let fx = update(&mut m, code(KeyCode::Enter));
    let want = ControlRequest::Retry {
        pipeline: "mlops-demo".into(),
        stage: "Build".into(),
        execution_id: EXEC.into(),
        all: false,
    };
    assert_eq!(fx, vec![Effect::Control(want)]);
    assert_eq!(m.mode(), Mode::Normal);
    assert!(m.session.info.as_ref().is_some_and(|t| t.contains("retry of stage Build")));
}

#[test]
fn shift_r_retries_all_actions_and_esc_sends_nothing() {
    let mut m = model(Status::Failed);
    update(&mut m, key('R'));
    assert!(matches!(m.modal.confirm().map(|c| &c.kind), Some(ControlKind::Retry { all: true, .. })));
    assert!(update(&mut m, code(KeyCode::Esc)).is_empty());
    assert_eq!((m.mode(), m.modal.confirm().is_none()), (Mode::Normal, true));
}

#[test]
fn r_on_a_stage_that_did_not_fail_says_so_in_one_line() {
    let mut m = model(Status::InProgress);
    assert!(update(&mut m, key('r')).is_empty());
    assert_eq!(m.mode(), Mode::Normal);
    assert!(notice(&m).contains("stage Build has not failed"), "{}", notice(&m));
}

#[test]
fn x_chooses_abandon_and_keeps_the_typed_reason() {
    let mut m = model(Status::InProgress);
    update(&mut m, key('x'));
    update(&mut m, code(KeyCode::Right));
    // Letters that are keys elsewhere (q quits, j moves) are text here.
    typed(&mut m, "quick fix");
    update(&mut m, code(KeyCode::Backspace));
    let fx = update(&mut m, code(KeyCode::Enter));
    let want = ControlRequest::Stop {
        pipeline: "mlops-demo".into(),
        execution_id: EXEC.into(),
        abandon: true,
        reason: "quick fi".into(),
    };
    assert_eq!(fx, vec![Effect::Control(want)]);
}

#[test]
fn x_with_nothing_running_refuses() {
    let mut m = model(Status::Succeeded);
    update(&mut m, key('x'));
    assert_eq!(m.mode(), Mode::Normal);
    assert!(notice(&m).contains("nothing to stop"));
}

#[test]
fn a_answers_the_waiting_approval_with_a_summary() {
    let mut m = model(Status::Succeeded);
    update(&mut m, key('a'));
    assert!(notice(&m).contains("no approval"));
    let state = m.session.state.as_mut().unwrap();
    state.stages[2].actions[0].status = Some(Status::InProgress);
    state.stages[2].actions[0].approval_token = Some("tok-1".into());
    update(&mut m, key('a'));
    assert_eq!(m.mode(), Mode::Confirm);
    update(&mut m, code(KeyCode::Left));
    update(&mut m, Msg::Paste("bad metrics\nsecond line".into()));
    let fx = update(&mut m, code(KeyCode::Enter));
    let want = ControlRequest::Approve {
        pipeline: "mlops-demo".into(),
        stage: "Approve".into(),
        action: "Approve".into(),
        token: "tok-1".into(),
        approve: false,
        summary: "bad metrics".into(),
    };
    assert_eq!(fx, vec![Effect::Control(want)]);
}

#[test]
fn shift_t_disables_with_a_reason_and_the_first_stage_has_no_transition() {
    let mut m = model(Status::Succeeded);
    m.session.selected = (0, 0);
    update(&mut m, key('T'));
    assert!(notice(&m).contains("first stage"));
    m.session.selected = (3, 0);
    update(&mut m, key('T'));
    assert!(update(&mut m, code(KeyCode::Enter)).is_empty(), "no reason yet");
    assert!(m.modal.confirm().and_then(|c| c.problem.as_deref()).is_some_and(|p| p.contains("reason")));
    typed(&mut m, "freeze");
    let fx = update(&mut m, code(KeyCode::Enter));
    let want = ControlRequest::Transition {
        pipeline: "mlops-demo".into(),
        stage: "Deploy".into(),
        enable: false,
        reason: "freeze".into(),
    };
    assert_eq!(fx, vec![Effect::Control(want)]);
}

#[test]
fn confirm_by_name_needs_the_pipeline_name_typed() {
    let mut m = model(Status::Succeeded);
    m.session.confirm_by_name = true;
    update(&mut m, key('s'));
    typed(&mut m, "mlops");
    assert!(update(&mut m, code(KeyCode::Enter)).is_empty());
    assert!(m.modal.confirm().and_then(|c| c.problem.as_deref()).is_some_and(|p| p.contains("\"mlops-demo\"")));
    typed(&mut m, "-demo");
    let fx = update(&mut m, code(KeyCode::Enter));
    assert_eq!(fx, vec![Effect::Control(ControlRequest::Start { pipeline: "mlops-demo".into() })]);
}

#[test]
fn read_only_turns_every_mutating_key_into_a_notice() {
    let mut m = model(Status::Failed);
    m.session.read_only = true;
    let state = m.session.state.as_mut().unwrap();
    state.stages[2].actions[0].approval_token = Some("tok-1".into());
    for c in ['s', 'r', 'R', 'x', 'a', 'T', 'p'] {
        m.session.notice = None;
        assert!(update(&mut m, key(c)).is_empty(), "{c} sent something in read-only mode");
        assert_eq!(m.mode(), Mode::Normal, "{c} opened a dialog");
        assert!(notice(&m).contains("are off"), "{c}: {}", notice(&m));
    }
}

#[test]
fn an_answer_refreshes_and_a_refusal_is_one_line() {
    let mut m = model(Status::Failed);
    let req = ControlRequest::Start { pipeline: "mlops-demo".into() };
    let fx = update(&mut m, Msg::ControlDone { request: req.clone(), result: Ok("started execution 1234abcd".into()) });
    assert_eq!(fx, vec![Effect::RefreshNow]);
    assert!(m.session.info.as_ref().is_some_and(|t| t.contains("1234abcd")));
    let refusal = crate::model::health::ApiFailure {
        api: "codepipeline:StartPipelineExecution".into(),
        kind: crate::model::health::FailureKind::Service,
        message: "ConflictException: busy".into(),
        retry_in_secs: None,
    };
    let before = m.session.state.clone();
    assert!(update(&mut m, Msg::ControlDone { request: req, result: Err(refusal) }).is_empty());
    assert_eq!(notice(&m), "start of mlops-demo refused: ConflictException: busy");
    assert_eq!(m.session.state, before);
    assert!(m.session.health.worst().is_none(), "a refusal is not an API outage");
}

#[test]
fn the_status_line_stays_until_the_next_key() {
    let mut m = model(Status::Failed);
    let req = ControlRequest::Start { pipeline: "mlops-demo".into() };
    update(&mut m, Msg::ControlDone { request: req, result: Ok("started execution 1234abcd".into()) });
    update(&mut m, Msg::Tick);
    assert!(m.session.info.is_some());
    update(&mut m, key('j'));
    assert!(m.session.info.is_none());
}

#[test]
fn typed_letters_stay_text_even_when_a_key_override_binds_them() {
    let mut m = model(Status::Succeeded);
    m.config.keymap = crate::keymap::Keymap::new(vec![
        (Action::Right, vec![(KeyCode::Char('l'), KeyModifiers::NONE), (KeyCode::Right, KeyModifiers::NONE)]),
        (Action::Select, vec![(KeyCode::Enter, KeyModifiers::NONE), (KeyCode::Char(' '), KeyModifiers::NONE)]),
    ]);
    let state = m.session.state.as_mut().unwrap();
    state.stages[2].actions[0].approval_token = Some("tok-1".into());
    update(&mut m, key('a'));
    typed(&mut m, "lgtm ok");
    let c = m.modal.confirm().expect("still open");
    assert_eq!((c.choice, c.text.as_str()), (0, "lgtm ok"), "l did not flip to reject, space did not send");
}

#[test]
fn a_past_execution_or_a_switch_under_way_refuses_control_keys() {
    let mut m = model(Status::Failed);
    m.session.history.past =
        Some(crate::model::history::PastExecution { id: EXEC.into(), fetching: false, asked: None, running: false });
    update(&mut m, key('r'));
    assert_eq!(m.mode(), Mode::Normal);
    assert!(notice(&m).contains("press E"), "{}", notice(&m));
    m.session.history.past = None;
    m.switching = Some("profile prod".into());
    update(&mut m, key('s'));
    assert_eq!(m.mode(), Mode::Normal);
    assert!(notice(&m).contains("switching to profile prod"), "{}", notice(&m));
}

#[test]
fn a_switch_closes_an_open_confirmation_and_read_only_is_checked_again_on_enter() {
    let mut m = model(Status::Succeeded);
    update(&mut m, key('s'));
    assert_eq!(m.mode(), Mode::Confirm);
    let conn = crate::model::Connection { profile: Some("prod".into()), ..Default::default() };
    m.switching = Some("profile prod".into());
    update(&mut m, Msg::Connected(Ok(conn)));
    assert_eq!((m.mode(), m.modal.confirm().is_none()), (Mode::Normal, true));

    let mut m = model(Status::Succeeded);
    update(&mut m, key('s'));
    m.session.read_only = true;
    assert!(update(&mut m, code(KeyCode::Enter)).is_empty(), "nothing sent once read-only");
    assert_eq!(m.mode(), Mode::Normal);
}

#[test]
fn disable_reasons_keep_to_what_aws_accepts() {
    let mut m = model(Status::Succeeded);
    m.session.selected = (3, 0);
    update(&mut m, key('T'));
    typed(&mut m, "freeze: INC-1");
    assert!(update(&mut m, code(KeyCode::Enter)).is_empty());
    assert!(m.modal.confirm().and_then(|c| c.problem.as_deref()).is_some_and(|p| p.contains("! @ ( )")));
    update(&mut m, Msg::Paste("x".repeat(1000)));
    assert_eq!(m.modal.confirm().map(|c| c.text.chars().count()), Some(300));
}

#[test]
fn ctrl_c_quits_even_from_a_dialog() {
    let mut m = model(Status::Failed);
    update(&mut m, key('r'));
    let ctrl_c = ctrl('c');
    assert_eq!(update(&mut m, ctrl_c), vec![Effect::Quit]);
}
