//! Copy (`y` / `Y`) and the followed run's notifications, through update:
//! keys and poller answers in, effects out.

use crossterm::event::KeyCode;

use super::notify::Notification;
use super::test_input::{code, key};
use super::*;
use crate::config::{Config, Desktop, Notify};
use crate::model::push::PushState;
use crate::model::samples::{self, BUILD_ID};
use crate::model::snapshot::{ExecutionSummary, Status};
use crate::model::{Connection, Mode};

const EXEC: &str = "e0c1d2a3-aaaa-bbbb-cccc-000000000001";
const CONSOLE: &str = "https://us-east-1.console.aws.amazon.com";

fn execution(id: &str, status: Status) -> ExecutionSummary {
    ExecutionSummary { id: id.into(), status, ..samples::executions().remove(0) }
}

fn history(pipeline: &str, list: Vec<ExecutionSummary>) -> Msg {
    Msg::Executions { pipeline: pipeline.into(), result: Ok(list) }
}

/// A freshly started monitor on mlops-demo: the graph's first answer came,
/// no history yet.
fn watching(config: Config) -> Model {
    let connection = Connection { region: "us-east-1".into(), ..Connection::default() };
    let mut m = Model::new(config, connection, Some("mlops-demo".into()), samples::now());
    let state = samples::pipeline(Status::InProgress);
    assert_eq!(update(&mut m, Msg::PipelineState { pipeline: "mlops-demo".into(), result: Ok(state) }).len(), 1);
    m
}

fn notified(fx: &[Effect]) -> Vec<&Notification> {
    fx.iter().filter_map(|e| if let Effect::Notify(n) = e { Some(n) } else { None }).collect()
}

#[test]
fn the_followed_run_ending_notifies_once_and_titles_the_terminal() {
    let mut m = watching(Config::default());
    let fx = update(&mut m, history("mlops-demo", vec![execution(EXEC, Status::InProgress)]));
    assert_eq!(fx, vec![Effect::SetTitle("… mlops-demo InProgress".into())]);
    assert_eq!(update(&mut m, history("mlops-demo", vec![execution(EXEC, Status::InProgress)])), vec![]);

    let fx = update(&mut m, history("mlops-demo", vec![execution(EXEC, Status::Failed)]));
    let expected = Notification {
        bell: true,
        desktop: Desktop::Osc9,
        summary: "pipewatch".into(),
        body: "mlops-demo Failed (execution e0c1d2a3)".into(),
    };
    assert_eq!(fx, vec![Effect::Notify(expected), Effect::SetTitle("✘ mlops-demo Failed".into())]);
    // The same answer again (the next poll): nothing more.
    assert_eq!(update(&mut m, history("mlops-demo", vec![execution(EXEC, Status::Failed)])), vec![]);
}

#[test]
fn a_run_already_ended_at_start_up_only_sets_the_title() {
    let mut m = watching(Config::default());
    let fx = update(&mut m, history("mlops-demo", vec![execution(EXEC, Status::Succeeded)]));
    assert_eq!(fx, vec![Effect::SetTitle("✔ mlops-demo Succeeded".into())]);
    let state = samples::pipeline(Status::Succeeded);
    let fx = update(&mut m, Msg::PipelineState { pipeline: "mlops-demo".into(), result: Ok(state) });
    assert!(notified(&fx).is_empty() && !fx.iter().any(|e| matches!(e, Effect::SetTitle(_))), "{fx:?}");
}

#[test]
fn off_switches_and_ascii_are_respected() {
    let quiet = Config { notify: Notify { bell: false, desktop: Desktop::Off, title: false }, ..Config::default() };
    let mut m = watching(quiet);
    assert_eq!(update(&mut m, history("mlops-demo", vec![execution(EXEC, Status::InProgress)])), vec![]);
    assert_eq!(update(&mut m, history("mlops-demo", vec![execution(EXEC, Status::Succeeded)])), vec![]);

    let osc777 = Notify { bell: false, desktop: Desktop::Osc777, title: true };
    let mut m = watching(Config { notify: osc777, ascii: true, ..Config::default() });
    let fx = update(&mut m, history("mlops-demo", vec![execution(EXEC, Status::InProgress)]));
    assert_eq!(fx, vec![Effect::SetTitle("... mlops-demo InProgress".into())]);
    let fx = update(&mut m, history("mlops-demo", vec![execution(EXEC, Status::TimedOut)]));
    let n = notified(&fx);
    assert_eq!(n.len(), 1, "{fx:?}");
    assert_eq!((n[0].bell, n[0].desktop), (false, Desktop::Osc777));
    assert!(fx.contains(&Effect::SetTitle("x mlops-demo TimedOut".into())), "{fx:?}");
}

