//! Variables through the real SDK over HTTP. CodePipeline User Guide,
//! "Variables reference": pipeline-level variables with defaults, overridden
//! at StartPipelineExecution; `#{variables.NAME}` and `#{Namespace.NAME}`
//! (action output variables) resolved in later actions. CodeBuild User Guide,
//! "Build specification reference": env/exported-variables, reported as the
//! build's exportedEnvironmentVariables (CodeBuild API Reference, Build) and
//! as the CodeBuild action's output variables (CodePipeline API Reference,
//! ActionExecutionOutput.outputVariables; ActionExecutionInput.resolvedConfiguration;
//! PipelineExecution.variables).

use std::time::Duration;

use aws_sdk_codepipeline::types::{ActionExecutionDetail, PipelineVariable};
use aws_sdk_s3::primitives::ByteStream;
use pipewatch::sandbox::Options;
use serde_json::json;

use crate::harness::{self, Env, eventually};
use crate::sandbox_commands::split_arn;

const PIPELINE: &str = "vars";
const SPEC: &str = "version: 0.2\nenv:\n  exported-variables:\n    - IMAGE_TAG\nphases:\n  build:\n    commands:\n      - export IMAGE_TAG=v-$ENV_NAME\n";

fn config() -> String {
    let build_env = r##"[{"name":"ENV_NAME","value":"#{variables.ENV_NAME}","type":"PLAINTEXT"}]"##;
    json!({
        "pipelines": [{
            "name": PIPELINE,
            "pipelineType": "V2",
            "executionMode": "QUEUED",
            "variables": [{ "name": "ENV_NAME", "defaultValue": "dev", "description": "where to deploy" }],
            "artifactStore": { "type": "S3", "location": "vars-artifacts" },
            "stages": [
                { "name": "Source", "actions": [{
                    "name": "Source",
                    "actionTypeId": { "category": "Source", "owner": "AWS", "provider": "S3", "version": "1" },
                    "configuration": { "S3Bucket": "vars-src", "S3ObjectKey": "src.zip", "PollForSourceChanges": "false" },
                    "outputArtifacts": [{ "name": "Src" }]
                }]},
                { "name": "Build", "actions": [{
                    "name": "Build",
                    "namespace": "BuildVars",
                    "actionTypeId": { "category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1" },
                    "configuration": { "ProjectName": "vars-build", "EnvironmentVariables": build_env },
                    "inputArtifacts": [{ "name": "Src" }]
                }]},
                { "name": "Deploy", "actions": [{
                    "name": "Announce",
                    "actionTypeId": { "category": "Compute", "owner": "AWS", "provider": "Commands", "version": "1" },
                    "commands": ["echo \"deploying #{BuildVars.IMAGE_TAG} to #{variables.ENV_NAME}\""]
                }]}
            ]
        }],
        "projects": [{
            "name": "vars-build",
            "source": { "type": "CODEPIPELINE", "buildspec": SPEC },
            "environment": { "type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL" }
        }]
    })
    .to_string()
}

async fn start() -> (Env, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    std::fs::write(&path, config()).unwrap();
    (harness::start_with(Options { config: Some(path), ..Options::ephemeral() }).await, dir)
}

fn cp(env: &Env) -> aws_sdk_codepipeline::Client {
    aws_sdk_codepipeline::Client::new(&harness::retrying(&env.sdk))
}

/// Execution `id`'s action executions once its Deploy action has ended.
async fn finished(env: &Env, id: &str) -> Vec<ActionExecutionDetail> {
    eventually("the Deploy action to end", Duration::from_secs(60), || async {
        let f = aws_sdk_codepipeline::types::ActionExecutionFilter::builder().pipeline_execution_id(id).build();
        let out = cp(env).list_action_executions().pipeline_name(PIPELINE).filter(f).send().await.ok()?;
        let all = out.action_execution_details().to_vec();
        let done = all
            .iter()
            .any(|d| d.action_name() == Some("Announce") && d.status().is_some_and(|s| s.as_str() != "InProgress"));
        done.then_some(all)
    })
    .await
}

fn action<'a>(all: &'a [ActionExecutionDetail], name: &str) -> &'a ActionExecutionDetail {
    all.iter().find(|d| d.action_name() == Some(name)).expect(name)
}

