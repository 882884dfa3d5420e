//! The headless read-only commands through the real binary against the
//! sandbox: `status` (table and JSON), `watch` (transitions, exit codes),
//! `logs` (every line once, sanitised), `completions`, setup errors.

use std::time::Duration;

use crate::harness::{self, Env, PIPELINE, buildspec, json_of, pipewatch, stdout};

async fn run(env: &Env, args: &[&str]) -> std::process::Output {
    pipewatch(args).sandbox(env).output().await
}

#[tokio::test]
async fn status_prints_a_table_and_stable_json() {
    let env = harness::start().await;
    let version = env.upload(&buildspec(&["echo hi"])).await;
    let execution = env.execution_for(&version).await;

    let out = run(&env, &["status"]).await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let table = stdout(&out);
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().expect("header").split_whitespace().collect();
    assert_eq!(header, ["PIPELINE", "STATUS", "AGE", "EXECUTION"]);
    let row: Vec<&str> = lines.next().expect("a row").split_whitespace().collect();
    assert_eq!(row[0], PIPELINE);
    assert_eq!(row[3], execution);

    let json = json_of(&run(&env, &["status", "--json"]).await);
    let p = &json["pipelines"][0];
    assert_eq!(p["name"], PIPELINE);
    assert_eq!(p["latest"]["executionId"], execution.as_str());
    assert!(p["latest"]["status"].is_string(), "{json}");
    assert!(p["latest"]["ageSecs"].as_i64().is_some_and(|a| (0..600).contains(&a)), "{json}");

    let out = run(&env, &["status", "--pipeline", PIPELINE]).await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(stdout(&out).lines().any(|l| l.starts_with("Approve")), "{}", stdout(&out));

    let json = json_of(&run(&env, &["status", "--pipeline", PIPELINE, "--json"]).await);
    assert_eq!(json["pipeline"], PIPELINE);
    let stages: Vec<&str> =
        json["stages"].as_array().expect("stages").iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(stages, ["Source", "Build", "Approve", "Deploy"]);
    assert_eq!(json["stages"][0]["executionId"], execution.as_str());
    assert_eq!(json["stages"][1]["actions"][0]["provider"], "CodeBuild");
}

#[tokio::test]
async fn an_unknown_pipeline_is_a_one_line_setup_error() {
    let env = harness::start().await;
    for cmd in
        [vec!["status", "--pipeline", "nope"], vec!["watch", "--pipeline", "nope"], vec!["logs", "--pipeline", "nope"]]
    {
        let out = run(&env, &cmd).await;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{cmd:?}: {err}");
        assert!(err.contains("\"nope\"") && err.contains("--pipeline"), "{cmd:?}: {err}");
    }
}

#[tokio::test]
async fn watch_prints_transitions_and_exit_status_is_1_on_failure() {
    let env = harness::start().await;
    let version = env.upload(&buildspec(&["echo about to fail", "exit 3"])).await;
    let execution = env.execution_for(&version).await;
    let out =
        run(&env, &["watch", "--pipeline", PIPELINE, "--execution", &execution, "--exit-status", "--interval", "0.2"])
            .await;
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("stage Build Failed"), "{text}");
    assert!(text.contains("action Build/Build Failed"), "{text}");
    assert!(text.trim_end().ends_with(&format!("execution {execution} Failed")), "{text}");
    // One line per transition: no status is printed twice in a row for a stage.
    let build_failed = text.lines().filter(|l| l.ends_with("stage Build Failed")).count();
    assert_eq!(build_failed, 1, "{text}");
}

