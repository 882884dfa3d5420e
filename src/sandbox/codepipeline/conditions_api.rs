//! Stage conditions as the API shows and changes them: GetPipelineState's
//! `beforeEntryConditionState` / `onSuccessConditionState` /
//! `onFailureConditionState`, ListRuleExecutions
//! and OverrideStageCondition (CodePipeline API Reference).

use chrono::Utc;
use serde_json::{Value, json};

use super::conditions::{CondExec, Kind, RuleExec, declared};
use super::{Execution, Pipeline, Position, Store};
use crate::sandbox::http::{ApiError, ApiResult, Input, epoch_secs};

fn rule_latest(r: &RuleExec) -> Value {
    let mut v = json!({ "ruleExecutionId": r.id, "status": r.status, "lastStatusChange": epoch_secs(r.updated) });
    if let Some(s) = &r.summary {
        v["summary"] = json!(s);
    }
    if r.status == "Failed" {
        v["errorDetails"] =
            json!({ "code": "RuleFailed", "message": r.summary.clone().unwrap_or_else(|| "failed".into()) });
    }
    if let Some(by) = &r.updated_by {
        v["lastUpdatedBy"] = json!(by);
    }
    v
}

/// A StageConditionState: the latest evaluation of the stage's condition of
/// `kind` in any execution, or only the rule names when none has run.
fn condition_state(cond: &Value, latest: Option<&CondExec>) -> Value {
    let names: Vec<&str> = cond
        .get("rules")
        .and_then(Value::as_array)
        .map(|rs| rs.iter().filter_map(|r| r.get("name").and_then(Value::as_str)).collect())
        .unwrap_or_default();
    let Some(c) = latest else {
        let rule_states: Vec<Value> = names.iter().map(|n| json!({ "ruleName": n })).collect();
        return json!({ "conditionStates": [{ "ruleStates": rule_states }] });
    };
    let rule_states: Vec<Value> =
        c.rules.iter().map(|r| json!({ "ruleName": r.name(), "latestExecution": rule_latest(r) })).collect();
    let mut latest = json!({ "status": c.status });
    if let Some(s) = &c.summary {
        latest["summary"] = json!(s);
    }
    let mut one = latest.clone();
    one["lastStatusChange"] = epoch_secs(c.updated);
    json!({ "latestExecution": latest, "conditionStates": [{ "latestExecution": one, "ruleStates": rule_states }] })
}

/// Adds the stage's condition states to its StageState `v`.
pub fn add_states(v: &mut Value, store: &Store, p: &Pipeline, s: usize) {
    for kind in [Kind::BeforeEntry, Kind::OnSuccess, Kind::OnFailure] {
        let Some(cond) = declared(p, s, kind) else { continue };
        let latest = store
            .executions
            .iter()
            .rev()
            .filter(|e| e.pipeline == p.decl.name)
            .find_map(|e| e.conditions.iter().find(|c| c.stage == s && c.kind == kind));
        v[kind.state_member()] = condition_state(cond, latest);
    }
}

fn rule_detail(p: &Pipeline, e: &Execution, c: &CondExec, r: &RuleExec) -> Value {
    let mut type_id = r.decl.get("ruleTypeId").cloned().unwrap_or_else(|| json!({}));
    if type_id.get("owner").is_none() {
        type_id["owner"] = json!("AWS");
    }
    let mut input = json!({
        "ruleTypeId": type_id,
        "configuration": r.decl.get("configuration").cloned().unwrap_or_else(|| json!({})),
        "resolvedConfiguration": r.resolved,
        "region": r.decl.get("region").and_then(Value::as_str).unwrap_or(crate::sandbox::regions::HOME),
    });
    if let Some(role) = r.decl.get("roleArn") {
        input["roleArn"] = role.clone();
    }
    let mut result = json!({});
    if let Some(s) = &r.summary {
        result["externalExecutionSummary"] = json!(s);
    }
    if r.status == "Failed" {
        result["errorDetails"] =
            json!({ "code": "RuleFailed", "message": r.summary.clone().unwrap_or_else(|| "failed".into()) });
    }
    let mut v = json!({
        "pipelineExecutionId": e.id,
        "ruleExecutionId": r.id,
        "pipelineVersion": p.version,
        "stageName": p.decl.stages[c.stage].name,
        "ruleName": r.name(),
        "startTime": epoch_secs(r.started),
        "lastUpdateTime": epoch_secs(r.updated),
        "status": r.status,
        "input": input,
        "output": { "executionResult": result },
    });
    if let Some(by) = &r.updated_by {
        v["updatedBy"] = json!(by);
    }
    v
}

