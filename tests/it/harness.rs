//! The one test harness: a sandbox on an ephemeral loopback port with real
//! SDK clients pointed at it over HTTP ([`Env`]), a scenario API over its demo
//! pipeline ([`scenario`]), and commands run with a hermetic environment
//! ([`cli`]).

#![allow(dead_code)]

mod app;
mod cli;
mod config;
mod executions;
mod pages;
mod raw;
mod scenario;

pub use app::App;
pub use cli::{Cli, json_of, pipewatch, stderr, stdout};
pub use config::two_stage_pipeline;
pub use executions::settled_executions;
pub use pages::{all_events, pages_from};
pub use raw::RawResponse;
pub use scenario::{BUCKET, KEY, LONG, PIPELINE, buildspec, workspace};

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_sts::config::Credentials;
use pipewatch::sandbox::{self, Options, Sandbox};

pub struct Env {
    pub sandbox: Sandbox,
    pub sdk: SdkConfig,
}

pub async fn start() -> Env {
    start_with(Options::ephemeral()).await
}

pub async fn start_with(opts: Options) -> Env {
    let sandbox = sandbox::start(opts).await.expect("sandbox starts");
    let sdk = sdk_config(&sandbox.endpoint(), sandbox.credentials()).await;
    Env { sandbox, sdk }
}

pub async fn sdk_config(endpoint: &str, creds: &sandbox::Credentials) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(&creds.access_key_id, &creds.secret_access_key, None, None, "test"))
        // Tests want to see every error, not a retried success.
        .retry_config(RetryConfig::disabled())
        .load()
        .await
}

/// The SDK's standard retry mode, as a real client has it: a throttled call is
/// retried with backoff. For tests about what a call returns, not about the
/// sandbox's rate limits.
pub fn retrying(sdk: &SdkConfig) -> SdkConfig {
    sdk.to_builder().retry_config(RetryConfig::standard().with_max_attempts(10)).build()
}

/// The same credentials and endpoint, signing for another Region.
pub fn in_region(sdk: &SdkConfig, region: &'static str) -> SdkConfig {
    sdk.to_builder().region(aws_config::Region::from_static(region)).build()
}

impl Env {
    pub fn codepipeline(&self) -> aws_sdk_codepipeline::Client {
        aws_sdk_codepipeline::Client::new(&self.sdk)
    }
    pub fn codebuild(&self) -> aws_sdk_codebuild::Client {
        aws_sdk_codebuild::Client::new(&self.sdk)
    }
    pub fn logs(&self) -> aws_sdk_cloudwatchlogs::Client {
        aws_sdk_cloudwatchlogs::Client::new(&self.sdk)
    }
    pub fn sts(&self) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::new(&self.sdk)
    }
    pub fn s3(&self) -> aws_sdk_s3::Client {
        s3_client(&self.sdk)
    }
}

pub fn s3_client(sdk: &SdkConfig) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::config::Builder::from(sdk).force_path_style(true).build();
    aws_sdk_s3::Client::from_conf(conf)
}

/// Builds a zip in memory from (path, contents, executable) entries.
pub fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        for (name, body) in files {
            let opts = zip::write::SimpleFileOptions::default().unix_permissions(0o755);
            zip.start_file(*name, opts).expect("zip entry");
            zip.write_all(body.as_bytes()).expect("zip write");
        }
        zip.finish().expect("zip finish");
    }
    buf.into_inner()
}

/// Zips a directory tree (for the demo workspace).
pub fn zip_dir(dir: &Path) -> Vec<u8> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).expect("read dir").flatten().collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            let p = e.path();
            if p.is_dir() {
                walk(&p, base, out);
            } else {
                let rel = p.strip_prefix(base).expect("prefix").to_string_lossy().into_owned();
                out.push((rel, std::fs::read_to_string(&p).expect("utf8 file")));
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    zip_of(&refs)
}

