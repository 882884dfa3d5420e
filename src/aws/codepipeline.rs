//! CodePipeline: the pipeline list, a pipeline's state and its executions.

use std::collections::HashMap;

use aws_sdk_codepipeline::types::{ActionState, PipelineExecutionSummary, StageState};

use super::errors::classify;
use super::regions::ActionPlace;
use super::{AwsClients, status_of, time_of};
use crate::model::health::ApiFailure;
use crate::model::snapshot::{
    ActionSnapshot, DeclaredAction, DeclaredStage, ExecutionSummary, PipelineDeclaration, PipelineSnapshot,
    PipelineSummary, SourceRevision, StageSnapshot,
};
use crate::model::v2::{ExecutionV2, StageV2};

/// A pipeline declaration's action types, keyed by (stage, action) and tagged
/// with the pipeline version they were read from.
#[derive(Clone, Debug, Default)]
pub(crate) struct ActionTypes {
    version: Option<i32>,
    by_action: HashMap<(String, String), (String, String)>,
    /// Actions declared to run in another Region or as another role.
    places: HashMap<(String, String), ActionPlace>,
    /// Stages and actions in declaration order (for past executions).
    pub(super) declaration: PipelineDeclaration,
    /// Manual approvals' (CustomData, ExternalEntityLink), for the inbox.
    pub(super) approval_config: HashMap<(String, String), (Option<String>, Option<String>)>,
}

impl AwsClients {
    /// Every pipeline in the region (all ListPipelines pages).
    pub async fn list_pipelines(&self) -> Result<Vec<PipelineSummary>, ApiFailure> {
        let mut out = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let page = self
                .codepipeline
                .list_pipelines()
                .set_next_token(next.take())
                .send()
                .await
                .map_err(|e| classify("codepipeline:ListPipelines", &e))?;
            out.extend(page.pipelines().iter().map(|p| PipelineSummary {
                name: p.name().unwrap_or("").to_string(),
                pipeline_type: p.pipeline_type().map(|t| t.as_str().to_string()),
                execution_mode: p.execution_mode().map(|m| m.as_str().to_string()),
                updated: p.updated().and_then(time_of),
                latest: None,
            }));
            match page.next_token() {
                Some(t) if !t.is_empty() => next = Some(t.to_string()),
                _ => return Ok(out),
            }
        }
    }

    /// GetPipelineState, with each action's category and provider filled from
    /// GetPipeline (fetched again only when the pipeline version changes).
    pub async fn pipeline_state(&self, name: &str) -> Result<PipelineSnapshot, ApiFailure> {
        let state = self
            .codepipeline
            .get_pipeline_state()
            .name(name)
            .send()
            .await
            .map_err(|e| classify("codepipeline:GetPipelineState", &e))?;
        let types = self.action_types(name, state.pipeline_version()).await?;
        let stages: Vec<StageSnapshot> = state.stage_states().iter().map(|s| stage_snapshot(s, &types)).collect();
        // Builds of actions elsewhere are asked for where they run.
        for stage in &stages {
            for action in &stage.actions {
                let place = types.places.get(&(stage.name.clone(), action.name.clone()));
                if let (Some(place), Some(id)) = (place, &action.external_id) {
                    self.remember_build(id, place.clone());
                }
            }
        }
        Ok(PipelineSnapshot { name: name.to_string(), stages })
    }

    /// The newest `max` executions, newest first.
    pub async fn list_executions(&self, name: &str, max: i32) -> Result<Vec<ExecutionSummary>, ApiFailure> {
        let out = self
            .codepipeline
            .list_pipeline_executions()
            .pipeline_name(name)
            .max_results(max)
            .send()
            .await
            .map_err(|e| classify("codepipeline:ListPipelineExecutions", &e))?;
        Ok(out.pipeline_execution_summaries().iter().map(execution_summary).collect())
    }

    /// GetPipeline, for the action types shown in the graph and push's sources.
    pub(super) async fn get_pipeline(
        &self,
        name: &str,
    ) -> Result<aws_sdk_codepipeline::operation::get_pipeline::GetPipelineOutput, ApiFailure> {
        self.codepipeline.get_pipeline().name(name).send().await.map_err(|e| classify("codepipeline:GetPipeline", &e))
    }

    pub(super) async fn action_types(&self, name: &str, version: Option<i32>) -> Result<ActionTypes, ApiFailure> {
        if let Some(cached) = super::lock(&self.action_types).get(name)
            && (version.is_none() || cached.version == version)
        {
            return Ok(cached.clone());
        }
        let out = self.get_pipeline(name).await?;
        let mut types = ActionTypes { version: out.pipeline().and_then(|p| p.version()), ..Default::default() };
        for stage in out.pipeline().map(|p| p.stages()).unwrap_or_default() {
            let mut declared = DeclaredStage { name: stage.name().to_string(), actions: Vec::new() };
            for action in stage.actions() {
                let t = action.action_type_id();
                let key = (stage.name().to_string(), action.name().to_string());
                if let Some(t) = t {
                    types.by_action.insert(key.clone(), (t.category().as_str().to_string(), t.provider().to_string()));
                }
                let region = action.region().filter(|r| *r != self.region).map(str::to_string);
                let role_arn = action.role_arn().map(str::to_string);
                if let Some(config) = action.configuration().filter(|_| super::approvals::is_manual_approval(t)) {
                    let get = |k: &str| config.get(k).cloned();
                    types.approval_config.insert(key.clone(), (get("CustomData"), get("ExternalEntityLink")));
                }
                if region.is_some() || role_arn.is_some() {
                    types.places.insert(key, ActionPlace { region, role_arn });
                }
                declared.actions.push(DeclaredAction {
                    name: action.name().to_string(),
                    category: t.map(|t| t.category().as_str().to_string()),
                    provider: t.map(|t| t.provider().to_string()),
                });
            }
            types.declaration.stages.push(declared);
        }
        super::lock(&self.action_types).insert(name.to_string(), types.clone());
        Ok(types)
    }
}

