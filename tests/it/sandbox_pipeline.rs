//! The whole loop through the real SDK clients: upload → execution → build →
//! logs → approval → deploy, and stop / retry / supersede / transitions.

use std::time::Duration;

use aws_sdk_codepipeline::types::{ApprovalResult, ApprovalStatus, StageRetryMode, StageTransitionType};
use aws_sdk_s3::primitives::ByteStream;

use crate::harness::{self, Env, eventually};

const PIPELINE: &str = "mlops-demo";
const BUCKET: &str = "pipewatch-demo-source";
const KEY: &str = "workspace.zip";
const LONG: Duration = Duration::from_secs(60);

fn buildspec(build_commands: &[&str]) -> String {
    let mut s = String::from("version: 0.2\nphases:\n  build:\n    commands:\n");
    for c in build_commands {
        s.push_str(&format!("      - {c}\n"));
    }
    s.push_str("artifacts:\n  files:\n    - '**/*'\n");
    s
}

pub async fn upload(env: &Env, spec: &str) -> String {
    let zip = harness::zip_of(&[("model/buildspec.yml", spec), ("hello.txt", "hello\n")]);
    let out = env
        .s3()
        .put_object()
        .bucket(BUCKET)
        .key(KEY)
        .metadata("codepipeline-artifact-revision-summary", "pushed by test")
        .body(ByteStream::from(zip))
        .send()
        .await
        .expect("put object");
    out.version_id().expect("versioned bucket returns a version id").to_string()
}

/// The execution whose source revision is `version`.
pub async fn execution_for(env: &Env, version: &str) -> String {
    let cp = env.codepipeline();
    eventually("an execution for the upload", Duration::from_secs(10), || {
        let cp = cp.clone();
        async move {
            let out = cp.list_pipeline_executions().pipeline_name(PIPELINE).send().await.ok()?;
            out.pipeline_execution_summaries()
                .iter()
                .find(|s| s.source_revisions().iter().any(|r| r.revision_id() == Some(version)))
                .and_then(|s| s.pipeline_execution_id().map(str::to_string))
        }
    })
    .await
}

pub async fn execution_status(env: &Env, id: &str) -> String {
    let out = env
        .codepipeline()
        .get_pipeline_execution()
        .pipeline_name(PIPELINE)
        .pipeline_execution_id(id)
        .send()
        .await
        .expect("get execution");
    out.pipeline_execution().and_then(|e| e.status()).map(|s| s.as_str().to_string()).unwrap_or_default()
}

pub async fn wait_status(env: &Env, id: &str, want: &str) {
    eventually(&format!("execution {id} to be {want}"), LONG, || async {
        let s = execution_status(env, id).await;
        (s == want).then_some(())
    })
    .await
}

/// Waits until `stage` of execution `id` has status `want` in GetPipelineState.
pub async fn wait_stage(env: &Env, id: &str, stage: &str, want: &str) -> aws_sdk_codepipeline::types::StageState {
    eventually(&format!("stage {stage} of {id} to be {want}"), LONG, || async {
        let state = env.codepipeline().get_pipeline_state().name(PIPELINE).send().await.ok()?;
        let st = state.stage_states().iter().find(|s| s.stage_name() == Some(stage))?.clone();
        let latest = st.latest_execution()?;
        (latest.pipeline_execution_id() == id && latest.status().as_str() == want).then_some(st)
    })
    .await
}

async fn build_id_of(env: &Env, id: &str, stage: &str) -> String {
    wait_stage(env, id, stage, "InProgress").await;
    eventually("the build id", Duration::from_secs(5), || async {
        let state = env.codepipeline().get_pipeline_state().name(PIPELINE).send().await.ok()?;
        let st = state.stage_states().iter().find(|s| s.stage_name() == Some(stage))?.clone();
        st.action_states().first()?.latest_execution()?.external_execution_id().map(str::to_string)
    })
    .await
}

