//! Test reports in the sandbox: a buildspec's `reports:` section becomes the
//! build's `reportArns`, read back with BatchGetReports, DescribeTestCases and
//! DescribeCodeCoverages through the real SDK over HTTP. Shapes follow the
//! CodeBuild API Reference (Report, TestReportSummary, TestCase, CodeCoverage,
//! CodeCoverageReportSummary) and the CodeBuild User Guide ("Test reports",
//! "Report group naming", buildspec reference "reports").

use std::time::Duration;

use aws_sdk_codebuild::types::{
    Build, ReportCodeCoverageSortByType, ReportStatusType, ReportType, SortOrderType, SourceType, StatusType,
    TestCaseFilter,
};

use crate::harness::{self, Env};

pub(crate) const SPEC: &str = r#"version: 0.2
phases:
  build:
    commands:
      - mkdir -p out/junit
      - |
        { echo '<testsuites><testsuite name="gate">'
          for i in $(seq 1 7); do echo "<testcase classname=\"gate.Checks\" name=\"test_ok_$i\" time=\"0.5\"/>"; done
          echo '<testcase classname="gate.Checks" name="test_f1"><failure message="f1 0.41 below 0.80">assert f1 &gt;= 0.8</failure></testcase>'
          echo '<testcase classname="gate.Checks" name="test_recall"><failure message="recall 0.3 below 0.7"/></testcase>'
          echo '<testcase classname="gate.Data" name="test_rows"><error message="no rows"/></testcase>'
          echo '<testcase classname="gate.Data" name="test_slow"><skipped/></testcase>'
          echo '</testsuite></testsuites>'; } > out/junit/gate.xml
      - printf '%s' '<coverage><packages><package><classes><class filename="model/run.py"><lines><line number="1" hits="2"/><line number="2" hits="0"/><line number="3" hits="1"/><line number="4" hits="5"/></lines></class><class filename="data/make.py"><lines><line number="1" hits="0"/></lines></class></classes></package></packages></coverage>' > coverage.xml
      - exit 1
