//! Presigned URLs: SigV4 in the query string, as `aws s3 presign` and the
//! SDK's presigner make them, used the way a browser or curl would.

use std::time::{Duration, SystemTime};

use aws_sdk_s3::presigning::{PresignedRequest, PresigningConfig};
use pipewatch::sandbox::sigv4::RequestParts;
use pipewatch::sandbox::sigv4::presign::presign;

use super::{aws, element, put};
use crate::awscli::venv_bin;
use crate::harness::{self, Cli, Env, RawResponse};

/// The path and query of a URL, as they go on the request line.
fn target(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/').map_or("/", |i| &rest[i..])
}

async fn fetch(env: &Env, req: &PresignedRequest, body: &[u8]) -> RawResponse {
    let headers: Vec<(&str, &str)> = req.headers().collect();
    harness::raw(env, req.method(), target(req.uri()), &headers, body).await
}

/// `aws s3 presign` with SigV4, configured as its help says (`s3 =
/// signature_version = s3v4`); unconfigured, awscli v1 presigns with SigV2.
async fn presign_v4(env: &Env, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(&config, "[default]\ns3 =\n    signature_version = s3v4\n").unwrap();
    let out = Cli::new(venv_bin("aws")).sandbox(env).env("AWS_CONFIG_FILE", &config).args(["s3", "presign"]);
    let out = out.args(args).output().await;
    assert!(out.status.success(), "aws s3 presign failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// S3 API Reference, "Authenticating Requests: Using Query Parameters (AWS
/// Signature Version 4)": the URL `aws s3 presign` prints works, unsigned
/// headers and all, until X-Amz-Expires runs out; then S3 answers 403
/// AccessDenied "Request has expired" with X-Amz-Expires, Expires and
/// ServerTime. A changed path no longer matches the signature.
#[tokio::test]
async fn awscli_presigned_urls_work_until_they_expire() {
    let env = harness::start().await;
    let s3 = env.s3();
    s3.create_bucket().bucket("pre-bucket").send().await.unwrap();
    put(&s3, "pre-bucket", "dir/hello world+1.txt", b"presigned body").await;
    put(&s3, "pre-bucket", "other", b"other body").await;

    let url = presign_v4(&env, &["s3://pre-bucket/dir/hello world+1.txt", "--expires-in", "60"]).await;
    let url = url.trim();
    assert!(url.contains("X-Amz-Algorithm=AWS4-HMAC-SHA256") && url.contains("X-Amz-Expires=60"), "{url}");
    let got = harness::raw(&env, "GET", target(url), &[], b"").await;
    assert_eq!((got.status, got.text()), (200, "presigned body".to_string()));
    let head = harness::raw(&env, "HEAD", target(url), &[], b"").await;
    assert_eq!(head.status, 403, "the signature covers the method");

    let elsewhere = target(url).replace("dir/hello%20world%2B1.txt", "other");
    assert_ne!(elsewhere, target(url));
    let got = harness::raw(&env, "GET", &elsewhere, &[], b"").await;
    assert_eq!(got.status, 403);
    assert_eq!(element(&got.text(), "Code").as_deref(), Some("SignatureDoesNotMatch"));

    let short = presign_v4(&env, &["s3://pre-bucket/other", "--expires-in", "1"]).await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let got = harness::raw(&env, "GET", target(short.trim()), &[], b"").await;
    let doc = got.text();
    assert_eq!(got.status, 403, "{doc}");
    assert_eq!(element(&doc, "Code").as_deref(), Some("AccessDenied"));
    assert_eq!(element(&doc, "Message").as_deref(), Some("Request has expired"));
    assert_eq!(element(&doc, "X-Amz-Expires").as_deref(), Some("1"));
    assert!(element(&doc, "Expires").is_some() && element(&doc, "ServerTime").is_some(), "{doc}");

    // awscli v1's default, Signature Version 2, is refused the way S3 refuses
    // it where only SigV4 is served (S3 API Reference, "Authenticating
    // Requests (AWS Signature Version 4)").
    let v2 = aws(&env, &["s3", "presign", "s3://pre-bucket/other"]).await;
    assert!(v2.contains("AWSAccessKeyId="), "{v2}");
    let got = harness::raw(&env, "GET", target(v2.trim()), &[], b"").await;
    assert_eq!(got.status, 400);
    assert_eq!(element(&got.text(), "Code").as_deref(), Some("InvalidRequest"));
    assert!(got.text().contains("Please use AWS4-HMAC-SHA256"));
}

/// The SDK's presigner (PresigningConfig): a presigned PUT uploads, a
/// presigned GET reads, and one whose time began too long ago is refused.
#[tokio::test]
async fn sdk_presigned_put_and_get() {
    let env = harness::start().await;
    let s3 = env.s3();
    s3.create_bucket().bucket("sdk-pre-bucket").send().await.unwrap();
    let minute = PresigningConfig::expires_in(Duration::from_secs(60)).unwrap();

    let put_req = s3.put_object().bucket("sdk-pre-bucket").key("up/load.bin").presigned(minute.clone()).await.unwrap();
    assert!(put_req.uri().contains("X-Amz-Signature="), "{}", put_req.uri());
    let sent = fetch(&env, &put_req, b"uploaded through a presigned URL").await;
    assert_eq!(sent.status, 200, "{}", sent.text());
    assert!(sent.header("etag").is_some());
    let got = s3.get_object().bucket("sdk-pre-bucket").key("up/load.bin").send().await.unwrap();
    assert_eq!(got.body.collect().await.unwrap().into_bytes().as_ref(), b"uploaded through a presigned URL");

    let get_req = s3.get_object().bucket("sdk-pre-bucket").key("up/load.bin").presigned(minute).await.unwrap();
    let got = fetch(&env, &get_req, b"").await;
    assert_eq!((got.status, got.body.as_slice()), (200, b"uploaded through a presigned URL".as_slice()));

    let stale = PresigningConfig::builder()
        .start_time(SystemTime::now() - Duration::from_secs(120))
        .expires_in(Duration::from_secs(60))
        .build()
        .unwrap();
    let old = s3.get_object().bucket("sdk-pre-bucket").key("up/load.bin").presigned(stale).await.unwrap();
    let got = fetch(&env, &old, b"").await;
    assert_eq!(got.status, 403);
    assert_eq!(element(&got.text(), "Message").as_deref(), Some("Request has expired"));
}

/// S3 API Reference, "Authenticating Requests: Using Query Parameters":
/// X-Amz-Expires is at most 604800 seconds (7 days); more is 400
/// AuthorizationQueryParametersError.
#[tokio::test]
async fn presigned_urls_last_at_most_a_week() {
    let env = harness::start().await;
    let s3 = env.s3();
    s3.create_bucket().bucket("week-bucket").send().await.unwrap();
    put(&s3, "week-bucket", "k", b"x").await;
    let mut headers = hyper::HeaderMap::new();
    headers.insert("host", env.sandbox.addr.to_string().parse().unwrap());
    let now = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let query = |expires| {
        let parts = RequestParts {
            method: "GET",
            raw_path: "/week-bucket/k",
            raw_query: "",
            headers: &headers,
            payload_hash: "",
        };
        presign(env.sandbox.credentials(), "us-east-1", &parts, &now, expires)
    };
    let got = harness::raw(&env, "GET", &format!("/week-bucket/k?{}", query(604800)), &[], b"").await;
    assert_eq!((got.status, got.text()), (200, "x".to_string()), "a week is allowed");
    let got = harness::raw(&env, "GET", &format!("/week-bucket/k?{}", query(604801)), &[], b"").await;
    assert_eq!(got.status, 400);
    assert_eq!(element(&got.text(), "Code").as_deref(), Some("AuthorizationQueryParametersError"));
}
