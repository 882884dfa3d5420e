//! Hand-built history for tests and screenshots: twelve executions of the
//! demo pipeline (one running, some failed, one stopped) and the action
//! executions of an older one.

use chrono::TimeDelta;

use crate::model::samples::{self, now};
use crate::model::snapshot::*;

/// The build id of the Train action in the past execution.
pub const PAST_BUILD_ID: &str = "mlops-demo-build:0a0b0c0d-2222-4333-8444-955556666777";

pub fn execution_id(i: usize) -> String {
    if i == 0 {
        // The execution the live samples show.
        return "e0c1d2a3-aaaa-bbbb-cccc-000000000001".into();
    }
    format!("{:08x}-1111-4222-8333-{:012x}", 0x5eed_0000 + i, i)
}

/// Newest first; execution i started i hours ago.
pub fn executions() -> Vec<ExecutionSummary> {
    let mut out = samples::executions();
    for i in 1..12 {
        let status = match i {
            3 | 7 => Status::Failed,
            5 => Status::Stopped,
            _ => Status::Succeeded,
        };
        let start = now() - TimeDelta::hours(i as i64);
        let took = 120 + (i as i64 * 37) % 180;
        out.push(ExecutionSummary {
            id: execution_id(i),
            status,
            status_summary: None,
            trigger_type: Some(if i % 4 == 0 { "StartPipelineExecution" } else { "PutActionRevision" }.into()),
            trigger_detail: None,
            source_revisions: vec![SourceRevision {
                action_name: "Source".into(),
                revision_id: Some(format!("{:012x}", 0xabc000 + i)),
                summary: Some(format!("experiment {i}: tweak features")),
            }],
            start: Some(start),
            last_update: Some(start + TimeDelta::seconds(took)),
            v2: Default::default(),
        });
    }
    out
}

/// The demo pipeline's declaration (the stages of `samples::pipeline`).
pub fn declaration() -> PipelineDeclaration {
    let live = samples::pipeline(Status::Succeeded);
    PipelineDeclaration {
        stages: live
            .stages
            .iter()
            .map(|s| DeclaredStage {
                name: s.name.clone(),
                actions: s
                    .actions
                    .iter()
                    .map(|a| DeclaredAction {
                        name: a.name.clone(),
                        category: a.category.clone(),
                        provider: a.provider.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn run(execution: usize, stage: &str, action: &str, status: Status, start_secs: i64, secs: i64) -> ActionExecution {
    let base = now() - TimeDelta::hours(execution as i64);
    ActionExecution {
        pipeline_execution_id: execution_id(execution),
        stage: stage.into(),
        action: action.into(),
        status: Some(status),
        start: Some(base + TimeDelta::seconds(start_secs)),
        last_update: Some(base + TimeDelta::seconds(start_secs + secs)),
        external_id: None,
        external_url: None,
        summary: None,
        error: None,
        category: None,
        provider: None,
    }
}

/// Action executions of executions 2 (succeeded, with a retried Train) and
/// 3 (failed in Build), newest first as AWS lists them.
pub fn action_executions() -> Vec<ActionExecution> {
    let mut train = run(2, "Build", "Train", Status::Succeeded, 70, 60);
    train.external_id = Some(PAST_BUILD_ID.into());
    let mut failed_train = run(2, "Build", "Train", Status::Failed, 10, 50);
    failed_train.external_id = Some("mlops-demo-build:first-attempt".into());
    let mut train3 = run(3, "Build", "Train", Status::Failed, 10, 90);
    train3.external_id = Some("mlops-demo-build:failed-3".into());
    vec![
        run(2, "Deploy", "Deploy", Status::Succeeded, 200, 20),
        run(2, "Approve", "Approve", Status::Succeeded, 140, 55),
        train,
        run(2, "Build", "Lint", Status::Succeeded, 70, 30),
        failed_train,
        run(2, "Source", "Source", Status::Succeeded, 0, 8),
        train3,
        run(3, "Build", "Lint", Status::Succeeded, 10, 20),
        run(3, "Source", "Source", Status::Succeeded, 0, 4),
    ]
}
