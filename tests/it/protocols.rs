//! The wire protocols the sandbox answers, as the documents define them:
//! Smithy RPC v2 CBOR for the services whose API models list it (smithy.io,
//! "Smithy RPC v2 CBOR protocol"; botocore's codepipeline 2015-07-09 and
//! codebuild 2016-10-06 models list `smithy-rpc-v2-cbor`, logs 2014-03-28
//! does not), spoken by awscli/botocore and by hand; and, for a service the
//! sandbox does not speak, that protocol's own unknown-operation error naming
//! what it serves, never an S3 error.

use pipewatch::sandbox::{Options, rpcv2};
use serde_json::Value;

use crate::awscli::venv_bin;
use crate::harness::{self, Cli, Env, PIPELINE, RawResponse};

fn script() -> std::path::PathBuf {
    harness::repo_root().join("scripts/conformance.py")
}

/// botocore's reading of a service model (scripts/conformance.py facts).
async fn facts(service: &str) -> Value {
    let out = Cli::new(venv_bin("python")).arg(script()).args(["facts", service]).output().await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn rpc_v2_cbor_is_served_exactly_where_the_models_list_it() {
    for service in ["codepipeline", "codebuild", "logs"] {
        let model = facts(service).await;
        let listed = model["protocols"].as_array().unwrap().iter().any(|p| p == "smithy-rpc-v2-cbor");
        let served = rpcv2::model_facts(service);
        assert_eq!(listed, served.is_some(), "{service}: {model}");
        // What the encoder must know from the model: which members are
        // timestamps (tag 1), which operations answer no body.
        if let Some((timestamps, unit_output)) = served {
            assert_eq!(model["timestamps"], serde_json::json!(timestamps), "{service}");
            assert_eq!(model["unit_output"], serde_json::json!(unit_output), "{service}");
        }
    }
}

/// awscli, with model copies that leave it only rpc-v2-cbor (botocore prefers
/// JSON when a model lists both), on the AWS CLI's data path.
async fn aws_cbor(env: &Env, models: &std::path::Path, args: &[&str]) -> std::process::Output {
    let cli = Cli::new(venv_bin("aws")).sandbox(env).env("AWS_DATA_PATH", models);
    cli.args(["--output", "json"]).args(args).output().await
}

#[tokio::test]
async fn awscli_reads_and_fails_over_rpc_v2_cbor() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("answers.jsonl");
    let env = harness::start_with(Options { record_responses: Some(record.clone()), ..Options::ephemeral() }).await;
    let models = dir.path().join("models");
    let out = Cli::new(venv_bin("python")).arg(script()).arg("cbor-models").arg(&models).output().await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = aws_cbor(&env, &models, &["codepipeline", "get-pipeline", "--name", PIPELINE]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["pipeline"]["name"], PIPELINE);
    // awscli v1 prints timestamps as they came (its default timestamp format
    // is "none"); the tag around them is checked by hand below.
    assert!(got["metadata"]["created"].as_f64().is_some_and(|t| t > 1.7e9), "{got}");
    let out = aws_cbor(&env, &models, &["codebuild", "batch-get-projects", "--names", "mlops-demo-build"]).await;
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["projects"][0]["name"], "mlops-demo-build");
    // EnableStageTransition's output is Unit: an empty 200 that awscli accepts.
    let enable = ["codepipeline", "enable-stage-transition", "--pipeline-name", PIPELINE];
    let out =
        aws_cbor(&env, &models, &[&enable[..], &["--stage-name", "Build", "--transition-type", "Inbound"]].concat())
            .await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = aws_cbor(&env, &models, &["codepipeline", "get-pipeline", "--name", "nope"]).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("(PipelineNotFoundException)"), "{err}");

    // The sandbox saw these as rpc-v2-cbor requests.
    let text = std::fs::read_to_string(&record).unwrap();
    let cbor: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["protocol"] == "rpc-v2-cbor")
        .collect();
    let ops: Vec<&str> = cbor.iter().filter_map(|r| r["operation"].as_str()).collect();
    assert_eq!(ops, ["GetPipeline", "BatchGetProjects", "EnableStageTransition", "GetPipeline"]);
}

