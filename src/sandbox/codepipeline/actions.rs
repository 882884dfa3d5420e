//! Starting and polling the actions the sandbox can run: S3 sources, CodeBuild
//! builds, Commands actions and manual approvals.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use super::{ActionExec, Execution, new_id, variables};
use crate::sandbox::codebuild::batch::BatchRequest;
use crate::sandbox::codebuild::{self, BuildRequest, SourceInput};
use crate::sandbox::config::ActionDecl;
use crate::sandbox::{Shared, lock};

/// A source action takes a moment, as on AWS, so its progress is visible.
const SOURCE_DURATION: Duration = Duration::from_millis(500);

pub fn start(shared: &Arc<Shared>, pipeline: &str, e: &mut Execution, stage: usize, action: usize, decl: &ActionDecl) {
    let now = Utc::now();
    let mut exec = ActionExec {
        id: new_id(),
        stage,
        action,
        status: "InProgress".into(),
        started: now,
        updated: now,
        summary: None,
        token: None,
        external_id: None,
        external_url: None,
        error: None,
        updated_by: None,
        stale: false,
        log_stream_arn: None,
        output_variables: Vec::new(),
        namespace: decl.namespace.clone(),
        resolved: None,
    };
    // References resolve against what this execution has produced so far.
    let resolved = match variables::resolved_action(decl, e) {
        Ok(d) => d,
        Err(reference) => {
            fail(&mut exec, "JobFailed", format!("The variable reference {reference} could not be resolved"));
            e.actions.push(exec);
            e.updated = now;
            return;
        }
    };
    exec.resolved = Some(resolved.configuration.clone());
    let decl = &resolved;
    if decl.is_s3_source() {
        start_source(shared, e, decl, &mut exec);
    } else if decl.is_codebuild() {
        start_build(shared, pipeline, e, decl, &mut exec);
    } else if super::deploy::is_s3_deploy(decl) {
        super::deploy::start(shared, e, decl, &mut exec);
    } else if decl.is_commands() {
        super::commands::start(shared, pipeline, e, decl, &mut exec);
    } else if decl.is_manual_approval() {
        exec.token = Some(new_id());
        exec.summary = decl.configuration.get("CustomData").cloned();
    } else {
        let t = &decl.action_type_id;
        fail(
            &mut exec,
            "JobFailed",
            format!("The sandbox cannot run {}/{}/{} actions", t.category, t.owner, t.provider),
        );
    }
    e.actions.push(exec);
    e.updated = now;
}

pub(super) fn fail(exec: &mut ActionExec, code: &str, message: String) {
    exec.status = "Failed".into();
    exec.error = Some((code.into(), message));
    exec.updated = Utc::now();
}

fn start_source(shared: &Arc<Shared>, e: &mut Execution, decl: &ActionDecl, exec: &mut ActionExec) {
    let bucket = decl.configuration.get("S3Bucket").cloned().unwrap_or_default();
    let key = decl.configuration.get("S3ObjectKey").cloned().unwrap_or_default();
    let Some(rev) = e.sources.iter().find(|r| r.action_name == decl.name).cloned() else {
        // A pipeline defined through the API may name a bucket nobody made:
        // like AWS, the run fails here and the pipeline stays.
        let missing = if lock(&shared.s3).bucket(&bucket).is_err() {
            format!("The specified bucket '{bucket}' does not exist.")
        } else {
            format!("The object with key '{key}' does not exist in bucket '{bucket}'.")
        };
        fail(exec, "JobFailed", missing);
        return;
    };
    // The execution's own copy of the revision, taken under the S3 lock: a
    // later delete or overwrite of the object cannot break a build reading it.
    let name = decl.output_artifacts.first().map_or(decl.name.as_str(), |o| o.name.as_str());
    let copy = artifacts_dir(shared, e).join(format!("{name}.zip"));
    // The object the revision names: another key when the start overrode it.
    let (bucket, key) = &rev.object;
    match lock(&shared.s3).snapshot_object(bucket, key, Some(&rev.revision_id), &copy) {
        None => {
            let version = &rev.revision_id;
            let missing =
                format!("The object with key '{key}' and version '{version}' does not exist in bucket '{bucket}'.");
            fail(exec, "JobFailed", missing);
            return;
        }
        Some(Err(err)) => {
            fail(exec, "JobFailed", format!("The sandbox could not keep the object with key '{key}': {err}"));
            return;
        }
        Some(Ok(())) => {}
    }
    for out in &decl.output_artifacts {
        e.artifacts.insert(out.name.clone(), copy.clone());
    }
    exec.external_id = Some(rev.revision_id.clone());
    exec.summary = rev.summary.clone();
    exec.external_url = Some(format!("https://console.aws.amazon.com/s3/buckets/{bucket}?prefix={key}"));
}

