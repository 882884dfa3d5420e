//! CodePipeline mutations: start, stop, retry, approve, stage transitions. Each
//! checks AWS's preconditions and answers with AWS's error codes.

use std::sync::Arc;

use chrono::Utc;
use serde_json::{Value, json};

use super::engine::create_execution;
use super::{Position, Store};
use crate::sandbox::http::{ApiError, ApiResult, Input, epoch_secs};
use crate::sandbox::{ACCOUNT_ID, Shared, lock};

fn caller() -> String {
    format!("arn:aws:iam::{ACCOUNT_ID}:user/sandbox")
}

pub fn start(shared: &Arc<Shared>, input: &Value) -> ApiResult {
    let name = input.req_str("name")?.to_string();
    let token = input.opt_str("clientRequestToken").map(str::to_string);
    let (v2, sources) = {
        let store = lock(&shared.pipelines);
        let p = store.pipeline(&name)?;
        if let Some(t) = &token
            && let Some(e) = store.executions.iter().find(|e| e.pipeline == name && e.client_token.as_ref() == Some(t))
        {
            return Ok(json!({ "pipelineExecutionId": e.id }));
        }
        (p.decl.pipeline_type == "V2", super::overrides::s3_sources(&p.decl))
    };
    let overrides = input.get("sourceRevisions").and_then(Value::as_array).cloned().unwrap_or_default();
    if !overrides.is_empty() && !v2 {
        return Err(ApiError::validation("sourceRevisions is only supported for pipelines of type V2"));
    }
    let revisions = super::overrides::revisions(shared, &name, &sources, &overrides)?;
    let variables: Vec<(String, String)> = input
        .get("variables")
        .and_then(Value::as_array)
        .map(|vs| {
            vs.iter().filter_map(|v| Some((v.opt_str("name")?.to_string(), v.opt_str("value")?.to_string()))).collect()
        })
        .unwrap_or_default();
    let mut store = lock(&shared.pipelines);
    super::variables::for_execution(&store.pipeline(&name)?.decl, &variables)?;
    // The lock was released while reading S3: a concurrent retry of the same
    // request may have created the execution meanwhile.
    if let Some(t) = &token
        && let Some(e) = store.executions.iter().find(|e| e.pipeline == name && e.client_token.as_ref() == Some(t))
    {
        return Ok(json!({ "pipelineExecutionId": e.id }));
    }
    let id = create_execution(&mut store, &name, revisions, "StartPipelineExecution", &caller(), token, variables);
    Ok(json!({ "pipelineExecutionId": id }))
}

pub fn stop(shared: &Arc<Shared>, input: &Value) -> ApiResult {
    let name = input.req_str("pipelineName")?;
    let id = input.req_str("pipelineExecutionId")?;
    let abandon = input.get("abandon").and_then(Value::as_bool).unwrap_or(false);
    let reason = input.opt_str("reason").map(str::to_string);
    let mut store = lock(&shared.pipelines);
    store.pipeline(name)?;
    // StopPipelineExecution models no "not found" error: an id that names no
    // execution of the pipeline names nothing that can be stopped.
    let i =
        store.execution_index(name, id).map_err(|_| not_stoppable(id, "it is not an execution of this pipeline"))?;
    let e = &mut store.executions[i];
    match (e.status.as_str(), &e.stop) {
        ("InProgress", None) => {}
        ("Stopping", Some((false, _))) if abandon => {}
        ("Stopping", _) | ("InProgress", Some(_)) => {
            return Err(ApiError::client(
                "DuplicatedStopRequestException",
                "A stop request for this pipeline execution has already been made.",
            ));
        }
        (status, _) => return Err(not_stoppable(id, &format!("its status is {status}"))),
    }
    e.stop = Some((abandon, reason));
    Ok(json!({ "pipelineExecutionId": id }))
}

fn not_stoppable(id: &str, why: &str) -> ApiError {
    ApiError::client("PipelineExecutionNotStoppableException", format!("Unable to stop pipeline execution {id}: {why}"))
}

