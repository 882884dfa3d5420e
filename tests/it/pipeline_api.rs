//! Pipelines and projects defined through the Rust SDK, as infrastructure
//! code would: CreateProject, CreatePipeline, a push that runs it,
//! UpdatePipeline (version 2), DeletePipeline / DeleteProject, and AWS's error
//! codes for what AWS refuses. CodePipeline API Reference, CreatePipeline,
//! UpdatePipeline, DeletePipeline, PipelineDeclaration; CodePipeline User
//! Guide, "Valid input and output artifacts for each action type"; CodeBuild
//! API Reference, CreateProject, UpdateProject, DeleteProject.

use aws_sdk_codebuild::types::{
    ArtifactsType, ComputeType, EnvironmentType, ProjectArtifacts, ProjectEnvironment, ProjectSource, SourceType,
};
use aws_sdk_codepipeline::types::{
    ActionCategory, ActionDeclaration, ActionOwner, ActionTypeId, ArtifactStore, ArtifactStoreType, InputArtifact,
    OutputArtifact, PipelineDeclaration, StageDeclaration,
};
use aws_sdk_s3::primitives::ByteStream;

use crate::harness::{self, Env, LONG, buildspec, eventually};

pub(crate) const ROLE: &str = "arn:aws:iam::123456789012:role/sdk-pipeline";

pub(crate) fn action(
    name: &str,
    category: ActionCategory,
    provider: &str,
    inputs: &[&str],
    outputs: &[&str],
) -> ActionDeclaration {
    let id = ActionTypeId::builder().category(category).owner(ActionOwner::Aws).provider(provider).version("1");
    let mut a = ActionDeclaration::builder().name(name).action_type_id(id.build().unwrap()).run_order(1);
    for i in inputs {
        a = a.input_artifacts(InputArtifact::builder().name(*i).build().unwrap());
    }
    for o in outputs {
        a = a.output_artifacts(OutputArtifact::builder().name(*o).build().unwrap());
    }
    a.build().unwrap()
}

pub(crate) fn with_config(a: ActionDeclaration, pairs: &[(&str, &str)]) -> ActionDeclaration {
    let mut a = a;
    for (k, v) in pairs {
        a.configuration.get_or_insert_with(Default::default).insert(k.to_string(), v.to_string());
    }
    a
}

pub(crate) fn stage(name: &str, actions: Vec<ActionDeclaration>) -> StageDeclaration {
    StageDeclaration::builder().name(name).set_actions(Some(actions)).build().unwrap()
}

pub(crate) fn source() -> ActionDeclaration {
    let a = action("Source", ActionCategory::Source, "S3", &[], &["Src"]);
    with_config(a, &[("S3Bucket", "sdk-src"), ("S3ObjectKey", "src.zip"), ("PollForSourceChanges", "false")])
}

pub(crate) fn build() -> ActionDeclaration {
    with_config(action("Build", ActionCategory::Build, "CodeBuild", &["Src"], &[]), &[("ProjectName", "sdk-build")])
}

pub(crate) fn declaration(name: &str, stages: Vec<StageDeclaration>) -> PipelineDeclaration {
    let store = ArtifactStore::builder().r#type(ArtifactStoreType::S3).location("sdk-artifacts").build().unwrap();
    let p = PipelineDeclaration::builder().name(name).role_arn(ROLE).artifact_store(store);
    p.set_stages(Some(stages)).build().unwrap()
}

/// The buckets `declaration` and `source` name: CreatePipeline refuses an
/// artifact store that does not exist, and an S3 source reads a versioned
/// bucket (CodePipeline User Guide, "Amazon S3 source action reference").
pub(crate) async fn create_buckets(env: &Env) {
    let s3 = harness::s3_client(&harness::retrying(&env.sdk));
    s3.create_bucket().bucket("sdk-artifacts").send().await.expect("artifact bucket");
    s3.create_bucket().bucket("sdk-src").send().await.expect("source bucket");
    let on = aws_sdk_s3::types::VersioningConfiguration::builder()
        .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
        .build();
    s3.put_bucket_versioning().bucket("sdk-src").versioning_configuration(on).send().await.expect("versioning");
}

