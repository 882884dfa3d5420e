//! `pipewatch tests BUILD_ID` through the real binary against the sandbox:
//! the build's reports and failed cases (CodeBuild API Reference,
//! BatchGetReports and DescribeTestCases), exit 1 when a test failed, 0 when
//! none did, 2 on usage errors; `--json` for scripts.

use crate::harness::{self, json_of, pipewatch, stderr, stdout};
use crate::sandbox_reports;

#[tokio::test]
async fn tests_prints_failed_cases_and_exits_1_then_0_when_none_failed() {
    let env = harness::start().await;
    let failed = sandbox_reports::run(&env, sandbox_reports::SPEC).await;
    let id = failed.id().unwrap();

    let out = pipewatch(["tests", id]).sandbox(&env).output().await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = stdout(&out);
    assert!(
        text.contains("mlops-demo-build-gate  FAILED  11 tests: 7 succeeded, 2 failed, 1 error, 1 skipped"),
        "{text}"
    );
    assert!(text.contains("mlops-demo-build-coverage  SUCCEEDED  60.0% lines covered"), "{text}");
    assert!(text.contains("FAILED  gate.Checks.test_f1  f1 0.41 below 0.80\n"), "{text}");
    assert!(text.contains("ERROR  gate.Data.test_rows  no rows\n"), "{text}");
    assert!(text.ends_with("3 of 11 tests failed: test_f1, test_recall, test_rows\n"), "{text}");

    let out = pipewatch(["tests", id, "--json"]).sandbox(&env).output().await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let json = json_of(&out);
    assert_eq!(json["build_id"], id);
    assert_eq!(json["reports"].as_array().map(Vec::len), Some(2));
    assert_eq!(json["reports"][0]["total"], 11);
    let names: Vec<&str> = json["failed"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["test_f1", "test_recall", "test_rows"]);

    let passing = sandbox_reports::run(
        &env,
        "version: 0.2\nphases:\n  build:\n    commands:\n      - echo '<testsuite><testcase name=\"ok\"/></testsuite>' > r.xml\nreports:\n  unit:\n    files: r.xml\n",
    )
    .await;
    let out = pipewatch(["tests", passing.id().unwrap()]).sandbox(&env).output().await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(stdout(&out), "mlops-demo-build-unit  SUCCEEDED  1 tests: 1 succeeded\n");
}

#[tokio::test]
async fn tests_without_a_build_or_with_an_unknown_one_is_a_usage_error() {
    let env = harness::start().await;
    let out = pipewatch(["tests"]).sandbox(&env).output().await;
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out =
        pipewatch(["tests", "mlops-demo-build:00000000-0000-0000-0000-000000000000"]).sandbox(&env).output().await;
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(stderr(&out).contains("cannot read build"), "{}", stderr(&out));
}
