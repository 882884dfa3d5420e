//! `status --pipeline P --json` through the real binary against the sandbox:
//! stage conditions and batch builds. Documents: CodePipeline API Reference,
//! StageState (beforeEntryConditionState, onSuccessConditionState),
//! StageConditionState, ConditionState, RuleState, ListRuleExecutions,
//! StageExecutionStatus `Skipped`; CodeBuild API Reference, BatchGetBuilds
//! (buildsNotFound), BatchGetBuildBatches, BuildBatch (phases, buildGroups),
//! BuildGroup (identifier, dependsOn, ignoreFailure, currentBuildSummary).

use std::path::Path;
use std::time::Duration;

use pipewatch::sandbox::Options;
use serde_json::{Value, json};

use crate::harness::{self, Env, LONG, eventually, json_of, pipewatch};
use crate::sandbox_conditions::{config, env_check};
use crate::sandbox_v2_rollback::upload;

async fn status(env: &Env, pipeline: &str) -> Value {
    let out = pipewatch(["status", "--pipeline", pipeline, "--json"]).sandbox(env).output().await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    json_of(&out)
}

/// The JSON once the latest run has ended.
async fn ended(env: &Env, pipeline: &str, within: Duration) -> Value {
    eventually("the run to end", within, || async {
        let json = status(env, pipeline).await;
        let status = json["latestExecution"]["status"].as_str().map(str::to_string);
        status.filter(|s| s != "InProgress" && s != "Stopping").map(|_| json)
    })
    .await
}

fn stage<'a>(json: &'a Value, name: &str) -> &'a Value {
    let stages = json["stages"].as_array().expect("stages");
    stages.iter().find(|s| s["name"] == name).unwrap_or_else(|| panic!("no stage {name}: {json}"))
}

/// Answered (not throttled) requests of `op` in the sandbox's request log.
fn answered(log: &Path, op: &str) -> usize {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["operation"] == op && l["status"] == 200)
        .count()
}

/// A sandbox running `config`, with a request log; (env, log, dir to keep).
async fn start_logged(config: String) -> (Env, std::path::PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, log) = (dir.path().join("sandbox.json"), dir.path().join("requests.jsonl"));
    std::fs::write(&cfg, config).unwrap();
    let options = Options { config: Some(cfg), request_log: Some(log.clone()), ..Options::ephemeral() };
    (harness::start_with(options).await, log, dir)
}

#[tokio::test]
async fn a_failed_entry_condition_shows_its_rule_and_reason_from_one_rule_executions_call() {
    let fail = json!({ "beforeEntry": { "conditions": [{ "result": "FAIL", "rules": [env_check("EQ", "prod")] }] } });
    let (env, log, _dir) = start_logged(config("hsc", fail)).await;
    // No run yet: no condition holds, so ListRuleExecutions is not asked.
    let before = status(&env, "hsc").await;
    assert!(before["stages"].as_array().is_some_and(|s| s.iter().all(|s| s["conditions"].is_array())), "{before}");
    assert_eq!(answered(&log, "ListRuleExecutions"), 0);

    upload(&env, "hsc", "good").await;
    ended(&env, "hsc", Duration::from_secs(60)).await;
    let asked = answered(&log, "ListRuleExecutions");
    let json = status(&env, "hsc").await;
    assert_eq!(answered(&log, "ListRuleExecutions"), asked + 1, "one call per status, not per stage or rule");

    let deploy = stage(&json, "Deploy");
    assert_eq!(deploy["status"], "Failed", "{json}");
    let cond = &deploy["conditions"][0];
    assert_eq!((&cond["kind"], &cond["status"]), (&json!("beforeEntry"), &json!("Failed")), "{json}");
    let rule = &cond["rules"][0];
    assert_eq!((&rule["name"], &rule["status"]), (&json!("CheckEnv"), &json!("Failed")), "{json}");
    assert!(rule["summary"].as_str().is_some_and(|s| s.contains("'dev'")), "{json}");
    assert_eq!(rule["provider"], "VariableCheck", "{json}");
    assert!(rule["reason"].as_str().is_some_and(|s| s.contains("'dev'")), "{json}");
    let reason = cond["reason"].as_str().unwrap_or_default();
    assert!(reason.starts_with("Deploy entry: rule CheckEnv (VariableCheck) failed"), "{json}");
    // Stages without conditions say so, and the existing keys stay.
    assert_eq!(stage(&json, "Source")["conditions"], json!([]), "{json}");
    assert!(deploy["actions"].is_array() && deploy["inboundEnabled"].is_boolean(), "{json}");
}

#[tokio::test]
async fn a_skip_entry_condition_reads_skipped() {
    let skip = json!({ "beforeEntry": { "conditions": [{ "result": "SKIP", "rules": [env_check("EQ", "prod")] }] } });
    let (env, _log, _dir) = start_logged(config("hss", skip)).await;
    upload(&env, "hss", "good").await;
    let json = ended(&env, "hss", Duration::from_secs(60)).await;
    assert_eq!(json["latestExecution"]["status"], "Succeeded", "{json}");
    let deploy = stage(&json, "Deploy");
    // StageExecution.status has `Skipped`; ActionExecutionStatus does not.
    assert_eq!(deploy["status"], "Skipped", "{json}");
    let cond = &deploy["conditions"][0];
    assert_eq!(cond["kind"], "beforeEntry", "{json}");
    assert!(cond["reason"].as_str().is_some_and(|r| r.contains("skipped: rule CheckEnv")), "{json}");
    assert_eq!(stage(&json, "Notify")["status"], "Succeeded", "{json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_enabled_build_action_shows_its_batch_groups() {
    let env = harness::start().await;
    crate::sandbox_batch::define_batch_pipeline(&env).await;
    let json = eventually("the batch to complete", LONG, || async {
        let json = status(&env, "batch-pipe").await;
        (json["latestExecution"]["batch"]["complete"] == true).then_some(json)
    })
    .await;
    let batch = &json["latestExecution"]["batch"];
    assert_eq!(batch["id"], stage(&json, "Build")["actions"][0]["externalId"], "{json}");
    assert_eq!(batch["status"], "Succeeded", "{json}");
    let phases: Vec<&str> =
        batch["phases"].as_array().expect("phases").iter().filter_map(|p| p["phaseType"].as_str()).collect();
    assert!(phases.contains(&"SUBMITTED") && phases.contains(&"SUCCEEDED"), "{json}");
    let groups = batch["groups"].as_array().expect("groups");
    let ids: Vec<&str> = groups.iter().filter_map(|g| g["identifier"].as_str()).collect();
    assert_eq!(ids.len(), 3, "{json}");
    for id in ["unit", "lint", "package"] {
        assert!(ids.iter().any(|i| i.contains(id)), "{id}: {json}");
    }
    let package = groups.iter().find(|g| g["identifier"].as_str().is_some_and(|i| i.contains("package")));
    let package = package.expect("package");
    assert_eq!(package["dependsOn"].as_array().map(Vec::len), Some(2), "{json}");
    assert_eq!(package["ignoreFailure"], false, "{json}");
    for g in groups {
        assert_eq!(g["buildStatus"], "Succeeded", "{json}");
        assert!(g["buildId"].as_str().is_some_and(|b| b.starts_with("pipe-batch:")), "{json}");
    }
    assert_eq!(json["latestExecution"]["builds"], json!([]), "a batch id is no build: {json}");
}