#[tokio::test]
async fn watch_exit_status_is_0_when_the_execution_succeeds() {
    use tokio::io::AsyncBufReadExt;
    let env = harness::start().await;
    let version = env.upload(&buildspec(&["echo ok"])).await;
    let execution = env.execution_for(&version).await;
    let mut child =
        pipewatch(["watch", "--pipeline", PIPELINE, "--exit-status", "--interval", "0.2"]).sandbox(&env).spawn();
    let mut lines = tokio::io::BufReader::new(child.child.stdout.take().expect("stdout")).lines();
    let mut text = String::new();
    let read_all = async {
        // Approve only once watch has shown the pending approval, so both
        // sides of that transition are seen.
        while let Some(line) = lines.next_line().await.expect("read") {
            if line.ends_with("stage Approve InProgress") {
                env.approve_pending(&execution).await;
            }
            text.push_str(&line);
            text.push('\n');
        }
    };
    tokio::time::timeout(Duration::from_secs(120), read_all).await.expect("watch ends");
    let status = child.child.wait().await.expect("wait");
    assert_eq!(status.code(), Some(0), "{text}");
    assert!(text.contains(&format!("watching {PIPELINE} execution {execution}")), "{text}");
    for line in
        ["stage Build Succeeded", "stage Approve InProgress", "stage Approve Succeeded", "stage Deploy Succeeded"]
    {
        assert!(text.contains(line), "{line}: {text}");
    }
    let approve_in = text.find("stage Approve InProgress").expect("in progress");
    let approve_ok = text.find("stage Approve Succeeded").expect("succeeded");
    assert!(approve_in < approve_ok, "{text}");
    assert!(text.trim_end().ends_with(&format!("execution {execution} Succeeded")), "{text}");
}

/// Every event of the stream through the SDK, sanitised as the command does,
/// and whether the raw stream held an escape sequence. The build must have
/// ended; its lines may still be arriving (the agent ships them late), which
/// `complete_log` waits out.
async fn all_lines(env: &Env, build: &str) -> (Vec<String>, bool) {
    let raw = harness::complete_log(env, &env.build(build).await).await;
    let raw_escape = raw.iter().any(|m| m.contains('\u{1b}'));
    let lines = raw.iter().flat_map(|m| pipewatch::sanitize::sanitize(m)).map(|l| l.text).collect();
    (lines, raw_escape)
}

#[tokio::test]
async fn logs_follow_prints_every_line_once_in_order_without_escapes() {
    let env = harness::start().await;
    let commands =
        ["echo line-one", "sleep 1", r"printf '\033]0;x\007'", "echo line-two", "sleep 1", "echo line-three"];
    let version = env.upload(&buildspec(&commands)).await;
    let execution = env.execution_for(&version).await;
    let build = env.build_id(&execution).await;

    let out = run(&env, &["logs", &build, "--follow", "--interval", "0.2"]).await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{text:?}");
    let printed: Vec<&str> = text.lines().collect();
    let mine: Vec<&str> = printed.iter().copied().filter(|l| l.contains("line-")).collect();
    assert_eq!(
        mine.iter().filter(|l| !l.contains("echo")).copied().collect::<Vec<_>>(),
        ["line-one", "line-two", "line-three"],
        "{text}"
    );
    // The build has ended: the whole stream, read for itself, is exactly what was printed.
    let (expected, raw_escape) = all_lines(&env, &build).await;
    assert!(raw_escape, "the build printed an escape sequence for the command to strip");
    assert_eq!(printed, expected);

    let out = run(&env, &["logs", "--pipeline", PIPELINE]).await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(stdout(&out).lines().collect::<Vec<_>>(), expected);
}

#[tokio::test]
async fn completions_cover_the_subcommands() {
    let out = pipewatch(["completions", "bash"]).run();
    assert_eq!(out.status.code(), Some(0));
    let script = String::from_utf8_lossy(&out.stdout);
    for sub in ["status", "watch", "logs", "completions", "push", "sandbox", "--exit-status", "--follow"] {
        assert!(script.contains(sub), "{sub}");
    }
    let out = pipewatch(["completions", "tcsh"]).run();
    assert_eq!(out.status.code(), Some(2));
}

