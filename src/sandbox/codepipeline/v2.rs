//! V2-only behaviour of CodePipeline: which declarations need `pipelineType:
//! V2`, and how several executions at one stage are shown (CodePipeline User
//! Guide, "Set or change the pipeline execution mode"; API Reference,
//! StageState.inboundExecutions).

use serde_json::{Value, json};

use super::{Execution, Pipeline, Position, Store};
use crate::sandbox::config::PipelineDecl;

/// QUEUED and PARALLEL "require pipeline type V2"; AWS refuses a V1
/// declaration that asks for them.
pub fn check_declaration(decl: &PipelineDecl) -> Result<(), String> {
    if decl.execution_mode != "SUPERSEDED" && decl.pipeline_type != "V2" {
        return Err(format!(
            "pipeline {}: executionMode {} requires pipelineType V2 (it is {})",
            decl.name, decl.execution_mode, decl.pipeline_type
        ));
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
}
