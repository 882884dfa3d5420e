//! The S3 deploy action really writes the artifact (CodePipeline User Guide,
//! "Amazon S3 deploy action reference": BucketName, Extract, ObjectKey) and
//! reports its summary, externalExecutionUrl and errorDetails (CodePipeline
//! API Reference, ActionExecutionResult).

use std::time::Duration;

use aws_sdk_codepipeline::types::ActionExecutionDetail;
use aws_sdk_s3::primitives::ByteStream;
use pipewatch::sandbox::Options;
use serde_json::json;

use crate::harness::{self, Env, eventually};

pub const PIPELINE: &str = "site";

pub fn config(bucket: &str) -> String {
    json!({
        "pipelines": [{
            "name": PIPELINE,
            "pipelineType": "V2",
            "artifactStore": { "type": "S3", "location": "site-artifacts" },
            "stages": [
                { "name": "Source", "actions": [{
                    "name": "Source",
                    "actionTypeId": { "category": "Source", "owner": "AWS", "provider": "S3", "version": "1" },
                    "configuration": { "S3Bucket": "site-src", "S3ObjectKey": "src.zip", "PollForSourceChanges": "false" },
                    "outputArtifacts": [{ "name": "Src" }]
                }]},
                { "name": "Deploy", "actions": [{
                    "name": "Publish",
                    "actionTypeId": { "category": "Deploy", "owner": "AWS", "provider": "S3", "version": "1" },
                    "configuration": { "BucketName": bucket, "Extract": "true", "ObjectKey": "web" },
                    "inputArtifacts": [{ "name": "Src" }]
                }]}
            ]
        }],
        "projects": []
    })
    .to_string()
}

pub async fn start(bucket: &str) -> (Env, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    std::fs::write(&path, config(bucket)).unwrap();
    (harness::start_with(Options { config: Some(path), ..Options::ephemeral() }).await, dir)
}

pub async fn upload(env: &Env) {
    let zip = harness::zip_of(&[("index.html", "<h1>hi</h1>"), ("css/site.css", "h1{}")]);
    env.s3().put_object().bucket("site-src").key("src.zip").body(ByteStream::from(zip)).send().await.unwrap();
}

async fn finished(env: &Env) -> ActionExecutionDetail {
    let cp = aws_sdk_codepipeline::Client::new(&harness::retrying(&env.sdk));
    eventually("the deploy to end", Duration::from_secs(30), || async {
        let out = cp.list_action_executions().pipeline_name(PIPELINE).send().await.ok()?;
        out.action_execution_details()
            .iter()
            .find(|d| d.action_name() == Some("Publish") && d.status().is_some_and(|s| s.as_str() != "InProgress"))
            .cloned()
    })
    .await
}

#[tokio::test]
async fn an_s3_deploy_extracts_the_artifact_into_the_bucket() {
    let (env, _dir) = start("site-www").await;
    env.s3().create_bucket().bucket("site-www").send().await.unwrap();
    upload(&env).await;
    let action = finished(&env).await;
    assert_eq!(action.status().map(|s| s.as_str()), Some("Succeeded"));
    let result = action.output().and_then(|o| o.execution_result()).unwrap();
    assert_eq!(result.external_execution_summary(), Some("Deployed 2 files to s3://site-www/web/"));
    assert!(result.external_execution_url().is_some_and(|u| u.contains("site-www")));
    let css = env.s3().get_object().bucket("site-www").key("web/css/site.css").send().await.unwrap();
    assert_eq!(css.body.collect().await.unwrap().into_bytes().as_ref(), b"h1{}");
}

#[tokio::test]
async fn a_deploy_to_a_missing_bucket_fails_with_error_details() {
    let (env, _dir) = start("no-such-site").await;
    upload(&env).await;
    let action = finished(&env).await;
    assert_eq!(action.status().map(|s| s.as_str()), Some("Failed"));
    let error = action.output().and_then(|o| o.execution_result()).and_then(|r| r.error_details()).unwrap();
    assert!(error.message().is_some_and(|m| m.contains("NoSuchBucket")), "{error:?}");
}
