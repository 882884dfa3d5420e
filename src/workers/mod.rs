//! Tokio tasks that poll AWS through `crate::aws` and send whole snapshots as
//! `Msg`s. Each task owns its backoff; all share the focus/wake pace and are
//! cancelled through `CancellationToken`s when replaced or when `Workers` drops.
//! The push and control drivers here spawn a task per request the same way.
//! Call the methods from inside a Tokio runtime: they spawn tasks.

mod batch;
mod build;
mod control;
mod fleet;
pub mod fleet_schedule;
mod history;
mod inbox;
mod lanes;
mod pace;
mod pollers;
mod push;
mod rule_watch;
mod tail;

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc::UnboundedSender, watch};
use tokio_util::sync::CancellationToken;

use crate::aws::AwsClients;
use crate::config::Intervals;
use crate::msg::{ApiFailure, Msg};
pub use control::ControlDriver;
pub use fleet::FleetPoller;
use pace::{Backoff, Pace, Pacer};
pub use push::PushDriver;

pub struct Workers {
    clients: Arc<AwsClients>,
    tx: UnboundedSender<Msg>,
    intervals: Intervals,
    backoff: (Duration, Duration),
    pace: watch::Sender<Pace>,
    root: CancellationToken,
    general: Option<CancellationToken>,
    pipeline: Option<(String, CancellationToken)>,
    /// The watched pipeline's row comes from its own executions poll, so the
    /// rows poller skips it.
    watched: Arc<Mutex<Option<String>>>,
    build: Option<(String, CancellationToken)>,
    /// The followed batch's poll (its groups' builds use `build`).
    batch: Option<(String, CancellationToken)>,
    /// A followed Commands log: set once its action has ended.
    action_log_ended: Option<(String, Arc<AtomicBool>)>,
    rows: Option<(Vec<String>, CancellationToken)>,
    history: Option<CancellationToken>,
    /// The history view is open: the pipeline poll lists more executions.
    history_open: Arc<AtomicBool>,
    /// When the history view last listed executions at once, and for which pipeline.
    history_listed: Option<(String, std::time::Instant)>,
    /// The approvals inbox's sweep, while it is open.
    inbox: Option<(Vec<crate::model::inbox::Target>, CancellationToken)>,
    /// The starred pipelines' sweep (those nothing else reads).
    stars: Option<(Vec<crate::model::inbox::Target>, CancellationToken)>,
    /// Clients per (profile, Region) for the inbox (and the answers sent from it).
    pool: Arc<crate::aws::ClientPool>,
}

impl Workers {
    pub fn new(clients: Arc<AwsClients>, tx: UnboundedSender<Msg>, intervals: Intervals) -> Self {
        let (pace, _) = watch::channel(Pace { focused: true, wakes: 0 });
        let pool = Arc::new(crate::aws::ClientPool::new(clients.clone()));
        Self {
            clients,
            tx,
            intervals,
            backoff: (Duration::from_secs(1), Duration::from_secs(60)),
            pace,
            root: CancellationToken::new(),
            general: None,
            pipeline: None,
            watched: Arc::new(Mutex::new(None)),
            build: None,
            batch: None,
            action_log_ended: None,
            rows: None,
            history: None,
            history_open: Arc::new(AtomicBool::new(false)),
            history_listed: None,
            inbox: None,
            stars: None,
            pool,
        }
    }

