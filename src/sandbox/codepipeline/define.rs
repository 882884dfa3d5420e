//! CreatePipeline, UpdatePipeline and DeletePipeline: pipelines defined with
//! AWS's own JSON (`aws codepipeline create-pipeline --cli-input-json ...`),
//! checked by `declare` as CodePipeline checks them, then run by the engine
//! like the config's pipelines. CodePipeline API Reference, CreatePipeline,
//! UpdatePipeline, DeletePipeline; User Guide, "Edit a pipeline in
//! CodePipeline" (creating runs the latest revision, editing does not).

use std::sync::Arc;

use chrono::Utc;
use serde_json::{Value, json};

use super::engine::{create_execution, revision};
use super::{Pipeline, Position, Store, Transition, declare, polling, view};
use crate::sandbox::config::{ActionDecl, PipelineDecl};
use crate::sandbox::http::{ApiError, ApiResult, Input};
use crate::sandbox::{ACCOUNT_ID, Shared, codebuild, lock, regions};

/// The operations this module serves, whatever the Region.
pub const OPERATIONS: [&str; 3] = ["CreatePipeline", "UpdatePipeline", "DeletePipeline"];

pub fn dispatch(shared: &Arc<Shared>, op: &str, input: &Value, region: &str) -> ApiResult {
    if region != regions::HOME {
        // The sandbox's pipelines live in its home Region only (see api.rs).
        return Err(ApiError::validation(format!(
            "The sandbox keeps pipelines in {} only; this request was signed for {region}",
            regions::HOME
        )));
    }
    match op {
        "CreatePipeline" => create(shared, input),
        "UpdatePipeline" => update(shared, input),
        _ => delete(shared, input),
    }
}

/// Checks the declaration and turns it into what the engine reads. The
/// stored declaration has no `version`: GetPipeline adds the current one.
fn declaration(input: &Value) -> ApiResult<(Value, PipelineDecl)> {
    declare::check(input.get("pipeline"))?;
    let mut raw = input.get("pipeline").cloned().unwrap_or_default();
    if let Some(obj) = raw.as_object_mut() {
        obj.remove("version");
    }
    let decl = PipelineDecl::parse(&raw).map_err(|e| ApiError::client("InvalidStructureException", e))?;
    Ok((raw, decl))
}

fn sources(decl: &PipelineDecl) -> impl Iterator<Item = &ActionDecl> {
    decl.stages.iter().flat_map(|s| &s.actions).filter(|a| a.is_s3_source())
}

/// CodePipeline validates the artifact stores a declaration names and refuses
/// one whose bucket does not exist (CodePipeline API Reference, CreatePipeline
/// and UpdatePipeline, Errors: InvalidStructureException). A missing source
/// bucket is not checked here: the run fails at its Source action. Only the
/// sandbox's own `--config` pipelines get their buckets made for them.
fn artifact_buckets_exist(shared: &Shared, decl: &PipelineDecl) -> ApiResult<()> {
    let s3 = lock(&shared.s3);
    for store in decl.artifact_store.iter().chain(decl.artifact_stores.values()) {
        if s3.bucket(&store.location).is_err() {
            return Err(ApiError::client(
                "InvalidStructureException",
                format!("An error occurred while validating the artifact bucket '{}'", store.location),
            ));
        }
    }
    Ok(())
}

fn create(shared: &Arc<Shared>, input: &Value) -> ApiResult {
    let (raw, decl) = declaration(input)?;
    let name = decl.name.clone();
    let mut store = lock(&shared.pipelines);
    if store.pipeline(&name).is_ok() {
        return Err(ApiError::client(
            "PipelineNameInUseException",
            format!("A pipeline named '{name}' already exists in account '{ACCOUNT_ID}'"),
        ));
    }
    artifact_buckets_exist(shared, &decl)?;
    let now = Utc::now();
    let open = Transition { enabled: true, reason: None, changed_at: None };
    let n = decl.stages.len();
    let revisions: Vec<_> = sources(&decl)
        .filter_map(|a| {
            let (bucket, key) = (a.configuration.get("S3Bucket")?, a.configuration.get("S3ObjectKey")?);
            let version = lock(&shared.s3).latest_version(bucket, key)?;
            Some(revision(shared, &a.name, bucket, key, &version))
        })
        .collect();
    store.pipelines.push(Pipeline {
        raw,
        decl,
        created: now,
        version: 1,
        updated: now,
        inbound: vec![open.clone(); n],
        outbound: vec![open; n],
        polling_disabled_at: None,
    });
    polling::baseline(shared, &mut store, Some(&name));
    // A new pipeline runs the latest revision of its sources at once.
    let caller = format!("arn:aws:iam::{ACCOUNT_ID}:user/sandbox");
    create_execution(&mut store, &name, revisions, "CreatePipeline", &caller, None, Vec::new());
    let p = store.pipeline(&name)?;
    let mut out = json!({ "pipeline": view::get_pipeline(p)["pipeline"] });
    if let Some(tags) = input.get("tags").filter(|t| t.as_array().is_some_and(|a| !a.is_empty())) {
        out["tags"] = tags.clone();
    }
    drop(store);
    shared.kick.notify_one();
    Ok(out)
}

