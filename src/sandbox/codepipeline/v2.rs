//! V2-only behaviour of CodePipeline: which declarations need `pipelineType:
//! V2`, and how several executions at one stage are shown (CodePipeline User
//! Guide, "Set or change the pipeline execution mode"; API Reference,
//! StageState.inboundExecutions).

use serde_json::{Value, json};

use super::{Execution, Pipeline, Position, Store};

use crate::sandbox::config::PipelineDecl;

/// QUEUED and PARALLEL "require pipeline type V2"; AWS refuses a V1
/// declaration that asks for them.
/// Failure conditions with a ROLLBACK result "cannot be added to a PARALLEL
/// mode pipeline", and stage conditions are V2 only too.
pub fn check_declaration(decl: &PipelineDecl, raw: &Value) -> Result<(), String> {
    let name = &decl.name;
    if decl.execution_mode != "SUPERSEDED" && decl.pipeline_type != "V2" {
        return Err(format!(
            "pipeline {name}: executionMode {} requires pipelineType V2 (it is {})",
            decl.execution_mode, decl.pipeline_type
        ));
    }
    let stages = raw.get("stages").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    for stage in stages {
        let stage_name = stage.get("name").and_then(Value::as_str).unwrap_or_default();
        let conditional = ["onFailure", "onSuccess", "beforeEntry"].iter().any(|k| stage.get(k).is_some());
        if conditional && decl.pipeline_type != "V2" {
            return Err(format!(
                "pipeline {name}: stage {stage_name}: onFailure, onSuccess and beforeEntry need pipelineType V2"
            ));
        }
        super::rules::check_conditions(stage).map_err(|e| format!("pipeline {name}: stage {stage_name}: {e}"))?;
        let rollback = stage.pointer("/onFailure/result").and_then(Value::as_str) == Some("ROLLBACK");
        if rollback && decl.execution_mode == "PARALLEL" {
            return Err(format!(
                "pipeline {name}: stage {stage_name}: a ROLLBACK failure result cannot be used in PARALLEL mode"
            ));
        }
    }
    Ok(())
}

/// The executions waiting to enter stage `s`, oldest first.
pub fn waiting_at<'a>(store: &'a Store, pipeline: &str, s: usize) -> Vec<&'a Execution> {
    store
        .executions
        .iter()
        .filter(|e| e.pipeline == pipeline && e.is_active() && e.position == Position::Waiting(s))
        .collect()
}

/// A StageExecution: id, status and (V2) the execution's type.
pub fn stage_execution(e: &Execution, status: &str) -> Value {
    json!({ "pipelineExecutionId": e.id, "status": status, "type": e.execution_type() })
}

/// `inboundExecution` names the next execution to enter; in QUEUED and
/// PARALLEL mode `inboundExecutions` lists every one waiting, in the order
/// they will enter. SUPERSEDED holds at most one, so it has no list.
pub fn add_inbound(v: &mut Value, store: &Store, p: &Pipeline, s: usize) {
    let waiting = waiting_at(store, &p.decl.name, s);
    let Some(first) = waiting.first() else { return };
    v["inboundExecution"] = stage_execution(first, "InProgress");
    if p.decl.execution_mode != "SUPERSEDED" {
        v["inboundExecutions"] = waiting.iter().map(|e| stage_execution(e, "InProgress")).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(mode: &str, kind: &str) -> Result<PipelineDecl, String> {
        let action = |c: &str, p: &str| json!({"name": c, "actionTypeId": {"category": c, "owner": "AWS", "provider": p, "version": "1"}});
        PipelineDecl::parse(&json!({"name": "p", "executionMode": mode, "pipelineType": kind, "stages": [
            {"name": "S", "actions": [action("Source", "S3")]}, {"name": "A", "actions": [action("Approval", "Manual")]}]}))
    }

    #[test]
    fn queued_and_parallel_need_a_v2_pipeline() {
        for mode in ["QUEUED", "PARALLEL"] {
            let err = decl(mode, "V1").unwrap_err();
            assert!(err.contains("requires pipelineType V2"), "{err}");
            assert_eq!(decl(mode, "V2").unwrap().execution_mode, mode);
        }
        assert_eq!(decl("SUPERSEDED", "V1").unwrap().pipeline_type, "V1");
    }

    #[test]
    fn a_rollback_failure_result_is_refused_in_parallel_mode() {
        let action = json!({"name": "A", "actionTypeId": {"category": "Approval", "owner": "AWS", "provider": "Manual", "version": "1"}});
        let raw = |mode: &str| {
            json!({"name": "p", "executionMode": mode, "pipelineType": "V2", "stages": [
                {"name": "S", "actions": [action]}, {"name": "D", "onFailure": {"result": "ROLLBACK"}, "actions": [action]}]})
        };
        let err = PipelineDecl::parse(&raw("PARALLEL")).unwrap_err();
        assert!(err.contains("cannot be used in PARALLEL mode"), "{err}");
        assert!(PipelineDecl::parse(&raw("QUEUED")).is_ok());
    }
}
