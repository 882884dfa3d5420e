//! The account id, the pipeline list, the watched pipeline and the visible
//! list rows.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::Ctx;
use crate::model::selection::is_build_action;
use crate::model::snapshot::{ActionSnapshot, PipelineSnapshot, StageSnapshot, Status};
use crate::msg::Msg;

/// How many executions the watched pipeline's poll lists: the header needs
/// the newest few; the history view (`e`) wants more while it is open.
const EXECUTIONS_SHOWN: i32 = 5;
/// GetPipelineState while a build is about to start: its id (and so its log
/// stream) is known one poll after CodePipeline starts it, and a new build's
/// first lines should not wait a whole `state_active` interval.
pub(super) const STATE_STARTING: Duration = Duration::from_secs(1);
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
    let mut lanes = super::lanes::LaneWatch::new(&ctx);
    let mut rules = super::rule_watch::RuleWatch::new(&ctx);
    loop {
        let mut retry: Option<Duration> = None;
        let mut state_activity = None;
        let mut list_now = tokio::time::Instant::now() >= executions_due;
        match ctx.clients.pipeline_state(&name).await {
            Ok(state) => {
                ctx.succeeded(&mut state_backoff);
                state_activity = Some(activity(&state));
                rules.state(&state);
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
                    lanes.executions(&executions);
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
        if let Some(delay) = lanes.poll(&ctx, &name).await {
            retry = retry.max(Some(delay));
        }
        if let Some(delay) = rules.poll(&ctx, &name).await {
            retry = retry.max(Some(delay));
        }
        let pace = match state_activity {
            Some(Activity::Starting) => Some(STATE_STARTING),
            Some(Activity::Working) => Some(ctx.intervals.state_active),
            Some(Activity::AwaitingPerson) => None,
            // Between two actions nothing shows as running; a running execution
            // means the next action is about to start.
            Some(Activity::Idle) | None => running_execution.then_some(ctx.intervals.state_active),
        };
        let go_on = match (retry, pace) {
            (Some(delay), _) => ctx.pacer.backoff(delay).await,
            // The followed run is active: full pace even while unfocused.
            (None, Some(interval)) => ctx.pacer.interval_active(interval).await,
            (None, None) => ctx.pacer.interval(ctx.intervals.state_idle).await,
        };
        if !go_on {
            return;
        }
    }
}

/// The latest execution of the visible rows (ListPipelineExecutions), except
/// the watched pipeline (its poller sends that row). The first sweep reads
/// every row so the list fills at once; after it, one row per interval, in
/// turn: the rows cost one request per interval however many there are.
/// There is no error Msg for a row: a failure stops the sweep and backs off,
/// and the other pollers report the API's health.
pub(super) async fn rows(mut ctx: Ctx, names: Vec<String>, watched: Arc<Mutex<Option<String>>>) {
    let mut backoff = ctx.new_backoff();
    let (mut swept, mut turn) = (false, 0usize);
    loop {
        let mut retry = None;
        let skip = watched.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let others: Vec<&String> = names.iter().filter(|n| Some(*n) != skip.as_ref()).collect();
        let batch = if swept { others.get(turn % others.len().max(1)).copied().into_iter().collect() } else { others };
        for name in batch {
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
        if retry.is_none() {
            turn += usize::from(swept);
            swept = true;
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
    /// A build is about to start (a stage runs and a build action in it or in
    /// the next stage has not started for this run): poll fastest.
    Starting,
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
    // A disabled transition, or a stage condition whose rules wait (a
    // deployment window may stay closed for hours), holds the run.
    let held = state.stages.iter().any(|s| !s.inbound_enabled && s.inbound_execution.is_some())
        || crate::model::conditions::any_in_progress(state);
    let mut result = if held { Activity::AwaitingPerson } else { Activity::Idle };
    for action in running_actions {
        if action.category.as_deref() == Some("Approval") {
            result = Activity::AwaitingPerson;
        } else {
            return if build_starting(state) { Activity::Starting } else { Activity::Working };
        }
    }
    result
}

/// A stage runs something other than a known build, and a build action in that
/// stage or the next one has not started for this run yet.
fn build_starting(state: &PipelineSnapshot) -> bool {
    let started = |a: &ActionSnapshot| a.status == Some(Status::InProgress) && a.external_id.is_some();
    state.stages.iter().enumerate().any(|(i, stage)| {
        let working = stage
            .actions
            .iter()
            .any(|a| a.status == Some(Status::InProgress) && a.category.as_deref() != Some("Approval"));
        if !working || stage.actions.iter().any(|a| is_build_action(a) && started(a)) {
            return false;
        }
        let this_run = stage.latest_execution.as_ref().map(|(id, _)| id);
        let pending = |s: &StageSnapshot| {
            let same_run = s.latest_execution.as_ref().map(|(id, _)| id) == this_run;
            s.actions.iter().any(|a| {
                is_build_action(a) && !(same_run && started(a)) && !(same_run && a.status == Some(Status::Succeeded))
            })
        };
        pending(stage) || state.stages.get(i + 1).is_some_and(pending)
    })
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
                log_stream_arn: None,
            }],
            v2: Default::default(),
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

    fn build(status: Option<Status>, id: Option<&str>, run: &str) -> StageSnapshot {
        let mut s = stage("Build", status);
        s.actions[0].provider = Some("CodeBuild".into());
        s.actions[0].external_id = id.map(str::to_string);
        s.latest_execution = Some((run.into(), Status::InProgress));
        s
    }

    #[test]
    fn a_build_about_to_start_is_polled_fastest_until_its_id_shows() {
        let mut source = stage("Source", Some(Status::InProgress));
        source.latest_execution = Some(("run-2".into(), Status::InProgress));
        // The Build stage still shows run 1's finished build.
        let previous = build(Some(Status::Succeeded), Some("b1"), "run-1");
        assert_eq!(activity(&pipeline(vec![source, previous])), Activity::Starting);
        // The action started but CodePipeline has not reported the build id yet.
        let no_id = build(Some(Status::InProgress), None, "run-2");
        assert_eq!(activity(&pipeline(vec![stage("Source", Some(Status::Succeeded)), no_id])), Activity::Starting);
        // Once the id is known the build poller and tailer take over.
        let running = build(Some(Status::InProgress), Some("b2"), "run-2");
        assert_eq!(activity(&pipeline(vec![stage("Source", Some(Status::Succeeded)), running])), Activity::Working);
        // A deploy after this run's build is plain work.
        let done = build(Some(Status::Succeeded), Some("b2"), "run-2");
        let mut deploy = stage("Deploy", Some(Status::InProgress));
        deploy.latest_execution = Some(("run-2".into(), Status::InProgress));
        assert_eq!(activity(&pipeline(vec![done, deploy])), Activity::Working);
    }

    #[test]
    fn an_execution_held_by_a_disabled_transition_waits_for_a_person() {
        let mut held = stage("Build", None);
        held.inbound_enabled = false;
        held.inbound_execution = Some("e1".into());
        assert_eq!(activity(&pipeline(vec![stage("Source", Some(Status::Succeeded)), held])), Activity::AwaitingPerson);
    }
}
