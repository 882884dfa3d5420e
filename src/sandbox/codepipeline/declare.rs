//! Checks a pipeline declaration given to CreatePipeline or UpdatePipeline as
//! CodePipeline does: first the API model's member constraints
//! (ValidationException), then the structure (InvalidStructureException),
//! each stage (InvalidStageDeclarationException) and each action
//! (InvalidActionDeclarationException). CodePipeline API Reference,
//! CreatePipeline and PipelineDeclaration; botocore's codepipeline model for
//! the constraints; CodePipeline User Guide, "Valid input and output
//! artifacts for each action type" for the artifact counts.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::sandbox::constraints::{Constraints, Pattern};
use crate::sandbox::http::ApiError;

const NAME: Pattern =
    Pattern { shown: "[A-Za-z0-9.@\\-_]+", allows: |c| c.is_ascii_alphanumeric() || ".@-_".contains(c) };
const ARTIFACT: Pattern =
    Pattern { shown: "[a-zA-Z0-9_\\-]+", allows: |c| c.is_ascii_alphanumeric() || "_-".contains(c) };
const PROVIDER: Pattern =
    Pattern { shown: "[0-9A-Za-z_-]+", allows: |c| c.is_ascii_alphanumeric() || "_-".contains(c) };
const BUCKET: Pattern =
    Pattern { shown: "[a-zA-Z0-9\\-\\.]+", allows: |c| c.is_ascii_alphanumeric() || "-.".contains(c) };
const NAMESPACE: Pattern =
    Pattern { shown: "[A-Za-z0-9@\\-_]+", allows: |c| c.is_ascii_alphanumeric() || "@-_".contains(c) };
const CATEGORIES: &[&str] = &["Source", "Build", "Deploy", "Test", "Invoke", "Approval", "Compute"];
const OWNERS: &[&str] = &["AWS", "ThirdParty", "Custom"];
const MODES: &[&str] = &["QUEUED", "SUPERSEDED", "PARALLEL"];
const TYPES: &[&str] = &["V1", "V2"];
const ROLE_ARN: &str = "arn:aws(-[\\w]+)*:iam::[0-9]{12}:role/.*";

/// The model's enums and patterns the checks use, by shape name, for the test
/// that compares them with botocore's codepipeline model.
pub const MODEL_ENUMS: &[(&str, &[&str])] = &[
    ("ActionCategory", CATEGORIES),
    ("ActionOwner", OWNERS),
    ("ExecutionMode", MODES),
    ("PipelineType", TYPES),
    ("ArtifactStoreType", &["S3"]),
];
pub const MODEL_PATTERNS: &[(&str, &str)] = &[
    ("PipelineName", NAME.shown),
    ("StageName", NAME.shown),
    ("ActionName", NAME.shown),
    ("ArtifactName", ARTIFACT.shown),
    ("ActionProvider", PROVIDER.shown),
    ("Version", PROVIDER.shown),
    ("ArtifactStoreLocation", BUCKET.shown),
    ("ActionNamespace", NAMESPACE.shown),
    ("PipelineVariableName", NAMESPACE.shown),
    ("RoleArn", ROLE_ARN),
];

fn structure(message: String) -> ApiError {
    ApiError::client("InvalidStructureException", message)
}
fn stage_error(message: String) -> ApiError {
    ApiError::client("InvalidStageDeclarationException", message)
}
pub(super) fn action_error(message: String) -> ApiError {
    ApiError::client("InvalidActionDeclarationException", message)
}

/// Checks `pipeline` (a PipelineDeclaration) and says what is wrong first.
pub fn check(pipeline: Option<&Value>) -> Result<(), ApiError> {
    let mut c = Constraints::default();
    let Some(p) = c.required(pipeline, "pipeline") else {
        return Err(ApiError::validation(c.message().unwrap_or_default()));
    };
    model(&mut c, p);
    if let Some(message) = c.message() {
        return Err(ApiError::validation(message));
    }
    semantics(p)
}

