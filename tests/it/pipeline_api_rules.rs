//! What CreatePipeline, UpdatePipeline and the project operations refuse,
//! through the Rust SDK: AWS's error code and a one-line message naming the
//! member. CodePipeline API Reference, CreatePipeline (errors) and
//! PipelineDeclaration; CodePipeline User Guide, "Valid input and output
//! artifacts for each action type"; CodeBuild API Reference, CreateProject
//! and UpdateProject; botocore's codepipeline and codebuild models.

use aws_sdk_codebuild::types::{
    ArtifactsType, ComputeType, EnvironmentType, ProjectArtifacts, ProjectEnvironment, ProjectSource, SourceType,
};
use aws_sdk_codepipeline::types::{ActionCategory, PipelineDeclaration};

use crate::harness::{self, Env, buildspec};
use crate::pipeline_api::{action, build, create_project, declaration, source, stage, with_config};

/// The error code and message CreatePipeline answers `decl` with.
async fn refused(env: &Env, decl: PipelineDeclaration) -> (String, String) {
    // Many calls in a row: retried when throttled, as a real client does.
    let client = aws_sdk_codepipeline::Client::new(&harness::retrying(&env.sdk));
    let err = client.create_pipeline().pipeline(decl).send().await.expect_err("refused");
    let err = err.into_service_error();
    (err.meta().code().unwrap_or("?").to_string(), err.meta().message().unwrap_or("").to_string())
}

#[tokio::test]
async fn invalid_declarations_get_the_aws_error_code_and_a_one_line_message() {
    let env = harness::start().await;
    let two = || vec![stage("Source", vec![source()]), stage("Build", vec![build()])];
    let mut bad_role = declaration("p", two());
    bad_role.role_arn = "not-a-role".into();
    let unknown = with_config(action("Build", ActionCategory::Build, "Jenkins2", &["Src"], &[]), &[]);
    let no_key = {
        let mut a = source();
        a.configuration.as_mut().unwrap().remove("S3ObjectKey");
        a
    };
    let cases = [
        (declaration("bad name", two()), "ValidationException", "Value 'bad name' at 'pipeline.name'"),
        (bad_role, "ValidationException", "at 'pipeline.roleArn' failed to satisfy constraint"),
        (declaration("p", vec![stage("Source", vec![source()])]), "InvalidStructureException", "at least 2 stages"),
        (
            declaration("p", vec![stage("Source", vec![source()]), stage("Build", vec![])]),
            "InvalidStageDeclarationException",
            "Stage 'Build' must have at least one action",
        ),
        (
            declaration("p", vec![stage("Source", vec![source()]), stage("Build", vec![build(), build()])]),
            "InvalidStageDeclarationException",
            "two actions named 'Build'",
        ),
        (
            declaration("p", vec![stage("Source", vec![source(), build()]), stage("More", vec![build()])]),
            "InvalidStructureException",
            "only Source actions",
        ),
        (
            declaration("p", vec![stage("Source", vec![source()]), stage("Build", vec![unknown])]),
            "InvalidActionDeclarationException",
            "Provider: 'Jenkins2'",
        ),
        (
            declaration("p", vec![stage("Source", vec![no_key]), stage("Build", vec![build()])]),
            "InvalidActionDeclarationException",
            "missing required configuration 'S3ObjectKey'",
        ),
        (
            declaration(
                "p",
                vec![
                    stage("Source", vec![source()]),
                    stage(
                        "Build",
                        vec![with_config(
                            action("Build", ActionCategory::Build, "CodeBuild", &["Nope"], &[]),
                            &[("ProjectName", "x")],
                        )],
                    ),
                ],
            ),
            "InvalidStructureException",
            "input artifact 'Nope'",
        ),
    ];
    for (decl, code, part) in cases {
        let (got, message) = refused(&env, decl).await;
        assert_eq!(got, code, "{message}");
        assert!(message.contains(part) && !message.contains('\n'), "{code}: {message}");
    }
    // A V1 pipeline runs in SUPERSEDED mode only.
    let mut queued = declaration("p", two());
    queued.execution_mode = Some(aws_sdk_codepipeline::types::ExecutionMode::Queued);
    let (code, message) = refused(&env, queued).await;
    assert_eq!(code, "ValidationException", "{message}");
    assert!(message.contains("pipeline.executionMode"), "{message}");
    // UpdatePipeline models no not-found error: ValidationException naming the field.
    let client = aws_sdk_codepipeline::Client::new(&harness::retrying(&env.sdk));
    let err = client.update_pipeline().pipeline(declaration("nope", two())).send().await.expect_err("no such pipeline");
    let err = err.into_service_error();
    assert_eq!(err.meta().code(), Some("ValidationException"));
    assert!(err.meta().message().is_some_and(|m| m.contains("pipeline.name") && m.contains("'nope'")), "{err:?}");
    // The demo's name is taken.
    let (code, _) = refused(&env, declaration(harness::PIPELINE, two())).await;
    assert_eq!(code, "PipelineNameInUseException");
    // Nothing refused was created.
    let listed = env.codepipeline().list_pipelines().send().await.unwrap();
    assert!(listed.pipelines().iter().all(|p| p.name() != Some("p") && p.name() != Some("bad name")));
}

