//! Push through the real SDK against the sandbox: the library flow (plan,
//! execute, find the execution, follow it) and the headless binary's exit
//! codes and JSON.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use pipewatch::aws::{self, AwsClients};
use pipewatch::model::snapshot::Status;
use pipewatch::pack::PackOptions;
use pipewatch::push::{self, ExecuteOptions, PushPlan, PushRequest};
use pipewatch::sandbox::Options;

use crate::harness::{self, BUCKET, Cli, Env, KEY, PIPELINE, buildspec, eventually, json_of, pipewatch};

/// A workspace whose build runs `build_command`.
fn workspace(build_command: &str) -> tempfile::TempDir {
    harness::workspace(&buildspec(&[build_command]))
}

/// `pipewatch push` against the sandbox of `env`.
fn push_cmd(env: &Env, args: &[&str]) -> Cli {
    let cli = pipewatch(["push"]).sandbox(env).args(args);
    // The demo config has two pipelines, so push is told which one.
    if args.contains(&"--pipeline") { cli } else { cli.args(["--pipeline", PIPELINE]) }
}

fn request(ws: &Path) -> PushRequest {
    PushRequest {
        pipeline: PIPELINE.into(),
        pack: PackOptions { workspace: Some(ws.to_path_buf()), temp_dir: None },
        source_action: None,
    }
}

/// A sandbox, pipewatch's clients for it, a workspace whose build runs
/// `build_command`, and the plan to push it.
struct Planned {
    env: Env,
    clients: AwsClients,
    ws: tempfile::TempDir,
    plan: PushPlan,
}

async fn planned(build_command: &str) -> Planned {
    let env = harness::start().await;
    let clients = env.clients().await;
    let ws = workspace(build_command);
    let plan = push::plan(&clients, &request(ws.path())).await.expect("plan");
    Planned { env, clients, ws, plan }
}

#[tokio::test]
async fn a_push_finds_its_execution_and_follows_it_to_the_end() {
    let Planned { env, clients, ws, plan } = planned("echo built").await;
    assert_eq!((plan.source.bucket.as_str(), plan.source.key.as_str()), (BUCKET, KEY));
    assert_eq!(plan.pipeline_type, "V2");
    assert_eq!(plan.package.entries, ["hello.txt", "model/buildspec.yml"]);
    assert_eq!(plan.package.excluded_secrets, [".env"]);
    assert!(!plan.preflight.has_errors(), "{:?}", plan.preflight);
    assert!(!plan.unchanged());

    let sent = Arc::new(AtomicU64::new(0));
    let seen = sent.clone();
    let progress: aws::ByteProgress = Arc::new(move |n| seen.store(n, Ordering::SeqCst));
    let result = push::execute(&clients, &plan, &ExecuteOptions::default(), progress).await.expect("push");
    assert_eq!(sent.load(Ordering::SeqCst), plan.package.zip_bytes);
    let version = result.version_id.clone().expect("a versioned bucket returns a VersionId");
    let execution = result.execution_id.clone().expect("the upload starts an execution");

    let ours = env.listed_execution(&execution).await;
    assert_eq!(ours.source_revisions()[0].revision_id(), Some(version.as_str()));
    let summary = ours.source_revisions()[0].revision_summary().unwrap_or("");
    assert!(summary.starts_with("pushed by ") && summary.contains('@'), "{summary}");

    let head = env.s3().head_object().bucket(BUCKET).key(KEY).send().await.expect("head");
    let sha = head.metadata().and_then(|m| m.get("pipewatch-sha256")).cloned();
    assert_eq!(sha.as_deref(), Some(plan.package.sha256.as_str()));

    env.approve_pending(&execution).await;
    let mut statuses = Vec::new();
    let end = push::follow(&clients, PIPELINE, &execution, Duration::from_millis(200), |s| statuses.push(s.clone()))
        .await
        .expect("follow");
    assert_eq!(end, Status::Succeeded, "{statuses:?}");

    let again = push::plan(&clients, &request(ws.path())).await.expect("plan again");
    assert!(again.unchanged(), "HeadObject's sha256 matches the same tree");
    let note = again.unchanged_note().expect("a note");
    assert!(note.contains(&version), "{note}");
    std::fs::write(ws.path().join("hello.txt"), "changed\n").expect("edit");
    let changed = push::plan(&clients, &request(ws.path())).await.expect("plan after edit");
    assert!(!changed.unchanged());
}

