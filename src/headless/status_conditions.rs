//! `status --pipeline P --json`: each stage's `conditions`, from the
//! StageState's beforeEntryConditionState / onSuccessConditionState /
//! onFailureConditionState the
//! poller already reads (CodePipeline API Reference, StageState,
//! StageConditionState, ConditionState, RuleState). A rule's `reason` and
//! `provider` come from ListRuleExecutions, asked once and only when a
//! condition waits or failed (the TUI's rule: nothing to explain otherwise).
//! Keys are only ever added (README, "Headless").

use serde_json::{Value, json};

use crate::aws::AwsClients;
use crate::model::conditions::{ConditionKind, RuleRun, StageCondition, describe, holding};
use crate::model::snapshot::{PipelineSnapshot, StageSnapshot};

use super::retry::Retry;
use super::status::with_retry;

/// A condition waits or failed somewhere: its rules' reasons are worth the
/// one ListRuleExecutions call.
pub fn worth_rule_runs(state: &PipelineSnapshot) -> bool {
    state.stages.iter().any(|s| holding(s).is_some())
}

/// The rule runs when worth asking; a failed read leaves the reasons out
/// (the state's own rule summaries still show) and says so on stderr.
pub async fn rule_runs(clients: &AwsClients, state: &PipelineSnapshot) -> Vec<RuleRun> {
    if !worth_rule_runs(state) {
        return Vec::new();
    }
    match with_retry(Retry::new(), || clients.rule_runs(&state.name)).await {
        Ok(runs) => runs,
        Err(e) => {
            eprintln!("pipewatch: rule reasons unavailable: {}", e.message);
            Vec::new()
        }
    }
}

/// Adds `conditions` to every stage object of `out` (pipeline_json's shape).
pub fn add_conditions(out: &mut Value, state: &PipelineSnapshot, runs: &[RuleRun]) {
    let Some(stages) = out.get_mut("stages").and_then(Value::as_array_mut) else { return };
    for (obj, stage) in stages.iter_mut().zip(&state.stages) {
        if let Some(obj) = obj.as_object_mut() {
            obj.insert("conditions".into(), conditions_json(stage, runs));
        }
    }
}

/// The API's spelling of the condition's kind (StageState's member names).
fn kind_name(kind: ConditionKind) -> &'static str {
    match kind {
        ConditionKind::BeforeEntry => "beforeEntry",
        ConditionKind::OnSuccess => "onSuccess",
        ConditionKind::OnFailure => "onFailure",
    }
}

/// The stage's declared conditions, entry first; [] when it has none.
pub fn conditions_json(stage: &StageSnapshot, runs: &[RuleRun]) -> Value {
    let held = holding(stage);
    let list: Vec<Value> = stage
        .v2
        .conditions
        .iter()
        .map(|c| {
            let mut v = json!({
                "kind": kind_name(c.kind),
                "status": c.status,
                "summary": c.summary,
                "rules": rules_json(c, runs),
            });
            // The graph's line for the condition holding the stage: which rule,
            // and whether the stage failed or was skipped.
            if let (Some(obj), true) = (v.as_object_mut(), held == Some(c)) {
                obj.insert("reason".into(), json!(describe(stage, c, runs)));
            }
            v
        })
        .collect();
    json!(list)
}