async fn log_messages(env: &Env, build_id: &str) -> Vec<String> {
    let b = env.codebuild().batch_get_builds().ids(build_id).send().await.expect("batch get builds");
    harness::complete_log(env, &b.builds()[0]).await
}

/// Waits for execution `id`'s approval and approves it (for tests that need
/// the run to go on).
pub async fn approve_pending(env: &Env, id: &str) {
    let token = approval_token(env, id).await;
    approve(env, &token, ApprovalStatus::Approved).await.expect("approve");
}

async fn approval_token(env: &Env, id: &str) -> String {
    let st = wait_stage(env, id, "Approve", "InProgress").await;
    st.action_states()[0]
        .latest_execution()
        .and_then(|l| l.token())
        .expect("a pending approval has a token")
        .to_string()
}

async fn approve(env: &Env, token: &str, status: ApprovalStatus) -> Result<(), String> {
    env.codepipeline()
        .put_approval_result()
        .pipeline_name(PIPELINE)
        .stage_name("Approve")
        .action_name("Approve")
        .token(token)
        .result(ApprovalResult::builder().summary("looks good").status(status).build().expect("result"))
        .send()
        .await
        .map(|_| ())
        .map_err(|e| e.into_service_error().meta().code().unwrap_or("?").to_string())
}

#[tokio::test]
async fn an_upload_runs_the_pipeline_end_to_end() {
    let env = harness::start().await;
    let version = upload(&env, &buildspec(&["echo one", "echo two >&2", "printf 'three\\nfour\\n'"])).await;
    let id = execution_for(&env, &version).await;
    let summary = env.codepipeline().list_pipeline_executions().pipeline_name(PIPELINE).send().await.unwrap();
    let first = &summary.pipeline_execution_summaries()[0];
    assert_eq!(first.trigger().and_then(|t| t.trigger_type()).map(|t| t.as_str()), Some("CloudWatchEvent"));
    assert_eq!(first.source_revisions()[0].revision_summary(), Some("pushed by test"));

    let build_id = build_id_of(&env, &id, "Build").await;
    assert!(build_id.starts_with("mlops-demo-build:"), "{build_id}");
    let token = approval_token(&env, &id).await;

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

    let output: Vec<String> =
        log_messages(&env, &build_id).await.into_iter().filter(|m| !m.starts_with("[Container]")).collect();
    assert_eq!(output, ["one", "two", "three", "four"]);

    assert_eq!(
        approve(&env, "not-the-token", ApprovalStatus::Approved).await,
        Err("InvalidApprovalTokenException".into())
    );
    approve(&env, &token, ApprovalStatus::Approved).await.expect("approve");
    assert_eq!(approve(&env, &token, ApprovalStatus::Approved).await, Err("ApprovalAlreadyCompletedException".into()));
    wait_status(&env, &id, "Succeeded").await;

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
    let version = upload(&env, &buildspec(&["echo before", &format!("test -f {}", flag.display())])).await;
    let id = execution_for(&env, &version).await;
    let st = wait_stage(&env, &id, "Build", "Failed").await;
    wait_status(&env, &id, "Failed").await;
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
    let token = approval_token(&env, &id).await;
    let attempts = env.codepipeline().list_action_executions().pipeline_name(PIPELINE).send().await.unwrap();
    let builds: Vec<&str> = attempts
        .action_execution_details()
        .iter()
        .filter(|a| a.action_name() == Some("Build"))
        .filter_map(|a| a.status().map(|s| s.as_str()))
        .collect();
    assert_eq!(builds, ["Succeeded", "Failed"], "newest first: the retry succeeded");
    approve(&env, &token, ApprovalStatus::Rejected).await.expect("reject");
    wait_status(&env, &id, "Failed").await;
}

