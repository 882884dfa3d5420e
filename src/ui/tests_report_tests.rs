//! The failed-tests line under the failure context in the phases pane.

use super::tests::{draw, fg_at, text};
use crate::model::samples;
use crate::model::snapshot::Status;
use crate::model::tests_report::sample_failed;

fn failed_with_tests(w: u16, h: u16) -> crate::model::Model {
    let mut m = samples::model(samples::failed_build(), w, h);
    m.session.state = Some(samples::pipeline(Status::Failed));
    m.session.build.tests = Some(sample_failed(&samples::failed_build().id));
    m
}

#[test]
fn a_failed_build_says_how_many_tests_failed_under_its_context() {
    for (w, h) in [(80, 24), (200, 50)] {
        let buf = draw(&failed_with_tests(w, h));
        let screen = text(&buf);
        let lines: Vec<&str> = screen.lines().collect();
        let context = lines.iter().position(|l| l.contains("COMMAND_EXECUTION_ERROR")).expect("the context");
        assert!(
            lines[context + 1].contains("↳ 3 of 41 tests failed: test_baseline_accuracy, test_f1"),
            "{w}x{h}:\n{screen}"
        );
        assert_eq!(fg_at(&buf, "3 of 41 tests failed"), fg_at(&buf, "COMMAND_EXECUTION_ERROR"));
    }
    insta::assert_snapshot!("failed_tests_80x24", text(&draw(&failed_with_tests(80, 24))));
}

#[test]
fn no_line_for_another_build_or_when_every_test_passed() {
    let mut m = failed_with_tests(80, 24);
    m.session.build.tests.as_mut().unwrap().build_id = "other:build".into();
    assert!(!text(&draw(&m)).contains("tests failed"));
    let mut m = failed_with_tests(80, 24);
    for r in &mut m.session.build.tests.as_mut().unwrap().reports {
        r.counts.retain(|(s, _)| s == "SUCCEEDED");
    }
    assert!(!text(&draw(&m)).contains("tests failed"));
}
