//! Where AWS refuses or slows a caller on purpose, the sandbox does too, by
//! default: request-rate buckets per operation, AccessDenied for IAM actions
//! the caller lacks, and (as chaos) a slow uplink for uploads.

use std::time::{Duration, Instant};

use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use futures_util::future::join_all;
use pipewatch::sandbox::Options;

use crate::harness::{self, Env};

const BUCKET: &str = "pipewatch-demo-source";

/// (HTTP status, error code, message) of a failed call.
fn failure<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> (u16, String, String) {
    let status = err.raw_response().map(|r| r.status().as_u16()).unwrap_or(0);
    let e = err.as_service_error();
    let text = |s: Option<&str>| s.unwrap_or("<none>").to_string();
    (status, text(e.and_then(|e| e.code())), text(e.and_then(|e| e.message())))
}

async fn log_stream(env: &Env) {
    let logs = env.logs();
    logs.create_log_group().log_group_name("g").send().await.unwrap();
    logs.create_log_stream().log_group_name("g").log_stream_name("s").send().await.unwrap();
}

/// Fires `n` GetLogEvents at once; returns the failures.
async fn get_log_events_burst(logs: &aws_sdk_cloudwatchlogs::Client, n: usize) -> Vec<(u16, String, String)> {
    let calls = (0..n).map(|_| logs.get_log_events().log_group_name("g").log_stream_name("s").send());
    join_all(calls).await.iter().filter_map(|r| r.as_ref().err().map(failure)).collect()
}

// CloudWatch Logs quotas: GetLogEvents 10 transactions per second per account
// and Region (the design figure in /work/shared/aws-reference.md); a bucket holds
// one second's worth. Throttling is ThrottlingException, HTTP 400, in JSON 1.1.
#[tokio::test]
async fn get_log_events_beyond_ten_a_second_is_throttled_as_aws_throttles() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.jsonl");
    let env = harness::start_with(Options { request_log: Some(log.clone()), ..Options::ephemeral() }).await;
    log_stream(&env).await;
    let failures = get_log_events_burst(&env.logs(), 16).await;
    assert!((5..=6).contains(&failures.len()), "16 at once against a bucket of 10: {failures:?}");
    for f in &failures {
        assert_eq!(f, &(400, "ThrottlingException".to_string(), "Rate exceeded".to_string()));
    }
    // Each Region has its own bucket: eu-west-1's is full.
    let eu = aws_sdk_cloudwatchlogs::Client::new(&harness::in_region(&env.sdk, "eu-west-1"));
    let err = eu.get_log_events().log_group_name("g").log_stream_name("s").send().await.unwrap_err();
    assert_eq!(failure(&err).1, "ResourceNotFoundException", "not throttled; and the group is us-east-1's");
    // The bucket refills at the rate.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(get_log_events_burst(&env.logs(), 10).await.is_empty());
    // Every throttled answer is in the request log.
    let text = std::fs::read_to_string(&log).unwrap();
    let logged = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["operation"] == "GetLogEvents" && v["error"] == "ThrottlingException" && v["status"] == 400)
        .count();
    assert_eq!(logged, failures.len());
}

// CodePipeline and CodeBuild publish no API rates (CodePipeline User Guide,
// "Quotas in AWS CodePipeline"; CodeBuild's quotas likewise): the sandbox
// holds each operation to 10 a second, answering as JSON 1.1 services do.
#[tokio::test]
async fn codepipeline_and_codebuild_throttle_with_their_own_error_shape() {
    let env = harness::start().await;
    let cp = env.codepipeline();
    let states = join_all((0..14).map(|_| cp.get_pipeline_state().name("mlops-demo").send())).await;
    let throttled: Vec<_> = states.iter().filter_map(|r| r.as_ref().err().map(failure)).collect();
    assert!(!throttled.is_empty() && throttled.len() <= 4, "{throttled:?}");
    assert!(throttled.iter().all(|f| f == &(400, "ThrottlingException".into(), "Rate exceeded".into())));
    let cb = env.codebuild();
    let builds = join_all((0..14).map(|_| cb.batch_get_builds().ids("mlops-demo-build:x").send())).await;
    let throttled: Vec<_> = builds.iter().filter_map(|r| r.as_ref().err().map(failure)).collect();
    assert!(!throttled.is_empty() && throttled.iter().all(|f| f.0 == 400 && f.1 == "ThrottlingException"));
    // Another operation has its own bucket.
    cp.list_pipelines().send().await.expect("ListPipelines is not GetPipelineState");
}

// S3 user guide, "Best practices design patterns: optimizing Amazon S3
// performance": past the request rate of a prefix, S3 answers 503 SlowDown.
// `--rates s3:*=3` lowers S3's 5,500 reads per second so a test can reach it.
#[tokio::test]
async fn s3_past_its_rate_answers_503_slow_down() {
    let rates = "s3:*=3".parse().unwrap();
    let env = harness::start_with(Options { rates, ..Options::ephemeral() }).await;
    let s3 = env.s3();
    let heads = join_all((0..6).map(|_| s3.head_bucket().bucket(BUCKET).send())).await;
    let slow: Vec<u16> = heads.iter().filter_map(|r| r.as_ref().err()).map(|e| failure(e).0).collect();
    assert!((3..=4).contains(&slow.len()) && slow.iter().all(|s| *s == 503), "{slow:?}");
    let gets = join_all((0..6).map(|_| s3.get_object().bucket(BUCKET).key("dir/k").send())).await;
    let codes: Vec<String> = gets.iter().filter_map(|r| r.as_ref().err()).map(|e| failure(e).1).collect();
    assert!(codes.iter().any(|c| c == "SlowDown"), "{codes:?}");
}