#[tokio::test]
async fn projects_are_checked_and_updated_as_codebuild_does() {
    let env = harness::start().await;
    create_project(&env, &buildspec(&["echo one"])).await.expect("create");
    assert_eq!(create_project(&env, "x").await, Err("ResourceAlreadyExistsException".into()));
    // CODEPIPELINE source with S3 artifacts: both CODEPIPELINE or neither.
    let source = ProjectSource::builder().r#type(SourceType::Codepipeline).build().unwrap();
    let artifacts = ProjectArtifacts::builder().r#type(ArtifactsType::NoArtifacts).build().unwrap();
    let environment = ProjectEnvironment::builder()
        .r#type(EnvironmentType::LinuxContainer)
        .image("img")
        .compute_type(ComputeType::BuildGeneral1Small)
        .build()
        .unwrap();
    let err = env
        .codebuild()
        .create_project()
        .name("mixed")
        .source(source)
        .artifacts(artifacts)
        .environment(environment)
        .service_role("r")
        .send()
        .await
        .expect_err("refused")
        .into_service_error();
    assert_eq!(err.meta().code(), Some("InvalidInputException"));
    assert!(err.meta().message().is_some_and(|m| m.contains("artifacts.type")), "{err:?}");

    let updated = env.codebuild().update_project().name("sdk-build").timeout_in_minutes(30).send().await.unwrap();
    let project = updated.project().unwrap();
    assert_eq!(project.timeout_in_minutes(), Some(30));
    assert_eq!(project.source().and_then(|s| s.buildspec()), Some(buildspec(&["echo one"]).as_str()), "kept");
    let missing = env.codebuild().update_project().name("nope").send().await.expect_err("missing");
    assert_eq!(missing.into_service_error().meta().code(), Some("ResourceNotFoundException"));
    let got = env.codebuild().batch_get_projects().names("sdk-build").send().await.unwrap();
    assert_eq!(got.projects()[0].timeout_in_minutes(), Some(30));
}

/// The enums and patterns the sandbox checks declarations and projects
/// against are the API models' (botocore's codepipeline 2015-07-09 and
/// codebuild 2016-10-06 service-2.json in the test venv).
#[tokio::test]
async fn the_checked_enums_and_patterns_are_the_api_models() {
    use pipewatch::sandbox::{codebuild::projects, codepipeline::declare};
    let script = r#"
import json, botocore.session
s = botocore.session.get_session()
out = {}
for svc in ("codepipeline", "codebuild"):
    m = s.get_service_model(svc)
    for name in m.shape_names:
        sh = m.shape_for(name)
        if sh.type_name == "string":
            out[svc + "." + name] = {"enum": sh.enum, "pattern": sh.metadata.get("pattern")}
print(json.dumps(out))
"#;
    let out = harness::Cli::new(crate::awscli::venv_bin("python")).args(["-c", script]).output().await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let model: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let services = [
        ("codepipeline", declare::MODEL_ENUMS, declare::MODEL_PATTERNS),
        ("codebuild", projects::MODEL_ENUMS, projects::MODEL_PATTERNS),
    ];
    for (service, enums, patterns) in services {
        for (shape, values) in enums {
            let listed = &model[format!("{service}.{shape}")]["enum"];
            assert_eq!(listed, &serde_json::json!(values), "{service} {shape}");
        }
        for (shape, shown) in patterns {
            assert_eq!(model[format!("{service}.{shape}")]["pattern"], *shown, "{service} {shape}");
        }
    }
}
