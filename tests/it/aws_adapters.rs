//! `pipewatch::aws` through the real SDK over HTTP against the sandbox: each
//! adapter's snapshot of a real run of the demo pipeline, and how errors are
//! classified.

use std::time::{Duration, Instant};

use pipewatch::aws;
use pipewatch::follow::{LogFollow, LogPosition, LogRead, Next};
use pipewatch::model::snapshot::{LogEvent, Status};
use pipewatch::msg::FailureKind;
use pipewatch::pack::{PackOptions, pack_workspace};
use pipewatch::sandbox::{self, Options};

use crate::harness::{self, BUCKET, KEY, LONG, PIPELINE, buildspec, eventually};

#[tokio::test]
async fn adapters_describe_a_real_run_of_the_demo_pipeline() {
    let env = harness::start().await;
    let clients = env.clients().await;
    assert_eq!(clients.identity().await, Ok(sandbox::ACCOUNT_ID.to_string()));
    let pipelines = clients.list_pipelines().await.expect("list pipelines");
    // The demo config also has a pipeline with an action in eu-west-1.
    assert_eq!(
        pipelines.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        [PIPELINE, "mlops-demo-eu", "mlops-demo-v2"]
    );
    assert!(pipelines[0].pipeline_type.is_some() && pipelines[0].latest.is_none(), "{pipelines:?}");

    let version = env.upload(&buildspec(&["echo alpha", "sleep 0.3", "echo beta"])).await;
    let id = env.execution_for(&version).await;
    env.wait_stage(&id, "Approve", "InProgress").await;
    // The run waits for the approval, so the state read now is the one waited for.
    let state = clients.pipeline_state(PIPELINE).await.expect("pipeline state");
    let names: Vec<&str> = state.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Source", "Build", "Approve", "Deploy"]);
    let kinds: Vec<(Option<&str>, Option<&str>)> =
        state.stages.iter().map(|s| (s.actions[0].category.as_deref(), s.actions[0].provider.as_deref())).collect();
    assert_eq!(
        kinds,
        [
            (Some("Source"), Some("S3")),
            (Some("Build"), Some("CodeBuild")),
            (Some("Approval"), Some("Manual")),
            (Some("Build"), Some("CodeBuild"))
        ]
    );
    let build_stage = &state.stages[1];
    assert!(build_stage.inbound_enabled);
    assert_eq!(build_stage.latest_execution, Some((id.clone(), Status::Succeeded)));
    let build_action = &build_stage.actions[0];
    assert_eq!(build_action.status, Some(Status::Succeeded));
    let build_id = build_action.external_id.clone().expect("a CodeBuild action has the build id");
    assert!(build_id.starts_with("mlops-demo-build:"), "{build_id}");
    let approve = &state.stages[2].actions[0];
    assert!(approve.approval_token.is_some(), "a waiting approval has a token: {approve:?}");
    assert_eq!(state.stages[3].latest_execution, None, "Deploy has not run");

    let executions = clients.list_executions(PIPELINE, 20).await.expect("executions");
    let latest = &executions[0];
    assert_eq!((latest.id.as_str(), &latest.status), (id.as_str(), &Status::InProgress));
    assert_eq!(latest.trigger_type.as_deref(), Some("CloudWatchEvent"));
    assert_eq!(latest.source_revisions[0].revision_id.as_deref(), Some(version.as_str()));
    assert_eq!(latest.source_revisions[0].summary.as_deref(), Some("pushed by test"));
    assert!(latest.start.is_some());

    let build = clients.build(&build_id).await.expect("build");
    assert_eq!((build.status.clone(), build.complete), (Status::Succeeded, true));
    assert_eq!(build.project, "mlops-demo-build");
    let phases: Vec<&str> = build.phases.iter().map(|p| p.phase.as_str()).collect();
    assert_eq!(phases.first(), Some(&"SUBMITTED"));
    assert_eq!(phases.last(), Some(&"COMPLETED"));
    let build_phase = build.phases.iter().find(|p| p.phase == "BUILD").expect("a BUILD phase");
    assert_eq!(build_phase.status, Some(Status::Succeeded));
    assert!(build_phase.start.is_some() && build_phase.end.is_some());

    let (group, stream) = (build.log_group.clone().expect("group"), build.log_stream.clone().expect("stream"));
    // Read as the app does: follow from the head until the build's log has settled.
    let events = read_to_end(&clients, &group, &stream).await;
    let output: Vec<&str> =
        events.iter().map(|e| e.message.as_str()).filter(|m| !m.starts_with("[Container]")).collect();
    assert_eq!(output, ["alpha", "beta"]);
    let LogPosition::Token(token) = follow_position(&clients, &group, &stream).await else { panic!("a token") };
    let again = clients.log_page(&group, &stream, &LogPosition::Token(token.clone())).await.expect("next page");
    let LogRead::Page(again) = again else { panic!("a page: {again:?}") };
    assert!(again.events.is_empty(), "{again:?}");
    assert_eq!(again.next_token, token, "nothing new: the same token comes back");

    let medians = clients.phase_medians("mlops-demo-build").await.expect("medians");
    let by_phase: Vec<&str> = medians.iter().map(|(p, _)| p.as_str()).collect();
    assert!(by_phase.contains(&"BUILD"), "{medians:?}");
    let build_median = medians.iter().find(|(p, _)| p == "BUILD").map(|m| m.1);
    assert_eq!(build_median, build_phase.duration_secs.map(|d| d as f64), "one successful build: its own duration");
    assert_eq!(clients.phase_medians("mlops-demo-deploy").await, Ok(vec![]), "no successful deploys yet");
}

