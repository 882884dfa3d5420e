//! The executions history through `update`: keys, effects, and what live
//! polls may and may not change while a past execution is shown.

use crossterm::event::KeyCode;

use super::test_input::{code, key};
use super::*;
use crate::model::history::execution_snapshot;
use crate::model::history_samples::{self, PAST_BUILD_ID, execution_id};
use crate::model::samples::{self, BUILD_ID};
use crate::model::snapshot::Status;
use crate::model::{BuildSource, Mode};

fn model() -> Model {
    let mut m = samples::model(samples::running_build(), 80, 24);
    m.session.executions = history_samples::executions();
    m
}

fn past(i: usize) -> PipelineSnapshot {
    execution_snapshot(
        "mlops-demo",
        &execution_id(i),
        &history_samples::declaration(),
        &history_samples::action_executions(),
    )
}

fn past_msg(i: usize) -> Msg {
    Msg::PastExecution { pipeline: "mlops-demo".into(), execution_id: execution_id(i), result: Ok(past(i)) }
}

fn live_msg(status: Status) -> Msg {
    Msg::PipelineState { pipeline: "mlops-demo".into(), result: Ok(samples::pipeline(status)) }
}

/// The effects other than the history's open/close notice.
fn without_open(fx: Vec<Effect>) -> Vec<Effect> {
    fx.into_iter().filter(|e| !matches!(e, Effect::HistoryOpen { .. })).collect()
}

/// Opens the history and picks row `i` with j and Enter.
fn show(m: &mut Model, i: usize) -> Vec<Effect> {
    update(m, key('e'));
    for _ in 0..i {
        update(m, key('j'));
    }
    without_open(update(m, code(KeyCode::Enter)))
}

#[test]
fn e_opens_the_history_on_the_shown_execution_and_asks_medians_once() {
    let mut m = model();
    let fx = update(&mut m, key('e'));
    assert_eq!(m.mode(), Mode::History);
    assert_eq!(m.session.history.selected, 0, "the live samples show the newest execution");
    let open = Effect::HistoryOpen { pipeline: "mlops-demo".into(), open: true };
    assert_eq!(fx, vec![open.clone(), Effect::FetchStageMedians { pipeline: "mlops-demo".into() }]);
    let fx = update(&mut m, code(KeyCode::Esc));
    assert_eq!(m.mode(), Mode::Normal);
    assert_eq!(fx, vec![Effect::HistoryOpen { pipeline: "mlops-demo".into(), open: false }], "the poll lists fewer");
    assert_eq!(update(&mut m, key('e')), vec![open.clone()], "still loading: medians not asked twice");
    let medians = Ok(vec![("Build".to_string(), 80.0)]);
    update(&mut m, Msg::StageMedians { pipeline: "mlops-demo".into(), result: medians });
    update(&mut m, key('e'));
    assert_eq!(update(&mut m, key('e')), vec![open], "fresh medians are not asked again");
    assert_eq!(m.session.history.stage_medians, vec![("Build".to_string(), 80.0)]);
}

#[test]
fn j_and_k_move_within_the_list() {
    let mut m = model();
    update(&mut m, key('e'));
    for _ in 0..20 {
        update(&mut m, key('j'));
    }
    assert_eq!(m.session.history.selected, 11, "stops at the oldest");
    update(&mut m, key('k'));
    assert_eq!(m.session.history.selected, 10);
    update(&mut m, key('g'));
    assert_eq!(m.session.history.selected, 0);
    assert_eq!(m.session.selected, (1, 0), "the graph selection did not move");
}

#[test]
fn enter_on_an_older_execution_fetches_it_and_follows_its_build() {
    let mut m = model();
    let fx = show(&mut m, 2);
    assert_eq!(m.mode(), Mode::Normal);
    assert_eq!(fx, vec![Effect::FetchPastExecution { pipeline: "mlops-demo".into(), execution_id: execution_id(2) }]);
    assert_eq!(m.session.state, None, "the latest is not shown as if it were the past one");
    assert_eq!(m.session.build.id, None);
    let fx = update(&mut m, past_msg(2));
    assert_eq!(fx, vec![Effect::WatchBuild(PAST_BUILD_ID.into())], "its last Train run, not the failed first attempt");
    let build = &m.session.state.as_ref().expect("past state").stages[1];
    assert_eq!(build.latest_execution, Some((execution_id(2), Status::Succeeded)));
    assert_eq!(m.shown_execution().map(|e| e.id.clone()), Some(execution_id(2)));
}

#[test]
fn live_polls_do_not_overwrite_a_shown_past_execution() {
    let mut m = model();
    show(&mut m, 2);
    update(&mut m, past_msg(2));
    let shown = m.session.state.clone();
    let fx = update(&mut m, live_msg(Status::Failed));
    assert_eq!(m.session.state, shown);
    assert!(fx.is_empty(), "a finished past execution is not fetched again: {fx:?}");
    assert_eq!(m.session.history.live, Some(samples::pipeline(Status::Failed)), "kept for going back");
    assert_eq!(m.session.build.id.as_deref(), Some(PAST_BUILD_ID));
}