fn stage_snapshot(s: &StageState, types: &ActionTypes) -> StageSnapshot {
    let name = s.stage_name().unwrap_or("").to_string();
    let transition = s.inbound_transition_state();
    StageSnapshot {
        inbound_enabled: transition.is_none_or(|t| t.enabled()),
        disabled_reason: transition.and_then(|t| t.disabled_reason()).map(str::to_string),
        latest_execution: s
            .latest_execution()
            .map(|e| (e.pipeline_execution_id().to_string(), status_of(e.status().as_str()))),
        inbound_execution: s.inbound_execution().map(|e| e.pipeline_execution_id().to_string()),
        actions: s.action_states().iter().map(|a| action_snapshot(&name, a, types)).collect(),
        v2: StageV2 {
            queued: s.inbound_executions().iter().map(|e| e.pipeline_execution_id().to_string()).collect(),
            rollback: s.latest_execution().and_then(|e| e.r#type()).is_some_and(|t| t.as_str() == "ROLLBACK"),
            retries: s.retry_stage_metadata().map_or((0, 0), |r| {
                (r.auto_stage_retry_attempt().unwrap_or(0), r.manual_stage_retry_attempt().unwrap_or(0))
            }),
            conditions: super::conditions::stage_conditions(s),
        },
        name,
    }
}

fn action_snapshot(stage: &str, a: &ActionState, types: &ActionTypes) -> ActionSnapshot {
    let name = a.action_name().unwrap_or("").to_string();
    let kind = types.by_action.get(&(stage.to_string(), name.clone()));
    let latest = a.latest_execution();
    let status = latest.and_then(|l| l.status()).map(|s| status_of(s.as_str()));
    ActionSnapshot {
        category: kind.map(|k| k.0.clone()),
        provider: kind.map(|k| k.1.clone()),
        summary: latest.and_then(|l| l.summary()).map(str::to_string),
        last_change: latest.and_then(|l| l.last_status_change()).and_then(time_of),
        external_id: latest.and_then(|l| l.external_execution_id()).map(str::to_string),
        external_url: latest.and_then(|l| l.external_execution_url()).map(str::to_string),
        // A token outlives the approval in GetPipelineState; only a waiting one is useful.
        approval_token: latest
            .filter(|_| status == Some(crate::model::snapshot::Status::InProgress))
            .and_then(|l| l.token())
            .map(str::to_string),
        error: latest.and_then(|l| l.error_details()).and_then(|d| d.message()).map(str::to_string),
        log_stream_arn: latest.and_then(|l| l.log_stream_arn()).map(str::to_string),
        status,
        name,
    }
}

pub(super) fn execution_summary(e: &PipelineExecutionSummary) -> ExecutionSummary {
    ExecutionSummary {
        id: e.pipeline_execution_id().unwrap_or("").to_string(),
        status: e
            .status()
            .map(|s| status_of(s.as_str()))
            .unwrap_or(crate::model::snapshot::Status::Other(String::new())),
        status_summary: e.status_summary().map(str::to_string),
        trigger_type: e.trigger().and_then(|t| t.trigger_type()).map(|t| t.as_str().to_string()),
        trigger_detail: e.trigger().and_then(|t| t.trigger_detail()).map(str::to_string),
        source_revisions: e
            .source_revisions()
            .iter()
            .map(|r| SourceRevision {
                action_name: r.action_name().to_string(),
                revision_id: r.revision_id().map(str::to_string),
                summary: r.revision_summary().map(str::to_string),
            })
            .collect(),
        start: e.start_time().and_then(time_of),
        last_update: e.last_update_time().and_then(time_of),
        v2: ExecutionV2 {
            mode: e.execution_mode().map(|m| m.as_str().to_string()),
            rollback: e.execution_type().is_some_and(|t| t.as_str() == "ROLLBACK"),
            rollback_target: e
                .rollback_metadata()
                .and_then(|r| r.rollback_target_pipeline_execution_id())
                .map(str::to_string),
        },
    }
}
