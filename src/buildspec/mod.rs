//! Buildspec version 0.2: parsed with yaml_serde into typed structs so every
//! shape error comes back with its path and line/column, as CodeBuild's
//! YAML_FILE_ERROR messages do.

use serde::Deserialize;

pub use reports::ReportSpec;
use values::{Commands, Scalar, ScalarMap};

pub mod batch;
pub mod reports;
mod values;

/// A validated buildspec.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Buildspec {
    /// env.variables, in file order.
    pub variables: Vec<(String, String)>,
    pub install: PhaseSpec,
    pub pre_build: PhaseSpec,
    pub build: PhaseSpec,
    pub post_build: PhaseSpec,
    /// install.runtime-versions, accepted and logged only.
    pub runtime_versions: Vec<(String, String)>,
    pub artifacts: Option<ArtifactsSpec>,
    /// The `reports:` section's groups, in file order.
    pub reports: Vec<ReportSpec>,
    /// env.exported-variables: names whose final values the build reports.
    pub exported_variables: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PhaseSpec {
    pub commands: Vec<String>,
    pub finally: Vec<String>,
    pub on_failure: OnFailure,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnFailure {
    #[default]
    Abort,
    Continue,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArtifactsSpec {
    pub files: Vec<String>,
    pub base_directory: Option<String>,
    pub discard_paths: bool,
}

impl Buildspec {
    /// How many phases declare commands, and each one's count, for the
    /// "Phases found in YAML" log lines.
    pub fn declared(&self) -> Vec<(&'static str, usize)> {
        [
            ("INSTALL", &self.install),
            ("PRE_BUILD", &self.pre_build),
            ("BUILD", &self.build),
            ("POST_BUILD", &self.post_build),
        ]
        .into_iter()
        .filter(|(_, p)| !p.commands.is_empty() || !p.finally.is_empty())
        .map(|(n, p)| (n, p.commands.len() + p.finally.len()))
        .collect()
    }
}

/// A buildspec error with where it is, when known (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// Parses and validates; the error is the YAML_FILE_ERROR context message.
pub fn parse(text: &str) -> Result<Buildspec, String> {
    parse_located(text).map_err(|e| e.message)
}

/// Like [`parse`], with the error's line and column: from the YAML parser, or
/// for a semantic error the line of the offending key.
pub fn parse_located(text: &str) -> Result<Buildspec, SpecError> {
    let raw: RawSpec = yaml_serde::from_str(text).map_err(|e| SpecError {
        message: describe(&e, text),
        line: e.location().map(|l| l.line()),
        column: e.location().map(|l| l.column()),
    })?;
    check(raw).map_err(|message| {
        let line = match reports::group_of(&message) {
            Some(group) => reports::line_of(text, group, &message),
            None => {
                let section = message.strip_prefix("phases.").and_then(|m| m.split('.').next()).unwrap_or("");
                key_of(&message).and_then(|key| line_of_key_after(text, section, key))
            }
        };
        SpecError { message, line, column: line.map(|_| 1) }
    })
}

/// The YAML key a semantic error is about, to point at its line.
fn key_of(message: &str) -> Option<&'static str> {
    // "runtime-versions" contains "version": the more specific keys first.
    [
        ("runtime-versions", "runtime-versions"),
        ("on-failure", "on-failure"),
        ("discard-paths", "discard-paths"),
        ("version", "version"),
    ]
    .into_iter()
    .find(|(needle, _)| message.contains(needle))
    .map(|(_, key)| key)
}

/// The first line (1-based) where `key:` starts, after indentation.
pub fn line_of_key(text: &str, key: &str) -> Option<usize> {
    line_of_key_after(text, "", key)
}

/// The first `key:` line after the `section:` line (any line when `section` is empty).
pub(crate) fn line_of_key_after(text: &str, section: &str, key: &str) -> Option<usize> {
    let starts = |l: &str, k: &str| l.trim_start().starts_with(&format!("{k}:"));
    let from = if section.is_empty() { 0 } else { text.lines().position(|l| starts(l, section))? };
    text.lines().skip(from).position(|l| starts(l, key)).map(|i| i + from + 1)
}

fn check(raw: RawSpec) -> Result<Buildspec, String> {
    let version = match &raw.version {
        Some(Scalar(v)) => v.as_str(),
        None => return Err("missing required 'version' key: this sandbox runs buildspec version 0.2".into()),
    };
    match version {
        "0.2" => {}
        "0.1" => return Err("buildspec version 0.1 is not supported by the sandbox: use version 0.2".into()),
        other => return Err(format!("invalid buildspec version '{other}': expected 0.2")),
    }
    let mut spec = Buildspec::default();
    if let Some(env) = raw.env {
        spec.variables = env.variables.0;
        spec.exported_variables = env.exported_variables.map(|c| c.0).unwrap_or_default();
    }
    if let Some(phases) = raw.phases {
        if let Some(install) = phases.install {
            let mut install = install;
            spec.runtime_versions = install.runtime_versions.take().map(|m| m.0).unwrap_or_default();
            spec.install = install.into_spec("install")?;
        }
        spec.pre_build = phases.pre_build.map(|p| p.into_spec("pre_build")).transpose()?.unwrap_or_default();
        spec.build = phases.build.map(|p| p.into_spec("build")).transpose()?.unwrap_or_default();
        spec.post_build = phases.post_build.map(|p| p.into_spec("post_build")).transpose()?.unwrap_or_default();
    }
    if let Some(r) = raw.reports {
        spec.reports = reports::check(r)?;
    }
    if let Some(a) = raw.artifacts {
        let discard_paths = match a.discard_paths.as_ref().map(|s| s.0.to_ascii_lowercase()) {
            None => false,
            Some(v) if v == "yes" || v == "true" => true,
            Some(v) if v == "no" || v == "false" => false,
            Some(v) => return Err(format!("artifacts.discard-paths: expected yes or no, found '{v}'")),
        };
        spec.artifacts =
            Some(ArtifactsSpec { files: a.files.0, base_directory: a.base_directory.map(|s| s.0), discard_paths });
    }
    Ok(spec)
}

/// yaml_serde's message already carries the path and "at line L column C";
/// a tab at the reported spot gets a hint, since YAML forbids tab indentation.
fn describe(e: &yaml_serde::Error, text: &str) -> String {
    let mut msg = e.to_string();
    if let Some(loc) = e.location() {
        let line = text.lines().nth(loc.line().saturating_sub(1)).unwrap_or("");
        if line.chars().nth(loc.column().saturating_sub(1)) == Some('\t') || line.starts_with('\t') {
            msg.push_str(" (a tab character: YAML indentation must use spaces)");
        }
        if !msg.contains(" at line ") {
            msg.push_str(&format!(" at line {} column {}", loc.line(), loc.column()));
        }
    }
    msg
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    version: Option<Scalar>,
    #[serde(rename = "run-as")]
    _run_as: Option<yaml_serde::Value>,
    env: Option<RawEnv>,
    #[serde(rename = "proxy")]
    _proxy: Option<yaml_serde::Value>,
    #[serde(rename = "batch")]
    _batch: Option<yaml_serde::Value>,
    phases: Option<RawPhases>,
    reports: Option<reports::RawReports>,
    artifacts: Option<RawArtifacts>,
    #[serde(rename = "cache")]
    _cache: Option<yaml_serde::Value>,
}

/// `shell` and the secret sources are accepted and ignored.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawEnv {
    #[serde(default)]
    variables: ScalarMap,
    #[serde(rename = "shell")]
    _shell: Option<yaml_serde::Value>,
    #[serde(rename = "parameter-store")]
    _parameter_store: Option<yaml_serde::Value>,
    #[serde(rename = "secrets-manager")]
    _secrets_manager: Option<yaml_serde::Value>,
    exported_variables: Option<Commands>,
    #[serde(rename = "git-credential-helper")]
    _git_credential_helper: Option<yaml_serde::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhases {
    install: Option<RawPhase>,
    pre_build: Option<RawPhase>,
    build: Option<RawPhase>,
    post_build: Option<RawPhase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPhase {
    #[serde(default)]
    commands: Commands,
    #[serde(default)]
    finally: Commands,
    on_failure: Option<Scalar>,
    #[serde(rename = "run-as")]
    _run_as: Option<yaml_serde::Value>,
    runtime_versions: Option<ScalarMap>,
}

impl RawPhase {
    fn into_spec(self, name: &str) -> Result<PhaseSpec, String> {
        let on_failure = match self.on_failure.as_ref().map(|s| s.0.as_str()) {
            None | Some("ABORT") => OnFailure::Abort,
            Some("CONTINUE") => OnFailure::Continue,
            Some(other) => return Err(format!("invalid on-failure value '{other}': expected ABORT or CONTINUE")),
        };
        if self.runtime_versions.is_some() {
            return Err(format!(
                "phases.{name}.runtime-versions: runtime-versions is only allowed in the install phase"
            ));
        }
        Ok(PhaseSpec { commands: self.commands.0, finally: self.finally.0, on_failure })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawArtifacts {
    #[serde(default)]
    files: Commands,
    base_directory: Option<Scalar>,
    discard_paths: Option<Scalar>,
    #[serde(rename = "name")]
    _name: Option<yaml_serde::Value>,
    #[serde(rename = "exclude-paths")]
    _exclude_paths: Option<yaml_serde::Value>,
    #[serde(rename = "enable-symlinks")]
    _enable_symlinks: Option<yaml_serde::Value>,
    #[serde(rename = "s3-prefix")]
    _s3_prefix: Option<yaml_serde::Value>,
    #[serde(rename = "secondary-artifacts")]
    _secondary_artifacts: Option<yaml_serde::Value>,
}

#[cfg(test)]
mod reports_tests;
#[cfg(test)]
mod tests;
