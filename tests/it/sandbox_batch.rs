//! Batch builds in the sandbox through the real SDK over HTTP: StartBuildBatch
//! runs one real build per task of the buildspec's `batch:` section, in
//! dependency order, each with its own log; BatchGetBuildBatches reports the
//! build groups; a project without buildBatchConfig is refused; a CodePipeline
//! CodeBuild action with BatchEnabled starts a batch. Documents: CodeBuild
//! User Guide, "Batch build buildspec reference" and "Batch builds in
//! CodeBuild"; CodeBuild API Reference, StartBuildBatch, BatchGetBuildBatches,
//! BuildBatch, BuildGroup, ProjectBuildBatchConfig, Build (buildBatchArn);
//! CodePipeline User Guide, "AWS CodeBuild build and test action reference"
//! (BatchEnabled, CombineArtifacts).

use aws_sdk_codebuild::types::{
    ArtifactsType, BuildBatch, ComputeType, EnvironmentType, ProjectArtifacts, ProjectBuildBatchConfig,
    ProjectEnvironment, ProjectSource, SourceType,
};
use aws_sdk_codepipeline::types::ActionCategory;
use aws_sdk_s3::primitives::ByteStream;

use crate::harness::{self, Env, LONG, eventually};
use crate::pipeline_api::{action, create_buckets, declaration, source, stage, with_config};

/// Three tasks: `unit` and `lint` first, `package` once both are done; each
/// says which task it is (from its own env.variables) in its own log.
pub(crate) const GRAPH: &str = "version: 0.2\nbatch:\n  fast-fail: false\n  build-graph:\n    - identifier: unit\n      env:\n        variables:\n          TASK: unit\n    - identifier: lint\n      env:\n        variables:\n          TASK: lint\n    - identifier: package\n      depend-on:\n        - unit\n        - lint\n      env:\n        variables:\n          TASK: package\nphases:\n  build:\n    commands:\n      - echo \"task $TASK running\"\n      - sleep 1\n";

pub(crate) fn codebuild(env: &Env) -> aws_sdk_codebuild::Client {
    aws_sdk_codebuild::Client::new(&harness::retrying(&env.sdk))
}

/// A project running `spec`, batch builds enabled when `batch` says so.
pub(crate) async fn create_project(env: &Env, name: &str, kind: SourceType, spec: &str, batch: bool) {
    let source = ProjectSource::builder().r#type(kind.clone()).buildspec(spec).build().unwrap();
    let artifacts =
        if kind == SourceType::Codepipeline { ArtifactsType::Codepipeline } else { ArtifactsType::NoArtifacts };
    let artifacts = ProjectArtifacts::builder().r#type(artifacts).build().unwrap();
    let environment = ProjectEnvironment::builder()
        .r#type(EnvironmentType::LinuxContainer)
        .image("aws/codebuild/standard:7.0")
        .compute_type(ComputeType::BuildGeneral1Small)
        .build()
        .unwrap();
    let mut create = codebuild(env).create_project().name(name).source(source).artifacts(artifacts);
    create = create.environment(environment).service_role("arn:aws:iam::123456789012:role/batch-build");
    if batch {
        let config = ProjectBuildBatchConfig::builder().service_role("arn:aws:iam::123456789012:role/batch-build");
        create = create.build_batch_config(config.build());
    }
    create.send().await.expect("create project");
}

pub(crate) async fn finished_batch(env: &Env, id: &str) -> BuildBatch {
    eventually("the batch to finish", LONG, || async {
        let out = codebuild(env).batch_get_build_batches().ids(id).send().await.ok()?;
        out.build_batches().first().filter(|b| b.complete()).cloned()
    })
    .await
}

