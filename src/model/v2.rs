//! What V2 pipelines add to a stage and an execution: executions queued at a
//! stage, the execution's mode and type (rollback), and in PARALLEL mode one
//! lane per execution in progress. Plain data, built by `src/aws/`.

use super::snapshot::{ActionExecution, StageSnapshot, Status};

/// A stage's V2 fields from GetPipelineState.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StageV2 {
    /// `inboundExecutions`: executions waiting to enter, in entry order.
    pub queued: Vec<String>,
    /// `latestExecution.type` is ROLLBACK.
    pub rollback: bool,
    /// `retryStageMetadata`: automatic and manual retry attempts.
    pub retries: (i32, i32),
    /// beforeEntry / onSuccess condition states (GetPipelineState).
    pub conditions: Vec<super::conditions::StageCondition>,
}

/// An execution's V2 fields from ListPipelineExecutions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExecutionV2 {
    /// QUEUED, PARALLEL or SUPERSEDED.
    pub mode: Option<String>,
    /// `executionType` is ROLLBACK.
    pub rollback: bool,
    /// `rollbackMetadata.rollbackTargetPipelineExecutionId`.
    pub rollback_target: Option<String>,
}

/// One in-progress execution of a PARALLEL pipeline and its actions
/// (ListActionExecutions filtered by its id).
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub execution_id: String,
    pub actions: Vec<ActionExecution>,
}

/// A stage's name as the graph heads its column: a rollback run and retry
/// attempts are marked ("Deploy ↺ rollback", "Deploy ↻ retry 1").
pub fn stage_label(stage: &StageSnapshot, ascii: bool) -> String {
    let mut label = stage.name.clone();
    if stage.v2.rollback {
        label.push_str(if ascii { " <- rollback" } else { " ↺ rollback" });
    }
    if super::conditions::holding(stage).is_some() {
        label.push_str(if ascii { " !" } else { " ⚑" });
    }
    let (auto, manual) = stage.v2.retries;
    if auto + manual > 0 {
        label.push_str(&format!("{} retry {}", if ascii { " ~" } else { " ↻" }, auto + manual));
    }
    label
}

/// Executions waiting at a stage: the list when V2 gives one, else the
/// single `inboundExecution`.
pub fn queued_depth(stage: &StageSnapshot) -> usize {
    match stage.v2.queued.len() {
        0 => usize::from(stage.inbound_execution.is_some()),
        n => n,
    }
}

/// Lanes are worth their requests only when several executions run side by
/// side: PARALLEL mode with more than one in progress.
pub fn wants_lanes(executions: &[super::snapshot::ExecutionSummary]) -> Vec<String> {
    let running: Vec<String> = executions
        .iter()
        .filter(|e| {
            e.v2.mode.as_deref() == Some("PARALLEL") && matches!(e.status, Status::InProgress | Status::Stopping)
        })
        .map(|e| e.id.clone())
        .collect();
    if running.len() > 1 { running } else { Vec::new() }
}

impl Lane {
    /// The lane's status in `stage`: running if an action runs there, failed
    /// if one failed, succeeded when all it ran succeeded; None: not reached.
    pub fn stage_status(&self, stage: &str) -> Option<Status> {
        let here: Vec<&ActionExecution> = self.actions.iter().filter(|a| a.stage == stage).collect();
        if here.is_empty() {
            return None;
        }
        let any = |s: Status| here.iter().any(|a| a.status.as_ref() == Some(&s));
        Some(if any(Status::InProgress) {
            Status::InProgress
        } else if any(Status::Failed) {
            Status::Failed
        } else if here.iter().all(|a| a.status == Some(Status::Succeeded)) {
            Status::Succeeded
        } else {
            here[0].status.clone().unwrap_or(Status::Other(String::new()))
        })
    }

    /// The action most worth naming: the running one, else the newest.
    pub fn current_action(&self) -> Option<&ActionExecution> {
        self.actions
            .iter()
            .find(|a| a.status == Some(Status::InProgress))
            .or_else(|| self.actions.iter().max_by_key(|a| a.start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::samples;

    fn execution(id: &str, mode: &str, status: Status) -> super::super::snapshot::ExecutionSummary {
        let mut e = samples::executions().remove(0);
        e.id = id.into();
        e.status = status;
        e.v2.mode = Some(mode.into());
        e
    }

    #[test]
    fn lanes_are_fetched_only_for_several_parallel_runs_in_progress() {
        let two = [execution("b", "PARALLEL", Status::InProgress), execution("a", "PARALLEL", Status::InProgress)];
        assert_eq!(wants_lanes(&two), ["b", "a"]);
        let one = [execution("b", "PARALLEL", Status::InProgress), execution("a", "PARALLEL", Status::Succeeded)];
        assert!(wants_lanes(&one).is_empty());
        let queued = [execution("b", "QUEUED", Status::InProgress), execution("a", "QUEUED", Status::InProgress)];
        assert!(wants_lanes(&queued).is_empty(), "QUEUED runs one at a time per stage: no lanes");
    }

    #[test]
    fn queued_depth_falls_back_to_the_single_inbound_execution() {
        let mut stage = samples::pipeline(Status::InProgress).stages.remove(1);
        assert_eq!(queued_depth(&stage), 0);
        stage.inbound_execution = Some("x".into());
        assert_eq!(queued_depth(&stage), 1);
        stage.v2.queued = vec!["x".into(), "y".into()];
        assert_eq!(queued_depth(&stage), 2);
    }
}
