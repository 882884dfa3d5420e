//! Sandbox configs for tests that need a pipeline of their own.

use serde_json::json;

/// A two-stage pipeline `name`: an S3 source (`<name>-src`, key `src.zip`)
/// then CodeBuild project `project` running the inline buildspec `spec`, in
/// execution `mode`; the build's output artifact is `build_output` if given.
/// The source is event-driven (`PollForSourceChanges: false`), so every upload
/// starts a run at once; a polling source would start one run per poll.
pub fn two_stage_pipeline(name: &str, mode: &str, project: &str, spec: &str, build_output: Option<&str>) -> String {
    let outputs: Vec<_> = build_output.into_iter().map(|o| json!({ "name": o })).collect();
    json!({
        "pipelines": [{
            "name": name,
            "pipelineType": "V2",
            "executionMode": mode,
            "artifactStore": { "type": "S3", "location": format!("{name}-artifacts") },
            "stages": [
                { "name": "Source", "actions": [{
                    "name": "Source",
                    "actionTypeId": { "category": "Source", "owner": "AWS", "provider": "S3", "version": "1" },
                    "configuration": { "S3Bucket": format!("{name}-src"), "S3ObjectKey": "src.zip", "PollForSourceChanges": "false" },
                    "outputArtifacts": [{ "name": "Src" }]
                }]},
                { "name": "Build", "actions": [{
                    "name": "Build",
                    "actionTypeId": { "category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1" },
                    "configuration": { "ProjectName": project },
                    "inputArtifacts": [{ "name": "Src" }],
                    "outputArtifacts": outputs
                }]}
            ]
        }],
        "projects": [{
            "name": project,
            "source": { "type": "CODEPIPELINE", "buildspec": spec },
            "environment": { "type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL" },
            "timeoutInMinutes": 5
        }]
    })
    .to_string()
}
