//! `:rollback`: finding the execution to roll back to (ListPipelineExecutions
//! filtered by succeededInStage) and RollbackStage (CodePipeline API Reference).

use aws_sdk_codepipeline::types::{PipelineExecutionFilter, SucceededInStageFilter};

use super::AwsClients;
use super::codepipeline::execution_summary;
use super::errors::classify;
use crate::model::control::short_id;
use crate::model::health::ApiFailure;
use crate::model::snapshot::ExecutionSummary;

impl AwsClients {
    /// The newest execution that succeeded in `stage`, other than `current`
    /// (the stage's own latest run, which AWS refuses as a target) and other
    /// than rollbacks (never a target either). One page of 50 suffices: older
    /// successes are not what a user rolls back to from this line.
    pub async fn rollback_target(
        &self,
        pipeline: &str,
        stage: &str,
        current: Option<&str>,
    ) -> Result<Option<ExecutionSummary>, ApiFailure> {
        let filter = PipelineExecutionFilter::builder()
            .succeeded_in_stage(SucceededInStageFilter::builder().stage_name(stage).build())
            .build();
        let out = self
            .codepipeline
            .list_pipeline_executions()
            .pipeline_name(pipeline)
            .filter(filter)
            .max_results(50)
            .send()
            .await
            .map_err(|e| classify("codepipeline:ListPipelineExecutions", &e))?;
        Ok(out
            .pipeline_execution_summaries()
            .iter()
            .map(execution_summary)
            .find(|e| Some(e.id.as_str()) != current && !e.v2.rollback))
    }

    pub(super) async fn rollback_stage(&self, pipeline: &str, stage: &str, target: &str) -> Result<String, ApiFailure> {
        let out = self
            .codepipeline
            .rollback_stage()
            .pipeline_name(pipeline)
            .stage_name(stage)
            .target_pipeline_execution_id(target)
            .send()
            .await
            .map_err(|e| classify("codepipeline:RollbackStage", &e))?;
        let id = out.pipeline_execution_id();
        Ok(format!("rolling back {stage} to execution {}: rollback run {} started", short_id(target), short_id(id)))
    }
}