/// ListRuleExecutions: newest first, optionally one execution's
/// (`filter.pipelineExecutionId`), paged by maxResults (1-100, default 100).
pub fn list(store: &Store, input: &Value) -> ApiResult {
    let name = input.req_str("pipelineName")?;
    let p = store.pipeline(name)?;
    let only = input.pointer("/filter/pipelineExecutionId").and_then(Value::as_str);
    if let Some(id) = only {
        store.execution_index(name, id)?;
    }
    let mut all: Vec<(super::Time, Value)> = store
        .executions
        .iter()
        .filter(|e| e.pipeline == name && only.is_none_or(|id| id == e.id))
        .flat_map(|e| {
            e.conditions.iter().flat_map(move |c| c.rules.iter().map(move |r| (r.started, rule_detail(p, e, c, r))))
        })
        .collect();
    all.sort_by_key(|a| std::cmp::Reverse(a.0));
    super::api::page(all.into_iter().map(|(_, v)| v).collect(), input, "ruleExecutionDetails", 100, 100)
}

/// OverrideStageCondition: a condition still in progress is marked
/// Overridden, its waiting rules Abandoned, and the execution goes on. A
/// condition the stage does not declare, or one already decided, cannot be
/// overridden (ConditionNotOverridableException); only the execution waiting
/// at the stage (or running it, for ON_SUCCESS) can be
/// (NotLatestPipelineExecutionException).
pub fn override_condition(store: &mut Store, input: &Value, caller: &str) -> ApiResult {
    let name = input.req_str("pipelineName")?;
    let stage_name = input.req_str("stageName")?;
    let id = input.req_str("pipelineExecutionId")?;
    let kind_text = input.req_str("conditionType")?;
    let kind = Kind::from_api(kind_text).ok_or_else(|| {
        ApiError::validation(format!(
            "1 validation error detected: Value '{kind_text}' at 'conditionType' failed to satisfy constraint: Member must satisfy enum value set: [BEFORE_ENTRY, ON_SUCCESS]"
        ))
    })?;
    let s = store.stage_index(name, stage_name)?;
    let not_overridable = |why: String| Err(ApiError::client("ConditionNotOverridableException", why));
    if declared(store.pipeline(name)?, s, kind).is_none() {
        return not_overridable(format!("Stage {stage_name} has no {} condition", kind.member()));
    }
    let i = store.executions.iter().position(|e| e.pipeline == name && e.id == id).ok_or_else(|| {
        ApiError::client("NotLatestPipelineExecutionException", format!("Execution {id} is not at stage {stage_name}"))
    })?;
    let e = &mut store.executions[i];
    let here = match kind {
        Kind::BeforeEntry => Position::Waiting(s),
        Kind::OnSuccess | Kind::OnFailure => Position::InStage(s),
    };
    if !e.is_active() || e.position != here {
        return Err(ApiError::client(
            "NotLatestPipelineExecutionException",
            format!("Execution {id} is not waiting on the {} condition of stage {stage_name}", kind.member()),
        ));
    }
    let Some(c) = e.conditions.iter_mut().find(|c| c.stage == s && c.kind == kind && c.status == "InProgress") else {
        return not_overridable(format!(
            "The {} condition of stage {stage_name} is not in progress for execution {id}",
            kind.member()
        ));
    };
    let now = Utc::now();
    c.status = "Overridden".into();
    c.summary = Some(format!("Overridden by {caller}"));
    c.updated = now;
    for r in c.rules.iter_mut().filter(|r| r.status == "InProgress") {
        r.status = "Abandoned".into();
        r.updated = now;
        r.updated_by = Some(caller.to_string());
    }
    e.updated = now;
    Ok(json!({}))
}
