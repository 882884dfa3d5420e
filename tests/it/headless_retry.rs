//! Headless commands under throttling and an outage, through the binary:
//! they back off and carry on instead of exiting after a few failures.
//! Documents: AWS SDKs and Tools Reference Guide, "Retry behavior" (standard
//! mode: exponential backoff with full jitter, throttling and transient
//! errors retried); CodePipeline API Reference, "Common Errors"
//! (ThrottlingException, HTTP 400; ServiceUnavailable, HTTP 503).

use pipewatch::sandbox::Options;

use crate::harness::{self, PIPELINE, buildspec, pipewatch, stderr, stdout};

#[tokio::test]
async fn watch_rides_out_an_outage_longer_than_five_polls() {
    // Every API answers 503 from 6 s to 12 s after the sandbox starts; the
    // build runs past that. The old loop gave up after 5 failed polls.
    let opts = Options { chaos: Some("outage=6s@6s".parse().expect("spec")), ..Options::ephemeral() };
    let env = harness::start_with(opts).await;
    let version = env.upload(&buildspec(&["sleep 14", "exit 3"])).await;
    let execution = env.execution_for(&version).await;
    let args = ["watch", "--pipeline", PIPELINE, "--execution", &execution, "--interval", "0.3"];
    let out = pipewatch(args).sandbox(&env).output().await;
    let (stdout, stderr) = (stdout(&out), stderr(&out));
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
        let out = pipewatch(["status"]).sandbox(&env).output().await;
        let (stdout, stderr) = (stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(0), "stdout {stdout}\nstderr {stderr}");
        assert!(stdout.lines().any(|l| l.starts_with(PIPELINE)), "{stdout}");
        assert!(
            stderr.lines().all(|l| l.contains("throttled") && l.ends_with("retrying")),
            "only 'throttled, retrying' is said: {stderr}"
        );
    }
}
