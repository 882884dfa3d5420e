//! Every request must be signed with the sandbox's credentials.

use crate::harness;
use pipewatch::sandbox::Credentials;

#[tokio::test]
async fn signed_requests_pass_and_wrong_credentials_get_the_services_own_errors() {
    let env = harness::start().await;
    let who = env.sts().get_caller_identity().send().await.expect("sts works");
    assert_eq!(who.account(), Some(pipewatch::sandbox::ACCOUNT_ID));

    let wrong_key = Credentials { access_key_id: "AKIAWRONG".into(), secret_access_key: "x".into() };
    let bad = harness::sdk_config(&env.sandbox.endpoint(), &wrong_key).await;
    let err = aws_sdk_sts::Client::new(&bad).get_caller_identity().send().await.unwrap_err();
    assert_eq!(err.into_service_error().meta().code(), Some("InvalidClientTokenId"));

    let wrong_secret = Credentials { secret_access_key: "not-the-secret".into(), ..env.sandbox.credentials().clone() };
    let bad = harness::sdk_config(&env.sandbox.endpoint(), &wrong_secret).await;
    let err = aws_sdk_sts::Client::new(&bad).get_caller_identity().send().await.unwrap_err();
    assert_eq!(err.into_service_error().meta().code(), Some("SignatureDoesNotMatch"));
}

#[tokio::test]
async fn malformed_bodies_and_unknown_operations_get_json_errors() {
    let env = harness::start().await;
    let target =
        [("x-amz-target", "CodePipeline_20150709.ListPipelines"), ("content-type", "application/x-amz-json-1.1")];
    let (status, body) = harness::raw_signed(&env, "codepipeline", &target, b"{not json").await;
    assert_eq!(status, 400);
    assert!(body.contains("SerializationException"), "{body}");

    let unknown =
        [("x-amz-target", "CodePipeline_20150709.LaunchRockets"), ("content-type", "application/x-amz-json-1.1")];
    let (status, body) = harness::raw_signed(&env, "codepipeline", &unknown, b"{}").await;
    assert_eq!(status, 400);
    assert!(body.contains("UnknownOperationException"), "{body}");

    let (status, body) = harness::raw_signed(&env, "codepipeline", &target, b"{}").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("mlops-demo"), "{body}");
}

#[tokio::test]
async fn an_unsigned_request_is_refused_before_any_service_runs() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let env = harness::start().await;
    let body = "{}";
    let req = format!(
        "POST / HTTP/1.1\r\nhost: x\r\nx-amz-target: CodePipeline_20150709.StartPipelineExecution\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(env.sandbox.addr).await.unwrap();
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut resp = String::new();
    stream.read_to_string(&mut resp).await.unwrap();
    assert!(resp.starts_with("HTTP/1.1 400"), "{resp}");
    assert!(resp.contains("MissingAuthenticationTokenException"), "{resp}");
    let listed = env.codepipeline().list_pipeline_executions().pipeline_name("mlops-demo").send().await.unwrap();
    assert!(listed.pipeline_execution_summaries().is_empty(), "nothing was started");
}