/// Polls `f` every 100 ms until it returns Some, or panics after `timeout`.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(v) = f().await {
            return v;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub fn repo_root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Sends one signed HTTP/1.1 POST to `/` by hand (for bodies no SDK would
/// send) and returns (status, body).
pub async fn raw_signed(env: &Env, service: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    let resp = raw_request(env, service, "/", headers, body).await;
    (resp.status, resp.text())
}

/// Sends one SigV4-signed HTTP/1.1 POST to `path` by hand, for wire formats
/// no SDK here speaks (RPC v2 CBOR) or requests no SDK would send.
pub async fn raw_request(env: &Env, service: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> RawResponse {
    use sha2::Digest;
    let host = env.sandbox.addr.to_string();
    let amz_date = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let mut map = hyper::HeaderMap::new();
    map.insert("host", host.parse().unwrap());
    map.insert("x-amz-date", amz_date.parse().unwrap());
    for (k, v) in headers {
        map.insert(hyper::header::HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
    }
    let hash = hex::encode(sha2::Sha256::digest(body));
    let parts = sandbox::sigv4::RequestParts {
        method: "POST",
        raw_path: path,
        raw_query: "",
        headers: &map,
        payload_hash: &hash,
    };
    let auth = sandbox::sigv4::sign(env.sandbox.credentials(), "us-east-1", service, &parts, &amz_date);
    let mut sent: Vec<(&str, &str)> = vec![("authorization", &auth)];
    sent.extend(map.iter().map(|(k, v)| (k.as_str(), v.to_str().unwrap())));
    raw(env, "POST", path, &sent, body).await
}

/// Sends one HTTP/1.1 request to the sandbox as written, unsigned unless the
/// caller signed it (a presigned URL in `target`, say).
pub async fn raw(env: &Env, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> RawResponse {
    raw::send(env.sandbox.addr, method, target, headers, body).await
}

/// Reads a log stream as a careful client must against AWS: startFromHead
/// with every token, again at once while the token changes (pages may be cut
/// short), waiting while the stream does not exist yet (it is created when
/// PROVISIONING ends) and while lines are still being ingested. Returns once
/// the client has caught up and `done` holds for the lines read; panics after
/// `timeout`.
pub async fn read_log_until(
    env: &Env,
    group: &str,
    stream: &str,
    timeout: Duration,
    done: impl Fn(&[String]) -> bool,
) -> Vec<String> {
    let logs = env.logs();
    let deadline = tokio::time::Instant::now() + timeout;
    let (mut lines, mut token): (Vec<String>, Option<String>) = (Vec::new(), None);
    loop {
        let page = logs
            .get_log_events()
            .log_group_name(group)
            .log_stream_name(stream)
            .start_from_head(true)
            .set_next_token(token.clone())
            .send()
            .await;
        let caught_up = match page {
            Ok(page) => {
                lines.extend(page.events().iter().map(|e| e.message().unwrap_or_default().to_string()));
                let next = page.next_forward_token().map(str::to_string);
                let same = next.is_some() && next == token;
                token = next;
                same
            }
            Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => true,
            Err(e) => panic!("GetLogEvents {group} {stream}: {e:?}"),
        };
        if caught_up && done(&lines) {
            return lines;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out after {timeout:?} reading {group} {stream}; read so far: {lines:#?}");
        }
        if caught_up {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// The whole log of a finished build. Every line is printed before the build
/// ends and readable at most the sandbox's longest ingestion delay after it
/// was printed (as the CodeBuild agent ships it), so the log is complete once
/// that much time has passed since the end and the reader has caught up.
pub async fn complete_log(env: &Env, build: &aws_sdk_codebuild::types::Build) -> Vec<String> {
    assert!(build.build_complete(), "complete_log needs a finished build: {:?}", build.id());
    let end = build.end_time().expect("a finished build has an end time");
    let end_ms = end.secs() * 1000 + i64::from(end.subsec_nanos() / 1_000_000);
    let settled_ms = end_ms + env.sandbox.shared.realism.ingest_delay.1.as_millis() as i64 + 500;
    let logs = build.logs().expect("logs");
    let (group, stream) = (logs.group_name().expect("group name"), logs.stream_name().expect("stream name"));
    read_log_until(env, group, stream, Duration::from_secs(60), |_| chrono::Utc::now().timestamp_millis() >= settled_ms)
        .await
}
