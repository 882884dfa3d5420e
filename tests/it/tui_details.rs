//! The details view and the failed-tests line on a real demo run, minus the
//! terminal: keys → update → the real driver → the SDK over HTTP → the
//! sandbox, and the screen drawn from the model. The calls are the CodePipeline
//! API Reference's GetPipelineExecution and ListActionExecutions and the
//! CodeBuild API Reference's BatchGetBuilds, BatchGetReports and
//! DescribeTestCases.

use crossterm::event::KeyCode;
use pipewatch::model::Mode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::harness;
use crate::harness::App;

fn screen(m: &pipewatch::model::Model) -> String {
    let (w, h) = m.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| pipewatch::ui::render(m, f)).unwrap();
    let buf = terminal.backend().buffer().clone();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>().trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_demo_run_names_its_failed_test_and_d_shows_why_and_what() {
    let env = harness::start().await;
    let mut app = App::start(&env, crate::harness::PIPELINE, false).await;
    let ws = crate::demo_workspace::demo_copy(true);
    let version = env.upload_zip(harness::zip_dir(ws.path())).await;
    // The build ends, then its test reports are fetched once.
    app.until("the failed build's test reports", |m| {
        m.session.build.snapshot.as_ref().is_some_and(|b| b.complete)
            && m.session.build.tests.as_ref().is_some_and(|t| t.failures() > 0)
    })
    .await;
    app.model.size = (100, 40);
    let shown = screen(&app.model);
    assert!(shown.contains("↳ 1 of 10 tests failed: test_baseline_accuracy"), "{shown}");

    app.press(KeyCode::Char('d'));
    assert_eq!(app.model.mode(), Mode::Details, "a popup below 200 columns");
    app.until("the details", |m| m.session.details.data.is_some() && !m.session.details.loading).await;
    let d = app.model.session.details.data.clone().unwrap();
    assert!(d.revisions.iter().any(|r| r.revision_id.as_deref() == Some(version.as_str())), "{:?}", d.revisions);
    assert!(d.actions.iter().any(|a| a.stage == "Build" && !a.configuration.is_empty()), "{:?}", d.actions);
    let build = d.build.as_ref().expect("the build's details");
    assert_eq!(Some(&build.id), app.model.session.build.id.as_ref());
    let tests = d.tests.as_ref().expect("the test reports");
    assert_eq!((tests.total(), tests.failures()), (10, 1));
    let popup = screen(&app.model);
    assert!(popup.contains(&format!("SourceArtifact {version}")), "{popup}");

    // Scrolled down, the popup lists the failed case and its message.
    let mut seen = popup.clone();
    for _ in 0..40 {
        app.press(KeyCode::Char('j'));
        seen.push_str(&screen(&app.model));
    }
    assert!(seen.contains("✗ test_baseline_accuracy"), "{seen}");
    assert!(seen.contains("accuracy on the baseline (clean) data is 0.1"), "{seen}");
    assert!(seen.contains("10 tests: 9 succeeded, 1 failed"), "{seen}");
    app.press(KeyCode::Esc);
    assert_eq!(app.model.mode(), Mode::Normal);

    // At 200 columns it is a pane beside the graph.
    app.model.size = (200, 50);
    app.press(KeyCode::Char('d'));
    app.until("the details again", |m| m.session.details.data.is_some() && !m.session.details.loading).await;
    let wide = screen(&app.model);
    assert_eq!(app.model.mode(), Mode::Normal);
    assert!(wide.contains("Run details · d close") && wide.contains("Stages · mlops-demo"), "{wide}");
    assert!(wide.contains("✗ test_baseline_accuracy"), "{wide}");
}