#[tokio::test]
async fn preflight_errors_block_execute_unless_forced() {
    let Planned { env, clients, ws: _ws, plan } = planned("echo a: b").await;
    assert!(plan.preflight.has_errors());
    let err = push::execute(&clients, &plan, &ExecuteOptions::default(), Arc::new(|_| {})).await.unwrap_err();
    assert!(err.to_string().contains("quote"), "{err}");
    let head = env.s3().head_object().bucket(BUCKET).key(KEY).send().await;
    assert!(head.is_err(), "nothing was uploaded");
}

#[tokio::test]
async fn no_execution_within_the_timeout_explains_and_a_pinned_start_runs_our_version() {
    let Planned { env, clients, ws: _ws, plan } = planned("echo pinned").await;
    let text = push::no_execution_explanation(&plan, "v123", Duration::from_secs(60));
    assert!(text.contains("PollForSourceChanges=false") && text.contains("EventBridge"), "{text}");
    assert!(text.contains("S3_OBJECT_VERSION_ID"), "{text}");
    let opts = ExecuteOptions { execution_timeout: Duration::ZERO, ..ExecuteOptions::default() };
    let result = push::execute(&clients, &plan, &opts, Arc::new(|_| {})).await.expect("push");
    let version = result.version_id.expect("version id");
    let started = push::start_execution(&clients, &plan, &version).await.expect("pinned start");
    let ours = env.listed_execution(&started).await;
    assert_eq!(ours.source_revisions()[0].revision_id(), Some(version.as_str()));
    assert_eq!(ours.trigger().and_then(|t| t.trigger_type()).map(|t| t.as_str()), Some("StartPipelineExecution"));
}

#[tokio::test]
async fn headless_dry_run_writes_the_zip_and_uploads_nothing() {
    let log_dir = tempfile::tempdir().expect("temp dir");
    let log = log_dir.path().join("requests.jsonl");
    let env = harness::start_with(Options { request_log: Some(log.clone()), ..Options::ephemeral() }).await;
    let ws = workspace("echo dry");
    let zip_out = log_dir.path().join("out.zip");
    let ws_arg = ws.path().to_string_lossy().into_owned();
    let zip_arg = zip_out.to_string_lossy().into_owned();
    let out =
        push_cmd(&env, &["--pipeline", PIPELINE, "--workspace", &ws_arg, "--dry-run", "--zip-out", &zip_arg, "--json"])
            .output()
            .await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let json = json_of(&out);
    assert_eq!(json["status"], "DryRun");
    let bytes = std::fs::read(&zip_out).expect("zip written");
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    assert_eq!(json["sha256"], sha.as_str());
    let requests = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(requests.contains("GetPipeline"), "{requests}");
    assert!(!requests.contains("PutObject"), "{requests}");
}

#[tokio::test]
async fn headless_preflight_errors_exit_2_without_force() {
    let env = harness::start().await;
    let ws = workspace("echo a: b");
    let ws_arg = ws.path().to_string_lossy().into_owned();
    let out = push_cmd(&env, &["--workspace", &ws_arg, "--json"]).output().await;
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 5") && stderr.contains("--force"), "{stderr}");
    assert!(env.s3().head_object().bucket(BUCKET).key(KEY).send().await.is_err(), "nothing was uploaded");
}

