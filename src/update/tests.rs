use crossterm::event::KeyCode;

use super::test_input::{code, ctrl, key};
use super::*;
use crate::model::health::ApiFailure;
use crate::model::samples::{self, BUILD_ID};
use crate::model::snapshot::{LogBatch, LogEvent};
use crate::model::{BuildSource, Modal, Mode, Pane};

fn running() -> Model {
    samples::model(samples::running_build(), 80, 24)
}

fn log(build: &str, lines: std::ops::Range<usize>) -> Msg {
    let events = lines.map(|i| LogEvent { timestamp_ms: i as i64, message: format!("line {i}") }).collect();
    Msg::Log { build_id: build.into(), result: Ok(LogBatch { events, next_token: "t".into() }) }
}

fn failure(api: &str, kind: FailureKind) -> ApiFailure {
    ApiFailure { api: api.into(), kind, message: format!("{api} failed: fix it"), retry_in_secs: Some(8) }
}

#[test]
fn q_and_ctrl_c_quit() {
    let mut m = running();
    assert_eq!(update(&mut m, key('q')), vec![Effect::Quit]);
    let mut m = running();
    let ctrl_c = ctrl('c');
    assert_eq!(update(&mut m, ctrl_c), vec![Effect::Quit]);
}

#[test]
fn tab_cycles_focus_and_list_joins_only_when_wide() {
    let mut m = running();
    let mut seen = vec![m.focus];
    for _ in 0..3 {
        update(&mut m, code(KeyCode::Tab));
        seen.push(m.focus);
    }
    assert_eq!(seen, vec![Pane::Graph, Pane::Phases, Pane::Log, Pane::Graph]);
    update(&mut m, Msg::Resize(160, 48));
    update(&mut m, code(KeyCode::BackTab));
    assert_eq!(m.focus, Pane::List);
    // Narrowing again moves focus off the list pane.
    update(&mut m, Msg::Resize(100, 30));
    assert_eq!(m.focus, Pane::Graph);
}

#[test]
fn first_pipeline_list_picks_a_pipeline_when_none_was_named() {
    let mut m = Model::new(Default::default(), Default::default(), None, samples::now());
    let fx = update(&mut m, Msg::Pipelines(Ok(samples::pipelines())));
    assert_eq!(m.session.pipeline.as_deref(), Some("mlops-demo"));
    assert!(fx.contains(&Effect::WatchPipeline("mlops-demo".into())));
}

#[test]
fn pipeline_state_chooses_the_running_build_and_watches_it_once() {
    let mut m = Model::new(Default::default(), Default::default(), Some("mlops-demo".into()), samples::now());
    let state = samples::pipeline(crate::model::snapshot::Status::InProgress);
    let fx = update(&mut m, Msg::PipelineState { pipeline: "mlops-demo".into(), result: Ok(state.clone()) });
    assert_eq!(fx, vec![Effect::WatchBuild(BUILD_ID.into())]);
    let fx = update(&mut m, Msg::PipelineState { pipeline: "mlops-demo".into(), result: Ok(state) });
    assert!(fx.is_empty(), "same build: no new watch, got {fx:?}");
}

#[test]
fn state_for_another_pipeline_is_ignored() {
    let mut m = running();
    let before = m.session.state.clone();
    let other = crate::model::snapshot::PipelineSnapshot { name: "x".into(), stages: vec![] };
    update(&mut m, Msg::PipelineState { pipeline: "other".into(), result: Ok(other) });
    assert_eq!(m.session.state, before);
}

#[test]
fn enter_on_a_codebuild_action_pins_it_and_again_unpins() {
    let mut m = running();
    m.session.build.id = Some("old".into());
    m.session.selected = (1, 0);
    let fx = update(&mut m, code(KeyCode::Enter));
    assert_eq!(m.session.build.source, BuildSource::Action { stage: "Build".into(), action: "Train".into() });
    assert_eq!(fx, vec![Effect::WatchBuild(BUILD_ID.into())]);
    update(&mut m, code(KeyCode::Enter));
    assert_eq!(m.session.build.source, BuildSource::Auto);
}

#[test]
fn enter_on_a_non_build_action_that_has_not_run_does_nothing() {
    let mut m = running();
    // Approve has not run: nothing to show.
    m.session.selected = (2, 0);
    assert!(update(&mut m, code(KeyCode::Enter)).is_empty());
    assert_eq!(m.session.build.source, BuildSource::Auto);
}

#[test]
fn enter_on_a_non_build_action_that_ran_pins_it_without_a_build_watch() {
    let mut m = running();
    m.session.selected = (0, 0);
    assert!(update(&mut m, code(KeyCode::Enter)).is_empty(), "no build to watch for an S3 source");
    assert_eq!(m.session.build.source, BuildSource::Action { stage: "Source".into(), action: "Source".into() });
    assert_eq!(m.session.build.id, None, "the build shown before is not passed off as the action's");
    assert!(m.logs.buffer.is_empty());
}

