//! The account id, the pipeline list, the watched pipeline and the visible
//! list rows.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::Ctx;
use crate::model::snapshot::{PipelineSnapshot, Status};
use crate::msg::Msg;

/// How many executions the watched pipeline's poll lists: the header needs
/// the newest few; the history view (`e`) wants more while it is open.
const EXECUTIONS_SHOWN: i32 = 5;
pub(super) const HISTORY_EXECUTIONS: i32 = 25;

/// GetCallerIdentity until it succeeds once.
pub(super) async fn identity(mut ctx: Ctx) {
    let mut backoff = ctx.new_backoff();
    loop {
        match ctx.clients.identity().await {
            Ok(account) => {
                ctx.succeeded(&mut backoff);
                ctx.send(Msg::Identity(Ok(account)));
                return;
            }
            Err(failure) => {
                let (failure, delay) = ctx.failed(&mut backoff, failure);
                ctx.send(Msg::Identity(Err(failure)));
                if !ctx.pacer.backoff(delay).await {
                    return;
                }
            }
        }
    }
}

/// ListPipelines now and every `pipelines` interval.
pub(super) async fn pipelines(mut ctx: Ctx) {
    let mut backoff = ctx.new_backoff();
    loop {
        let result = ctx.clients.list_pipelines().await;
        let retry = match result {
            Ok(list) => {
                ctx.succeeded(&mut backoff);
                ctx.send(Msg::Pipelines(Ok(list)));
                None
            }
            Err(failure) => {
                let (failure, delay) = ctx.failed(&mut backoff, failure);
                ctx.send(Msg::Pipelines(Err(failure)));
                Some(delay)
            }
        };
        let interval = ctx.intervals.pipelines;
        if !wait(&mut ctx, retry, interval).await {
            return;
        }
    }
}

/// GetPipelineState every `state_active` while anything runs, else every
/// `state_idle`. ListPipelineExecutions goes with it when the executions seen
/// in the state changed, and at least every `state_idle`: the history changes
/// far less often than the state.
pub(super) async fn pipeline(mut ctx: Ctx, name: String, history_open: Arc<AtomicBool>) {
    let mut state_backoff = ctx.new_backoff();
    let mut executions_backoff = ctx.new_backoff();
    let mut seen: Option<Vec<(String, Status)>> = None;
    let mut executions_due = tokio::time::Instant::now();
    let mut running_execution = false;
    loop {
        let mut retry: Option<Duration> = None;
        let mut state_activity = None;
        let mut list_now = tokio::time::Instant::now() >= executions_due;
        match ctx.clients.pipeline_state(&name).await {
            Ok(state) => {
                ctx.succeeded(&mut state_backoff);
                state_activity = Some(activity(&state));
                let fingerprint = executions_in(&state);
                list_now |= seen.as_ref() != Some(&fingerprint);
                seen = Some(fingerprint);
                ctx.send(Msg::PipelineState { pipeline: name.clone(), result: Ok(state) });
            }
            Err(failure) => {
                let (failure, delay) = ctx.failed(&mut state_backoff, failure);
                retry = Some(delay);
                ctx.send(Msg::PipelineState { pipeline: name.clone(), result: Err(failure) });
            }
        }
        if list_now {
            let max = if history_open.load(Ordering::Relaxed) { HISTORY_EXECUTIONS } else { EXECUTIONS_SHOWN };
            match ctx.clients.list_executions(&name, max).await {
                Ok(executions) => {
                    ctx.succeeded(&mut executions_backoff);
                    executions_due = tokio::time::Instant::now() + ctx.intervals.state_idle;
                    running_execution = executions.iter().any(|e| running(&e.status));
                    let latest = executions.first().cloned();
                    ctx.send(Msg::PipelineLatest { pipeline: name.clone(), latest });
                    ctx.send(Msg::Executions { pipeline: name.clone(), result: Ok(executions) });
                }
                Err(failure) => {
                    let (failure, delay) = ctx.failed(&mut executions_backoff, failure);
                    retry = retry.max(Some(delay));
                    ctx.send(Msg::Executions { pipeline: name.clone(), result: Err(failure) });
                }
            }
        }
        let active = match state_activity {
            Some(Activity::Working) => true,
            Some(Activity::AwaitingPerson) => false,
            // Between two actions nothing shows as running; a running execution
            // means the next action is about to start.
            Some(Activity::Idle) | None => running_execution,
        };
        let interval = if active { ctx.intervals.state_active } else { ctx.intervals.state_idle };
        if !wait(&mut ctx, retry, interval).await {
            return;
        }
    }
}