#[tokio::test]
async fn headless_wait_exits_0_after_approval_with_the_json_fields() {
    let env = harness::start().await;
    let ws = workspace("echo headless");
    let ws_arg = ws.path().to_string_lossy().into_owned();
    let run = push_cmd(&env, &["--pipeline", PIPELINE, "--workspace", &ws_arg, "--json", "--wait"]).spawn();
    let execution = eventually("the pushed execution", Duration::from_secs(30), || async {
        let out = env.codepipeline().list_pipeline_executions().pipeline_name(PIPELINE).send().await.ok()?;
        out.pipeline_execution_summaries().first()?.pipeline_execution_id().map(str::to_string)
    })
    .await;
    env.approve_pending(&execution).await;
    let out = run.child.wait_with_output().await.expect("pipewatch ends");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let json = json_of(&out);
    assert_eq!(json["status"], "Succeeded");
    assert_eq!(json["bucket"], BUCKET);
    assert_eq!(json["key"], KEY);
    assert_eq!(json["executionId"], execution.as_str());
    let version = json["versionId"].as_str().expect("versionId").to_string();
    let head = env.s3().head_object().bucket(BUCKET).key(KEY).send().await.expect("head");
    assert_eq!(head.version_id(), Some(version.as_str()));
    assert_eq!(json["sha256"].as_str(), head.metadata().and_then(|m| m.get("pipewatch-sha256")).map(String::as_str));
}

#[tokio::test]
async fn headless_wait_exits_1_when_the_build_fails() {
    let env = harness::start().await;
    let ws = workspace("exit 3");
    let ws_arg = ws.path().to_string_lossy().into_owned();
    let out = push_cmd(&env, &["--workspace", &ws_arg, "--json", "--wait"]).output().await;
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json_of(&out)["status"], "Failed");
}

#[tokio::test]
async fn put_package_against_moto_keeps_version_metadata_and_checksum() {
    let moto = crate::moto_compare::Moto::start();
    let clients = aws::for_endpoint(&moto.endpoint, "testing", "testing", "us-east-1").await;
    clients.s3.create_bucket().bucket("third-party").send().await.expect("create bucket");
    let enabled = aws_sdk_s3::types::VersioningConfiguration::builder()
        .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
        .build();
    clients
        .s3
        .put_bucket_versioning()
        .bucket("third-party")
        .versioning_configuration(enabled)
        .send()
        .await
        .expect("enable versioning");
    // Not asked of moto: its GetBucketVersioning answers with a
    // <GetBucketVersioningResponse> root that the SDK (rightly) rejects.
    assert_eq!(clients.head_object("third-party", "ws.zip").await.expect("head before"), None);

    let ws = workspace("echo moto");
    let package = pipewatch::pack::pack_workspace(&PackOptions { workspace: Some(ws.path().into()), temp_dir: None })
        .expect("pack");
    let upload = aws::Upload {
        bucket: "third-party".into(),
        key: "ws.zip".into(),
        path: package.path().to_path_buf(),
        size: package.zip_bytes,
        sha256: package.sha256.clone(),
        summary: "pushed by test@host: moto".into(),
    };
    let version = clients.put_package(&upload, Arc::new(|_| {})).await.expect("put to moto");
    let version = version.expect("moto returns a VersionId on a versioned bucket");
    let head = clients.head_object("third-party", "ws.zip").await.expect("head").expect("object exists");
    assert_eq!(head.version_id.as_deref(), Some(version.as_str()));
    assert_eq!(head.sha256.as_deref(), Some(package.sha256.as_str()));
    assert_eq!(head.summary.as_deref(), Some("pushed by test@host: moto"));
    let body = clients.s3.get_object().bucket("third-party").key("ws.zip").send().await.expect("get");
    let bytes = body.body.collect().await.expect("body").into_bytes();
    assert_eq!(bytes.as_ref(), std::fs::read(package.path()).expect("zip").as_slice());
}

