//! The phase pane for actions with no build, at 80×24.

use super::tests::{draw, text};
use crate::model::samples;
use crate::model::snapshot::Status;
use crate::model::{BuildSource, Model};

/// The demo's Deploy stage holds a failed S3 deploy, pinned with Enter.
fn pinned_failed_deploy() -> Model {
    let mut m = samples::model(samples::running_build(), 80, 24);
    let state = m.session.state.as_mut().unwrap();
    let deploy = &mut state.stages[3].actions[0];
    deploy.status = Some(Status::Failed);
    deploy.summary = Some("Deployed 0 files".into());
    deploy.external_url = Some("https://console.aws.amazon.com/s3/buckets/site".into());
    deploy.error = Some("NoSuchBucket: The specified bucket does not exist".into());
    m.session.build.source = BuildSource::Action { stage: "Deploy".into(), action: "Deploy".into() };
    m
}

#[test]
fn a_pinned_deploy_shows_its_error_summary_and_link() {
    let screen = text(&draw(&pinned_failed_deploy()));
    assert!(screen.contains("S3 · Deploy/Deploy · pinned"), "{screen}");
    assert!(screen.contains("✗ failed · NoSuchBucket: The specified bucket does not exist"), "{screen}");
}

#[test]
fn a_commands_log_is_named_in_the_phase_pane() {
    let mut m = samples::model(samples::running_build(), 80, 24);
    let arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/codepipeline/mlops-demo:log-stream:abc";
    let state = m.session.state.as_mut().unwrap();
    let action = &mut state.stages[3].actions[0];
    action.provider = Some("Commands".into());
    action.status = Some(Status::InProgress);
    action.log_stream_arn = Some(arn.into());
    m.session.build.id = Some(arn.into());
    m.session.build.snapshot = None;
    let screen = text(&draw(&m));
    assert!(screen.contains("Commands · Deploy/Deploy"), "{screen}");
    assert!(screen.contains("Commands action: no build"), "{screen}");
}
