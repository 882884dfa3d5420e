//! Commands actions (V2): the action's `commands` run with bash on
//! CodePipeline-managed compute, in the first input artifact; the log is the
//! stream the action reports as `logStreamARN` (CodePipeline User Guide,
//! "Commands action reference"; API Reference, ActionExecutionResult).

use std::sync::Arc;

use serde_json::json;

use super::actions::{artifacts_dir, fail};
use super::{ActionExec, Execution};
use crate::sandbox::Shared;
use crate::sandbox::codebuild::managed::{CommandsRequest, start_commands as start_build};
use crate::sandbox::config::ActionDecl;

pub fn start(shared: &Arc<Shared>, pipeline: &str, e: &Execution, decl: &ActionDecl, exec: &mut ActionExec) {
    let source_zip = match decl.input_artifacts.first() {
        None => None,
        Some(input) => match e.artifacts.get(&input.name) {
            Some(zip) => Some(zip.clone()),
            None => {
                let msg = format!("Input artifact {} was not produced by an earlier stage", input.name);
                fail(exec, "JobFailed", msg);
                return;
            }
        },
    };
    let artifact = decl
        .output_artifacts
        .first()
        .map(|o| (artifacts_dir(shared, e).join(format!("{}.zip", o.name)), o.files.clone()));
    // Plain values only: the sandbox resolves no Secrets Manager references.
    let env = decl
        .environment_variables
        .iter()
        .map(|v| json!({ "name": v.get("name"), "value": v.get("value"), "type": "PLAINTEXT" }))
        .collect();
    let request = CommandsRequest {
        pipeline: pipeline.to_string(),
        region: decl.region().to_string(),
        source_zip,
        source_version: e.sources.first().map(|r| r.revision_id.clone()).unwrap_or_default(),
        commands: decl.commands.clone(),
        env,
        exported: decl.output_variables.clone(),
        artifact,
        timeout_minutes: decl.timeout_in_minutes,
    };
    match start_build(shared, request) {
        Ok(started) => {
            // The build id lets the engine poll it like a CodeBuild action's.
            exec.external_id = Some(started.build_id);
            exec.log_stream_arn = Some(started.log_stream_arn);
        }
        Err(err) => fail(exec, "JobFailed", format!("The Commands action could not start: {}", err.message)),
    }
}

#[cfg(test)]
mod tests {
    use crate::sandbox::config::PipelineDecl;

    fn pipeline(kind: &str, commands: &str) -> serde_json::Value {
        let text = format!(
            r#"{{"name":"p","pipelineType":"{kind}","stages":[
            {{"name":"S","actions":[{{"name":"S","actionTypeId":{{"category":"Source","owner":"AWS","provider":"S3","version":"1"}}}}]}},
            {{"name":"C","actions":[{{"name":"C","actionTypeId":{{"category":"Compute","owner":"AWS","provider":"Commands","version":"1"}},"commands":{commands}}}]}}]}}"#
        );
        serde_json::from_str(&text).unwrap()
    }

    /// CodePipeline User Guide, "Commands action reference": "only available
    /// for V2 type pipelines"; API model: `commands` holds 1 to 50 commands.
    #[test]
    fn commands_need_a_v2_pipeline_and_one_to_fifty_commands() {
        assert!(PipelineDecl::parse(&pipeline("V2", r#"["make test"]"#)).is_ok());
        let v1 = PipelineDecl::parse(&pipeline("V1", r#"["make test"]"#)).unwrap_err();
        assert!(v1.contains("only available for V2"), "{v1}");
        let none = PipelineDecl::parse(&pipeline("V2", "[]")).unwrap_err();
        assert!(none.contains("1 to 50 commands"), "{none}");
        let many = serde_json::to_string(&vec!["true"; 51]).unwrap();
        assert!(PipelineDecl::parse(&pipeline("V2", &many)).is_err());
    }
}