pub(crate) async fn create_project(env: &Env, spec: &str) -> Result<(), String> {
    let source = ProjectSource::builder().r#type(SourceType::Codepipeline).buildspec(spec).build().unwrap();
    let artifacts = ProjectArtifacts::builder().r#type(ArtifactsType::Codepipeline).build().unwrap();
    let environment = ProjectEnvironment::builder()
        .r#type(EnvironmentType::LinuxContainer)
        .image("aws/codebuild/standard:7.0")
        .compute_type(ComputeType::BuildGeneral1Small)
        .build()
        .unwrap();
    // Throttles are retried, as a real client does; refusals are returned.
    let cb = aws_sdk_codebuild::Client::new(&harness::retrying(&env.sdk));
    let create = cb.create_project().name("sdk-build").source(source).artifacts(artifacts);
    let create = create.environment(environment).service_role("arn:aws:iam::123456789012:role/sdk-build");
    create.send().await.map(|_| ()).map_err(|e| e.into_service_error().meta().code().unwrap_or("?").to_string())
}

#[tokio::test]
async fn an_sdk_defined_pipeline_runs_on_push_updates_to_version_2_and_deletes() {
    let env = harness::start().await;
    create_buckets(&env).await;
    create_project(&env, &buildspec(&["echo built by an sdk project"])).await.expect("create project");
    let created = env
        .codepipeline()
        .create_pipeline()
        .pipeline(declaration("sdk", vec![stage("Source", vec![source()]), stage("Build", vec![build()])]))
        .send()
        .await
        .expect("create pipeline");
    assert_eq!(created.pipeline().and_then(|p| p.version()), Some(1));

    let zip = harness::zip_of(&[("readme.txt", "pushed")]);
    let put = env.s3().put_object().bucket("sdk-src").key("src.zip").body(ByteStream::from(zip)).send().await;
    let version = put.expect("push").version_id().expect("a versioned source bucket").to_string();
    eventually("the push's run to succeed", LONG, || async {
        let out = env.codepipeline().list_pipeline_executions().pipeline_name("sdk").send().await.ok()?;
        let run = out
            .pipeline_execution_summaries()
            .iter()
            .find(|s| s.source_revisions().iter().any(|r| r.revision_id() == Some(version.as_str())))?;
        (run.status()?.as_str() == "Succeeded").then_some(())
    })
    .await;
    let builds = env.codebuild().list_builds_for_project().project_name("sdk-build").send().await.unwrap();
    assert!(!builds.ids().is_empty(), "the pipeline ran the SDK-defined project");

    let approve = action("Approve", ActionCategory::Approval, "Manual", &[], &[]);
    let stages = vec![stage("Source", vec![source()]), stage("Build", vec![build()]), stage("Approve", vec![approve])];
    let updated = env.codepipeline().update_pipeline().pipeline(declaration("sdk", stages)).send().await.unwrap();
    assert_eq!(updated.pipeline().and_then(|p| p.version()), Some(2));
    let listed = env.codepipeline().list_pipelines().send().await.unwrap();
    let ours = listed.pipelines().iter().find(|p| p.name() == Some("sdk")).expect("listed");
    assert_eq!(ours.version(), Some(2));
    assert!(ours.updated() > ours.created(), "{ours:?}");
    // The history stays readable under the new declaration.
    let state = env.codepipeline().get_pipeline_state().name("sdk").send().await.unwrap();
    let names: Vec<_> = state.stage_states().iter().filter_map(|s| s.stage_name()).collect();
    assert_eq!(names, ["Source", "Build", "Approve"]);
    let build_state = state.stage_states()[1].latest_execution().map(|l| l.status().as_str().to_string());
    assert_eq!(build_state.as_deref(), Some("Succeeded"));

    env.codepipeline().delete_pipeline().name("sdk").send().await.expect("delete");
    let listed = env.codepipeline().list_pipelines().send().await.unwrap();
    assert!(listed.pipelines().iter().all(|p| p.name() != Some("sdk")), "{listed:?}");
    let gone = env.codepipeline().get_pipeline().name("sdk").send().await.expect_err("deleted");
    assert_eq!(gone.into_service_error().meta().code(), Some("PipelineNotFoundException"));
    // DeletePipeline declares no not-found error: deleting again succeeds.
    env.codepipeline().delete_pipeline().name("sdk").send().await.expect("delete again");
    env.codebuild().delete_project().name("sdk-build").send().await.expect("delete project");
    let left = env.codebuild().batch_get_projects().names("sdk-build").send().await.unwrap();
    assert_eq!(left.projects_not_found(), ["sdk-build"]);
}

