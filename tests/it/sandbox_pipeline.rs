//! The whole loop through the real SDK clients: upload → execution → build →
//! logs → approval → deploy, and stop / retry / supersede / transitions.

use aws_sdk_codepipeline::types::{ApprovalStatus, StageRetryMode, StageTransitionType};

use crate::harness::{self, PIPELINE, buildspec};

#[tokio::test]
async fn an_upload_runs_the_pipeline_end_to_end() {
    let env = harness::start().await;
    let version = env.upload(&buildspec(&["echo one", "echo two >&2", "printf 'three\\nfour\\n'"])).await;
    let id = env.execution_for(&version).await;
    let summary = env.codepipeline().list_pipeline_executions().pipeline_name(PIPELINE).send().await.unwrap();
    let first = &summary.pipeline_execution_summaries()[0];
    assert_eq!(first.trigger().and_then(|t| t.trigger_type()).map(|t| t.as_str()), Some("CloudWatchEvent"));
    assert_eq!(first.source_revisions()[0].revision_summary(), Some("pushed by test"));

    let build_id = env.build_id(&id).await;
    assert!(build_id.starts_with("mlops-demo-build:"), "{build_id}");
    let token = env.approval_token(&id).await;

    let builds = env.codebuild().batch_get_builds().ids(&build_id).send().await.unwrap();
    let build = &builds.builds()[0];
    assert_eq!(build.build_status().map(|s| s.as_str()), Some("SUCCEEDED"));
    assert_eq!(build.resolved_source_version(), Some(version.as_str()));
    let phases: Vec<(&str, Option<&str>)> = build
        .phases()
        .iter()
        .map(|p| (p.phase_type().map(|t| t.as_str()).unwrap_or(""), p.phase_status().map(|s| s.as_str())))
        .collect();
    assert_eq!(phases.first(), Some(&("SUBMITTED", Some("SUCCEEDED"))));
    assert_eq!(phases.last().map(|p| p.0), Some("COMPLETED"));
    assert!(phases.iter().filter(|p| p.0 != "COMPLETED").all(|p| p.1 == Some("SUCCEEDED")), "{phases:?}");

    let output: Vec<String> = env
        .log_lines(&env.build(&build_id).await)
        .await
        .into_iter()
        .filter(|m| !m.starts_with("[Container]"))
        .collect();
    assert_eq!(output, ["one", "two", "three", "four"]);

    assert_eq!(
        env.approve("not-the-token", ApprovalStatus::Approved).await,
        Err("InvalidApprovalTokenException".into())
    );
    env.approve(&token, ApprovalStatus::Approved).await.expect("approve");
    assert_eq!(env.approve(&token, ApprovalStatus::Approved).await, Err("ApprovalAlreadyCompletedException".into()));
    env.wait_status(&id, "Succeeded").await;

    let actions = env.codepipeline().list_action_executions().pipeline_name(PIPELINE).send().await.unwrap();
    let mut names: Vec<&str> = actions.action_execution_details().iter().filter_map(|a| a.action_name()).collect();
    names.sort_unstable();
    assert_eq!(names, ["Approve", "Build", "Deploy", "Source"]);
}

