//! Headless commands under throttling and an outage, through the binary:
//! they back off and carry on instead of exiting after a few failures.
//! Documents: AWS SDKs and Tools Reference Guide, "Retry behavior" (standard
//! mode: exponential backoff with full jitter, throttling and transient
//! errors retried); CodePipeline API Reference, "Common Errors"
//! (ThrottlingException, HTTP 400; ServiceUnavailable, HTTP 503).

use std::process::Output;
use std::time::Duration;

use pipewatch::sandbox::Options;

use crate::harness::{self, Env};
use crate::sandbox_pipeline::{execution_for, upload};

const PIPELINE: &str = "mlops-demo";

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
    tokio::time::timeout(Duration::from_secs(180), out).await.expect("command finishes").expect("runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn spec(commands: &[&str]) -> String {
    let mut s = String::from("version: 0.2\nphases:\n  build:\n    commands:\n");
    for c in commands {
        s.push_str(&format!("      - {c}\n"));
    }
    s
}

#[tokio::test]
async fn watch_rides_out_an_outage_longer_than_five_polls() {
    // Every API answers 503 from 6 s to 12 s after the sandbox starts; the
    // build runs past that. The old loop gave up after 5 failed polls.
    let opts = Options { chaos: Some("outage=6s@6s".parse().expect("spec")), ..Options::ephemeral() };
    let env = harness::start_with(opts).await;
    let version = upload(&env, &spec(&["sleep 14", "exit 3"])).await;
    let execution = execution_for(&env, &version).await;
    let out = run(&env, &["watch", "--pipeline", PIPELINE, "--execution", &execution, "--interval", "0.3"]).await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "stdout {stdout}\nstderr {stderr}");
    assert!(stdout.trim_end().ends_with(&format!("execution {execution} Failed")), "{stdout}");
    assert!(stderr.contains("unavailable") && stderr.contains("retrying"), "the outage is named once: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line for the whole outage: {stderr}");
}

#[tokio::test]
async fn status_does_not_abort_on_throttled_calls() {
    let opts = Options { chaos: Some("throttle=0.5".parse().expect("spec")), ..Options::ephemeral() };
    let env = harness::start_with(opts).await;
    // Three runs: each of the two calls is throttled half the time, so the
    // old single try passed all three by luck about once in 64.
    for _ in 0..3 {
        let out = run(&env, &["status"]).await;
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(0), "stdout {stdout}\nstderr {stderr}");
        assert!(stdout.lines().any(|l| l.starts_with(PIPELINE)), "{stdout}");
        assert!(
            stderr.lines().all(|l| l.contains("throttled") && l.ends_with("retrying")),
            "only 'throttled, retrying' is said: {stderr}"
        );
    }
}
