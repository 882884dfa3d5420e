//! `pipewatch sandbox` as a user runs it: the printed credentials work, the
//! request log records calls, chaos answers in AWS's error shapes, and a
//! non-loopback address is refused.

use pipewatch::sandbox::{self, Credentials, Options};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::harness::{self, pipewatch};

#[tokio::test]
async fn the_binary_prints_credentials_then_listening_and_they_work() {
    let mut run = pipewatch(["sandbox", "--addr", "127.0.0.1:0"]).spawn();
    let mut lines = BufReader::new(run.child.stdout.take().unwrap()).lines();
    let (mut id, mut secret, mut endpoint) = (None, None, None);
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(v) = line.strip_prefix("export AWS_ACCESS_KEY_ID=") {
            id = Some(v.to_string());
        } else if let Some(v) = line.strip_prefix("export AWS_SECRET_ACCESS_KEY=") {
            secret = Some(v.to_string());
        } else if let Some(v) = line.strip_prefix("listening on ") {
            endpoint = Some(v.to_string());
            break;
        }
    }
    let creds =
        Credentials { access_key_id: id.expect("key printed"), secret_access_key: secret.expect("secret printed") };
    let endpoint = endpoint.expect("listening line");
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
    let sdk = harness::sdk_config(&endpoint, &creds).await;
    let out = aws_sdk_codepipeline::Client::new(&sdk).list_pipelines().send().await.expect("list pipelines");
    // The demo pipeline, its cross-Region sibling and the V2 (QUEUED) demo.
    assert_eq!(out.pipelines().len(), 3);
    run.child.kill().await.unwrap();
}

#[test]
fn a_public_address_is_refused_without_allow_remote() {
    let out = pipewatch(["sandbox", "--addr", "0.0.0.0:0"]).run();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--allow-remote"), "{err}");
}

#[test]
fn a_bad_chaos_spec_is_a_usage_error() {
    let out = pipewatch(["sandbox", "--chaos", "throttle=7"]).run();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("probability"));
}

#[test]
fn bad_deny_rates_and_bandwidth_specs_are_usage_errors() {
    for (args, reason) in [
        (["--deny", "ListBucket"], "IAM action like s3:ListBucket"),
        (["--rates", "GetLogEvents=fast"], "requests per second"),
        (["--chaos", "bandwidth=2Mbit/s"], "bytes per second"),
        (["--poll-interval", "soon"], "duration"),
    ] {
        let out = pipewatch(["sandbox"]).args(args).run();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(reason), "{args:?}: {out:?}");
    }
}

#[tokio::test]
async fn the_request_log_has_one_json_line_per_request() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("requests.jsonl");
    let env = harness::start_with(Options { request_log: Some(path.clone()), ..Options::ephemeral() }).await;
    env.codepipeline().list_pipelines().send().await.unwrap();
    let _ = env.codepipeline().get_pipeline_state().name("nope").send().await;
    env.sts().get_caller_identity().send().await.unwrap();
    env.s3().get_bucket_versioning().bucket("pipewatch-demo-source").send().await.unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ops: Vec<(&str, &str, u64)> = lines
        .iter()
        .map(|l| (l["service"].as_str().unwrap(), l["operation"].as_str().unwrap(), l["status"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        ops,
        [
            ("codepipeline", "ListPipelines", 200),
            ("codepipeline", "GetPipelineState", 400),
            ("sts", "GetCallerIdentity", 200),
            ("s3", "GetBucketVersioning", 200)
        ]
    );
    assert!(lines.iter().all(|l| l["ms"].as_f64().is_some() && l["time"].as_str().is_some()));
}

#[tokio::test]
async fn chaos_throttles_in_each_services_own_shape() {
    let opts = Options { chaos: Some("throttle=1".parse().unwrap()), ..Options::ephemeral() };
    let env = harness::start_with(opts).await;
    let err = env.codepipeline().list_pipelines().send().await.unwrap_err();
    assert_eq!(err.into_service_error().meta().code(), Some("ThrottlingException"));
    let err = env.s3().get_bucket_versioning().bucket("pipewatch-demo-source").send().await.unwrap_err();
    let raw = err.raw_response().map(|r| r.status().as_u16());
    assert_eq!(raw, Some(503));
    assert_eq!(err.into_service_error().meta().code(), Some("SlowDown"));

    let opts = Options { chaos: Some("outage=60s@0s".parse().unwrap()), ..Options::ephemeral() };
    let env = harness::start_with(opts).await;
    let err = env.logs().describe_log_groups().send().await.unwrap_err();
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(503));
    let _ = sandbox::ACCOUNT_ID;
}