#[test]
fn graph_moves_through_actions_and_stages() {
    let mut m = running();
    m.session.selected = (0, 0);
    update(&mut m, key('j'));
    assert_eq!(m.session.selected, (1, 0));
    update(&mut m, key('j'));
    assert_eq!(m.session.selected, (1, 1));
    update(&mut m, key('l'));
    assert_eq!(m.session.selected, (2, 0));
    update(&mut m, key('G'));
    assert_eq!(m.session.selected, (3, 0));
    update(&mut m, key('h'));
    assert_eq!(m.session.selected, (2, 0));
    update(&mut m, key('g'));
    assert_eq!(m.session.selected, (0, 0));
    update(&mut m, key('k'));
    assert_eq!(m.session.selected, (0, 0));
}

#[test]
fn logs_for_the_shown_build_append_and_others_are_dropped() {
    let mut m = running();
    let before = m.logs.buffer.len();
    update(&mut m, log(BUILD_ID, 0..5));
    update(&mut m, log("some-other-build", 0..5));
    assert_eq!(m.logs.buffer.len(), before + 5);
}

#[test]
fn scrolling_up_pauses_follow_and_new_lines_do_not_move_the_view() {
    let mut m = running();
    update(&mut m, log(BUILD_ID, 0..100));
    m.focus = Pane::Log;
    update(&mut m, key('k'));
    assert!(!m.logs.follow);
    let bottom = m.logs.bottom_line();
    update(&mut m, log(BUILD_ID, 100..110));
    assert_eq!(m.logs.bottom_line(), bottom);
    assert_eq!(m.logs.unseen(), 11);
    update(&mut m, key('f'));
    assert!(m.logs.follow);
    update(&mut m, code(KeyCode::PageUp));
    assert!(!m.logs.follow);
    update(&mut m, key('G'));
    assert!(m.logs.follow);
}

#[test]
fn scrolling_down_to_the_end_resumes_follow() {
    let mut m = running();
    update(&mut m, log(BUILD_ID, 0..50));
    m.focus = Pane::Log;
    update(&mut m, key('k'));
    update(&mut m, key('k'));
    update(&mut m, key('j'));
    assert!(!m.logs.follow);
    update(&mut m, key('j'));
    assert!(m.logs.follow);
}

#[test]
fn g_in_the_log_shows_the_oldest_line() {
    let mut m = running();
    update(&mut m, log(BUILD_ID, 0..500));
    m.focus = Pane::Log;
    update(&mut m, key('g'));
    let rows = crate::layout::log_rows(&m);
    assert_eq!(m.logs.bottom_line(), Some(u64::from(rows) - 1));
}

#[test]
fn search_jumps_to_newest_match_and_n_goes_older_and_shift_n_newer() {
    let mut m = samples::model(samples::running_build(), 80, 24);
    m.logs.clear();
    update(&mut m, log(BUILD_ID, 0..30));
    m.focus = Pane::Log;
    for msg in [key('/'), key('l'), key('i'), key('n'), key('e'), key(' '), key('2'), code(KeyCode::Enter)] {
        update(&mut m, msg);
    }
    assert_eq!(m.mode(), Mode::Normal);
    // "line 2" matches 29..=20 and 2; the newest is line 29 (seq 29 after clear).
    let first = m.logs.buffer.first_seq();
    assert_eq!(m.logs.current_match, Some(first + 29));
    assert!(!m.logs.follow);
    update(&mut m, key('n'));
    assert_eq!(m.logs.current_match, Some(first + 28));
    update(&mut m, key('N'));
    assert_eq!(m.logs.current_match, Some(first + 29));
}

#[test]
fn typing_q_in_search_types_it_and_esc_cancels() {
    let mut m = running();
    m.focus = Pane::Log;
    update(&mut m, key('/'));
    let fx = update(&mut m, key('q'));
    assert!(fx.is_empty());
    assert_eq!(m.modal, Modal::Search("q".into()));
    update(&mut m, code(KeyCode::Esc));
    assert_eq!(m.mode(), Mode::Normal);
    assert!(m.logs.search.is_none());
}

#[test]
fn w_t_z_toggle() {
    let mut m = running();
    m.focus = Pane::Log;
    let (wrap, ts) = (m.logs.wrap, m.logs.timestamps);
    update(&mut m, key('w'));
    update(&mut m, key('t'));
    update(&mut m, key('z'));
    assert_eq!((m.logs.wrap, m.logs.timestamps, m.zoom), (!wrap, !ts, true));
}

#[test]
fn help_opens_and_closes() {
    let mut m = running();
    update(&mut m, key('?'));
    assert_eq!(m.mode(), Mode::Help);
    let fx = update(&mut m, key('q'));
    assert_eq!(m.mode(), Mode::Normal);
    assert!(fx.is_empty(), "q closes help, it does not quit");
}

