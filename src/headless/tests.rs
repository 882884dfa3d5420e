//! `pipewatch tests BUILD_ID`: a build's test reports (BatchGetBuilds
//! `reportArns` → BatchGetReports → DescribeTestCases for the failed cases).
//! Exits 0 when no test failed, 1 when some did, 2 on usage or setup errors.

use super::retry::Retry;
use super::status::{EXIT_FAILED, EXIT_OK, EXIT_SETUP, connect, fail, with_retry};
use crate::cli::TestsArgs;
use crate::model::tests_report::TestReport;

pub async fn run(args: TestsArgs) -> i32 {
    let clients = match connect(&args.connect).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let build = match with_retry(Retry::first_contact(), || clients.build(&args.build_id)).await {
        Ok(b) => b,
        Err(e) => return fail(EXIT_SETUP, &format!("cannot read build {}: {}", args.build_id, e.message)),
    };
    let region = build.region.clone().unwrap_or_else(|| clients.region.clone());
    let report =
        match with_retry(Retry::default(), || clients.test_report(&build.id, &region, &build.report_arns)).await {
            Ok(r) => r,
            Err(e) => return fail(EXIT_SETUP, &format!("cannot read the test reports: {}", e.message)),
        };
    if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(e) => return fail(EXIT_SETUP, &format!("cannot write JSON: {e}")),
        }
    } else {
        print!("{}", text(&report, build.complete));
    }
    if report.failures() > 0 { EXIT_FAILED } else { EXIT_OK }
}

/// The plain-text form: one line per report, then one per failed case.
pub fn text(report: &TestReport, complete: bool) -> String {
    let mut out = String::new();
    if report.reports.is_empty() {
        let why = if complete { "the build has no test reports" } else { "no test reports yet: the build is running" };
        out.push_str(&format!("{}: {why}\n", report.build_id));
        return out;
    }
    for r in &report.reports {
        let what = match r.line_coverage {
            Some(p) => format!("{p:.1}% lines covered"),
            None => {
                let counts: Vec<String> =
                    r.counts.iter().filter(|(_, n)| *n > 0).map(|(s, n)| format!("{n} {}", s.to_lowercase())).collect();
                format!("{} tests: {}", r.total, counts.join(", "))
            }
        };
        out.push_str(&format!("{}  {}  {what}\n", r.group, r.status));
    }
    for c in &report.failed {
        let name = match &c.prefix {
            Some(p) => format!("{p}.{}", c.name),
            None => c.name.clone(),
        };
        let message = c.message.as_deref().and_then(|m| m.lines().next()).unwrap_or("");
        out.push_str(&format!("{}  {name}  {message}\n", c.status).replace("  \n", "\n"));
    }
    if let Some(line) = report.failed_line() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}
