//! Stage conditions: GetPipelineState's condition states into our model,
//! ListRuleExecutions (the rules' types and errors) and
//! OverrideStageCondition (CodePipeline API Reference).

use aws_sdk_codepipeline::types::{ConditionType, StageConditionState, StageState};

use super::AwsClients;
use super::errors::classify;
use crate::model::conditions::{ConditionKind, RuleRun, RuleStatus, StageCondition};
use crate::model::control::short_id;
use crate::model::health::ApiFailure;

/// Rule executions read per poll: the newest are the ones a waiting or just
/// ended condition ran; one page, never more.
const RULE_RUNS: i32 = 20;

fn condition(kind: ConditionKind, s: &StageConditionState) -> StageCondition {
    let latest = s.latest_execution();
    StageCondition {
        kind,
        status: latest.and_then(|e| e.status()).map(|st| st.as_str().to_string()),
        summary: latest.and_then(|e| e.summary()).map(str::to_string),
        rules: s
            .condition_states()
            .iter()
            .flat_map(|c| c.rule_states())
            .map(|r| {
                let e = r.latest_execution();
                RuleStatus {
                    name: r.rule_name().unwrap_or_default().to_string(),
                    status: e.and_then(|e| e.status()).map(|st| st.as_str().to_string()),
                    summary: e.and_then(|e| e.summary()).map(str::to_string),
                    rule_execution_id: e.and_then(|e| e.rule_execution_id()).map(str::to_string),
                }
            })
            .collect(),
    }
}

/// The stage's beforeEntry, onSuccess and onFailure condition states, when declared.
pub(super) fn stage_conditions(s: &StageState) -> Vec<StageCondition> {
    let entry = s.before_entry_condition_state().map(|c| condition(ConditionKind::BeforeEntry, c));
    let success = s.on_success_condition_state().map(|c| condition(ConditionKind::OnSuccess, c));
    let failure = s.on_failure_condition_state().map(|c| condition(ConditionKind::OnFailure, c));
    entry.into_iter().chain(success).chain(failure).collect()
}

impl AwsClients {
    /// The pipeline's newest rule executions (one page).
    pub async fn rule_runs(&self, pipeline: &str) -> Result<Vec<RuleRun>, ApiFailure> {
        let out = self
            .codepipeline
            .list_rule_executions()
            .pipeline_name(pipeline)
            .max_results(RULE_RUNS)
            .send()
            .await
            .map_err(|e| classify("codepipeline:ListRuleExecutions", &e))?;
        Ok(out
            .rule_execution_details()
            .iter()
            .map(|d| {
                let result = d.output().and_then(|o| o.execution_result());
                let error = result.and_then(|r| r.error_details()).and_then(|e| e.message());
                let summary = result.and_then(|r| r.external_execution_summary());
                RuleRun {
                    rule_execution_id: d.rule_execution_id().unwrap_or_default().to_string(),
                    execution_id: d.pipeline_execution_id().unwrap_or_default().to_string(),
                    stage: d.stage_name().unwrap_or_default().to_string(),
                    rule: d.rule_name().unwrap_or_default().to_string(),
                    provider: d.input().and_then(|i| i.rule_type_id()).map(|t| t.provider().to_string()),
                    status: d.status().map(|s| s.as_str().to_string()),
                    message: error.or(summary).map(str::to_string),
                }
            })
            .collect())
    }

    /// OverrideStageCondition BEFORE_ENTRY: the waiting execution enters.
    pub(super) async fn override_entry(
        &self,
        pipeline: &str,
        stage: &str,
        execution: &str,
    ) -> Result<String, ApiFailure> {
        self.codepipeline
            .override_stage_condition()
            .pipeline_name(pipeline)
            .stage_name(stage)
            .pipeline_execution_id(execution)
            .condition_type(ConditionType::BeforeEntry)
            .send()
            .await
            .map_err(|e| classify("codepipeline:OverrideStageCondition", &e))?;
        Ok(format!("overrode the entry condition of {stage}: execution {} enters", short_id(execution)))
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_codepipeline::types::{ConditionExecutionStatus, StageConditionsExecution};

    use super::*;

    #[test]
    fn the_on_failure_condition_state_is_read_as_its_own_kind() {
        // API Reference, StageState: onFailureConditionState beside
        // beforeEntryConditionState and onSuccessConditionState.
        let met = StageConditionsExecution::builder().status(ConditionExecutionStatus::Succeeded).build();
        let state = StageState::builder()
            .stage_name("Deploy")
            .on_failure_condition_state(StageConditionState::builder().latest_execution(met).build())
            .build();
        let read = stage_conditions(&state);
        assert_eq!(read.len(), 1, "{read:?}");
        assert_eq!(read[0].kind, ConditionKind::OnFailure);
        assert_eq!(read[0].status.as_deref(), Some("Succeeded"));
    }
}
