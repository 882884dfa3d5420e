//! The sandbox's build logs are as harsh as AWS documents, by default: the
//! log stream appears only when PROVISIONING ends, lines arrive seconds late
//! in batches, S3-only build logs; `--lenient` and `--realism`. All through
//! the real SDKs over HTTP (GetLogEvents paging: sandbox_paging.rs).

use std::io::Read;
use std::time::Duration;

use aws_sdk_cloudwatchlogs::types::OutputLogEvent;
use aws_sdk_codebuild::types::Build;
use pipewatch::sandbox::Options;

use crate::harness::{self, Env};

/// Starts a build of `commands` with StartBuild (NO_SOURCE, inline buildspec).
async fn start_build(env: &Env, commands: &[&str]) -> Build {
    let lines: String = commands.iter().map(|c| format!("      - {c}\n")).collect();
    let spec = format!("version: 0.2\nphases:\n  build:\n    commands:\n{lines}");
    let out = env
        .codebuild()
        .start_build()
        .project_name("mlops-demo-deploy")
        .source_type_override(aws_sdk_codebuild::types::SourceType::NoSource)
        .buildspec_override(spec)
        .send()
        .await
        .expect("start build");
    out.build_value().expect("build").clone()
}

async fn get_build(env: &Env, id: &str) -> Build {
    env.codebuild().batch_get_builds().ids(id).send().await.expect("batch get builds").builds()[0].clone()
}

async fn finished(env: &Env, id: &str) -> Build {
    harness::eventually("the build to finish", Duration::from_secs(60), || async {
        let b = get_build(env, id).await;
        b.build_complete().then_some(b)
    })
    .await
}

