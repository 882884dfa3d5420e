//! Test and code coverage reports: after the build's commands, each group of
//! the buildspec's `reports:` section becomes a report (CodeBuild User Guide,
//! "Test reports"), read back through BatchGetReports, DescribeTestCases and
//! DescribeCodeCoverages.

pub mod api;
mod coverage;
mod junit;
mod xml;

use std::path::Path;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::files;
use crate::buildspec::ReportSpec;
use crate::sandbox::http::epoch_secs;
use coverage::FileCoverage;
use junit::Case;

/// A report file larger than this is not read (a runaway writer).
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Statuses a test case can have (CodeBuild API Reference, TestCase.status).
pub const CASE_STATUSES: [&str; 5] = ["SUCCEEDED", "FAILED", "ERROR", "SKIPPED", "UNKNOWN"];

#[derive(Clone, Debug)]
pub struct Report {
    pub arn: String,
    pub region: String,
    group_arn: String,
    name: String,
    /// The build's ARN.
    execution_id: String,
    /// SUCCEEDED, or FAILED when a test failed or a file could not be read.
    status: &'static str,
    created: DateTime<Utc>,
    coverage: bool,
    pub cases: Vec<Case>,
    pub files: Vec<FileCoverage>,
}

/// What the report needs to know about its build.
pub struct BuildRef<'a> {
    pub project: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub build_arn: &'a str,
}

impl Report {
    pub fn to_json(&self) -> Value {
        let mut r = json!({
            "arn": self.arn,
            "type": if self.coverage { "CODE_COVERAGE" } else { "TEST" },
            "name": self.name,
            "reportGroupArn": self.group_arn,
            "executionId": self.execution_id,
            "status": self.status,
            "created": epoch_secs(self.created),
            "truncated": false,
        });
        if self.coverage {
            let (lc, lm) = self.files.iter().fold((0, 0), |(c, m), f| (c + f.lines_covered, m + f.lines_missed));
            let (bc, bm) = self.files.iter().fold((0, 0), |(c, m), f| (c + f.branches_covered, m + f.branches_missed));
            r["codeCoverageSummary"] = json!({
                "lineCoveragePercentage": coverage::percent(lc, lm),
                "linesCovered": lc,
                "linesMissed": lm,
                "branchCoveragePercentage": coverage::percent(bc, bm),
                "branchesCovered": bc,
                "branchesMissed": bm,
            });
        } else {
            let mut counts = serde_json::Map::new();
            for s in CASE_STATUSES {
                counts.insert(s.into(), json!(self.cases.iter().filter(|c| c.status == s).count()));
            }
            r["testSummary"] = json!({
                "total": self.cases.len(),
                "statusCounts": counts,
                "durationInNanoSeconds": self.cases.iter().map(|c| c.duration_ns).sum::<i64>(),
            });
        }
        r
    }

    pub fn case_json(&self, c: &Case) -> Value {
        let mut v = json!({
            "reportArn": self.arn,
            "testRawDataPath": c.raw_path,
            "prefix": c.prefix,
            "name": c.name,
            "status": c.status,
            "durationInNanoSeconds": c.duration_ns,
            "testSuiteName": c.suite,
        });
        if let Some(m) = &c.message {
            v["message"] = json!(m);
        }
        v
    }

    pub fn coverage_json(&self, i: usize, f: &FileCoverage) -> Value {
        json!({
            "id": format!("{}:{i}", self.arn),
            "reportARN": self.arn,
            "filePath": f.path,
            "lineCoveragePercentage": f.line_percent(),
            "linesCovered": f.lines_covered,
            "linesMissed": f.lines_missed,
            "branchCoveragePercentage": f.branch_percent(),
            "branchesCovered": f.branches_covered,
            "branchesMissed": f.branches_missed,
        })
    }
}

/// Builds one report per group from the files under `src`; also returns the
/// lines the build log shows. Blocking I/O: call from spawn_blocking.
pub fn collect(src: &Path, build: &BuildRef, specs: &[ReportSpec]) -> (Vec<Report>, Vec<String>) {
    let mut reports = Vec::new();
    let mut log = Vec::new();
    for spec in specs {
        let group = group_name(build.project, &spec.group);
        log.push(format!(
            "Preparing to upload {} report group {group}",
            if spec.is_coverage() { "code coverage" } else { "test" }
        ));
        let found = match files::matching(src, spec.base_directory.as_deref(), &spec.files) {
            Ok(f) => f,
            Err(e) => {
                log.push(format!("Report group {group}: {e}"));
                continue;
            }
        };
        if found.is_empty() {
            // Tests that never ran leave no files: no report, as no results exist.
            log.push(format!("Report group {group}: no report files matched {}", spec.files.join(", ")));
            continue;
        }
        log.push(format!("Report group {group}: found {} file(s)", found.len()));
        let mut report = Report {
            arn: format!(
                "arn:aws:codebuild:{}:{}:report/{group}:{}",
                build.region,
                build.account,
                uuid::Uuid::new_v4()
            ),
            region: build.region.to_string(),
            group_arn: group_arn(build, &spec.group, &group),
            name: group.clone(),
            execution_id: build.build_arn.to_string(),
            status: "SUCCEEDED",
            created: Utc::now(),
            coverage: spec.is_coverage(),
            cases: Vec::new(),
            files: Vec::new(),
        };
        for (rel, path) in found {
            match read(&path).and_then(|text| add(&mut report, &spec.file_format, &text, &rel)) {
                Ok(()) => {}
                Err(e) => {
                    log.push(format!("Report group {group}: {rel}: {e}"));
                    report.status = "FAILED";
                }
            }
        }
        if report.cases.iter().any(|c| c.status == "FAILED" || c.status == "ERROR") {
            report.status = "FAILED";
        }
        reports.push(report);
    }
    (reports, log)
}

fn read(path: &Path) -> Result<String, String> {
    let len = std::fs::metadata(path).map(|m| m.len()).map_err(|e| e.to_string())?;
    if len > MAX_FILE_BYTES {
        return Err(format!("{len} bytes is more than the sandbox reads ({MAX_FILE_BYTES})"));
    }
    std::fs::read_to_string(path).map_err(|e| e.to_string())
}

fn add(report: &mut Report, format: &str, text: &str, rel: &str) -> Result<(), String> {
    if report.coverage {
        report.files.extend(coverage::parse(format, text)?);
        return Ok(());
    }
    match format {
        "JUNITXML" => report.cases.extend(junit::parse(text, rel)?),
        other => return Err(format!("file-format {other} is not read by the sandbox (JUNITXML is)")),
    }
    Ok(())
}

/// `<project>-<name>` for a name (CodeBuild User Guide, "Report group
/// naming"); the ARN's own name for an ARN.
fn group_name(project: &str, declared: &str) -> String {
    match declared.rsplit_once(":report-group/") {
        Some((_, name)) => name.to_string(),
        None => format!("{project}-{declared}"),
    }
}

fn group_arn(build: &BuildRef, declared: &str, name: &str) -> String {
    if declared.starts_with("arn:") {
        declared.to_string()
    } else {
        format!("arn:aws:codebuild:{}:{}:report-group/{name}", build.region, build.account)
    }
}

#[cfg(test)]
mod tests;
