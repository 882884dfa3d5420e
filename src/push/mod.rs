//! Push as a library, no terminal: `plan` finds the pipeline's S3 source,
//! packs and preflights the workspace and compares with the object there;
//! `execute` uploads it and finds the execution it starts. The TUI shows a
//! `PushPlan` in its confirmation; `pipewatch push` prints it.

mod run;

use std::fmt;
use std::time::Duration;

use crate::aws::{AwsClients, BuildAction, ProjectBuildspec, RemoteObject, S3Source, Versioning};
use crate::model::snapshot::Time;
use crate::msg::ApiFailure;
use crate::pack::preflight::{self, BuildspecSource, Preflight};
use crate::pack::{self, PackOptions, Package};

pub use run::{
    ExecuteOptions, POLL_WAIT, PushResult, execute, find_execution, follow, is_final, no_execution_explanation,
    start_execution, trigger_note, upload,
};

/// S3's limit for one PutObject.
pub const MAX_PUT_BYTES: u64 = 5 * 1024 * 1024 * 1024;

#[derive(Clone, Debug, Default)]
pub struct PushRequest {
    pub pipeline: String,
    pub pack: PackOptions,
    /// The S3 source action to push to, when the pipeline has several.
    pub source_action: Option<String>,
}

/// Everything the confirmation shows, and what `execute` needs.
#[derive(Debug)]
pub struct PushPlan {
    pub pipeline: String,
    /// "V1" or "V2".
    pub pipeline_type: String,
    pub source: S3Source,
    pub package: Package,
    pub preflight: Preflight,
    /// The object now at the key, if any.
    pub remote: Option<RemoteObject>,
    /// "pushed by USER@HOST: ..." for the revision summary.
    pub summary: String,
    /// Versioning off, checks that could not run: shown, never blocking.
    pub warnings: Vec<String>,
    /// No bytes moved for this long abandons the upload.
    pub stall_timeout: Duration,
    /// GetPipeline `metadata.pollingDisabledAt`.
    pub polling_disabled_at: Option<Time>,
}

/// What starts a run once the object is uploaded (CodePipeline User Guide,
/// "Amazon S3 source action reference" and "Pipeline structure reference",
/// metadata.pollingDisabledAt).
#[derive(Clone, Debug, PartialEq)]
pub enum Trigger {
    /// `PollForSourceChanges` false: an EventBridge rule on the bucket's
    /// events, within seconds when it exists.
    Events,
    /// CodePipeline's next poll of the source: minutes, never sooner.
    Poll,
    /// The source would poll, but CodePipeline stopped polling on this date
    /// (after 30 days without a run): nothing starts a run.
    PollingDisabled(Time),
}

impl PushPlan {
    /// The object at the key already holds this exact package.
    pub fn unchanged(&self) -> bool {
        self.remote.as_ref().and_then(|r| r.sha256.as_deref()) == Some(self.package.sha256.as_str())
    }

    pub fn trigger(&self) -> Trigger {
        match (self.source.polls(), self.polling_disabled_at) {
            (false, _) => Trigger::Events,
            (true, None) => Trigger::Poll,
            (true, Some(at)) => Trigger::PollingDisabled(at),
        }
    }

    /// "unchanged since version V pushed at T", when it is.
    pub fn unchanged_note(&self) -> Option<String> {
        let remote = self.remote.as_ref().filter(|_| self.unchanged())?;
        let version = remote.version_id.as_deref().unwrap_or("(unversioned)");
        let at = remote.last_modified.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string());
        Some(format!("unchanged since version {version} pushed at {}", at.as_deref().unwrap_or("an unknown time")))
    }
}

#[derive(Debug)]
pub enum PushError {
    NoS3Source {
        pipeline: String,
    },
    /// The caller chooses one and calls `plan` again with `source_action`.
    SeveralSources {
        pipeline: String,
        sources: Vec<S3Source>,
    },
    UnknownSource {
        pipeline: String,
        action: String,
    },
    Pack(String),
    TooLarge {
        bytes: u64,
    },
    PreflightFailed {
        errors: Vec<String>,
    },
    Api(ApiFailure),
}

impl fmt::Display for PushError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushError::NoS3Source { pipeline } => write!(
                f,
                "pipeline {pipeline} has no S3 source action (category Source, owner AWS, provider S3): push needs one to upload to"
            ),
            PushError::SeveralSources { pipeline, sources } => {
                let names: Vec<String> =
                    sources.iter().map(|s| format!("{} (s3://{}/{})", s.action, s.bucket, s.key)).collect();
                write!(f, "pipeline {pipeline} has several S3 source actions; choose one: {}", names.join(", "))
            }
            PushError::UnknownSource { pipeline, action } => {
                write!(f, "pipeline {pipeline} has no S3 source action named {action}")
            }
            PushError::Pack(msg) => write!(f, "packing the workspace: {msg}"),
            PushError::TooLarge { bytes } => write!(
                f,
                "the package is {bytes} bytes: over the 5 GB a single PutObject accepts; ignore large files with .pipewatchignore"
            ),
            PushError::PreflightFailed { errors } => {
                write!(f, "the buildspec preflight failed (use --force to push anyway):\n  {}", errors.join("\n  "))
            }
            PushError::Api(failure) => f.write_str(&failure.message),
        }
    }
}

impl std::error::Error for PushError {}

