//! `pipewatch push` on pipelines whose buildspec it cannot check from the
//! package: it says why in one line and goes on; only a real problem in
//! the package's buildspec refuses. Documents: CodeBuild API Reference,
//! ProjectSource.buildspec (a path in the source, inline YAML, or an S3
//! object's ARN); CodePipeline User Guide, "Commands action reference"
//! (the commands live in the action declaration, no buildspec).

use std::process::Output;

use pipewatch::sandbox::Options;
use serde_json::json;

use crate::harness::{self, Env, pipewatch, stderr};

fn source(key: &str) -> serde_json::Value {
    json!({"name": "Source", "actions": [{
        "name": "Source",
        "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
        "configuration": {"S3Bucket": "pipewatch-demo-source", "S3ObjectKey": key, "PollForSourceChanges": "false"},
        "outputArtifacts": [{"name": "Src"}]
    }]})
}

fn codebuild(project: &str) -> serde_json::Value {
    json!({"name": "Build", "actions": [{
        "name": "Build",
        "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"},
        "configuration": {"ProjectName": project},
        "inputArtifacts": [{"name": "Src"}]
    }]})
}

fn project(name: &str, buildspec: Option<&str>) -> serde_json::Value {
    let mut source = json!({"type": "CODEPIPELINE"});
    if let Some(b) = buildspec {
        source["buildspec"] = json!(b);
    }
    json!({"name": name, "source": source, "artifacts": {"type": "CODEPIPELINE"},
           "environment": {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL"}})
}

/// Five pipelines: four push cannot preflight from the package, one it can.
fn config() -> serde_json::Value {
    let deploy = json!({"name": "Deploy", "actions": [{
        "name": "ToBucket",
        "actionTypeId": {"category": "Deploy", "owner": "AWS", "provider": "S3", "version": "1"},
        "configuration": {"BucketName": "site", "Extract": "true"},
        "inputArtifacts": [{"name": "Src"}]
    }]});
    let commands = json!({"name": "Test", "actions": [{
        "name": "Lint",
        "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "Commands", "version": "1"},
        "commands": ["make lint"],
        "inputArtifacts": [{"name": "Src"}]
    }]});
    let pipeline = |name: &str, key: &str, second: serde_json::Value| json!({"name": name, "pipelineType": "V2", "stages": [source(key), second]});
    json!({
        "pipelines": [
            pipeline("deploy-only", "deploy.zip", deploy),
            pipeline("commands", "commands.zip", commands),
            pipeline("spec-in-s3", "s3.zip", codebuild("spec-in-s3")),
            pipeline("spec-inline", "inline.zip", codebuild("spec-inline")),
            pipeline("spec-default", "default.zip", codebuild("spec-default")),
        ],
        "projects": [
            project("spec-in-s3", Some("arn:aws:s3:::shared-specs/buildspec.yml")),
            // A tab in the indentation: an error in a file, a warning inline.
            project("spec-inline", Some("version: 0.2\nphases:\n\tbuild:\n    commands:\n      - make\n")),
            project("spec-default", None),
        ]
    })
}

async fn dry_run(env: &Env, pipeline: &str, workspace: &std::path::Path) -> Output {
    pipewatch(["push", "--pipeline", pipeline, "--dry-run", "--workspace"]).arg(workspace).sandbox(env).output().await
}

#[tokio::test]
async fn pipelines_push_cannot_preflight_are_pushed_with_one_line_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config_path = dir.path().join("sandbox.json");
    std::fs::write(&config_path, config().to_string()).expect("config");
    let env = harness::start_with(Options { config: Some(config_path), ..Options::ephemeral() }).await;
    // No buildspec.yml anywhere: the old preflight refused every one of these.
    let ws = tempfile::tempdir().expect("workspace");
    std::fs::write(ws.path().join("app.py"), "print('hi')\n").expect("file");

    for (pipeline, why) in [
        ("deploy-only", "preflight: not checked: warning: the pipeline has no CodeBuild action"),
        ("commands", "preflight: not checked: warning: Test/Lint is a Commands action"),
        ("spec-in-s3", "preflight: not checked: warning: project spec-in-s3 reads its buildspec from S3"),
    ] {
        let out = dry_run(&env, pipeline, ws.path()).await;
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{pipeline}: {err}");
        assert_eq!(err.lines().filter(|l| l.contains(why)).count(), 1, "{pipeline}: one line why: {err}");
        assert!(!err.contains("is not in the workspace"), "{pipeline}: {err}");
    }

    let out = dry_run(&env, "spec-inline", ws.path()).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "an inline buildspec's problem does not block: {err}");
    assert!(err.contains("preflight: inline in project spec-inline: warning (line 3, column 1): a tab"), "{err}");
    assert!(err.contains("do not block the push"), "{err}");

    // A real problem in the package still refuses without --force.
    let out = dry_run(&env, "spec-default", ws.path()).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("the build reads buildspec.yml, but it is not in the workspace"), "{err}");
}

/// The demo's mlops-demo-eu builds in eu-west-1 (CodePipeline User Guide,
/// "Add a cross-Region action"): its project is asked for there, not in the
/// pipeline's Region, where it does not exist.
#[tokio::test]
async fn a_project_in_another_region_is_read_there() {
    let env = harness::start().await;
    let ws = tempfile::tempdir().expect("workspace");
    std::fs::write(ws.path().join("app.py"), "print('hi')\n").expect("file");
    let out = dry_run(&env, "mlops-demo-eu", ws.path()).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("is not in the workspace"), "{err}");
    assert!(err.contains("preflight: inline in project mlops-demo-eu-evaluate"), "read in eu-west-1: {err}");
}

/// Without codebuild:BatchGetProjects the project's buildspec setting is
/// unknown: not checked, said in one line, and the push goes on.
#[tokio::test]
async fn a_project_that_cannot_be_read_is_not_checked() {
    let opts = Options { deny: "codebuild:BatchGetProjects".parse().expect("deny spec"), ..Options::ephemeral() };
    let env = harness::start_with(opts).await;
    let ws = tempfile::tempdir().expect("workspace");
    std::fs::write(ws.path().join("app.py"), "print('hi')\n").expect("file");
    let out = dry_run(&env, harness::PIPELINE, ws.path()).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let why = "preflight: not checked: warning: could not read project mlops-demo-build's buildspec setting in us-east-1: access denied";
    assert_eq!(err.lines().filter(|l| l.contains(why)).count(), 1, "{err}");
}
