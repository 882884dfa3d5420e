//! A second Region and a cross-account role: the demo config's mlops-demo-eu
//! runs its CodeBuild action in eu-west-1, in account 210987654321. CodeBuild
//! projects and builds and CloudWatch Logs groups are regional, so only a client
//! signing for eu-west-1 finds that build and its log.

use std::time::Duration;

use aws_sdk_s3::primitives::ByteStream;

use crate::harness::{self, Env, eventually};

const PIPELINE: &str = "mlops-demo-eu";
const EU: &str = "eu-west-1";

/// Uploads to mlops-demo-eu's source and returns the id of the build its
/// eu-west-1 action started.
async fn eu_build(env: &Env) -> String {
    let zip = harness::zip_of(&[("readme.txt", "evaluate me")]);
    let s3 = env.s3();
    s3.put_object()
        .bucket("pipewatch-demo-source")
        .key("workspace-eu.zip")
        .body(ByteStream::from(zip))
        .send()
        .await
        .unwrap();
    eventually("the eu-west-1 build", Duration::from_secs(20), || async {
        let state = env.codepipeline().get_pipeline_state().name(PIPELINE).send().await.ok()?;
        let stage = state.stage_states().iter().find(|s| s.stage_name() == Some("Evaluate"))?;
        stage.action_states().first()?.latest_execution()?.external_execution_id().map(str::to_string)
    })
    .await
}

// CodePipeline API Reference, PipelineDeclaration and ActionDeclaration: a
// cross-Region action names its `region` (and, cross-account, a `roleArn`), and
// the pipeline then has `artifactStores`, one per Region, not `artifactStore`.
#[tokio::test]
async fn get_pipeline_shows_the_action_region_role_and_a_store_per_region() {
    let env = harness::start().await;
    let got = env.codepipeline().get_pipeline().name(PIPELINE).send().await.unwrap();
    let p = got.pipeline().unwrap();
    assert!(p.artifact_store().is_none());
    let stores = p.artifact_stores().unwrap();
    let mut regions: Vec<&String> = stores.keys().collect();
    regions.sort();
    assert_eq!(regions, ["eu-west-1", "us-east-1"]);
    let action = &p.stages()[1].actions()[0];
    assert_eq!(action.region(), Some(EU));
    assert_eq!(action.role_arn(), Some("arn:aws:iam::210987654321:role/mlops-demo-cross-account"));
    // The demo pipeline itself is unchanged: one store, actions in its own Region.
    let demo = env.codepipeline().get_pipeline().name("mlops-demo").send().await.unwrap();
    assert!(demo.pipeline().unwrap().artifact_store().is_some());
    assert!(demo.pipeline().unwrap().stages().iter().flat_map(|s| s.actions()).all(|a| a.region().is_none()));
}

// CodeBuild API Reference, BatchGetBuilds: ids not found come back in
// buildsNotFound. Builds are regional (AWS General Reference, "AWS service
// endpoints": one CodeBuild endpoint per Region), and the build's ARN names
// the project's Region and account.
#[tokio::test]
async fn a_build_in_eu_west_1_is_found_only_by_an_eu_west_1_client() {
    let env = harness::start().await;
    let id = eu_build(&env).await;
    let home = env.codebuild().batch_get_builds().ids(&id).send().await.unwrap();
    assert!(home.builds().is_empty());
    assert_eq!(home.builds_not_found(), std::slice::from_ref(&id));

    let eu_sdk = harness::in_region(&env.sdk, EU);
    let eu = aws_sdk_codebuild::Client::new(&eu_sdk);
    let found = eu.batch_get_builds().ids(&id).send().await.unwrap();
    let build = &found.builds()[0];
    let arn = build.arn().unwrap();
    assert!(arn.starts_with("arn:aws:codebuild:eu-west-1:210987654321:build/mlops-demo-eu-evaluate:"), "{arn}");
    let logs = build.logs().unwrap();
    assert!(logs.cloud_watch_logs_arn().unwrap().starts_with("arn:aws:logs:eu-west-1:210987654321:log-group:"));
    assert!(logs.deep_link().unwrap().contains("region=eu-west-1"));

    // ListProjects answers per Region too.
    let home_projects = env.codebuild().list_projects().send().await.unwrap();
    assert!(!home_projects.projects().iter().any(|p| p == "mlops-demo-eu-evaluate"), "{home_projects:?}");
    assert_eq!(eu.list_projects().send().await.unwrap().projects(), ["mlops-demo-eu-evaluate"]);

    // The build's log is in eu-west-1's CloudWatch Logs, and it ran there.
    let (group, stream) = (logs.group_name().unwrap().to_string(), logs.stream_name().unwrap().to_string());
    let eu_logs = aws_sdk_cloudwatchlogs::Client::new(&eu_sdk);
    eventually("the build's line in eu-west-1", Duration::from_secs(20), || async {
        let page = eu_logs.get_log_events().log_group_name(&group).log_stream_name(&stream).start_from_head(true);
        let page = page.send().await.ok()?;
        page.events().iter().any(|e| e.message() == Some("Evaluating in eu-west-1")).then_some(())
    })
    .await;
    let home_logs = env.logs().get_log_events().log_group_name(&group).log_stream_name(&stream).send().await;
    let err = home_logs.unwrap_err().into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
}

// CodePipeline API Reference, ListActionExecutions: input.region is the
// Region the action ran in. Pipelines are regional: a client for another
// Region lists none (ListPipelines) and finds none (PipelineNotFoundException).
#[tokio::test]
async fn action_executions_name_the_region_and_pipelines_stay_in_theirs() {
    let env = harness::start().await;
    eu_build(&env).await;
    let runs = env.codepipeline().list_action_executions().pipeline_name(PIPELINE).send().await.unwrap();
    let evaluate = runs.action_execution_details().iter().find(|a| a.stage_name() == Some("Evaluate")).unwrap();
    assert_eq!(evaluate.input().and_then(|i| i.region()), Some(EU));
    let url = evaluate.output().and_then(|o| o.execution_result()).and_then(|r| r.external_execution_url());
    assert!(url.is_some_and(|u| u.ends_with("?region=eu-west-1")), "{url:?}");

    let eu = aws_sdk_codepipeline::Client::new(&harness::in_region(&env.sdk, EU));
    assert!(eu.list_pipelines().send().await.unwrap().pipelines().is_empty());
    let err = eu.get_pipeline_state().name(PIPELINE).send().await.unwrap_err().into_service_error();
    assert!(err.is_pipeline_not_found_exception(), "{err:?}");
}
