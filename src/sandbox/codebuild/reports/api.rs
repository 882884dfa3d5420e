//! BatchGetReports, DescribeTestCases and DescribeCodeCoverages (CodeBuild API
//! Reference), over the reports the runner collected.

use std::sync::Arc;

use serde_json::{Value, json};

use super::{CASE_STATUSES, Report};
use crate::sandbox::http::{ApiError, ApiResult};
use crate::sandbox::paging::offset_page;
use crate::sandbox::{Shared, lock};

/// The operations this module answers, for the CodeBuild dispatcher.
pub fn dispatch(shared: &Arc<Shared>, op: &str, input: &Value, region: &str) -> Option<ApiResult> {
    Some(match op {
        "BatchGetReports" => batch_get_reports(shared, input, region),
        "DescribeTestCases" => describe_test_cases(shared, input, region),
        "DescribeCodeCoverages" => describe_code_coverages(shared, input, region),
        _ => return None,
    })
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::client("InvalidInputException", message)
}

/// `maxResults`: 1-100, 100 when absent (CodeBuild API model, PageSize).
fn page_size(input: &Value) -> ApiResult<usize> {
    match input.get("maxResults") {
        None | Some(Value::Null) => Ok(100),
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=100).contains(n))
            .map(|n| n as usize)
            .ok_or_else(|| invalid("maxResults must be between 1 and 100")),
    }
}

/// One page of `items` from the opaque offset token, under `key`.
fn page(input: &Value, items: Vec<Value>, key: &str) -> ApiResult {
    let from = match input.get("nextToken").and_then(Value::as_str) {
        None | Some("") => 0,
        Some(t) => t.parse::<usize>().map_err(|_| invalid("Invalid nextToken"))?,
    };
    let (items, next) = offset_page(items, from, page_size(input)?).ok_or_else(|| invalid("Invalid nextToken"))?;
    let mut out = json!({ key: items });
    if let Some(next) = next {
        out["nextToken"] = json!(next.to_string());
    }
    Ok(out)
}

fn find<'a>(reports: &'a [Report], arn: &str, region: &str) -> Option<&'a Report> {
    reports.iter().find(|r| r.arn == arn && r.region == region)
}

fn batch_get_reports(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    let arns = input
        .get("reportArns")
        .and_then(Value::as_array)
        .filter(|a| (1..=100).contains(&a.len()))
        .ok_or_else(|| invalid("reportArns must list 1 to 100 report ARNs"))?;
    let store = lock(&shared.builds);
    let mut reports = Vec::new();
    let mut missing = Vec::new();
    for arn in arns {
        let arn = arn.as_str().ok_or_else(|| invalid("reportArns must be a list of strings"))?;
        match find(&store.reports, arn, region) {
            Some(r) => reports.push(r.to_json()),
            None => missing.push(arn.to_string()),
        }
    }
    Ok(json!({ "reports": reports, "reportsNotFound": missing }))
}

fn describe_test_cases(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    let arn = input.get("reportArn").and_then(Value::as_str).filter(|s| !s.is_empty());
    let arn = arn.ok_or_else(|| invalid("reportArn must not be empty"))?;
    let filter = input.get("filter");
    let status = filter.and_then(|f| f.get("status")).and_then(Value::as_str);
    if let Some(s) = status.filter(|s| !CASE_STATUSES.contains(s)) {
        return Err(invalid(format!("Invalid test case status: {s}; expected one of {}", CASE_STATUSES.join(", "))));
    }
    let keyword = filter.and_then(|f| f.get("keyword")).and_then(Value::as_str).filter(|k| !k.is_empty());
    let store = lock(&shared.builds);
    let report = find(&store.reports, arn, region)
        .ok_or_else(|| ApiError::client("ResourceNotFoundException", format!("Report {arn} does not exist")))?;
    let cases = report
        .cases
        .iter()
        .filter(|c| status.is_none_or(|s| c.status == s))
        .filter(|c| keyword.is_none_or(|k| c.name.contains(k) || c.prefix.contains(k)))
        .map(|c| report.case_json(c))
        .collect();
    page(input, cases, "testCases")
}

fn describe_code_coverages(shared: &Arc<Shared>, input: &Value, region: &str) -> ApiResult {
    let arn = input.get("reportArn").and_then(Value::as_str).filter(|s| !s.is_empty());
    let arn = arn.ok_or_else(|| invalid("reportArn must not be empty"))?;
    let by_percent = match input.get("sortBy").and_then(Value::as_str) {
        None | Some("FILE_PATH") => false,
        Some("LINE_COVERAGE_PERCENTAGE") => true,
        Some(other) => return Err(invalid(format!("Invalid sortBy: {other}"))),
    };
    let descending = match input.get("sortOrder").and_then(Value::as_str) {
        None | Some("ASCENDING") => false,
        Some("DESCENDING") => true,
        Some(other) => return Err(invalid(format!("Invalid sortOrder: {other}"))),
    };
    let min = input.get("minLineCoveragePercentage").and_then(Value::as_f64).unwrap_or(0.0);
    let max = input.get("maxLineCoveragePercentage").and_then(Value::as_f64).unwrap_or(100.0);
    let store = lock(&shared.builds);
    let Some(report) = find(&store.reports, arn, region) else {
        return Ok(json!({ "codeCoverages": [] }));
    };
    let mut files: Vec<(usize, &super::FileCoverage)> =
        report.files.iter().enumerate().filter(|(_, f)| (min..=max).contains(&f.line_percent())).collect();
    if by_percent {
        files.sort_by(|a, b| a.1.line_percent().total_cmp(&b.1.line_percent()).then(a.1.path.cmp(&b.1.path)));
    } else {
        files.sort_by(|a, b| a.1.path.cmp(&b.1.path));
    }
    if descending {
        files.reverse();
    }
    let items = files.into_iter().map(|(i, f)| report.coverage_json(i, f)).collect();
    page(input, items, "codeCoverages")
}
