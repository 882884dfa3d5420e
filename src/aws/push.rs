//! The SDK calls behind `pipewatch push`: the pipeline's S3 source, bucket
//! versioning, the pushed object's metadata (the PutObject itself is in
//! `upload.rs`), the build project's buildspec and starting an execution.

use std::path::PathBuf;
use std::sync::Arc;

use aws_sdk_codepipeline::types::{SourceRevisionOverride, SourceRevisionType};
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::BucketVersioningStatus;

use super::errors::classify;
use super::{AwsClients, status_of, time_of};
use crate::model::health::{ApiFailure, FailureKind};
use crate::model::snapshot::{Status, Time};

/// Object metadata key (without `x-amz-meta-`) holding the package's SHA-256.
pub const SHA_METADATA: &str = "pipewatch-sha256";
/// Read by CodePipeline as the revision summary of an S3 source.
pub const SUMMARY_METADATA: &str = "codepipeline-artifact-revision-summary";

/// A Source action of owner AWS and provider S3.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Source {
    pub stage: String,
    pub action: String,
    pub bucket: String,
    pub key: String,
    /// `PollForSourceChanges` as configured ("true"/"false"), if set.
    pub poll_for_source_changes: Option<String>,
}

impl S3Source {
    /// The source polls for changes: `PollForSourceChanges` is true, or
    /// absent, which CodePipeline reads as true (CodePipeline User Guide,
    /// "Amazon S3 source action reference": "PollForSourceChanges … Default: true").
    pub fn polls(&self) -> bool {
        !self.poll_for_source_changes.as_deref().is_some_and(|v| v.trim().eq_ignore_ascii_case("false"))
    }
}

/// What push needs from GetPipeline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PipelineSources {
    /// "V1" or "V2" (absent means V1).
    pub pipeline_type: Option<String>,
    pub s3_sources: Vec<S3Source>,
    /// The actions that run code (CodeBuild, Commands), in stage order.
    pub build_actions: Vec<BuildAction>,
    /// GetPipeline `metadata.pollingDisabledAt`: CodePipeline stopped polling
    /// (after 30 days without a run), so polling sources start nothing.
    pub polling_disabled_at: Option<Time>,
}

/// An action that runs code: a CodeBuild action reads a buildspec, a
/// Commands action (V2) runs the commands in its declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildAction {
    pub stage: String,
    pub action: String,
    /// "CodeBuild" or "Commands".
    pub provider: String,
    /// CodeBuild's `ProjectName`.
    pub project: Option<String>,
    /// The action's own Region, when declared.
    pub region: Option<String>,
}

