//! Every answer the sandbox's CodePipeline, CodeBuild and CloudWatch Logs give
//! over a whole demo run, checked against AWS's published API models
//! (botocore's service-2.json for codepipeline 2015-07-09, codebuild
//! 2016-10-06, logs 2014-03-28) by scripts/conformance.py: each output
//! against its operation's output shape (member names, types, enum values,
//! required members; an unknown member fails), each error code against the
//! operation's modelled errors or the "Common Errors" of the API References.
//! The run is what a user does (the app pushes the demo workspace, approves,
//! watches, reads logs; a failed stage is retried; a run and a build are
//! stopped; Logs groups are managed), then botocore probes every operation of
//! the three services with empty, made-up and half-known inputs, over JSON 1.1
//! and, for CodePipeline and CodeBuild, RPC v2 CBOR.

use std::time::Duration;

use aws_sdk_codebuild::types::SourceType;
use aws_sdk_codepipeline::types::{ActionExecutionFilter, StageRetryMode, StageTransitionType};
use pipewatch::sandbox::Options;

use crate::awscli::venv_bin;
use crate::harness::{self, Cli, Env, PIPELINE, buildspec, eventually, json_of, pipewatch, stdout};

/// scripts/conformance.py with `args`, against the sandbox of `env`.
async fn conformance(env: &Env, args: &[&str]) -> std::process::Output {
    let script = harness::repo_root().join("scripts/conformance.py");
    Cli::new(venv_bin("python")).arg(script).args(args).sandbox(env).output().await
}

// Clients that retry throttled calls, as real clients do: the run is about
// shapes, not rates, and the sandbox keeps AWS's rate buckets.
fn codepipeline(env: &Env) -> aws_sdk_codepipeline::Client {
    aws_sdk_codepipeline::Client::new(&harness::retrying(&env.sdk))
}

fn codebuild(env: &Env) -> aws_sdk_codebuild::Client {
    aws_sdk_codebuild::Client::new(&harness::retrying(&env.sdk))
}

