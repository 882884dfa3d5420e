//! The watched build: BatchGetBuilds while it runs, its project's phase
//! medians once per watch (two requests; the model drops them on a build
//! switch, and new successful builds change them), and the log tailer once the
//! build has a log stream.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Ctx, tail};
use crate::model::logs::LogSource;
use crate::model::snapshot::BuildSnapshot;
use crate::msg::Msg;

/// BatchGetBuilds while a new build has no log location yet.
const LOG_NAME_POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// Tries for the medians before giving up until the next watch.
const MEDIAN_ATTEMPTS: u32 = 3;

pub(super) async fn poll(mut ctx: Ctx, build_id: String) {
    let mut backoff = ctx.new_backoff();
    // Set once BatchGetBuilds reports the build complete; the tailer reads it.
    let finished = Arc::new(AtomicBool::new(false));
    let mut tailing = false;
    let mut medians_asked = false;
    loop {
        let build = match ctx.clients.build(&build_id).await {
            Ok(build) => build,
            Err(failure) => {
                let (failure, delay) = ctx.failed(&mut backoff, failure);
                ctx.send(Msg::Build { result: Err(failure) });
                if !ctx.pacer.backoff(delay).await {
                    return;
                }
                continue;
            }
        };
        ctx.succeeded(&mut backoff);
        if !medians_asked {
            medians_asked = true;
            ctx.spawn_sub(medians(ctx.fork(), build.project.clone()));
        }
        if !tailing {
            tailing = start_log(&ctx, &build, &finished);
        }
        let complete = build.complete;
        if complete {
            finished.store(true, Ordering::SeqCst);
        }
        // CodeBuild names the log when PROVISIONING starts: until then ask
        // every second, so the tail starts with the build's first lines.
        let named = build.cloudwatch_logs_disabled || build.log_group.is_some();
        ctx.send(Msg::Build { result: Ok(build) });
        let interval = if named { ctx.intervals.build } else { ctx.intervals.build.min(LOG_NAME_POLL) };
        // The followed build: full pace even while the terminal is unfocused.
        if complete || !ctx.pacer.interval_active(interval).await {
            return;
        }
    }
}

/// Starts what reads the build's log, as soon as its location is known (the
/// stream need not exist yet: the tailer waits for it quietly). Returns
/// whether it did; an S3-only log is read once the build is complete.
fn start_log(ctx: &Ctx, build: &BuildSnapshot, finished: &Arc<AtomicBool>) -> bool {
    if build.cloudwatch_logs_disabled {
        let Some(log) = build.s3_log.clone() else {
            ctx.send(Msg::LogSource { build_id: build.id.clone(), source: LogSource::NoLog });
            return true;
        };
        let link = log.deep_link.clone().unwrap_or_else(|| format!("s3://{}/{}", log.bucket, log.key));
        ctx.send(Msg::LogSource { build_id: build.id.clone(), source: LogSource::S3Only { link, fetched: false } });
        if !build.complete {
            return false;
        }
        let end_ms = build.end.map_or(0, |t| t.timestamp_millis());
        ctx.spawn_sub(tail::s3_only(ctx.fork(), build.id.clone(), log, end_ms));
        return true;
    }
    let (Some(group), Some(stream)) = (build.log_group.clone(), build.log_stream.clone()) else { return false };
    ctx.spawn_sub(tail::run(ctx.fork(), build.id.clone(), group, stream, finished.clone()));
    true
}

async fn medians(mut ctx: Ctx, project: String) {
    let mut backoff = ctx.new_backoff();
    for _ in 0..MEDIAN_ATTEMPTS {
        match ctx.clients.phase_medians(&project).await {
            Ok(medians) => {
                ctx.succeeded(&mut backoff);
                ctx.send(Msg::PhaseMedians { project, medians });
                return;
            }
            Err(failure) => {
                // No error Msg: the ETA is a nicety, and the build poller
                // reports the API's health.
                let (_, delay) = ctx.failed(&mut backoff, failure);
                if !ctx.pacer.backoff(delay).await {
                    return;
                }
            }
        }
    }
}