    /// Backoff base and cap for every API (defaults 1 s and 60 s); set before
    /// starting any watch.
    pub fn with_backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.backoff = (base, cap);
        self
    }

    /// Identity once, and the pipeline list now and every `pipelines` interval.
    pub fn start(&mut self) {
        if let Some(old) = self.general.take() {
            old.cancel();
        }
        let token = self.root.child_token();
        self.spawn(&token, pollers::identity);
        self.spawn(&token, pollers::pipelines);
        self.general = Some(token);
    }

    /// GetPipelineState (+ ListPipelineExecutions) for `name`; replaces the
    /// previous pipeline watch. Watching the same pipeline again does nothing.
    pub fn watch_pipeline(&mut self, name: &str) {
        if self.pipeline.as_ref().is_some_and(|(current, _)| current == name) {
            return;
        }
        if let Some((_, old)) = self.pipeline.take() {
            old.cancel();
        }
        let token = self.root.child_token();
        let owned = name.to_string();
        let history_open = self.history_open.clone();
        self.spawn(&token, move |ctx| pollers::pipeline(ctx, owned, history_open));
        self.pipeline = Some((name.to_string(), token));
        *self.watched.lock().unwrap_or_else(|p| p.into_inner()) = Some(name.to_string());
    }

    /// BatchGetBuilds for `build_id` while it runs, its project's phase medians
    /// once, and the log tailer; replaces the previous build watch. Watching
    /// the same build again does nothing.
    pub fn watch_build(&mut self, build_id: &str) {
        // Always restart, even for the same id: update asks again only after
        // it cleared the build's log (e.g. back from another pipeline), and a
        // finished build's poller and tailer have already ended.
        if let Some((_, old)) = self.build.take() {
            old.cancel();
        }
        let token = self.root.child_token();
        let id = build_id.to_string();
        self.action_log_ended = None;
        if let Some((_, group, stream)) = crate::model::compute::log_arn_parts(build_id) {
            // A Commands action: no build to poll, only its log to tail
            // until `action_log_ended` says the action is over.
            let ended = Arc::new(AtomicBool::new(false));
            self.action_log_ended = Some((id.clone(), ended.clone()));
            self.spawn(&token, move |ctx| tail::run(ctx, id, group, stream, ended));
        } else {
            self.spawn(&token, move |ctx| build::poll(ctx, id));
        }
        self.build = Some((build_id.to_string(), token));
    }

    /// BatchGetBuildBatches for `id` while it runs (None: stop); replaces
    /// the previous batch watch, the same batch again does nothing.
    pub fn watch_batch(&mut self, id: Option<&str>) {
        if self.batch.as_ref().map(|(b, _)| b.as_str()) == id {
            return;
        }
        if let Some((_, old)) = self.batch.take() {
            old.cancel();
        }
        let Some(id) = id else { return };
        let token = self.root.child_token();
        let owned = id.to_string();
        self.spawn(&token, move |ctx| batch::poll(ctx, owned));
        self.batch = Some((id.to_string(), token));
    }

    /// The followed Commands action ended: its tailer reads the last lines
    /// and stops.
    pub fn action_log_ended(&mut self, arn: &str) {
        if let Some((id, ended)) = &self.action_log_ended
            && id == arn
        {
            ended.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// The latest execution of each of `names` (the visible list rows) now and
    /// every `rows` interval, as `Msg::PipelineLatest`. The watched pipeline's
    /// row comes from its executions poll instead, at no extra request. The
    /// same list again does nothing.
    pub fn watch_rows(&mut self, names: Vec<String>) {
        if self.rows.as_ref().is_some_and(|(current, _)| *current == names) {
            return;
        }
        if let Some((_, old)) = self.rows.take() {
            old.cancel();
        }
        let token = self.root.child_token();
        let owned = names.clone();
        let watched = self.watched.clone();
        self.spawn(&token, move |ctx| pollers::rows(ctx, owned, watched));
        self.rows = Some((names, token));
    }

    /// The approvals waiting at `targets`, now and at the inbox's slow pace,
    /// as `Msg::Approvals`; `None` stops. The same targets again do nothing.
    pub fn watch_inbox(&mut self, targets: Option<Vec<crate::model::inbox::Target>>) {
        if self.inbox.as_ref().map(|(t, _)| t) == targets.as_ref() {
            return;
        }
        if let Some((_, old)) = self.inbox.take() {
            old.cancel();
        }
        let Some(targets) = targets else { return };
        let token = self.root.child_token();
        let (owned, pool) = (targets.clone(), self.pool.clone());
        self.spawn(&token, move |ctx| inbox::sweep(ctx, owned, pool, inbox::sweep_interval));
        self.inbox = Some((targets, token));
    }

    /// The approvals waiting at starred `targets`, at the stars' pace, as
    /// `Msg::Approvals`; empty stops.
    pub fn watch_stars(&mut self, targets: Vec<crate::model::inbox::Target>) {
        if let Some((_, old)) = self.stars.take() {
            old.cancel();
        }
        if targets.is_empty() {
            return;
        }
        let token = self.root.child_token();
        let (owned, pool) = (targets.clone(), self.pool.clone());
        self.spawn(&token, move |ctx| inbox::sweep(ctx, owned, pool, inbox::stars_interval));
        self.stars = Some((targets, token));
    }

    /// Clients per (profile, Region): a fleet adds its other accounts here.
    pub fn pool(&self) -> Arc<crate::aws::ClientPool> {
        self.pool.clone()
    }

    /// Unfocused, every poll interval is 4× longer.
    pub fn set_focus(&mut self, focused: bool) {
        self.pace.send_if_modified(|p| std::mem::replace(&mut p.focused, focused) != focused);
    }

    /// Ends every worker's current wait (poll interval or backoff) now.
    pub fn refresh_now(&mut self) {
        self.pace.send_modify(|p| p.wakes = p.wakes.wrapping_add(1));
    }

    /// Runs `task` until it ends or `token` is cancelled (which also aborts an
    /// in-flight request, so a replaced watch sends nothing more).
    fn spawn<F, Fut>(&self, token: &CancellationToken, task: F)
    where
        F: FnOnce(Ctx) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let ctx = self.ctx(token.clone());
        let fut = task(ctx);
        let token = token.clone();
        tokio::spawn(async move {
            token.run_until_cancelled(fut).await;
        });
    }

    fn ctx(&self, cancel: CancellationToken) -> Ctx {
        Ctx {
            clients: self.clients.clone(),
            tx: self.tx.clone(),
            intervals: self.intervals,
            backoff: self.backoff,
            pacer: Pacer::new(self.pace.subscribe(), cancel.clone()),
            cancel,
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        self.root.cancel();
    }
}

/// What one task needs: the clients, the channel, its pace and cancellation.
pub(crate) struct Ctx {
    clients: Arc<AwsClients>,
    tx: UnboundedSender<Msg>,
    intervals: Intervals,
    backoff: (Duration, Duration),
    pacer: Pacer,
    cancel: CancellationToken,
}

impl Ctx {
    /// Sends `msg`; a closed channel means the app is gone, so the task stops.
    fn send(&self, msg: Msg) {
        if self.tx.send(msg).is_err() {
            self.cancel.cancel();
        }
    }

    fn new_backoff(&self) -> Backoff {
        Backoff::new(self.backoff.0, self.backoff.1)
    }

    /// A second pacer for a sub-task (the log tailer, the medians fetch).
    fn fork(&self) -> Ctx {
        Ctx {
            clients: self.clients.clone(),
            tx: self.tx.clone(),
            intervals: self.intervals,
            backoff: self.backoff,
            pacer: self.pacer.fork(),
            cancel: self.cancel.clone(),
        }
    }

    /// Reports recovery after failures.
    fn succeeded(&self, backoff: &mut Backoff) {
        if let Some(api) = backoff.succeeded() {
            self.send(Msg::ApiOk { api });
        }
    }

    /// Records a failure; returns it ready to send, and how long to wait.
    fn failed(&self, backoff: &mut Backoff, failure: ApiFailure) -> (ApiFailure, Duration) {
        tracing::debug!(api = %failure.api, kind = ?failure.kind, message = %failure.message, "API call failed");
        backoff.failed(failure)
    }

    /// Spawns a sub-task under this task's cancellation.
    fn spawn_sub<Fut>(&self, fut: Fut)
    where
        Fut: Future<Output = ()> + Send + 'static,
    {
        let token = self.cancel.clone();
        tokio::spawn(async move {
            token.run_until_cancelled(fut).await;
        });
    }
}
