//! Runner paths that need an injected timeout or direct store access; the API
//! paths are tested over HTTP in tests/it/sandbox_codebuild.rs.

use std::io::Write;
use std::time::{Duration, Instant};

use super::*;
use crate::sandbox::{Options, Sandbox};

fn source_zip(dir: &std::path::Path, buildspec: &str) -> PathBuf {
    let path = dir.join("source.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    // Where the demo build project reads it (its source.buildspec).
    zip.start_file("model/buildspec.yml", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(buildspec.as_bytes()).unwrap();
    zip.finish().unwrap();
    path
}

async fn run_to_end(sb: &Sandbox, zip: PathBuf, within: Duration) -> (String, BuildOutcome, Value) {
    let req = BuildRequest {
        project: "mlops-demo-build".into(),
        region: "us-east-1".into(),
        source_zip: zip,
        source_version: "v1".into(),
        initiator: "codepipeline/test".into(),
        artifact_zip: None,
        env: Vec::new(),
    };
    let id = start_build(&sb.shared, req).unwrap();
    let deadline = Instant::now() + within;
    loop {
        let done = lock(&sb.shared.builds).outcome(&id);
        if let Some(outcome) = done {
            let json = lock(&sb.shared.builds).build(&id).unwrap().to_json();
            return (id, outcome, json);
        }
        assert!(Instant::now() < deadline, "build {id} still running after {within:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn phase<'a>(build: &'a Value, kind: &str) -> Option<&'a Value> {
    build["phases"].as_array().unwrap().iter().find(|p| p["phaseType"] == kind)
}

#[tokio::test]
async fn the_timeout_kills_the_command_and_times_the_build_out() {
    let sb = crate::sandbox::start(Options::ephemeral()).await.unwrap();
    // The timeout counts from the start; let it fall 1.5 s into BUILD.
    lock(&sb.shared.builds).timeout_override = Some(sb.shared.realism.provisioning + Duration::from_millis(1500));
    let tmp = tempfile::tempdir().unwrap();
    let spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo $$ > /dev/null; sleep 30\n  post_build:\n    commands:\n      - echo post\n";
    let (_, outcome, build) = run_to_end(&sb, source_zip(tmp.path(), spec), Duration::from_secs(40)).await;
    // The build's own record: BUILD was cut short of the command's 30 s.
    let took = phase(&build, "BUILD").unwrap()["durationInSeconds"].as_i64().unwrap();
    assert!(took < 30, "BUILD ran {took} s: the command was not killed");
    assert_eq!(outcome, BuildOutcome { status: "TIMED_OUT".into(), message: Some("Build has timed out. ".into()) });
    assert_eq!(build["buildStatus"], "TIMED_OUT");
    assert_eq!(phase(&build, "BUILD").unwrap()["phaseStatus"], "TIMED_OUT");
    assert_eq!(phase(&build, "BUILD").unwrap()["contexts"][0]["statusCode"], "BUILD_TIMED_OUT");
    assert!(phase(&build, "POST_BUILD").is_none(), "a timed-out build finalizes at once");
    assert_eq!(phase(&build, "FINALIZING").unwrap()["phaseStatus"], "SUCCEEDED");
    assert_eq!(build["currentPhase"], "COMPLETED");
}

#[tokio::test]
async fn kill_all_stops_running_builds() {
    let sb = crate::sandbox::start(Options::ephemeral()).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 30\n";
    let zip = source_zip(tmp.path(), spec);
    let req = BuildRequest {
        project: "mlops-demo-build".into(),
        region: "us-east-1".into(),
        source_zip: zip,
        source_version: String::new(),
        initiator: "x".into(),
        artifact_zip: None,
        env: Vec::new(),
    };
    let id = start_build(&sb.shared, req).unwrap();
    // Wait until the command runs (after PROVISIONING), then shut everything down.
    let deadline = Instant::now() + sb.shared.realism.provisioning + Duration::from_secs(5);
    while lock(&sb.shared.builds).build(&id).unwrap().phases.last().map(|p| p.kind) != Some("BUILD") {
        assert!(Instant::now() < deadline, "BUILD never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    lock(&sb.shared.builds).kill_all();
    let deadline = Instant::now() + Duration::from_secs(5);
    let outcome = loop {
        if let Some(o) = lock(&sb.shared.builds).outcome(&id) {
            break o;
        }
        assert!(Instant::now() < deadline, "build not stopped");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(outcome.status, "STOPPED");
    assert!(!lock(&sb.shared.builds).dir.join(id.split(':').nth(1).unwrap()).exists(), "the build dir is cleaned up");
}
