//! CodeBuild JSON 1.1 operations.

use std::sync::Arc;

use serde_json::{Value, json};

use super::runner::SourceInput;
use super::{Launch, launch, stop_build};
use crate::sandbox::http::{ApiError, ApiResult};
use crate::sandbox::paging::offset_page;
use crate::sandbox::{Shared, lock};

/// Page size of the List operations.
const PAGE: usize = 100;

/// `region` is the request's signing Region: projects and builds are regional,
/// so a client sees only its Region's (a build elsewhere is in buildsNotFound).
pub fn dispatch(shared: &Arc<Shared>, op: &str, input: &Value, region: &str) -> ApiResult {
    if let Some(answer) = super::reports::api::dispatch(shared, op, input, region) {
        return answer;
    }
    match op {
        "BatchGetBuilds" => batch_get_builds(shared, input, region),
        "ListBuildsForProject" => list_builds_for_project(shared, input, region),
        "ListBuilds" => list_builds(shared, input, region),
        "BatchGetProjects" => batch_get_projects(shared, input, region),
        "ListProjects" => list_projects(shared, input, region),
        "StartBuild" => start_build(shared, input, region),
        "StopBuild" => stop(shared, input, region),
        op if super::batch::api::OPERATIONS.contains(&op) => super::batch::api::dispatch(shared, op, input, region),
        op if super::projects::OPERATIONS.contains(&op) => super::projects::dispatch(shared, op, input, region),
        _ => Err(ApiError::client(
            "UnknownOperationException",
            format!("Operation {op} is not supported by the sandbox"),
        )),
    }
}

pub(super) fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::client("InvalidInputException", message)
}

pub(super) fn not_found(message: impl Into<String>) -> ApiError {
    ApiError::client("ResourceNotFoundException", message)
}

pub(super) fn required<'a>(input: &'a Value, field: &str) -> ApiResult<&'a str> {
    input
        .get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid(format!("{field} must not be empty")))
}

pub(super) fn string_list(input: &Value, field: &str) -> ApiResult<Vec<String>> {
    let items = input
        .get(field)
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| invalid(format!("{field} must not be empty")))?;
    if items.len() > 100 {
        return Err(invalid(format!("{field} must contain at most 100 items")));
    }
    items
        .iter()
        .map(|v| v.as_str().map(str::to_string).ok_or_else(|| invalid(format!("{field} must be a list of strings"))))
        .collect()
}

pub(super) fn descending(input: &Value) -> ApiResult<bool> {
    match input.get("sortOrder").and_then(Value::as_str) {
        None | Some("DESCENDING") => Ok(true),
        Some("ASCENDING") => Ok(false),
        Some(other) => Err(invalid(format!("Invalid sort order: {other}"))),
    }
}

/// One page of `items` from the opaque nextToken; adds nextToken when more remain.
pub(super) fn page(input: &Value, items: Vec<String>, key: &str) -> ApiResult {
    let start = match input.get("nextToken").and_then(Value::as_str) {
        None | Some("") => 0,
        Some(t) => t.parse::<usize>().map_err(|_| invalid("Invalid nextToken"))?,
    };
    let (items, next) = offset_page(items, start, PAGE).ok_or_else(|| invalid("Invalid nextToken"))?;
    let mut out = json!({ key: items });
    if let Some(next) = next {
        out["nextToken"] = json!(next.to_string());
    }
    Ok(out)
}

fn batch_get_builds(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    let ids = string_list(input, "ids")?;
    let store = lock(&shared.builds);
    let mut builds = Vec::new();
    let mut missing = Vec::new();
    for id in ids {
        match store.build_in(region, &id) {
            Some(b) => builds.push(b.to_json()),
            None => missing.push(id),
        }
    }
    Ok(json!({ "builds": builds, "buildsNotFound": missing }))
}

fn list_builds_for_project(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    let name = required(input, "projectName")?;
    let desc = descending(input)?;
    let store = lock(&shared.builds);
    let project = store
        .project(region, name)
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
        .ok_or_else(|| not_found(format!("The provided project name {name} does not exist")))?;
    let mut ids: Vec<String> =
        store.builds.iter().filter(|b| b.project == project && b.region == region).map(|b| b.id.clone()).collect();
    if desc {
        ids.reverse();
    }
    page(input, ids, "ids")
}

fn list_builds(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    let desc = descending(input)?;
    let mut ids: Vec<String> = lock(&shared.builds)
        .builds
        .iter()
        .filter(|b| b.region == region && !super::managed::is_managed(&b.project))
        .map(|b| b.id.clone())
        .collect();
    if desc {
        ids.reverse();
    }
    page(input, ids, "ids")
}

fn batch_get_projects(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    let names = string_list(input, "names")?;
    let store = lock(&shared.builds);
    let mut projects = Vec::new();
    let mut missing = Vec::new();
    for name in names {
        match store.project(region, &name) {
            Some(p) => projects.push(p.clone()),
            None => missing.push(name),
        }
    }
    Ok(json!({ "projects": projects, "projectsNotFound": missing }))
}

