//! CreateProject, UpdateProject and DeleteProject: projects defined with
//! AWS's own JSON (`aws codebuild create-project --cli-input-json ...`),
//! checked against the CodeBuild API model's constraints and the rules its
//! API Reference states, each failure an InvalidInputException naming the
//! member. CodeBuild API Reference, CreateProject, UpdateProject,
//! DeleteProject, ProjectSource, ProjectArtifacts, ProjectEnvironment.

use std::sync::Arc;

use chrono::Utc;
use serde_json::{Map, Value, json};

use super::with_defaults;
use crate::sandbox::config::project_home;
use crate::sandbox::constraints::{Constraints, Pattern};
use crate::sandbox::http::{ApiError, ApiResult, epoch_secs};
use crate::sandbox::{ACCOUNT_ID, Shared, lock};

pub const OPERATIONS: [&str; 3] = ["CreateProject", "UpdateProject", "DeleteProject"];

/// `[A-Za-z0-9][A-Za-z0-9\-_]{1,149}`: the first character is checked apart.
const NAME_CHARS: Pattern =
    Pattern { shown: "[A-Za-z0-9][A-Za-z0-9\\-_]{1,149}", allows: |c| c.is_ascii_alphanumeric() || "-_".contains(c) };

const SOURCE_TYPES: &[&str] = &[
    "CODECOMMIT",
    "CODEPIPELINE",
    "GITHUB",
    "GITLAB",
    "GITLAB_SELF_MANAGED",
    "S3",
    "BITBUCKET",
    "GITHUB_ENTERPRISE",
    "NO_SOURCE",
];
const ENVIRONMENT_TYPES: &[&str] = &[
    "WINDOWS_CONTAINER",
    "LINUX_CONTAINER",
    "LINUX_GPU_CONTAINER",
    "ARM_CONTAINER",
    "WINDOWS_SERVER_2019_CONTAINER",
    "WINDOWS_SERVER_2022_CONTAINER",
    "LINUX_LAMBDA_CONTAINER",
    "ARM_LAMBDA_CONTAINER",
    "LINUX_EC2",
    "ARM_EC2",
    "WINDOWS_EC2",
    "MAC_ARM",
];
const COMPUTE_TYPES: &[&str] = &[
    "BUILD_GENERAL1_SMALL",
    "BUILD_GENERAL1_MEDIUM",
    "BUILD_GENERAL1_LARGE",
    "BUILD_GENERAL1_XLARGE",
    "BUILD_GENERAL1_2XLARGE",
    "BUILD_LAMBDA_1GB",
    "BUILD_LAMBDA_2GB",
    "BUILD_LAMBDA_4GB",
    "BUILD_LAMBDA_8GB",
    "BUILD_LAMBDA_10GB",
    "ATTRIBUTE_BASED_COMPUTE",
    "CUSTOM_INSTANCE_TYPE",
];

const ARTIFACTS_TYPES: &[&str] = &["CODEPIPELINE", "S3", "NO_ARTIFACTS"];
const STATUS: &[&str] = &["ENABLED", "DISABLED"];
const VARIABLE_TYPES: &[&str] = &["PLAINTEXT", "PARAMETER_STORE", "SECRETS_MANAGER"];

/// The model's enums and patterns the checks use, by shape name, for the test
/// that compares them with botocore's codebuild model.
pub const MODEL_ENUMS: &[(&str, &[&str])] = &[
    ("SourceType", SOURCE_TYPES),
    ("EnvironmentType", ENVIRONMENT_TYPES),
    ("ComputeType", COMPUTE_TYPES),
    ("ArtifactsType", ARTIFACTS_TYPES),
    ("LogsConfigStatusType", STATUS),
    ("EnvironmentVariableType", VARIABLE_TYPES),
];
pub const MODEL_PATTERNS: &[(&str, &str)] = &[("ProjectName", NAME_CHARS.shown)];

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::client("InvalidInputException", message)
}

pub fn dispatch(shared: &Arc<Shared>, op: &str, input: &Value, region: &str) -> ApiResult {
    match op {
        "CreateProject" => create(shared, input, region),
        "UpdateProject" => update(shared, input, region),
        _ => delete(shared, input, region),
    }
}

/// The project members CreateProject and UpdateProject take (the rest of the
/// input, if any, is not a project member).
const MEMBERS: &[&str] = &[
    "name",
    "description",
    "source",
    "secondarySources",
    "sourceVersion",
    "secondarySourceVersions",
    "artifacts",
    "secondaryArtifacts",
    "cache",
    "environment",
    "serviceRole",
    "timeoutInMinutes",
    "queuedTimeoutInMinutes",
    "encryptionKey",
    "tags",
    "vpcConfig",
    "badgeEnabled",
    "logsConfig",
    "fileSystemLocations",
    "buildBatchConfig",
    "concurrentBuildLimit",
    "autoRetryLimit",
];

fn members(input: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    for key in MEMBERS {
        if let Some(v) = input.get(*key).filter(|v| !v.is_null()) {
            out.insert((*key).to_string(), v.clone());
        }
    }
    out
}