/// The JSON with what differs from run to run (ids, times, ages) masked, so
/// a snapshot pins the shape and the stable values.
fn masked(value: &serde_json::Value) -> serde_json::Value {
    const VOLATILE: [&str; 8] =
        ["executionId", "externalId", "lastChange", "ageSecs", "startTime", "lastUpdateTime", "revisionId", "id"];
    match value {
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                let v = if VOLATILE.contains(&k.as_str()) && !v.is_null() { "<varies>".into() } else { masked(v) };
                (k.clone(), v)
            })
            .collect(),
        serde_json::Value::Array(items) => items.iter().map(masked).collect(),
        other => other.clone(),
    }
}

#[tokio::test]
async fn status_json_is_stable_at_a_waiting_approval() {
    let env = harness::start().await;
    let version = env.upload(&buildspec(&["echo hi"])).await;
    let execution = env.execution_for(&version).await;
    env.wait_stage(&execution, "Approve", "InProgress").await;
    let list = json_of(&run(&env, &["status", "--json"]).await);
    insta::assert_snapshot!("status_json_list", serde_json::to_string_pretty(&masked(&list)).unwrap());
    let one = json_of(&run(&env, &["status", "--pipeline", PIPELINE, "--json"]).await);
    insta::assert_snapshot!("status_json_pipeline", serde_json::to_string_pretty(&masked(&one)).unwrap());
}

/// CloudWatch Logs API Reference, GetLogEvents: "The token expires after 24
/// hours." A follower idle at the end of a stream keeps the token it was
/// handed back; here tokens live 1 s, so `logs -f` must resume from the last
/// line's time (startTime) and print nothing twice.
#[tokio::test]
async fn logs_follow_rides_out_expiring_tokens_without_repeats() {
    let realism = pipewatch::sandbox::realism::Realism { token_ttl: Duration::from_secs(1), ..Default::default() };
    let env =
        harness::start_with(pipewatch::sandbox::Options { realism, ..pipewatch::sandbox::Options::ephemeral() }).await;
    let commands = ["for i in $(seq 1 30); do echo \"tick $i\"; sleep 0.3; done", "sleep 3", "echo tock"];
    let version = env.upload(&buildspec(&commands)).await;
    let execution = env.execution_for(&version).await;
    let build = env.build_id(&execution).await;
    let out = run(&env, &["logs", &build, "--follow"]).await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = stdout(&out);
    let mine: Vec<&str> = text.lines().filter(|l| l.starts_with("tick ") || *l == "tock").collect();
    let want: Vec<String> = (1..=30).map(|i| format!("tick {i}")).chain(["tock".to_string()]).collect();
    assert_eq!(mine, want, "{text}");
    let (expected, _) = all_lines(&env, &build).await;
    assert_eq!(text.lines().collect::<Vec<_>>(), expected, "the whole stream, once");
}

/// CodeBuild API Reference, LogsConfig/LogsLocation: with CloudWatch Logs
/// DISABLED and S3 logs ENABLED the build has no stream, only `s3LogsArn`;
/// `pipewatch logs` reads that object (the CodeBuild User Guide's `<id>.gz`).
#[tokio::test]
async fn logs_reads_an_s3_only_build_log_from_s3() {
    let env = harness::start().await;
    let out = env.codebuild().start_build().project_name("mlops-demo-s3logs").send().await.expect("start build");
    let id = out.build_value().and_then(|b| b.id()).expect("a build id").to_string();
    // Started while the build runs: --follow waits for the object.
    let out = run(&env, &["logs", &id, "--follow"]).await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = stdout(&out);
    assert!(text.lines().any(|l| l == "This log is in S3, not in CloudWatch Logs"), "{text}");
    assert!(text.lines().any(|l| l.ends_with("Phase complete: BUILD State: SUCCEEDED")), "{text}");
    // Once there, the same without --follow.
    let again = run(&env, &["logs", &id]).await;
    assert_eq!(stdout(&again), text);
}
