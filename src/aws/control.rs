//! CodePipeline's mutating calls: start, retry, stop, approve, transitions.
//! Each returns one line for the status bar, or the refusal as an ApiFailure.

use aws_sdk_codepipeline::types::{ApprovalResult, ApprovalStatus, StageRetryMode, StageTransitionType};

use super::AwsClients;
use super::errors::classify;
use crate::model::control::{ControlRequest, short_id};
use crate::model::health::ApiFailure;

impl AwsClients {
    /// Sends `req`; the answer is what happened, e.g. "started execution 1a2b3c4d".
    pub async fn control(&self, req: &ControlRequest) -> Result<String, ApiFailure> {
        let cp = &self.codepipeline;
        match req {
            ControlRequest::Start { pipeline } => {
                let out = cp
                    .start_pipeline_execution()
                    .name(pipeline)
                    .client_request_token(uuid::Uuid::new_v4().to_string())
                    .send()
                    .await
                    .map_err(|e| classify("codepipeline:StartPipelineExecution", &e))?;
                let id = out.pipeline_execution_id().unwrap_or("");
                Ok(format!("started execution {} of {pipeline}", short_id(id)))
            }
            ControlRequest::Retry { pipeline, stage, execution_id, all } => {
                let mode = if *all { StageRetryMode::AllActions } else { StageRetryMode::FailedActions };
                cp.retry_stage_execution()
                    .pipeline_name(pipeline)
                    .stage_name(stage)
                    .pipeline_execution_id(execution_id)
                    .retry_mode(mode)
                    .send()
                    .await
                    .map_err(|e| classify("codepipeline:RetryStageExecution", &e))?;
                Ok(format!("retrying stage {stage} of execution {}", short_id(execution_id)))
            }
            ControlRequest::Stop { pipeline, execution_id, abandon, reason } => {
                cp.stop_pipeline_execution()
                    .pipeline_name(pipeline)
                    .pipeline_execution_id(execution_id)
                    .abandon(*abandon)
                    .set_reason(Some(reason.clone()).filter(|r| !r.is_empty()))
                    .send()
                    .await
                    .map_err(|e| classify("codepipeline:StopPipelineExecution", &e))?;
                let how = if *abandon { "abandoning" } else { "stopping" };
                Ok(format!("{how} execution {}", short_id(execution_id)))
            }
            ControlRequest::Approve { pipeline, stage, action, token, approve, summary } => {
                let status = if *approve { ApprovalStatus::Approved } else { ApprovalStatus::Rejected };
                let result = ApprovalResult::builder()
                    .summary(summary)
                    .status(status)
                    .build()
                    .map_err(|e| local_failure("codepipeline:PutApprovalResult", &e.to_string()))?;
                cp.put_approval_result()
                    .pipeline_name(pipeline)
                    .stage_name(stage)
                    .action_name(action)
                    .token(token)
                    .result(result)
                    .send()
                    .await
                    .map_err(|e| classify("codepipeline:PutApprovalResult", &e))?;
                Ok(format!("{} {action}", if *approve { "approved" } else { "rejected" }))
            }
            ControlRequest::Transition { pipeline, stage, enable: true, .. } => {
                cp.enable_stage_transition()
                    .pipeline_name(pipeline)
                    .stage_name(stage)
                    .transition_type(StageTransitionType::Inbound)
                    .send()
                    .await
                    .map_err(|e| classify("codepipeline:EnableStageTransition", &e))?;
                Ok(format!("enabled the transition into {stage}"))
            }
            ControlRequest::Transition { pipeline, stage, enable: false, reason } => {
                cp.disable_stage_transition()
                    .pipeline_name(pipeline)
                    .stage_name(stage)
                    .transition_type(StageTransitionType::Inbound)
                    .reason(reason)
                    .send()
                    .await
                    .map_err(|e| classify("codepipeline:DisableStageTransition", &e))?;
                Ok(format!("disabled the transition into {stage}"))
            }
            ControlRequest::StartWith { pipeline, variables, revisions } => {
                self.start_with(pipeline, variables, revisions).await
            }
            ControlRequest::Rollback { pipeline, stage, target_id } => {
                self.rollback_stage(pipeline, stage, target_id).await
            }
            ControlRequest::Override { pipeline, stage, execution_id } => {
                self.override_entry(pipeline, stage, execution_id).await
            }
        }
    }
}

/// A request the SDK refused to build (a missing required field).
pub(super) fn local_failure(api: &str, message: &str) -> ApiFailure {
    ApiFailure {
        api: api.to_string(),
        kind: crate::model::health::FailureKind::Service,
        message: format!("{api}: {message}"),
        retry_in_secs: None,
    }
}
