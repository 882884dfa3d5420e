//! The watched build: BatchGetBuilds while it runs, its project's phase
//! medians once per watch (two requests; the model drops them on a build
//! switch, and new successful builds change them), and the log tailer once the
//! build has a log stream.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Ctx, tail};
use crate::model::snapshot::BuildSnapshot;
use crate::msg::Msg;

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
        if !tailing && let Some((group, stream)) = log_location(&build) {
            tailing = true;
            ctx.spawn_sub(tail::run(ctx.fork(), build_id.clone(), group, stream, finished.clone()));
        }
        let complete = build.complete;
        if complete {
            finished.store(true, Ordering::SeqCst);
        }
        ctx.send(Msg::Build { result: Ok(build) });
        let interval = ctx.intervals.build;
        if complete || !ctx.pacer.interval(interval).await {
            return;
        }
    }
}

fn log_location(build: &BuildSnapshot) -> Option<(String, String)> {
    Some((build.log_group.clone()?, build.log_stream.clone()?))
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
