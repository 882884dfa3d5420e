//! CodePipeline history: a pipeline's declaration (from the cached
//! GetPipeline) and its action executions (ListActionExecutions).

use aws_sdk_codepipeline::types::{ActionExecutionDetail, ActionExecutionFilter};

use super::errors::classify;
use super::{AwsClients, status_of, time_of};
use crate::model::health::ApiFailure;
use crate::model::snapshot::{ActionExecution, PipelineDeclaration};

/// ListActionExecutions pages fetched at most for one execution: a pipeline
/// has at most 50 stages of 50 actions, retried; 20 pages of 100 is plenty.
const EXECUTION_PAGES: usize = 20;

impl AwsClients {
    /// Stages and actions in declaration order (GetPipeline, cached with the
    /// graph's action types).
    pub async fn declaration(&self, pipeline: &str) -> Result<PipelineDeclaration, ApiFailure> {
        Ok(self.action_types(pipeline, None).await?.declaration)
    }

    /// The action executions of one pipeline execution (all pages), newest first.
    pub async fn action_executions(
        &self,
        pipeline: &str,
        execution_id: &str,
    ) -> Result<Vec<ActionExecution>, ApiFailure> {
        let filter = ActionExecutionFilter::builder().pipeline_execution_id(execution_id).build();
        self.list_action_executions(pipeline, Some(filter), EXECUTION_PAGES).await
    }

    /// The pipeline's most recent action executions (any execution), newest
    /// first, at most `pages` pages of 100.
    pub async fn recent_action_executions(
        &self,
        pipeline: &str,
        pages: usize,
    ) -> Result<Vec<ActionExecution>, ApiFailure> {
        self.list_action_executions(pipeline, None, pages).await
    }

    async fn list_action_executions(
        &self,
        pipeline: &str,
        filter: Option<ActionExecutionFilter>,
        pages: usize,
    ) -> Result<Vec<ActionExecution>, ApiFailure> {
        let mut out = Vec::new();
        let mut next: Option<String> = None;
        for _ in 0..pages.max(1) {
            let page = self
                .codepipeline
                .list_action_executions()
                .pipeline_name(pipeline)
                .set_filter(filter.clone())
                .max_results(100)
                .set_next_token(next.take())
                .send()
                .await
                .map_err(|e| classify("codepipeline:ListActionExecutions", &e))?;
            out.extend(page.action_execution_details().iter().map(action_execution));
            match page.next_token() {
                Some(t) if !t.is_empty() => next = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(out)
    }
}

fn action_execution(d: &ActionExecutionDetail) -> ActionExecution {
    let result = d.output().and_then(|o| o.execution_result());
    let type_id = d.input().and_then(|i| i.action_type_id());
    ActionExecution {
        pipeline_execution_id: d.pipeline_execution_id().unwrap_or("").to_string(),
        stage: d.stage_name().unwrap_or("").to_string(),
        action: d.action_name().unwrap_or("").to_string(),
        status: d.status().map(|s| status_of(s.as_str())),
        start: d.start_time().and_then(time_of),
        last_update: d.last_update_time().and_then(time_of),
        external_id: result.and_then(|r| r.external_execution_id()).map(str::to_string),
        external_url: result.and_then(|r| r.external_execution_url()).map(str::to_string),
        summary: result.and_then(|r| r.external_execution_summary()).map(str::to_string),
        error: result.and_then(|r| r.error_details()).and_then(|e| e.message()).map(str::to_string),
        category: type_id.map(|t| t.category().as_str().to_string()),
        provider: type_id.map(|t| t.provider().to_string()),
        log_stream_arn: result.and_then(|r| r.log_stream_arn()).map(str::to_string),
    }
}
