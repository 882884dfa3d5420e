//! `pipewatch approve` through the real binary against the sandbox. The
//! waiting approval's token is read with GetPipelineState
//! (`actionStates[].latestExecution.token`) and the answer sent with
//! PutApprovalResult (CodePipeline API Reference, "PutApprovalResult"; its
//! `result.summary` is required, 1–512 characters; AccessDeniedException when
//! the caller lacks codepipeline:PutApprovalResult).

use aws_sdk_s3::primitives::ByteStream;
use serde_json::json;

use crate::harness::{self, Env, LONG, PIPELINE, buildspec, eventually, pipewatch, stderr, stdout, zip_of};
use pipewatch::sandbox::Options;

async fn approve(env: &Env, args: &[&str]) -> std::process::Output {
    pipewatch(["approve"]).args(args).sandbox(env).output().await
}

/// The approval's latest execution as GetPipelineState shows it: (status, summary).
async fn approval_state(env: &Env, stage: &str, action: &str) -> Option<(String, Option<String>)> {
    let state = env.codepipeline().get_pipeline_state().name(PIPELINE).send().await.ok()?;
    let stage = state.stage_states().iter().find(|s| s.stage_name() == Some(stage))?;
    let a = stage.action_states().iter().find(|a| a.action_name() == Some(action))?;
    let latest = a.latest_execution()?;
    Some((latest.status()?.as_str().to_string(), latest.summary().map(str::to_string)))
}

