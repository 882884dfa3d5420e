//! A finished build's test reports as the app shows them: totals per report
//! (BatchGetReports) and the failed cases (DescribeTestCases, filtered).

use serde::Serialize;

/// All reports of one build.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TestReport {
    pub build_id: String,
    pub reports: Vec<ReportSummary>,
    /// FAILED and ERROR cases of the test reports, at most one page each.
    pub failed: Vec<FailedCase>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ReportSummary {
    pub arn: String,
    /// The report group's name (the ARN's `report/NAME:` part).
    pub group: String,
    /// TEST or CODE_COVERAGE.
    pub kind: String,
    /// GENERATING, SUCCEEDED, FAILED, INCOMPLETE or DELETING.
    pub status: String,
    pub total: i32,
    /// (status, count), in the order SUCCEEDED, FAILED, ERROR, SKIPPED, UNKNOWN.
    pub counts: Vec<(String, i32)>,
    pub duration_ns: i64,
    /// Code coverage reports only.
    pub line_coverage: Option<f64>,
    pub lines_covered: Option<i32>,
    pub lines_missed: Option<i32>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FailedCase {
    pub group: String,
    pub prefix: Option<String>,
    pub name: String,
    /// FAILED or ERROR.
    pub status: String,
    pub message: Option<String>,
}

impl ReportSummary {
    pub fn count(&self, status: &str) -> i32 {
        self.counts.iter().find(|(s, _)| s == status).map_or(0, |(_, n)| *n)
    }
    /// FAILED and ERROR cases.
    pub fn failures(&self) -> i32 {
        self.count("FAILED") + self.count("ERROR")
    }
}

impl TestReport {
    /// Total test cases over the test reports.
    pub fn total(&self) -> i32 {
        self.tests().map(|r| r.total).sum()
    }
    pub fn failures(&self) -> i32 {
        self.tests().map(ReportSummary::failures).sum()
    }
    fn tests(&self) -> impl Iterator<Item = &ReportSummary> {
        self.reports.iter().filter(|r| r.kind == "TEST")
    }

    /// "3 of 41 tests failed: test_x, test_y …" when some failed.
    pub fn failed_line(&self) -> Option<String> {
        let failed = self.failures();
        if failed == 0 {
            return None;
        }
        let mut line = format!("{failed} of {} tests failed", self.total());
        let names: Vec<&str> = self.failed.iter().map(|c| c.name.as_str()).collect();
        if !names.is_empty() {
            line.push_str(": ");
            line.push_str(&names.join(", "));
        }
        Some(line)
    }
}

/// The demo's failed quality gate as the app sees it (render tests).
#[cfg(test)]
pub fn sample_failed(build_id: &str) -> TestReport {
    let counts = [("SUCCEEDED", 38), ("FAILED", 2), ("ERROR", 1), ("SKIPPED", 0), ("UNKNOWN", 0)];
    let case = |name: &str, status: &str, message: &str| FailedCase {
        group: "mlops-demo-build-quality-gate".into(),
        prefix: Some("machine-failure-classifier.quality_gate".into()),
        name: name.into(),
        status: status.into(),
        message: Some(message.into()),
    };
    TestReport {
        build_id: build_id.into(),
        reports: vec![
            ReportSummary {
                arn: "arn:aws:codebuild:us-east-1:123456789012:report/mlops-demo-build-quality-gate:7c1d".into(),
                group: "mlops-demo-build-quality-gate".into(),
                kind: "TEST".into(),
                status: "FAILED".into(),
                total: 41,
                counts: counts.iter().map(|(s, n)| (s.to_string(), *n)).collect(),
                duration_ns: 2_500_000_000,
                ..Default::default()
            },
            ReportSummary {
                arn: "arn:aws:codebuild:us-east-1:123456789012:report/mlops-demo-build-coverage:9e2f".into(),
                group: "mlops-demo-build-coverage".into(),
                kind: "CODE_COVERAGE".into(),
                status: "SUCCEEDED".into(),
                line_coverage: Some(81.5),
                lines_covered: Some(163),
                lines_missed: Some(37),
                ..Default::default()
            },
        ],
        failed: vec![
            case("test_baseline_accuracy", "FAILED", "accuracy on the baseline (clean) data is 0.131, below 0.800"),
            case("test_f1", "FAILED", "f1 0.103 below 0.700"),
            case("test_rows_usable", "ERROR", "no such file data/extra.csv"),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(total: i32, failed: i32, error: i32) -> ReportSummary {
        ReportSummary {
            kind: "TEST".into(),
            total,
            counts: vec![
                ("SUCCEEDED".into(), total - failed - error),
                ("FAILED".into(), failed),
                ("ERROR".into(), error),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn the_failed_line_counts_failures_and_errors_over_test_reports() {
        let mut t = TestReport { reports: vec![report(30, 2, 0), report(11, 0, 1)], ..Default::default() };
        t.reports.push(ReportSummary { kind: "CODE_COVERAGE".into(), total: 99, ..Default::default() });
        assert_eq!(t.failed_line().as_deref(), Some("3 of 41 tests failed"));
        t.failed = ["test_x", "test_y"]
            .iter()
            .map(|n| FailedCase { name: n.to_string(), status: "FAILED".into(), ..Default::default() })
            .collect();
        assert_eq!(t.failed_line().as_deref(), Some("3 of 41 tests failed: test_x, test_y"));
        assert_eq!(TestReport { reports: vec![report(5, 0, 0)], ..Default::default() }.failed_line(), None);
    }
}