/// A CodeBuild project's `source.buildspec`, as BatchGetProjects tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProjectBuildspec {
    /// In projectsNotFound: another account's, or not in that Region.
    NotFound,
    /// The setting: a path in the source, inline YAML, an S3 ARN, or unset.
    Set(Option<String>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Versioning {
    Enabled,
    Suspended,
    NeverEnabled,
}

/// What HeadObject says about the object at the source key.
#[derive(Clone, Debug, PartialEq)]
pub struct RemoteObject {
    pub version_id: Option<String>,
    pub sha256: Option<String>,
    pub last_modified: Option<Time>,
    pub summary: Option<String>,
}

/// Called with the bytes sent so far.
pub type ByteProgress = Arc<dyn Fn(u64) + Send + Sync>;

/// One PutObject of a file on disk.
#[derive(Clone, Debug)]
pub struct Upload {
    pub bucket: String,
    pub key: String,
    pub path: PathBuf,
    pub size: u64,
    pub sha256: String,
    pub summary: String,
    /// No bytes moved for this long abandons the upload (`STALL_TIMEOUT`).
    pub stall_timeout: std::time::Duration,
}

impl AwsClients {
    /// GetPipeline: its type, S3 source actions and CodeBuild projects.
    pub async fn pipeline_sources(&self, name: &str) -> Result<PipelineSources, ApiFailure> {
        let out = self.get_pipeline(name).await?;
        let mut sources = PipelineSources {
            polling_disabled_at: out.metadata().and_then(|m| m.polling_disabled_at()).and_then(time_of),
            ..PipelineSources::default()
        };
        let Some(pipeline) = out.pipeline() else { return Ok(sources) };
        sources.pipeline_type = pipeline.pipeline_type().map(|t| t.as_str().to_string());
        for stage in pipeline.stages() {
            for action in stage.actions() {
                let Some(t) = action.action_type_id() else { continue };
                let config = action.configuration();
                let get = |k: &str| config.and_then(|c| c.get(k)).cloned();
                match (t.category().as_str(), t.owner().as_str(), t.provider()) {
                    ("Source", "AWS", "S3") => sources.s3_sources.push(S3Source {
                        stage: stage.name().to_string(),
                        action: action.name().to_string(),
                        bucket: get("S3Bucket").unwrap_or_default(),
                        key: get("S3ObjectKey").unwrap_or_default(),
                        poll_for_source_changes: get("PollForSourceChanges"),
                    }),
                    (_, "AWS", provider @ ("CodeBuild" | "Commands")) => sources.build_actions.push(BuildAction {
                        stage: stage.name().to_string(),
                        action: action.name().to_string(),
                        provider: provider.to_string(),
                        project: get("ProjectName"),
                        region: action.region().map(str::to_string),
                    }),
                    _ => {}
                }
            }
        }
        Ok(sources)
    }

    pub async fn bucket_versioning(&self, bucket: &str) -> Result<Versioning, ApiFailure> {
        let out = self
            .s3
            .get_bucket_versioning()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| classify("s3:GetBucketVersioning", &e))?;
        Ok(match out.status() {
            Some(BucketVersioningStatus::Enabled) => Versioning::Enabled,
            Some(BucketVersioningStatus::Suspended) => Versioning::Suspended,
            _ => Versioning::NeverEnabled,
        })
    }

    /// HeadObject; `None` when there is no object at the key yet.
    pub async fn head_object(&self, bucket: &str, key: &str) -> Result<Option<RemoteObject>, ApiFailure> {
        match self.s3.head_object().bucket(bucket).key(key).send().await {
            Ok(out) => {
                let meta = out.metadata();
                Ok(Some(RemoteObject {
                    version_id: out.version_id().map(str::to_string),
                    sha256: meta.and_then(|m| m.get(SHA_METADATA)).cloned(),
                    last_modified: out.last_modified().and_then(time_of),
                    summary: meta.and_then(|m| m.get(SUMMARY_METADATA)).cloned(),
                }))
            }
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(None),
            // S3 API Reference, HeadObject: without s3:ListBucket, a missing key answers 403, not 404.
            Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 403) => Err(ApiFailure {
                api: "s3:HeadObject".into(),
                kind: FailureKind::Auth,
                message: format!(
                    "s3://{bucket}/{key} is not there or this identity may not list the bucket (S3 answers 403 to HeadObject on a missing key without s3:ListBucket): allow s3:ListBucket on {} and s3:GetObject on {} to tell",
                    crate::partition::s3_bucket_arn(&self.region, bucket),
                    crate::partition::s3_object_arn(&self.region, bucket, key)
                ),
                retry_in_secs: None,
            }),
            Err(e) => Err(classify("s3:HeadObject", &e)),
        }
    }

    /// The project's `source.buildspec` setting, asked in `region`.
    pub async fn project_buildspec(&self, project: &str, region: &str) -> Result<ProjectBuildspec, ApiFailure> {
        let out = self
            .in_region(region)
            .codebuild
            .batch_get_projects()
            .names(project)
            .send()
            .await
            .map_err(|e| classify("codebuild:BatchGetProjects", &e))?;
        Ok(match out.projects().first() {
            None => ProjectBuildspec::NotFound,
            Some(p) => ProjectBuildspec::Set(p.source().and_then(|s| s.buildspec()).map(str::to_string)),
        })
    }

    /// StartPipelineExecution, pinned to `(source action, version id)` when given (V2 only).
    pub async fn start_execution(&self, pipeline: &str, pin: Option<(&str, &str)>) -> Result<String, ApiFailure> {
        let mut req = self.codepipeline.start_pipeline_execution().name(pipeline);
        if let Some((action, version)) = pin {
            let revision = SourceRevisionOverride::builder()
                .action_name(action)
                .revision_type(SourceRevisionType::S3ObjectVersionId)
                .revision_value(version)
                .build()
                .map_err(|e| ApiFailure {
                    api: "codepipeline:StartPipelineExecution".into(),
                    kind: FailureKind::Service,
                    message: e.to_string(),
                    retry_in_secs: None,
                })?;
            req = req.source_revisions(revision);
        }
        let out = req.send().await.map_err(|e| classify("codepipeline:StartPipelineExecution", &e))?;
        Ok(out.pipeline_execution_id().unwrap_or_default().to_string())
    }

    pub async fn execution_status(&self, pipeline: &str, id: &str) -> Result<Status, ApiFailure> {
        let out = self
            .codepipeline
            .get_pipeline_execution()
            .pipeline_name(pipeline)
            .pipeline_execution_id(id)
            .send()
            .await
            .map_err(|e| classify("codepipeline:GetPipelineExecution", &e))?;
        Ok(status_of(out.pipeline_execution().and_then(|e| e.status()).map(|s| s.as_str()).unwrap_or("")))
    }
}

/// AccessDenied names the action and object; a network failure says that a
/// single PUT leaves no partial object behind.
pub(super) fn put_failure<E>(region: &str, bucket: &str, key: &str, err: &aws_sdk_s3::error::SdkError<E>) -> ApiFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let mut failure = classify("s3:PutObject", err);
    if matches!(err.code(), Some("AccessDenied" | "AccessDeniedException")) {
        failure.message = format!(
            "access denied: this identity may not s3:PutObject on {}; allow s3:PutObject on that object in its IAM policy (and the bucket policy)",
            crate::partition::s3_object_arn(region, bucket, key)
        );
    } else if failure.kind == FailureKind::Offline {
        failure.message = format!(
            "network failure while uploading to s3://{bucket}/{key} ({}); the upload is a single PutObject, so S3 kept no half-written object: the previous version is unchanged",
            failure.message
        );
    }
    failure
}
