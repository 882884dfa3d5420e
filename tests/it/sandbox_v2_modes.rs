//! V2 execution modes as GetPipelineState, ListPipelineExecutions and
//! ListActionExecutions show them: CodePipeline User Guide, "Set or change the
//! pipeline execution mode"; API Reference, StageState (inboundExecution,
//! inboundExecutions), StageExecution.type, PipelineExecutionSummary
//! (executionMode, executionType), ActionExecutionFilter.pipelineExecutionId.

use std::time::Duration;

use aws_sdk_codepipeline::types::StageState;
use aws_sdk_s3::primitives::ByteStream;
use pipewatch::sandbox::Options;

use crate::harness::{self, Env, eventually};

const SLOW: &str = "version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 8\n";

async fn start(mode: &str) -> (Env, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    std::fs::write(&path, harness::two_stage_pipeline("v2", mode, "v2-slow", SLOW, None)).unwrap();
    (harness::start_with(Options { config: Some(path), ..Options::ephemeral() }).await, dir)
}

fn cp(env: &Env) -> aws_sdk_codepipeline::Client {
    aws_sdk_codepipeline::Client::new(&harness::retrying(&env.sdk))
}

/// Three uploads: the second and third while the first builds.
async fn upload_three(env: &Env) {
    for n in 0..3 {
        let zip = harness::zip_of(&[("n.txt", &n.to_string())]);
        env.s3().put_object().bucket("v2-src").key("src.zip").body(ByteStream::from(zip)).send().await.unwrap();
        if n == 0 {
            eventually("the first build", Duration::from_secs(10), || async {
                let ids = env.codebuild().list_builds_for_project().project_name("v2-slow").send().await.ok()?;
                (!ids.ids().is_empty()).then_some(())
            })
            .await;
        }
    }
}

async fn build_stage(env: &Env) -> StageState {
    let state = cp(env).get_pipeline_state().name("v2").send().await.unwrap();
    state.stage_states().iter().find(|s| s.stage_name() == Some("Build")).cloned().unwrap()
}

/// Ids of the executions InProgress, oldest first.
async fn in_progress(env: &Env) -> Vec<String> {
    let out = cp(env).list_pipeline_executions().pipeline_name("v2").send().await.unwrap();
    out.pipeline_execution_summaries()
        .iter()
        .rev()
        .filter(|s| s.status().map(|x| x.as_str()) == Some("InProgress"))
        .filter_map(|s| s.pipeline_execution_id().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn queued_mode_lists_every_waiting_execution_in_order_at_the_busy_stage() {
    let (env, _dir) = start("QUEUED").await;
    upload_three(&env).await;
    let stage = eventually("two executions queued at Build", Duration::from_secs(20), || async {
        let s = build_stage(&env).await;
        (s.inbound_executions().len() == 2).then_some(s)
    })
    .await;
    let queued: Vec<&str> = stage.inbound_executions().iter().map(|e| e.pipeline_execution_id()).collect();
    let building = stage.latest_execution().unwrap();
    assert_eq!(building.status().as_str(), "InProgress");
    assert!(!queued.contains(&building.pipeline_execution_id()), "the building run is not queued: {queued:?}");
    // Oldest first: the next to enter is the one named by inboundExecution.
    let all = in_progress(&env).await;
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(queued, [all[1].as_str(), all[2].as_str()]);
    assert_eq!(stage.inbound_execution().map(|e| e.pipeline_execution_id()), Some(all[1].as_str()));
    for e in stage.inbound_executions() {
        assert_eq!(e.r#type().map(|t| t.as_str()), Some("STANDARD"));
    }
    let summaries = cp(&env).list_pipeline_executions().pipeline_name("v2").send().await.unwrap();
    for s in summaries.pipeline_execution_summaries() {
        assert_eq!(s.execution_mode().map(|m| m.as_str()), Some("QUEUED"));
        assert_eq!(s.execution_type().map(|t| t.as_str()), Some("STANDARD"));
    }
}

#[tokio::test]
async fn parallel_mode_runs_side_by_side_and_filters_action_executions_by_execution() {
    let (env, _dir) = start("PARALLEL").await;
    upload_three(&env).await;
    let running = eventually("two executions building at once", Duration::from_secs(20), || async {
        let ids = in_progress(&env).await;
        let mut building = Vec::new();
        for id in &ids {
            let filter =
                aws_sdk_codepipeline::types::ActionExecutionFilter::builder().pipeline_execution_id(id).build();
            let out = cp(&env).list_action_executions().pipeline_name("v2").filter(filter).send().await.ok()?;
            let details = out.action_execution_details();
            // Filtered by execution: no other execution's actions.
            assert!(details.iter().all(|d| d.pipeline_execution_id() == Some(id.as_str())));
            let build = details.iter().find(|d| d.stage_name() == Some("Build"));
            if build.and_then(|d| d.status()).map(|s| s.as_str()) == Some("InProgress") {
                building.push(id.clone());
            }
        }
        (building.len() >= 2).then_some(building)
    })
    .await;
    assert!(running.len() >= 2);
    // Nobody waits at a stage in PARALLEL mode.
    let stage = build_stage(&env).await;
    assert!(stage.inbound_execution().is_none() && stage.inbound_executions().is_empty());
}

#[tokio::test]
async fn superseded_mode_has_no_inbound_list() {
    let (env, _dir) = start("SUPERSEDED").await;
    upload_three(&env).await;
    let stage = eventually("a run waiting at Build", Duration::from_secs(20), || async {
        let s = build_stage(&env).await;
        s.inbound_execution().is_some().then_some(s)
    })
    .await;
    assert!(stage.inbound_executions().is_empty(), "SUPERSEDED holds one waiting run, not a queue");
}
