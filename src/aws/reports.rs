//! A build's test reports: BatchGetReports for the totals, then
//! DescribeTestCases filtered to FAILED and ERROR for the failed cases (CodeBuild
//! API Reference). Two to four requests, asked once per finished build.

use aws_sdk_codebuild::types::{Report, TestCaseFilter};

use super::AwsClients;
use super::errors::classify;
use crate::model::health::ApiFailure;
use crate::model::tests_report::{FailedCase, ReportSummary, TestReport};

/// Failed cases fetched per status and report: one page, enough for a list.
const FAILED_PAGE: i32 = 50;
const STATUSES: [&str; 5] = ["SUCCEEDED", "FAILED", "ERROR", "SKIPPED", "UNKNOWN"];

impl AwsClients {
    /// The reports `arns` of build `build_id` in `region`, with their failed cases.
    pub async fn test_report(&self, build_id: &str, region: &str, arns: &[String]) -> Result<TestReport, ApiFailure> {
        let mut out = TestReport { build_id: build_id.to_string(), ..Default::default() };
        if arns.is_empty() {
            return Ok(out);
        }
        let regional = self.in_region(region);
        let got = regional
            .codebuild
            .batch_get_reports()
            .set_report_arns(Some(arns.iter().take(100).cloned().collect()))
            .send()
            .await
            .map_err(|e| classify("codebuild:BatchGetReports", &e))?;
        // In the build's order, not the answer's.
        for arn in arns {
            if let Some(r) = got.reports().iter().find(|r| r.arn() == Some(arn.as_str())) {
                out.reports.push(summary(r));
            }
        }
        for r in &out.reports {
            for status in ["FAILED", "ERROR"].into_iter().filter(|s| r.count(s) > 0) {
                let cases = regional
                    .codebuild
                    .describe_test_cases()
                    .report_arn(&r.arn)
                    .filter(TestCaseFilter::builder().status(status).build())
                    .max_results(FAILED_PAGE)
                    .send()
                    .await
                    .map_err(|e| classify("codebuild:DescribeTestCases", &e))?;
                out.failed.extend(cases.test_cases().iter().map(|c| FailedCase {
                    group: r.group.clone(),
                    prefix: c.prefix().filter(|p| !p.is_empty()).map(str::to_string),
                    name: c.name().unwrap_or_default().to_string(),
                    status: c.status().unwrap_or(status).to_string(),
                    message: c.message().filter(|m| !m.is_empty()).map(str::to_string),
                }));
            }
        }
        Ok(out)
    }
}

/// `arn:…:report/GROUP:ID` → GROUP.
fn group_of(arn: &str) -> String {
    let tail = arn.split_once(":report/").map_or(arn, |(_, t)| t);
    tail.rsplit_once(':').map_or(tail, |(g, _)| g).to_string()
}

fn summary(r: &Report) -> ReportSummary {
    let arn = r.arn().unwrap_or_default().to_string();
    let mut s = ReportSummary {
        group: group_of(&arn),
        arn,
        kind: r.r#type().map(|t| t.as_str().to_string()).unwrap_or_default(),
        status: r.status().map(|t| t.as_str().to_string()).unwrap_or_default(),
        ..Default::default()
    };
    if let Some(t) = r.test_summary() {
        s.total = t.total();
        s.duration_ns = t.duration_in_nano_seconds();
        let counts = t.status_counts();
        s.counts = STATUSES.iter().filter_map(|k| counts.get(*k).map(|n| (k.to_string(), *n))).collect();
    }
    if let Some(c) = r.code_coverage_summary() {
        s.line_coverage = c.line_coverage_percentage();
        s.lines_covered = c.lines_covered();
        s.lines_missed = c.lines_missed();
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_group_is_read_from_the_report_arn() {
        let arn = "arn:aws:codebuild:us-east-1:123456789012:report/mlops-demo-build-quality-gate:0f1e-22";
        assert_eq!(super::group_of(arn), "mlops-demo-build-quality-gate");
    }
}