fn update(shared: &Arc<Shared>, input: &Value) -> ApiResult {
    let (raw, decl) = declaration(input)?;
    let name = decl.name.clone();
    let mut store = lock(&shared.pipelines);
    // UpdatePipeline models no not-found error: a ValidationException names the field.
    let old = store.pipeline(&name).map_err(|_| {
        ApiError::validation(format!(
            "pipeline.name: account '{ACCOUNT_ID}' has no pipeline named '{name}' to update (CreatePipeline makes one)"
        ))
    })?;
    let old = old.decl.clone();
    artifact_buckets_exist(shared, &decl)?;
    let builds = stop_active(&mut store, &name);
    remap_executions(&mut store, &name, &old, &decl);
    let p = store.pipeline_mut(&name)?;
    let transition = |old_t: &[Transition], stage: &str| {
        let kept = old.stages.iter().position(|s| s.name == stage).and_then(|i| old_t.get(i).cloned());
        kept.unwrap_or(Transition { enabled: true, reason: None, changed_at: None })
    };
    p.inbound = decl.stages.iter().map(|s| transition(&p.inbound, &s.name)).collect();
    p.outbound = decl.stages.iter().map(|s| transition(&p.outbound, &s.name)).collect();
    p.raw = raw;
    p.decl = decl;
    p.version += 1;
    p.updated = Utc::now();
    let out = json!({ "pipeline": view::get_pipeline(p)["pipeline"] });
    // Editing does not rerun the latest revision: what the sources hold now is seen.
    polling::baseline(shared, &mut store, Some(&name));
    drop(store);
    for id in builds {
        codebuild::stop_build(shared, &id);
    }
    shared.kick.notify_one();
    Ok(out)
}

fn delete(shared: &Arc<Shared>, input: &Value) -> ApiResult {
    let name = input.req_str("name")?.to_string();
    let mut store = lock(&shared.pipelines);
    // DeletePipeline has no not-found error: deleting what is gone succeeds.
    let builds = stop_active(&mut store, &name);
    store.pipelines.retain(|p| p.decl.name != name);
    store.executions.retain(|e| e.pipeline != name);
    drop(store);
    for id in builds {
        codebuild::stop_build(shared, &id);
    }
    Ok(json!({}))
}

/// Ends the pipeline's running executions (the sandbox does not carry a run
/// across a change of its declaration); returns the builds to stop.
fn stop_active(store: &mut Store, name: &str) -> Vec<String> {
    let now = Utc::now();
    let mut builds = Vec::new();
    for e in store.executions.iter_mut().filter(|e| e.pipeline == name && e.is_active()) {
        for a in e.actions.iter_mut().filter(|a| !a.stale && a.status == "InProgress") {
            a.status = "Abandoned".into();
            a.updated = now;
            builds.extend(a.external_id.clone());
        }
        if let Position::InStage(s) = e.position
            && let Some(status) = e.stage_status.get_mut(s)
        {
            *status = Some("Stopped".into());
        }
        e.status = "Stopped".into();
        e.status_summary = Some("Stopped because the pipeline was updated or deleted while it ran".into());
        e.position = Position::Done;
        e.updated = now;
    }
    builds
}

/// Keeps the pipeline's history readable under the new declaration: stage
/// and action positions follow their names; what no longer exists is dropped.
fn remap_executions(store: &mut Store, name: &str, old: &PipelineDecl, new: &PipelineDecl) {
    let stage_to = |s: usize| old.stages.get(s).and_then(|st| new.stages.iter().position(|n| n.name == st.name));
    let action_to = |s: usize, a: usize| {
        let old_action = old.stages.get(s)?.actions.get(a)?;
        let ns = stage_to(s)?;
        Some((ns, new.stages[ns].actions.iter().position(|x| x.name == old_action.name)?))
    };
    for e in store.executions.iter_mut().filter(|e| e.pipeline == name) {
        let mut status = vec![None; new.stages.len()];
        for (s, st) in e.stage_status.iter().enumerate() {
            if let Some(ns) = stage_to(s) {
                status[ns] = st.clone();
            }
        }
        e.stage_status = status;
        e.actions.retain_mut(|a| match action_to(a.stage, a.action) {
            Some((ns, na)) => {
                (a.stage, a.action) = (ns, na);
                true
            }
            None => false,
        });
    }
}
