//! Renders pipelines and executions in CodePipeline's JSON response shapes.

use serde_json::{Value, json};

use super::{ActionExec, Execution, Pipeline, Store, Transition};
use crate::sandbox::ACCOUNT_ID;
use crate::sandbox::http::epoch_secs;

pub fn pipeline_arn(name: &str) -> String {
    format!("arn:aws:codepipeline:us-east-1:{ACCOUNT_ID}:{name}")
}

pub fn pipeline_summary(p: &Pipeline) -> Value {
    json!({
        "name": p.decl.name,
        "version": p.version,
        "pipelineType": p.decl.pipeline_type,
        "executionMode": p.decl.execution_mode,
        "created": epoch_secs(p.created),
        "updated": epoch_secs(p.updated),
    })
}

pub fn get_pipeline(p: &Pipeline) -> Value {
    let mut decl = p.raw.clone();
    if let Some(obj) = decl.as_object_mut() {
        obj.insert("version".into(), json!(p.version));
        obj.entry("executionMode").or_insert(json!(p.decl.execution_mode));
        obj.entry("pipelineType").or_insert(json!(p.decl.pipeline_type));
    }
    let mut metadata = json!({ "pipelineArn": pipeline_arn(&p.decl.name), "created": epoch_secs(p.created), "updated": epoch_secs(p.updated) });
    if let Some(at) = p.polling_disabled_at {
        metadata["pollingDisabledAt"] = epoch_secs(at);
    }
    json!({ "pipeline": decl, "metadata": metadata })
}

fn transition(t: &Transition) -> Value {
    let mut v = json!({ "enabled": t.enabled });
    if let Some(at) = t.changed_at {
        v["lastChangedAt"] = epoch_secs(at);
        v["lastChangedBy"] = json!(format!("arn:aws:iam::{ACCOUNT_ID}:user/sandbox"));
    }
    if let Some(reason) = &t.reason {
        v["disabledReason"] = json!(reason);
    }
    v
}

fn action_latest(a: &ActionExec) -> Value {
    let mut v = json!({
        "actionExecutionId": a.id,
        "status": a.status,
        "lastStatusChange": epoch_secs(a.updated),
    });
    let fields = [
        ("summary", &a.summary),
        ("token", &a.token),
        ("externalExecutionId", &a.external_id),
        ("externalExecutionUrl", &a.external_url),
        ("lastUpdatedBy", &a.updated_by),
        ("logStreamARN", &a.log_stream_arn),
    ];
    for (name, value) in fields {
        if let Some(value) = value {
            v[name] = json!(value);
        }
    }
    if a.status != "InProgress" {
        v.as_object_mut().map(|o| o.remove("token"));
    }
    if let Some((code, message)) = &a.error {
        v["errorDetails"] = json!({ "code": code, "message": message });
    }
    v
}

pub fn pipeline_state(store: &Store, p: &Pipeline) -> Value {
    let name = &p.decl.name;
    let stages: Vec<Value> = p
        .decl
        .stages
        .iter()
        .enumerate()
        .map(|(s, stage)| {
            let latest = store.latest_in_stage(name, s);
            let actions: Vec<Value> = stage
                .actions
                .iter()
                .enumerate()
                .map(|(a, decl)| {
                    let mut v = json!({ "actionName": decl.name });
                    let exec = latest.and_then(|e| e.current_actions(s).find(|x| x.action == a));
                    if let Some(exec) = exec {
                        v["latestExecution"] = action_latest(exec);
                        if decl.is_s3_source()
                            && let Some(rev) = latest.and_then(|e| e.sources.iter().find(|r| r.action_name == decl.name)) {
                                v["currentRevision"] = json!({ "revisionId": rev.revision_id, "revisionChangeId": rev.revision_id, "created": epoch_secs(rev.created) });
                            }
                    }
                    v
                })
                .collect();
            let mut v = json!({
                "stageName": stage.name,
                "inboundTransitionState": transition(&p.inbound[s]),
                "actionStates": actions,
            });
            if let Some(e) = latest {
                let status = e.stage_status[s].clone().unwrap_or_default();
                v["latestExecution"] = super::v2::stage_execution(e, &status);
                if let Some(r) = e.retries.get(&s) {
                    v["retryStageMetadata"] = r.to_json();
                }
            }
            super::v2::add_inbound(&mut v, store, p, s);
            super::conditions_api::add_states(&mut v, store, p, s);
            v
        })
        .collect();
    json!({
        "pipelineName": name,
        "pipelineVersion": 1,
        "stageStates": stages,
        "created": epoch_secs(p.created),
        "updated": epoch_secs(p.created),
    })
}