#[tokio::test]
async fn an_unknown_pipeline_is_a_service_error_naming_the_code() {
    let env = harness::start().await;
    let clients = env.clients().await;
    let err = clients.pipeline_state("nope").await.unwrap_err();
    assert_eq!(err.kind, FailureKind::Service);
    assert_eq!(err.api, "codepipeline:GetPipelineState");
    assert!(err.message.contains("PipelineNotFoundException"), "{err:?}");
}

#[tokio::test]
async fn wrong_credentials_are_an_auth_failure() {
    let env = harness::start().await;
    let wrong = aws::for_endpoint(&env.sandbox.endpoint(), "AKIAWRONGWRONG", "not-the-secret", "us-east-1").await;
    for err in [wrong.identity().await.unwrap_err(), wrong.list_pipelines().await.unwrap_err()] {
        assert_eq!(err.kind, FailureKind::Auth, "{err:?}");
        assert!(err.message.contains("credentials"), "{err:?}");
    }
    let c = env.sandbox.credentials();
    let bad_secret = aws::for_endpoint(&env.sandbox.endpoint(), &c.access_key_id, "not-the-secret", "us-east-1").await;
    assert_eq!(bad_secret.build("mlops-demo-build:x").await.unwrap_err().kind, FailureKind::Auth);
}

#[tokio::test]
async fn a_closed_port_is_offline() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let clients = aws::for_endpoint(&format!("http://127.0.0.1:{port}"), "AKIAX", "secret", "us-east-1").await;
    let err = clients.pipeline_state(PIPELINE).await.unwrap_err();
    assert_eq!(err.kind, FailureKind::Offline, "{err:?}");
    assert_eq!(clients.log_page("g", "s", &LogPosition::Head).await.unwrap_err().kind, FailureKind::Offline);
}

#[tokio::test]
async fn sandbox_throttling_is_throttled_in_every_protocol() {
    let env = harness::start_with(Options { chaos: Some("throttle=1".parse().unwrap()), ..Options::ephemeral() }).await;
    let clients = env.clients().await;
    let failures = [
        clients.identity().await.unwrap_err(),
        clients.list_pipelines().await.unwrap_err(),
        clients.build("mlops-demo-build:x").await.unwrap_err(),
        clients.log_page("g", "s", &LogPosition::Head).await.unwrap_err(),
    ];
    for err in failures {
        assert_eq!(err.kind, FailureKind::Throttled, "{err:?}");
    }
    let put = clients.s3.put_object().bucket("pipewatch-demo-source").key("k").send().await;
    assert!(put.is_err(), "S3 is throttled too (SlowDown)");
}

