//! Renders the README screenshots from the real app against the sandbox:
//!
//! ```sh
//! cargo run --example screenshots
//! ```
//!
//! It starts the sandbox in-process, uploads a workspace, and drives the
//! monitor's real data path (workers over HTTP → Msgs → `update` → `Model`,
//! with the real `PushDriver` for `p`) until the wanted state is on screen;
//! then `ui::render` draws into a `TestBackend` buffer that is rasterised
//! with the bundled DejaVu Sans Mono (`raster.rs`). Each shot is written as
//! `screenshots/NAME.png` and its text as `screenshots/NAME.txt`.
//!
//! Reproducibility: rerunning gives the same screens with the same layout and
//! text, except for the seconds the sandbox measured in that run (phase
//! durations, elapsed times), which may differ by a second or two. Everything
//! else that varies per run is normalised before rendering (`normalise` in
//! capture.rs):
//! the clock is fixed and every time in the model is shifted with it, and
//! execution ids, build ids, S3 version ids, the endpoint's port and local
//! paths are replaced with fixed stand-ins. So the PNG bytes can differ
//! between runs, but a changed screenshot in a diff means the UI changed.

// A developer tool: a failed step stops it with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "screenshots/capture.rs"]
mod capture;
#[path = "screenshots/fleet.rs"]
mod fleet;
#[path = "screenshots/raster.rs"]
mod raster;
#[path = "screenshots/v2.rs"]
mod v2;

use std::path::PathBuf;
use std::time::Duration;

use capture::App;
use crossterm::event::KeyCode;
use pipewatch::aws;
use pipewatch::model::Modal;
use pipewatch::model::push::PushDialog;
use pipewatch::model::snapshot::Status;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("screenshots");
    std::fs::create_dir_all(&out).expect("create screenshots/");
    // `-- --only-new`: just the fleet, inbox, V2 and test-report shots (the demo's first run takes minutes).
    let only_new = std::env::args().any(|a| a == "--only-new");

    new_shots(&out).await;
    if only_new {
        return;
    }

    // The demo workspace: a running build, the push confirmation, a bastion-size
    // view, the approval dialog, then a second run and the history.
    let demo = aws::default_workspace();
    let (sandbox, clients) = aws::start_sandbox_session(&demo).await.expect("sandbox starts");
    let mut app = App::start(clients, Some(demo.clone()));
    app.run_until("the BUILD phase with log lines", Duration::from_secs(180), |m| {
        let build = m.session.build.snapshot.as_ref();
        build.is_some_and(|b| b.current_phase.as_deref() == Some("BUILD")) && m.logs.buffer.len() >= 12
    })
    .await;
    // Into the training: a few epochs in the log (or BUILD ended early).
    app.run_until("six seconds of BUILD", Duration::from_secs(60), |m| {
        let build = m.session.build.snapshot.as_ref();
        let phase = build.and_then(|b| b.phases.iter().find(|p| p.phase == "BUILD"));
        phase.is_none_or(|p| p.end.is_some() || p.start.is_some_and(|s| (m.now - s).num_seconds() >= 6))
    })
    .await;
    app.shoot(&out, "running", 120, 40);
    app.shoot(&out, "bastion", 80, 24);

    app.key(KeyCode::Char('p'));
    app.run_until("the push confirmation", Duration::from_secs(60), |m| {
        matches!(m.modal, Modal::Push(PushDialog::Confirm(_)))
    })
    .await;
    app.shoot(&out, "push-confirm", 120, 40);
    app.key(KeyCode::Esc);

    // The approval: `a` with a summary typed, at bastion size.
    app.run_until("the approval waiting", Duration::from_secs(180), |m| {
        m.session.state.iter().flat_map(|s| &s.stages).flat_map(|s| &s.actions).any(|a| a.approval_token.is_some())
    })
    .await;
    app.key(KeyCode::Char('a'));
    for c in "metrics look fine".chars() {
        app.key(KeyCode::Char(c));
    }
    app.shoot(&out, "approve", 80, 24);
    app.key(KeyCode::Enter);
    app.run_until("the run to succeed", Duration::from_secs(120), |m| {
        m.session.executions.first().is_some_and(|e| e.status == Status::Succeeded)
    })
    .await;

    // A second run (`s`), then the history with both: chart and stage medians.
    app.key(KeyCode::Char('s'));
    app.key(KeyCode::Enter);
    app.run_until("a second run building", Duration::from_secs(120), |m| {
        m.session.executions.len() >= 2
            && m.session.build.snapshot.as_ref().is_some_and(|b| b.current_phase.as_deref() == Some("BUILD"))
    })
    .await;
    app.key(KeyCode::Char('e'));
    app.run_until("the stage medians", Duration::from_secs(60), |m| m.session.history.stage_medians.len() >= 3).await;
    app.shoot(&out, "history", 120, 40);
    drop(app);
    drop(sandbox);

    // A workspace whose training fails in BUILD: the failed build with its contexts.
    let (app, sandbox, _workspace) = capture::failed_build().await;
    app.shoot(&out, "failed", 120, 40);
    drop(app);
    drop(sandbox);
    println!("screenshots written to {}", out.display());
}

/// The fleet and its inbox; a failed test report and its details; a V2 run with a queued execution.
async fn new_shots(out: &std::path::Path) {
    // Issue 13: the fleet list and its approvals inbox, at both sizes.
    let (mut app, sandbox, _config) = fleet::fleet().await;
    app.shoot(out, "fleet", 120, 40);
    app.shoot(out, "fleet", 80, 24);
    fleet::open_inbox(&mut app).await;
    app.shoot(out, "inbox", 120, 40);
    app.shoot(out, "inbox", 80, 24);
    drop(app);
    drop(sandbox);

    // Issue 11: the failed demo run's test report, then its details (`d`).
    let (mut app, sandbox, _workspace) = v2::failed_tests().await;
    app.shoot(out, "failed-tests", 120, 40);
    v2::open_details(&mut app).await;
    app.shoot(out, "details", 120, 40);
    drop(app);
    drop(sandbox);
    // Issue 11: a V2 run with an execution queued behind it.
    let (app, sandbox) = v2::queued_v2().await;
    app.shoot(out, "v2-queued", 120, 40);
    drop(app);
    drop(sandbox);
}
