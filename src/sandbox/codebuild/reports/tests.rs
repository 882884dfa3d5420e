//! Collecting reports from a build's files, as the buildspec's `reports:`
//! section declares them (CodeBuild User Guide, "Test reports").

use super::*;

fn spec(group: &str, files: &[&str], base: Option<&str>, format: &str) -> ReportSpec {
    ReportSpec {
        group: group.into(),
        files: files.iter().map(|f| f.to_string()).collect(),
        base_directory: base.map(str::to_string),
        discard_paths: false,
        file_format: format.into(),
    }
}

const BUILD: BuildRef = BuildRef {
    project: "demo",
    region: "us-east-1",
    account: "123456789012",
    build_arn: "arn:aws:codebuild:us-east-1:123456789012:build/demo:u",
};

#[test]
fn groups_become_test_and_coverage_reports() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("out/unit")).unwrap();
    std::fs::write(
        dir.path().join("out/unit/a.xml"),
        r#"<testsuite name="a"><testcase name="ok" time="0.5"/><testcase name="bad"><failure message="no"/></testcase></testsuite>"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("out/unit/b.xml"),
        r#"<testsuite name="b"><testcase name="ok2" time="1"/></testsuite>"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("out/notes.txt"), "not a report").unwrap();
    std::fs::write(
        dir.path().join("coverage.xml"),
        r#"<coverage><packages><package><classes><class filename="m.py"><lines><line number="1" hits="1"/><line number="2" hits="0"/></lines></class></classes></package></packages></coverage>"#,
    )
    .unwrap();
    let specs = [
        spec("unit", &["**/*.xml"], Some("out"), "JUNITXML"),
        spec("cov", &["coverage.xml"], None, "COBERTURAXML"),
        spec("arn:aws:codebuild:us-east-1:123456789012:report-group/shared", &["missing/*.xml"], None, "JUNITXML"),
    ];
    let (reports, log) = collect(dir.path(), &BUILD, &specs);
    assert_eq!(reports.len(), 2, "a group whose files are missing makes no report: {log:?}");
    let unit = reports[0].to_json();
    assert!(unit["arn"].as_str().unwrap().starts_with("arn:aws:codebuild:us-east-1:123456789012:report/demo-unit:"));
    assert_eq!(unit["reportGroupArn"], "arn:aws:codebuild:us-east-1:123456789012:report-group/demo-unit");
    assert_eq!(unit["type"], "TEST");
    assert_eq!(unit["status"], "FAILED");
    assert_eq!(unit["executionId"], BUILD.build_arn);
    assert_eq!(unit["testSummary"]["total"], 3);
    assert_eq!(unit["testSummary"]["statusCounts"]["FAILED"], 1);
    assert_eq!(unit["testSummary"]["statusCounts"]["SUCCEEDED"], 2);
    assert_eq!(unit["testSummary"]["durationInNanoSeconds"], 1_500_000_000i64);
    assert_eq!(reports[0].cases[1].raw_path, "out/unit/a.xml");
    let cov = reports[1].to_json();
    assert_eq!(cov["type"], "CODE_COVERAGE");
    assert_eq!(cov["status"], "SUCCEEDED");
    assert_eq!(cov["codeCoverageSummary"]["lineCoveragePercentage"], 50.0);
    assert_eq!(cov["codeCoverageSummary"]["linesMissed"], 1);
    assert!(log.iter().any(|l| l == "Report group shared: no report files matched missing/*.xml"), "{log:?}");
}

#[test]
fn an_unreadable_file_fails_the_report_but_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.xml"), r#"<testsuite><testcase name="a"/></testsuite>"#).unwrap();
    std::fs::write(dir.path().join("bad.xml"), "<testsuite><testcase").unwrap();
    let (reports, log) = collect(dir.path(), &BUILD, &[spec("unit", &["*.xml"], None, "JUNITXML")]);
    assert_eq!(reports[0].status, "FAILED");
    assert_eq!(reports[0].cases.len(), 1);
    assert!(log.iter().any(|l| l.contains("bad.xml") && l.contains("invalid XML")), "{log:?}");
}
