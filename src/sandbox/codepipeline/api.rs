//! CodePipeline JSON 1.1 operations: the reads here, the mutations in control.rs.

use std::sync::Arc;

use serde_json::{Value, json};

use super::{Store, control, define, view};
use crate::sandbox::http::{ApiError, ApiResult, Input};
use crate::sandbox::paging::offset_page;
use crate::sandbox::{Shared, lock};

/// ListPipelines' default page size is not documented (the model allows 1 to
/// 1000); the sandbox pages by 100, so a client that ignores nextToken misses
/// pipelines as it would on AWS with many.
pub const LIST_PIPELINES_PAGE: usize = 100;

/// `region` is the request's signing Region: pipelines live in the sandbox's
/// home Region, and a client signing for another sees none, as on AWS.
pub fn dispatch(shared: &Arc<Shared>, op: &str, input: &Value, region: &str) -> ApiResult {
    if define::OPERATIONS.contains(&op) {
        return define::dispatch(shared, op, input, region);
    }
    if region != crate::sandbox::regions::HOME {
        if op == "ListPipelines" {
            page(Vec::new(), input, "pipelines", LIST_PIPELINES_PAGE, 1000)?;
            return Ok(json!({ "pipelines": [] }));
        }
        let name = input.opt_str("name").or_else(|| input.opt_str("pipelineName")).unwrap_or_default();
        return Err(ApiError::client(
            "PipelineNotFoundException",
            format!("Account '{}' does not have a pipeline with name '{name}'", crate::sandbox::ACCOUNT_ID),
        ));
    }
    let result = match op {
        "StartPipelineExecution" => control::start(shared, input),
        "StopPipelineExecution" => control::stop(shared, input),
        "RetryStageExecution" => control::retry(shared, input),
        "RollbackStage" => control::rollback(shared, input),
        "OverrideStageCondition" => control::override_condition(shared, input),
        "PutApprovalResult" => control::approve(shared, input),
        "EnableStageTransition" => control::set_transition(shared, input, true),
        "DisableStageTransition" => control::set_transition(shared, input, false),
        _ => {
            let store = lock(&shared.pipelines);
            return read(&store, op, input);
        }
    };
    // A mutation may let an execution move on: run the engine now.
    shared.kick.notify_one();
    result
}

fn read(store: &Store, op: &str, input: &Value) -> ApiResult {
    match op {
        "ListPipelines" => {
            let all: Vec<Value> = store.pipelines.iter().map(view::pipeline_summary).collect();
            page(all, input, "pipelines", LIST_PIPELINES_PAGE, 1000)
        }
        "GetPipeline" => {
            let p = store.pipeline(input.req_str("name")?)?;
            if let Some(v) = input.get("version").and_then(Value::as_i64)
                && v != p.version
            {
                return Err(ApiError::client(
                    "PipelineVersionNotFoundException",
                    format!("Pipeline version {v} not found"),
                ));
            }
            Ok(view::get_pipeline(p))
        }
        "GetPipelineState" => {
            let p = store.pipeline(input.req_str("name")?)?;
            Ok(view::pipeline_state(store, p))
        }
        "ListPipelineExecutions" => {
            let name = input.req_str("pipelineName")?;
            store.pipeline(name)?;
            let succeeded_in = super::rollback::succeeded_filter(store, name, input)?;
            let all: Vec<Value> = store
                .executions
                .iter()
                .rev()
                .filter(|e| e.pipeline == name)
                .filter(|e| {
                    succeeded_in.is_none_or(|s| e.stage_status.get(s).and_then(Option::as_deref) == Some("Succeeded"))
                })
                .map(view::execution_summary)
                .collect();
            // CodePipeline API Reference, ListPipelineExecutions: 1-100, default 100.
            page(all, input, "pipelineExecutionSummaries", 100, 100)
        }
        "GetPipelineExecution" => {
            let name = input.req_str("pipelineName")?;
            store.pipeline(name)?;
            let i = store.execution_index(name, input.req_str("pipelineExecutionId")?)?;
            Ok(json!({ "pipelineExecution": view::execution_detail(&store.executions[i]) }))
        }
        "ListActionExecutions" => {
            let name = input.req_str("pipelineName")?;
            let p = store.pipeline(name)?;
            let only = input.get("filter").and_then(|f| f.get("pipelineExecutionId")).and_then(Value::as_str);
            if let Some(id) = only {
                store.execution_index(name, id)?;
            }
            let mut all: Vec<(chrono::DateTime<chrono::Utc>, Value)> = store
                .executions
                .iter()
                .filter(|e| e.pipeline == name && only.is_none_or(|id| id == e.id))
                .flat_map(|e| e.actions.iter().map(move |a| (a.started, view::action_execution(p, e, a))))
                .collect();
            // Newest first, as AWS lists them.
            all.sort_by_key(|a| std::cmp::Reverse(a.0));
            page(all.into_iter().map(|(_, v)| v).collect(), input, "actionExecutionDetails", 100, 100)
        }
        "ListRuleExecutions" => super::conditions_api::list(store, input),
        _ => Err(ApiError::client(
            "UnknownOperationException",
            format!("Operation {op} is not supported by the sandbox"),
        )),
    }
}

/// maxResults/nextToken paging over an already ordered list; the token is the
/// offset of the next item. `maxResults` outside 1..=`max` is refused, as the
/// API model's bounds make AWS refuse it.
pub fn page(all: Vec<Value>, input: &Value, field: &str, default_size: usize, max: usize) -> ApiResult {
    let size = match input.get("maxResults") {
        None | Some(Value::Null) => default_size,
        Some(v) => {
            let n = v.as_i64().ok_or_else(|| {
                ApiError::client("SerializationException", "Unexpected value type for field 'maxResults'")
            })?;
            let rule = if n < 1 {
                "greater than or equal to 1".to_string()
            } else if n as u64 > max as u64 {
                format!("less than or equal to {max}")
            } else {
                String::new()
            };
            if !rule.is_empty() {
                return Err(ApiError::validation(format!(
                    "1 validation error detected: Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value {rule}"
                )));
            }
            n as usize
        }
    };
    let bad_token = || ApiError::client("InvalidNextTokenException", "The next token is not valid.");
    let start = match input.opt_str("nextToken") {
        Some(t) => t.parse::<usize>().map_err(|_| bad_token())?,
        None => 0,
    };
    let (items, next) = offset_page(all, start, size).ok_or_else(bad_token)?;
    let mut out = json!({ field: items });
    if let Some(next) = next {
        out["nextToken"] = json!(next.to_string());
    }
    Ok(out)
}