/// The member constraints of PipelineDeclaration and what it holds.
fn model(c: &mut Constraints, p: &Value) {
    c.required(p.get("name"), "pipeline.name");
    c.string(p.get("name"), "pipeline.name", (1, 100), Some(&NAME));
    c.required(p.get("roleArn"), "pipeline.roleArn");
    role_arn(c, p.get("roleArn"), "pipeline.roleArn");
    c.one_of(p.get("executionMode"), "pipeline.executionMode", MODES);
    c.one_of(p.get("pipelineType"), "pipeline.pipelineType", TYPES);
    c.int(p.get("version"), "pipeline.version", (1, i64::MAX));
    if let Some(store) = p.get("artifactStore").filter(|s| !s.is_null()) {
        artifact_store(c, store, "pipeline.artifactStore");
    }
    for (region, store, path) in c.map(p.get("artifactStores"), "pipeline.artifactStores") {
        c.string(Some(&Value::String(region.into())), &format!("{path}(key)"), (4, 30), None);
        artifact_store(c, store, &path);
    }
    for (path, v) in c.list(p.get("variables"), "pipeline.variables", (0, 50)) {
        c.required(v.get("name"), &format!("{path}.name"));
        c.string(v.get("name"), &format!("{path}.name"), (1, 128), Some(&NAMESPACE));
        c.string(v.get("defaultValue"), &format!("{path}.defaultValue"), (1, 1000), None);
        c.string(v.get("description"), &format!("{path}.description"), (0, 200), None);
    }
    c.list(p.get("triggers"), "pipeline.triggers", (0, 50));
    c.required(p.get("stages"), "pipeline.stages");
    for (path, stage) in c.list(p.get("stages"), "pipeline.stages", (0, usize::MAX)) {
        c.required(stage.get("name"), &format!("{path}.name"));
        c.string(stage.get("name"), &format!("{path}.name"), (1, 100), Some(&NAME));
        c.required(stage.get("actions"), &format!("{path}.actions"));
        for (path, action) in c.list(stage.get("actions"), &format!("{path}.actions"), (0, usize::MAX)) {
            action_model(c, action, &path);
        }
    }
}

fn role_arn(c: &mut Constraints, v: Option<&Value>, path: &str) {
    let Some(arn) = c.string(v, path, (0, 1024), None) else { return };
    // arn:aws(-[\w]+)*:iam::[0-9]{12}:role/.*
    let ok = arn.split_once(":iam::").is_some_and(|(partition, rest)| {
        partition.starts_with("arn:aws")
            && rest.len() > 13
            && rest[..12].bytes().all(|b| b.is_ascii_digit())
            && rest[12..].starts_with(":role/")
    });
    if !ok {
        c.errors.push(format!(
            "Value '{arn}' at '{path}' failed to satisfy constraint: Member must satisfy regular expression pattern: {ROLE_ARN}"
        ));
    }
}

fn artifact_store(c: &mut Constraints, store: &Value, path: &str) {
    c.required(store.get("type"), &format!("{path}.type"));
    c.one_of(store.get("type"), &format!("{path}.type"), &["S3"]);
    c.required(store.get("location"), &format!("{path}.location"));
    c.string(store.get("location"), &format!("{path}.location"), (3, 63), Some(&BUCKET));
}

fn action_model(c: &mut Constraints, a: &Value, path: &str) {
    c.required(a.get("name"), &format!("{path}.name"));
    c.string(a.get("name"), &format!("{path}.name"), (1, 100), Some(&NAME));
    let type_path = format!("{path}.actionTypeId");
    if let Some(t) = c.required(a.get("actionTypeId"), &type_path) {
        for member in ["category", "owner", "provider", "version"] {
            c.required(t.get(member), &format!("{type_path}.{member}"));
        }
        c.one_of(t.get("category"), &format!("{type_path}.category"), CATEGORIES);
        c.one_of(t.get("owner"), &format!("{type_path}.owner"), OWNERS);
        c.string(t.get("provider"), &format!("{type_path}.provider"), (1, 35), Some(&PROVIDER));
        c.string(t.get("version"), &format!("{type_path}.version"), (1, 9), Some(&PROVIDER));
    }
    c.int(a.get("runOrder"), &format!("{path}.runOrder"), (1, 999));
    for (key, value, item) in c.map(a.get("configuration"), &format!("{path}.configuration")) {
        c.string(Some(&Value::String(key.into())), &format!("{item}(key)"), (1, 50), None);
        c.string(Some(value), &item, (1, 50000), None);
    }
    for field in ["inputArtifacts", "outputArtifacts"] {
        for (item, artifact) in c.list(a.get(field), &format!("{path}.{field}"), (0, usize::MAX)) {
            c.required(artifact.get("name"), &format!("{item}.name"));
            c.string(artifact.get("name"), &format!("{item}.name"), (1, 100), Some(&ARTIFACT));
        }
    }
    if a.get("roleArn").is_some_and(|r| !r.is_null()) {
        role_arn(c, a.get("roleArn"), &format!("{path}.roleArn"));
    }
    c.string(a.get("region"), &format!("{path}.region"), (4, 30), None);
    c.string(a.get("namespace"), &format!("{path}.namespace"), (1, 100), Some(&NAMESPACE));
    c.int(a.get("timeoutInMinutes"), &format!("{path}.timeoutInMinutes"), (5, 86400));
    c.list(a.get("commands"), &format!("{path}.commands"), (1, 50));
}