reports:
  gate:
    files:
      - '**/*.xml'
    base-directory: out
  coverage:
    files: coverage.xml
    file-format: COBERTURAXML
  never-written:
    files: nothing/*.xml
"#;

/// Runs `spec` as a StartBuild with an S3 source; returns the finished build.
pub(crate) async fn run(env: &Env, spec: &str) -> Build {
    let body = harness::zip_of(&[("model/buildspec.yml", spec)]);
    env.s3()
        .put_object()
        .bucket("pipewatch-demo-source")
        .key("reports/src.zip")
        .body(body.into())
        .send()
        .await
        .unwrap();
    let cb = aws_sdk_codebuild::Client::new(&harness::retrying(&env.sdk));
    let started = cb
        .start_build()
        .project_name("mlops-demo-build")
        .source_type_override(SourceType::S3)
        .source_location_override("pipewatch-demo-source/reports/src.zip")
        .send()
        .await
        .unwrap();
    let id = started.build_value().unwrap().id().unwrap().to_string();
    harness::eventually("the build to finish", Duration::from_secs(30), || async {
        let out = cb.batch_get_builds().ids(&id).send().await.ok()?;
        out.builds().first().filter(|b| b.build_complete()).cloned()
    })
    .await
}

#[tokio::test]
async fn a_failed_build_reports_its_tests_and_coverage() {
    let env = harness::start().await;
    let build = run(&env, SPEC).await;
    assert_eq!(build.build_status(), Some(&StatusType::Failed));
    // Two groups wrote files; the third never did and makes no report.
    let arns = build.report_arns().to_vec();
    assert_eq!(arns.len(), 2, "{arns:?}");
    let cb = aws_sdk_codebuild::Client::new(&harness::retrying(&env.sdk));
    let got = cb.batch_get_reports().set_report_arns(Some(arns.clone())).report_arns("arn:nope").send().await.unwrap();
    assert_eq!(got.reports_not_found(), ["arn:nope"]);
    let test = got.reports().iter().find(|r| r.r#type() == Some(&ReportType::Test)).unwrap();
    assert!(test.arn().unwrap().contains(":report/mlops-demo-build-gate:"), "{:?}", test.arn());
    assert!(test.report_group_arn().unwrap().ends_with(":report-group/mlops-demo-build-gate"));
    assert_eq!(test.execution_id(), build.arn());
    assert_eq!(test.status(), Some(&ReportStatusType::Failed));
    let summary = test.test_summary().unwrap();
    assert_eq!(summary.total(), 11);
    let counts = summary.status_counts();
    assert_eq!((counts["SUCCEEDED"], counts["FAILED"], counts["ERROR"], counts["SKIPPED"]), (7, 2, 1, 1));
    assert_eq!(summary.duration_in_nano_seconds(), 3_500_000_000);

    let cov = got.reports().iter().find(|r| r.r#type() == Some(&ReportType::CodeCoverage)).unwrap();
    assert_eq!(cov.status(), Some(&ReportStatusType::Succeeded));
    let s = cov.code_coverage_summary().unwrap();
    assert_eq!((s.lines_covered(), s.lines_missed(), s.line_coverage_percentage()), (Some(3), Some(2), Some(60.0)));

    // Failed cases only, with their messages.
    let failed = cb
        .describe_test_cases()
        .report_arn(test.arn().unwrap())
        .filter(TestCaseFilter::builder().status("FAILED").build())
        .send()
        .await
        .unwrap();
    let names: Vec<_> = failed.test_cases().iter().map(|c| (c.name().unwrap(), c.message().unwrap())).collect();
    assert_eq!(names, [("test_f1", "f1 0.41 below 0.80\nassert f1 >= 0.8"), ("test_recall", "recall 0.3 below 0.7")]);
    assert_eq!(failed.test_cases()[0].prefix(), Some("gate.Checks"));
    assert_eq!(failed.test_cases()[0].test_suite_name(), Some("gate"));
    assert_eq!(failed.test_cases()[0].test_raw_data_path(), Some("out/junit/gate.xml"));
    assert!(failed.next_token().is_none());

    let cov_files = cb
        .describe_code_coverages()
        .report_arn(cov.arn().unwrap())
        .sort_by(ReportCodeCoverageSortByType::LineCoveragePercentage)
        .sort_order(SortOrderType::Descending)
        .send()
        .await
        .unwrap();
    let files: Vec<_> =
        cov_files.code_coverages().iter().map(|c| (c.file_path().unwrap(), c.line_coverage_percentage())).collect();
    assert_eq!(files, [("model/run.py", Some(75.0)), ("data/make.py", Some(0.0))]);
}

#[tokio::test]
async fn test_cases_page_and_filter_by_keyword_and_bad_input_is_refused() {
    let env = harness::start().await;
    let build = run(&env, SPEC).await;
    let cb = aws_sdk_codebuild::Client::new(&harness::retrying(&env.sdk));
    let got = cb.batch_get_reports().set_report_arns(Some(build.report_arns().to_vec())).send().await.unwrap();
    let arn = got.reports().iter().find(|r| r.r#type() == Some(&ReportType::Test)).unwrap().arn().unwrap().to_string();
    // Pages of 4 walk all 11 cases once.
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = cb.describe_test_cases().report_arn(&arn).max_results(4).set_next_token(token).send().await.unwrap();
        assert!(page.test_cases().len() <= 4);
        seen.extend(page.test_cases().iter().map(|c| c.name().unwrap().to_string()));
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 11);
    seen.dedup();
    assert_eq!(seen.len(), 11, "no case twice");
    // The keyword matches a name or a prefix.
    let data =
        cb.describe_test_cases().report_arn(&arn).filter(TestCaseFilter::builder().keyword("Data").build()).send();
    let data = data.await.unwrap();
    let names: Vec<_> = data.test_cases().iter().map(|c| c.name().unwrap()).collect();
    assert_eq!(names, ["test_rows", "test_slow"]);

    let err = cb
        .describe_test_cases()
        .report_arn(&arn)
        .filter(TestCaseFilter::builder().status("BROKEN").build())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("InvalidInputException"));
    let err = cb.describe_test_cases().report_arn(format!("{arn}x")).send().await.unwrap_err().into_service_error();
    assert_eq!(err.meta().code(), Some("ResourceNotFoundException"));
    let err = cb.describe_test_cases().report_arn(&arn).max_results(101).send().await.unwrap_err();
    assert_eq!(err.into_service_error().meta().code(), Some("InvalidInputException"));
}

#[tokio::test]
async fn a_build_without_a_reports_section_has_no_report_arns() {
    let env = harness::start().await;
    let build = run(&env, "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n").await;
    assert_eq!(build.build_status(), Some(&StatusType::Succeeded));
    assert!(build.report_arns().is_empty());
}

/// The demo build's quality-gate report: (total cases, names of failed ones).
pub async fn demo_report(env: &Env, build: &Build) -> (i32, Vec<String>) {
    let cb = aws_sdk_codebuild::Client::new(&harness::retrying(&env.sdk));
    assert_eq!(build.report_arns().len(), 1, "one report group in the demo buildspec");
    let got = cb.batch_get_reports().set_report_arns(Some(build.report_arns().to_vec())).send().await.unwrap();
    let report = &got.reports()[0];
    assert!(report.report_group_arn().unwrap().ends_with(":report-group/mlops-demo-build-quality-gate"));
    let total = report.test_summary().unwrap().total();
    let failed = cb
        .describe_test_cases()
        .report_arn(report.arn().unwrap())
        .filter(TestCaseFilter::builder().status("FAILED").build())
        .send()
        .await
        .unwrap();
    let names: Vec<String> = failed.test_cases().iter().map(|c| c.name().unwrap().to_string()).collect();
    let want = if names.is_empty() { ReportStatusType::Succeeded } else { ReportStatusType::Failed };
    assert_eq!(report.status(), Some(&want));
    (total, names)
}
