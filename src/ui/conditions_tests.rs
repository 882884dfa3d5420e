//! Stage conditions in the stage graph at 80x24 (CodePipeline API Reference,
//! StageConditionState, ListRuleExecutions; StageExecutionStatus Skipped):
//! the rule and its reason under the stages, the stage marked, a waiting
//! condition in the running colour, and a Skipped stage's own symbol and colour.

use ratatui::style::Color;

use super::tests::{draw, fg_at, text};
use crate::model::conditions::{ConditionKind, RuleRun};
use crate::model::snapshot::Status;
use crate::model::{Model, samples};

fn held(status: &str, summary: &str) -> Model {
    let mut m = samples::model(samples::running_build(), 80, 24);
    let stages = &mut m.session.state.as_mut().unwrap().stages;
    stages[3].v2.conditions = vec![samples::entry_condition("CheckEnv", Some(status), Some(summary))];
    m.dirty = true;
    m
}

#[test]
fn snapshot_failed_entry_condition_80x24() {
    let mut m = held("Failed", "#{variables.ENV} is 'dev', checked EQ 'prod'");
    m.session.rule_runs = vec![RuleRun {
        rule_execution_id: "r1".into(),
        provider: Some("VariableCheck".into()),
        message: Some("#{variables.ENV} is 'dev', checked EQ 'prod'".into()),
        ..Default::default()
    }];
    let buf = draw(&m);
    let screen = text(&buf);
    assert!(
        // The line is cut at the pane's width, the reason's start still there.
        screen.contains("⚑ Deploy entry: rule CheckEnv (VariableCheck) failed: #{variables.ENV} is 'dev"),
        "{screen}"
    );
    assert!(screen.contains("Deploy ⚑"), "the stage is marked: {screen}");
    assert_eq!(fg_at(&buf, "⚑ Deploy entry"), Color::Red);
    insta::assert_snapshot!(screen);
}

#[test]
fn a_waiting_condition_is_drawn_in_the_running_colour_and_ends_with_no_line() {
    let buf = draw(&held("InProgress", "waiting for the deployment window * * * * ? 2099"));
    let screen = text(&buf);
    assert!(screen.contains("Deploy entry: waiting on rule CheckEnv: waiting for the deployment window"), "{screen}");
    assert_eq!(fg_at(&buf, "⚑ Deploy entry"), Color::Yellow);
    let passed = text(&draw(&held("Succeeded", "ok")));
    assert!(!passed.contains("⚑"), "{passed}");
}

#[test]
fn a_failure_condition_says_rolling_back_or_no_rollback_at_80x24() {
    // API Reference, Condition: "result — The action to be done when the
    // condition is met. For example, rolling back an execution for a failure
    // condition"; StageState.onFailureConditionState.
    let with_kind = |status: &str| {
        let mut m = held(status, "ENV is 'dev'");
        m.session.state.as_mut().unwrap().stages[3].v2.conditions[0].kind = ConditionKind::OnFailure;
        m.session.rule_runs = vec![RuleRun {
            rule_execution_id: "r1".into(),
            provider: Some("VariableCheck".into()),
            ..Default::default()
        }];
        m
    };
    let met = text(&draw(&with_kind("Succeeded")));
    assert!(met.contains("⚑ Deploy on failure: rule CheckEnv (VariableCheck) succeeded: rolling back"), "{met}");
    let unmet = draw(&with_kind("Failed"));
    assert!(text(&unmet).contains("⚑ Deploy on failure: rule CheckEnv (VariableCheck) failed: no rollback"));
    assert_eq!(fg_at(&unmet, "⚑ Deploy on failure"), Color::Red);
}

#[test]
fn a_skipped_stage_has_its_own_symbol_and_colour() {
    let mut m = samples::model(samples::running_build(), 80, 24);
    let deploy = &mut m.session.state.as_mut().unwrap().stages[3];
    deploy.latest_execution = Some(("e1".into(), Status::Skipped));
    deploy.actions[0].status = Some(Status::Skipped);
    m.dirty = true;
    let buf = draw(&m);
    let screen = text(&buf);
    assert!(screen.contains("↪ Deploy"), "{screen}");
    assert_eq!(fg_at(&buf, "↪ Deploy"), Color::Blue);
}
