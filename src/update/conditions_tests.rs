//! `:override`: the confirmation for a stage an entry condition holds, the
//! refusals that say why not, and the request it builds (CodePipeline API
//! Reference, OverrideStageCondition).

use crossterm::event::KeyCode;

use super::test_input::{code, key, shift};
use super::{Effect, update};
use crate::model::control::{ControlKind, ControlRequest};
use crate::model::snapshot::Status;
use crate::model::{Modal, Model, samples};

fn held(status: &str) -> Model {
    let mut m = samples::model(samples::running_build(), 80, 24);
    let mut state = samples::pipeline(Status::Succeeded);
    state.stages[3].inbound_execution = Some("e0c1d2a3-aaaa-bbbb-cccc-000000000002".into());
    state.stages[3].v2.conditions = vec![samples::entry_condition("Window", Some(status), None)];
    m.session.state = Some(state);
    m
}

fn command(m: &mut Model, line: &str) -> Vec<Effect> {
    let mut fx = update(m, shift(':'));
    for c in line.chars() {
        fx.extend(update(m, key(c)));
    }
    fx.extend(update(m, code(KeyCode::Enter)));
    fx
}

fn notice(m: &Model) -> String {
    m.session.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default()
}

#[test]
fn override_confirms_then_sends_override_stage_condition_for_the_held_execution() {
    let mut m = held("InProgress");
    command(&mut m, "override Deploy");
    let Modal::Confirm(c) = &m.modal else { panic!("a confirmation: {:?} / {}", m.modal, notice(&m)) };
    assert_eq!(
        c.kind,
        ControlKind::Override { stage: "Deploy".into(), execution_id: "e0c1d2a3-aaaa-bbbb-cccc-000000000002".into() }
    );
    let fx = update(&mut m, code(KeyCode::Enter));
    let sent = fx.iter().find_map(|e| match e {
        Effect::Control(r) => Some(r.clone()),
        _ => None,
    });
    assert_eq!(
        sent,
        Some(ControlRequest::Override {
            pipeline: "mlops-demo".into(),
            stage: "Deploy".into(),
            execution_id: "e0c1d2a3-aaaa-bbbb-cccc-000000000002".into()
        })
    );
}

#[test]
fn override_refuses_what_it_cannot_do_and_says_why() {
    let mut m = held("Failed");
    command(&mut m, "override Deploy");
    assert!(matches!(m.modal, Modal::Normal));
    assert!(notice(&m).contains("entry condition is Failed"), "{}", notice(&m));
    command(&mut m, "override Build");
    assert!(notice(&m).contains("Build has no entry condition"), "{}", notice(&m));
    command(&mut m, "override Nope");
    assert!(notice(&m).contains("no stage `Nope`"), "{}", notice(&m));
    let mut m = held("InProgress");
    m.session.read_only = true;
    command(&mut m, "override Deploy");
    assert!(matches!(m.modal, Modal::Normal));
    assert!(notice(&m).contains("read-only"), "{}", notice(&m));
}
