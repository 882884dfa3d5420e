//! The watched build: BatchGetBuilds while it runs, its project's phase
//! medians once per watch (two requests; the model drops them on a build
//! switch, and new successful builds change them), and the log tailer once the
//! build has a log stream.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Ctx, tail};
use crate::aws::is_build_not_found;
use crate::model::logs::LogSource;
use crate::model::snapshot::BuildSnapshot;
use crate::msg::Msg;

/// BatchGetBuilds while a new build has no log location yet.
const LOG_NAME_POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// Tries for the medians before giving up until the next watch.
const MEDIAN_ATTEMPTS: u32 = 3;
/// BatchGetBuilds answers buildsNotFound this many times in a row before the
/// build counts as not there (a build just started may not be listed yet).
const NOT_FOUND_TRIES: u32 = 3;

pub(super) async fn poll(mut ctx: Ctx, build_id: String) {
    let mut backoff = ctx.new_backoff();
    // Set once BatchGetBuilds reports the build complete; the tailer reads it.
    let finished = Arc::new(AtomicBool::new(false));
    let mut tailing = false;
    let mut medians_asked = false;
    let mut not_found = 0;
    loop {
        let build = match ctx.clients.build(&build_id).await {
            Ok(build) => build,
            Err(failure) => {
                // A batch id is found on the first not-found answer; asked at
                // each (at most NOT_FOUND_TRIES) in case one ask failed.
                if is_build_not_found(&failure) && super::batch::found_batch(&ctx, &build_id).await {
                    return;
                }
                not_found = if is_build_not_found(&failure) { not_found + 1 } else { 0 };
                if not_found >= NOT_FOUND_TRIES {
                    // Final: the same question gets the same answer, so stop asking.
                    let source = LogSource::BuildNotFound(failure.message.clone());
                    ctx.send(Msg::LogSource { build_id: build_id.clone(), source });
                    ctx.send(Msg::Build { result: Err(failure) });
                    return;
                }
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
            let region = build.region.clone().unwrap_or_else(|| ctx.clients.region.clone());
            ctx.spawn_sub(medians(ctx.fork(), build.project.clone(), region));
        }
        if !tailing {
            tailing = start_log(&ctx, &build, &finished);
        }
        let complete = build.complete;
        if complete {
            finished.store(true, Ordering::SeqCst);
            // Reports exist only once the build has ended: asked once, here.
            if !build.report_arns.is_empty() {
                let region = build.region.clone().unwrap_or_else(|| ctx.clients.region.clone());
                ctx.spawn_sub(tests(ctx.fork(), build.id.clone(), region, build.report_arns.clone()));
            }
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

/// The finished build's test reports, with a few tries (answer: `Msg::Tests`).
async fn tests(mut ctx: Ctx, build_id: String, region: String, arns: Vec<String>) {
    let mut backoff = ctx.new_backoff();
    for _ in 0..MEDIAN_ATTEMPTS {
        match ctx.clients.test_report(&build_id, &region, &arns).await {
            Ok(report) => {
                ctx.succeeded(&mut backoff);
                ctx.send(Msg::Tests { build_id, result: Ok(report) });
                return;
            }
            Err(failure) => {
                let (failure, delay) = ctx.failed(&mut backoff, failure);
                if !ctx.pacer.backoff(delay).await {
                    ctx.send(Msg::Tests { build_id, result: Err(failure) });
                    return;
                }
            }
        }
    }
}

async fn medians(mut ctx: Ctx, project: String, region: String) {
    let mut backoff = ctx.new_backoff();
    for _ in 0..MEDIAN_ATTEMPTS {
        match ctx.clients.phase_medians_in(&project, &region).await {
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
