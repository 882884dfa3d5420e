//! The headless read-only commands through the real binary against the
//! sandbox: `status` (table and JSON), `watch` (transitions, exit codes),
//! `logs` (every line once, sanitised), `completions`, setup errors.

use std::process::Output;
use std::time::Duration;

use crate::harness::{self, Env, eventually};
use crate::sandbox_pipeline::{approve_pending, execution_for, upload, wait_stage};

const PIPELINE: &str = "mlops-demo";

fn spec(commands: &[&str]) -> String {
    let mut s = String::from("version: 0.2\nphases:\n  build:\n    commands:\n");
    for c in commands {
        s.push_str(&format!("      - {c}\n"));
    }
    s.push_str("artifacts:\n  files:\n    - '**/*'\n");
    s
}

fn command(env: &Env, args: &[&str]) -> tokio::process::Command {
    let c = env.sandbox.credentials();
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_pipewatch"));
    cmd.args(args)
        .args(["--endpoint-url", &env.sandbox.endpoint()])
        .env("AWS_ACCESS_KEY_ID", &c.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &c.secret_access_key)
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    cmd
}

async fn run(env: &Env, args: &[&str]) -> Output {
    let out = command(env, args).output();
    tokio::time::timeout(Duration::from_secs(120), out).await.expect("command finishes").expect("runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json_of(out: &Output) -> serde_json::Value {
    let text = stdout(out);
    serde_json::from_str(text.trim())
        .unwrap_or_else(|e| panic!("{e}: stdout {text:?} stderr {}", String::from_utf8_lossy(&out.stderr)))
}

async fn build_id(env: &Env, execution: &str) -> String {
    eventually("the build id", Duration::from_secs(60), || async {
        let state = env.codepipeline().get_pipeline_state().name(PIPELINE).send().await.ok()?;
        let st = state.stage_states().iter().find(|s| s.stage_name() == Some("Build"))?.clone();
        let latest = st.latest_execution()?;
        if latest.pipeline_execution_id() != execution {
            return None;
        }
        st.action_states().first()?.latest_execution()?.external_execution_id().map(str::to_string)
    })
    .await
}

#[tokio::test]
async fn status_prints_a_table_and_stable_json() {
    let env = harness::start().await;
    let version = upload(&env, &spec(&["echo hi"])).await;
    let execution = execution_for(&env, &version).await;

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
    let version = upload(&env, &spec(&["echo about to fail", "exit 3"])).await;
    let execution = execution_for(&env, &version).await;
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
    let version = upload(&env, &spec(&["echo ok"])).await;
    let execution = execution_for(&env, &version).await;
    let mut child = command(&env, &["watch", "--pipeline", PIPELINE, "--exit-status", "--interval", "0.2"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut lines = tokio::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut text = String::new();
    let read_all = async {
        // Approve only once watch has shown the pending approval, so both
        // sides of that transition are seen.
        while let Some(line) = lines.next_line().await.expect("read") {
            if line.ends_with("stage Approve InProgress") {
                approve_pending(&env, &execution).await;
            }
            text.push_str(&line);
            text.push('\n');
        }
    };
    tokio::time::timeout(Duration::from_secs(120), read_all).await.expect("watch ends");
    let status = child.wait().await.expect("wait");
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
/// and whether the raw stream held an escape sequence.
async fn all_lines(env: &Env, build: &str) -> (Vec<String>, bool) {
    let b = env.codebuild().batch_get_builds().ids(build).send().await.expect("get build");
    let logs = b.builds()[0].logs().expect("logs").clone();
    let (group, stream) = (logs.group_name().expect("group"), logs.stream_name().expect("stream"));
    let mut lines = Vec::new();
    let mut raw_escape = false;
    let mut token: Option<String> = None;
    loop {
        let req = env.logs().get_log_events().log_group_name(group).log_stream_name(stream);
        let req = match &token {
            Some(t) => req.next_token(t),
            None => req.start_from_head(true),
        };
        let page = req.send().await.expect("get log events");
        for e in page.events() {
            raw_escape |= e.message().unwrap_or("").contains('\u{1b}');
            lines.extend(pipewatch::sanitize::sanitize(e.message().unwrap_or("")).into_iter().map(|l| l.text));
        }
        let next = page.next_forward_token().map(str::to_string);
        if next == token {
            return (lines, raw_escape);
        }
        token = next;
    }
}

#[tokio::test]
async fn logs_follow_prints_every_line_once_in_order_without_escapes() {
    let env = harness::start().await;
    let commands =
        ["echo line-one", "sleep 1", r"printf '\033]0;x\007'", "echo line-two", "sleep 1", "echo line-three"];
    let version = upload(&env, &spec(&commands)).await;
    let execution = execution_for(&env, &version).await;
    let build = build_id(&env, &execution).await;

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
    // The build has ended, so the stream is complete: exactly its lines, once.
    let (expected, raw_escape) = all_lines(&env, &build).await;
    assert!(raw_escape, "the build printed an escape sequence for the command to strip");
    assert_eq!(printed, expected);

    let out = run(&env, &["logs", "--pipeline", PIPELINE]).await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(stdout(&out).lines().collect::<Vec<_>>(), expected);
}

#[tokio::test]
async fn completions_cover_the_subcommands() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pipewatch"))
        .args(["completions", "bash"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let script = String::from_utf8_lossy(&out.stdout);
    for sub in ["status", "watch", "logs", "completions", "push", "sandbox", "--exit-status", "--follow"] {
        assert!(script.contains(sub), "{sub}");
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pipewatch"))
        .args(["completions", "tcsh"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

/// The JSON with what differs from run to run (ids, times, ages) masked, so
/// a snapshot pins the shape and the stable values.
fn masked(value: &serde_json::Value) -> serde_json::Value {
    const VOLATILE: [&str; 7] =
        ["executionId", "externalId", "lastChange", "ageSecs", "startTime", "lastUpdateTime", "revisionId"];
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
    let version = upload(&env, &spec(&["echo hi"])).await;
    let execution = execution_for(&env, &version).await;
    wait_stage(&env, &execution, "Approve", "InProgress").await;
    let list = json_of(&run(&env, &["status", "--json"]).await);
    insta::assert_snapshot!("status_json_list", serde_json::to_string_pretty(&masked(&list)).unwrap());
    let one = json_of(&run(&env, &["status", "--pipeline", PIPELINE, "--json"]).await);
    insta::assert_snapshot!("status_json_pipeline", serde_json::to_string_pretty(&masked(&one)).unwrap());
}
