//! The execution history (`e`): which execution is picked, a past execution
//! shown in the graph, and per-stage medians. Pure data and pure functions.

use std::collections::BTreeMap;

use crate::model::snapshot::{
    ActionExecution, ActionSnapshot, ExecutionSummary, PipelineDeclaration, PipelineSnapshot, StageSnapshot, Status,
    Time,
};

/// How often a running past execution is fetched again (on live poll ticks).
pub const PAST_REFRESH_SECS: i64 = 10;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct HistoryView {
    /// Selected row in the executions list.
    pub selected: usize,
    /// The past execution shown in the graph instead of the latest.
    pub past: Option<PastExecution>,
    /// The latest GetPipelineState, kept while a past execution is shown.
    pub live: Option<PipelineSnapshot>,
    /// Median seconds per stage (declaration order) over recent successes.
    pub stage_medians: Vec<(String, f64)>,
    /// Medians were asked for this pipeline and nothing finished since.
    pub medians_fresh: bool,
    pub medians_loading: bool,
    /// The pipeline poll was told to list more executions.
    pub long_list: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PastExecution {
    pub id: String,
    /// A fetch is in flight (no second one is asked for meanwhile).
    pub fetching: bool,
    /// When it was last asked for.
    pub asked: Option<Time>,
    /// Its last fetched snapshot had running actions: fetch it again.
    pub running: bool,
}

pub fn running(status: &Status) -> bool {
    matches!(status, Status::InProgress | Status::Stopping | Status::Queued)
}

/// Seconds an execution took (or has taken so far).
pub fn duration_secs(e: &ExecutionSummary, now: Time) -> Option<i64> {
    let start = e.start?;
    let end = if running(&e.status) { now } else { e.last_update? };
    Some((end - start).num_seconds().max(0))
}

/// The last run of each (stage, action) of `execution_id`.
fn latest_runs<'a>(
    execution_id: &str,
    runs: &'a [ActionExecution],
) -> BTreeMap<(&'a str, &'a str), &'a ActionExecution> {
    let mut out: BTreeMap<(&str, &str), &ActionExecution> = BTreeMap::new();
    for run in runs.iter().filter(|r| r.pipeline_execution_id == execution_id) {
        let key = (run.stage.as_str(), run.action.as_str());
        if out.get(&key).is_none_or(|old| old.start < run.start) {
            out.insert(key, run);
        }
    }
    out
}

/// A past execution as the graph shows it: stages and actions in declaration
/// order, each with its last run in that execution (none: not reached).
pub fn execution_snapshot(
    pipeline: &str,
    execution_id: &str,
    declaration: &PipelineDeclaration,
    runs: &[ActionExecution],
) -> PipelineSnapshot {
    let latest = latest_runs(execution_id, runs);
    let stages = declaration
        .stages
        .iter()
        .map(|stage| {
            let actions: Vec<ActionSnapshot> = stage
                .actions
                .iter()
                .map(|a| {
                    let run = latest.get(&(stage.name.as_str(), a.name.as_str()));
                    ActionSnapshot {
                        name: a.name.clone(),
                        category: a.category.clone().or_else(|| run.and_then(|r| r.category.clone())),
                        provider: a.provider.clone().or_else(|| run.and_then(|r| r.provider.clone())),
                        status: run.and_then(|r| r.status.clone()),
                        summary: run.and_then(|r| r.summary.clone()),
                        last_change: run.and_then(|r| r.last_update),
                        external_id: run.and_then(|r| r.external_id.clone()),
                        external_url: run.and_then(|r| r.external_url.clone()),
                        approval_token: None,
                        error: run.and_then(|r| r.error.clone()),
                    }
                })
                .collect();
            let status = stage_status(&actions);
            StageSnapshot {
                name: stage.name.clone(),
                inbound_enabled: true,
                disabled_reason: None,
                latest_execution: status.map(|s| (execution_id.to_string(), s)),
                inbound_execution: None,
                actions,
                v2: Default::default(),
            }
        })
        .collect();
    PipelineSnapshot { name: pipeline.to_string(), stages }
}

/// A stage's status from its actions: running, else failed, else stopped,
/// else succeeded; none when no action ran.
fn stage_status(actions: &[ActionSnapshot]) -> Option<Status> {
    let statuses: Vec<&Status> = actions.iter().filter_map(|a| a.status.as_ref()).collect();
    let any = |f: fn(&Status) -> bool| statuses.iter().any(|s| f(s));
    if statuses.is_empty() {
        None
    } else if any(running) {
        Some(Status::InProgress)
    } else if any(|s| matches!(s, Status::Failed | Status::TimedOut | Status::Fault)) {
        Some(Status::Failed)
    } else if any(|s| matches!(s, Status::Stopped | Status::Abandoned | Status::Cancelled)) {
        Some(Status::Stopped)
    } else {
        Some(Status::Succeeded)
    }
}

