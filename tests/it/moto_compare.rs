//! Second opinion: the same call sequence through the real SDK clients against
//! moto (from the test venv) and against the sandbox. Responses are reduced to
//! what must agree (shapes, keys, counts, messages, order, error codes); ids,
//! timestamps, tokens and request ids only count as present or absent.
//!
//! Where moto and AWS legitimately differ, the reduction says so and drops the
//! difference; any other difference fails the test.

use std::collections::BTreeMap;
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;
use aws_sdk_cloudwatchlogs::types::{InputLogEvent, OrderBy};
use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketVersioningStatus, CompletedMultipartUpload, CompletedPart, VersioningConfiguration};
use serde_json::{Value, json};

use crate::harness;

/// A moto server on a free loopback port, killed on drop.
pub struct Moto {
    child: Child,
    pub endpoint: String,
    log: tempfile::NamedTempFile,
}

impl Moto {
    pub fn start() -> Moto {
        let bin = harness::repo_root().join(".venv/bin/moto_server");
        assert!(
            bin.exists(),
            "{} is missing: run scripts/test.sh, which installs the test venv with moto",
            bin.display()
        );
        // Ask the OS for a free port, then hand it to moto.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let log = tempfile::NamedTempFile::new().unwrap();
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(log.reopen().unwrap())
            .stderr(log.reopen().unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut moto = Moto { child, endpoint: format!("http://127.0.0.1:{port}"), log };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = moto.child.try_wait() {
                panic!("moto_server exited with {status}: {}", moto.output());
            }
            assert!(Instant::now() < deadline, "moto_server did not answer within 30 s: {}", moto.output());
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    fn output(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }

    pub async fn sdk(&self) -> SdkConfig {
        let creds =
            pipewatch::sandbox::Credentials { access_key_id: "testing".into(), secret_access_key: "testing".into() };
        harness::sdk_config(&self.endpoint, &creds).await
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A reduced response per step, in call order.
#[derive(Default)]
struct Transcript(Vec<(String, Value)>);

impl Transcript {
    fn add(&mut self, step: &str, v: Value) {
        self.0.push((step.to_string(), v));
    }
}

/// Present-or-absent, for values that legitimately differ between servers.
fn set<T>(v: Option<T>) -> Value {
    if v.is_some() { json!("<set>") } else { Value::Null }
}

fn error<E: ProvideErrorMetadata>(e: &E) -> Value {
    json!({ "code": e.code(), "message": e.message() })
}

/// Which server a call sequence runs against: only to work around moto bugs
/// that the Rust SDK cannot parse at all (never to excuse the sandbox).
#[derive(Clone, Copy, PartialEq, Debug)]
enum Server {
    Moto,
    Sandbox,
}

/// Runs `calls` against both servers and fails listing every differing step.
async fn compare<F, Fut>(what: &str, calls: F)
where
    F: Fn(SdkConfig, Server) -> Fut,
    Fut: std::future::Future<Output = Transcript>,
{
    let moto = Moto::start();
    let expected = calls(moto.sdk().await, Server::Moto).await;
    // moto never cuts a GetLogEvents page short; AWS may (and so does the
    // sandbox by default, 5 %): compare the whole pages, not the chance.
    let realism = pipewatch::sandbox::realism::Realism { partial_page_probability: 0.0, ..Default::default() };
    let env =
        harness::start_with(pipewatch::sandbox::Options { realism, ..pipewatch::sandbox::Options::ephemeral() }).await;
    let actual = calls(env.sdk.clone(), Server::Sandbox).await;
    let mut diffs = Vec::new();
    for i in 0..expected.0.len().max(actual.0.len()) {
        let (m, s) = (expected.0.get(i), actual.0.get(i));
        if m != s {
            let show = |x: Option<&(String, Value)>| {
                x.map(|(k, v)| format!("{k}: {v:#}")).unwrap_or_else(|| "(missing)".into())
            };
            diffs.push(format!("step {i}\n  moto:    {}\n  sandbox: {}", show(m), show(s)));
        }
    }
    assert!(
        diffs.is_empty(),
        "{what}: the sandbox differs from moto in {} step(s):\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

// ---------------------------------------------------------------- Logs

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

async fn logs_calls(sdk: SdkConfig, _: Server) -> Transcript {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    let mut t = Transcript::default();
    let (g, s) = ("cmp/group", "s1");
    let t0 = now_ms();
    let put = |from: i64, messages: Vec<&'static str>| {
        let logs = logs.clone();
        async move {
            let events = messages
                .iter()
                .enumerate()
                .map(|(i, m)| InputLogEvent::builder().timestamp(t0 + from + i as i64).message(*m).build().unwrap())
                .collect();
            let out =
                logs.put_log_events().log_group_name(g).log_stream_name(s).set_log_events(Some(events)).send().await;
            let out = out.unwrap();
            json!({ "nextSequenceToken": set(out.next_sequence_token()), "rejected": format!("{:?}", out.rejected_log_events_info()) })
        }
    };
    let events = |out: &aws_sdk_cloudwatchlogs::operation::get_log_events::GetLogEventsOutput| -> Value {
        out.events()
            .iter()
            .map(|e| json!({ "message": e.message(), "t": e.timestamp().map(|x| x - t0), "ingestionTime": set(e.ingestion_time()) }))
            .collect()
    };

    logs.create_log_group().log_group_name(g).send().await.unwrap();
    let again = logs.create_log_group().log_group_name(g).send().await.unwrap_err().into_service_error();
    t.add("CreateLogGroup again", error(&again));
    logs.create_log_stream().log_group_name(g).log_stream_name(s).send().await.unwrap();
    logs.create_log_stream().log_group_name(g).log_stream_name("s0-empty").send().await.unwrap();
    t.add("PutLogEvents 5", put(0, vec!["INFO start", "ERROR one", "INFO two", "ERROR three", "INFO four"]).await);

    let head = logs.get_log_events().log_group_name(g).log_stream_name(s).start_from_head(true).send().await.unwrap();
    t.add(
        "GetLogEvents startFromHead",
        json!({ "events": events(&head), "f": set(head.next_forward_token()), "b": set(head.next_backward_token()) }),
    );
    let token = head.next_forward_token().unwrap().to_string();

    t.add("PutLogEvents 3", put(5, vec!["INFO five", "ERROR six", "INFO seven"]).await);
    let tail = logs
        .get_log_events()
        .log_group_name(g)
        .log_stream_name(s)
        .next_token(&token)
        .start_from_head(true)
        .send()
        .await;
    let tail = tail.unwrap();
    let moved = tail.next_forward_token() != Some(token.as_str());
    t.add("GetLogEvents tail", json!({ "events": events(&tail), "token moved": moved }));
    let token = tail.next_forward_token().unwrap().to_string();
    let end = logs
        .get_log_events()
        .log_group_name(g)
        .log_stream_name(s)
        .next_token(&token)
        .start_from_head(true)
        .send()
        .await;
    let end = end.unwrap();
    t.add(
        "GetLogEvents at end",
        json!({ "events": events(&end), "same token": end.next_forward_token() == Some(token.as_str()) }),
    );

    let last = logs.get_log_events().log_group_name(g).log_stream_name(s).limit(2).send().await.unwrap();
    t.add("GetLogEvents newest 2", json!({ "events": events(&last) }));
    let back = logs.get_log_events().log_group_name(g).log_stream_name(s).limit(2);
    let back = back.next_token(last.next_backward_token().unwrap()).send().await.unwrap();
    t.add("GetLogEvents backward 2", json!({ "events": events(&back) }));
    let bad = logs.get_log_events().log_group_name(g).log_stream_name(s).next_token("garbage").send().await;
    t.add("GetLogEvents bad token", error(&bad.unwrap_err().into_service_error()));

    let found = logs.filter_log_events().log_group_name(g).filter_pattern("ERROR").send().await.unwrap();
    // searchedLogStreams is not compared: AWS has returned an empty list since
    // May 2020, moto still lists the streams it searched.
    let hits: Vec<Value> = found
        .events()
        .iter()
        .map(|e| {
            json!({ "stream": e.log_stream_name(), "message": e.message(), "t": e.timestamp().map(|x| x - t0),
                    "ingestionTime": set(e.ingestion_time()), "eventId": set(e.event_id()) })
        })
        .collect();
    t.add("FilterLogEvents ERROR", json!({ "events": hits, "nextToken": set(found.next_token()) }));
    let messages = |out: &aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsOutput| -> Value {
        json!({ "messages": out.events().iter().map(|e| e.message()).collect::<Vec<_>>(), "nextToken": set(out.next_token()) })
    };
    let first = logs.filter_log_events().log_group_name(g).filter_pattern("ERROR").limit(2).send().await.unwrap();
    t.add("FilterLogEvents page 1", messages(&first));
    let token = first.next_token().unwrap_or_default();
    let rest =
        logs.filter_log_events().log_group_name(g).filter_pattern("ERROR").limit(2).next_token(token).send().await;
    t.add("FilterLogEvents page 2", messages(&rest.unwrap()));
    let phrase = logs.filter_log_events().log_group_name(g).filter_pattern("\"ERROR six\"").send().await.unwrap();
    t.add("FilterLogEvents phrase", messages(&phrase));
    let named = logs.filter_log_events().log_group_name(g).log_stream_names("s0-empty").send().await.unwrap();
    t.add("FilterLogEvents empty stream", messages(&named));

    for (step, order, descending) in [
        ("DescribeLogStreams", OrderBy::LogStreamName, false),
        ("DescribeLogStreams by time", OrderBy::LastEventTime, true),
    ] {
        let out =
            logs.describe_log_streams().log_group_name(g).order_by(order).descending(descending).send().await.unwrap();
        // storedBytes is not compared: deprecated for streams (AWS reports 0
        // since 2019, moto counts message bytes).
        let streams: Vec<Value> = out
            .log_streams()
            .iter()
            .map(|x| {
                json!({ "name": x.log_stream_name(), "arn": x.arn(), "creationTime": set(x.creation_time()),
                        "first": x.first_event_timestamp().map(|v| v - t0), "last": x.last_event_timestamp().map(|v| v - t0),
                        "lastIngestionTime": set(x.last_ingestion_time()), "uploadSequenceToken": set(x.upload_sequence_token()) })
            })
            .collect();
        t.add(step, json!({ "streams": streams, "nextToken": set(out.next_token()) }));
    }

    let groups = logs.describe_log_groups().log_group_name_prefix("cmp/").send().await.unwrap();
    // logGroupClass is not compared: AWS returns it (STANDARD), moto omits it.
    let groups: Vec<Value> = groups
        .log_groups()
        .iter()
        .map(|x| json!({ "name": x.log_group_name(), "arn": x.arn(), "logGroupArn": x.log_group_arn(), "creationTime": set(x.creation_time()) }))
        .collect();
    t.add("DescribeLogGroups", json!(groups));

    let missing =
        logs.get_log_events().log_group_name(g).log_stream_name("nope").send().await.unwrap_err().into_service_error();
    // Code only: moto answers with the log *group* message here, AWS with
    // "The specified log stream does not exist.".
    t.add("GetLogEvents unknown stream", json!({ "code": missing.code() }));
    let missing =
        logs.get_log_events().log_group_name("nope").log_stream_name(s).send().await.unwrap_err().into_service_error();
    t.add("GetLogEvents unknown group", error(&missing));
    let event = InputLogEvent::builder().timestamp(t0).message("x").build().unwrap();
    let missing = logs.put_log_events().log_group_name(g).log_stream_name("nope").log_events(event).send().await;
    t.add("PutLogEvents unknown stream", error(&missing.unwrap_err().into_service_error()));
    let missing = logs.create_log_stream().log_group_name("nope").log_stream_name(s).send().await;
    t.add("CreateLogStream unknown group", error(&missing.unwrap_err().into_service_error()));
    t
}

#[tokio::test]
async fn logs_agree_with_moto() {
    compare("CloudWatch Logs", logs_calls).await;
}

// ---------------------------------------------------------------- S3

fn meta(m: Option<&std::collections::HashMap<String, String>>) -> Value {
    json!(m.map(|m| m.iter().collect::<BTreeMap<_, _>>()))
}

async fn s3_calls(sdk: SdkConfig, server: Server) -> Transcript {
    let s3 = harness::s3_client(&sdk);
    let mut t = Transcript::default();
    let b = "cmp-bucket";
    s3.create_bucket().bucket(b).send().await.unwrap();
    let versioning = VersioningConfiguration::builder().status(BucketVersioningStatus::Enabled).build();
    s3.put_bucket_versioning().bucket(b).versioning_configuration(versioning).send().await.unwrap();
    let status = match s3.get_bucket_versioning().bucket(b).send().await {
        Ok(out) => out.status().map(|s| s.as_str().to_string()),
        // moto 5.2.5 names the root element GetBucketVersioningResponse where
        // AWS says VersioningConfiguration, and the Rust SDK refuses it; read
        // moto's Status from the raw body. The sandbox's answer must parse.
        Err(SdkError::ServiceError(e)) if server == Server::Moto => {
            let body = String::from_utf8_lossy(e.raw().body().bytes().unwrap_or_default()).into_owned();
            body.split_once("<Status>").and_then(|(_, rest)| rest.split_once("</Status>")).map(|(v, _)| v.to_string())
        }
        Err(e) => panic!("GetBucketVersioning on {server:?}: {e:?}"),
    };
    t.add("GetBucketVersioning", json!({ "status": status }));

    let mut versions = Vec::new();
    for (body, a) in [("first body", "1"), ("second, longer body", "2")] {
        let out = s3
            .put_object()
            .bucket(b)
            .key("dir/k.txt")
            .body(ByteStream::from_static(body.as_bytes()))
            .metadata("a", a)
            .send()
            .await;
        let out = out.unwrap();
        versions.push(out.version_id().unwrap_or_default().to_string());
        t.add("PutObject", json!({ "etag": out.e_tag(), "versionId": set(out.version_id()) }));
    }
    assert_ne!(versions[0], versions[1], "each put makes a new version");

    let head = s3.head_object().bucket(b).key("dir/k.txt").send().await.unwrap();
    t.add(
        "HeadObject",
        json!({ "length": head.content_length(), "etag": head.e_tag(), "metadata": meta(head.metadata()),
                "contentType": head.content_type(), "versionId": head.version_id() == Some(versions[1].as_str()),
                "lastModified": set(head.last_modified()), "acceptRanges": head.accept_ranges() }),
    );
    for (step, version) in [("GetObject latest", None), ("GetObject first version", Some(versions[0].clone()))] {
        let out = s3.get_object().bucket(b).key("dir/k.txt").set_version_id(version).send().await.unwrap();
        let (etag, md, len, vid) = (
            out.e_tag().map(str::to_string),
            meta(out.metadata()),
            out.content_length(),
            out.version_id().map(str::to_string),
        );
        let body = out.body.collect().await.unwrap().into_bytes();
        t.add(
            step,
            json!({ "body": String::from_utf8_lossy(&body), "etag": etag, "metadata": md, "length": len,
                    "versionIndex": versions.iter().position(|v| Some(v) == vid.as_ref()) }),
        );
    }

    let listed = s3.list_object_versions().bucket(b).send().await.unwrap();
    let list: Vec<Value> = listed
        .versions()
        .iter()
        .map(|v| {
            json!({ "key": v.key(), "etag": v.e_tag(), "size": v.size(), "isLatest": v.is_latest(),
                    "versionIndex": versions.iter().position(|x| Some(x.as_str()) == v.version_id()),
                    "storageClass": v.storage_class().map(|c| c.as_str().to_string()), "lastModified": set(v.last_modified()) })
        })
        .collect();
    t.add(
        "ListObjectVersions",
        json!({ "versions": list, "deleteMarkers": listed.delete_markers().len(), "name": listed.name(), "truncated": listed.is_truncated() }),
    );

    let up = s3.create_multipart_upload().bucket(b).key("big.bin").send().await.unwrap();
    let id = up.upload_id().unwrap().to_string();
    t.add("CreateMultipartUpload", json!({ "bucket": up.bucket(), "key": up.key(), "uploadId": set(up.upload_id()) }));
    let mut parts = Vec::new();
    // Every part but the last must be at least 5 MiB.
    for (n, body) in [(1, vec![b'a'; 5 * 1024 * 1024]), (2, b"tail".to_vec())] {
        let out = s3
            .upload_part()
            .bucket(b)
            .key("big.bin")
            .upload_id(&id)
            .part_number(n)
            .body(ByteStream::from(body))
            .send()
            .await;
        let etag = out.unwrap().e_tag().unwrap().to_string();
        t.add("UploadPart", json!({ "etag": etag }));
        parts.push(CompletedPart::builder().part_number(n).e_tag(etag).build());
    }
    let done = s3
        .complete_multipart_upload()
        .bucket(b)
        .key("big.bin")
        .upload_id(&id)
        .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
        .send()
        .await
        .unwrap();
    t.add(
        "CompleteMultipartUpload",
        json!({ "bucket": done.bucket(), "key": done.key(), "etag": done.e_tag(), "versionId": set(done.version_id()) }),
    );
    let head = s3.head_object().bucket(b).key("big.bin").send().await.unwrap();
    t.add("HeadObject multipart", json!({ "length": head.content_length(), "etag": head.e_tag() }));

    let part = s3.get_object().bucket(b).key("dir/k.txt").range("bytes=0-5").send().await.unwrap();
    let (range, len) = (part.content_range().map(str::to_string), part.content_length());
    let body = part.body.collect().await.unwrap().into_bytes();
    t.add("GetObject range", json!({ "body": String::from_utf8_lossy(&body), "contentRange": range, "length": len }));

    let listed = s3.list_objects_v2().bucket(b).delimiter("/").send().await.unwrap();
    t.add(
        "ListObjectsV2 delimiter",
        json!({ "keys": listed.contents().iter().map(|o| (o.key(), o.size(), o.e_tag())).collect::<Vec<_>>(),
                "prefixes": listed.common_prefixes().iter().map(|p| p.prefix()).collect::<Vec<_>>(),
                "keyCount": listed.key_count(), "truncated": listed.is_truncated(), "delimiter": listed.delimiter() }),
    );

    let deleted = s3.delete_object().bucket(b).key("dir/k.txt").send().await.unwrap();
    t.add(
        "DeleteObject versioned",
        json!({ "deleteMarker": deleted.delete_marker(), "versionId": set(deleted.version_id()) }),
    );
    let gone = s3.get_object().bucket(b).key("dir/k.txt").send().await.unwrap_err().into_service_error();
    t.add("GetObject deleted", json!({ "code": gone.code(), "message": gone.message() }));
    let listed = s3.list_object_versions().bucket(b).prefix("dir/").send().await.unwrap();
    let markers: Vec<Value> = listed
        .delete_markers()
        .iter()
        .map(|m| json!({ "key": m.key(), "isLatest": m.is_latest(), "versionId": set(m.version_id()) }))
        .collect();
    let latest: Vec<_> = listed.versions().iter().map(|v| v.is_latest()).collect();
    t.add("ListObjectVersions after delete", json!({ "markers": markers, "versionsLatest": latest }));
    let old = s3.get_object().bucket(b).key("dir/k.txt").version_id(&versions[0]).send().await.unwrap();
    let body = old.body.collect().await.unwrap().into_bytes();
    t.add("GetObject old version after delete", json!({ "body": String::from_utf8_lossy(&body) }));

    let missing = s3.get_object().bucket(b).key("nope").send().await.unwrap_err().into_service_error();
    t.add(
        "GetObject missing",
        json!({ "code": missing.code(), "message": missing.message(), "noSuchKey": missing.is_no_such_key() }),
    );
    let missing = s3.head_object().bucket(b).key("nope").send().await.unwrap_err().into_service_error();
    t.add("HeadObject missing", json!({ "code": missing.code(), "notFound": missing.is_not_found() }));
    t
}

#[tokio::test]
async fn s3_agrees_with_moto() {
    compare("S3", s3_calls).await;
}
