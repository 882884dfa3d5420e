//! Stage failure results and rollbacks (CodePipeline User Guide, "Configuring
//! stage rollback", "Configure a stage for automatic retry on failure"; API
//! Reference, FailureConditions, RetryStageMetadata, RollbackStage,
//! SucceededInStageFilter).

use chrono::Utc;
use serde_json::{Value, json};

use super::{Execution, Pipeline, Position, Store, new_id};
use crate::sandbox::http::{ApiError, ApiResult, Input};

/// What a stage's `onFailure` asks for when one of its actions fails.
#[derive(Clone, Debug, PartialEq)]
pub enum OnFailure {
    Fail,
    Rollback,
    /// Retry once, the failed actions or all of them.
    Retry {
        all: bool,
    },
}

impl OnFailure {
    pub fn of(p: &Pipeline, s: usize) -> Self {
        let rule = p.raw.pointer(&format!("/stages/{s}/onFailure"));
        match rule.and_then(|r| r.get("result")).and_then(Value::as_str) {
            Some("ROLLBACK") => OnFailure::Rollback,
            Some("RETRY") => {
                let mode = rule.and_then(|r| r.pointer("/retryConfiguration/retryMode")).and_then(Value::as_str);
                OnFailure::Retry { all: mode == Some("ALL_ACTIONS") }
            }
            _ => OnFailure::Fail,
        }
    }
}

/// Retry counts of one stage in one execution (GetPipelineState's
/// `retryStageMetadata` for the stage's latest execution).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StageRetries {
    pub auto: u32,
    pub manual: u32,
    pub latest_trigger: Option<&'static str>,
}

impl StageRetries {
    pub fn to_json(&self) -> Value {
        let mut v = json!({});
        if self.auto > 0 {
            v["autoStageRetryAttempt"] = json!(self.auto);
        }
        if self.manual > 0 {
            v["manualStageRetryAttempt"] = json!(self.manual);
        }
        if let Some(t) = self.latest_trigger {
            v["latestRetryTrigger"] = json!(t);
        }
        v
    }
}

/// "One attempt is allowed for automatic stage retry on failure": true if
/// stage `s` of `e` was put back to run again.
pub fn auto_retry(e: &mut Execution, s: usize, all: bool) -> bool {
    let retries = e.retries.entry(s).or_default();
    if retries.auto >= 1 {
        return false;
    }
    retries.auto += 1;
    retries.latest_trigger = Some("AutomatedStageRetry");
    restart_stage(e, s, all);
    true
}

/// Marks the stage's current attempts stale (all, or the ones that did not
/// succeed) so the engine starts them again.
pub fn restart_stage(e: &mut Execution, s: usize, all: bool) {
    for a in e.actions.iter_mut().filter(|a| a.stage == s && !a.stale) {
        if all || a.status != "Succeeded" {
            a.stale = true;
        }
    }
    e.status = "InProgress".into();
    e.status_summary = None;
    e.stage_status[s] = Some("InProgress".into());
    e.position = Position::InStage(s);
    e.updated = Utc::now();
    super::conditions::forget_on_success(e, s);
}

/// The newest standard execution, other than `except`, that succeeded in stage `s`.
pub fn last_success(store: &Store, pipeline: &str, s: usize, except: &str) -> Option<String> {
    store
        .executions
        .iter()
        .rev()
        .find(|e| {
            e.pipeline == pipeline
                && e.id != except
                && e.rollback_target.is_none()
                && e.stage_status.get(s).and_then(Option::as_deref) == Some("Succeeded")
        })
        .map(|e| e.id.clone())
}

/// A new ROLLBACK execution that runs stage `s` again with the target's
/// source revisions, variables and artifacts, and ends after that stage.
pub fn start(store: &mut Store, pipeline: &str, s: usize, target: &str, trigger: &str, detail: &str) -> String {
    let Some(t) = store.executions.iter().find(|e| e.pipeline == pipeline && e.id == target) else {
        return String::new();
    };
    let now = Utc::now();
    let id = new_id();
    let e = Execution {
        id: id.clone(),
        status: "InProgress".into(),
        status_summary: None,
        trigger_type: trigger.into(),
        trigger_detail: detail.into(),
        started: now,
        updated: now,
        position: Position::Waiting(s),
        stage_status: vec![None; t.stage_status.len()],
        actions: Vec::new(),
        stop: None,
        client_token: None,
        rollback_target: Some(target.to_string()),
        retries: Default::default(),
        conditions: Vec::new(),
        ..t.clone()
    };
    store.executions.push(e);
    id
}

/// RollbackStage: refused for a source stage, in PARALLEL mode, to a target
/// that is itself a rollback or did not succeed in the stage, and while the
/// stage is busy.
pub fn rollback_stage(store: &mut Store, input: &Value, caller: &str) -> ApiResult {
    let name = input.req_str("pipelineName")?;
    let stage_name = input.req_str("stageName")?;
    let target = input.req_str("targetPipelineExecutionId")?;
    let s = store.stage_index(name, stage_name)?;
    let p = store.pipeline(name)?;
    let unable = |why: String| Err(ApiError::client("UnableToRollbackStageException", why));
    if p.decl.stages[s].actions.iter().any(|a| a.action_type_id.category == "Source") {
        return unable(format!("Stage {stage_name} is a source stage, which cannot be rolled back"));
    }
    if p.decl.execution_mode == "PARALLEL" {
        return unable("Stage rollback is not available for pipelines in PARALLEL mode".into());
    }
    let i = store.execution_index(name, target)?;
    let t = &store.executions[i];
    if t.rollback_target.is_some() {
        return unable(format!("Execution {target} is a rollback execution and cannot be a rollback target"));
    }
    if t.stage_status.get(s).and_then(Option::as_deref) != Some("Succeeded") {
        return unable(format!("Execution {target} did not succeed in stage {stage_name}"));
    }
    let busy =
        store.executions.iter().any(|o| o.pipeline == name && o.is_active() && o.position == Position::InStage(s));
    if busy {
        return Err(ApiError::client(
            "ConflictException",
            format!("Stage {stage_name} has an execution in progress; roll back once it ends"),
        ));
    }
    let id = start(store, name, s, target, "ManualRollback", caller);
    Ok(json!({ "pipelineExecutionId": id }))
}

/// ListPipelineExecutions `filter.succeededInStage.stageName`: the stage's index.
pub fn succeeded_filter(store: &Store, pipeline: &str, input: &Value) -> Result<Option<usize>, ApiError> {
    match input.pointer("/filter/succeededInStage/stageName").and_then(Value::as_str) {
        Some(stage) => store.stage_index(pipeline, stage).map(Some),
        None => Ok(None),
    }
}
