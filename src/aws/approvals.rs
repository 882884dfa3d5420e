//! The manual approvals waiting in a pipeline, for the inbox and `pipewatch
//! approve`: GetPipelineState gives each waiting action's token and since
//! when it waits (`latestExecution.lastStatusChange`); the declaration
//! (GetPipeline, cached per pipeline version with the action types) gives
//! what the approver should read, `CustomData`, and `ExternalEntityLink`
//! (CodePipeline User Guide, "Add a manual approval action to a stage").

use aws_sdk_codepipeline::types::{ActionCategory, ActionTypeId};

use super::AwsClients;
use crate::model::health::ApiFailure;
use crate::model::inbox::{Approval, approvals_in};

/// An `Approval`/`Manual` action type.
pub(super) fn is_manual_approval(t: Option<&ActionTypeId>) -> bool {
    t.is_some_and(|t| *t.category() == ActionCategory::Approval && t.provider() == "Manual")
}

impl AwsClients {
    /// Every approval waiting in `pipeline`, with its declared configuration.
    /// One GetPipelineState; GetPipeline only when the version changed.
    pub async fn waiting_approvals(&self, pipeline: &str) -> Result<Vec<Approval>, ApiFailure> {
        let state = self.pipeline_state(pipeline).await?;
        let mut approvals = approvals_in(&state);
        if approvals.is_empty() {
            return Ok(approvals);
        }
        // pipeline_state just refreshed the cached declaration.
        let configs = super::lock(&self.action_types).get(pipeline).map(|t| t.approval_config.clone());
        for a in &mut approvals {
            if let Some((custom_data, link)) =
                configs.as_ref().and_then(|c| c.get(&(a.stage.clone(), a.action.clone())))
            {
                a.custom_data = custom_data.clone();
                a.external_link = link.clone();
            }
        }
        Ok(approvals)
    }
}