#[tokio::test]
async fn the_log_stream_is_created_when_provisioning_ends() {
    let env = harness::start().await;
    let started = start_build(&env, &["echo hello"]).await;
    let id = started.id().unwrap().to_string();
    // AWS CLI Command Reference, codebuild start-build: while QUEUED the build
    // names no group or stream and links to group=null;stream=null.
    let queued = started.logs().expect("logs");
    assert_eq!((queued.group_name(), queued.stream_name()), (None, None));
    assert!(queued.deep_link().unwrap().ends_with("#logEvent:group=null;stream=null"), "{queued:?}");

    // CodeBuild API Reference, LogsLocation: "The CloudWatch Logs stream is
    // created during the PROVISIONING phase of a build", so the names are
    // known before the stream exists.
    let provisioning = harness::eventually("PROVISIONING", Duration::from_secs(10), || async {
        let b = get_build(&env, &id).await;
        (b.current_phase() == Some("PROVISIONING")).then_some(b)
    })
    .await;
    let logs = provisioning.logs().unwrap();
    let (group, stream) = (logs.group_name().expect("group").to_string(), logs.stream_name().expect("stream"));
    assert_eq!(group, "/aws/codebuild/mlops-demo-deploy");
    assert_eq!(Some(stream), id.split(':').nth(1));
    assert!(logs.deep_link().unwrap().contains(&group));
    let err = env
        .logs()
        .get_log_events()
        .log_group_name(&group)
        .log_stream_name(stream)
        .start_from_head(true)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    // The wire form, as the JSON 1.1 protocol and the logs model give it: HTTP
    // 400 and the error shape name in __type (the model's
    // ResourceNotFoundException has no members besides the message).
    let body = format!(r#"{{"logGroupName":"{group}","logStreamName":"{stream}","startFromHead":true}}"#);
    let (status, text) = harness::raw_signed(
        &env,
        "logs",
        &[("x-amz-target", "Logs_20140328.GetLogEvents"), ("content-type", "application/x-amz-json-1.1")],
        body.as_bytes(),
    )
    .await;
    let json: serde_json::Value = serde_json::from_str(&text).expect("a JSON error body");
    assert_eq!(status, 400);
    assert_eq!(json["__type"], "ResourceNotFoundException");
    assert!(json["message"].as_str().unwrap().ends_with("does not exist."), "{json}");

    let lines =
        harness::read_log_until(&env, &group, stream, Duration::from_secs(30), |l| l.iter().any(|m| m == "hello"))
            .await;
    assert!(lines[0].ends_with("Running on CodeBuild On-demand"), "{lines:#?}");
}

#[tokio::test]
async fn printed_lines_arrive_half_a_second_to_five_seconds_late_in_batches() {
    let env = harness::start().await;
    let started = start_build(&env, &["for i in $(seq 1 8); do echo \"line $i\"; sleep 0.3; done"]).await;
    let b = finished(&env, started.id().unwrap()).await;
    let logs = b.logs().unwrap();
    let (group, stream) = (logs.group_name().unwrap(), logs.stream_name().unwrap());
    harness::read_log_until(&env, group, stream, Duration::from_secs(30), |l| l.iter().any(|m| m == "line 8")).await;
    let events = all_events(&env, group, stream).await;
    let (min, max) = env.sandbox.shared.realism.ingest_delay;
    assert_eq!((min, max), (Duration::from_millis(500), Duration::from_secs(5)), "AWS's figures by default");
    for e in &events {
        // timestamp: when the line was printed; ingestionTime: when it was
        // shipped (a little slack for a busy test machine).
        let late = e.ingestion_time().unwrap() - e.timestamp().unwrap();
        assert!((490..=5_500).contains(&late), "{late} ms late: {e:?}");
    }
    let mut shipped: Vec<i64> = events.iter().map(|e| e.ingestion_time().unwrap()).collect();
    shipped.dedup();
    assert!(shipped.len() < events.len(), "lines share batches: {} batches, {} events", shipped.len(), events.len());
    let printed: Vec<i64> =
        events.iter().filter(|e| e.message().unwrap().starts_with("line ")).map(|e| e.timestamp().unwrap()).collect();
    assert_eq!(printed.len(), 8);
    assert!(printed.windows(2).all(|w| w[0] <= w[1]) && printed[7] - printed[0] >= 1_500, "{printed:?}");
}

async fn all_events(env: &Env, group: &str, stream: &str) -> Vec<OutputLogEvent> {
    harness::all_events(&env.logs(), group, stream).await
}

#[tokio::test]
async fn an_s3_only_project_writes_its_log_gzipped_to_s3_and_not_to_cloudwatch() {
    let env = harness::start().await;
    let out = env.codebuild().start_build().project_name("mlops-demo-s3logs").send().await.expect("start build");
    let id = out.build_value().unwrap().id().unwrap().to_string();
    let uuid = id.split(':').nth(1).unwrap().to_string();
    let b = finished(&env, &id).await;
    let logs = b.logs().unwrap();
    // CodeBuild API Reference, LogsLocation: s3LogsArn is
    // arn:${Partition}:s3:::${BucketName}/${ObjectName}; the object is
    // <location>/<build uuid>.gz as in the CodeBuild User Guide's examples.
    let key = format!("build-logs/{uuid}.gz");
    assert_eq!(logs.cloud_watch_logs().unwrap().status().as_str(), "DISABLED");
    assert_eq!((logs.group_name(), logs.stream_name()), (None, None));
    assert_eq!(logs.s3_logs().unwrap().location(), Some("pipewatch-demo-logs/build-logs"));
    assert_eq!(logs.s3_logs_arn(), Some(format!("arn:aws:s3:::pipewatch-demo-logs/{key}").as_str()));
    assert_eq!(
        logs.s3_deep_link(),
        Some(
            format!("https://s3.console.aws.amazon.com/s3/object/pipewatch-demo-logs/{key}?region=us-east-1").as_str()
        )
    );
    let obj = env.s3().get_object().bucket("pipewatch-demo-logs").key(&key).send().await.expect("the log object");
    let gz = obj.body.collect().await.unwrap().into_bytes();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut text).expect("gzip");
    assert!(text.lines().any(|l| l == "This log is in S3, not in CloudWatch Logs"), "{text}");
    assert!(text.lines().any(|l| l.ends_with("Phase complete: BUILD State: SUCCEEDED")), "{text}");
    let none = env.logs().describe_log_streams().log_group_name("/aws/codebuild/mlops-demo-s3logs").send().await;
    let err = none.unwrap_err().into_service_error();
    assert!(err.is_resource_not_found_exception(), "no CloudWatch log: {err:?}");
}

