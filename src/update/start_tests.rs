//! `:start --revision ACTION=VALUE` through `update` as keys: the override is
//! checked against the pipeline's source actions before anything is sent,
//! confirmed, and sent after Enter (CodePipeline
//! API Reference, StartPipelineExecution `sourceRevisions`).

use crossterm::event::KeyCode;

use super::test_input::{code, key, shift};
use super::*;
use crate::model::Mode;
use crate::model::control::ControlRequest;
use crate::model::samples;
use crate::model::start::{RevisionKind, RevisionOverride};

fn model() -> Model {
    samples::model(samples::running_build(), 120, 40)
}

fn type_line(m: &mut Model, text: &str) {
    update(m, shift(':'));
    for c in text.chars() {
        update(m, key(c));
    }
}

#[test]
fn a_revision_override_is_confirmed_in_words_then_sent() {
    let mut m = model();
    type_line(&mut m, "start --revision Source=3HL4kqtJlcpXroDTDmJ.v ENV=prod");
    assert!(update(&mut m, code(KeyCode::Enter)).is_empty(), "nothing is sent before the confirmation");
    assert_eq!(m.mode(), Mode::Confirm);
    // (How the dialog words it: ui::control_tests.)
    let fx = update(&mut m, code(KeyCode::Enter));
    let revision = RevisionOverride {
        action: "Source".into(),
        kind: RevisionKind::S3VersionId,
        value: "3HL4kqtJlcpXroDTDmJ.v".into(),
    };
    assert_eq!(
        fx,
        vec![Effect::Control(ControlRequest::StartWith {
            pipeline: "mlops-demo".into(),
            variables: vec![("ENV".into(), "prod".into())],
            revisions: vec![revision],
        })]
    );
}

#[test]
fn an_action_that_is_not_a_source_is_refused_before_sending() {
    let mut m = model();
    type_line(&mut m, "start --revision Train=v1");
    let fx = update(&mut m, code(KeyCode::Enter));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(m.mode(), Mode::Normal);
    let notice = m.session.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.contains("no source action `Train`") && notice.contains("Source"), "{notice}");
    // Still loading: nothing to check the name against yet.
    m.session.state = None;
    type_line(&mut m, "start --revision Source=v1");
    assert!(update(&mut m, code(KeyCode::Enter)).is_empty());
    assert_eq!(m.mode(), Mode::Normal);
}

#[test]
fn tab_offers_the_flags_then_the_source_actions() {
    let mut m = model();
    type_line(&mut m, "start --r");
    update(&mut m, code(KeyCode::Tab));
    assert_eq!(m.command.input, "start --revision");
    update(&mut m, key(' '));
    update(&mut m, code(KeyCode::Tab));
    assert_eq!(m.command.input, "start --revision Source=");
    update(&mut m, code(KeyCode::Esc));
    type_line(&mut m, "start ENV=1 --");
    update(&mut m, code(KeyCode::Tab));
    assert_eq!(m.command.input, "start ENV=1 --revision", "the first of the two flags");
}
