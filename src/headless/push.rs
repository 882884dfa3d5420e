//! `pipewatch push`: the push library with a shell's manners. Messages and the
//! progress bar go to stderr (the bar only on a terminal), `--json` prints one
//! object on stdout. Exit codes: 0 success, 1 the upload failed or the run did
//! not succeed, 2 usage or setup errors (preflight included, unless --force).

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::aws::{self, AwsClients};
use crate::cli::PushArgs;
use crate::model::snapshot::Status;
use crate::msg::FailureKind;
use crate::pack::PackOptions;
use crate::push::{self, ExecuteOptions, PushError, PushPlan, PushRequest, Trigger};

use super::status::pick_pipeline;
pub use super::status::{EXIT_FAILED, EXIT_OK, EXIT_SETUP};

/// Runs the command; Ctrl-C drops the work in flight (the temp zip with it).
pub async fn run(args: PushArgs) -> i32 {
    tokio::select! {
        code = run_inner(&args) => code,
        _ = tokio::signal::ctrl_c() => {
            eprintln!("interrupted: nothing was left behind (the upload is a single PutObject)");
            130
        }
    }
}

async fn run_inner(args: &PushArgs) -> i32 {
    let (clients, plan) = match connect_and_plan(args).await {
        Ok(done) => done,
        Err(Setup { message, reached_aws: false }) if args.dry_run => {
            return super::dry_run::offline_dry_run(args, &message).await;
        }
        Err(Setup { message, .. }) => return fail(EXIT_SETUP, &message),
    };
    describe(&plan);
    if let Some(dest) = &args.zip_out
        && let Err(e) = plan.package.save_as(dest)
    {
        return fail(EXIT_SETUP, &format!("{e:#}"));
    }
    if plan.preflight.has_errors() && !args.force {
        return fail(EXIT_SETUP, "the buildspec preflight found errors: fix them or pass --force");
    }
    if args.dry_run {
        eprintln!("dry run: nothing uploaded");
        print_json(args, &plan, None, None, "DryRun");
        return EXIT_OK;
    }
    if let Some(refusal) = super::read_only_refusal(clients.profile.as_deref(), "push") {
        return fail(EXIT_SETUP, &refusal);
    }
    if let Some(note) = plan.unchanged_note()
        && !args.force
        && !args.yes
        && !confirm(&format!("{note}. Push it again?"))
    {
        eprintln!("{note}: not pushed (use --force to push anyway)");
        print_json(args, &plan, None, None, "Unchanged");
        return EXIT_OK;
    }
    upload_and_follow(&clients, args, &plan).await
}

async fn upload_and_follow(clients: &AwsClients, args: &PushArgs, plan: &PushPlan) -> i32 {
    let bar = progress_bar(plan.package.zip_bytes);
    let progress: aws::ByteProgress = match bar.clone() {
        Some(bar) => Arc::new(move |sent| bar.set_position(sent)),
        None => Arc::new(|_| {}),
    };
    let opts = ExecuteOptions {
        force: args.force,
        execution_timeout: Duration::from_secs(args.execution_timeout),
        ..ExecuteOptions::default()
    };
    let started = std::time::Instant::now();
    let result = push::upload(clients, plan, args.force, progress).await;
    let secs = started.elapsed().as_secs_f64();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let mut result = match result {
        Ok(r) => r,
        Err(e) => return fail(exit_code_of(&e), &e.to_string()),
    };
    let version = result.version_id.clone().unwrap_or_default();
    let rate = result.bytes as f64 / 1e6 / secs.max(1e-3);
    eprintln!(
        "pushed s3://{}/{} version {version} (sha256 {}) in {secs:.2} s, {rate:.1} MB/s",
        result.bucket, result.key, result.sha256
    );
    let trigger = plan.trigger();
    if let Some(note) = push::trigger_note(plan, &version).filter(|_| !version.is_empty()) {
        eprintln!("{note}");
    }
    // A polling source's run comes with the poll: --wait waits for it.
    let look_for = match trigger {
        Trigger::Poll if args.wait => opts.execution_timeout.max(push::POLL_WAIT),
        Trigger::PollingDisabled(_) => Duration::ZERO,
        _ => opts.execution_timeout,
    };
    if !version.is_empty() && !look_for.is_zero() {
        let found = push::find_execution(clients, &plan.pipeline, &version, look_for, opts.poll_every);
        match found.await {
            Ok(id) => result.execution_id = id,
            Err(e) => return fail(exit_code_of(&e), &e.to_string()),
        }
    }
    if result.execution_id.is_none() && !version.is_empty() && trigger == Trigger::Poll {
        // Never offered: a start now and the poll later would be two runs.
        eprintln!("no run yet: version {version}'s run starts at the source's next poll");
    } else if result.execution_id.is_none() && !version.is_empty() {
        if !matches!(trigger, Trigger::PollingDisabled(_)) {
            eprintln!("{}", push::no_execution_explanation(plan, &version, look_for));
        }
        if args.yes || confirm("Start an execution now?") {
            match push::start_execution(clients, plan, &version).await {
                Ok(id) => result.execution_id = Some(id),
                Err(e) => return fail(exit_code_of(&e), &e.to_string()),
            }
        }
    }
    let Some(id) = result.execution_id.clone() else {
        print_json(args, plan, Some(&result), None, "Uploaded");
        return if args.wait { EXIT_FAILED } else { EXIT_OK };
    };
    eprintln!("execution {id} of {}", plan.pipeline);
    if !args.wait {
        print_json(args, plan, Some(&result), Some(&id), "InProgress");
        return EXIT_OK;
    }
    let every = Duration::from_secs(2);
    let status = match push::follow(clients, &plan.pipeline, &id, every, |s| eprintln!("  {}", status_name(s))).await {
        Ok(s) => s,
        Err(e) => return fail(EXIT_FAILED, &e.to_string()),
    };
    print_json(args, plan, Some(&result), Some(&id), &status_name(&status));
    if status == Status::Succeeded { EXIT_OK } else { EXIT_FAILED }
}