#[tokio::test]
async fn lenient_mode_has_no_rate_buckets() {
    let env = harness::start_with(Options { lenient: true, ..Options::ephemeral() }).await;
    log_stream(&env).await;
    assert_eq!(get_log_events_burst(&env.logs(), 40).await, Vec::new());
}

// IAM User Guide, "Troubleshoot access denied error messages": an implicit
// deny reads "User: ARN is not authorized to perform: ACTION on resource: ARN
// because no identity-based policy allows the ACTION action".
#[tokio::test]
async fn denied_actions_answer_access_denied_as_each_service_does() {
    let deny = "s3:ListBucket,codebuild:BatchGetBuilds,logs:Get*".parse().unwrap();
    let env = harness::start_with(Options { deny, ..Options::ephemeral() }).await;
    let err = env.codebuild().batch_get_builds().ids("mlops-demo-build:1234").send().await.unwrap_err();
    let (status, code, message) = failure(&err);
    assert_eq!((status, code.as_str()), (400, "AccessDeniedException"));
    assert_eq!(
        message,
        "User: arn:aws:iam::123456789012:user/sandbox is not authorized to perform: codebuild:BatchGetBuilds on resource: arn:aws:codebuild:us-east-1:123456789012:project/mlops-demo-build because no identity-based policy allows the codebuild:BatchGetBuilds action"
    );
    let err = env.logs().get_log_events().log_group_name("g").log_stream_name("s").send().await.unwrap_err();
    let (_, code, message) = failure(&err);
    assert_eq!(code, "AccessDeniedException");
    assert!(
        message.contains("logs:GetLogEvents on resource: arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s")
    );
    env.codebuild().list_projects().send().await.expect("codebuild:ListProjects is allowed");
    let err = env.s3().list_objects_v2().bucket(BUCKET).send().await.unwrap_err();
    assert_eq!(failure(&err).0, 403);
    assert_eq!(failure(&err).1, "AccessDenied");
}

// S3 API Reference, HeadObject and GetObject, "Permissions": a missing key is
// 404 with s3:ListBucket and 403 without it.
#[tokio::test]
async fn a_missing_key_is_403_without_list_bucket_and_404_with_it() {
    let deny = "s3:ListBucket".parse().unwrap();
    let env = harness::start_with(Options { deny, ..Options::ephemeral() }).await;
    let s3 = env.s3();
    let head = s3.head_object().bucket(BUCKET).key("missing.zip").send().await.unwrap_err();
    assert_eq!(failure(&head).0, 403);
    let get = s3.get_object().bucket(BUCKET).key("missing.zip").send().await.unwrap_err();
    assert_eq!((failure(&get).0, failure(&get).1.as_str()), (403, "AccessDenied"));
    s3.put_object().bucket(BUCKET).key("there.zip").body(ByteStream::from_static(b"x")).send().await.unwrap();
    s3.head_object().bucket(BUCKET).key("there.zip").send().await.expect("s3:GetObject is allowed");

    let allowed = harness::start().await;
    let head = allowed.s3().head_object().bucket(BUCKET).key("missing.zip").send().await.unwrap_err();
    assert_eq!(failure(&head).0, 404);
}

// A single PUT may carry up to 5 GB (S3 user guide, "Uploading objects"): over
// a slow link that takes minutes. `bandwidth=` paces how fast the sandbox reads
// PutObject and UploadPart bodies, so clients meet that here.
#[tokio::test]
async fn uploads_are_no_faster_than_the_bandwidth() {
    let chaos = Some("bandwidth=1MiB/s".parse().unwrap());
    let env = harness::start_with(Options { chaos, ..Options::ephemeral() }).await;
    let s3 = env.s3();
    let body = vec![7u8; 2 * 1024 * 1024];
    let t = Instant::now();
    s3.put_object().bucket(BUCKET).key("big.zip").body(ByteStream::from(body.clone())).send().await.unwrap();
    assert!(t.elapsed() >= Duration::from_millis(1800), "2 MiB at 1 MiB/s took {:?}", t.elapsed());

    let up = s3.create_multipart_upload().bucket(BUCKET).key("parts.zip").send().await.unwrap();
    let id = up.upload_id().unwrap();
    let t = Instant::now();
    let part = s3
        .upload_part()
        .bucket(BUCKET)
        .key("parts.zip")
        .upload_id(id)
        .part_number(1)
        .body(ByteStream::from(body[..1024 * 1024].to_vec()))
        .send()
        .await
        .unwrap();
    assert!(t.elapsed() >= Duration::from_millis(900), "1 MiB part took {:?}", t.elapsed());
    let done = CompletedMultipartUpload::builder()
        .parts(CompletedPart::builder().part_number(1).e_tag(part.e_tag().unwrap()).build())
        .build();
    let complete = s3.complete_multipart_upload().bucket(BUCKET).key("parts.zip").upload_id(id);
    complete.multipart_upload(done).send().await.unwrap();
    let got = s3.get_object().bucket(BUCKET).key("big.zip").send().await.unwrap();
    assert_eq!(got.body.collect().await.unwrap().into_bytes().len(), body.len(), "reads are not capped");
}