fn cbor_text(s: &str) -> Vec<u8> {
    let mut e = minicbor::Encoder::new(Vec::new());
    e.str(s).unwrap();
    e.into_writer()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn cbor_call(env: &Env, path: &str, extra: &[(&str, &str)], body: &[u8]) -> RawResponse {
    let mut headers = vec![("smithy-protocol", "rpc-v2-cbor"), ("accept", "application/cbor")];
    if !body.is_empty() {
        headers.push(("content-type", "application/cbor"));
    }
    headers.extend_from_slice(extra);
    harness::raw_request(env, "codepipeline", path, &headers, body).await
}

/// The exact wire format, built by hand: the request path and headers, a CBOR
/// map body; the response's Smithy-Protocol and Content-Type, tag 1
/// timestamps, and errors as a map with `__type` (the absolute shape ID) and
/// `message`, without X-Amzn-ErrorType.
#[tokio::test]
async fn a_hand_built_cbor_request_gets_the_documented_wire_format() {
    let env = harness::start().await;
    let mut e = minicbor::Encoder::new(Vec::new());
    e.map(1).unwrap().str("name").unwrap().str(PIPELINE).unwrap();
    let body = e.into_writer();

    let ok = cbor_call(&env, "/service/CodePipeline_20150709/operation/GetPipeline", &[], &body).await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.header("smithy-protocol"), Some("rpc-v2-cbor"));
    assert_eq!(ok.header("content-type"), Some("application/cbor"));
    // "created": tag 1 (0xc1) around a double (0xfb).
    assert!(contains(&ok.body, &[&cbor_text("created")[..], &[0xc1, 0xfb]].concat()), "{:02x?}", ok.body);
    assert!(contains(&ok.body, &cbor_text(PIPELINE)));

    let mut e = minicbor::Encoder::new(Vec::new());
    e.map(1).unwrap().str("name").unwrap().str("nope").unwrap();
    let err = cbor_call(&env, "/service/CodePipeline_20150709/operation/GetPipeline", &[], &e.into_writer()).await;
    assert_eq!(err.status, 400);
    assert_eq!(err.header("smithy-protocol"), Some("rpc-v2-cbor"));
    assert_eq!(err.header("x-amzn-errortype"), None);
    assert!(contains(&err.body, &cbor_text("__type")));
    assert!(contains(&err.body, &cbor_text("com.amazonaws.codepipeline#PipelineNotFoundException")));
    assert!(contains(&err.body, &cbor_text("message")));

    // A prefix before /service/ and the service's absolute shape ID route the same;
    // an input-less request may have no body.
    for path in [
        "/v1/service/CodePipeline_20150709/operation/ListPipelines",
        "/service/com.amazonaws.codebuild.CodeBuild_20161006/operation/ListProjects",
    ] {
        let resp = cbor_call(&env, path, &[], b"").await;
        assert_eq!(resp.status, 200, "{path}");
    }
    // The protocol forbids X-Amz-Target; a server must refuse the request.
    let path = "/service/CodePipeline_20150709/operation/ListPipelines";
    let target = [("x-amz-target", "CodePipeline_20150709.ListPipelines")];
    let refused = cbor_call(&env, path, &target, b"").await;
    assert_eq!(refused.status, 404);
    assert!(contains(&refused.body, &cbor_text("UnknownOperationException")));
    // A body that is not CBOR is an unsupported media type.
    let json = harness::raw_request(
        &env,
        "codepipeline",
        path,
        &[("smithy-protocol", "rpc-v2-cbor"), ("content-type", "application/json")],
        b"{}",
    )
    .await;
    assert_eq!(json.status, 415);
}

/// A request for a service the sandbox does not speak gets the unknown
/// operation/action error of its own protocol, naming what is served.
#[tokio::test]
async fn unknown_services_get_their_own_protocols_error() {
    let env = harness::start().await;
    let aws = |args: &'static [&'static str]| {
        let env = &env;
        async move { Cli::new(venv_bin("aws")).sandbox(env).args(args).output().await }
    };
    // IAM (query protocol): InvalidAction.
    let out = aws(&["iam", "list-users"]).await;
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success());
    assert!(err.contains("(InvalidAction)") && err.contains("ListUsers") && err.contains("CodePipeline"), "{err}");
    // SQS (JSON 1.0, X-Amz-Target AmazonSQS.*): UnknownOperationException.
    let out = aws(&["sqs", "list-queues"]).await;
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("(UnknownOperationException)") && err.contains("AmazonSQS.ListQueues"), "{err}");

    // An unknown X-Amz-Target prefix, by hand: a JSON error, not S3's XML.
    let target = [("x-amz-target", "Foo_20200101.Bar"), ("content-type", "application/x-amz-json-1.1")];
    let (status, body) = harness::raw_signed(&env, "foo", &target, b"{}").await;
    assert_eq!(status, 400);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["__type"], "UnknownOperationException");
    assert!(body["message"].as_str().unwrap().contains("Foo_20200101.Bar"), "{body}");

    // CloudWatch Logs over CBOR (its model lists JSON only): the protocol's
    // routing failure, a 404 UnknownOperationException in CBOR.
    let logs = cbor_call(&env, "/service/Logs_20140328/operation/DescribeLogGroups", &[], b"").await;
    assert_eq!(logs.status, 404);
    assert_eq!(logs.header("content-type"), Some("application/cbor"));
    assert!(contains(&logs.body, &cbor_text("UnknownOperationException")));
    assert!(contains(&logs.body, b"CodePipeline_20150709"), "{}", String::from_utf8_lossy(&logs.body));
}
