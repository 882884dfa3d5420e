//! The action types CodePipeline offers (owner AWS) with their artifact
//! counts and configuration keys, and the check of one action against them.
//! CodePipeline User Guide, "Valid input and output artifacts for each action
//! type" and each action's configuration reference.

use serde_json::Value;

use super::{action_error, names, str_of};
use crate::sandbox::http::ApiError;

/// An AWS-owned action type: (category, provider, input artifacts, output
/// artifacts, configuration keys it knows; empty: not checked).
type ActionKind = (&'static str, &'static str, (usize, usize), (usize, usize), &'static [&'static str]);

const AWS_ACTIONS: &[ActionKind] = &[
    (
        "Source",
        "S3",
        (0, 0),
        (1, 1),
        &["S3Bucket", "S3ObjectKey", "PollForSourceChanges", "AllowOverrideForS3ObjectKey"],
    ),
    ("Source", "CodeCommit", (0, 0), (1, 1), &[]),
    ("Source", "ECR", (0, 0), (1, 1), &[]),
    ("Source", "CodeStarSourceConnection", (0, 0), (1, 1), &[]),
    (
        "Build",
        "CodeBuild",
        (1, 5),
        (0, 5),
        &["ProjectName", "PrimarySource", "BatchEnabled", "CombineArtifacts", "EnvironmentVariables"],
    ),
    (
        "Test",
        "CodeBuild",
        (1, 5),
        (0, 5),
        &["ProjectName", "PrimarySource", "BatchEnabled", "CombineArtifacts", "EnvironmentVariables"],
    ),
    ("Build", "ECRBuildAndPublish", (1, 1), (0, 0), &[]),
    ("Compute", "Commands", (1, 10), (0, 1), &[]),
    ("Approval", "Manual", (0, 0), (0, 0), &["NotificationArn", "CustomData", "ExternalEntityLink"]),
    ("Deploy", "S3", (1, 1), (0, 0), &[]),
    ("Deploy", "CloudFormation", (0, 10), (0, 1), &[]),
    ("Deploy", "CloudFormationStackSet", (1, 10), (0, 0), &[]),
    ("Deploy", "CloudFormationStackInstances", (0, 10), (0, 0), &[]),
    ("Deploy", "CodeDeploy", (1, 1), (0, 0), &[]),
    ("Deploy", "CodeDeployToECS", (1, 5), (0, 0), &[]),
    ("Deploy", "ECS", (1, 1), (0, 0), &[]),
    ("Deploy", "ElasticBeanstalk", (1, 1), (0, 0), &[]),
    ("Invoke", "Lambda", (0, 5), (0, 5), &[]),
    ("Invoke", "StepFunctions", (0, 1), (0, 1), &[]),
];

/// The configuration keys an action of a known kind cannot do without.
fn required_keys(category: &str, provider: &str) -> &'static [&'static str] {
    match (category, provider) {
        ("Source", "S3") => &["S3Bucket", "S3ObjectKey"],
        ("Build" | "Test", "CodeBuild") => &["ProjectName"],
        _ => &[],
    }
}

/// One action: a type CodePipeline offers, its artifact counts, its configuration.
pub fn check(a: &Value) -> Result<(), ApiError> {
    let name = str_of(a, "/name");
    let (category, owner, provider) =
        (str_of(a, "/actionTypeId/category"), str_of(a, "/actionTypeId/owner"), str_of(a, "/actionTypeId/provider"));
    if owner != "AWS" {
        // ThirdParty and Custom types are registered per account; the sandbox has none.
        return Err(action_error(format!(
            "ActionType (Category: '{category}', Provider: '{provider}', Owner: '{owner}') in action '{name}' is not available: the sandbox offers AWS-owned action types only"
        )));
    }
    let Some(&(_, _, inputs, outputs, known_keys)) =
        AWS_ACTIONS.iter().find(|(c, p, ..)| *c == category && *p == provider)
    else {
        return Err(action_error(format!(
            "ActionType (Category: '{category}', Provider: '{provider}', Owner: 'AWS') in action '{name}' is not available"
        )));
    };
    for (field, (min, max), what) in [("inputArtifacts", inputs, "input"), ("outputArtifacts", outputs, "output")] {
        let n = names(a, field).len();
        if n < min {
            return Err(action_error(format!(
                "Action {name} declares {n} {what} artifacts which is less than the minimum count ({min})"
            )));
        }
        if n > max {
            return Err(action_error(format!(
                "Action {name} declares {n} {what} artifacts which exceeds the maximum count ({max})"
            )));
        }
    }
    let config = a.get("configuration").and_then(Value::as_object);
    for key in required_keys(category, provider) {
        if config.is_none_or(|m| !m.contains_key(*key)) {
            return Err(action_error(format!(
                "Action configuration for action '{name}' is missing required configuration '{key}'"
            )));
        }
    }
    if !known_keys.is_empty()
        && let Some(unknown) = config.and_then(|m| m.keys().find(|k| !known_keys.contains(&k.as_str())))
    {
        return Err(action_error(format!(
            "Action configuration for action '{name}' contains unknown configuration '{unknown}'"
        )));
    }
    Ok(())
}