#[tokio::test]
async fn stop_and_abandon_end_a_running_build_stage() {
    let env = harness::start().await;
    let version = upload(&env, &buildspec(&["sleep 30"])).await;
    let id = execution_for(&env, &version).await;
    build_id_of(&env, &id, "Build").await;
    let cp = env.codepipeline();
    cp.stop_pipeline_execution()
        .pipeline_name(PIPELINE)
        .pipeline_execution_id(&id)
        .abandon(true)
        .reason("wrong commit")
        .send()
        .await
        .expect("stop");
    wait_status(&env, &id, "Stopped").await;
    let st = wait_stage(&env, &id, "Build", "Stopped").await;
    assert_eq!(
        st.action_states()[0].latest_execution().and_then(|l| l.status()).map(|s| s.as_str()),
        Some("Abandoned")
    );
    let err = cp.stop_pipeline_execution().pipeline_name(PIPELINE).pipeline_execution_id(&id).send().await.unwrap_err();
    assert_eq!(err.into_service_error().meta().code(), Some("PipelineExecutionNotStoppableException"));

    // Stop and wait: the running build finishes, then the execution stops.
    let version = upload(&env, &buildspec(&["sleep 2", "echo done"])).await;
    let id = execution_for(&env, &version).await;
    build_id_of(&env, &id, "Build").await;
    cp.stop_pipeline_execution()
        .pipeline_name(PIPELINE)
        .pipeline_execution_id(&id)
        .send()
        .await
        .expect("stop and wait");
    assert_eq!(execution_status(&env, &id).await, "Stopping");
    let err = cp.stop_pipeline_execution().pipeline_name(PIPELINE).pipeline_execution_id(&id).send().await.unwrap_err();
    assert_eq!(err.into_service_error().meta().code(), Some("DuplicatedStopRequestException"));
    wait_status(&env, &id, "Stopped").await;
    let st = wait_stage(&env, &id, "Build", "Stopped").await;
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
    let first = execution_for(&env, &upload(&env, &buildspec(&["echo first"])).await).await;
    wait_stage(&env, &first, "Source", "Succeeded").await;
    let state = cp.get_pipeline_state().name(PIPELINE).send().await.unwrap();
    let build = state.stage_states().iter().find(|s| s.stage_name() == Some("Build")).unwrap();
    let t = build.inbound_transition_state().unwrap();
    assert!(!t.enabled());
    assert_eq!(t.disabled_reason(), Some("freeze"));
    assert_eq!(build.inbound_execution().map(|e| e.pipeline_execution_id()), Some(first.as_str()));

    let second = execution_for(&env, &upload(&env, &buildspec(&["echo second"])).await).await;
    wait_status(&env, &first, "Superseded").await;
    cp.enable_stage_transition()
        .pipeline_name(PIPELINE)
        .stage_name("Build")
        .transition_type(StageTransitionType::Inbound)
        .send()
        .await
        .expect("enable");
    approval_token(&env, &second).await;
    assert_eq!(execution_status(&env, &first).await, "Superseded");
}

#[tokio::test]
async fn manual_start_with_a_source_revision_override_and_errors() {
    let env = harness::start().await;
    let cp = env.codepipeline();
    let err = cp.get_pipeline_state().name("nope").send().await.unwrap_err();
    assert_eq!(err.into_service_error().meta().code(), Some("PipelineNotFoundException"));
    let old = upload(&env, &buildspec(&["echo old"])).await;
    let _ = execution_for(&env, &old).await;
    let _new = upload(&env, &buildspec(&["echo new"])).await;
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
    assert_eq!(pipelines.pipelines().iter().filter_map(|p| p.name()).collect::<Vec<_>>(), [PIPELINE]);
    let got = cp.get_pipeline().name(PIPELINE).send().await.unwrap();
    let stages: Vec<&str> = got.pipeline().unwrap().stages().iter().map(|s| s.name()).collect();
    assert_eq!(stages, ["Source", "Build", "Approve", "Deploy"]);
}
