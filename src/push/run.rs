//! Upload, then find the execution our VersionId started (or start one), then
//! follow it to the end.

use std::time::Duration;

use serde::Serialize;
use tokio::time::Instant;

use super::{MAX_PUT_BYTES, PushError, PushPlan, Trigger};
use crate::aws::{AwsClients, ByteProgress, Upload};
use crate::headless::retry::{Next, Retry};
use crate::model::snapshot::Status;
use crate::msg::ApiFailure;

#[derive(Clone, Debug)]
pub struct ExecuteOptions {
    /// Push even when the preflight found errors.
    pub force: bool,
    /// How long to wait for an execution with our VersionId.
    pub execution_timeout: Duration,
    pub poll_every: Duration,
}

impl Default for ExecuteOptions {
    fn default() -> Self {
        Self { force: false, execution_timeout: super::DEFAULT_EXECUTION_TIMEOUT, poll_every: Duration::from_secs(2) }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PushResult {
    pub bucket: String,
    pub key: String,
    pub version_id: Option<String>,
    pub sha256: String,
    pub bytes: u64,
    /// The execution whose source revision is our VersionId, once found.
    pub execution_id: Option<String>,
}

/// Uploads the package (refused on preflight errors unless forced) and waits
/// up to `execution_timeout` for the execution it starts.
pub async fn execute(
    clients: &AwsClients,
    plan: &PushPlan,
    opts: &ExecuteOptions,
    progress: ByteProgress,
) -> Result<PushResult, PushError> {
    let mut result = upload(clients, plan, opts.force, progress).await?;
    if let Some(v) = &result.version_id {
        result.execution_id =
            find_execution(clients, &plan.pipeline, v, opts.execution_timeout, opts.poll_every).await?;
    }
    Ok(result)
}

/// The upload alone: one PutObject, refused on preflight errors unless
/// `force`; `execution_id` is left empty.
pub async fn upload(
    clients: &AwsClients,
    plan: &PushPlan,
    force: bool,
    progress: ByteProgress,
) -> Result<PushResult, PushError> {
    if plan.preflight.has_errors() && !force {
        let errors = plan.preflight.errors().map(|f| format!("{}: {f}", plan.preflight.buildspec)).collect();
        return Err(PushError::PreflightFailed { errors });
    }
    if plan.package.zip_bytes > MAX_PUT_BYTES {
        return Err(PushError::TooLarge { bytes: plan.package.zip_bytes });
    }
    let upload = Upload {
        bucket: plan.source.bucket.clone(),
        key: plan.source.key.clone(),
        path: plan.package.path().to_path_buf(),
        size: plan.package.zip_bytes,
        sha256: plan.package.sha256.clone(),
        summary: plan.summary.clone(),
        stall_timeout: plan.stall_timeout,
    };
    let version_id = clients.put_package(&upload, progress).await?;
    Ok(PushResult {
        bucket: upload.bucket,
        key: upload.key,
        version_id,
        sha256: upload.sha256,
        bytes: upload.size,
        execution_id: None,
    })
}

/// Polls ListPipelineExecutions until an execution's source revision is
/// `version_id`; `None` after `timeout`. Throttling and outages are retried
/// with backoff until then; other errors end the search.
pub async fn find_execution(
    clients: &AwsClients,
    pipeline: &str,
    version_id: &str,
    timeout: Duration,
    every: Duration,
) -> Result<Option<String>, PushError> {
    let deadline = Instant::now() + timeout;
    let mut retry = Retry::new();
    loop {
        let mut wait = every;
        match clients.list_executions(pipeline, 25).await {
            Ok(list) => {
                retry.succeeded();
                let ours = list
                    .iter()
                    .find(|e| e.source_revisions.iter().any(|r| r.revision_id.as_deref() == Some(version_id)));
                if let Some(e) = ours {
                    return Ok(Some(e.id.clone()));
                }
            }
            Err(e) if Instant::now() >= deadline => return Err(e.into()),
            Err(e) => match retry.next(&e) {
                Next::Wait(backoff) => wait = backoff.max(every),
                Next::GiveUp(_) => return Err(e.into()),
            },
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        tokio::time::sleep(wait.min(deadline.saturating_duration_since(Instant::now()))).await;
    }
}

/// How long a push looks for the run of a polling source (CodePipeline
/// does not publish its poll interval; it is minutes, not seconds).
pub const POLL_WAIT: Duration = Duration::from_secs(600);

/// What to say as soon as the object is uploaded, when the run will not
/// simply appear within seconds: a polling source's run waits for the poll
/// (starting one now would start a second run later), a source whose
/// polling was switched off starts none.
pub fn trigger_note(plan: &PushPlan, version_id: &str) -> Option<String> {
    match plan.trigger() {
        Trigger::Events => None,
        Trigger::Poll => Some(format!(
            "the source polls for changes (PollForSourceChanges is true or absent): version {version_id}'s run starts at CodePipeline's next poll, which can take a few minutes; waiting for it (starting one now would start a second run)"
        )),
        Trigger::PollingDisabled(at) => Some(polling_off_explanation(plan, version_id, at)),
    }
}

fn polling_off_explanation(plan: &PushPlan, version_id: &str, at: crate::model::snapshot::Time) -> String {
    format!(
        "CodePipeline stopped polling {}'s source on {} (it does after 30 days without a run), so no run will start by itself. You can {}; to start runs on upload again, switch the source to event-based change detection (PollForSourceChanges=false and an EventBridge rule)",
        plan.pipeline,
        at.format("%Y-%m-%d"),
        start_text(plan, version_id)
    )
}

/// Why no execution picked the upload up, and what to do.
pub fn no_execution_explanation(plan: &PushPlan, version_id: &str, waited: Duration) -> String {
    let polling = match plan.trigger() {
        Trigger::PollingDisabled(at) => return polling_off_explanation(plan, version_id, at),
        Trigger::Poll => {
            "the source polls for changes (PollForSourceChanges is true or absent), and no poll picked it up yet (a poll may still start a run after you start one)"
        }
        Trigger::Events => {
            "the source does not poll (PollForSourceChanges=false), so only an EventBridge rule matching this bucket's PutObject events (through a CloudTrail trail) starts the pipeline; it is probably missing or disabled"
        }
    };
    format!(
        "no execution of {} picked up version {version_id} within {}s: {polling}. You can {}.",
        plan.pipeline,
        waited.as_secs(),
        start_text(plan, version_id)
    )
}

/// "start it pinned to version V (…)" on V2, plain on V1.
fn start_text(plan: &PushPlan, version_id: &str) -> String {
    if plan.pipeline_type == "V2" {
        format!(
            "start it pinned to version {version_id} (StartPipelineExecution with an S3_OBJECT_VERSION_ID source revision)"
        )
    } else {
        "start it (a V1 pipeline cannot be pinned: it takes the latest version of the object)".to_string()
    }
}

/// StartPipelineExecution: pinned to our version on V2, plain on V1.
pub async fn start_execution(clients: &AwsClients, plan: &PushPlan, version_id: &str) -> Result<String, PushError> {
    let pin = (plan.pipeline_type == "V2").then_some((plan.source.action.as_str(), version_id));
    Ok(clients.start_execution(&plan.pipeline, pin).await?)
}

/// True once an execution can no longer change.
pub fn is_final(status: &Status) -> bool {
    !matches!(status, Status::InProgress | Status::Stopping | Status::Queued | Status::Other(_))
}

/// Polls the execution until it ends, calling `on_status` on each change.
/// Throttling and outages are waited out with backoff (saying so on stderr:
/// this is `push --wait`'s loop); other failures end it.
pub async fn follow(
    clients: &AwsClients,
    pipeline: &str,
    execution_id: &str,
    every: Duration,
    mut on_status: impl FnMut(&Status),
) -> Result<Status, PushError> {
    let mut last: Option<Status> = None;
    let mut retry = Retry::new();
    loop {
        match clients.execution_status(pipeline, execution_id).await {
            Ok(status) => {
                retry.succeeded();
                if last.as_ref() != Some(&status) {
                    on_status(&status);
                }
                if is_final(&status) {
                    return Ok(status);
                }
                last = Some(status);
            }
            Err(e) => {
                if let Err(line) = retry.after(&e).await {
                    return Err(ApiFailure { message: line, ..e }.into());
                }
                continue;
            }
        }
        tokio::time::sleep(every).await;
    }
}