#[tokio::test]
async fn approve_answers_the_waiting_approval_and_the_run_goes_on() {
    let env = harness::start().await;
    let version = env.upload(&buildspec(&["echo ok"])).await;
    let execution = env.execution_for(&version).await;
    env.approval_token(&execution).await;

    let out = approve(&env, &["--pipeline", PIPELINE, "--approve", "--summary", "metrics fine"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let short: String = execution.chars().take(8).collect();
    assert_eq!(stdout(&out).trim_end(), format!("approved {PIPELINE}/Approve/Approve (execution {short})"));
    let (status, summary) = approval_state(&env, "Approve", "Approve").await.expect("approval state");
    assert_eq!(status, "Succeeded");
    assert_eq!(summary.as_deref(), Some("metrics fine"));
    env.wait_stage(&execution, "Deploy", "Succeeded").await;

    // Nothing waits now: one line, exit 1.
    let out = approve(&env, &["--pipeline", PIPELINE, "--reject"]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.trim_end(), format!("pipewatch: no manual approval is waiting in {PIPELINE}"));
}

#[tokio::test]
async fn reject_fails_the_stage_and_a_refusal_by_aws_exits_1() {
    let deny = "codepipeline:PutApprovalResult".parse().expect("deny list");
    let env = harness::start_with(Options { deny, ..Options::ephemeral() }).await;
    let version = env.upload(&buildspec(&["echo ok"])).await;
    let execution = env.execution_for(&version).await;
    env.approval_token(&execution).await;
    let out = approve(&env, &["--pipeline", PIPELINE, "--reject", "--summary", "no"]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.starts_with("pipewatch: rejection of Approve refused: access denied"), "{err}");
    assert!(err.contains("codepipeline:PutApprovalResult"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    let (status, _) = approval_state(&env, "Approve", "Approve").await.expect("approval state");
    assert_eq!(status, "InProgress", "the refused answer changed nothing");
}

#[tokio::test]
async fn usage_errors_and_a_read_only_profile_exit_2_and_send_nothing() {
    let env = harness::start().await;
    let version = env.upload(&buildspec(&["echo ok"])).await;
    let execution = env.execution_for(&version).await;
    env.approval_token(&execution).await;

    // Neither --approve nor --reject, or both.
    for args in [vec!["--pipeline", PIPELINE], vec!["--pipeline", PIPELINE, "--approve", "--reject"]] {
        let out = approve(&env, &args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    let long = "x".repeat(513);
    let out = approve(&env, &["--pipeline", PIPELINE, "--approve", "--summary", &long]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("at most 512"), "{}", stderr(&out));
    let out = approve(&env, &["--pipeline", "nope", "--approve"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("\"nope\""), "{}", stderr(&out));

    let config = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(config.path().join("pipewatch")).expect("config dir");
    std::fs::write(config.path().join("pipewatch/config.toml"), "read_only_profiles = [\"default\"]\n")
        .expect("config");
    let out = pipewatch(["approve", "--pipeline", PIPELINE, "--approve"])
        .sandbox(&env)
        .config_home(config.path())
        .output()
        .await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("profile default is read-only") && err.contains("approve refused"), "{err}");
    let (status, _) = approval_state(&env, "Approve", "Approve").await.expect("approval state");
    assert_eq!(status, "InProgress");
}

/// A pipeline `gates` whose second stage holds two manual approvals side by side.
fn two_gates_config() -> String {
    let approval = |name: &str| {
        json!({
            "name": name,
            "actionTypeId": { "category": "Approval", "owner": "AWS", "provider": "Manual", "version": "1" },
            "runOrder": 1,
            "configuration": { "CustomData": format!("{name} sign-off") }
        })
    };
    json!({ "pipelines": [{
        "name": "gates",
        "pipelineType": "V2",
        "executionMode": "QUEUED",
        "artifactStore": { "type": "S3", "location": "gates-artifacts" },
        "stages": [
            { "name": "Source", "actions": [{
                "name": "Source",
                "actionTypeId": { "category": "Source", "owner": "AWS", "provider": "S3", "version": "1" },
                "configuration": { "S3Bucket": "gates-src", "S3ObjectKey": "src.zip", "PollForSourceChanges": "false" },
                "outputArtifacts": [{ "name": "Src" }]
            }]},
            { "name": "Gates", "actions": [approval("QA"), approval("Legal")] }
        ]
    }]})
    .to_string()
}

#[tokio::test]
async fn several_waiting_approvals_are_listed_with_exit_2_until_stage_and_action_pick_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sandbox.json");
    std::fs::write(&path, two_gates_config()).expect("config");
    let env = harness::start_with(Options { config: Some(path), ..Options::ephemeral() }).await;
    let s3 = env.s3();
    eventually("the upload", LONG, || {
        let put = s3.put_object().bucket("gates-src").key("src.zip").body(ByteStream::from(zip_of(&[("a", "a")])));
        async move { put.send().await.ok() }
    })
    .await;
    let cp = env.codepipeline();
    eventually("both approvals to wait", LONG, || {
        let get = cp.get_pipeline_state().name("gates");
        async move {
            let state = get.send().await.ok()?;
            let gates = state.stage_states().get(1)?;
            let tokens = gates.action_states().iter().filter_map(|a| a.latest_execution()?.token()).count();
            (tokens == 2).then_some(())
        }
    })
    .await;

    let out = pipewatch(["approve", "--pipeline", "gates", "--approve"]).sandbox(&env).output().await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.starts_with("pipewatch: 2 approvals are waiting in gates: pass --stage and --action"), "{err}");
    assert!(err.contains("--stage Gates --action QA") && err.contains("--stage Gates --action Legal"), "{err}");

    let out = pipewatch(["approve", "--pipeline", "gates", "--stage", "Gates", "--action", "Legal", "--reject"])
        .sandbox(&env)
        .output()
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("rejected gates/Gates/Legal"), "{}", stdout(&out));
    let state = cp.get_pipeline_state().name("gates").send().await.expect("state");
    let statuses: Vec<(&str, &str)> = state.stage_states()[1]
        .action_states()
        .iter()
        .map(|a| {
            let status = a.latest_execution().and_then(|l| l.status()).map_or("", |s| s.as_str());
            (a.action_name().unwrap_or(""), status)
        })
        .collect();
    assert!(statuses.contains(&("Legal", "Failed")), "{statuses:?}");
}