pub(super) fn names<'a>(v: &'a Value, field: &str) -> Vec<&'a str> {
    v.get(field)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(|i| i.get("name").and_then(Value::as_str)).collect())
        .unwrap_or_default()
}

pub(super) fn str_of<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or_default()
}

/// What the model cannot say: the pipeline's shape, each stage and action.
fn semantics(p: &Value) -> Result<(), ApiError> {
    let empty = Vec::new();
    let stages = p.get("stages").and_then(Value::as_array).unwrap_or(&empty);
    let has_store = p.get("artifactStore").is_some_and(|s| !s.is_null());
    let has_stores = p.get("artifactStores").and_then(Value::as_object).is_some_and(|m| !m.is_empty());
    if has_store == has_stores {
        return Err(structure(
            "pipeline.artifactStore / pipeline.artifactStores: give exactly one of them (artifactStores for cross-Region pipelines)".into(),
        ));
    }
    let mode = p.get("executionMode").and_then(Value::as_str).unwrap_or("SUPERSEDED");
    let v2 = p.get("pipelineType").and_then(Value::as_str) == Some("V2");
    if mode != "SUPERSEDED" && !v2 {
        return Err(ApiError::validation(format!(
            "pipeline.executionMode: {mode} needs pipelineType V2 (V1 pipelines run in SUPERSEDED mode)"
        )));
    }
    if stages.len() < 2 {
        return Err(structure(format!(
            "pipeline.stages: a pipeline must have at least 2 stages, this one has {}",
            stages.len()
        )));
    }
    let mut stage_names = BTreeSet::new();
    // Artifacts produced so far, with the (stage, runOrder) producing them.
    let mut produced: Vec<(&str, usize, i64)> = Vec::new();
    for (s, stage) in stages.iter().enumerate() {
        let stage_name = str_of(stage, "/name");
        if !stage_names.insert(stage_name) {
            return Err(structure(format!("pipeline.stages: two stages are named '{stage_name}'")));
        }
        let actions = stage.get("actions").and_then(Value::as_array).unwrap_or(&empty);
        if actions.is_empty() {
            return Err(stage_error(format!("Stage '{stage_name}' must have at least one action")));
        }
        let mut action_names = BTreeSet::new();
        for action in actions {
            let name = str_of(action, "/name");
            if !action_names.insert(name) {
                return Err(stage_error(format!("Stage '{stage_name}' has two actions named '{name}'")));
            }
            let is_source = str_of(action, "/actionTypeId/category") == "Source";
            if s == 0 && !is_source {
                return Err(structure(format!(
                    "Stage '{stage_name}': the first stage may hold only Source actions, and action '{name}' is not one"
                )));
            }
            if s > 0 && is_source {
                return Err(structure(format!(
                    "Stage '{stage_name}': Source action '{name}' may only be in the first stage"
                )));
            }
            actions::check(action)?;
        }
        // This stage's outputs first: a later runOrder of the stage may read them.
        for action in actions {
            let order = action.get("runOrder").and_then(Value::as_i64).unwrap_or(1);
            for output in names(action, "outputArtifacts") {
                if produced.iter().any(|(n, _, _)| *n == output) {
                    return Err(structure(format!(
                        "Output artifact name '{output}' is used by more than one action; artifact names must be unique in a pipeline"
                    )));
                }
                produced.push((output, s, order));
            }
        }
        for action in actions {
            let name = str_of(action, "/name");
            let order = action.get("runOrder").and_then(Value::as_i64).unwrap_or(1);
            for input in names(action, "inputArtifacts") {
                let before = produced.iter().any(|(n, ps, po)| *n == input && (*ps < s || (*ps == s && *po < order)));
                if !before {
                    return Err(structure(format!(
                        "Action '{name}' in stage '{stage_name}' reads input artifact '{input}', which no earlier action (by stage and runOrder) outputs"
                    )));
                }
            }
        }
    }
    Ok(())
}

mod actions;
#[cfg(test)]
mod tests;
