//! Buildspec preflight: the checks CodeBuild would fail on five minutes into a
//! run, made before the upload. Parsing and validation are the sandbox's own
//! (`crate::buildspec`); this adds tab positions, package membership and
//! warnings.

use std::fmt;
use std::path::Path;

use crate::buildspec::{self, Buildspec};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Blocks the push unless forced.
    Error,
    /// Shown in the confirmation.
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// 1-based, when known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

/// Where the build reads its buildspec from: the CodeBuild project's
/// `source.buildspec` (a path in the source, inline YAML, or an S3 object's
/// ARN: CodeBuild API Reference, ProjectSource.buildspec), else the root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildspecSource {
    Default,
    Path(String),
    /// In the project, not the package: checked, but it never blocks a push.
    Inline {
        project: String,
        text: String,
    },
    /// Nothing in the package is read as a buildspec, or what is read could
    /// not be known: why, in one line. Never blocks a push.
    Unchecked(String),
}

impl BuildspecSource {
    /// From a project's `source.buildspec` value.
    pub fn from_project(project: &str, value: Option<&str>) -> Self {
        match value.map(str::trim) {
            None | Some("") => BuildspecSource::Default,
            Some(v) if v.contains('\n') => BuildspecSource::Inline { project: project.into(), text: v.into() },
            Some(v) if v.starts_with("arn:") && v.contains(":s3:::") => BuildspecSource::Unchecked(format!(
                "project {project} reads its buildspec from S3 ({v}), not from this package"
            )),
            Some(v) => BuildspecSource::Path(v.trim_start_matches("./").into()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preflight {
    /// The buildspec checked: its path in the package, or "inline in project P".
    pub buildspec: String,
    pub findings: Vec<Finding>,
}

impl Preflight {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.severity == Severity::Error)
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.severity == Severity::Warning)
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.severity == Severity::Error { "error" } else { "warning" };
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{kind} (line {l}, column {c}): {}", self.message),
            (Some(l), None) => write!(f, "{kind} (line {l}): {}", self.message),
            _ => write!(f, "{kind}: {}", self.message),
        }
    }
}

fn error(line: Option<usize>, column: Option<usize>, message: impl Into<String>) -> Finding {
    Finding { severity: Severity::Error, line, column, message: message.into() }
}

fn warning(line: Option<usize>, message: impl Into<String>) -> Finding {
    Finding { severity: Severity::Warning, line, column: None, message: message.into() }
}

/// Checks the buildspec the build will use against the packed `entries`.
pub fn preflight(workspace: &Path, entries: &[String], source: &BuildspecSource) -> Preflight {
    let path = match source {
        BuildspecSource::Inline { project, text } => {
            // Not in the package: the push can neither break nor fix it.
            let mut findings = vec![warning(
                None,
                format!(
                    "the buildspec is inline in project {project}, not in this package: its findings do not block the push"
                ),
            )];
            findings.extend(check_text(text).into_iter().map(|f| Finding { severity: Severity::Warning, ..f }));
            return Preflight { buildspec: format!("inline in project {project}"), findings };
        }
        BuildspecSource::Unchecked(why) => {
            return Preflight { buildspec: "not checked".into(), findings: vec![warning(None, why.clone())] };
        }
        BuildspecSource::Default => "buildspec.yml".to_string(),
        BuildspecSource::Path(p) => p.clone(),
    };
    let findings = if !entries.contains(&path) {
        let why = if workspace.join(&path).is_file() {
            "it exists in the workspace but an ignore rule or the secret filter leaves it out of the package"
        } else {
            "it is not in the workspace"
        };
        vec![error(None, None, format!("the build reads {path}, but {why}"))]
    } else {
        match std::fs::read_to_string(workspace.join(&path)) {
            Ok(text) => check_text(&text),
            Err(e) => vec![error(None, None, format!("cannot read {path}: {e}"))],
        }
    };
    Preflight { buildspec: path, findings }
}

/// Every check on one buildspec's text.
pub fn check_text(text: &str) -> Vec<Finding> {
    let mut findings = tab_findings(text);
    match buildspec::parse_located(text) {
        Err(e) => {
            let same_line_as_tab = findings.iter().any(|f| f.line.is_some() && f.line == e.line);
            if !same_line_as_tab {
                // The position is shown once, from the fields.
                let suffix = format!(" at line {} column {}", e.line.unwrap_or(0), e.column.unwrap_or(0));
                let message = e.message.strip_suffix(&suffix).unwrap_or(&e.message).to_string();
                findings.push(error(e.line, e.column, message));
            }
        }
        Ok(spec) => findings.extend(spec_findings(&spec, text)),
    }
    findings
}

/// YAML forbids tabs in indentation; name each one (up to five).
fn tab_findings(text: &str) -> Vec<Finding> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
            let col = indent.chars().position(|c| c == '\t')?;
            Some(error(
                Some(i + 1),
                Some(col + 1),
                "a tab character in the indentation: YAML allows only spaces there; replace it with spaces",
            ))
        })
        .take(5)
        .collect()
}

fn spec_findings(spec: &Buildspec, text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    match &spec.artifacts {
        Some(a) if a.files.is_empty() => out.push(error(
            buildspec::line_of_key(text, "artifacts"),
            Some(1),
            "artifacts are declared but artifacts.files is missing or empty: list what to keep, e.g. files: ['**/*']",
        )),
        Some(_) => {}
        None => out.push(warning(
            None,
            "no artifacts section: a Build action with an output artifact will fail to upload one",
        )),
    }
    if spec.declared().is_empty() {
        out.push(warning(buildspec::line_of_key(text, "phases"), "no phase has any command: the build does nothing"));
    }
    out
}
