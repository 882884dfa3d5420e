//! The push effects: plan, upload and follow, start a run. Each runs in a
//! tokio task that answers with Msgs; the `PushPlan` (it owns the temp zip)
//! waits here between the plan and the upload, and is dropped on cancel.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::aws::{AwsClients, ByteProgress};
use crate::model::push::{FindingLevel, PlanView, SourceChoice};
use crate::msg::Msg;
use crate::pack::PackOptions;
use crate::pack::preflight::Severity;
use crate::push::{self, PushError, PushPlan, PushRequest, Trigger};

/// Progress messages at most this often (the gauge needs no more).
const PROGRESS_EVERY: Duration = Duration::from_millis(100);
/// How often ListPipelineExecutions is asked for our run.
const FIND_EVERY: Duration = Duration::from_secs(2);

pub struct PushDriver {
    clients: Arc<AwsClients>,
    tx: UnboundedSender<Msg>,
    /// `--workspace`, the demo workspace with `--sandbox`, else `None`
    /// (the git root or the current directory).
    workspace: Option<PathBuf>,
    /// The plan between PushPlanned and ExecutePush, or after an upload no
    /// run picked up (for `s`).
    pending: Arc<Mutex<Option<PushPlan>>>,
    task: Option<JoinHandle<()>>,
    execution_timeout: Duration,
    /// Where packages are written (default: the system temp dir).
    temp_dir: Option<PathBuf>,
    /// An upload that moves no bytes for this long is abandoned.
    stall_timeout: Duration,
}

impl PushDriver {
    pub fn new(clients: Arc<AwsClients>, tx: UnboundedSender<Msg>, workspace: Option<PathBuf>) -> Self {
        Self {
            clients,
            tx,
            workspace,
            pending: Arc::default(),
            task: None,
            execution_timeout: push::DEFAULT_EXECUTION_TIMEOUT,
            temp_dir: None,
            stall_timeout: crate::aws::STALL_TIMEOUT,
        }
    }

    /// How long an upload may move no bytes before it is abandoned.
    pub fn with_stall_timeout(mut self, timeout: Duration) -> Self {
        self.stall_timeout = timeout;
        self
    }

    /// How long to wait for the run an upload starts before offering `s`.
    pub fn with_execution_timeout(mut self, timeout: Duration) -> Self {
        self.execution_timeout = timeout;
        self
    }

    pub fn with_temp_dir(mut self, dir: PathBuf) -> Self {
        self.temp_dir = Some(dir);
        self
    }

    pub fn plan(&mut self, pipeline: &str, source_action: Option<String>) {
        self.cancel();
        let req = PushRequest {
            pipeline: pipeline.to_string(),
            pack: PackOptions { workspace: self.workspace.clone(), temp_dir: self.temp_dir.clone() },
            source_action,
        };
        let (clients, tx, pending) = (self.clients.clone(), self.tx.clone(), self.pending.clone());
        self.task = Some(tokio::spawn(async move {
            let msg = match push::plan(&clients, &req).await {
                Ok(plan) => {
                    let view = plan_view(&plan);
                    *lock(&pending) = Some(plan);
                    Msg::PushPlanned(Ok(view))
                }
                Err(PushError::SeveralSources { sources, .. }) => Msg::PushSources(
                    sources
                        .into_iter()
                        .map(|s| SourceChoice { target: format!("s3://{}/{}", s.bucket, s.key), action: s.action })
                        .collect(),
                ),
                Err(e) => Msg::PushPlanned(Err(e.to_string())),
            };
            let _ = tx.send(msg);
        }));
    }

    /// Drops the plan (removing its temp zip) and stops a planning task.
    pub fn cancel(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        lock(&self.pending).take();
    }

