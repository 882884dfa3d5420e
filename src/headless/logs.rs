//! `pipewatch logs`: a build's log as plain sanitised text, read with the same
//! gap-free follow as the TUI (`crate::follow`): the position moves only
//! after a page is printed, so a failed call is asked again from the same
//! place and no line is lost or repeated. Throttling and outages are waited
//! out with jittered backoff (`retry.rs`), a stream not created yet is waited
//! for quietly, and a project that logs to S3 only is read from S3.

use std::io::Write;
use std::time::{Duration, Instant};

use super::retry::Retry;
use super::status::{EXIT_FAILED, EXIT_OK, EXIT_SETUP, connect, fail, setup_message};
use crate::aws::AwsClients;
use crate::cli::LogsArgs;
use crate::follow::{LogFollow, LogRead, Next};
use crate::model::selection::is_build_action;
use crate::model::snapshot::{BuildSnapshot, LogEvent};
use crate::msg::ApiFailure;
use crate::sanitize::sanitize;

/// GetLogEvents is limited per account (10 TPS in the CloudWatch Logs quotas,
/// shared by every client): one follower never polls faster than this.
const MIN_INTERVAL: f64 = 1.0;
/// How often --follow asks whether the build has ended.
const BUILD_CHECK: Duration = Duration::from_secs(4);

pub async fn run(args: LogsArgs) -> i32 {
    tokio::select! {
        code = run_inner(&args) => code,
        _ = tokio::signal::ctrl_c() => 130,
    }
}

async fn run_inner(args: &LogsArgs) -> i32 {
    let clients = match connect(&args.connect).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let build_id = match (&args.build_id, &args.pipeline) {
        (Some(id), _) => id.clone(),
        (None, Some(pipeline)) => match latest_build(&clients, pipeline).await {
            Ok(id) => id,
            Err(message) => return fail(EXIT_SETUP, &message),
        },
        (None, None) => return fail(EXIT_SETUP, "pass a BUILD_ID or --pipeline NAME"),
    };
    let every = Duration::from_secs_f64(args.interval.clamp(MIN_INTERVAL, 3600.0));
    let mut reader = Reader { clients: &clients, build_id: &build_id, every, retry: Retry::default() };
    // The build names its log as it starts; a queued build has none yet.
    let build = loop {
        let build = match reader.build().await {
            Ok(b) => b,
            Err(code) => return code,
        };
        let known = build.cloudwatch_logs_disabled || (build.log_group.is_some() && build.log_stream.is_some());
        if known || build.complete || !args.follow {
            break build;
        }
        tokio::time::sleep(every).await;
    };
    let mut out = std::io::stdout().lock();
    if build.cloudwatch_logs_disabled {
        return reader.read_s3(build, args.follow, &mut out).await;
    }
    let (Some(group), Some(stream)) = (build.log_group.clone(), build.log_stream.clone()) else {
        if !build.complete {
            eprintln!("pipewatch: {build_id} has no log stream yet (queued); pass --follow to wait for it");
        }
        return EXIT_OK;
    };
    // Without --follow the build counts as ended: print what is there now.
    let mut follow = if args.follow { LogFollow::default() } else { LogFollow::new(Duration::ZERO) };
    let mut ended = build.complete || !args.follow;
    let mut checked = Instant::now();
    loop {
        if !ended && checked.elapsed() >= BUILD_CHECK {
            ended = match reader.build().await {
                Ok(b) => b.complete,
                Err(code) => return code,
            };
            checked = Instant::now();
        }
        let read = match clients.log_page(&group, &stream, follow.position()).await {
            Ok(read) => {
                reader.retry.succeeded();
                read
            }
            Err(e) => match reader.backoff(&e).await {
                Some(()) => continue,
                None => return fail(EXIT_FAILED, &e.message),
            },
        };
        if !args.follow && read == LogRead::StreamMissing {
            eprintln!("pipewatch: {build_id}'s log stream does not exist yet (provisioning); pass --follow to wait");
            return EXIT_OK;
        }
        let (events, next) = follow.on_read(read, ended, Instant::now(), chrono::Utc::now().timestamp_millis());
        if print(&mut out, &events).is_err() {
            return EXIT_OK; // stdout is gone (e.g. `| head`): stop quietly
        }
        match next {
            Next::Done => return EXIT_OK,
            Next::Now => {}
            _ if !args.follow => {}
            Next::Live | Next::Quiet | Next::WaitingForStream => tokio::time::sleep(every).await,
        }
    }
}