#[tokio::test]
async fn a_failing_command_fails_the_stage_and_retry_reruns_it() {
    let env = harness::start().await;
    let marker = tempfile::tempdir().unwrap();
    let flag = marker.path().join("ok");
    let version = env.upload(&buildspec(&["echo before", &format!("test -f {}", flag.display())])).await;
    let id = env.execution_for(&version).await;
    let st = env.wait_stage(&id, "Build", "Failed").await;
    env.wait_status(&id, "Failed").await;
    let err = st.action_states()[0]
        .latest_execution()
        .and_then(|l| l.error_details())
        .and_then(|d| d.message())
        .unwrap_or("")
        .to_string();
    assert!(err.contains("Build terminated with state: FAILED"), "{err}");
    let build_id =
        st.action_states()[0].latest_execution().and_then(|l| l.external_execution_id()).unwrap().to_string();
    let builds = env.codebuild().batch_get_builds().ids(&build_id).send().await.unwrap();
    let phase = builds.builds()[0]
        .phases()
        .iter()
        .find(|p| p.phase_type().map(|t| t.as_str()) == Some("BUILD"))
        .cloned()
        .unwrap();
    assert_eq!(phase.phase_status().map(|s| s.as_str()), Some("FAILED"));
    let ctx = &phase.contexts()[0];
    assert_eq!(ctx.status_code(), Some("COMMAND_EXECUTION_ERROR"));
    assert_eq!(
        ctx.message(),
        Some(format!("Error while executing command: test -f {}. Reason: exit status 1", flag.display()).as_str())
    );

    // Retrying a stage that did not fail is refused.
    let err = env
        .codepipeline()
        .retry_stage_execution()
        .pipeline_name(PIPELINE)
        .stage_name("Source")
        .pipeline_execution_id(&id)
        .retry_mode(StageRetryMode::FailedActions)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.into_service_error().meta().code(), Some("StageNotRetryableException"));

    std::fs::write(&flag, "").unwrap();
    env.codepipeline()
        .retry_stage_execution()
        .pipeline_name(PIPELINE)
        .stage_name("Build")
        .pipeline_execution_id(&id)
        .retry_mode(StageRetryMode::FailedActions)
        .send()
        .await
        .expect("retry");
    let token = env.approval_token(&id).await;
    let attempts = env.codepipeline().list_action_executions().pipeline_name(PIPELINE).send().await.unwrap();
    let builds: Vec<&str> = attempts
        .action_execution_details()
        .iter()
        .filter(|a| a.action_name() == Some("Build"))
        .filter_map(|a| a.status().map(|s| s.as_str()))
        .collect();
    assert_eq!(builds, ["Succeeded", "Failed"], "newest first: the retry succeeded");
    env.approve(&token, ApprovalStatus::Rejected).await.expect("reject");
    env.wait_status(&id, "Failed").await;
}

#[tokio::test]
async fn stop_and_abandon_end_a_running_build_stage() {
    let env = harness::start().await;
    let version = env.upload(&buildspec(&["sleep 30"])).await;
    let id = env.execution_for(&version).await;
    env.build_id(&id).await;
    let cp = env.codepipeline();
    cp.stop_pipeline_execution()
        .pipeline_name(PIPELINE)
        .pipeline_execution_id(&id)
        .abandon(true)
        .reason("wrong commit")
        .send()
        .await
        .expect("stop");
    env.wait_status(&id, "Stopped").await;
    let st = env.wait_stage(&id, "Build", "Stopped").await;
    assert_eq!(
        st.action_states()[0].latest_execution().and_then(|l| l.status()).map(|s| s.as_str()),
        Some("Abandoned")
    );
    let err = cp.stop_pipeline_execution().pipeline_name(PIPELINE).pipeline_execution_id(&id).send().await.unwrap_err();
    assert_eq!(err.into_service_error().meta().code(), Some("PipelineExecutionNotStoppableException"));

    // Stop and wait: the running build finishes, then the execution stops.
    let version = env.upload(&buildspec(&["sleep 2", "echo done"])).await;
    let id = env.execution_for(&version).await;
    env.build_id(&id).await;
    cp.stop_pipeline_execution()
        .pipeline_name(PIPELINE)
        .pipeline_execution_id(&id)
        .send()
        .await
        .expect("stop and wait");
    assert_eq!(env.execution_status(&id).await, "Stopping");
    let err = cp.stop_pipeline_execution().pipeline_name(PIPELINE).pipeline_execution_id(&id).send().await.unwrap_err();
    assert_eq!(err.into_service_error().meta().code(), Some("DuplicatedStopRequestException"));
    env.wait_status(&id, "Stopped").await;
    let st = env.wait_stage(&id, "Build", "Stopped").await;
    assert_eq!(
        st.action_states()[0].latest_execution().and_then(|l| l.status()).map(|s| s.as_str()),
        Some("Succeeded")
    );
}

