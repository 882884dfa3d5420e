//! The `:` command line, connection switches and `L`, through `update` as keys.

use crossterm::event::KeyCode;

use super::command::{Command, ExternalCommand, NOTICE, parse};
use super::test_input::{code, key, shift};
use super::*;
use crate::model::samples;
use crate::model::{Connection, Mode};
use crate::msg::RunOutcome;

fn model() -> Model {
    let mut m = samples::model(samples::running_build(), 80, 24);
    m.profiles = vec!["ci".into(), "dev".into(), "prod-admin".into(), "prod-ro".into()];
    m
}

/// Types `:` and then `text` key by key; returns every effect.
fn type_line(m: &mut Model, text: &str) -> Vec<Effect> {
    let mut fx = update(m, shift(':'));
    for c in text.chars() {
        fx.extend(update(m, key(c)));
    }
    fx
}

fn run_line(m: &mut Model, text: &str) -> Vec<Effect> {
    let mut fx = type_line(m, text);
    fx.extend(update(m, code(KeyCode::Enter)));
    fx
}

fn notice(m: &Model) -> String {
    m.session.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default()
}

#[test]
fn lines_parse_into_commands_with_unique_prefixes() {
    assert_eq!(parse("pipeline mlops-demo"), Ok(Some(Command::Pipeline("mlops-demo".into()))));
    assert_eq!(parse("  prof   dev "), Ok(Some(Command::Profile("dev".into()))));
    assert_eq!(parse("reg eu-west-1"), Ok(Some(Command::Region("eu-west-1".into()))));
    assert_eq!(parse("q"), Ok(Some(Command::Quit)));
    assert_eq!(parse("quit"), Ok(Some(Command::Quit)));
    assert_eq!(parse(""), Ok(None));
    assert!(parse("p x").unwrap_err().contains(":pipeline or :profile"), "p is ambiguous");
    assert!(parse("profile").unwrap_err().contains(":profile NAME"));
    assert!(parse("region a b").unwrap_err().contains("one name"));
    assert!(parse("frobnicate").unwrap_err().starts_with("unknown command `frobnicate`"));
}

#[test]
fn typed_keys_go_into_the_line_not_to_their_bindings() {
    let mut m = model();
    let fx = type_line(&mut m, "qjo?");
    assert_eq!(m.mode(), Mode::Command);
    assert_eq!(m.command.input, "qjo?");
    assert!(fx.is_empty() && !m.quit, "{fx:?}");
    update(&mut m, code(KeyCode::Backspace));
    assert_eq!(m.command.input, "qjo");
    update(&mut m, code(KeyCode::Esc));
    assert_eq!(m.mode(), Mode::Normal);
    assert!(!m.quit);
}

#[test]
fn q_and_quit_quit() {
    for line in ["q", "quit"] {
        let mut m = model();
        assert_eq!(run_line(&mut m, line), vec![Effect::Quit], "{line}");
    }
}

#[test]
fn tab_completes_the_command_then_cycles_through_profiles() {
    let mut m = model();
    type_line(&mut m, "pro");
    update(&mut m, code(KeyCode::Tab));
    assert_eq!(m.command.input, "profile ", "the only command starting with pro");
    for c in "pro".chars() {
        update(&mut m, key(c));
    }
    let mut seen = Vec::new();
    for _ in 0..3 {
        update(&mut m, code(KeyCode::Tab));
        seen.push(m.command.input.clone());
    }
    assert_eq!(seen, ["profile prod-admin", "profile prod-ro", "profile prod-admin"]);
    let c = m.command.completion.as_ref().expect("cycling");
    assert_eq!(c.candidates, ["prod-admin", "prod-ro"]);
    update(&mut m, code(KeyCode::BackTab));
    assert_eq!(m.command.input, "profile prod-ro");
    // Typing ends the cycle: the next Tab completes what is typed now.
    update(&mut m, code(KeyCode::Backspace));
    assert_eq!(m.command.completion, None);
    update(&mut m, code(KeyCode::Tab));
    assert_eq!(m.command.input, "profile prod-ro", "prod-r has one candidate");
}

