//! The V2 parts of the stage graph at 80x24: queued depth under an arrow,
//! PARALLEL lanes, a rollback run, and the execution the header names.

use super::tests::{draw, fg_at, text};
use crate::model::snapshot::{ActionExecution, Status};
use crate::model::v2::Lane;
use crate::model::{Model, samples};

fn model() -> Model {
    samples::model(samples::running_build(), 80, 24)
}

fn run(id: &str, stage: &str, status: Status) -> ActionExecution {
    ActionExecution {
        pipeline_execution_id: id.into(),
        stage: stage.into(),
        action: stage.into(),
        status: Some(status),
        start: Some(samples::now() - chrono::TimeDelta::seconds(30)),
        last_update: None,
        external_id: None,
        external_url: None,
        summary: None,
        error: None,
        category: None,
        provider: None,
    }
}

#[test]
fn queued_runs_show_their_number_under_the_arrow_into_the_stage() {
    let mut m = model();
    let stages = &mut m.session.state.as_mut().unwrap().stages;
    stages[1].v2.queued = vec!["q1".into(), "q2".into(), "q3".into()];
    let buf = draw(&m);
    let screen = text(&buf);
    let arrow_row = screen.lines().position(|l| l.contains("──▶ Build")).expect("arrow into Build");
    let under = screen.lines().nth(arrow_row + 1).unwrap_or_default();
    assert!(under.contains("q:3"), "{screen}");
    assert_eq!(fg_at(&buf, "q:3"), ratatui::style::Color::Cyan);
    // Nothing queued: no number.
    let plain = text(&draw(&model()));
    assert!(!plain.contains("q:"), "{plain}");
}

#[test]
fn parallel_lanes_list_each_run_with_its_stage_symbols_and_mark_the_followed_one() {
    let mut m = model();
    let shown = m.shown_execution().unwrap().id.clone();
    m.session.lanes = vec![
        Lane { execution_id: "aaaaaaaa-1".into(), actions: vec![run("aaaaaaaa-1", "Source", Status::InProgress)] },
        Lane {
            execution_id: shown.clone(),
            actions: vec![run(&shown, "Source", Status::Succeeded), run(&shown, "Build", Status::InProgress)],
        },
    ];
    m.dirty = true;
    let screen = text(&draw(&m));
    assert!(screen.contains("parallel · 2 in progress"), "{screen}");
    let other = screen.lines().find(|l| l.contains("aaaaaaaa ")).expect("lane aaaaaaaa");
    assert!(other.trim_start().starts_with("aaaaaaaa ▶ ·"), "{other}");
    assert!(other.contains("Source · Source 30s"), "{other}");
    let short: String = shown.chars().take(8).collect();
    let followed = screen.lines().find(|l| l.contains(&format!("▸ {short}"))).expect("followed lane marked");
    assert!(followed.contains("✓ ▶") && followed.contains("Build · Build"), "{followed}");
    // One lane is no lanes: nothing runs side by side.
    m.session.lanes.truncate(1);
    assert!(!text(&draw(&m)).contains("parallel"));
}

#[test]
fn the_header_names_the_run_whose_build_is_shown_and_marks_a_rollback() {
    let mut m = model();
    let mut older = m.session.executions[0].clone();
    older.id = "0ld0ld00-rollback".into();
    older.v2.rollback = true;
    m.session.executions.push(older);
    let stages = &mut m.session.state.as_mut().unwrap().stages;
    stages[1].latest_execution = Some(("0ld0ld00-rollback".into(), Status::InProgress));
    // The running build is in stage 1, which holds an older run than stage 0.
    m.session.selected = (0, 0);
    let screen = text(&draw(&m));
    assert!(screen.contains("exec 0ld0ld00 ▶ running · rollback"), "{screen}");
    // No build to show: the first stage's run, as before.
    for a in &mut m.session.state.as_mut().unwrap().stages[1].actions {
        a.external_id = None;
    }
    let screen = text(&draw(&m));
    assert!(screen.contains("exec e0c1d2a3"), "{screen}");
}

#[test]
fn lanes_of_another_pipeline_are_ignored() {
    use crate::msg::Msg;
    let mut m = model();
    let lane = Lane { execution_id: "x".into(), actions: Vec::new() };
    crate::update::update(&mut m, Msg::Lanes { pipeline: "other".into(), result: Ok(vec![lane.clone()]) });
    assert!(m.session.lanes.is_empty());
    crate::update::update(&mut m, Msg::Lanes { pipeline: "mlops-demo".into(), result: Ok(vec![lane.clone(), lane]) });
    assert_eq!(m.session.lanes.len(), 2);
}

#[test]
fn a_rollback_run_and_retry_attempts_are_marked_on_the_stage_and_in_the_history() {
    let mut m = model();
    let build = &mut m.session.state.as_mut().unwrap().stages[1];
    build.v2.rollback = true;
    build.v2.retries = (1, 0);
    let screen = text(&draw(&m));
    assert!(screen.contains("Build ↺ rollback ↻ retry 1"), "{screen}");
    m.session.executions[0].v2.rollback = true;
    m.session.executions[0].v2.rollback_target = Some("9a8b7c6d-target".into());
    m.modal = crate::model::Modal::History;
    m.size = (120, 40);
    let screen = text(&draw(&m));
    assert!(screen.contains("↺ 9a8b7c6d"), "{screen}");
}