fn rules_json(c: &StageCondition, runs: &[RuleRun]) -> Value {
    let rules: Vec<Value> = c
        .rules
        .iter()
        .map(|r| {
            let mut v = json!({ "name": r.name, "status": r.status, "summary": r.summary });
            let run = runs.iter().find(|x| r.rule_execution_id.as_ref() == Some(&x.rule_execution_id));
            if let (Some(obj), Some(run)) = (v.as_object_mut(), run) {
                obj.insert("provider".into(), json!(run.provider));
                obj.insert("reason".into(), json!(run.message));
            }
            v
        })
        .collect();
    json!(rules)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::samples;
    use crate::model::snapshot::Status;

    fn with_entry(status: Option<&str>) -> PipelineSnapshot {
        let mut state = samples::pipeline(Status::Succeeded);
        state.stages[3].v2.conditions = vec![samples::entry_condition("CheckEnv", status, Some("ENV is 'dev'"))];
        state
    }

    fn run() -> RuleRun {
        RuleRun {
            rule_execution_id: "r1".into(),
            provider: Some("VariableCheck".into()),
            message: Some("ENV is 'dev', checked EQ 'prod'".into()),
            ..Default::default()
        }
    }

    #[test]
    fn rule_runs_are_worth_asking_only_for_a_waiting_or_failed_condition() {
        assert!(!worth_rule_runs(&samples::pipeline(Status::Succeeded)), "no conditions");
        assert!(!worth_rule_runs(&with_entry(None)), "never evaluated");
        assert!(!worth_rule_runs(&with_entry(Some("Succeeded"))));
        assert!(worth_rule_runs(&with_entry(Some("Failed"))));
        assert!(worth_rule_runs(&with_entry(Some("InProgress"))));
    }

    #[test]
    fn a_failed_entry_condition_names_its_rule_reason_and_type() {
        let state = with_entry(Some("Failed"));
        let mut out = super::super::status::pipeline_json(&state);
        add_conditions(&mut out, &state, &[run()]);
        let c = &out["stages"][3]["conditions"][0];
        assert_eq!((&c["kind"], &c["status"]), (&json!("beforeEntry"), &json!("Failed")), "{out}");
        let rule = &c["rules"][0];
        assert_eq!((&rule["name"], &rule["status"]), (&json!("CheckEnv"), &json!("Failed")));
        assert_eq!((&rule["provider"], &rule["reason"]), (&json!("VariableCheck"), &run().message.into()));
        assert_eq!(c["reason"], "Deploy entry: rule CheckEnv (VariableCheck) failed: ENV is 'dev', checked EQ 'prod'");
        assert_eq!(out["stages"][0]["conditions"], json!([]), "a stage without conditions: {out}");
        // The existing keys stay.
        assert_eq!(out["stages"][3]["name"], "Deploy");
    }

    #[test]
    fn a_skipped_stage_says_skipped_and_an_ended_condition_has_no_reason() {
        let mut state = with_entry(Some("Failed"));
        state.stages[3].latest_execution = Some(("e1".into(), Status::Skipped));
        let mut out = super::super::status::pipeline_json(&state);
        add_conditions(&mut out, &state, &[]);
        assert_eq!(out["stages"][3]["status"], "Skipped");
        let c = &out["stages"][3]["conditions"][0];
        assert_eq!(c["reason"], "Deploy entry: skipped: rule CheckEnv did not pass: ENV is 'dev'");
        assert!(c["rules"][0].get("provider").is_none(), "no rule run known: {c}");

        let state = with_entry(Some("Succeeded"));
        let c = conditions_json(&state.stages[3], &[run()]);
        assert!(c[0].get("reason").is_none(), "{c}");
        assert_eq!(c[0]["rules"][0]["reason"], json!(run().message), "{c}");
    }

    #[test]
    fn a_failure_condition_is_reported_as_on_failure_with_its_rollback() {
        // API Reference, StageState.onFailureConditionState; Condition:
        // "result — The action to be done when the condition is met".
        let mut state = with_entry(Some("Succeeded"));
        state.stages[3].v2.conditions[0].kind = ConditionKind::OnFailure;
        assert!(worth_rule_runs(&state), "a met failure condition is explained");
        let c = conditions_json(&state.stages[3], &[run()]);
        assert_eq!((&c[0]["kind"], &c[0]["status"]), (&json!("onFailure"), &json!("Succeeded")), "{c}");
        assert_eq!(c[0]["reason"], "Deploy on failure: rule CheckEnv (VariableCheck) succeeded: rolling back");
    }
}