fn list_projects(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    let key = match input.get("sortBy").and_then(Value::as_str) {
        None | Some("NAME") => "name",
        Some("CREATED_TIME") => "created",
        Some("LAST_MODIFIED_TIME") => "lastModified",
        Some(other) => return Err(invalid(format!("Invalid sort by: {other}"))),
    };
    // Names sort ascending unless told otherwise.
    let desc = input.get("sortOrder").is_some() && descending(input)?;
    let mut projects: Vec<(String, String)> = lock(&shared.builds)
        .projects_in(region)
        .map(|p| {
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
            let sort = match p.get(key) {
                Some(Value::Number(n)) => format!("{:020.3}", n.as_f64().unwrap_or(0.0)),
                Some(Value::String(s)) => s.clone(),
                _ => String::new(),
            };
            (sort, name)
        })
        .collect();
    projects.sort();
    if desc {
        projects.reverse();
    }
    page(input, projects.into_iter().map(|(_, n)| n).collect(), "projects")
}

/// The project of a StartBuild / StartBuildBatch request, its source (with the
/// overrides) and source version.
pub(super) struct Requested {
    pub project: Value,
    pub source: SourceInput,
    pub version: Option<String>,
    pub overrides: Vec<(&'static str, String)>,
    pub env_override: Vec<Value>,
}

pub(super) fn requested(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult<Requested> {
    let name = required(input, "projectName")?;
    let project = lock(&shared.builds).project(region, name).cloned().ok_or_else(|| {
        not_found(format!(
            "Project cannot be found: arn:aws:codebuild:{region}:{}:project/{name}",
            crate::sandbox::ACCOUNT_ID
        ))
    })?;
    let declared = project.get("source").and_then(|s| s.get("type")).and_then(Value::as_str).unwrap_or("NO_SOURCE");
    let kind = input.get("sourceTypeOverride").and_then(Value::as_str).unwrap_or(declared);
    let version = input.get("sourceVersion").and_then(Value::as_str).filter(|v| !v.is_empty()).map(str::to_string);
    let mut overrides: Vec<(&'static str, String)> = Vec::new();
    for (field, key) in
        [("sourceTypeOverride", "type"), ("sourceLocationOverride", "location"), ("buildspecOverride", "buildspec")]
    {
        if let Some(v) = input.get(field).and_then(Value::as_str) {
            overrides.push((key, v.to_string()));
        }
    }
    let source = match kind {
        "CODEPIPELINE" => {
            return Err(invalid(
                "Build project with source type CODEPIPELINE can only be started by CodePipeline; override the source type to start it directly",
            ));
        }
        "NO_SOURCE" => SourceInput::Empty,
        "S3" => {
            let location = input
                .get("sourceLocationOverride")
                .and_then(Value::as_str)
                .or_else(|| project.get("source").and_then(|s| s.get("location")).and_then(Value::as_str))
                .unwrap_or_default();
            let stripped = location.strip_prefix("arn:aws:s3:::").unwrap_or(location);
            let (bucket, key) = stripped
                .split_once('/')
                .filter(|(b, k)| !b.is_empty() && !k.is_empty())
                .ok_or_else(|| invalid(format!("Invalid S3 source location: '{location}', expected bucket/key")))?;
            // The build's own copy, taken under the S3 lock, so an overwrite
            // or delete before DOWNLOAD_SOURCE cannot break it.
            let copy = lock(&shared.builds).dir.join(format!("{}.source.zip", uuid::Uuid::new_v4().simple()));
            match lock(&shared.s3).snapshot_object(bucket, key, version.as_deref(), &copy) {
                Some(Ok(())) => SourceInput::Snapshot(copy),
                Some(Err(e)) => return Err(ApiError::internal(format!("cannot keep the source object: {e}"))),
                None => SourceInput::Missing(format!(
                    "error while downloading key {key} from bucket {bucket}: NoSuchKey: The specified key does not exist."
                )),
            }
        }
        other => {
            return Err(invalid(format!("Source type {other} is not supported by the sandbox: use S3 or NO_SOURCE")));
        }
    };
    let env_override = match input.get("environmentVariablesOverride") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(vars)) => {
            for v in vars {
                if v.get("name").and_then(Value::as_str).is_none_or(str::is_empty)
                    || v.get("value").and_then(Value::as_str).is_none()
                {
                    return Err(invalid("environmentVariablesOverride items need a name and a value"));
                }
            }
            vars.clone()
        }
        Some(_) => return Err(invalid("environmentVariablesOverride must be a list")),
    };
    Ok(Requested { project, source, version, overrides, env_override })
}

fn start_build(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    let name = required(input, "projectName")?;
    let Requested { source, version, overrides, env_override, .. } = requested(shared, input, region)?;
    let timeout_minutes = match input.get("timeoutInMinutesOverride").and_then(Value::as_u64) {
        Some(m) if !(5..=2160).contains(&m) => {
            return Err(invalid("timeoutInMinutesOverride must be between 5 and 2160"));
        }
        m => m,
    };
    let (_, build) = launch(
        shared,
        Launch {
            project: name.to_string(),
            region: region.to_string(),
            source,
            source_version: version,
            initiator: "sandbox".into(),
            artifact_zip: None,
            source_override: overrides,
            env_override,
            timeout_minutes,
            managed: None,
            batch_arn: None,
            environment_override: Vec::new(),
        },
    )?;
    Ok(json!({ "build": build }))
}

fn stop(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    let id = required(input, "id")?;
    let build_id = {
        let store = lock(&shared.builds);
        let b = store.build_in(region, id).ok_or_else(|| not_found(format!("Build {id} does not exist")))?;
        if b.complete() {
            return Err(invalid(format!("Build {id} is already complete and cannot be stopped")));
        }
        b.id.clone()
    };
    stop_build(shared, &build_id);
    let store = lock(&shared.builds);
    let build = store.build(&build_id).map(|b| b.to_json()).ok_or_else(|| ApiError::internal("the build vanished"))?;
    Ok(json!({ "build": build }))
}