/// Whether a snapshot still has work going on.
pub fn has_running_action(s: &PipelineSnapshot) -> bool {
    s.stages.iter().flat_map(|s| &s.actions).any(|a| a.status.as_ref().is_some_and(running))
}

/// Median seconds per stage, in declaration order: per execution, a stage
/// spans its first action's start to its last action's update; only
/// executions where every action of the stage that ran succeeded count.
pub fn stage_medians(declaration: &PipelineDeclaration, runs: &[ActionExecution]) -> Vec<(String, f64)> {
    // (stage, execution) -> (first start, last update, all succeeded)
    let mut spans: BTreeMap<(&str, &str), (Time, Time, bool)> = BTreeMap::new();
    for run in runs {
        let (Some(start), Some(end)) = (run.start, run.last_update) else { continue };
        let ok = run.status == Some(Status::Succeeded);
        let span = spans.entry((run.stage.as_str(), run.pipeline_execution_id.as_str())).or_insert((start, end, ok));
        span.0 = span.0.min(start);
        span.1 = span.1.max(end);
        span.2 &= ok;
    }
    declaration
        .stages
        .iter()
        .filter_map(|stage| {
            let mut secs: Vec<f64> = spans
                .iter()
                .filter(|((name, _), (_, _, ok))| *name == stage.name && *ok)
                .map(|(_, (start, end, _))| (*end - *start).num_milliseconds() as f64 / 1000.0)
                .collect();
            median(&mut secs).map(|m| (stage.name.clone(), m))
        })
        .collect()
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] })
}

/// Whether `new` shows an execution finished that `old` had running (or a
/// finished one newer than all `old` listed): the stage medians may have
/// moved. A longer list's older executions are not news.
pub fn an_execution_finished(old: &[ExecutionSummary], new: &[ExecutionSummary]) -> bool {
    let newest_old = old.iter().filter_map(|o| o.start).max();
    new.iter().filter(|e| !running(&e.status)).any(|e| match old.iter().find(|o| o.id == e.id) {
        Some(o) => running(&o.status),
        None => newest_old.is_some_and(|t| e.start.is_some_and(|s| s > t)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::history_samples::{self, PAST_BUILD_ID, execution_id};

    #[test]
    fn a_past_execution_keeps_declaration_order_and_the_last_run_of_each_action() {
        let runs = history_samples::action_executions();
        let s = execution_snapshot("mlops-demo", &execution_id(2), &history_samples::declaration(), &runs);
        let names: Vec<&str> = s.stages.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Source", "Build", "Approve", "Deploy"]);
        let train = &s.stages[1].actions[0];
        assert_eq!((train.name.as_str(), train.status.clone()), ("Train", Some(Status::Succeeded)));
        assert_eq!(train.external_id.as_deref(), Some(PAST_BUILD_ID));
        assert_eq!(train.provider.as_deref(), Some("CodeBuild"), "types come from the declaration");
        let failed = execution_snapshot("mlops-demo", &execution_id(3), &history_samples::declaration(), &runs);
        let statuses: Vec<Option<Status>> =
            failed.stages.iter().map(|s| s.latest_execution.as_ref().map(|e| e.1.clone())).collect();
        assert_eq!(statuses, [Some(Status::Succeeded), Some(Status::Failed), None, None]);
    }

    #[test]
    fn stage_medians_span_first_start_to_last_update_of_successful_stage_runs() {
        let medians = stage_medians(&history_samples::declaration(), &history_samples::action_executions());
        // Execution 2's Build ran 10 s..130 s but had a failed attempt: it does
        // not count; execution 3's Build failed. Source: 8 s and 4 s.
        assert_eq!(
            medians,
            vec![("Source".to_string(), 6.0), ("Approve".to_string(), 55.0), ("Deploy".to_string(), 20.0)]
        );
    }

    #[test]
    fn finishing_is_a_running_execution_turning_final_or_a_new_final_one() {
        let old = history_samples::executions();
        assert!(!an_execution_finished(&old, &old));
        let mut new = old.clone();
        new[0].status = Status::Failed;
        assert!(an_execution_finished(&old, &new));
        assert!(!an_execution_finished(&[], &old), "the first list is not news");
        assert!(!an_execution_finished(&old[..3], &old), "older executions of a longer list are not news");
    }
}