fn ok(out: &std::process::Output, what: &str) -> String {
    let text = format!("{}{}", stdout(out), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_of_a_demo_run_matches_the_api_models() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("answers.jsonl");
    let env = harness::start_with(Options { record_responses: Some(record.clone()), ..Options::ephemeral() }).await;

    demo_run(&env).await;
    retry_and_stop(&env).await;
    reads_and_transitions(&env).await;
    manage_logs(&env).await;
    crate::pipeline_api::define_update_delete(&env).await;
    rollback(&env).await;
    crate::sandbox_conditions::demo_v2_condition(&env).await;
    crate::sandbox_conditions::demo_v2_override(&env).await;
    crate::sandbox_batch::batch_calls(&env).await;
    for args in [&["probe"][..], &["probe", "--cbor"]] {
        println!("{}", ok(&conformance(&env, args).await, "the probe"));
    }

    let check = conformance(&env, &["check", record.to_str().unwrap()]).await;
    let report = ok(&check, "the conformance check");
    println!("{report}");
    // The check covered both wire protocols and all three services.
    let text = std::fs::read_to_string(&record).unwrap();
    assert!(text.contains(r#""protocol":"rpc-v2-cbor""#) && text.contains(r#""protocol":"json""#));
    for service in ["codepipeline:", "codebuild:", "logs:"] {
        assert!(report.contains(service), "{report}");
    }
}

/// The demo as a user runs it: the app pushes the demo workspace and waits,
/// the run is approved, then the app shows the status and the build's log.
async fn demo_run(env: &Env) {
    let ws = crate::demo_workspace::demo_copy(false);
    let ws = ws.path().to_string_lossy().into_owned();
    let push = pipewatch(["push", "--pipeline", PIPELINE, "--workspace", &ws, "--json", "--wait"]).sandbox(env).spawn();
    let execution = eventually("the pushed execution", Duration::from_secs(60), || async {
        let out = env.codepipeline().list_pipeline_executions().pipeline_name(PIPELINE).send().await.ok()?;
        out.pipeline_execution_summaries().first()?.pipeline_execution_id().map(str::to_string)
    })
    .await;
    env.approve_pending(&execution).await;
    let out = push.child.wait_with_output().await.expect("pipewatch push ends");
    assert_eq!(json_of(&out)["status"], "Succeeded");
    for args in
        [&["status", "--json"][..], &["status", "--pipeline", PIPELINE, "--json"], &["logs", "--pipeline", PIPELINE]]
    {
        let out = pipewatch(args).sandbox(env).output().await;
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
    }
}

/// A failed Build stage retried; a run stopped while it builds; a build
/// started directly and stopped.
async fn retry_and_stop(env: &Env) {
    let cp = codepipeline(env);
    let failing = env.execution_for(&env.upload(&buildspec(&["exit 3"])).await).await;
    env.wait_status(&failing, "Failed").await;
    let retry = cp.retry_stage_execution().pipeline_name(PIPELINE).stage_name("Build");
    let retry = retry.pipeline_execution_id(&failing).retry_mode(StageRetryMode::FailedActions);
    retry.send().await.expect("retry");
    env.wait_status(&failing, "Failed").await;

    let slow = env.execution_for(&env.upload(&buildspec(&["sleep 60"])).await).await;
    env.wait_stage(&slow, "Build", "InProgress").await;
    let stop = cp.stop_pipeline_execution().pipeline_name(PIPELINE).pipeline_execution_id(&slow).abandon(true);
    stop.reason("conformance run").send().await.expect("stop");
    env.wait_status(&slow, "Stopped").await;

    let cb = codebuild(env);
    let start = cb.start_build().project_name("mlops-demo-build").source_type_override(SourceType::NoSource);
    let started = start.buildspec_override(buildspec(&["sleep 60"])).send().await.expect("start build");
    let id = started.build_value().and_then(|b| b.id()).expect("build id").to_string();
    cb.stop_build().id(&id).send().await.expect("stop build");
}

/// The reads a monitor makes, and the stage transition switches.
async fn reads_and_transitions(env: &Env) {
    let cp = codepipeline(env);
    let listed = cp.list_pipeline_executions().pipeline_name(PIPELINE).send().await.unwrap();
    let id = listed.pipeline_execution_summaries()[0].pipeline_execution_id().unwrap().to_string();
    cp.get_pipeline_execution().pipeline_name(PIPELINE).pipeline_execution_id(&id).send().await.unwrap();
    let filter = ActionExecutionFilter::builder().pipeline_execution_id(&id).build();
    cp.list_action_executions().pipeline_name(PIPELINE).filter(filter).max_results(5).send().await.unwrap();
    cp.get_pipeline().name(PIPELINE).send().await.unwrap();
    cp.list_pipelines().send().await.unwrap();
    let disable = cp.disable_stage_transition().pipeline_name(PIPELINE).stage_name("Deploy");
    disable.transition_type(StageTransitionType::Inbound).reason("hold").send().await.unwrap();
    cp.get_pipeline_state().name(PIPELINE).send().await.unwrap();
    let enable = cp.enable_stage_transition().pipeline_name(PIPELINE).stage_name("Deploy");
    enable.transition_type(StageTransitionType::Inbound).send().await.unwrap();
    cp.start_pipeline_execution().name(PIPELINE).send().await.unwrap();

    let cb = codebuild(env);
    let ids = cb.list_builds_for_project().project_name("mlops-demo-build").send().await.unwrap();
    let builds = cb.batch_get_builds().set_ids(Some(ids.ids().to_vec())).send().await.unwrap();
    // The demo's build writes a JUnit report (CodeBuild API Reference,
    // BatchGetReports and DescribeTestCases), read as `pipewatch tests` does.
    let reports: Vec<String> = builds.builds().iter().flat_map(|b| b.report_arns()).cloned().collect();
    assert!(!reports.is_empty(), "the demo builds report their tests: {builds:?}");
    cb.batch_get_reports().set_report_arns(Some(reports.clone())).send().await.unwrap();
    cb.describe_test_cases().report_arn(&reports[0]).send().await.unwrap();
    cb.list_builds().send().await.unwrap();
    cb.list_projects().send().await.unwrap();
    cb.batch_get_projects().names("mlops-demo-build").names("nope").send().await.unwrap();
}

/// What a user's tools do to log groups, beside the build logs the run wrote.
async fn manage_logs(env: &Env) {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&harness::retrying(&env.sdk));
    let groups = logs.describe_log_groups().send().await.unwrap();
    let build_group = groups.log_groups()[0].log_group_name().unwrap().to_string();
    let streams = logs.describe_log_streams().log_group_name(&build_group).send().await.unwrap();
    let stream = streams.log_streams()[0].log_stream_name().unwrap().to_string();
    let get = logs.get_log_events().log_group_name(&build_group).log_stream_name(&stream).start_from_head(true);
    get.send().await.unwrap();
    logs.filter_log_events().log_group_name(&build_group).filter_pattern("epoch").send().await.unwrap();

    let group = "/conformance/app";
    logs.create_log_group().log_group_name(group).tags("team", "ml").send().await.unwrap();
    logs.create_log_stream().log_group_name(group).log_stream_name("s").send().await.unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let event = aws_sdk_cloudwatchlogs::types::InputLogEvent::builder().timestamp(now).message("hi").build().unwrap();
    logs.put_log_events().log_group_name(group).log_stream_name("s").log_events(event).send().await.unwrap();
    logs.put_retention_policy().log_group_name(group).retention_in_days(7).send().await.unwrap();
    logs.describe_log_groups().log_group_name_prefix(group).send().await.unwrap();
    logs.delete_retention_policy().log_group_name(group).send().await.unwrap();
    let arn = format!("arn:aws:logs:us-east-1:123456789012:log-group:{group}");
    logs.tag_resource().resource_arn(&arn).tags("env", "dev").send().await.unwrap();
    logs.list_tags_for_resource().resource_arn(&arn).send().await.unwrap();
    logs.untag_resource().resource_arn(&arn).tag_keys("env").send().await.unwrap();
    #[allow(deprecated)]
    {
        logs.tag_log_group().log_group_name(group).tags("k", "v").send().await.unwrap();
        logs.list_tags_log_group().log_group_name(group).send().await.unwrap();
        logs.untag_log_group().log_group_name(group).tags("k").send().await.unwrap();
    }
    logs.delete_log_stream().log_group_name(group).log_stream_name("s").send().await.unwrap();
    logs.delete_log_group().log_group_name(group).send().await.unwrap();
}

/// A V2 pipeline defined through the API runs twice, then its Build stage is
/// rolled back to the first run (CodePipeline API Reference, RollbackStage:
/// the target must have succeeded in the stage).
async fn rollback(env: &Env) {
    use crate::pipeline_api::{ROLE, build, create_project, source, stage};
    use aws_sdk_codepipeline::types::{ArtifactStore, ArtifactStoreType, PipelineDeclaration, PipelineType};
    let cp = aws_sdk_codepipeline::Client::new(&harness::retrying(&env.sdk));
    create_project(env, &buildspec(&["echo ok"])).await.expect("project");
    let store = ArtifactStore::builder().r#type(ArtifactStoreType::S3).location("sdk-artifacts").build().unwrap();
    let decl = PipelineDeclaration::builder().name("rb").role_arn(ROLE).artifact_store(store);
    let decl = decl.pipeline_type(PipelineType::V2).stages(stage("Source", vec![source()]));
    let decl = decl.stages(stage("Build", vec![build()])).build().unwrap();
    cp.create_pipeline().pipeline(decl).send().await.expect("create rb");
    let succeeded = || async {
        let out = cp.list_pipeline_executions().pipeline_name("rb").send().await.ok()?;
        let ok =
            out.pipeline_execution_summaries().iter().filter(|s| s.status().map(|x| x.as_str()) == Some("Succeeded"));
        Some(ok.filter_map(|s| s.pipeline_execution_id().map(str::to_string)).collect::<Vec<_>>())
    };
    let s3 = harness::s3_client(&harness::retrying(&env.sdk));
    for n in 1..=2 {
        let zip = harness::zip_of(&[("readme.txt", "run")]);
        s3.put_object().bucket("sdk-src").key("src.zip").body(zip.into()).send().await.expect("upload");
        eventually("a successful run of rb", Duration::from_secs(90), || async {
            succeeded().await.filter(|ids| ids.len() >= n).map(|_| ())
        })
        .await;
    }
    let ids = succeeded().await.unwrap_or_default();
    let first = ids.last().expect("the first success");
    let rb = cp.rollback_stage().pipeline_name("rb").stage_name("Build").target_pipeline_execution_id(first);
    rb.send().await.expect("rollback");
    eventually("the rollback to succeed", Duration::from_secs(90), || async {
        succeeded().await.filter(|ids| ids.len() >= 3).map(|_| ())
    })
    .await;
}
