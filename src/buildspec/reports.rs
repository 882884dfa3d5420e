//! The buildspec's `reports:` section: report group (name or ARN) → the test
//! or coverage files CodeBuild turns into a report after the build
//! (CodeBuild User Guide, "Buildspec reference", reports; "Specify test files").

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::values::{Commands, Scalar};

/// At most this many report groups in one buildspec (CodeBuild User Guide,
/// "Create test reports": "one to five report groups").
pub const MAX_GROUPS: usize = 5;

/// Test formats and code coverage formats the buildspec reference lists for
/// `file-format`.
pub const TEST_FORMATS: [&str; 6] =
    ["JUNITXML", "CUCUMBERJSON", "NUNITXML", "NUNIT3XML", "TESTNGXML", "VISUALSTUDIOTRX"];
pub const COVERAGE_FORMATS: [&str; 4] = ["CLOVERXML", "COBERTURAXML", "JACOCOXML", "SIMPLECOV"];

/// One report group of the `reports:` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportSpec {
    /// The group's name as written (a name, or a report group ARN).
    pub group: String,
    pub files: Vec<String>,
    pub base_directory: Option<String>,
    pub discard_paths: bool,
    /// Upper case; JUNITXML when not given.
    pub file_format: String,
}

impl ReportSpec {
    /// A code coverage group rather than a test group.
    pub fn is_coverage(&self) -> bool {
        COVERAGE_FORMATS.contains(&self.file_format.as_str())
    }
}

/// The raw mapping, in file order.
#[derive(Default)]
pub(super) struct RawReports(pub Vec<(String, RawGroup)>);

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawGroup {
    #[serde(default)]
    files: Commands,
    base_directory: Option<Scalar>,
    discard_paths: Option<Scalar>,
    file_format: Option<Scalar>,
}

impl<'de> Deserialize<'de> for RawReports {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawReports;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of report group names to their files")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawReports, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<Scalar, RawGroup>()? {
                    out.push((k.0, v));
                }
                Ok(RawReports(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawReports, E> {
                Ok(RawReports(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Validates the section; the error names the group and says what to fix.
pub(super) fn check(raw: RawReports) -> Result<Vec<ReportSpec>, String> {
    if raw.0.len() > MAX_GROUPS {
        return Err(format!("reports: {} report groups declared, at most {MAX_GROUPS} are allowed", raw.0.len()));
    }
    let mut out: Vec<ReportSpec> = Vec::new();
    for (group, g) in raw.0 {
        check_group_name(&group)?;
        if out.iter().any(|r| r.group == group) {
            return Err(format!("reports.{group}: the report group is declared twice"));
        }
        if g.files.0.is_empty() {
            return Err(format!("reports.{group}.files: list at least one file or glob of test results"));
        }
        let file_format = match g.file_format.map(|s| s.0.to_ascii_uppercase()) {
            None => "JUNITXML".to_string(),
            Some(f) if TEST_FORMATS.contains(&f.as_str()) || COVERAGE_FORMATS.contains(&f.as_str()) => f,
            Some(f) => {
                return Err(format!(
                    "reports.{group}.file-format: '{f}' is not a report format; expected one of {}, {}",
                    TEST_FORMATS.join(", "),
                    COVERAGE_FORMATS.join(", ")
                ));
            }
        };
        let discard_paths = match g.discard_paths.map(|s| s.0.to_ascii_lowercase()) {
            None => false,
            Some(v) if v == "yes" || v == "true" => true,
            Some(v) if v == "no" || v == "false" => false,
            Some(v) => return Err(format!("reports.{group}.discard-paths: expected yes or no, found '{v}'")),
        };
        out.push(ReportSpec {
            group,
            files: g.files.0,
            base_directory: g.base_directory.map(|s| s.0).filter(|s| !s.is_empty()),
            discard_paths,
            file_format,
        });
    }
    Ok(out)
}

/// A report group name is 2-128 characters (CodeBuild API Reference,
/// CreateReportGroup `name`); an ARN must name a report group.
fn check_group_name(group: &str) -> Result<(), String> {
    if group.starts_with("arn:") {
        if !group.contains(":report-group/") {
            return Err(format!("reports.{group}: an ARN here must be a report group ARN (…:report-group/NAME)"));
        }
        return Ok(());
    }
    let len = group.chars().count();
    if !(2..=128).contains(&len) {
        return Err(format!("reports.{group}: a report group name is 2 to 128 characters"));
    }
    Ok(())
}

/// The group a `reports.GROUP[.field]: …` error is about ("" for the whole
/// section).
pub(super) fn group_of(message: &str) -> Option<&str> {
    let head = message.split(": ").next()?.strip_prefix("reports")?;
    let Some(path) = head.strip_prefix('.') else { return Some("") };
    let fields = [".files", ".base-directory", ".discard-paths", ".file-format"];
    Some(fields.iter().find_map(|f| path.strip_suffix(f)).unwrap_or(path))
}

/// The line of the key a reports error is about: the group's own key, or the
/// field under it the message names.
pub(super) fn line_of(text: &str, group: &str, message: &str) -> Option<usize> {
    let section = super::line_of_key(text, "reports")?;
    if group.is_empty() {
        return Some(section);
    }
    let after = |key: &str, from: usize| {
        text.lines()
            .enumerate()
            .skip(from)
            .find(|(_, l)| l.trim_start().starts_with(&format!("{key}:")))
            .map(|(i, _)| i + 1)
    };
    let group_line = after(group, section)?;
    let field = ["files", "base-directory", "discard-paths", "file-format"]
        .into_iter()
        .find(|f| message.starts_with(&format!("reports.{group}.{f}")));
    match field {
        Some(f) => after(f, group_line).or(Some(group_line)),
        None => Some(group_line),
    }
}
