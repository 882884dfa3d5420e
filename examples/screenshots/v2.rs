//! The shots issues 11 and 13 asked for that the demo's first run does not
//! show: a V2 run with a queued execution, and a failed test report with the
//! details view (`d`). Shared by the example and screenshots.rs.

use std::path::Path;
use std::time::Duration;

use crossterm::event::KeyCode;
use pipewatch::aws;
use pipewatch::sandbox::Sandbox;

use super::capture::App;

/// The V2 demo pipeline (executionMode QUEUED).
pub const V2_PIPELINE: &str = "mlops-demo-v2";
/// Where its S3 source action reads (assets/sandbox/demo.json).
const V2_BUCKET: &str = "pipewatch-demo-source";
const V2_KEY: &str = "workspace-v2.zip";

/// `mlops-demo-v2` run twice: the first run holds its Build stage, the
/// second waits under the arrow ("q:1").
pub async fn queued_v2() -> (App, Sandbox) {
    let demo = aws::default_workspace();
    let (sandbox, clients) = aws::start_sandbox_session(&demo).await.expect("sandbox starts");
    let creds = sandbox.credentials().clone();
    // A second set of clients for the starts: the app owns its own.
    let starter =
        aws::for_endpoint(&sandbox.endpoint(), &creds.access_key_id, &creds.secret_access_key, "us-east-1").await;
    // The V2 demo's source is its own object, which a sandbox session does
    // not upload: without it both runs fail in Source and nothing queues.
    // (The sandbox has no CopyObject: the demo's own zip is read and put back.)
    let demo_zip = starter.s3.get_object().bucket(V2_BUCKET).key("workspace.zip").send().await.expect("the demo zip");
    let bytes = demo_zip.body.collect().await.expect("the demo zip's bytes").into_bytes();
    starter
        .s3
        .put_object()
        .bucket(V2_BUCKET)
        .key(V2_KEY)
        .body(bytes.into())
        .send()
        .await
        .expect("the V2 demo's source object");
    let mut app = App::start_on(clients, Some(demo), V2_PIPELINE);
    // The upload started a run (the source's EventBridge rule); a start
    // while it builds waits for the Build stage.
    starter.codepipeline.start_pipeline_execution().name(V2_PIPELINE).send().await.expect("start the V2 demo");
    app.run_until("a queued execution behind a build with log lines", Duration::from_secs(60), |m| {
        let queued = m.session.state.iter().flat_map(|s| &s.stages).any(|s| pipewatch::model::v2::queued_depth(s) > 0);
        let building = m.session.build.snapshot.as_ref().is_some_and(|b| b.current_phase.as_deref() == Some("BUILD"));
        // The build's own output line: the log above it is then the same each run.
        queued && building && log_line_starts(m, "Building ")
    })
    .await;
    (app, sandbox)
}

/// The demo workspace with its quality gate switched on and its waits cut:
/// the build fails with one failed test of ten.
pub fn failing_demo(dir: &Path) {
    copy_tree(&aws::default_workspace(), dir);
    let path = dir.join("model/buildspec.yml");
    let spec = std::fs::read_to_string(&path).expect("the demo buildspec");
    let patched = spec.replacen("  variables:\n", "  variables:\n    DEMO_DELAY_SCALE: \"0\"\n", 1).replacen(
        "FAIL_QUALITY_GATE: \"0\"",
        "FAIL_QUALITY_GATE: \"1\"",
        1,
    );
    assert_ne!(patched, spec, "the demo buildspec has its switches");
    std::fs::write(&path, patched).expect("write the buildspec");
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read the demo workspace") {
        let entry = entry.expect("a dir entry");
        let name = entry.file_name();
        // What a local run leaves behind is not the workspace.
        if name == "output" || name == "__pycache__" {
            continue;
        }
        if entry.file_type().expect("a file type").is_dir() {
            copy_tree(&entry.path(), &to.join(&name));
        } else {
            std::fs::copy(entry.path(), to.join(&name)).expect("copy");
        }
    }
}

/// The failed demo run with its test reports fetched (the phases pane's
/// "1 of 10 tests failed"). Keep all three alive while shooting.
pub async fn failed_tests() -> (App, Sandbox, tempfile::TempDir) {
    let ws = tempfile::tempdir().expect("temp dir");
    failing_demo(ws.path());
    let (sandbox, clients) = aws::start_sandbox_session(ws.path()).await.expect("sandbox starts");
    let mut app = App::start(clients, Some(ws.path().to_path_buf()));
    app.scrub.push((ws.path().display().to_string(), "~/src/mlops-demo".into()));
    // The whole log too (lines arrive seconds late): the pane then shows its
    // last lines, the same each run.
    app.run_until("the failed build's test reports and whole log", Duration::from_secs(180), |m| {
        m.session.build.snapshot.as_ref().is_some_and(|b| b.complete)
            && m.session.build.tests.as_ref().is_some_and(|t| t.failures() > 0)
            && log_ends(m, "Phase complete: UPLOAD_ARTIFACTS", "Phase context status code")
    })
    .await;
    app.run_for(Duration::from_secs(3)).await;
    (app, sandbox, ws)
}

/// `d` on the failed run, once its details are in.
pub async fn open_details(app: &mut App) {
    app.key(KeyCode::Char('d'));
    app.run_until("the details", Duration::from_secs(60), |m| {
        m.session.details.data.is_some() && !m.session.details.loading
    })
    .await;
}

/// The log's last two lines contain `second_last` and `last`: the build's
/// final lines (UPLOAD_ARTIFACTS is the last phase that logs) are in.
fn log_ends(m: &pipewatch::model::Model, second_last: &str, last: &str) -> bool {
    let b = &m.logs.buffer;
    let text = |q: u64| b.get(q).map(|l| l.line.text.clone()).unwrap_or_default();
    let end = b.end_seq();
    end >= b.first_seq() + 2 && text(end - 2).contains(second_last) && text(end - 1).contains(last)
}

fn log_line_starts(m: &pipewatch::model::Model, prefix: &str) -> bool {
    let b = &m.logs.buffer;
    (b.first_seq()..b.end_seq()).filter_map(|q| b.get(q)).any(|l| l.line.text.starts_with(prefix))
}
