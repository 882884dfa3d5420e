//! Compute actions that are not CodeBuild builds of the account's projects:
//! a Commands action (V2) runs on CodePipeline-managed compute and has no
//! build to show, only its log, named by `logStreamARN` on the action
//! execution (CodePipeline API Reference, ActionExecution).
//!
//! Such a log is followed where a build id would be (`BuildView::id` holds
//! the ARN), so the log pane and its tailer need nothing new.

use crate::model::selection::is_build_action;
use crate::model::snapshot::{ActionSnapshot, PipelineSnapshot};
use crate::model::{BuildSource, Model};

/// A Commands action (category Compute, provider Commands).
pub fn is_commands(a: &ActionSnapshot) -> bool {
    a.provider.as_deref() == Some("Commands")
}

/// What the phase and log panes follow for an action, if anything: a
/// CodeBuild action's build id, a Commands action's log stream ARN. Other
/// actions (S3 deploy, CloudFormation, Lambda...) have no build or log here.
pub fn followed_id(a: &ActionSnapshot) -> Option<String> {
    if is_commands(a) {
        a.log_stream_arn.clone()
    } else if is_build_action(a) {
        a.external_id.clone()
    } else {
        None
    }
}

/// The action pinned with Enter when it is neither a build nor a Commands
/// action: the phase pane shows its summary, link and error instead.
pub fn pinned_other(m: &Model) -> Option<(&str, &ActionSnapshot)> {
    let BuildSource::Action { stage, action } = &m.session.build.source else { return None };
    let state = m.session.state.as_ref()?;
    let s = state.stages.iter().find(|s| &s.name == stage)?;
    let a = s.actions.iter().find(|a| &a.name == action)?;
    (!is_build_action(a) && !is_commands(a)).then_some((s.name.as_str(), a))
}

/// Whether a followed id is a log stream ARN rather than a build id.
pub fn is_log_arn(id: &str) -> bool {
    id.starts_with("arn:") && id.contains(":log-group:") && id.contains(":log-stream:")
}

/// A log stream ARN's parts: (Region, group, stream), as in
/// `arn:aws:logs:REGION:ACCOUNT:log-group:GROUP:log-stream:STREAM`.
pub fn log_arn_parts(arn: &str) -> Option<(String, String, String)> {
    let region = arn.split(':').nth(3)?.to_string();
    let (_, rest) = arn.split_once(":log-group:")?;
    let (group, stream) = rest.split_once(":log-stream:")?;
    (!group.is_empty() && !stream.is_empty()).then(|| (region, group.to_string(), stream.to_string()))
}

/// The action whose log is `arn`, with its stage's name.
pub fn action_of_log<'a>(state: &'a PipelineSnapshot, arn: &str) -> Option<(&'a str, &'a ActionSnapshot)> {
    state
        .stages
        .iter()
        .find_map(|s| s.actions.iter().find(|a| a.log_stream_arn.as_deref() == Some(arn)).map(|a| (s.name.as_str(), a)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/codepipeline/p:log-stream:a/b";

    #[test]
    fn a_log_stream_arn_splits_into_region_group_and_stream() {
        assert!(is_log_arn(ARN));
        assert!(!is_log_arn("mlops-demo-build:6f1c2a9e"));
        let parts = log_arn_parts(ARN);
        assert_eq!(parts, Some(("us-east-1".into(), "/aws/codepipeline/p".into(), "a/b".into())));
        assert_eq!(log_arn_parts("arn:aws:logs:us-east-1:1:log-group::log-stream:x"), None);
    }
}
