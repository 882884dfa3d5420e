//! Waiting for a pipeline's executions to settle: `n` of them, none still
//! InProgress or Stopping (ListPipelineExecutions, newest first).

use std::time::Duration;

use aws_sdk_codepipeline::types::{PipelineExecutionStatus, PipelineExecutionSummary};

use super::{Env, eventually, retrying};

/// The summaries once exactly `n` executions exist and all have ended.
pub async fn settled_executions(env: &Env, name: &str, n: usize, timeout: Duration) -> Vec<PipelineExecutionSummary> {
    let cp = aws_sdk_codepipeline::Client::new(&retrying(&env.sdk));
    eventually("executions to end", timeout, || async {
        let out = cp.list_pipeline_executions().pipeline_name(name).send().await.ok()?;
        let all = out.pipeline_execution_summaries().to_vec();
        let running = |s: &PipelineExecutionSummary| {
            matches!(s.status(), Some(PipelineExecutionStatus::InProgress | PipelineExecutionStatus::Stopping))
        };
        (all.len() == n && !all.iter().any(running)).then_some(all)
    })
    .await
}
