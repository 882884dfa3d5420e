//! The details view's data, fetched once per opening: GetPipelineExecution
//! (trigger, artifact revisions, resolved variables), ListActionExecutions
//! (output variables, resolved configuration), BatchGetBuilds (environment,
//! exported variables, artifacts) and the build's test reports.

use aws_sdk_codebuild::types::{Build, BuildArtifacts};
use aws_sdk_codepipeline::types::{ActionExecutionDetail, ActionExecutionFilter};

use super::AwsClients;
use super::errors::classify;
use crate::model::details::{ActionDetails, Artifact, BuildDetails, Details, EnvVar, Revision};
use crate::model::health::ApiFailure;

impl AwsClients {
    /// Details of `execution_id`; `build` is the shown build's id, if any.
    pub async fn details(
        &self,
        pipeline: &str,
        execution_id: &str,
        build: Option<&str>,
    ) -> Result<Details, ApiFailure> {
        let exec = self
            .codepipeline
            .get_pipeline_execution()
            .pipeline_name(pipeline)
            .pipeline_execution_id(execution_id)
            .send()
            .await
            .map_err(|e| classify("codepipeline:GetPipelineExecution", &e))?;
        let mut out = Details { execution_id: execution_id.to_string(), ..Default::default() };
        if let Some(e) = exec.pipeline_execution() {
            out.trigger = e.trigger().map(|t| {
                let kind = t.trigger_type().map(|k| k.as_str()).unwrap_or("unknown");
                match t.trigger_detail().filter(|d| !d.is_empty()) {
                    Some(d) => format!("{kind} · {d}"),
                    None => kind.to_string(),
                }
            });
            out.revisions = e
                .artifact_revisions()
                .iter()
                .map(|r| Revision {
                    artifact: r.name().unwrap_or_default().to_string(),
                    revision_id: r.revision_id().map(str::to_string),
                    summary: r.revision_summary().map(str::to_string),
                })
                .collect();
            out.variables = e
                .variables()
                .iter()
                .map(|v| (v.name().unwrap_or_default().to_string(), v.resolved_value().unwrap_or_default().to_string()))
                .collect();
        }
        let filter = ActionExecutionFilter::builder().pipeline_execution_id(execution_id).build();
        let runs = self
            .codepipeline
            .list_action_executions()
            .pipeline_name(pipeline)
            .filter(filter)
            .max_results(100)
            .send()
            .await
            .map_err(|e| classify("codepipeline:ListActionExecutions", &e))?;
        // Oldest first, as the stages ran.
        out.actions = runs.action_execution_details().iter().rev().map(action_details).collect();
        if let Some(id) = build {
            let region = self.build_place(id).region.unwrap_or_else(|| self.region.clone());
            let got = self
                .in_region(&region)
                .codebuild
                .batch_get_builds()
                .ids(id)
                .send()
                .await
                .map_err(|e| classify("codebuild:BatchGetBuilds", &e))?;
            if let Some(b) = got.builds().first() {
                out.build = Some(build_details(b));
                if b.build_complete() && !b.report_arns().is_empty() {
                    out.tests = Some(self.test_report(id, &region, b.report_arns()).await?);
                }
            }
        }
        Ok(out)
    }
}

fn sorted(map: Option<&std::collections::HashMap<String, String>>) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = map.into_iter().flatten().map(|(k, v)| (k.clone(), v.clone())).collect();
    v.sort();
    v
}

fn action_details(d: &ActionExecutionDetail) -> ActionDetails {
    let input = d.input();
    ActionDetails {
        stage: d.stage_name().unwrap_or_default().to_string(),
        action: d.action_name().unwrap_or_default().to_string(),
        namespace: input.and_then(|i| i.namespace()).map(str::to_string),
        output_variables: sorted(d.output().and_then(|o| o.output_variables())),
        configuration: sorted(input.and_then(|i| i.resolved_configuration())),
        log_stream_arn: d
            .output()
            .and_then(|o| o.execution_result())
            .and_then(|r| r.log_stream_arn())
            .map(str::to_string),
    }
}

fn artifact(identifier: &str, a: &BuildArtifacts) -> Artifact {
    Artifact {
        identifier: a.artifact_identifier().unwrap_or(identifier).to_string(),
        location: a.location().filter(|l| !l.is_empty()).map(str::to_string),
        sha256: a.sha256_sum().filter(|s| !s.is_empty()).map(str::to_string),
    }
}

fn build_details(b: &Build) -> BuildDetails {
    let environment = b
        .environment()
        .map(|e| e.environment_variables())
        .unwrap_or_default()
        .iter()
        .map(|v| EnvVar {
            name: v.name().to_string(),
            value: v.value().to_string(),
            kind: v.r#type().map(|t| t.as_str().to_string()).unwrap_or_else(|| "PLAINTEXT".into()),
        })
        .collect();
    let exported = b
        .exported_environment_variables()
        .iter()
        .map(|v| (v.name().unwrap_or_default().to_string(), v.value().unwrap_or_default().to_string()))
        .collect();
    let mut artifacts: Vec<Artifact> = b.artifacts().map(|a| artifact("primary", a)).into_iter().collect();
    artifacts.extend(b.secondary_artifacts().iter().map(|a| artifact("secondary", a)));
    artifacts.retain(|a| a.location.is_some() || a.sha256.is_some());
    BuildDetails { id: b.id().unwrap_or_default().to_string(), environment, exported, artifacts }
}
