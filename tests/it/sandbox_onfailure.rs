//! Failure conditions with rules. CodePipeline User Guide, "Configure
//! conditions for a stage": "If all rules in a condition succeed, then the
//! condition is met" and "On Failure — the conditions for making checks for
//! the stage when it fails. Rules are engaged with the following result
//! option: Rollback". API Reference, Condition ("result — The action to be
//! done when the condition is met. For example, rolling back an execution for
//! a failure condition"), FailureConditions ("result — the specified result
//! for when the failure conditions are met, such as rolling back the stage"),
//! StageState.onFailureConditionState, ListRuleExecutions.

use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::{self, Env};
use crate::sandbox_conditions::{config, env_check};
use crate::sandbox_v2_rollback::{start, upload};

fn cp(env: &Env) -> aws_sdk_codepipeline::Client {
    aws_sdk_codepipeline::Client::new(&harness::retrying(&env.sdk))
}

/// Deploy rolls back on failure when its rule `check` succeeds.
fn guarded(check: Value) -> Value {
    json!({ "onFailure": { "result": "ROLLBACK", "conditions": [{ "result": "ROLLBACK", "rules": [check] }] } })
}

/// Executions newest first once `n` exist and all have ended:
/// (id, status, executionType, trigger type).
async fn settled(env: &Env, name: &str, n: usize) -> Vec<(String, String, String, String)> {
    let all = harness::settled_executions(env, name, n, Duration::from_secs(90)).await;
    all.iter()
        .map(|s| {
            (
                s.pipeline_execution_id().unwrap_or_default().to_string(),
                s.status().map(|x| x.as_str().to_string()).unwrap_or_default(),
                s.execution_type().map(|x| x.as_str().to_string()).unwrap_or_default(),
                s.trigger().and_then(|t| t.trigger_type()).map(|t| t.as_str().to_string()).unwrap_or_default(),
            )
        })
        .collect()
}

/// A good run, then a bad one whose Deploy fails; returns the executions.
async fn good_then_bad(env: &Env, name: &str, n: usize) -> Vec<(String, String, String, String)> {
    upload(env, name, "good").await;
    assert_eq!(settled(env, name, 1).await[0].1, "Succeeded");
    upload(env, name, "bad").await;
    settled(env, name, n).await
}

/// onFailureConditionState of Deploy: (condition status, rule statuses).
async fn on_failure_state(env: &Env, name: &str) -> (Option<String>, Vec<Option<String>>) {
    let state = cp(env).get_pipeline_state().name(name).send().await.unwrap();
    let deploy = state.stage_states().iter().find(|s| s.stage_name() == Some("Deploy")).cloned().unwrap();
    let cond = deploy.on_failure_condition_state().cloned().expect("onFailureConditionState");
    let status = cond.latest_execution().and_then(|e| e.status()).map(|s| s.as_str().to_string());
    let rules = cond
        .condition_states()
        .iter()
        .flat_map(|c| c.rule_states())
        .map(|r| r.latest_execution().and_then(|e| e.status()).map(|s| s.as_str().to_string()))
        .collect();
    (status, rules)
}

/// The failed run's onFailure rule runs, as ListRuleExecutions lists them.
async fn rule_runs(env: &Env, name: &str, execution: &str) -> Vec<(String, String)> {
    let filter = aws_sdk_codepipeline::types::RuleExecutionFilter::builder().pipeline_execution_id(execution).build();
    let out = cp(env).list_rule_executions().pipeline_name(name).filter(filter).send().await.unwrap();
    out.rule_execution_details()
        .iter()
        .map(|d| {
            (
                d.rule_name().unwrap_or_default().to_string(),
                d.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_met_failure_condition_rolls_the_failed_stage_back() {
    // ENV defaults to dev: the rule succeeds, the condition is met, ROLLBACK engages.
    let (env, _dir) = start(config("ofm", guarded(env_check("EQ", "dev")))).await;
    let all = good_then_bad(&env, "ofm", 3).await;
    let (rollback, bad, good) = (&all[0], &all[1], &all[2]);
    assert_eq!((bad.1.as_str(), bad.2.as_str()), ("Failed", "STANDARD"), "{all:?}");
    assert_eq!((rollback.2.as_str(), rollback.3.as_str()), ("ROLLBACK", "AutomatedRollback"), "{all:?}");
    assert_eq!(rollback.1, "Succeeded", "the rollback redeploys {}: {all:?}", good.0);
    let (status, rules) = on_failure_state(&env, "ofm").await;
    assert_eq!(status.as_deref(), Some("Succeeded"));
    assert_eq!(rules, vec![Some("Succeeded".to_string())]);
    assert_eq!(rule_runs(&env, "ofm", &bad.0).await, vec![("CheckEnv".to_string(), "Succeeded".to_string())]);
    // The good run never failed, so it never evaluated its failure condition.
    assert!(rule_runs(&env, "ofm", &good.0).await.is_empty());
}

#[tokio::test]
async fn an_unmet_failure_condition_only_fails_the_stage() {
    // ENV is dev, not prod: the rule fails, the condition is not met, no rollback.
    let (env, _dir) = start(config("ofu", guarded(env_check("EQ", "prod")))).await;
    let all = good_then_bad(&env, "ofu", 2).await;
    assert_eq!(all[0].1, "Failed", "{all:?}");
    // Give a wrongly started rollback time to show up before checking it did not.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let again = settled(&env, "ofu", 2).await;
    assert!(again.iter().all(|e| e.2 != "ROLLBACK"), "no rollback: {again:?}");
    let (status, rules) = on_failure_state(&env, "ofu").await;
    assert_eq!(status.as_deref(), Some("Failed"));
    assert_eq!(rules, vec![Some("Failed".to_string())]);
    assert_eq!(rule_runs(&env, "ofu", &all[0].0).await, vec![("CheckEnv".to_string(), "Failed".to_string())]);
}