/// The latest execution of each visible row, one ListPipelineExecutions each,
/// except the watched pipeline (its poller sends that row). There is no error
/// Msg for a row: a failure stops the sweep and backs off, and the other
/// pollers report the API's health.
pub(super) async fn rows(mut ctx: Ctx, names: Vec<String>, watched: Arc<Mutex<Option<String>>>) {
    let mut backoff = ctx.new_backoff();
    loop {
        let mut retry = None;
        let skip = watched.lock().unwrap_or_else(|p| p.into_inner()).clone();
        for name in names.iter().filter(|n| Some(*n) != skip.as_ref()) {
            match ctx.clients.list_executions(name, 1).await {
                Ok(executions) => {
                    ctx.succeeded(&mut backoff);
                    ctx.send(Msg::PipelineLatest { pipeline: name.clone(), latest: executions.into_iter().next() });
                }
                Err(failure) => {
                    retry = Some(ctx.failed(&mut backoff, failure).1);
                    break;
                }
            }
        }
        let interval = ctx.intervals.rows;
        if !wait(&mut ctx, retry, interval).await {
            return;
        }
    }
}

/// The backoff delay after a failure, else the poll interval.
async fn wait(ctx: &mut Ctx, retry: Option<Duration>, interval: Duration) -> bool {
    match retry {
        Some(delay) => ctx.pacer.backoff(delay).await,
        None => ctx.pacer.interval(interval).await,
    }
}

fn running(status: &Status) -> bool {
    matches!(status, Status::InProgress | Status::Stopping | Status::Queued)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Activity {
    /// An action other than a manual approval runs: poll fast.
    Working,
    /// Only a person can move it on (a manual approval, a disabled
    /// transition holding an execution), possibly for hours: poll slowly.
    AwaitingPerson,
    Idle,
}

pub(super) fn activity(state: &PipelineSnapshot) -> Activity {
    let running_actions =
        state.stages.iter().flat_map(|s| &s.actions).filter(|a| a.status.as_ref().is_some_and(running));
    let held = state.stages.iter().any(|s| !s.inbound_enabled && s.inbound_execution.is_some());
    let mut result = if held { Activity::AwaitingPerson } else { Activity::Idle };
    for action in running_actions {
        if action.category.as_deref() == Some("Approval") {
            result = Activity::AwaitingPerson;
        } else {
            return Activity::Working;
        }
    }
    result
}

/// Which execution each stage shows, and its status there.
fn executions_in(state: &PipelineSnapshot) -> Vec<(String, Status)> {
    state.stages.iter().filter_map(|s| s.latest_execution.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::snapshot::{ActionSnapshot, StageSnapshot};

    fn stage(category: &str, status: Option<Status>) -> StageSnapshot {
        StageSnapshot {
            name: category.into(),
            inbound_enabled: true,
            disabled_reason: None,
            latest_execution: None,
            inbound_execution: None,
            actions: vec![ActionSnapshot {
                name: category.into(),
                category: Some(category.into()),
                provider: None,
                status,
                summary: None,
                last_change: None,
                external_id: None,
                external_url: None,
                approval_token: None,
                error: None,
            }],
        }
    }

    fn pipeline(stages: Vec<StageSnapshot>) -> PipelineSnapshot {
        PipelineSnapshot { name: "p".into(), stages }
    }

    #[test]
    fn a_running_build_is_work_but_a_waiting_approval_is_not() {
        let building = pipeline(vec![stage("Build", Some(Status::InProgress)), stage("Approval", None)]);
        assert_eq!(activity(&building), Activity::Working);
        let waiting =
            pipeline(vec![stage("Build", Some(Status::Succeeded)), stage("Approval", Some(Status::InProgress))]);
        assert_eq!(activity(&waiting), Activity::AwaitingPerson);
        let done = pipeline(vec![stage("Build", Some(Status::Succeeded)), stage("Approval", Some(Status::Succeeded))]);
        assert_eq!(activity(&done), Activity::Idle);
    }

    #[test]
    fn an_execution_held_by_a_disabled_transition_waits_for_a_person() {
        let mut held = stage("Build", None);
        held.inbound_enabled = false;
        held.inbound_execution = Some("e1".into());
        assert_eq!(activity(&pipeline(vec![stage("Source", Some(Status::Succeeded)), held])), Activity::AwaitingPerson);
    }
}