/// Why push could not start; `reached_aws` is false when AWS itself (or
/// the pipeline) was out of reach, which a dry run can do without.
struct Setup {
    message: String,
    reached_aws: bool,
}

async fn connect_and_plan(args: &PushArgs) -> Result<(AwsClients, PushPlan), Setup> {
    let offline = |message: String| Setup { message, reached_aws: false };
    // The SDK's standard retries: see `headless::retry`.
    let opts = aws::ConnectOptions { sdk_retries: true, ..args.connect.options() };
    let clients = aws::connect(&opts).await.map_err(|e| offline(format!("{e:#}")))?;
    let pipeline = pick_pipeline(&clients, args.pipeline.as_deref()).await.map_err(offline)?;
    let req = PushRequest {
        pipeline,
        pack: PackOptions { workspace: args.workspace.clone(), temp_dir: None },
        source_action: args.source_action.clone(),
    };
    match push::plan(&clients, &req).await {
        Ok(plan) => Ok((clients, plan)),
        Err(e @ PushError::Api(_)) => Err(offline(e.to_string())),
        Err(e) => Err(Setup { message: e.to_string(), reached_aws: true }),
    }
}

/// What the TUI's confirmation shows, on stderr.
fn describe(plan: &PushPlan) {
    let p = &plan.package;
    eprintln!(
        "push {} -> s3://{}/{} ({} {})",
        p.workspace.display(),
        plan.source.bucket,
        plan.source.key,
        plan.pipeline,
        plan.source.action
    );
    eprintln!(
        "  {} files, {} bytes, {} bytes zipped, sha256 {}",
        p.entries.len(),
        p.total_bytes,
        p.zip_bytes,
        p.sha256
    );
    if !p.excluded_secrets.is_empty() {
        eprintln!("  {} secrets excluded: {}", p.excluded_secrets.len(), p.excluded_secrets.join(", "));
    }
    let findings = &plan.preflight.findings;
    if findings.is_empty() {
        eprintln!("  preflight: {} ok", plan.preflight.buildspec);
    }
    for f in findings {
        eprintln!("  preflight: {}: {f}", plan.preflight.buildspec);
    }
    for w in &plan.warnings {
        eprintln!("  warning: {w}");
    }
}

/// Asks on the terminal; never blocks when stdin is not one (answers no).
fn confirm(question: &str) -> bool {
    if !std::io::stdin().is_terminal() {
        return false;
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim(), "y" | "Y" | "yes" | "Yes")
}

fn progress_bar(total: u64) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    let style = indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}");
    if let Ok(style) = style {
        bar.set_style(style);
    }
    Some(bar)
}

fn exit_code_of(e: &PushError) -> i32 {
    match e {
        PushError::Api(f) if matches!(f.kind, FailureKind::Auth | FailureKind::Expired) => EXIT_SETUP,
        PushError::Api(_) => EXIT_FAILED,
        _ => EXIT_SETUP,
    }
}

fn status_name(s: &Status) -> String {
    match s {
        Status::Other(name) => name.clone(),
        other => format!("{other:?}"),
    }
}

fn print_json(
    args: &PushArgs,
    plan: &PushPlan,
    result: Option<&push::PushResult>,
    execution: Option<&str>,
    status: &str,
) {
    if !args.json {
        return;
    }
    let value = json!({
        "pipeline": plan.pipeline,
        "bucket": plan.source.bucket,
        "key": plan.source.key,
        // An unchanged package reports the version already there.
        "versionId": result
            .and_then(|r| r.version_id.clone())
            .or_else(|| plan.remote.as_ref().filter(|_| plan.unchanged()).and_then(|r| r.version_id.clone())),
        "sha256": plan.package.sha256,
        "executionId": execution,
        "status": status,
        "files": plan.package.entries.len(),
        "bytes": plan.package.zip_bytes,
        "unchanged": plan.unchanged(),
        "excludedSecrets": plan.package.excluded_secrets,
        "preflight": plan.preflight.findings.iter().map(|f| f.to_string()).collect::<Vec<_>>(),
    });
    println!("{value}");
}

pub(super) fn fail(code: i32, message: &str) -> i32 {
    eprintln!("pipewatch push: {message}");
    code
}