struct Reader<'a> {
    clients: &'a AwsClients,
    build_id: &'a str,
    every: Duration,
    retry: Retry,
}

impl Reader<'_> {
    /// BatchGetBuilds, waiting out throttling and outages; Err is the exit code.
    async fn build(&mut self) -> Result<BuildSnapshot, i32> {
        loop {
            match self.clients.build(self.build_id).await {
                Ok(b) => {
                    self.retry.succeeded();
                    return Ok(b);
                }
                Err(e) if e.message.contains("not found") => {
                    let hint = " (check the id, `pipewatch status --pipeline NAME` shows it)";
                    return Err(fail(EXIT_SETUP, &format!("{}{hint}", e.message)));
                }
                Err(e) => {
                    if self.backoff(&e).await.is_none() {
                        return Err(fail(EXIT_FAILED, &e.message));
                    }
                }
            }
        }
    }

    async fn backoff(&mut self, failure: &ApiFailure) -> Option<()> {
        let delay = self.retry.wait_for(failure)?;
        tokio::time::sleep(delay).await;
        Some(())
    }

    /// CloudWatch Logs is off for the project: the log is an S3 object that
    /// CodeBuild writes as the build ends.
    async fn read_s3(&mut self, mut build: BuildSnapshot, follow: bool, out: &mut impl Write) -> i32 {
        let Some(log) = build.s3_log.clone() else {
            return fail(
                EXIT_FAILED,
                &format!("{} keeps no log: its project has CloudWatch Logs and S3 logs off", self.build_id),
            );
        };
        while !build.complete {
            if !follow {
                eprintln!(
                    "pipewatch: {} logs to S3 only (s3://{}/{}), written when the build ends; pass --follow to wait",
                    self.build_id, log.bucket, log.key
                );
                return EXIT_OK;
            }
            tokio::time::sleep(self.every).await;
            build = match self.build().await {
                Ok(b) => b,
                Err(code) => return code,
            };
        }
        let end_ms = build.end.map_or(0, |t| t.timestamp_millis());
        // The object can appear a moment after the build reports complete.
        for _ in 0..10 {
            match self.clients.s3_log(&log.bucket, &log.key, end_ms).await {
                Ok(Some(events)) => {
                    // A closed stdout (e.g. `| head`) is not a failure.
                    let _ = print(out, &events);
                    return EXIT_OK;
                }
                Ok(None) => tokio::time::sleep(self.every).await,
                Err(e) => {
                    if self.backoff(&e).await.is_none() {
                        return fail(EXIT_FAILED, &e.message);
                    }
                }
            }
        }
        fail(EXIT_FAILED, &format!("{}'s S3 log s3://{}/{} did not appear", self.build_id, log.bucket, log.key))
    }
}

/// Only the sanitiser's text reaches the terminal: no escape sequence from the build.
fn print(out: &mut impl Write, events: &[LogEvent]) -> std::io::Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    for event in events {
        for line in sanitize(&event.message) {
            writeln!(out, "{}", line.text)?;
        }
    }
    out.flush()
}

/// The most recently changed CodeBuild action's build id.
async fn latest_build(clients: &AwsClients, pipeline: &str) -> Result<String, String> {
    let state = clients.pipeline_state(pipeline).await.map_err(|e| setup_message(&e, Some(pipeline)))?;
    state
        .stages
        .iter()
        .flat_map(|s| &s.actions)
        .filter(|a| is_build_action(a) && a.external_id.is_some())
        .max_by_key(|a| a.last_change)
        .and_then(|a| a.external_id.clone())
        .ok_or_else(|| format!("{pipeline} has no build yet: pass a BUILD_ID, or wait for its build action to start"))
}
