//! `pipewatch logs`: a build's log as plain sanitised text. Reads forward
//! from the kept nextForwardToken like the TUI's tailer (src/workers/tail.rs):
//! the token moves only after a page is printed, so a failed call is asked
//! again from the same place and no line is lost or repeated.

use std::io::Write;
use std::time::Duration;

use super::status::{EXIT_FAILED, EXIT_OK, EXIT_SETUP, connect, fail, setup_message};
use crate::aws::{AwsClients, LOG_PAGE_LIMIT};
use crate::cli::LogsArgs;
use crate::model::selection::is_build_action;
use crate::model::snapshot::LogBatch;
use crate::sanitize::sanitize;

/// Consecutive API failures tolerated before giving up.
const MAX_FAILURES: u32 = 5;

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
    let every = Duration::from_secs_f64(args.interval.clamp(0.05, 3600.0));
    // The log stream is named once the build starts; a queued build has none yet.
    let (group, stream) = loop {
        let build = match clients.build(&build_id).await {
            Ok(b) => b,
            Err(e) => {
                let hint = if e.message.contains("not found") {
                    " (check the id, `pipewatch status --pipeline NAME` shows it)"
                } else {
                    ""
                };
                return fail(EXIT_SETUP, &format!("{}{hint}", e.message));
            }
        };
        match (build.log_group, build.log_stream) {
            (Some(g), Some(s)) => break (g, s),
            _ if build.complete || !args.follow => return EXIT_OK,
            _ => tokio::time::sleep(every).await,
        }
    };
    let mut out = std::io::stdout().lock();
    let mut printed = |batch: &LogBatch| print_batch(&mut out, batch);
    let mut failures = 0;
    let mut token: Option<String> = None;
    loop {
        // Without --follow the build counts as finished: read what is there now.
        let finished_before = if args.follow {
            match clients.build(&build_id).await {
                Ok(b) => b.complete,
                Err(e) => {
                    failures += 1;
                    if failures >= MAX_FAILURES {
                        return fail(EXIT_FAILED, &e.message);
                    }
                    tokio::time::sleep(every).await;
                    continue;
                }
            }
        } else {
            true
        };
        match next_page(&clients, &group, &stream, &mut token, &mut printed).await {
            Ok(Page { unchanged, full }) => {
                failures = 0;
                if finished_before && unchanged {
                    return EXIT_OK;
                }
                if !full {
                    tokio::time::sleep(every).await;
                }
            }
            Err(PageError::Closed) => return EXIT_OK,
            Err(PageError::Api(e)) => {
                // A finished build whose stream never appeared has no log to wait for.
                if finished_before && token.is_none() && e.message.contains("ResourceNotFoundException") {
                    return EXIT_OK;
                }
                failures += 1;
                if failures >= MAX_FAILURES {
                    return fail(EXIT_FAILED, &e.message);
                }
                tokio::time::sleep(every).await;
            }
        }
    }
}

/// What one GetLogEvents call found.
struct Page {
    /// The token came back unchanged: nothing new.
    unchanged: bool,
    /// A full page: more is waiting, ask again at once.
    full: bool,
}

enum PageError {
    Api(crate::msg::ApiFailure),
    /// stdout is gone (e.g. `| head`): stop quietly.
    Closed,
}

/// Reads one page from `token` and hands it to `sink`; the token moves only
/// when the sink took the page.
async fn next_page(
    clients: &AwsClients,
    group: &str,
    stream: &str,
    token: &mut Option<String>,
    sink: &mut impl FnMut(&LogBatch) -> std::io::Result<()>,
) -> Result<Page, PageError> {
    let batch = clients.log_page(group, stream, token.as_deref()).await.map_err(PageError::Api)?;
    let unchanged = token.as_deref() == Some(batch.next_token.as_str());
    let full = batch.events.len() >= LOG_PAGE_LIMIT;
    if !batch.events.is_empty() {
        sink(&batch).map_err(|_| PageError::Closed)?;
    }
    *token = Some(batch.next_token);
    Ok(Page { unchanged, full })
}

/// Only the sanitiser's text reaches the terminal: no escape sequence from the build.
fn print_batch(out: &mut impl Write, batch: &LogBatch) -> std::io::Result<()> {
    for event in &batch.events {
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
