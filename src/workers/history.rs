//! One-shot history fetches: a past execution rebuilt from its action
//! executions, and per-stage medians over recent executions. `update` decides
//! when (on open, on live poll ticks while a past execution runs), so these
//! add no timer of their own to the request budget.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::{Ctx, Workers, pollers};
use crate::model::history::{execution_snapshot, stage_medians};
use crate::msg::{ApiFailure, Msg};

/// Opening the history lists executions at once at most this often.
const HISTORY_RELIST: Duration = Duration::from_secs(15);

/// The history's effects: each starts a one-shot task (the open view
/// lengthens the pipeline poll's list instead of adding one).
impl Workers {
    /// Rebuilds a past execution once (answer: `Msg::PastExecution`).
    pub fn fetch_past_execution(&mut self, pipeline: &str, execution_id: &str) {
        let token = self.history_token();
        let (pipeline, id) = (pipeline.to_string(), execution_id.to_string());
        self.spawn(&token, move |ctx| past_execution(ctx, pipeline, id));
    }

    /// Per-stage medians once (answer: `Msg::StageMedians`).
    pub fn fetch_stage_medians(&mut self, pipeline: &str) {
        let token = self.history_token();
        let pipeline = pipeline.to_string();
        self.spawn(&token, move |ctx| medians(ctx, pipeline));
    }

    /// While the history is open the pipeline poll lists `HISTORY_EXECUTIONS`;
    /// opening lists them once now (one request) rather than waking every poller.
    pub fn set_history_open(&mut self, pipeline: &str, open: bool) {
        self.history_open.store(open, Ordering::Relaxed);
        // Opening and closing the view in a row lists at most once per 15 s:
        // the poll lists the long list anyway while it is open.
        let recent = self.history_listed.as_ref().is_some_and(|(p, at)| p == pipeline && at.elapsed() < HISTORY_RELIST);
        if open && !recent {
            self.history_listed = Some((pipeline.to_string(), Instant::now()));
            let token = self.history_token();
            let pipeline = pipeline.to_string();
            self.spawn(&token, move |ctx| executions(ctx, pipeline, pollers::HISTORY_EXECUTIONS));
        }
    }

    /// Drops history fetches in flight: their answers no longer apply.
    pub fn cancel_history(&mut self) {
        if let Some(old) = self.history.take() {
            old.cancel();
        }
    }

    fn history_token(&mut self) -> CancellationToken {
        self.history.get_or_insert_with(|| self.root.child_token()).clone()
    }
}

/// ListActionExecutions pages read for the medians: 200 action executions,
/// a few dozen recent executions of a typical pipeline.
const MEDIAN_PAGES: usize = 2;

pub(super) async fn past_execution(ctx: Ctx, pipeline: String, execution_id: String) {
    let result = async {
        let declaration = ctx.clients.declaration(&pipeline).await?;
        let runs = ctx.clients.action_executions(&pipeline, &execution_id).await?;
        Ok(execution_snapshot(&pipeline, &execution_id, &declaration, &runs))
    }
    .await;
    report(&ctx, &result);
    ctx.send(Msg::PastExecution { pipeline, execution_id, result });
}

pub(super) async fn medians(ctx: Ctx, pipeline: String) {
    let result = async {
        let declaration = ctx.clients.declaration(&pipeline).await?;
        let runs = ctx.clients.recent_action_executions(&pipeline, MEDIAN_PAGES).await?;
        Ok(stage_medians(&declaration, &runs))
    }
    .await;
    report(&ctx, &result);
    ctx.send(Msg::StageMedians { pipeline, result });
}

/// The executions list once, longer than the poll's (the history opened).
pub(super) async fn executions(ctx: Ctx, pipeline: String, max: i32) {
    let result = ctx.clients.list_executions(&pipeline, max).await;
    ctx.send(Msg::Executions { pipeline, result });
}

/// A success clears an earlier failure of the same API from the header.
fn report<T>(ctx: &Ctx, result: &Result<T, ApiFailure>) {
    match result {
        Ok(_) => ctx.send(Msg::ApiOk { api: "codepipeline:ListActionExecutions".into() }),
        Err(f) => tracing::debug!(api = %f.api, message = %f.message, "history fetch failed"),
    }
}

impl Workers {
    /// The details view's data once (answer: `Msg::Details`).
    pub fn fetch_details(&mut self, pipeline: &str, execution_id: &str, build_id: Option<&str>) {
        let token = self.root.child_token();
        let (pipeline, id, build) = (pipeline.to_string(), execution_id.to_string(), build_id.map(str::to_string));
        self.spawn(&token, move |ctx| async move {
            let result = ctx.clients.details(&pipeline, &id, build.as_deref()).await;
            ctx.send(Msg::Details(result));
        });
    }
}