#[test]
fn pipeline_popup_selects_another_pipeline_and_watches_its_rows() {
    let mut m = running();
    let fx = update(&mut m, key('o'));
    assert_eq!(m.mode(), Mode::PipelinePopup);
    assert!(matches!(&fx[..], [Effect::WatchRows(rows)] if rows.len() == 3));
    update(&mut m, key('j'));
    let fx = update(&mut m, code(KeyCode::Enter));
    assert_eq!(m.session.pipeline.as_deref(), Some("data-ingest"));
    assert!(fx.contains(&Effect::WatchPipeline("data-ingest".into())));
    assert!(m.session.state.is_none() && m.logs.buffer.is_empty() && m.session.build.id.is_none());
}

#[test]
fn throttling_shows_in_health_but_not_as_a_notice() {
    let mut m = running();
    update(&mut m, Msg::Build { result: Err(failure("codebuild:BatchGetBuilds", FailureKind::Throttled)) });
    assert!(m.session.notice.is_none());
    assert_eq!(m.session.health.countdown(m.now), Some(8));
    update(&mut m, Msg::ApiOk { api: "codebuild:BatchGetBuilds".into() });
    assert!(m.session.health.worst().is_none());
}

#[test]
fn access_denied_shows_a_notice_until_that_api_recovers() {
    let mut m = running();
    let api = "codepipeline:GetPipelineState";
    let result = Err(failure(api, FailureKind::Auth));
    update(&mut m, Msg::PipelineState { pipeline: "mlops-demo".into(), result });
    assert_eq!(
        m.session.notice.as_ref().map(|n| n.text.as_str()),
        Some("codepipeline:GetPipelineState failed: fix it")
    );
    assert!(m.session.state.is_some(), "the last good state stays on screen");
    update(&mut m, Msg::ApiOk { api: api.into() });
    assert!(m.session.notice.is_none());
}

#[test]
fn focus_changes_become_effects() {
    let mut m = running();
    assert_eq!(update(&mut m, Msg::FocusLost), vec![Effect::SetFocus(false)]);
    assert_eq!(update(&mut m, Msg::FocusGained), vec![Effect::SetFocus(true)]);
}

#[test]
fn idle_tick_does_not_dirty_but_a_running_build_does() {
    let mut m = samples::model(samples::failed_build(), 80, 24);
    m.session.state = Some(samples::pipeline(crate::model::snapshot::Status::Failed));
    m.now += chrono::TimeDelta::seconds(1);
    m.dirty = false;
    update(&mut m, Msg::Tick);
    assert!(!m.dirty);
    let mut m = running();
    m.dirty = false;
    update(&mut m, Msg::Tick);
    assert!(m.dirty);
}

#[test]
fn a_waiting_approval_redraws_once_a_minute_not_every_second() {
    let mut m = samples::model(samples::failed_build(), 80, 24);
    let mut state = samples::pipeline(crate::model::snapshot::Status::Succeeded);
    state.stages[2].actions[0].status = Some(crate::model::snapshot::Status::InProgress);
    m.session.state = Some(state);
    let mut redraws = 0;
    for _ in 0..120 {
        m.now += chrono::TimeDelta::seconds(1);
        m.dirty = false;
        update(&mut m, Msg::Tick);
        redraws += usize::from(m.dirty);
    }
    assert_eq!(redraws, 2);
}

#[test]
fn the_same_poll_result_does_not_dirty() {
    let mut m = running();
    let state = m.session.state.clone().expect("sample state");
    m.dirty = false;
    update(&mut m, Msg::PipelineState { pipeline: "mlops-demo".into(), result: Ok(state) });
    assert!(!m.dirty);
}

#[test]
fn new_build_clears_logs_and_medians() {
    let mut m = running();
    let mut state = m.session.state.clone().expect("sample state");
    state.stages[1].actions[0].external_id = Some("next-build".into());
    let fx = update(&mut m, Msg::PipelineState { pipeline: "mlops-demo".into(), result: Ok(state) });
    assert_eq!(fx, vec![Effect::WatchBuild("next-build".into())]);
    assert!(m.logs.buffer.is_empty() && m.session.build.snapshot.is_none() && m.session.build.medians.is_empty());
}

#[test]
fn paste_types_one_clean_line_into_search_only() {
    let mut m = running();
    update(&mut m, Msg::Paste("ignored".into()));
    assert_eq!(m.modal, Modal::Normal);
    m.focus = Pane::Log;
    update(&mut m, key('/'));
    update(&mut m, Msg::Paste("ep\x1b[2Joch\nsecond line".into()));
    assert_eq!(m.modal, Modal::Search("ep[2Joch".into()));
}

#[test]
fn help_pages_forward_and_back_and_stops_at_the_ends() {
    let mut m = running();
    update(&mut m, key('?'));
    assert_eq!(m.modal, Modal::Help { page: 0 });
    let (_, _, pages) = crate::layout::help::help_layout(&m, ratatui::layout::Rect::new(0, 0, 80, 24));
    assert!(pages >= 2, "80x24 needs more than one help page");
    for _ in 0..pages + 2 {
        update(&mut m, key('j'));
    }
    assert_eq!(m.modal, Modal::Help { page: pages - 1 });
    update(&mut m, key('k'));
    assert_eq!(m.modal, Modal::Help { page: pages - 2 });
    update(&mut m, key('?'));
    assert_eq!(m.mode(), Mode::Normal);
}
