//! The sandbox's S3 checked against what the S3 API Reference documents, with
//! the requests real clients send: the aws-sdk-s3 crate, and awscli v1 from
//! the test venv where it is the client that makes the call. Each test names
//! the document it follows.

mod buckets;
mod checksums;
mod errors;
mod keys;
mod multipart;
mod objects;
mod presign;

use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;

use crate::awscli::venv_bin;
use crate::harness::{Cli, Env};

/// The error code of a service error (any other failure fails the test).
pub fn code<E: ProvideErrorMetadata + std::fmt::Debug>(err: &SdkError<E, HttpResponse>) -> String {
    match err {
        SdkError::ServiceError(e) => e.err().code().unwrap_or("<none>").to_string(),
        other => panic!("expected a service error, got {other:?}"),
    }
}

pub fn status<E>(err: &SdkError<E, HttpResponse>) -> u16 {
    err.raw_response().map(|r| r.status().as_u16()).unwrap_or(0)
}

/// The error document as sent.
pub fn body<E>(err: &SdkError<E, HttpResponse>) -> String {
    let bytes = err.raw_response().and_then(|r| r.body().bytes()).unwrap_or_default();
    String::from_utf8_lossy(bytes).into_owned()
}

/// The text of the first `<name>` element of a document.
pub fn element(doc: &str, name: &str) -> Option<String> {
    let start = doc.find(&format!("<{name}>"))? + name.len() + 2;
    let end = doc[start..].find(&format!("</{name}>"))? + start;
    Some(doc[start..end].to_string())
}

/// A response header of an error.
pub fn header<E>(err: &SdkError<E, HttpResponse>, name: &str) -> Option<String> {
    err.raw_response().and_then(|r| r.headers().get(name)).map(str::to_string)
}

pub async fn put(s3: &aws_sdk_s3::Client, bucket: &str, key: &str, body: &[u8]) {
    s3.put_object().bucket(bucket).key(key).body(ByteStream::from(body.to_vec())).send().await.unwrap();
}

/// Runs `aws <args>` (awscli v1) against the sandbox; fails the test if it fails.
pub async fn aws(env: &Env, args: &[&str]) -> String {
    let out = Cli::new(venv_bin("aws")).sandbox(env).args(args).output().await;
    assert!(out.status.success(), "aws {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}
