//! JUnit XML (the JUNITXML file format): `<testsuites>` or a single
//! `<testsuite>`, each `<testcase>` failed by a `<failure>`, errored by an
//! `<error>` and skipped by a `<skipped>` child.

use super::xml::{self, Node};

/// One test case as DescribeTestCases returns it (CodeBuild API Reference,
/// TestCase), before the report's ARN is known.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub suite: String,
    /// The classname: CodeBuild's prefix for JUnit cases.
    pub prefix: String,
    pub name: String,
    /// SUCCEEDED, FAILED, ERROR or SKIPPED.
    pub status: &'static str,
    pub duration_ns: i64,
    pub message: Option<String>,
    /// The report file the case came from, relative to the source directory.
    pub raw_path: String,
}

/// The cases of one JUnit document.
pub fn parse(text: &str, raw_path: &str) -> Result<Vec<Case>, String> {
    let root = xml::parse(text)?;
    if root.name != "testsuites" && root.name != "testsuite" {
        return Err(format!("not a JUnit report: the root element is <{}>, not <testsuites>", root.name));
    }
    let mut suites = Vec::new();
    root.descendants("testsuite", &mut suites);
    let mut out = Vec::new();
    for suite in suites {
        let suite_name = suite.attr("name").unwrap_or_default();
        for case in suite.children("testcase") {
            out.push(one(case, suite_name, raw_path));
        }
    }
    Ok(out)
}

fn one(case: &Node, suite: &str, raw_path: &str) -> Case {
    let (status, detail) = if let Some(f) = case.child("failure") {
        ("FAILED", Some(f))
    } else if let Some(e) = case.child("error") {
        ("ERROR", Some(e))
    } else if let Some(s) = case.child("skipped") {
        ("SKIPPED", Some(s))
    } else {
        ("SUCCEEDED", None)
    };
    let message = detail.and_then(|d| {
        let attr = d.attr("message").map(str::trim).filter(|m| !m.is_empty());
        let text = Some(d.text.trim()).filter(|t| !t.is_empty());
        match (attr, text) {
            (Some(a), Some(t)) if !t.contains(a) => Some(format!("{a}\n{t}")),
            (_, Some(t)) => Some(t.to_string()),
            (Some(a), None) => Some(a.to_string()),
            (None, None) => None,
        }
    });
    // `time` is in seconds; some writers put "1,234.5".
    let seconds = case.attr("time").and_then(|t| t.replace(',', "").trim().parse::<f64>().ok()).unwrap_or(0.0);
    Case {
        suite: suite.to_string(),
        prefix: case.attr("classname").unwrap_or_default().to_string(),
        name: case.attr("name").unwrap_or_default().to_string(),
        status,
        duration_ns: (seconds.max(0.0) * 1e9).round() as i64,
        message,
        raw_path: raw_path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_take_their_status_from_failure_error_and_skipped() {
        let doc = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="all">
  <testsuite name="model" tests="4">
    <testcase classname="test_model.Gate" name="test_accuracy" time="0.25"/>
    <testcase classname="test_model.Gate" name="test_f1" time="1.5">
      <failure message="f1 0.41 &lt; 0.80" type="AssertionError">Traceback: assert 0.41 &gt;= 0.8</failure>
    </testcase>
    <testcase classname="test_model.Data" name="test_rows"><error message="no such file"/></testcase>
    <testcase classname="test_model.Data" name="test_slow"><skipped/></testcase>
  </testsuite>
</testsuites>"#;
        let cases = parse(doc, "output/junit.xml").unwrap();
        let got: Vec<(&str, &str, i64)> = cases.iter().map(|c| (c.name.as_str(), c.status, c.duration_ns)).collect();
        assert_eq!(
            got,
            [
                ("test_accuracy", "SUCCEEDED", 250_000_000),
                ("test_f1", "FAILED", 1_500_000_000),
                ("test_rows", "ERROR", 0),
                ("test_slow", "SKIPPED", 0)
            ]
        );
        assert_eq!(cases[1].message.as_deref(), Some("f1 0.41 < 0.80\nTraceback: assert 0.41 >= 0.8"));
        assert_eq!(cases[1].prefix, "test_model.Gate");
        assert_eq!(cases[1].suite, "model");
        assert_eq!(cases[2].message.as_deref(), Some("no such file"));
        assert_eq!(cases[0].raw_path, "output/junit.xml");
    }

    #[test]
    fn a_single_testsuite_root_and_broken_documents() {
        let cases = parse(r#"<testsuite name="s"><testcase name="a" time="2"/></testsuite>"#, "r.xml").unwrap();
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0].duration_ns, 2_000_000_000);
        assert!(parse("<html><body/></html>", "r.xml").unwrap_err().contains("not a JUnit report"));
        assert!(parse("<testsuite><testcase></testsuite>", "r.xml").is_err());
        assert!(parse("<testsuite>", "r.xml").unwrap_err().contains("ends before"));
    }
}
