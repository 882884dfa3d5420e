//! CodePipeline JSON 1.1 operations: the reads here, the mutations in control.rs.

use std::sync::Arc;

use serde_json::{Value, json};

use super::{Store, control, view};
use crate::sandbox::http::{ApiError, ApiResult, Input};
use crate::sandbox::paging::offset_page;
use crate::sandbox::{Shared, lock};

pub fn dispatch(shared: &Arc<Shared>, op: &str, input: &Value) -> ApiResult {
    let result = match op {
        "StartPipelineExecution" => control::start(shared, input),
        "StopPipelineExecution" => control::stop(shared, input),
        "RetryStageExecution" => control::retry(shared, input),
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
            page(all, input, "pipelines", 1000)
        }
        "GetPipeline" => {
            let p = store.pipeline(input.req_str("name")?)?;
            if let Some(v) = input.get("version").and_then(Value::as_i64)
                && v != 1
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
            let all: Vec<Value> =
                store.executions.iter().rev().filter(|e| e.pipeline == name).map(view::execution_summary).collect();
            page(all, input, "pipelineExecutionSummaries", 100)
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
            page(all.into_iter().map(|(_, v)| v).collect(), input, "actionExecutionDetails", 100)
        }
        _ => Err(ApiError::client(
            "UnknownOperationException",
            format!("Operation {op} is not supported by the sandbox"),
        )),
    }
}

/// maxResults/nextToken paging over an already ordered list; the token is the
/// offset of the next item.
fn page(all: Vec<Value>, input: &Value, field: &str, default_max: usize) -> ApiResult {
    let max = match input.get("maxResults").and_then(Value::as_u64) {
        Some(0) => return Err(ApiError::validation("maxResults must be at least 1")),
        // AWS caps pages; capping also keeps offset arithmetic in range.
        Some(n) => (n as usize).min(default_max),
        None => default_max,
    };
    let bad_token = || ApiError::client("InvalidNextTokenException", "The next token is not valid.");
    let start = match input.opt_str("nextToken") {
        Some(t) => t.parse::<usize>().map_err(|_| bad_token())?,
        None => 0,
    };
    let (items, next) = offset_page(all, start, max).ok_or_else(bad_token)?;
    let mut out = json!({ field: items });
    if let Some(next) = next {
        out["nextToken"] = json!(next.to_string());
    }
    Ok(out)
}