#[tokio::test]
async fn a_disabled_transition_holds_runs_and_a_newer_upload_supersedes_the_waiting_one() {
    let env = harness::start().await;
    let cp = env.codepipeline();
    cp.disable_stage_transition()
        .pipeline_name(PIPELINE)
        .stage_name("Build")
        .transition_type(StageTransitionType::Inbound)
        .reason("freeze")
        .send()
        .await
        .expect("disable");
    let first = env.execution_for(&env.upload(&buildspec(&["echo first"])).await).await;
    env.wait_stage(&first, "Source", "Succeeded").await;
    let state = cp.get_pipeline_state().name(PIPELINE).send().await.unwrap();
    let build = state.stage_states().iter().find(|s| s.stage_name() == Some("Build")).unwrap();
    let t = build.inbound_transition_state().unwrap();
    assert!(!t.enabled());
    assert_eq!(t.disabled_reason(), Some("freeze"));
    assert_eq!(build.inbound_execution().map(|e| e.pipeline_execution_id()), Some(first.as_str()));

    let second = env.execution_for(&env.upload(&buildspec(&["echo second"])).await).await;
    env.wait_status(&first, "Superseded").await;
    cp.enable_stage_transition()
        .pipeline_name(PIPELINE)
        .stage_name("Build")
        .transition_type(StageTransitionType::Inbound)
        .send()
        .await
        .expect("enable");
    env.approval_token(&second).await;
    assert_eq!(env.execution_status(&first).await, "Superseded");
}

#[tokio::test]
async fn manual_start_with_a_source_revision_override_and_errors() {
    let env = harness::start().await;
    let cp = env.codepipeline();
    let err = cp.get_pipeline_state().name("nope").send().await.unwrap_err();
    assert_eq!(err.into_service_error().meta().code(), Some("PipelineNotFoundException"));
    let old = env.upload(&buildspec(&["echo old"])).await;
    let _ = env.execution_for(&old).await;
    let _new = env.upload(&buildspec(&["echo new"])).await;
    let rev = aws_sdk_codepipeline::types::SourceRevisionOverride::builder()
        .action_name("Source")
        .revision_type(aws_sdk_codepipeline::types::SourceRevisionType::S3ObjectVersionId)
        .revision_value(&old)
        .build()
        .unwrap();
    let started = cp.start_pipeline_execution().name(PIPELINE).source_revisions(rev).send().await.expect("start");
    let id = started.pipeline_execution_id().unwrap().to_string();
    let exec = cp.get_pipeline_execution().pipeline_name(PIPELINE).pipeline_execution_id(&id).send().await.unwrap();
    let exec = exec.pipeline_execution().unwrap();
    assert_eq!(exec.trigger().and_then(|t| t.trigger_type()).map(|t| t.as_str()), Some("StartPipelineExecution"));
    assert_eq!(exec.artifact_revisions()[0].revision_id(), Some(old.as_str()));
    let err = cp
        .get_pipeline_execution()
        .pipeline_name(PIPELINE)
        .pipeline_execution_id("no-such-id")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.into_service_error().meta().code(), Some("PipelineExecutionNotFoundException"));
    let pipelines = cp.list_pipelines().send().await.unwrap();
    assert_eq!(
        pipelines.pipelines().iter().filter_map(|p| p.name()).collect::<Vec<_>>(),
        [PIPELINE, "mlops-demo-eu", "mlops-demo-v2"]
    );
    let got = cp.get_pipeline().name(PIPELINE).send().await.unwrap();
    let stages: Vec<&str> = got.pipeline().unwrap().stages().iter().map(|s| s.name()).collect();
    assert_eq!(stages, ["Source", "Build", "Approve", "Deploy"]);
}
