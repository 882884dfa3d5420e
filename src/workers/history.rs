//! One-shot history fetches: a past execution rebuilt from its action
//! executions, and per-stage medians over recent executions. `update` decides
//! when (on open, on live poll ticks while a past execution runs), so these
//! add no timer of their own to the request budget.

use super::Ctx;
use crate::model::history::{execution_snapshot, stage_medians};
use crate::msg::{ApiFailure, Msg};

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
