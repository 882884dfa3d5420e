//! The log tailer: GetLogEvents driven by `crate::follow::LogFollow`, which
//! keeps the position (token) through errors, so an error, a throttle or an
//! outage never loses or repeats a line: the next call asks again from the
//! same place. It runs only while the followed build runs, so it keeps its
//! pace when the terminal is unfocused (a split pane is watched, not hidden).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::Ctx;
use crate::follow::{LogFollow, LogRead, Next};
use crate::model::logs::LogSource;
use crate::model::snapshot::{LogBatch, S3Log};
use crate::msg::Msg;

pub(super) async fn run(mut ctx: Ctx, build_id: String, group: String, stream: String, finished: Arc<AtomicBool>) {
    let mut backoff = ctx.new_backoff();
    let mut follow = LogFollow::default();
    let mut source = LogSource::Unknown;
    loop {
        // Read before the call: if the build had ended by then, every line was
        // printed before this call (the follow still waits for late ingestion).
        let ended = finished.load(Ordering::SeqCst);
        let read = ctx.clients.log_page(&group, &stream, follow.position()).await;
        let read = match read {
            Ok(read) => read,
            Err(failure) => {
                let (failure, delay) = ctx.failed(&mut backoff, failure);
                ctx.send(Msg::Log { build_id: build_id.clone(), result: Err(failure) });
                if !ctx.pacer.backoff(delay).await {
                    return;
                }
                continue;
            }
        };
        ctx.succeeded(&mut backoff);
        let now_source =
            if matches!(read, LogRead::StreamMissing) { LogSource::WaitingForStream } else { LogSource::Streaming };
        if now_source != source {
            source = now_source.clone();
            ctx.send(Msg::LogSource { build_id: build_id.clone(), source: now_source });
        }
        let (events, next) = follow.on_read(read, ended, Instant::now(), chrono::Utc::now().timestamp_millis());
        if !events.is_empty() {
            ctx.send(Msg::Log {
                build_id: build_id.clone(),
                result: Ok(LogBatch { events, next_token: String::new() }),
            });
        }
        let interval = match next {
            Next::Now => continue,
            Next::Done => return,
            Next::Live | Next::WaitingForStream => ctx.intervals.log,
            Next::Quiet => ctx.intervals.log_quiet,
        };
        if !ctx.pacer.interval_active(interval).await {
            return;
        }
    }
}

/// A project that logs to S3 only: CodeBuild writes the object as the build
/// ends, so read it once the build is complete, asking again while it is not
/// there yet (a few tries).
pub(super) async fn s3_only(mut ctx: Ctx, build_id: String, log: S3Log, end_ms: i64) {
    const TRIES: u32 = 10;
    let mut backoff = ctx.new_backoff();
    let link = log.deep_link.clone().unwrap_or_else(|| format!("s3://{}/{}", log.bucket, log.key));
    for _ in 0..TRIES {
        match ctx.clients.s3_log(&log.bucket, &log.key, end_ms).await {
            Ok(Some(events)) => {
                ctx.succeeded(&mut backoff);
                ctx.send(Msg::LogSource {
                    build_id: build_id.clone(),
                    source: LogSource::S3Only { link, fetched: true },
                });
                if !events.is_empty() {
                    let batch = LogBatch { events, next_token: String::new() };
                    ctx.send(Msg::Log { build_id, result: Ok(batch) });
                }
                return;
            }
            Ok(None) => {
                if !ctx.pacer.interval_active(ctx.intervals.log_quiet).await {
                    return;
                }
            }
            Err(failure) => {
                let (failure, delay) = ctx.failed(&mut backoff, failure);
                ctx.send(Msg::Log { build_id: build_id.clone(), result: Err(failure) });
                if !ctx.pacer.backoff(delay).await {
                    return;
                }
            }
        }
    }
}