#[tokio::test]
async fn a_sandbox_session_uploads_the_demo_workspace_and_starts_a_run() {
    let (sandbox, clients) = aws::start_sandbox_session(&aws::default_workspace()).await.expect("session");
    assert!(sandbox.endpoint().starts_with("http://127.0.0.1:"));
    assert_eq!(clients.endpoint.as_deref(), Some(sandbox.endpoint().as_str()));
    let executions = eventually("the demo run", LONG, || async {
        let list = clients.list_executions(PIPELINE, 20).await.ok()?;
        (!list.is_empty()).then_some(list)
    })
    .await;
    assert_eq!(executions.len(), 1);
    let pack = || {
        let opts = PackOptions { workspace: Some(aws::default_workspace()), temp_dir: None };
        pack_workspace(&opts).unwrap().bytes().unwrap()
    };
    let zip = pack();
    assert_eq!(zip, pack(), "the same tree gives the same bytes");
    let uploaded = clients.s3.get_object().bucket(BUCKET).key(KEY).send().await.expect("the uploaded workspace");
    let uploaded = uploaded.body.collect().await.expect("body").into_bytes();
    assert_eq!(uploaded.as_ref(), zip.as_slice(), "the session uploads the package a push would");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let names: Vec<String> = archive.file_names().map(|n| n.unwrap().into_owned()).collect();
    for want in
        ["model/buildspec.yml", "model/run_pipeline.py", "model/config.json", "data/train.csv", "data/baseline.csv"]
    {
        assert!(names.contains(&want.to_string()), "{want} missing from {names:?}");
    }
    assert!(archive.by_name("model/buildspec.yml").is_ok());
}

#[tokio::test]
async fn connect_honours_the_endpoint_and_reports_missing_credentials_as_auth() {
    let env = harness::start().await;
    let opts = aws::ConnectOptions {
        profile: None,
        region: Some("eu-west-1".into()),
        endpoint_url: Some(env.sandbox.endpoint()),
        ..Default::default()
    };
    let clients = aws::connect(&opts).await.expect("connect does no network IO");
    assert_eq!(clients.region, "eu-west-1");
    assert_eq!(clients.endpoint.as_deref(), Some(env.sandbox.endpoint().as_str()));
    // Whatever the default chain finds here (nothing, or keys for real AWS),
    // the sandbox cannot accept it: either way the user is told about credentials.
    let err = clients.identity().await.unwrap_err();
    assert_eq!(err.kind, FailureKind::Auth, "{err:?}");
}

/// Every event of a finished build's stream, read with the app's follow.
async fn read_to_end(clients: &aws::AwsClients, group: &str, stream: &str) -> Vec<LogEvent> {
    let mut follow = LogFollow::default();
    let mut all = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let read = clients.log_page(group, stream, follow.position()).await.expect("log page");
        let (events, next) = follow.on_read(read, true, Instant::now(), chrono::Utc::now().timestamp_millis());
        all.extend(events);
        match next {
            Next::Done => return all,
            Next::Now => {}
            _ => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
    panic!("the log did not settle in 60 s: {all:?}");
}

/// The forward token at the end of the stream.
async fn follow_position(clients: &aws::AwsClients, group: &str, stream: &str) -> LogPosition {
    let mut follow = LogFollow::new(Duration::ZERO);
    for _ in 0..100 {
        let read = clients.log_page(group, stream, follow.position()).await.expect("log page");
        if follow.on_read(read, true, Instant::now(), 0).1 == Next::Done {
            return follow.position().clone();
        }
    }
    panic!("no end of stream in 100 pages");
}
