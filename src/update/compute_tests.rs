//! A Commands action is followed by its log stream ARN, and its tailer is
//! told once that the action ended.

use super::*;
use crate::model::samples;
use crate::model::snapshot::ActionSnapshot;

const ARN: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/codepipeline/mlops-demo:log-stream:abc";

fn with_commands(status: Status) -> PipelineSnapshot {
    let mut state = samples::pipeline(Status::Succeeded);
    let build = &state.stages[1].actions[0];
    let commands = ActionSnapshot {
        name: "Smoke".into(),
        category: Some("Compute".into()),
        provider: Some("Commands".into()),
        status: Some(status),
        external_id: Some("managed:build".into()),
        log_stream_arn: Some(ARN.into()),
        ..build.clone()
    };
    state.stages[3].actions = vec![commands];
    state
}

fn state(m: &mut Model, s: PipelineSnapshot) -> Vec<Effect> {
    update(m, Msg::PipelineState { pipeline: "mlops-demo".into(), result: Ok(s) })
}

#[test]
fn a_running_commands_action_is_followed_by_its_log_and_its_end_told_once() {
    let mut m = Model::new(Default::default(), Default::default(), Some("mlops-demo".into()), samples::now());
    assert_eq!(state(&mut m, with_commands(Status::InProgress)), vec![Effect::WatchBuild(ARN.into())]);
    assert_eq!(state(&mut m, with_commands(Status::InProgress)), vec![]);
    assert_eq!(state(&mut m, with_commands(Status::Failed)), vec![Effect::ActionLogEnded(ARN.into())]);
    assert_eq!(state(&mut m, with_commands(Status::Failed)), vec![], "told once");
}

#[test]
fn a_finished_commands_action_is_read_once_to_its_end() {
    let mut m = Model::new(Default::default(), Default::default(), Some("mlops-demo".into()), samples::now());
    let fx = state(&mut m, with_commands(Status::Succeeded));
    assert_eq!(fx, vec![Effect::WatchBuild(ARN.into()), Effect::ActionLogEnded(ARN.into())]);
}
