//! The log tailer: GetLogEvents from the kept forward token. The token only
//! moves when a page has been sent on, so an error, a throttle or an outage
//! never loses or repeats a line: the next call simply asks again from the
//! same place.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::Ctx;
use crate::aws::LOG_PAGE_LIMIT;
use crate::msg::Msg;

pub(super) async fn run(mut ctx: Ctx, build_id: String, group: String, stream: String, finished: Arc<AtomicBool>) {
    let mut backoff = ctx.new_backoff();
    let mut token: Option<String> = None;
    loop {
        // Read before the call: if the build had finished by then, every line
        // was written before this call, so an unchanged token means the end.
        let finished_before = finished.load(Ordering::SeqCst);
        match ctx.clients.log_page(&group, &stream, token.as_deref()).await {
            Ok(batch) => {
                ctx.succeeded(&mut backoff);
                let unchanged = token.as_deref() == Some(batch.next_token.as_str());
                let full = batch.events.len() >= LOG_PAGE_LIMIT;
                let next = batch.next_token.clone();
                if !batch.events.is_empty() {
                    ctx.send(Msg::Log { build_id: build_id.clone(), result: Ok(batch) });
                }
                token = Some(next);
                if finished_before && unchanged {
                    return;
                }
                // A full page means more is waiting: ask again at once.
                if full {
                    continue;
                }
                let interval = if unchanged { ctx.intervals.log_quiet } else { ctx.intervals.log };
                if !ctx.pacer.interval(interval).await {
                    return;
                }
            }
            Err(failure) => {
                // A finished build whose stream never appeared has no log to wait for.
                if finished_before && token.is_none() && failure.message.contains("ResourceNotFoundException") {
                    return;
                }
                let (failure, delay) = ctx.failed(&mut backoff, failure);
                ctx.send(Msg::Log { build_id: build_id.clone(), result: Err(failure) });
                if !ctx.pacer.backoff(delay).await {
                    return;
                }
            }
        }
    }
}