#[tokio::test]
async fn a_network_failure_says_no_half_object_was_left() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let endpoint = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let clients = aws::for_endpoint(&endpoint, "id", "secret", "us-east-1").await;
    let ws = workspace("echo offline");
    let package = pipewatch::pack::pack_workspace(&PackOptions { workspace: Some(ws.path().into()), temp_dir: None })
        .expect("pack");
    let upload = aws::Upload {
        bucket: BUCKET.into(),
        key: KEY.into(),
        path: package.path().to_path_buf(),
        size: package.zip_bytes,
        sha256: package.sha256.clone(),
        summary: "s".into(),
    };
    let err = clients.put_package(&upload, Arc::new(|_| {})).await.expect_err("nothing listens there");
    assert!(
        err.message.contains("network failure") && err.message.contains("no half-written object"),
        "{}",
        err.message
    );
    assert!(err.message.contains("s3://pipewatch-demo-source/workspace.zip"), "{}", err.message);
}

#[tokio::test]
async fn headless_skips_an_unchanged_package_without_a_terminal() {
    let Planned { env, clients, ws, plan } = planned("echo same").await;
    let opts = ExecuteOptions { execution_timeout: Duration::ZERO, ..ExecuteOptions::default() };
    let first = push::execute(&clients, &plan, &opts, Arc::new(|_| {})).await.expect("push");
    let ws_arg = ws.path().to_string_lossy().into_owned();
    let out = push_cmd(&env, &["--workspace", &ws_arg, "--json"]).output().await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let json = json_of(&out);
    assert_eq!(json["status"], "Unchanged");
    assert_eq!(json["versionId"].as_str(), first.version_id.as_deref());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unchanged since version"));
    let head = env.s3().head_object().bucket(BUCKET).key(KEY).send().await.expect("head");
    assert_eq!(head.version_id(), first.version_id.as_deref(), "no second upload");
}

#[tokio::test]
async fn headless_dry_run_works_without_aws() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let endpoint = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let ws = workspace("echo offline");
    // Offline, push cannot ask the project where its buildspec is: with no
    // root buildspec.yml it checks the only one a level down (model/).
    let out_dir = tempfile::tempdir().expect("temp dir");
    let zip_out = out_dir.path().join("pkg.zip");
    let out = pipewatch(["push"])
        .endpoint(&endpoint, "id", "secret")
        .args(["--dry-run", "--json", "--workspace"])
        .arg(ws.path())
        .arg("--zip-out")
        .arg(&zip_out)
        .output()
        .await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("dry run without the pipeline"), "{stderr}");
    assert!(stderr.contains("checking model/buildspec.yml"), "{stderr}");
    let json = json_of(&out);
    assert_eq!(json["status"], "DryRun");
    assert_eq!(json["excludedSecrets"][0], ".env");
    let bytes = std::fs::read(&zip_out).expect("zip written");
    assert_eq!(json["sha256"], hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes)).as_str());
}

#[tokio::test]
async fn headless_push_refuses_a_read_only_profile_before_uploading() {
    let env = harness::start().await;
    let ws = workspace("echo hi");
    let ws_arg = ws.path().to_string_lossy().into_owned();
    let config = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(config.path().join("pipewatch")).expect("config dir");
    // Without a profile the name is "default"; the pattern is case-insensitive.
    std::fs::write(config.path().join("pipewatch/config.toml"), "read_only_profiles = [\"DEF*\"]\n").expect("config");
    let out = push_cmd(&env, &["--workspace", &ws_arg, "-y"]).config_home(config.path()).output().await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("profile default is read-only"), "{stderr}");
    assert!(env.s3().head_object().bucket(BUCKET).key(KEY).send().await.is_err(), "nothing was uploaded");
    // A dry run only reads: it still works.
    let out = push_cmd(&env, &["--workspace", &ws_arg, "--dry-run"]).config_home(config.path()).output().await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}