fn start_build(shared: &Arc<Shared>, pipeline: &str, e: &mut Execution, decl: &ActionDecl, exec: &mut ActionExec) {
    let project = decl.configuration.get("ProjectName").cloned().unwrap_or_default();
    let Some(input) = decl.input_artifacts.first() else {
        fail(exec, "JobFailed", "A CodeBuild action needs an input artifact".into());
        return;
    };
    let Some(source_zip) = e.artifacts.get(&input.name).cloned() else {
        fail(exec, "JobFailed", format!("Input artifact {} was not produced by an earlier stage", input.name));
        return;
    };
    let artifact_zip = decl.output_artifacts.first().map(|o| artifacts_dir(shared, e).join(format!("{}.zip", o.name)));
    let region = decl.region().to_string();
    // CodeBuild action configuration: EnvironmentVariables is a JSON list of
    // { name, value, type } given to the build (CodePipeline User Guide,
    // "AWS CodeBuild build and test action reference").
    let env = decl
        .configuration
        .get("EnvironmentVariables")
        .and_then(|text| serde_json::from_str::<Vec<serde_json::Value>>(text).ok())
        .unwrap_or_default();
    if decl.configuration.get("BatchEnabled").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        let combine = decl.configuration.get("CombineArtifacts").is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let request = BatchRequest {
            project: project.clone(),
            region: region.clone(),
            source: SourceInput::Zip(source_zip),
            source_version: e.sources.first().map(|r| r.revision_id.clone()).filter(|v| !v.is_empty()),
            initiator: format!("codepipeline/{pipeline}"),
            source_override: Vec::new(),
            env_override: env,
            artifact_zip,
            config_override: Some(serde_json::json!({ "combineArtifacts": combine })).filter(|_| combine),
        };
        return start_batch(shared, exec, request, &project, &region);
    }
    let request = BuildRequest {
        env,
        project: project.clone(),
        region: region.clone(),
        source_zip,
        source_version: e.sources.first().map(|r| r.revision_id.clone()).unwrap_or_default(),
        initiator: format!("codepipeline/{pipeline}"),
        artifact_zip,
    };
    match codebuild::start_build(shared, request) {
        Ok(id) => {
            exec.external_url = Some(format!(
                "https://console.aws.amazon.com/codesuite/codebuild/projects/{project}/build/{}/?region={region}",
                id.replace(':', "%3A")
            ));
            exec.external_id = Some(id);
        }
        Err(err) => fail(exec, "JobFailed", format!("Error calling startBuild: {}", err.message)),
    }
}

/// A CodeBuild action with `BatchEnabled: true` starts a batch; its
/// externalExecutionId is the batch id (CodePipeline User Guide, "AWS
/// CodeBuild build and test action reference", BatchEnabled / CombineArtifacts).
fn start_batch(shared: &Arc<Shared>, exec: &mut ActionExec, request: BatchRequest, project: &str, region: &str) {
    match codebuild::batch::start_batch(shared, request) {
        Ok(batch) => {
            let id = batch.get("id").and_then(serde_json::Value::as_str).unwrap_or_default().to_string();
            exec.external_url = Some(format!(
                "https://console.aws.amazon.com/codesuite/codebuild/projects/{project}/batch/{}/?region={region}",
                id.replace(':', "%3A")
            ));
            exec.external_id = Some(id);
        }
        Err(err) => fail(exec, "JobFailed", format!("Error calling startBuildBatch: {}", err.message)),
    }
}

/// Updates the running actions of stage `s`; true if any finished.
pub fn poll(shared: &Arc<Shared>, e: &mut Execution, s: usize) -> bool {
    let mut changed = false;
    let now = Utc::now();
    let mut built = false;
    for a in e.actions.iter_mut().filter(|a| a.stage == s && !a.stale && a.status == "InProgress") {
        if a.token.is_some() {
            continue; // approvals finish through PutApprovalResult
        }
        let Some(external) = a.external_id.clone() else { continue };
        if super::deploy::is_deploy(&external) {
            if let Some(outcome) = super::deploy::take(&external) {
                match outcome {
                    Ok(summary) => {
                        a.status = "Succeeded".into();
                        a.summary = Some(summary);
                    }
                    Err(message) => {
                        a.status = "Failed".into();
                        a.error = Some(("JobFailed".into(), message));
                    }
                }
                a.updated = now;
                changed = true;
            }
            continue;
        }
        if !external.contains(':') {
            // S3 source: the revision id is the version id.
            if (now - a.started).to_std().unwrap_or_default() >= SOURCE_DURATION {
                a.status = "Succeeded".into();
                a.updated = now;
                changed = true;
            }
            continue;
        }
        let (outcome, failure, exported) = {
            let builds = lock(&shared.builds);
            match builds.batch_outcome(&external) {
                Some((status, message)) => (Some(codebuild::BuildOutcome { status, message }), None, Vec::new()),
                None => (builds.outcome(&external), builds.failure(&external), builds.exported(&external)),
            }
        };
        let Some(outcome) = outcome else { continue };
        a.updated = now;
        changed = true;
        if outcome.status == "SUCCEEDED" {
            a.status = "Succeeded".into();
            a.output_variables = exported;
            built = true;
        } else {
            // AWS's wording: "Build terminated with state: FAILED. Phase: BUILD, Code: ..., Message: ..."
            let detail = match failure {
                Some((phase, code, message)) => format!(". Phase: {phase}, Code: {code}, Message: {message}"),
                None => outcome.message.map(|m| format!(". {m}")).unwrap_or_default(),
            };
            a.status = "Failed".into();
            a.error = Some(("JobFailed".into(), format!("Build terminated with state: {}{detail}", outcome.status)));
        }
    }
    if built {
        register_outputs(shared, e);
    }
    changed
}

/// Where execution `e`'s artifacts live: `<state dir>/artifacts/<execution>`.
pub(super) fn artifacts_dir(shared: &Shared, e: &Execution) -> std::path::PathBuf {
    shared.state_dir.join(crate::sandbox::ARTIFACTS_DIR).join(&e.id)
}

/// A successful build has written its output artifact to
/// `artifacts/<execution>/<name>.zip`; later stages read it from there.
fn register_outputs(shared: &Arc<Shared>, e: &mut Execution) {
    let dir = artifacts_dir(shared, e);
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    for path in entries.flatten().map(|entry| entry.path()) {
        if path.extension().is_some_and(|x| x == "zip")
            && let Some(name) = path.file_stem().and_then(|n| n.to_str())
        {
            e.artifacts.insert(name.to_string(), path.clone());
        }
    }
}