fn phase_types(b: &BuildBatch) -> Vec<&str> {
    b.phases().iter().filter_map(|p| p.phase_type()).map(|t| t.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_runs_its_groups_in_dependency_order_each_build_with_its_own_log() {
    let env = harness::start().await;
    create_project(&env, "batch-graph", SourceType::NoSource, GRAPH, true).await;
    let cb = codebuild(&env);
    let started = cb.start_build_batch().project_name("batch-graph").send().await.expect("start batch");
    let id = started.build_batch().and_then(|b| b.id()).expect("a batch id").to_string();
    assert!(id.starts_with("batch-graph:"), "{id}");
    let batch = finished_batch(&env, &id).await;

    assert_eq!(batch.build_batch_status().map(|s| s.as_str()), Some("SUCCEEDED"));
    assert_eq!(phase_types(&batch), ["SUBMITTED", "DOWNLOAD_BATCHSPEC", "IN_PROGRESS", "SUCCEEDED"]);
    let arn = batch.arn().expect("arn").to_string();
    assert!(arn.ends_with(&format!(":build-batch/{id}")), "{arn}");
    let groups = batch.build_groups();
    let idents: Vec<&str> = groups.iter().filter_map(|g| g.identifier()).collect();
    assert_eq!(idents, ["unit", "lint", "package"]);
    assert_eq!(groups[2].depends_on(), ["unit", "lint"]);
    assert!(groups.iter().all(|g| !g.ignore_failure()));
    let arns: Vec<String> =
        groups.iter().map(|g| g.current_build_summary().and_then(|s| s.arn()).expect("a build").to_string()).collect();
    for g in groups {
        assert_eq!(g.current_build_summary().and_then(|s| s.build_status()).map(|s| s.as_str()), Some("SUCCEEDED"));
    }

    // Each group is a real build: its own id, buildBatchArn, phases and log.
    let ids: Vec<String> = arns.iter().map(|a| a.rsplit_once(":build/").expect("a build ARN").1.to_string()).collect();
    let builds = cb.batch_get_builds().set_ids(Some(ids.clone())).send().await.unwrap();
    assert_eq!(builds.builds().len(), 3);
    let by_id = |i: usize| builds.builds().iter().find(|b| b.id() == Some(ids[i].as_str())).expect("found").clone();
    for (i, task) in ["unit", "lint", "package"].iter().enumerate() {
        let b = by_id(i);
        assert_eq!(b.build_batch_arn(), Some(arn.as_str()));
        assert_eq!(b.build_status().map(|s| s.as_str()), Some("SUCCEEDED"));
        let log = harness::complete_log(&env, &b).await;
        let said: Vec<&String> = log.iter().filter(|l| l.starts_with("task ")).collect();
        assert_eq!(said, [&format!("task {task} running")], "{task}'s own log: {log:#?}");
    }
    // `package` starts only once both of its dependencies have ended.
    let (unit, lint, package) = (by_id(0), by_id(1), by_id(2));
    let last_dep = unit.end_time().unwrap().secs().max(lint.end_time().unwrap().secs());
    assert!(package.start_time().unwrap().secs() >= last_dep, "package started before its dependencies ended");
    assert!(unit.start_time().unwrap().secs() < package.start_time().unwrap().secs());

    let listed = cb.list_build_batches_for_project().project_name("batch-graph").send().await.unwrap();
    assert_eq!(listed.ids(), std::slice::from_ref(&id));
    let missing = cb.batch_get_build_batches().ids("batch-graph:nope").send().await.unwrap();
    assert_eq!(missing.build_batches_not_found(), ["batch-graph:nope"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_without_build_batch_config_is_refused() {
    let env = harness::start().await;
    create_project(&env, "no-batch", SourceType::NoSource, GRAPH, false).await;
    let err = codebuild(&env).start_build_batch().project_name("no-batch").send().await.expect_err("refused");
    let err = err.into_service_error();
    assert!(err.is_invalid_input_exception(), "{err:?}");
    assert!(err.meta().message().unwrap_or_default().contains("buildBatchConfig"), "{err:?}");
    let listed = codebuild(&env).list_build_batches_for_project().project_name("no-batch").send().await.unwrap();
    assert!(listed.ids().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_group_fails_the_batch_and_holds_its_dependents_unless_ignored() {
    let env = harness::start().await;
    let spec = |ignore: bool| {
        format!(
            "version: 0.2\nbatch:\n  build-graph:\n    - identifier: flaky\n      ignore-failure: {ignore}\n      env:\n        variables:\n          FAIL: \"1\"\n    - identifier: after\n      depend-on: [flaky]\nphases:\n  build:\n    commands:\n      - test -z \"$FAIL\"\n"
        )
    };
    create_project(&env, "batch-fail", SourceType::NoSource, &spec(false), true).await;
    let cb = codebuild(&env);
    let held = cb.start_build_batch().project_name("batch-fail").send().await.unwrap();
    let held = finished_batch(&env, held.build_batch().and_then(|b| b.id()).unwrap()).await;
    assert_eq!(held.build_batch_status().map(|s| s.as_str()), Some("FAILED"));
    let flaky = held.build_groups()[0].current_build_summary().and_then(|s| s.build_status()).map(|s| s.as_str());
    assert_eq!(flaky, Some("FAILED"));
    assert!(held.build_groups()[1].current_build_summary().is_none(), "`after` must not start: {held:?}");

    let ignored =
        cb.start_build_batch().project_name("batch-fail").buildspec_override(spec(true)).send().await.unwrap();
    let ignored = finished_batch(&env, ignored.build_batch().and_then(|b| b.id()).unwrap()).await;
    assert_eq!(ignored.build_batch_status().map(|s| s.as_str()), Some("SUCCEEDED"), "{ignored:?}");
    let after = ignored.build_groups()[1].current_build_summary().and_then(|s| s.build_status()).map(|s| s.as_str());
    assert_eq!(after, Some("SUCCEEDED"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fast_fail_stops_the_running_builds_when_one_fails() {
    let env = harness::start().await;
    // Batch build buildspec reference, batch/fast-fail: "All running builds
    // will be stopped when one of the build tasks fails".
    let spec = "version: 0.2\nbatch:\n  fast-fail: true\n  build-list:\n    - identifier: bad\n      env:\n        variables:\n          FAIL: \"1\"\n    - identifier: slow\nphases:\n  build:\n    commands:\n      - test -z \"$FAIL\"\n      - sleep 30\n";
    create_project(&env, "batch-fast", SourceType::NoSource, spec, true).await;
    let started = codebuild(&env).start_build_batch().project_name("batch-fast").send().await.unwrap();
    let batch = finished_batch(&env, started.build_batch().and_then(|b| b.id()).unwrap()).await;
    assert_eq!(batch.build_batch_status().map(|s| s.as_str()), Some("FAILED"));
    let status = |i: usize| {
        batch.build_groups()[i].current_build_summary().and_then(|s| s.build_status()).map(|s| s.as_str().to_string())
    };
    assert_eq!(status(0).as_deref(), Some("FAILED"));
    assert_eq!(status(1).as_deref(), Some("STOPPED"), "the sleeping build was stopped: {batch:?}");
}

/// Defines `batch-pipe` (S3 source, then a CodeBuild action with
/// BatchEnabled on the `pipe-batch` project) and pushes a source.
pub(crate) async fn define_batch_pipeline(env: &Env) {
    create_buckets(env).await;
    create_project(env, "pipe-batch", SourceType::Codepipeline, GRAPH, true).await;
    let build = action("Build", ActionCategory::Build, "CodeBuild", &["Src"], &[]);
    let build = with_config(build, &[("ProjectName", "pipe-batch"), ("BatchEnabled", "true")]);
    let decl = declaration("batch-pipe", vec![stage("Source", vec![source()]), stage("Build", vec![build])]);
    let cp = aws_sdk_codepipeline::Client::new(&harness::retrying(&env.sdk));
    cp.create_pipeline().pipeline(decl).send().await.expect("create pipeline");
    let zip = harness::zip_of(&[("readme.txt", "pushed")]);
    let s3 = harness::s3_client(&harness::retrying(&env.sdk));
    s3.put_object().bucket("sdk-src").key("src.zip").body(ByteStream::from(zip)).send().await.expect("push");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_codebuild_action_with_batch_enabled_runs_a_batch() {
    let env = harness::start().await;
    define_batch_pipeline(&env).await;
    let cp = aws_sdk_codepipeline::Client::new(&harness::retrying(&env.sdk));
    let external = eventually("the Build action to succeed", LONG, || async {
        let out = cp.list_action_executions().pipeline_name("batch-pipe").send().await.ok()?;
        let build = out.action_execution_details().iter().find(|a| a.action_name() == Some("Build"))?;
        (build.status()?.as_str() == "Succeeded").then_some(())?;
        build.output()?.execution_result()?.external_execution_id().map(str::to_string)
    })
    .await;
    // The external execution id is the batch's, not a build's.
    let cb = codebuild(&env);
    let builds = cb.batch_get_builds().ids(&external).send().await.unwrap();
    assert_eq!(builds.builds_not_found(), std::slice::from_ref(&external));
    let batch = finished_batch(&env, &external).await;
    assert_eq!(batch.initiator(), Some("codepipeline/batch-pipe"));
    assert_eq!(batch.build_groups().len(), 3);
    assert!(
        batch.build_groups().iter().all(|g| g
            .current_build_summary()
            .and_then(|s| s.build_status())
            .is_some_and(|s| s.as_str() == "SUCCEEDED"))
    );
}

/// The batch calls the conformance run records: a batch that runs to the
/// end (its builds read too), one stopped at once, and the list calls.
pub(crate) async fn batch_calls(env: &Env) {
    create_project(env, "conform-batch", SourceType::NoSource, GRAPH, true).await;
    let cb = codebuild(env);
    let done = cb.start_build_batch().project_name("conform-batch").send().await.expect("start");
    let stopped = cb.start_build_batch().project_name("conform-batch").send().await.expect("start");
    let stopped_id = stopped.build_batch().and_then(|b| b.id()).unwrap();
    let stop = cb.stop_build_batch().id(stopped_id).send().await.expect("stop");
    assert!(stop.build_batch().is_some());
    let stopped = finished_batch(env, stopped_id).await;
    assert_eq!(stopped.build_batch_status().map(|s| s.as_str()), Some("STOPPED"));
    let batch = finished_batch(env, done.build_batch().and_then(|b| b.id()).unwrap()).await;
    let arns: Vec<String> =
        batch.build_groups().iter().filter_map(|g| g.current_build_summary()?.arn().map(str::to_string)).collect();
    cb.batch_get_builds().set_ids(Some(arns)).send().await.expect("the batch's builds");
    cb.list_build_batches_for_project().project_name("conform-batch").send().await.expect("list for project");
    cb.list_build_batches().send().await.expect("list");
}
