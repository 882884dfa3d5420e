//! What a fleet row needs: the latest run of a pipeline in one request
//! (ListPipelineExecutions, maxResults 1), and for a run in progress whether
//! it waits at a manual approval (GetPipelineState: only an approval action
//! in progress carries a `token`, CodePipeline API Reference, ActionExecution).

use super::AwsClients;
use super::errors::classify;
use crate::model::fleet::Latest;
use crate::model::health::ApiFailure;
use crate::model::snapshot::Status;

impl AwsClients {
    /// The row's latest run, and how many requests it took (1 or 2).
    pub async fn fleet_latest(&self, name: &str) -> (Result<Latest, ApiFailure>, u32) {
        let newest = match self.list_executions(name, 1).await {
            Ok(list) => list.into_iter().next(),
            Err(e) => return (Err(e), 1),
        };
        let Some(run) = newest else { return (Ok(Latest::Never), 1) };
        let at = run.last_update.or(run.start);
        if run.status != Status::InProgress {
            return (Ok(Latest::Run { id: run.id, status: run.status, waiting_approval: false, at }), 1);
        }
        let waiting = self.approval_waiting(name).await;
        (waiting.map(|waiting_approval| Latest::Run { id: run.id, status: run.status, waiting_approval, at }), 2)
    }

    /// Whether an approval action of the pipeline waits now.
    pub async fn approval_waiting(&self, name: &str) -> Result<bool, ApiFailure> {
        let state = self
            .codepipeline
            .get_pipeline_state()
            .name(name)
            .send()
            .await
            .map_err(|e| classify("codepipeline:GetPipelineState", &e))?;
        Ok(state.stage_states().iter().flat_map(|s| s.action_states()).any(|a| {
            a.latest_execution()
                .is_some_and(|l| l.token().is_some() && l.status().map(|s| s.as_str()) == Some("InProgress"))
        }))
    }
}