    pub fn execute(&mut self) {
        let Some(mut plan) = lock(&self.pending).take() else {
            let _ = self.tx.send(Msg::PushFailed("nothing to push: the plan is gone; press p again".into()));
            return;
        };
        plan.stall_timeout = self.stall_timeout;
        let (clients, tx, pending) = (self.clients.clone(), self.tx.clone(), self.pending.clone());
        let timeout = self.execution_timeout;
        self.task = Some(tokio::spawn(async move {
            let progress = throttled_progress(tx.clone(), plan.package.zip_bytes);
            let uploaded = match push::upload(&clients, &plan, false, progress).await {
                Ok(r) => r,
                Err(e) => {
                    let _ = tx.send(Msg::PushFailed(format!("push failed: {e}")));
                    return;
                }
            };
            let _ = tx.send(Msg::PushUploaded { version_id: uploaded.version_id.clone() });
            let Some(version_id) = uploaded.version_id else {
                let text = format!(
                    "uploaded to s3://{}/{}, but the bucket returned no VersionId (versioning off): no run can be matched to it",
                    uploaded.bucket, uploaded.key
                );
                let _ = tx.send(Msg::PushFailed(text));
                return;
            };
            let mut timeout = timeout;
            match plan.trigger() {
                Trigger::Events => {}
                // Nothing will start a run: say so at once, and offer `s`.
                Trigger::PollingDisabled(_) => {
                    let explanation = push::no_execution_explanation(&plan, &version_id, Duration::ZERO);
                    *lock(&pending) = Some(plan);
                    let _ = tx.send(Msg::PushNoExecution { version_id, explanation });
                    return;
                }
                Trigger::Poll => {
                    let note = push::trigger_note(&plan, &version_id).unwrap_or_default();
                    let _ = tx.send(Msg::PushWaitingForPoll { version_id: version_id.clone(), note });
                    timeout = timeout.max(push::POLL_WAIT);
                }
            }
            let msg = match push::find_execution(&clients, &plan.pipeline, &version_id, timeout, FIND_EVERY).await {
                Ok(Some(execution_id)) => Msg::PushFollowing { execution_id },
                Ok(None) => {
                    let explanation = push::no_execution_explanation(&plan, &version_id, timeout);
                    // Kept for `s`: starting the run needs the source action and pipeline type.
                    *lock(&pending) = Some(plan);
                    Msg::PushNoExecution { version_id, explanation }
                }
                Err(e) => Msg::PushFailed(format!("uploaded version {version_id}, then looking for its run: {e}")),
            };
            let _ = tx.send(msg);
        }));
    }

    pub fn start_run(&mut self, version_id: &str) {
        let Some(plan) = lock(&self.pending).take() else {
            let _ = self.tx.send(Msg::PushFailed("the pushed plan is gone; push again with p".into()));
            return;
        };
        let (clients, tx, version_id) = (self.clients.clone(), self.tx.clone(), version_id.to_string());
        self.task = Some(tokio::spawn(async move {
            let msg = match push::start_execution(&clients, &plan, &version_id).await {
                Ok(execution_id) => Msg::PushFollowing { execution_id },
                Err(e) => Msg::PushFailed(format!("starting {}: {e}", plan.pipeline)),
            };
            let _ = tx.send(msg);
        }));
    }
}

impl Drop for PushDriver {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// A poisoned lock still holds a usable slot: a panicking task only left it.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Sends PushProgress at most every `PROGRESS_EVERY`, and always the last bytes.
fn throttled_progress(tx: UnboundedSender<Msg>, total: u64) -> ByteProgress {
    let last: Mutex<Option<Instant>> = Mutex::new(None);
    Arc::new(move |sent| {
        let mut last = lock(&last);
        let due = last.is_none_or(|t| t.elapsed() >= PROGRESS_EVERY);
        if due || sent >= total {
            *last = Some(Instant::now());
            let _ = tx.send(Msg::PushProgress { sent, total });
        }
    })
}

/// The plain data the confirmation shows.
pub fn plan_view(plan: &PushPlan) -> PlanView {
    let pkg = &plan.package;
    let findings = plan
        .preflight
        .findings
        .iter()
        .map(|f| {
            let level = if f.severity == Severity::Error { FindingLevel::Error } else { FindingLevel::Warning };
            (level, f.to_string())
        })
        .collect();
    PlanView {
        pipeline: plan.pipeline.clone(),
        action: plan.source.action.clone(),
        bucket: plan.source.bucket.clone(),
        key: plan.source.key.clone(),
        workspace: pkg.workspace.display().to_string(),
        files: pkg.entries.len(),
        total_bytes: pkg.total_bytes,
        zip_bytes: pkg.zip_bytes,
        excluded_secrets: pkg.excluded_secrets.clone(),
        buildspec: plan.preflight.buildspec.clone(),
        findings,
        unchanged: plan.unchanged_note(),
        warnings: plan.warnings.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_throttled_but_always_ends_full() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let progress = throttled_progress(tx, 1_000_000);
        for sent in (1..=1000).map(|i| i * 1000) {
            progress(sent);
        }
        let mut seen = Vec::new();
        while let Ok(Msg::PushProgress { sent, total }) = rx.try_recv() {
            seen.push((sent, total));
        }
        assert_eq!(seen.first(), Some(&(1000, 1_000_000)), "the first chunk shows at once");
        assert_eq!(seen.last(), Some(&(1_000_000, 1_000_000)), "the gauge ends full");
        assert!(seen.len() <= 3, "a tight loop sends a few updates, not {}", seen.len());
    }
}