async fn variables_of(env: &Env, id: &str) -> Vec<(String, String)> {
    let out = cp(env).get_pipeline_execution().pipeline_name(PIPELINE).pipeline_execution_id(id).send().await.unwrap();
    let e = out.pipeline_execution().unwrap();
    e.variables().iter().map(|v| (v.name().unwrap_or("").into(), v.resolved_value().unwrap_or("").into())).collect()
}

#[tokio::test]
async fn defaults_exports_and_namespaces_flow_from_action_to_action() {
    let (env, _dir) = start().await;
    let zip = harness::zip_of(&[("a.txt", "a")]);
    env.s3().put_object().bucket("vars-src").key("src.zip").body(ByteStream::from(zip)).send().await.unwrap();
    let id = eventually("the run", Duration::from_secs(30), || async {
        let out = cp(&env).list_pipeline_executions().pipeline_name(PIPELINE).send().await.ok()?;
        out.pipeline_execution_summaries().first()?.pipeline_execution_id().map(str::to_string)
    })
    .await;
    let all = finished(&env, &id).await;
    assert_eq!(variables_of(&env, &id).await, [("ENV_NAME".to_string(), "dev".to_string())]);

    let build = action(&all, "Build");
    assert_eq!(build.input().and_then(|i| i.namespace()), Some("BuildVars"));
    let outputs = build.output().and_then(|o| o.output_variables()).cloned().unwrap_or_default();
    assert_eq!(outputs.get("IMAGE_TAG").map(String::as_str), Some("v-dev"), "{outputs:?}");
    let build_id = build.output().and_then(|o| o.execution_result()).and_then(|r| r.external_execution_id()).unwrap();
    let cb = aws_sdk_codebuild::Client::new(&harness::retrying(&env.sdk));
    let got = cb.batch_get_builds().ids(build_id).send().await.unwrap();
    let exported: Vec<(String, String)> = got.builds()[0]
        .exported_environment_variables()
        .iter()
        .map(|v| (v.name().unwrap_or("").into(), v.value().unwrap_or("").into()))
        .collect();
    assert_eq!(exported, [("IMAGE_TAG".to_string(), "v-dev".to_string())]);

    let announce = action(&all, "Announce");
    assert_eq!(announce.status().map(|s| s.as_str()), Some("Succeeded"));
    let arn = announce.output().and_then(|o| o.execution_result()).and_then(|r| r.log_stream_arn()).unwrap();
    let (group, stream) = split_arn(arn);
    harness::read_log_until(&env, &group, &stream, Duration::from_secs(30), |l| {
        l.iter().any(|x| x == "deploying v-dev to dev")
    })
    .await;
}

#[tokio::test]
async fn start_variables_override_defaults_and_unknown_names_are_refused() {
    let (env, _dir) = start().await;
    // The source object must exist for a manual start.
    let zip = harness::zip_of(&[("a.txt", "a")]);
    env.s3().put_object().bucket("vars-src").key("src.zip").body(ByteStream::from(zip)).send().await.unwrap();
    let var = |n: &str, v: &str| PipelineVariable::builder().name(n).value(v).build().unwrap();
    let unknown = cp(&env).start_pipeline_execution().name(PIPELINE).variables(var("NOPE", "x")).send().await;
    let err = unknown.unwrap_err();
    assert_eq!(err.as_service_error().and_then(|e| e.meta().code()), Some("ValidationException"), "{err:?}");

    let out =
        cp(&env).start_pipeline_execution().name(PIPELINE).variables(var("ENV_NAME", "prod")).send().await.unwrap();
    let id = out.pipeline_execution_id().unwrap().to_string();
    let all = finished(&env, &id).await;
    assert_eq!(variables_of(&env, &id).await, [("ENV_NAME".to_string(), "prod".to_string())]);
    let input = action(&all, "Build").input().unwrap();
    let declared = input.configuration().and_then(|c| c.get("EnvironmentVariables")).cloned().unwrap_or_default();
    let resolved =
        input.resolved_configuration().and_then(|c| c.get("EnvironmentVariables")).cloned().unwrap_or_default();
    assert!(declared.contains("#{variables.ENV_NAME}"), "{declared}");
    assert!(resolved.contains("\"prod\"") && !resolved.contains("#{"), "{resolved}");
    let outputs = action(&all, "Build").output().and_then(|o| o.output_variables()).cloned().unwrap_or_default();
    assert_eq!(outputs.get("IMAGE_TAG").map(String::as_str), Some("v-prod"));
}