#[test]
fn tab_completes_pipelines_and_regions_by_prefix_then_substring() {
    let mut m = model();
    type_line(&mut m, "pipeline ing");
    update(&mut m, code(KeyCode::Tab));
    assert_eq!(m.command.input, "pipeline data-ingest", "found inside the name");
    update(&mut m, code(KeyCode::Esc));
    type_line(&mut m, "region eu-w");
    update(&mut m, code(KeyCode::Tab));
    assert_eq!(m.command.input, "region eu-west-1");
    let c = m.command.completion.as_ref().expect("three eu-west regions");
    assert_eq!(c.candidates, ["eu-west-1", "eu-west-2", "eu-west-3"]);
}

#[test]
fn unknown_commands_and_names_say_what_to_do_and_change_nothing() {
    let mut m = model();
    let before = (m.session.pipeline.clone(), m.session.connection.clone());
    for (line, says) in [
        ("frobnicate", "use :pipeline, :profile, :region, :rollback, :override, :start or :q"),
        ("profile nosuch", "no profile `nosuch`"),
        ("pipeline nosuch", "no pipeline `nosuch`"),
        ("region mars-1", "not an AWS region"),
        ("region", ":region NAME"),
    ] {
        let fx = run_line(&mut m, line);
        assert!(fx.is_empty(), "{line}: {fx:?}");
        assert!(notice(&m).contains(says), "{line}: {:?}", m.session.notice);
        assert_eq!(m.mode(), Mode::Normal, "back to normal: the app keeps running");
        assert!(!m.quit);
    }
    assert_eq!((m.session.pipeline.clone(), m.session.connection.clone()), before);
    // The next `:` clears the command's own notice.
    type_line(&mut m, "");
    assert_eq!(m.session.notice, None);
}

#[test]
fn pipeline_switches_the_shown_pipeline_like_the_list() {
    let mut m = model();
    let fx = run_line(&mut m, "pipeline web-frontend");
    assert_eq!(m.session.pipeline.as_deref(), Some("web-frontend"));
    assert_eq!(m.session.list.selected, 2);
    assert!(m.session.state.is_none() && m.logs.buffer.is_empty(), "the old pipeline's panes are cleared");
    assert!(fx.contains(&Effect::WatchPipeline("web-frontend".into())), "{fx:?}");
}

#[test]
fn profile_and_region_ask_for_a_switch_and_wait_for_it() {
    let mut m = model();
    let fx = run_line(&mut m, "profile prod-ro");
    assert_eq!(fx, vec![Effect::SwitchConnection { profile: Some("prod-ro".into()), region: None }]);
    assert_eq!(m.switching.as_deref(), Some("profile prod-ro"));
    // A second switch before the first is done is refused.
    assert!(run_line(&mut m, "region eu-west-1").is_empty());
    assert!(notice(&m).contains("still connecting"), "{:?}", m.session.notice);

    let mut m = model();
    let fx = run_line(&mut m, "region ap-southeast-9");
    assert_eq!(fx, vec![Effect::SwitchConnection { profile: None, region: Some("ap-southeast-9".into()) }]);
}

#[test]
fn the_sandbox_refuses_profiles_regions_and_login() {
    let mut m = model();
    m.sandbox = true;
    for line in ["profile dev", "region eu-west-1"] {
        assert!(run_line(&mut m, line).is_empty(), "{line}");
        assert!(notice(&m).contains("restart without --sandbox"), "{:?}", m.session.notice);
    }
    assert!(update(&mut m, shift('L')).is_empty());
    assert!(notice(&m).contains("sandbox needs no login"), "{:?}", m.session.notice);
}

#[test]
fn a_built_connection_resets_what_belonged_to_the_old_one() {
    let mut m = model();
    run_line(&mut m, "profile prod-admin");
    assert!(!m.session.confirm_by_name, "dev is not a confirm-by-name profile");
    let new =
        Connection { account: None, region: "eu-west-1".into(), profile: Some("prod-admin".into()), endpoint: None };
    let fx = update(&mut m, Msg::Connected(Ok(new.clone())));
    assert_eq!(fx, vec![Effect::UseConnection, Effect::SetFocus(true)], "the new workers learn the focus");
    assert_eq!(m.session.connection, new);
    assert_eq!(m.switching, None);
    assert!(m.session.confirm_by_name, "*prod* profiles confirm by name");
    assert!(m.session.pipeline.is_none() && m.session.state.is_none() && m.session.executions.is_empty());
    assert!(m.session.list.items.is_empty() && !m.session.list.loaded && m.logs.buffer.is_empty());
    assert_eq!(m.session.build.id, None);
    // The new account's list then picks a pipeline as at start.
    let fx = update(&mut m, Msg::Pipelines(Ok(samples::pipelines())));
    assert!(fx.contains(&Effect::WatchPipeline("mlops-demo".into())), "{fx:?}");
}