/// Defines, updates and deletes a project and a pipeline through the SDK,
/// each call succeeding: the conformance run checks these answers against
/// the models. Throttled calls are retried, as a real client retries them.
pub async fn define_update_delete(env: &Env) {
    let sdk = harness::retrying(&env.sdk);
    let (cp, cb) = (aws_sdk_codepipeline::Client::new(&sdk), aws_sdk_codebuild::Client::new(&sdk));
    create_project(env, "version: 0.2").await.expect("create project");
    cb.update_project().name("sdk-build").description("updated").send().await.expect("update project");
    let two = || vec![stage("Source", vec![source()]), stage("Build", vec![build()])];
    create_buckets(env).await;
    cp.create_pipeline().pipeline(declaration("sdk", two())).send().await.expect("create pipeline");
    cp.update_pipeline().pipeline(declaration("sdk", two())).send().await.expect("update pipeline");
    cp.delete_pipeline().name("sdk").send().await.expect("delete pipeline");
    cb.delete_project().name("sdk-build").send().await.expect("delete project");
}

/// A pipeline whose S3 source polls (`PollForSourceChanges` absent): creating
/// it runs the revision already there (trigger CreatePipeline), that revision
/// is not a change for the next polls, and a new upload starts a run at the
/// next poll (CodePipeline User Guide, "Edit a pipeline in CodePipeline" and
/// "Valid settings for the PollForSourceChanges parameter").
#[tokio::test]
async fn a_polling_source_runs_at_creation_then_on_the_next_change() {
    let poll = std::time::Duration::from_millis(500);
    let env = harness::start_with(pipewatch::sandbox::Options {
        poll_interval: poll,
        ..pipewatch::sandbox::Options::ephemeral()
    })
    .await;
    create_buckets(&env).await;
    let s3 = env.s3();
    let put = |text: &'static str| {
        let zip = harness::zip_of(&[("readme.txt", text)]);
        s3.put_object().bucket("sdk-src").key("src.zip").body(ByteStream::from(zip)).send()
    };
    let first = put("first").await.expect("push").version_id().unwrap().to_string();
    create_project(&env, &buildspec(&["cat readme.txt"])).await.expect("project");
    let mut polling = source();
    polling.configuration.as_mut().unwrap().remove("PollForSourceChanges");
    let decl = declaration("sdk", vec![stage("Source", vec![polling]), stage("Build", vec![build()])]);
    env.codepipeline().create_pipeline().pipeline(decl).send().await.expect("create");

    // (trigger type, source revision, status) of each run, newest first.
    let runs = || async {
        let out = env.codepipeline().list_pipeline_executions().pipeline_name("sdk").send().await.ok()?;
        let runs: Vec<(String, String, String)> = out
            .pipeline_execution_summaries()
            .iter()
            .map(|s| {
                let trigger = s.trigger().and_then(|t| t.trigger_type()).map(|t| t.as_str().to_string());
                let revision = s.source_revisions().first().and_then(|r| r.revision_id()).unwrap_or_default();
                let status = s.status().map(|x| x.as_str().to_string()).unwrap_or_default();
                (trigger.unwrap_or_default(), revision.to_string(), status)
            })
            .collect();
        Some(runs)
    };
    let created = ("CreatePipeline".to_string(), first.clone(), "Succeeded".to_string());
    eventually("the creation run to succeed", LONG, || async {
        runs().await.filter(|r| r.as_slice() == std::slice::from_ref(&created))
    })
    .await;
    // Several polls later the revision that was there is still no change.
    tokio::time::sleep(poll * 6).await;
    assert_eq!(runs().await.unwrap(), [created]);

    let second = put("second").await.expect("push").version_id().unwrap().to_string();
    let polled = ("PollForSourceChanges".to_string(), second, "Succeeded".to_string());
    eventually("the polled run to succeed", LONG, || async { runs().await.filter(|r| r.len() == 2 && r[0] == polled) })
        .await;
}
