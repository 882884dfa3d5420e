//! `pipewatch approve`: answers a manual approval from a shell. The waiting
//! approval (and its token) comes from GetPipelineState, the answer goes out
//! as PutApprovalResult (CodePipeline API Reference). Exit codes: 0 AWS
//! accepted the answer, 1 AWS refused it or nothing waits, 2 usage or setup
//! errors (several approvals wait and the flags do not pick one).

use chrono::Utc;

use crate::aws::AwsClients;
use crate::cli::ApproveArgs;
use crate::model::control::{ControlRequest, short_id};
use crate::model::inbox::{Approval, approvals_in};
use crate::model::snapshot::PipelineSnapshot;
use crate::msg::ApiFailure;

use super::retry::{Retry, is_transient};
use super::status::{EXIT_FAILED, EXIT_OK, EXIT_SETUP, age, connect, fail, setup_message, with_retry};

/// PutApprovalResult's `result.summary`: 1 to 512 characters (API model).
const MAX_SUMMARY: usize = 512;

pub async fn run(args: ApproveArgs) -> i32 {
    let summary = match summary_of(&args) {
        Ok(s) => s,
        Err(line) => return fail(EXIT_SETUP, &line),
    };
    let clients = match connect(&args.connect).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(refusal) = super::read_only_refusal(clients.profile.as_deref(), "approve") {
        return fail(EXIT_SETUP, &refusal);
    }
    let state = match with_retry(Retry::first_contact(), || clients.pipeline_state(&args.pipeline)).await {
        Ok(s) => s,
        Err(e) => return fail(EXIT_SETUP, &setup_message(&e, Some(&args.pipeline))),
    };
    let one = match pick(&state, args.stage.as_deref(), args.action.as_deref()) {
        Ok(one) => one,
        Err(Pick::None(line)) => return fail(EXIT_FAILED, &line),
        Err(Pick::Several(line)) => return fail(EXIT_SETUP, &line),
    };
    let request = ControlRequest::Approve {
        pipeline: args.pipeline.clone(),
        stage: one.stage.clone(),
        action: one.action.clone(),
        token: one.token.clone(),
        approve: args.approve,
        summary,
    };
    match send(&clients, &request).await {
        Ok(_) => {
            let verb = if args.approve { "approved" } else { "rejected" };
            let execution = one.execution_id.as_deref().map(|id| format!(" (execution {})", short_id(id)));
            println!("{verb} {}/{}/{}{}", args.pipeline, one.stage, one.action, execution.unwrap_or_default());
            EXIT_OK
        }
        Err(f) => fail(EXIT_FAILED, &format!("{} refused: {}", request.describe(), f.message)),
    }
}

/// The summary to send: the one given (1–512 characters), else a plain default.
fn summary_of(args: &ApproveArgs) -> Result<String, String> {
    let given = args.summary.as_deref().map(str::trim).filter(|s| !s.is_empty());
    match given {
        Some(s) if s.chars().count() > MAX_SUMMARY => {
            Err(format!("--summary is {} characters; AWS takes at most {MAX_SUMMARY}", s.chars().count()))
        }
        Some(s) => Ok(s.to_string()),
        None if args.approve => Ok("Approved with pipewatch approve".into()),
        None => Ok("Rejected with pipewatch approve".into()),
    }
}

/// PutApprovalResult, again only while AWS says slow down (or fails on its
/// side): a refusal is final, and an answer that may have arrived is not
/// sent twice (a timeout is not retried).
async fn send(clients: &AwsClients, request: &ControlRequest) -> Result<String, ApiFailure> {
    let mut retry = Retry::new();
    loop {
        match clients.control(request).await {
            Ok(done) => return Ok(done),
            Err(f) if is_transient(&f) && f.kind != crate::msg::FailureKind::Offline => {
                if let Err(line) = retry.after(&f).await {
                    return Err(ApiFailure { message: line, ..f });
                }
            }
            Err(f) => return Err(f),
        }
    }
}

/// Why no single approval was picked.
#[derive(Debug, PartialEq, Eq)]
pub enum Pick {
    /// Nothing waits (that matches the flags): one line.
    None(String),
    /// Several wait: the lines listing them.
    Several(String),
}

/// The one approval `--stage`/`--action` mean.
pub fn pick(state: &PipelineSnapshot, stage: Option<&str>, action: Option<&str>) -> Result<Approval, Pick> {
    let all = approvals_in(state);
    let matching: Vec<&Approval> =
        all.iter().filter(|w| stage.is_none_or(|s| w.stage == s) && action.is_none_or(|a| w.action == a)).collect();
    match matching.as_slice() {
        [one] => Ok((*one).clone()),
        [] => {
            let which = match (stage, action) {
                (Some(s), Some(a)) => format!(" at {s}/{a}"),
                (Some(s), None) => format!(" in stage {s}"),
                (None, Some(a)) => format!(" named {a}"),
                (None, None) => String::new(),
            };
            let elsewhere = if all.is_empty() { String::new() } else { format!(" ({} waiting elsewhere)", all.len()) };
            Err(Pick::None(format!("no manual approval is waiting in {}{which}{elsewhere}", state.name)))
        }
        many => {
            let now = Utc::now();
            let mut lines =
                format!("{} approvals are waiting in {}: pass --stage and --action", many.len(), state.name);
            for w in many {
                lines.push_str(&format!(
                    "\n  --stage {} --action {}  (waiting {})",
                    w.stage,
                    w.action,
                    age(w.since, now)
                ));
            }
            Err(Pick::Several(lines))
        }
    }
}

#[cfg(test)]
mod tests;