#[test]
fn a_failed_switch_keeps_everything() {
    let mut m = model();
    run_line(&mut m, "profile ci");
    let before = (m.session.connection.clone(), m.session.pipeline.clone(), m.logs.buffer.len());
    let fx = update(&mut m, Msg::Connected(Err("no AWS region configured".into())));
    assert!(fx.is_empty());
    assert_eq!((m.session.connection.clone(), m.session.pipeline.clone(), m.logs.buffer.len()), before);
    assert!(notice(&m).contains("switching to profile ci failed"), "{:?}", m.session.notice);
    assert_eq!(m.switching, None, "a new switch may start");
}

#[test]
fn l_runs_aws_sso_login_for_the_profile_and_comes_back_unchanged() {
    let mut m = model();
    m.logs.scroll(-3);
    let view = (m.logs.bottom_line(), m.logs.follow, m.logs.buffer.len());
    let fx = update(&mut m, shift('L'));
    let login = ExternalCommand {
        program: "aws".into(),
        args: vec!["sso".into(), "login".into(), "--profile".into(), "dev".into()],
    };
    assert_eq!(fx, vec![Effect::RunInTerminal(login.clone())]);
    assert_eq!(login.shell_line(), "aws sso login --profile dev");

    update(
        &mut m,
        Msg::Build {
            result: Err(ApiFailure {
                api: "codebuild:BatchGetBuilds".into(),
                kind: FailureKind::Expired,
                message: "expired".into(),
                retry_in_secs: None,
            }),
        },
    );
    assert_eq!(notice(&m), "AWS login expired or missing · L: aws sso login --profile dev (pipewatch retries)");
    let fx = update(&mut m, Msg::RanInTerminal { command: login.shell_line(), outcome: RunOutcome::Exited(Some(0)) });
    // The title stack was popped for the child: ours is set again.
    assert_eq!(fx, vec![Effect::RefreshNow, Effect::SetTitle("… mlops-demo InProgress".into())]);
    assert_eq!(m.session.notice, None);
    assert_eq!((m.logs.bottom_line(), m.logs.follow, m.logs.buffer.len()), view, "the log stays where it was");
    assert!(!m.logs.follow, "still scrolled up");

    m.session.connection.profile = None;
    let fx = update(&mut m, key('L'));
    assert_eq!(
        fx,
        vec![Effect::RunInTerminal(ExternalCommand {
            program: "aws".into(),
            args: vec!["sso".into(), "login".into()]
        })]
    );
}

#[test]
fn a_missing_or_failing_aws_cli_is_one_line() {
    let mut m = model();
    update(&mut m, Msg::RanInTerminal { command: "aws sso login".into(), outcome: RunOutcome::NotFound });
    assert!(notice(&m).starts_with("`aws` is not on PATH: install the AWS CLI"), "{:?}", m.session.notice);
    assert_eq!(m.session.notice.as_ref().map(|n| n.api.as_str()), Some(NOTICE));
    update(&mut m, Msg::RanInTerminal { command: "aws sso login".into(), outcome: RunOutcome::Exited(Some(255)) });
    assert!(notice(&m).contains("failed (exit 255)"), "{:?}", m.session.notice);
}

#[test]
fn up_recalls_the_last_command() {
    let mut m = model();
    run_line(&mut m, "pipeline data-ingest");
    type_line(&mut m, "");
    update(&mut m, code(KeyCode::Up));
    assert_eq!(m.command.input, "pipeline data-ingest");
    update(&mut m, code(KeyCode::Down));
    assert_eq!(m.command.input, "");
}

#[test]
fn a_paste_types_one_line_without_controls() {
    let mut m = model();
    type_line(&mut m, "profile ");
    update(&mut m, Msg::Paste("de\x1b[2Jv\nsecond line".into()));
    assert_eq!(m.command.input, "profile de[2Jv");
}