pub fn retry(shared: &Arc<Shared>, input: &Value) -> ApiResult {
    let name = input.req_str("pipelineName")?;
    let stage_name = input.req_str("stageName")?;
    let id = input.req_str("pipelineExecutionId")?;
    let mode = input.req_str("retryMode")?;
    if mode != "FAILED_ACTIONS" && mode != "ALL_ACTIONS" {
        return Err(ApiError::validation(format!("retryMode must be FAILED_ACTIONS or ALL_ACTIONS, not {mode}")));
    }
    let mut store = lock(&shared.pipelines);
    let s = store.stage_index(name, stage_name)?;
    // RetryStageExecution models no "not found" error either: only the latest
    // execution in the stage can be retried, and an unknown id is not it.
    match store.latest_in_stage(name, s) {
        None => {
            return Err(ApiError::client(
                "StageNotRetryableException",
                format!("Stage {stage_name} has not run in any execution, so it cannot be retried"),
            ));
        }
        Some(latest) if latest.id != id => {
            return Err(ApiError::client(
                "NotLatestPipelineExecutionException",
                format!("Execution {id} is not the latest execution of stage {stage_name}"),
            ));
        }
        Some(_) => {}
    }
    let i = store.execution_index(name, id)?;
    if busy_elsewhere(&store, name, i, s) {
        return Err(ApiError::client(
            "ConflictException",
            format!("Another execution is in progress in stage {stage_name}"),
        ));
    }
    let e = &mut store.executions[i];
    let stage_status = e.stage_status[s].clone().unwrap_or_default();
    if e.is_active() || !(stage_status == "Failed" || stage_status == "Stopped") {
        return Err(ApiError::client(
            "StageNotRetryableException",
            format!(
                "Stage {stage_name} of execution {id} is {stage_status}, not Failed or Stopped, so it cannot be retried"
            ),
        ));
    }
    for a in e.actions.iter_mut().filter(|a| a.stage == s && !a.stale) {
        if mode == "ALL_ACTIONS" || a.status != "Succeeded" {
            a.stale = true;
        }
    }
    e.status = "InProgress".into();
    e.status_summary = None;
    e.stop = None;
    e.stage_status[s] = Some("InProgress".into());
    e.position = Position::InStage(s);
    e.updated = Utc::now();
    super::conditions::forget_on_success(e, s);
    let retries = e.retries.entry(s).or_default();
    retries.manual += 1;
    retries.latest_trigger = Some("ManualStageRetry");
    Ok(json!({ "pipelineExecutionId": id }))
}

fn busy_elsewhere(store: &Store, pipeline: &str, i: usize, s: usize) -> bool {
    store
        .executions
        .iter()
        .enumerate()
        .any(|(j, o)| j != i && o.pipeline == pipeline && o.is_active() && o.position == Position::InStage(s))
}

pub fn approve(shared: &Arc<Shared>, input: &Value) -> ApiResult {
    let name = input.req_str("pipelineName")?;
    let stage_name = input.req_str("stageName")?;
    let action_name = input.req_str("actionName")?;
    let token = input.req_str("token")?;
    let result = input.get("result").ok_or_else(|| ApiError::validation("result is required"))?;
    let status = result.req_str("status")?;
    let summary = result.req_str("summary")?.to_string();
    if status != "Approved" && status != "Rejected" {
        return Err(ApiError::validation(format!("result.status must be Approved or Rejected, not {status}")));
    }
    let mut store = lock(&shared.pipelines);
    let s = store.stage_index(name, stage_name)?;
    let a = store.pipeline(name)?.decl.stages[s]
        .actions
        .iter()
        .position(|a| a.name == action_name && a.is_manual_approval());
    let a = a.ok_or_else(|| {
        ApiError::client(
            "ActionNotFoundException",
            format!("Approval action {action_name} not found in stage {stage_name}"),
        )
    })?;
    let exec = store
        .executions
        .iter_mut()
        .rev()
        .filter(|e| e.pipeline == name)
        .flat_map(|e| e.actions.iter_mut().rev())
        .find(|x| x.stage == s && x.action == a && x.token.as_deref() == Some(token));
    let Some(exec) = exec else {
        return Err(ApiError::client(
            "InvalidApprovalTokenException",
            format!("The token {token} is not valid for action {action_name}"),
        ));
    };
    if exec.status != "InProgress" || exec.stale {
        return Err(ApiError::client(
            "ApprovalAlreadyCompletedException",
            format!("The approval for {action_name} has already been {}", exec.status),
        ));
    }
    let now = Utc::now();
    exec.updated = now;
    exec.updated_by = Some(caller());
    exec.summary = Some(summary.clone());
    if status == "Approved" {
        exec.status = "Succeeded".into();
    } else {
        exec.status = "Failed".into();
        exec.error = Some(("Rejected".into(), format!("Rejected: {summary}")));
    }
    Ok(json!({ "approvedAt": epoch_secs(now) }))
}

pub fn rollback(shared: &Arc<Shared>, input: &Value) -> ApiResult {
    super::rollback::rollback_stage(&mut lock(&shared.pipelines), input, &caller())
}

pub fn override_condition(shared: &Arc<Shared>, input: &Value) -> ApiResult {
    super::conditions_api::override_condition(&mut lock(&shared.pipelines), input, &caller())
}

pub fn set_transition(shared: &Arc<Shared>, input: &Value, enabled: bool) -> ApiResult {
    let name = input.req_str("pipelineName")?;
    let stage_name = input.req_str("stageName")?;
    let kind = input.req_str("transitionType")?;
    let reason = if enabled { None } else { Some(input.req_str("reason")?.to_string()) };
    let mut store = lock(&shared.pipelines);
    let s = store.stage_index(name, stage_name)?;
    let p = store.pipeline_mut(name)?;
    let t = match kind {
        "Inbound" if s == 0 => {
            return Err(ApiError::validation("The first stage of a pipeline has no inbound transition"));
        }
        "Inbound" => &mut p.inbound[s],
        "Outbound" => &mut p.outbound[s],
        other => return Err(ApiError::validation(format!("transitionType must be Inbound or Outbound, not {other}"))),
    };
    t.enabled = enabled;
    t.reason = reason;
    t.changed_at = Some(Utc::now());
    Ok(json!({}))
}
