//! CodePipeline operations on generated pipelines, and every CodePipeline
//! operation in an account or Region the engine does not serve (the engine's
//! pipelines live in the home account's home Region).

use std::sync::Arc;

use chrono::Utc;
use serde_json::{Value, json};

use super::{Decision, GenPipeline, STAGES, Store, started_now, view};
use crate::sandbox::codepipeline::api::{LIST_PIPELINES_PAGE, page};
use crate::sandbox::http::{ApiError, ApiResult, Input};
use crate::sandbox::{ACCOUNT_ID, Shared, lock, regions::HOME};

/// `Some`: the answer for a generated pipeline, or for any request outside
/// the engine's account and Region. `None`: the engine answers.
pub fn dispatch(shared: &Arc<Shared>, op: &str, input: &Value, region: &str, account: &str) -> Option<ApiResult> {
    // Defining pipelines is the engine's, in any Region of the home account.
    if account == ACCOUNT_ID && crate::sandbox::codepipeline::define::OPERATIONS.contains(&op) {
        return None;
    }
    let engine_place = account == ACCOUNT_ID && region == HOME;
    let named = input.opt_str("name").or_else(|| input.opt_str("pipelineName")).unwrap_or_default().to_string();
    if engine_place {
        if op == "ListPipelines" {
            if lock(&shared.generated).pipelines(account, region).is_empty() {
                return None;
            }
            return Some(list_with_engine(shared, input, region));
        }
        if named.is_empty() || !lock(&shared.generated).pipelines(account, region).iter().any(|p| p.name == named) {
            return None;
        }
    }
    let mut store = lock(&shared.generated);
    Some(answer(&mut store, op, input, region, account, &named))
}

/// The engine's pipelines, then the generated ones, paged as one listing.
fn list_with_engine(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    let engine =
        crate::sandbox::codepipeline::api::dispatch(shared, "ListPipelines", &json!({ "maxResults": 1000 }), region)?;
    let mut all: Vec<Value> = engine.get("pipelines").and_then(Value::as_array).cloned().unwrap_or_default();
    all.extend(lock(&shared.generated).pipelines(ACCOUNT_ID, region).iter().map(view::summary));
    page(all, input, "pipelines", LIST_PIPELINES_PAGE, 1000)
}

fn not_found(account: &str, name: &str) -> ApiError {
    ApiError::client(
        "PipelineNotFoundException",
        format!("Account '{account}' does not have a pipeline with name '{name}'"),
    )
}

fn answer(store: &mut Store, op: &str, input: &Value, region: &str, account: &str, name: &str) -> ApiResult {
    let now = Utc::now();
    if op == "ListPipelines" {
        let all: Vec<Value> = store.pipelines(account, region).iter().map(view::summary).collect();
        return page(all, input, "pipelines", LIST_PIPELINES_PAGE, 1000);
    }
    let find = |store: &Store| -> Result<usize, ApiError> {
        store.pipelines(account, region).iter().position(|p| p.name == name).ok_or_else(|| not_found(account, name))
    };
    let i = find(store)?;
    let p: &GenPipeline = &store.pipelines(account, region)[i];
    match op {
        "GetPipeline" => Ok(view::get_pipeline(p, account, region)),
        "GetPipelineState" => Ok(view::pipeline_state(p, now)),
        "ListPipelineExecutions" => {
            let all: Vec<Value> = p.executions.iter().rev().map(|e| view::execution_summary(e, now)).collect();
            // CodePipeline API Reference, ListPipelineExecutions: 1-100, default 100.
            page(all, input, "pipelineExecutionSummaries", 100, 100)
        }
        "GetPipelineExecution" => {
            let id = input.req_str("pipelineExecutionId")?;
            let e = p.executions.iter().find(|e| e.id == id).ok_or_else(|| execution_not_found(id, name))?;
            Ok(json!({ "pipelineExecution": view::execution_detail(p, e, now) }))
        }
        "ListActionExecutions" => {
            let only = input.get("filter").and_then(|f| f.get("pipelineExecutionId")).and_then(Value::as_str);
            if let Some(id) = only
                && !p.executions.iter().any(|e| e.id == id)
            {
                return Err(execution_not_found(id, name));
            }
            let mut all: Vec<_> = p
                .executions
                .iter()
                .filter(|e| only.is_none_or(|id| id == e.id))
                .flat_map(|e| view::action_executions(p, e, region, now))
                .collect();
            all.sort_by_key(|a| std::cmp::Reverse(a.0));
            page(all.into_iter().map(|(_, v)| v).collect(), input, "actionExecutionDetails", 100, 100)
        }
        "StartPipelineExecution" => {
            let e = started_now();
            let id = e.id.clone();
            if let Some(p) = store.pipeline_mut(account, region, name) {
                p.executions.push(e);
            }
            Ok(json!({ "pipelineExecutionId": id }))
        }
        "PutApprovalResult" => approve(store, input, region, account, name),
        _ => Err(ApiError::client(
            "UnknownOperationException",
            format!("Operation {op} is not supported on the sandbox's generated pipelines"),
        )),
    }
}

fn execution_not_found(id: &str, name: &str) -> ApiError {
    ApiError::client(
        "PipelineExecutionNotFoundException",
        format!("Pipeline execution {id} does not exist in pipeline {name}"),
    )
}

/// PutApprovalResult (CodePipeline API Reference): the token names the
/// waiting approval; a decided one answers ApprovalAlreadyCompletedException.
fn approve(store: &mut Store, input: &Value, region: &str, account: &str, name: &str) -> ApiResult {
    let stage = input.req_str("stageName")?;
    let action = input.req_str("actionName")?;
    let token = input.req_str("token")?;
    let result = input.get("result").ok_or_else(|| ApiError::validation("result is required"))?;
    let status = result.req_str("status")?;
    let summary = result.req_str("summary")?.to_string();
    if status != "Approved" && status != "Rejected" {
        return Err(ApiError::validation(format!("result.status must be Approved or Rejected, not {status}")));
    }
    if !STAGES.contains(&stage) {
        return Err(ApiError::client("StageNotFoundException", format!("Stage {stage} not found in pipeline {name}")));
    }
    if stage != STAGES[2] || action != "Approve" {
        return Err(ApiError::client(
            "ActionNotFoundException",
            format!("Approval action {action} not found in stage {stage}"),
        ));
    }
    let now = Utc::now();
    let p = store.pipeline_mut(account, region, name).ok_or_else(|| not_found(account, name))?;
    let Some(e) = p.executions.iter_mut().rev().find(|e| e.token() == token) else {
        return Err(ApiError::client(
            "InvalidApprovalTokenException",
            format!("The token {token} is not valid for action {action}"),
        ));
    };
    let waiting = e.phases(now).last().is_some_and(|ph| ph.stage == 2 && ph.status == "InProgress");
    if !waiting {
        return Err(ApiError::client(
            "ApprovalAlreadyCompletedException",
            format!("The approval for {action} is not waiting"),
        ));
    }
    e.decision = Some(Decision { approved: status == "Approved", at: now, summary: Some(summary) });
    Ok(json!({ "approvedAt": crate::sandbox::http::epoch_secs(now) }))
}