#[test]
fn a_run_ending_in_the_poll_that_shows_a_newer_one_still_notifies() {
    let mut m = watching(Config::default());
    update(&mut m, history("mlops-demo", vec![execution("run-a", Status::InProgress)]));
    let fx = update(
        &mut m,
        history("mlops-demo", vec![execution("run-b", Status::InProgress), execution("run-a", Status::Stopped)]),
    );
    let n = notified(&fx);
    assert_eq!(n.len(), 1, "{fx:?}");
    assert_eq!(n[0].body, "mlops-demo Stopped (execution run-a)");
    // Both running and stopped: the title follows the newer run, which still runs.
    assert!(!fx.iter().any(|e| matches!(e, Effect::SetTitle(_))), "{fx:?}");
    // A superseded run is no end to tell about: its successor carries on.
    let fx = update(
        &mut m,
        history("mlops-demo", vec![execution("run-c", Status::InProgress), execution("run-b", Status::Superseded)]),
    );
    assert!(notified(&fx).is_empty(), "{fx:?}");
}

#[test]
fn switching_pipelines_does_not_notify_for_the_other_pipelines_ended_run() {
    let mut m = watching(Config::default());
    m.session.list.items = samples::pipelines();
    update(&mut m, Msg::Resize(160, 48));
    update(&mut m, history("mlops-demo", vec![execution(EXEC, Status::InProgress)]));
    update(&mut m, code(KeyCode::BackTab));
    assert_eq!(m.focus, crate::model::Pane::List);
    update(&mut m, key('j'));
    update(&mut m, code(KeyCode::Enter));
    assert_eq!(m.session.pipeline.as_deref(), Some("data-ingest"));
    let state = samples::pipeline(Status::Failed);
    update(&mut m, Msg::PipelineState { pipeline: "data-ingest".into(), result: Ok(state) });
    let fx = update(&mut m, history("data-ingest", vec![execution("ingest-1", Status::Failed)]));
    assert_eq!(fx, vec![Effect::SetTitle("✘ data-ingest Failed".into())]);
}

#[test]
fn the_run_a_push_follows_is_the_one_notified() {
    let mut m = watching(Config::default());
    update(&mut m, Msg::PushFollowing { execution_id: "pushed".into() });
    assert_eq!(m.session.push, PushState::Following { execution_id: "pushed".into() });
    let running = vec![execution("newer", Status::InProgress), execution("pushed", Status::InProgress)];
    update(&mut m, history("mlops-demo", running));
    let ended = vec![execution("newer", Status::InProgress), execution("pushed", Status::Succeeded)];
    let fx = update(&mut m, history("mlops-demo", ended));
    assert_eq!(notified(&fx).len(), 1, "{fx:?}");
    assert_eq!(notified(&fx)[0].body, "mlops-demo Succeeded (execution pushed)");
    assert!(fx.contains(&Effect::SetTitle("✔ mlops-demo Succeeded".into())), "{fx:?}");
}

#[test]
fn controls_in_aws_names_never_reach_the_title_or_notification() {
    let hostile = "demo\x1b]52;c;AAAA\x07\u{9b}2J";
    let mut m = watching(Config::default());
    m.session.pipeline = Some(hostile.into());
    update(&mut m, history(hostile, vec![execution(EXEC, Status::InProgress)]));
    let fx = update(&mut m, history(hostile, vec![execution(EXEC, Status::Other("Odd\x07".into()))]));
    assert_eq!(fx, vec![Effect::SetTitle("? demo]52;c;AAAA2J Odd".into())]);
}

// y / Y

fn running() -> Model {
    samples::model(samples::running_build(), 80, 24)
}

fn copied(fx: &[Effect]) -> Option<&str> {
    fx.iter().find_map(|e| if let Effect::Copy(t) = e { Some(t.as_str()) } else { None })
}

#[test]
fn y_in_the_graph_copies_the_selected_build_id_and_says_so_until_the_next_key() {
    let mut m = running();
    assert_eq!(m.session.selected, (1, 0), "the Train build action");
    assert_eq!(update(&mut m, key('y')), vec![Effect::Copy(BUILD_ID.into())]);
    assert_eq!(m.session.info.as_deref(), Some(format!("copied build id {BUILD_ID}").as_str()));
    update(&mut m, key('j'));
    assert_eq!(m.session.info, None);
}