impl From<ApiFailure> for PushError {
    fn from(f: ApiFailure) -> Self {
        PushError::Api(f)
    }
}

/// The S3 source action to push to: the chosen one, or the only one.
pub fn choose_source(pipeline: &str, sources: Vec<S3Source>, chosen: Option<&str>) -> Result<S3Source, PushError> {
    if let Some(action) = chosen {
        return sources
            .into_iter()
            .find(|s| s.action == action)
            .ok_or_else(|| PushError::UnknownSource { pipeline: pipeline.into(), action: action.into() });
    }
    match sources.len() {
        0 => Err(PushError::NoS3Source { pipeline: pipeline.into() }),
        1 => Ok(sources.into_iter().next().ok_or_else(|| PushError::NoS3Source { pipeline: pipeline.into() })?),
        _ => Err(PushError::SeveralSources { pipeline: pipeline.into(), sources }),
    }
}

/// Finds the source, packs and preflights, and compares with the object at the key.
pub async fn plan(clients: &AwsClients, req: &PushRequest) -> Result<PushPlan, PushError> {
    let declared = clients.pipeline_sources(&req.pipeline).await?;
    let source = choose_source(&req.pipeline, declared.s3_sources, req.source_action.as_deref())?;
    let mut warnings = Vec::new();
    match clients.bucket_versioning(&source.bucket).await {
        Ok(Versioning::Enabled) => {}
        Ok(state) => warnings.push(format!(
            "versioning is {} on bucket {}: CodePipeline needs a versioned S3 source bucket (aws s3api put-bucket-versioning --bucket {} --versioning-configuration Status=Enabled)",
            if state == Versioning::Suspended { "suspended" } else { "off" },
            source.bucket,
            source.bucket
        )),
        Err(e) => warnings.push(format!("could not check versioning of {}: {}", source.bucket, e.message)),
    }
    let buildspec = buildspec_source(clients, &declared.build_actions).await;
    let (package, preflight, summary) = pack_and_check(req.pack.clone(), buildspec).await?;
    if package.zip_bytes > MAX_PUT_BYTES {
        return Err(PushError::TooLarge { bytes: package.zip_bytes });
    }
    let remote = match clients.head_object(&source.bucket, &source.key).await {
        Ok(r) => r,
        Err(e) => {
            warnings.push(format!("could not compare with the pushed object: {}", e.message));
            None
        }
    };
    let pipeline_type = declared.pipeline_type.unwrap_or_else(|| "V1".into());
    Ok(PushPlan {
        pipeline: req.pipeline.clone(),
        pipeline_type,
        source,
        package,
        preflight,
        remote,
        summary,
        warnings,
        stall_timeout: crate::aws::STALL_TIMEOUT,
        polling_disabled_at: declared.polling_disabled_at,
    })
}

/// Which buildspec the pipeline's first CodeBuild action reads from the
/// package, asked of its project in the action's own Region. A pipeline
/// without one, or a project that cannot be read, is not checked (and says
/// why): only a real problem in the package's buildspec blocks a push.
async fn buildspec_source(clients: &AwsClients, actions: &[BuildAction]) -> BuildspecSource {
    let Some(build) = actions.iter().find(|a| a.provider == "CodeBuild") else {
        return BuildspecSource::Unchecked(match actions.first() {
            Some(a) => format!(
                "{}/{} is a {} action: it runs the commands in the pipeline's declaration, no buildspec from this package",
                a.stage, a.action, a.provider
            ),
            None => "the pipeline has no CodeBuild action, so nothing in this package is read as a buildspec".into(),
        });
    };
    let Some(project) = &build.project else {
        return BuildspecSource::Unchecked(format!(
            "CodeBuild action {}/{} names no project",
            build.stage, build.action
        ));
    };
    let region = build.region.as_deref().unwrap_or(&clients.region);
    match clients.project_buildspec(project, region).await {
        Ok(ProjectBuildspec::Set(value)) => BuildspecSource::from_project(project, value.as_deref()),
        Ok(ProjectBuildspec::NotFound) => BuildspecSource::Unchecked(format!(
            "project {project} is not visible in {region} to this identity (another account's?), so its buildspec setting is unknown"
        )),
        Err(e) => BuildspecSource::Unchecked(format!(
            "could not read project {project}'s buildspec setting in {region}: {}",
            e.message
        )),
    }
}

/// Packs on a blocking thread (it is CPU-bound) and preflights the result;
/// no network. Also the whole of `--dry-run` when no pipeline is reachable.
pub async fn pack_and_check(
    opts: PackOptions,
    buildspec: BuildspecSource,
) -> Result<(Package, Preflight, String), PushError> {
    let joined = tokio::task::spawn_blocking(move || {
        let package = pack::pack_workspace(&opts)?;
        let checked = preflight::preflight(&package.workspace, &package.entries, &buildspec);
        let summary = pack::revision_summary(&package.workspace);
        Ok::<_, color_eyre::Report>((package, checked, summary))
    })
    .await;
    match joined {
        Ok(Ok(done)) => Ok(done),
        Ok(Err(e)) => Err(PushError::Pack(format!("{e:#}"))),
        Err(e) => Err(PushError::Pack(format!("the packing thread failed: {e}"))),
    }
}

/// How long `execute` waits for the execution our upload starts.
pub const DEFAULT_EXECUTION_TIMEOUT: Duration = Duration::from_secs(60);

#[cfg(test)]
mod tests;