fn source_revisions(e: &Execution) -> Value {
    e.sources
        .iter()
        .map(|r| {
            let mut v = json!({ "actionName": r.action_name, "revisionId": r.revision_id });
            if let Some(s) = &r.summary {
                v["revisionSummary"] = json!(s);
            }
            v["revisionUrl"] = json!(format!(
                "https://console.aws.amazon.com/s3/home?region=us-east-1#/s3/object/{}?prefix={}",
                r.object.0, r.object.1
            ));
            v
        })
        .collect()
}

fn trigger(e: &Execution) -> Value {
    json!({ "triggerType": e.trigger_type, "triggerDetail": e.trigger_detail })
}

pub fn execution_summary(e: &Execution) -> Value {
    let mut v = json!({
        "pipelineExecutionId": e.id,
        "status": e.status,
        "startTime": epoch_secs(e.started),
        "lastUpdateTime": epoch_secs(e.updated),
        "sourceRevisions": source_revisions(e),
        "trigger": trigger(e),
        "executionMode": e.mode,
        "executionType": e.execution_type(),
    });
    if let Some(s) = &e.status_summary {
        v["statusSummary"] = json!(s);
    }
    add_rollback_metadata(&mut v, e);
    if let Some((_, Some(reason))) = &e.stop {
        v["stopTrigger"] = json!({ "reason": reason });
    }
    v
}

pub fn execution_detail(e: &Execution) -> Value {
    let revisions: Vec<Value> = e
        .sources
        .iter()
        .map(|r| {
            let mut v = json!({ "name": "SourceArtifact", "revisionId": r.revision_id, "revisionChangeIdentifier": r.revision_id, "created": epoch_secs(r.created) });
            if let Some(s) = &r.summary {
                v["revisionSummary"] = json!(s);
            }
            v
        })
        .collect();
    let mut v = json!({
        "pipelineName": e.pipeline,
        "pipelineVersion": 1,
        "pipelineExecutionId": e.id,
        "status": e.status,
        "artifactRevisions": revisions,
        "trigger": trigger(e),
        "executionMode": e.mode,
        "executionType": e.execution_type(),
        "variables": e.variables.iter().map(|(k, v)| json!({ "name": k, "resolvedValue": v })).collect::<Vec<_>>(),
    });
    if let Some(s) = &e.status_summary {
        v["statusSummary"] = json!(s);
    }
    add_rollback_metadata(&mut v, e);
    v
}

pub fn action_execution(p: &Pipeline, e: &Execution, a: &ActionExec) -> Value {
    let stage = &p.decl.stages[a.stage];
    let decl = &stage.actions[a.action];
    let mut result = json!({});
    for (name, value) in [
        ("externalExecutionId", &a.external_id),
        ("externalExecutionSummary", &a.summary),
        ("externalExecutionUrl", &a.external_url),
        ("logStreamARN", &a.log_stream_arn),
    ] {
        if let Some(value) = value {
            result[name] = json!(value);
        }
    }
    if let Some((code, message)) = &a.error {
        result["errorDetails"] = json!({ "code": code, "message": message });
    }
    let artifacts = |list: &[crate::sandbox::config::ArtifactName]| -> Vec<Value> {
        list.iter().map(|x| json!({ "name": x.name })).collect()
    };
    let output_variables: serde_json::Map<String, Value> =
        a.output_variables.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    let mut input = json!({
        "actionTypeId": decl.action_type_id,
        "configuration": decl.configuration,
        "resolvedConfiguration": a.resolved.as_ref().unwrap_or(&decl.configuration),
        "region": decl.region(),
        "inputArtifacts": artifacts(&decl.input_artifacts),
    });
    if let Some(ns) = &decl.namespace {
        input["namespace"] = json!(ns);
    }
    json!({
        "pipelineExecutionId": e.id,
        "actionExecutionId": a.id,
        "pipelineVersion": 1,
        "stageName": stage.name,
        "actionName": decl.name,
        "startTime": epoch_secs(a.started),
        "lastUpdateTime": epoch_secs(a.updated),
        "status": a.status,
        "input": input,
        "output": {
            "outputArtifacts": artifacts(&decl.output_artifacts),
            "executionResult": result,
            "outputVariables": output_variables,
        },
    })
}

/// PipelineRollbackMetadata: the execution a rollback redeploys.
fn add_rollback_metadata(v: &mut Value, e: &Execution) {
    if let Some(t) = &e.rollback_target {
        v["rollbackMetadata"] = json!({ "rollbackTargetPipelineExecutionId": t });
    }
}
