//! The details view: what `d` opens and fetches, and what it draws as a popup
//! (80x24) and as a pane (200x50).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tests::{draw, text};
use crate::model::details::{ActionDetails, Artifact, BuildDetails, Details, EnvVar, Revision};
use crate::model::snapshot::Status;
use crate::model::tests_report::sample_failed;
use crate::model::{Modal, Model, samples};
use crate::msg::Msg;
use crate::update::{Effect, update};

fn sample(execution_id: &str) -> Details {
    let env =
        |name: &str, value: &str, kind: &str| EnvVar { name: name.into(), value: value.into(), kind: kind.into() };
    Details {
        execution_id: execution_id.into(),
        trigger: Some("PutActionRevision · pipewatch push".into()),
        revisions: vec![Revision {
            artifact: "SourceArtifact".into(),
            revision_id: Some("3f9a8b7c2d1e".into()),
            summary: Some("tune learning rate".into()),
        }],
        variables: vec![("DEPLOY_ENV".into(), "staging".into())],
        actions: vec![ActionDetails {
            stage: "Build".into(),
            action: "Train".into(),
            namespace: Some("BuildVariables".into()),
            output_variables: vec![("MODEL_VERSION".into(), "7".into())],
            configuration: vec![("ProjectName".into(), "mlops-demo-build".into())],
            log_stream_arn: None,
        }],
        build: Some(BuildDetails {
            id: samples::failed_build().id,
            environment: vec![
                env("CONFIG", "model/config.json", "PLAINTEXT"),
                env("DB_PASSWORD", "/prod/db/password", "PARAMETER_STORE"),
                env("API_TOKEN", "prod/api-token:token", "SECRETS_MANAGER"),
            ],
            exported: vec![("MODEL_VERSION".into(), "7".into())],
            artifacts: vec![Artifact {
                identifier: "primary".into(),
                location: Some("arn:aws:s3:::pipewatch-demo-artifacts/mlops-demo/BuildArtif/x.zip".into()),
                sha256: Some("9f2c".into()),
            }],
        }),
        tests: Some(sample_failed(&samples::failed_build().id)),
    }
}

fn shown(w: u16, h: u16) -> Model {
    let mut m = samples::model(samples::failed_build(), w, h);
    m.session.state = Some(samples::pipeline(Status::Failed));
    let exec = m.shown_execution().map(|e| e.id.clone()).unwrap();
    update(&mut m, Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE)));
    update(&mut m, Msg::Details(Ok(sample(&exec))));
    m
}

#[test]
fn d_opens_a_popup_when_narrow_and_a_pane_when_wide_and_fetches_once() {
    let mut m = samples::model(samples::failed_build(), 80, 24);
    let exec = m.shown_execution().map(|e| e.id.clone()).unwrap();
    let fx = update(&mut m, Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE)));
    let fetch = Effect::FetchDetails {
        pipeline: "mlops-demo".into(),
        execution_id: exec.clone(),
        build_id: m.session.build.id.clone(),
    };
    assert_eq!(fx, std::slice::from_ref(&fetch));
    assert_eq!(m.modal, Modal::Details);
    assert!(text(&draw(&m)).contains("Loading…"));
    assert!(update(&mut m, Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE))).is_empty());
    assert_eq!(m.modal, Modal::Normal);
    assert!(!m.session.details.open);

    let mut m = samples::model(samples::failed_build(), 200, 50);
    assert_eq!(update(&mut m, Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE))), [fetch]);
    assert_eq!(m.modal, Modal::Normal, "a pane, not a dialog: other keys still work");
    assert!(m.session.details.open);
    let fx = update(&mut m, Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE)));
    assert!(fx.is_empty() && !m.session.details.open, "d again closes the pane without fetching");
}

#[test]
fn secrets_show_their_reference_never_a_value() {
    let screen = text(&draw(&shown(200, 50)));
    assert!(screen.contains("DB_PASSWORD (parameter /prod/db/password)"), "{screen}");
    assert!(screen.contains("API_TOKEN (secret prod/api-token:token)"), "{screen}");
    assert!(screen.contains("CONFIG model/config.json"), "{screen}");
}

#[test]
fn the_view_shows_why_the_run_started_and_what_it_produced() {
    let m = shown(200, 50);
    let screen = text(&draw(&m));
    for want in [
        "trigger PutActionRevision · pipewatch push",
        "SourceArtifact 3f9a8b7c2d1e",
        "tune learning rate",
        "DEPLOY_ENV staging",
        "Build/Train (namespace BuildVariables)",
        "out MODEL_VERSION 7",
        "cfg ProjectName mlops-demo-build",
        "sha256 9f2c",
        "41 tests: 38 succeeded, 2 failed",
        "81.5% lines covered (163 of 200)",
        "✗ test_baseline_accuracy",
        "accuracy on the baseline (clean) data is 0.131",
    ] {
        assert!(screen.contains(want), "{want:?} not in\n{screen}");
    }
    // The pane sits beside the others: the graph still shows.
    assert!(screen.contains("Stages · mlops-demo"), "{screen}");
    insta::assert_snapshot!("details_pane_200x50", screen);
    insta::assert_snapshot!("details_popup_80x24", text(&draw(&shown(80, 24))));
}

#[test]
fn the_popup_scrolls_with_j() {
    let mut m = shown(80, 24);
    let before = text(&draw(&m));
    assert!(before.contains("Execution "), "{before}");
    for _ in 0..3 {
        update(&mut m, Msg::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE)));
    }
    assert_eq!(m.session.details.scroll, 3);
    assert!(!text(&draw(&m)).contains("Execution "), "scrolled past the first line");
}
