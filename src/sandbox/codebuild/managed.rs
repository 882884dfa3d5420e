//! CodePipeline-managed compute for Commands actions: a build of a project the
//! account does not own, whose buildspec is the action's `commands` and whose
//! log goes to `/aws/codepipeline/<pipeline>` (CodePipeline User Guide,
//! "Commands action reference" and "Permissions required to view compute logs
//! in the CodePipeline console"). The account's ListBuilds and BatchGetBuilds
//! do not see it; the action reports its log as `logStreamARN`.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{Value, json};

use super::runner::SourceInput;
use super::{Launch, launch};
use crate::sandbox::http::ApiResult;
use crate::sandbox::{ACCOUNT_ID, Shared};

const PREFIX: &str = "codepipeline-commands-";

/// Whether a build's project is managed compute (hidden from the account).
pub fn is_managed(project: &str) -> bool {
    project.starts_with(PREFIX)
}

/// What a Commands action asks for.
#[derive(Clone, Debug)]
pub struct CommandsRequest {
    pub pipeline: String,
    pub region: String,
    /// The first input artifact, unpacked where the commands run.
    pub source_zip: Option<PathBuf>,
    pub source_version: String,
    pub commands: Vec<String>,
    /// The action's `environmentVariables` ({name, value, type}).
    pub env: Vec<Value>,
    /// The action's `outputVariables`: exported as the build ends.
    pub exported: Vec<String>,
    /// The output artifact's zip and its `files` (all files when empty).
    pub artifact: Option<(PathBuf, Vec<String>)>,
    pub timeout_minutes: Option<u64>,
}

/// A started Commands build: its id (for the engine) and its log stream's ARN.
pub struct Started {
    pub build_id: String,
    pub log_stream_arn: String,
}

pub fn start_commands(shared: &Arc<Shared>, req: CommandsRequest) -> ApiResult<Started> {
    let name = format!("{PREFIX}{}", req.pipeline);
    let region = req.region.clone();
    let group = format!("/aws/codepipeline/{}", req.pipeline);
    let project = json!({
        "name": name,
        "arn": format!("arn:aws:codebuild:{region}:{ACCOUNT_ID}:project/{name}"),
        "source": { "type": "CODEPIPELINE", "buildspec": buildspec(&req) },
        "environment": {
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/amazonlinux2-x86_64-standard:5.0",
            "computeType": "BUILD_GENERAL1_SMALL",
            "environmentVariables": [],
        },
        "timeoutInMinutes": req.timeout_minutes.unwrap_or(60),
        "queuedTimeoutInMinutes": 480,
        "logsConfig": {
            "cloudWatchLogs": { "status": "ENABLED", "groupName": group },
            "s3Logs": { "status": "DISABLED", "encryptionDisabled": false },
        },
    });
    let source = match req.source_zip {
        Some(zip) => SourceInput::Zip(zip),
        None => SourceInput::Empty,
    };
    let (build_id, _) = launch(
        shared,
        Launch {
            project: name,
            region: region.clone(),
            source,
            source_version: Some(req.source_version).filter(|v| !v.is_empty()),
            initiator: format!("codepipeline/{}", req.pipeline),
            artifact_zip: req.artifact.map(|(zip, _)| zip),
            source_override: Vec::new(),
            env_override: req.env,
            timeout_minutes: req.timeout_minutes,
            managed: Some(project),
            batch_arn: None,
            environment_override: Vec::new(),
        },
    )?;
    // The stream is the build's uuid in the pipeline's group (named up front).
    let stream = build_id.rsplit(':').next().unwrap_or_default();
    let log_stream_arn = format!("arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:{group}:log-stream:{stream}");
    Ok(Started { build_id, log_stream_arn })
}

/// The commands as a buildspec, written as JSON (which YAML reads as is), so
/// no command needs quoting.
fn buildspec(req: &CommandsRequest) -> String {
    let mut spec = json!({
        "version": "0.2",
        "phases": { "build": { "commands": req.commands } },
    });
    if !req.exported.is_empty() {
        spec["env"] = json!({ "exported-variables": req.exported });
    }
    if let Some((_, files)) = &req.artifact {
        let files = if files.is_empty() { vec!["**/*".to_string()] } else { files.clone() };
        spec["artifacts"] = json!({ "files": files });
    }
    serde_json::to_string_pretty(&spec).unwrap_or_default()
}
