//! Stage conditions through the user's path: the sandbox's conditions →
//! the SDK over HTTP → the pollers (GetPipelineState, ListRuleExecutions) →
//! update → the 80x24 screen, and `:override` → OverrideStageCondition.
//! CodePipeline User Guide, "Configure conditions for a stage", "Rule
//! reference" (VariableCheck, DeploymentWindow); API Reference,
//! StageConditionState, ListRuleExecutions, OverrideStageCondition,
//! StageExecutionStatus Skipped.

use crossterm::event::KeyCode;
use pipewatch::model::Mode;
use pipewatch::model::snapshot::Status;
use serde_json::json;

use crate::harness::App;
use crate::sandbox_conditions::{config, env_check};
use crate::sandbox_v2_rollback::{start, upload};

fn deploy(m: &pipewatch::model::Model) -> Option<&pipewatch::model::snapshot::StageSnapshot> {
    m.session.state.as_ref()?.stages.iter().find(|s| s.name == "Deploy")
}

fn entry_status(m: &pipewatch::model::Model) -> Option<String> {
    deploy(m)?.v2.conditions.first()?.status.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_entry_condition_names_its_rule_type_and_reason_at_80x24() {
    let fail = json!({ "beforeEntry": { "conditions": [{ "result": "FAIL", "rules": [env_check("EQ", "prod")] }] } });
    let (env, _dir) = start(config("tc", fail)).await;
    upload(&env, "tc", "good").await;
    let mut app = App::start(&env, "tc", false).await;
    app.until("Deploy failed by its entry condition", |m| entry_status(m).as_deref() == Some("Failed")).await;
    // ListRuleExecutions adds the rule's type once the condition has ended.
    app.until("the rule runs", |m| m.session.rule_runs.iter().any(|r| r.provider.as_deref() == Some("VariableCheck")))
        .await;
    let screen = app.screen();
    assert!(screen.contains("⚑ Deploy entry: rule CheckEnv (VariableCheck) failed:"), "{screen}");
    assert!(screen.contains("is 'dev'"), "the reason, on the second row if need be: {screen}");
    assert!(screen.contains("checked EQ 'prod'"), "{screen}");
    assert_eq!(deploy(&app.model).and_then(|s| s.latest_execution.clone()).map(|e| e.1), Some(Status::Failed));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_skipped_stage_is_shown_skipped() {
    let skip = json!({ "beforeEntry": { "conditions": [{ "result": "SKIP", "rules": [env_check("EQ", "prod")] }] } });
    let (env, _dir) = start(config("ts", skip)).await;
    upload(&env, "ts", "good").await;
    let mut app = App::start(&env, "ts", false).await;
    app.until("Deploy skipped", |m| {
        deploy(m).and_then(|s| s.latest_execution.as_ref()).is_some_and(|e| e.1 == Status::Skipped)
    })
    .await;
    // The line says why it was skipped, not that the stage failed.
    let screen = app.screen();
    assert!(screen.contains("⚑ Deploy entry: skipped: rule CheckEnv"), "{screen}");
    assert!(!screen.contains("CheckEnv failed"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn colon_override_lets_the_run_a_closed_window_holds_into_the_stage() {
    let window = json!({ "name": "Window", "ruleTypeId": { "category": "Rule", "owner": "AWS", "provider": "DeploymentWindow", "version": "1" },
                         "configuration": { "Cron": "* * * * ? 2099" } });
    let held = json!({ "beforeEntry": { "conditions": [{ "result": "FAIL", "rules": [window] }] } });
    let (env, _dir) = start(config("tw", held)).await;
    upload(&env, "tw", "good").await;

    // Read-only: refused in one line, no dialog.
    let mut viewer = App::start(&env, "tw", true).await;
    viewer.until("the condition in progress", |m| entry_status(m).as_deref() == Some("InProgress")).await;
    viewer.run_command("override Deploy");
    assert_eq!(viewer.model.mode(), Mode::Normal);
    assert!(viewer.notice().contains("read-only"), "{}", viewer.notice());

    let mut app = App::start(&env, "tw", false).await;
    app.until("the condition in progress", |m| entry_status(m).as_deref() == Some("InProgress")).await;
    let screen = app.screen();
    assert!(screen.contains("⚑ Deploy entry: waiting on rule Window"), "{screen}");
    assert!(screen.contains("deployment window"), "{screen}");
    app.run_command("override Deploy");
    assert_eq!(app.model.mode(), Mode::Confirm, "{}", app.notice());
    assert!(app.screen().contains("Override the entry condition of Deploy?"));
    app.press(KeyCode::Enter);
    app.until("the result line", |m| m.session.info.as_deref().is_some_and(|i| i.contains("overrode"))).await;
    app.until("Deploy run and succeed", |m| {
        deploy(m).and_then(|s| s.latest_execution.as_ref()).is_some_and(|e| e.1 == Status::Succeeded)
    })
    .await;
    assert_eq!(entry_status(&app.model).as_deref(), Some("Overridden"));
    assert!(!app.screen().contains("⚑ Deploy"), "an overridden condition holds nothing");
}

/// Requests of `op` in the sandbox's request log.
fn count(log: &std::path::Path, op: &str) -> usize {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines().filter(|l| l.contains(&format!("\"{op}\""))).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_rule_executions_is_asked_once_a_condition_ends_not_on_every_idle_poll() {
    let fail = json!({ "beforeEntry": { "conditions": [{ "result": "FAIL", "rules": [env_check("EQ", "prod")] }] } });
    let dir = tempfile::tempdir().unwrap();
    let (cfg, log) = (dir.path().join("sandbox.json"), dir.path().join("requests.jsonl"));
    std::fs::write(&cfg, config("ti", fail)).unwrap();
    let options = pipewatch::sandbox::Options {
        config: Some(cfg),
        request_log: Some(log.clone()),
        ..pipewatch::sandbox::Options::ephemeral()
    };
    let env = crate::harness::start_with(options).await;
    upload(&env, "ti", "good").await;
    let mut app = App::start(&env, "ti", false).await;
    app.until("the rule runs", |m| !m.session.rule_runs.is_empty()).await;
    let (rules, states) = (count(&log, "ListRuleExecutions"), count(&log, "GetPipelineState"));
    assert!(rules >= 1);
    // Idle polls go on (the test's idle interval is 0.8 s); the ended
    // condition does not change, so ListRuleExecutions is not asked again.
    let end = std::time::Instant::now() + std::time::Duration::from_secs(4);
    app.until("4 s of idle polls", |_| std::time::Instant::now() >= end).await;
    assert!(count(&log, "GetPipelineState") >= states + 3, "the state was polled meanwhile");
    assert_eq!(count(&log, "ListRuleExecutions"), rules, "no ListRuleExecutions on idle polls");
}