#[test]
fn upper_y_in_the_graph_copies_the_actions_console_url_or_builds_one() {
    let mut m = running();
    let fx = update(&mut m, key('Y'));
    let encoded = BUILD_ID.replace(':', "%3A");
    let url = format!("{CONSOLE}/codesuite/codebuild/projects/mlops-demo-build/build/{encoded}/?region=us-east-1");
    assert_eq!(copied(&fx), Some(url.as_str()));
    assert!(
        m.session.info.as_deref().is_some_and(|i| i.starts_with("copied build URL https://us-east-1.")),
        "{:?}",
        m.session.info
    );

    let aws_link = "https://console.aws.amazon.com/codesuite/codebuild/projects/p/build/b/?region=eu-west-1";
    let set_link = |m: &mut Model, link: &str| {
        if let Some(s) = m.session.state.as_mut() {
            s.stages[1].actions[0].external_url = Some(link.into());
        }
    };
    set_link(&mut m, aws_link);
    assert_eq!(copied(&update(&mut m, key('Y'))), Some(aws_link));
    // A link that is not plain https is not trusted: the built URL instead.
    set_link(&mut m, "javascript:alert(1)");
    assert_eq!(copied(&update(&mut m, key('Y'))), Some(url.as_str()));
}

#[test]
fn an_action_without_a_build_copies_the_shown_execution() {
    let mut m = running();
    update(&mut m, key('l'));
    assert_eq!(m.session.selected, (2, 0), "the approval");
    assert_eq!(copied(&update(&mut m, key('y'))), Some(EXEC));
    assert_eq!(m.session.info.as_deref(), Some(format!("copied execution id {EXEC}").as_str()));
    let url =
        format!("{CONSOLE}/codesuite/codepipeline/pipelines/mlops-demo/executions/{EXEC}/timeline?region=us-east-1");
    assert_eq!(copied(&update(&mut m, key('Y'))), Some(url.as_str()));
}

#[test]
fn the_phases_and_log_panes_copy_the_shown_build() {
    let mut m = running();
    update(&mut m, code(KeyCode::Tab));
    update(&mut m, code(KeyCode::Tab));
    assert_eq!(m.focus, crate::model::Pane::Log);
    assert_eq!(copied(&update(&mut m, key('y'))), Some(BUILD_ID));
    let fx = update(&mut m, key('Y'));
    assert!(copied(&fx).is_some_and(|u| u.contains("/codebuild/projects/mlops-demo-build/build/")), "{fx:?}");
    update(&mut m, code(KeyCode::BackTab));
    assert_eq!(m.focus, crate::model::Pane::Phases);
    assert_eq!(copied(&update(&mut m, key('y'))), Some(BUILD_ID));
}

#[test]
fn the_pipeline_list_copies_the_selected_pipeline() {
    let mut m = running();
    update(&mut m, Msg::Resize(160, 48));
    update(&mut m, code(KeyCode::BackTab));
    update(&mut m, key('j'));
    assert_eq!(copied(&update(&mut m, key('y'))), Some("data-ingest"));
    assert_eq!(m.session.info.as_deref(), Some("copied pipeline name data-ingest"));
    let url = format!("{CONSOLE}/codesuite/codepipeline/pipelines/data-ingest/view?region=us-east-1");
    assert_eq!(copied(&update(&mut m, key('Y'))), Some(url.as_str()));
}

#[test]
fn the_pipelines_popup_copies_the_selected_pipeline_too() {
    let mut m = running();
    update(&mut m, key('o'));
    assert_eq!(m.mode(), Mode::PipelinePopup);
    update(&mut m, key('j'));
    update(&mut m, key('j'));
    assert_eq!(copied(&update(&mut m, key('y'))), Some("web-frontend"));
    assert_eq!(m.mode(), Mode::PipelinePopup, "the popup stays open");
    let url = format!("{CONSOLE}/codesuite/codepipeline/pipelines/web-frontend/view?region=us-east-1");
    assert_eq!(copied(&update(&mut m, key('Y'))), Some(url.as_str()));
}

#[test]
fn nothing_to_copy_says_so_and_controls_are_dropped_from_ids() {
    let mut m = watching(Config::default());
    assert_eq!(update(&mut m, key('y')), vec![]);
    assert!(m.session.info.as_deref().is_some_and(|i| i.starts_with("nothing to copy")), "{:?}", m.session.info);

    let mut m = running();
    if let Some(s) = m.session.state.as_mut() {
        s.stages[1].actions[0].external_id = Some("build:1\x1b]0;x\x07\u{9c}".into());
    }
    assert_eq!(copied(&update(&mut m, key('y'))), Some("build:1]0;x"));
}

#[test]
fn long_ids_are_cut_to_the_notice_row_but_copied_whole() {
    let mut m = running();
    let long = format!("mlops-demo-build:{}", "9".repeat(80));
    if let Some(s) = m.session.state.as_mut() {
        s.stages[1].actions[0].external_id = Some(long.clone());
    }
    assert_eq!(copied(&update(&mut m, key('y'))), Some(long.as_str()));
    let info = m.session.info.clone().unwrap_or_default();
    // One row at 80 columns (the notice row draws a leading space).
    assert!(info.ends_with('…') && info.chars().count() < 80, "{info}");
    update(&mut m, Msg::Resize(200, 50));
    update(&mut m, key('y'));
    assert_eq!(m.session.info, Some(format!("copied build id {long}")), "wide enough for all of it");
}