/// A whole project (after an update, too): the model's constraints, then the
/// rules between members.
fn check(p: &Value) -> Result<(), ApiError> {
    let mut c = Constraints::default();
    for member in ["name", "source", "artifacts", "environment", "serviceRole"] {
        c.required(p.get(member), member);
    }
    if let Some(name) = c.string(p.get("name"), "name", (2, 150), Some(&NAME_CHARS))
        && name.starts_with(['-', '_'])
    {
        c.errors.push(format!(
            "Value '{name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: {}",
            NAME_CHARS.shown
        ));
    }
    c.string(p.get("description"), "description", (0, 255), None);
    c.one_of(p.pointer("/source/type"), "source.type", SOURCE_TYPES);
    c.one_of(p.pointer("/artifacts/type"), "artifacts.type", ARTIFACTS_TYPES);
    if p.get("source").is_some() {
        c.required(p.pointer("/source/type"), "source.type");
    }
    if p.get("artifacts").is_some() {
        c.required(p.pointer("/artifacts/type"), "artifacts.type");
    }
    if p.get("environment").is_some() {
        for member in ["type", "image", "computeType"] {
            c.required(p.pointer(&format!("/environment/{member}")), &format!("environment.{member}"));
        }
    }
    c.one_of(p.pointer("/environment/type"), "environment.type", ENVIRONMENT_TYPES);
    c.string(p.pointer("/environment/image"), "environment.image", (1, usize::MAX), None);
    c.one_of(p.pointer("/environment/computeType"), "environment.computeType", COMPUTE_TYPES);
    let vars = c.list(p.pointer("/environment/environmentVariables"), "environment.environmentVariables", (0, 10_000));
    for (path, var) in vars {
        c.required(var.get("name"), &format!("{path}.name"));
        c.string(var.get("name"), &format!("{path}.name"), (1, usize::MAX), None);
        c.required(var.get("value"), &format!("{path}.value"));
        c.one_of(var.get("type"), &format!("{path}.type"), VARIABLE_TYPES);
    }
    c.string(p.get("serviceRole"), "serviceRole", (1, usize::MAX), None);
    c.int(p.get("timeoutInMinutes"), "timeoutInMinutes", (5, 2160));
    c.int(p.get("queuedTimeoutInMinutes"), "queuedTimeoutInMinutes", (5, 480));
    c.list(p.get("tags"), "tags", (0, 50));
    for which in ["cloudWatchLogs", "s3Logs"] {
        let path = format!("logsConfig.{which}");
        if let Some(cfg) = p.pointer(&format!("/logsConfig/{which}")) {
            c.required(cfg.get("status"), &format!("{path}.status"));
            c.one_of(cfg.get("status"), &format!("{path}.status"), STATUS);
        }
    }
    if let Some(message) = c.message() {
        return Err(invalid(message));
    }
    rules(p)
}

/// The API Reference's rules between members.
fn rules(p: &Value) -> Result<(), ApiError> {
    let text = |pointer: &str| p.pointer(pointer).and_then(Value::as_str).unwrap_or_default();
    let (source, artifacts) = (text("/source/type"), text("/artifacts/type"));
    if (source == "CODEPIPELINE") != (artifacts == "CODEPIPELINE") {
        return Err(invalid(format!(
            "source.type {source} and artifacts.type {artifacts}: a project's source and artifacts are both CODEPIPELINE or neither is"
        )));
    }
    if source == "S3" && text("/source/location").is_empty() {
        return Err(invalid("source.location is required for source type S3 (bucket/key of the zip)"));
    }
    if source == "NO_SOURCE" && text("/source/buildspec").is_empty() {
        return Err(invalid("source.buildspec is required for source type NO_SOURCE"));
    }
    if artifacts == "S3" && text("/artifacts/location").is_empty() {
        return Err(invalid("artifacts.location is required for artifacts type S3 (the bucket name)"));
    }
    if text("/logsConfig/s3Logs/status") == "ENABLED" && text("/logsConfig/s3Logs/location").is_empty() {
        return Err(invalid("logsConfig.s3Logs.location is required when s3Logs is ENABLED"));
    }
    Ok(())
}

fn arn(region: &str, name: &str) -> String {
    format!("arn:aws:codebuild:{region}:{ACCOUNT_ID}:project/{name}")
}

fn create(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    let mut project = Value::Object(members(input));
    check(&project)?;
    let name = project.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
    // The project lives in the Region the request was signed for.
    project["arn"] = json!(arn(region, &name));
    let project = with_defaults(project, &epoch_secs(Utc::now()));
    let mut store = lock(&shared.builds);
    if store.project(region, &name).is_some() {
        return Err(ApiError::client(
            "ResourceAlreadyExistsException",
            format!("Project already exists: {}", arn(region, &name)),
        ));
    }
    store.projects.push(project.clone());
    Ok(json!({ "project": project }))
}

fn update(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    let name = input.get("name").and_then(Value::as_str).filter(|n| !n.is_empty());
    let name = name.ok_or_else(|| {
        invalid(
            "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
        )
    })?;
    let mut store = lock(&shared.builds);
    let index = store
        .projects
        .iter()
        .position(|p| project_home(p).0 == region && p.get("name").and_then(Value::as_str) == Some(name))
        .ok_or_else(|| {
            ApiError::client("ResourceNotFoundException", format!("Project cannot be found: {}", arn(region, name)))
        })?;
    // The members given replace the project's; the others stay.
    let mut project = store.projects[index].clone();
    for (key, value) in members(input) {
        project[key.as_str()] = value;
    }
    check(&project)?;
    project["lastModified"] = epoch_secs(Utc::now());
    store.projects[index] = project.clone();
    Ok(json!({ "project": project }))
}

fn delete(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    let name = input.get("name").and_then(Value::as_str).filter(|n| !n.is_empty());
    let name = name.ok_or_else(|| {
        invalid(
            "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
        )
    })?;
    // DeleteProject takes a name or an ARN; a project that is not there is no error.
    lock(&shared.builds).projects.retain(|p| {
        let here = project_home(p).0 == region;
        !(here
            && (p.get("name").and_then(Value::as_str) == Some(name)
                || p.get("arn").and_then(Value::as_str) == Some(name)))
    });
    Ok(json!({}))
}