#[test]
fn capital_e_returns_to_the_latest_and_its_build() {
    let mut m = model();
    show(&mut m, 3);
    update(&mut m, past_msg(3));
    update(&mut m, live_msg(Status::InProgress));
    assert!(m.session.history.long_list, "a shown past execution keeps the long list (its row names it)");
    let fx = update(&mut m, key('E'));
    let short = Effect::HistoryOpen { pipeline: "mlops-demo".into(), open: false };
    assert_eq!(fx, vec![Effect::CancelHistory, Effect::WatchBuild(BUILD_ID.into()), short]);
    assert_eq!(m.session.history.past, None);
    assert_eq!(m.session.state, Some(samples::pipeline(Status::InProgress)), "the newest live state");
    assert_eq!(m.session.build.source, BuildSource::Auto);
    // Live polls apply again.
    update(&mut m, live_msg(Status::Succeeded));
    assert_eq!(m.session.state, Some(samples::pipeline(Status::Succeeded)));
    assert!(update(&mut m, key('E')).is_empty(), "E does nothing on the latest");
}

#[test]
fn enter_on_the_newest_row_returns_to_the_latest() {
    let mut m = model();
    show(&mut m, 2);
    update(&mut m, past_msg(2));
    update(&mut m, key('e'));
    assert_eq!(m.session.history.selected, 2, "opens on the execution shown");
    update(&mut m, key('g'));
    let fx = update(&mut m, code(KeyCode::Enter));
    assert!(fx.contains(&Effect::CancelHistory), "{fx:?}");
    assert_eq!(m.session.history.past, None);
    assert_eq!(m.session.state, Some(samples::pipeline(Status::InProgress)), "the state from before the past one");
}

#[test]
fn a_running_past_execution_is_fetched_again_on_live_ticks_at_most_every_ten_seconds() {
    let mut m = model();
    m.session.executions[4].status = Status::InProgress;
    show(&mut m, 4);
    let mut running = past(2);
    running.stages[1].actions[0].status = Some(Status::InProgress);
    let msg = Msg::PastExecution { pipeline: "mlops-demo".into(), execution_id: execution_id(4), result: Ok(running) };
    update(&mut m, msg);
    assert!(update(&mut m, live_msg(Status::InProgress)).is_empty(), "asked just now");
    m.now += chrono::TimeDelta::seconds(10);
    let fx = update(&mut m, live_msg(Status::InProgress));
    assert_eq!(fx, vec![Effect::FetchPastExecution { pipeline: "mlops-demo".into(), execution_id: execution_id(4) }]);
    m.now += chrono::TimeDelta::seconds(10);
    assert!(update(&mut m, live_msg(Status::InProgress)).is_empty(), "one fetch in flight at a time");
}

#[test]
fn answers_for_another_execution_or_pipeline_are_ignored() {
    let mut m = model();
    show(&mut m, 2);
    update(&mut m, past_msg(3));
    assert_eq!(m.session.state, None);
    let other = Msg::PastExecution { pipeline: "other".into(), execution_id: execution_id(2), result: Ok(past(2)) };
    update(&mut m, other);
    assert_eq!(m.session.state, None);
}

#[test]
fn a_finished_execution_makes_the_medians_stale_and_an_open_view_asks_again() {
    let mut m = model();
    update(&mut m, key('e'));
    update(&mut m, Msg::StageMedians { pipeline: "mlops-demo".into(), result: Ok(vec![]) });
    let mut list = m.session.executions.clone();
    list[0].status = Status::Succeeded;
    let fx = without_open(update(&mut m, Msg::Executions { pipeline: "mlops-demo".into(), result: Ok(list) }));
    // The run ending also notifies; the medians are asked for once.
    let medians = fx.iter().filter(|e| matches!(e, Effect::FetchStageMedians { .. })).count();
    assert_eq!(medians, 1, "{fx:?}");
    assert!(fx.contains(&Effect::FetchStageMedians { pipeline: "mlops-demo".into() }));
}

#[test]
fn switching_pipelines_drops_the_past_execution() {
    let mut m = model();
    show(&mut m, 2);
    update(&mut m, past_msg(2));
    update(&mut m, key('o'));
    update(&mut m, key('j'));
    let fx = update(&mut m, code(KeyCode::Enter));
    assert!(fx.contains(&Effect::CancelHistory), "{fx:?}");
    assert_eq!(m.session.history.past, None);
    assert_eq!(m.session.pipeline.as_deref(), Some("data-ingest"));
}

#[test]
fn a_push_finding_its_run_returns_from_a_past_execution() {
    let mut m = model();
    show(&mut m, 2);
    update(&mut m, past_msg(2));
    let fx = update(&mut m, Msg::PushFollowing { execution_id: "new-run".into() });
    assert_eq!(m.session.history.past, None);
    assert!(fx.contains(&Effect::CancelHistory) && fx.contains(&Effect::RefreshNow), "{fx:?}");
    assert_eq!(m.session.state, Some(samples::pipeline(Status::InProgress)));
}
