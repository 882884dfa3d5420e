//! StartBuildBatch, BatchGetBuildBatches, ListBuildBatchesForProject,
//! ListBuildBatches and StopBuildBatch (CodeBuild API Reference).

use std::sync::Arc;

use serde_json::{Value, json};

use super::{BatchRequest, start_batch, stop_batch};
use crate::sandbox::codebuild::api::{
    Requested, descending, invalid, not_found, page, requested, required, string_list,
};
use crate::sandbox::http::{ApiError, ApiResult};
use crate::sandbox::{Shared, lock};

pub const OPERATIONS: [&str; 5] =
    ["StartBuildBatch", "BatchGetBuildBatches", "ListBuildBatchesForProject", "ListBuildBatches", "StopBuildBatch"];

pub fn dispatch(shared: &Arc<Shared>, op: &str, input: &Value, region: &str) -> ApiResult {
    match op {
        "StartBuildBatch" => start(shared, input, region),
        "BatchGetBuildBatches" => batch_get(shared, input, region),
        "ListBuildBatchesForProject" => list_for_project(shared, input, region),
        "ListBuildBatches" => list(shared, input, region),
        _ => stop(shared, input, region),
    }
}

fn start(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    let name = required(input, "projectName")?;
    let config_override = input.get("buildBatchConfigOverride").filter(|v| v.is_object()).cloned();
    // Refused before the source is fetched: nothing to clean up.
    let enabled =
        lock(&shared.builds).project(region, name).map(|p| p.get("buildBatchConfig").is_some_and(Value::is_object));
    if enabled == Some(false) && config_override.is_none() {
        return Err(super::not_enabled(region, crate::sandbox::ACCOUNT_ID, name));
    }
    let Requested { project, source, version, overrides, env_override } = requested(shared, input, region)?;
    let name = project.get("name").and_then(Value::as_str).unwrap_or(name).to_string();
    let batch = start_batch(
        shared,
        BatchRequest {
            project: name,
            region: region.to_string(),
            source,
            source_version: version,
            initiator: "sandbox".into(),
            source_override: overrides,
            env_override,
            artifact_zip: None,
            config_override,
        },
    )?;
    Ok(json!({ "buildBatch": batch }))
}

fn batch_get(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    let ids = string_list(input, "ids")?;
    let store = lock(&shared.builds);
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for id in ids {
        match store.batch(&id).filter(|b| b.region == region) {
            Some(b) => found.push(store.batch_json(b)),
            None => missing.push(id),
        }
    }
    Ok(json!({ "buildBatches": found, "buildBatchesNotFound": missing }))
}

/// BuildBatchFilter: only `status`.
fn status_filter(input: &Value) -> Option<String> {
    input.pointer("/filter/status").and_then(Value::as_str).map(str::to_string)
}

fn ids_where(shared: &Arc<Shared>, input: &Value, region: &str, project: Option<&str>) -> ApiResult {
    let desc = descending(input)?;
    let status = status_filter(input);
    let mut ids: Vec<String> = lock(&shared.builds)
        .batches
        .iter()
        .filter(|b| b.region == region && project.is_none_or(|p| b.project == p))
        .filter(|b| status.as_ref().is_none_or(|s| &b.status == s))
        .map(|b| b.id.clone())
        .collect();
    if desc {
        ids.reverse();
    }
    page(input, ids, "ids")
}

fn list_for_project(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    let name = required(input, "projectName")?;
    let project = lock(&shared.builds)
        .project(region, name)
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| not_found(format!("The provided project name {name} does not exist")))?;
    ids_where(shared, input, region, Some(&project))
}

fn list(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    ids_where(shared, input, region, None)
}

fn stop(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    let id = required(input, "id")?;
    let batch_id = {
        let store = lock(&shared.builds);
        let b = store
            .batch(id)
            .filter(|b| b.region == region)
            .ok_or_else(|| not_found(format!("Build batch {id} does not exist")))?;
        if b.complete() {
            return Err(invalid(format!("Build batch {id} is already complete and cannot be stopped")));
        }
        b.id.clone()
    };
    stop_batch(shared, &batch_id);
    let store = lock(&shared.builds);
    let batch =
        store.batch(&batch_id).map(|b| store.batch_json(b)).ok_or_else(|| ApiError::internal("the batch vanished"))?;
    Ok(json!({ "buildBatch": batch }))
}
