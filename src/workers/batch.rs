//! The followed batch: BatchGetBuildBatches at the build pace while it runs
//! (the chosen group's build has its own poller and tailer). Started once the
//! build poller found the action's id to be a batch, which sent the first
//! snapshot: this poll starts one interval later.

use super::Ctx;
use crate::msg::Msg;

pub(super) async fn poll(mut ctx: Ctx, id: String) {
    let mut backoff = ctx.new_backoff();
    if !ctx.pacer.interval_active(ctx.intervals.build).await {
        return;
    }
    loop {
        match ctx.clients.build_batch(&id).await {
            Ok(Some(batch)) => {
                ctx.succeeded(&mut backoff);
                let complete = batch.complete;
                ctx.send(Msg::Batch { id: id.clone(), result: Ok(batch) });
                // Like the followed build: full pace even while unfocused.
                if complete || !ctx.pacer.interval_active(ctx.intervals.build).await {
                    return;
                }
            }
            // Gone (deleted): nothing more to show.
            Ok(None) => return,
            Err(failure) => {
                let (failure, delay) = ctx.failed(&mut backoff, failure);
                ctx.send(Msg::Batch { id: id.clone(), result: Err(failure) });
                if !ctx.pacer.backoff(delay).await {
                    return;
                }
            }
        }
    }
}

/// BatchGetBuilds did not know `id`: a CodeBuild action with BatchEnabled
/// names a batch instead. Sends its first snapshot and returns true if so.
pub(super) async fn found_batch(ctx: &Ctx, id: &str) -> bool {
    match ctx.clients.build_batch(id).await {
        Ok(Some(batch)) => {
            ctx.send(Msg::Batch { id: id.to_string(), result: Ok(batch) });
            true
        }
        // Not a batch either (or the question failed): the build poller's
        // not-found count goes on.
        Ok(None) | Err(_) => false,
    }
}