#[tokio::test]
async fn lenient_mode_makes_lines_readable_at_once() {
    let env = harness::start_with(Options { lenient: true, ..Options::ephemeral() }).await;
    let started = start_build(&env, &["echo one", "echo two"]).await;
    let b = finished(&env, started.id().unwrap()).await;
    let logs = b.logs().unwrap();
    // The build is over, so its whole log is there: one page from the head.
    let page = env
        .logs()
        .get_log_events()
        .log_group_name(logs.group_name().unwrap())
        .log_stream_name(logs.stream_name().unwrap())
        .start_from_head(true)
        .send()
        .await
        .unwrap();
    let messages: Vec<&str> = page.events().iter().map(|e| e.message().unwrap()).collect();
    assert!(messages.contains(&"two"), "{messages:?}");
    assert!(messages.last().unwrap().starts_with("[Container]"), "{messages:?}");
    // Lines printed once the stream exists are shipped as they are printed;
    // the ones before wait for it (PROVISIONING is short here, not skipped).
    let provisioned = b.phases().iter().find(|p| p.phase_type().map(|t| t.as_str()) == Some("PROVISIONING")).unwrap();
    let end = provisioned.end_time().unwrap();
    let stream_ms = end.secs() * 1000 + i64::from(end.subsec_nanos() / 1_000_000);
    let after: Vec<_> = page.events().iter().filter(|e| e.timestamp().unwrap() > stream_ms).collect();
    assert!(after.len() >= 2, "{messages:?}");
    for e in after {
        assert!(e.ingestion_time().unwrap() - e.timestamp().unwrap() < 200, "{e:?}");
    }
}

/// `pipewatch sandbox ARGS` as a user runs it: its printed credentials and endpoint.
fn spawn_sandbox(args: &[&str]) -> (std::process::Child, pipewatch::sandbox::Credentials, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pipewatch"))
        .args(["sandbox", "--addr", "127.0.0.1:0"])
        .args(args)
        .env_remove("PIPEWATCH_SANDBOX_ACCESS_KEY_ID")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn pipewatch sandbox");
    let stdout = child.stdout.take().unwrap();
    let (mut id, mut secret) = (None, None);
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(v) = line.strip_prefix("export AWS_ACCESS_KEY_ID=") {
            id = Some(v.to_string());
        } else if let Some(v) = line.strip_prefix("export AWS_SECRET_ACCESS_KEY=") {
            secret = Some(v.to_string());
        } else if let Some(v) = line.strip_prefix("listening on ") {
            let creds = pipewatch::sandbox::Credentials {
                access_key_id: id.expect("key printed"),
                secret_access_key: secret.expect("secret printed"),
            };
            return (child, creds, v.to_string());
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the sandbox never said where it listens");
}

#[tokio::test]
async fn the_lenient_and_realism_flags_reach_the_sandbox() {
    let (mut child, creds, endpoint) = spawn_sandbox(&["--lenient", "--realism", "token-ttl=1s"]);
    let sdk = harness::sdk_config(&endpoint, &creds).await;
    let (cb, logs) = (aws_sdk_codebuild::Client::new(&sdk), aws_sdk_cloudwatchlogs::Client::new(&sdk));
    let spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n";
    let started = cb
        .start_build()
        .project_name("mlops-demo-deploy")
        .source_type_override(aws_sdk_codebuild::types::SourceType::NoSource)
        .buildspec_override(spec)
        .send()
        .await
        .unwrap();
    let id = started.build_value().unwrap().id().unwrap().to_string();
    let b = harness::eventually("the build to finish", Duration::from_secs(60), || async {
        let b = cb.batch_get_builds().ids(&id).send().await.ok()?.builds()[0].clone();
        b.build_complete().then_some(b)
    })
    .await;
    // --lenient: a short PROVISIONING (AWS's takes seconds).
    let provisioning = b.phases().iter().find(|p| p.phase_type().map(|t| t.as_str()) == Some("PROVISIONING")).unwrap();
    assert_eq!(provisioning.duration_in_seconds(), Some(0), "{provisioning:?}");
    // --realism token-ttl=1s: tokens expire after a second.
    let l = b.logs().unwrap();
    let get =
        || logs.get_log_events().log_group_name(l.group_name().unwrap()).log_stream_name(l.stream_name().unwrap());
    let page = get().start_from_head(true).send().await.unwrap();
    assert!(page.events().iter().any(|e| e.message() == Some("hi")), "lenient: the whole log at once");
    let token = page.next_forward_token().unwrap().to_string();
    tokio::time::sleep(Duration::from_millis(1_300)).await;
    let err = get().start_from_head(true).next_token(token).send().await.unwrap_err().into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_bad_realism_spec_is_a_one_line_usage_error() {
    for (spec, want) in
        [("partial=2", "probability"), ("ingest=5s-1s", "upper bound"), ("speed=9", "unknown realism key")]
    {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pipewatch"))
            .args(["sandbox", "--realism", spec])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{spec}");
        let err = String::from_utf8_lossy(&out.stderr);
        let line = err.lines().find(|l| l.contains(want)).unwrap_or_else(|| panic!("{spec}: {err}"));
        assert!(line.contains(spec), "{spec}: the line names the spec: {line}");
    }
}
