//! `:start` with overrides: StartPipelineExecution with pipeline `variables`
//! and `sourceRevisions` (CodePipeline API Reference, StartPipelineExecution,
//! PipelineVariable, SourceRevisionOverride).

use aws_sdk_codepipeline::types::{PipelineVariable, SourceRevisionOverride, SourceRevisionType};

use super::AwsClients;
use super::control::local_failure;
use super::errors::classify;
use crate::model::control::{short_id, start_text};
use crate::model::health::ApiFailure;
use crate::model::start::RevisionOverride;

const API: &str = "codepipeline:StartPipelineExecution";

impl AwsClients {
    pub(super) async fn start_with(
        &self,
        pipeline: &str,
        variables: &[(String, String)],
        revisions: &[RevisionOverride],
    ) -> Result<String, ApiFailure> {
        let mut req = self
            .codepipeline
            .start_pipeline_execution()
            .name(pipeline)
            .client_request_token(uuid::Uuid::new_v4().to_string());
        for (name, value) in variables {
            let v = PipelineVariable::builder().name(name).value(value).build();
            req = req.variables(v.map_err(|e| local_failure(API, &e.to_string()))?);
        }
        for r in revisions {
            let o = SourceRevisionOverride::builder()
                .action_name(&r.action)
                .revision_type(SourceRevisionType::from(r.kind.api_name()))
                .revision_value(&r.value)
                .build();
            req = req.source_revisions(o.map_err(|e| local_failure(API, &e.to_string()))?);
        }
        let out = req.send().await.map_err(|e| classify(API, &e))?;
        let id = out.pipeline_execution_id().unwrap_or("");
        Ok(format!("started execution {} of {pipeline} with {}", short_id(id), start_text(variables, revisions)))
    }
}
