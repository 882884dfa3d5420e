//! The sandbox's pipelines and CodeBuild projects, in AWS's own JSON shapes:
//! the `pipeline` object of `get-pipeline` and the project objects of
//! `batch-get-projects`. The built-in default is the demo pipeline.

use std::path::Path;

use color_eyre::eyre::{Result, WrapErr, eyre};
use serde::Deserialize;
use serde_json::Value;

use super::codebuild::logtarget::split_location;

#[derive(Clone, Debug, Deserialize)]
pub struct SandboxConfig {
    #[serde(default)]
    pub pipelines: Vec<Value>,
    #[serde(default)]
    pub projects: Vec<Value>,
}

/// The parts of a pipeline declaration the engine acts on.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PipelineDecl {
    pub name: String,
    pub stages: Vec<StageDecl>,
    #[serde(default = "default_mode")]
    pub execution_mode: String,
    #[serde(default = "default_type")]
    pub pipeline_type: String,
    #[serde(default)]
    pub artifact_store: Option<ArtifactStoreDecl>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ArtifactStoreDecl {
    pub location: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct StageDecl {
    pub name: String,
    pub actions: Vec<ActionDecl>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ActionDecl {
    pub name: String,
    pub action_type_id: ActionTypeId,
    #[serde(default = "one")]
    pub run_order: u32,
    #[serde(default)]
    pub configuration: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub input_artifacts: Vec<ArtifactName>,
    #[serde(default)]
    pub output_artifacts: Vec<ArtifactName>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, serde::Serialize)]
pub struct ActionTypeId {
    pub category: String,
    pub owner: String,
    pub provider: String,
    pub version: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ArtifactName {
    pub name: String,
}

fn default_mode() -> String {
    "SUPERSEDED".into()
}
fn default_type() -> String {
    "V1".into()
}
fn one() -> u32 {
    1
}

impl ActionDecl {
    pub fn is_s3_source(&self) -> bool {
        let t = &self.action_type_id;
        t.category == "Source" && t.owner == "AWS" && t.provider == "S3"
    }
    pub fn is_codebuild(&self) -> bool {
        self.action_type_id.provider == "CodeBuild"
    }
    pub fn is_manual_approval(&self) -> bool {
        self.action_type_id.category == "Approval" && self.action_type_id.provider == "Manual"
    }
}

impl SandboxConfig {
    pub fn demo() -> Result<Self> {
        Self::parse(include_str!("../../assets/sandbox/demo.json"), "built-in demo config")
    }

    pub fn load(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).wrap_err_with(|| format!("cannot read sandbox config {}", path.display()))?;
        Self::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, origin: &str) -> Result<Self> {
        let cfg: SandboxConfig =
            serde_json::from_str(text).map_err(|e| eyre!("{origin}: line {} column {}: {e}", e.line(), e.column()))?;
        for p in &cfg.pipelines {
            let decl = PipelineDecl::parse(p).map_err(|e| eyre!("{origin}: {e}"))?;
            for action in decl.stages.iter().flat_map(|s| &s.actions) {
                if action.is_codebuild() {
                    let project = action.configuration.get("ProjectName").map(String::as_str).unwrap_or("");
                    if !cfg.projects.iter().any(|pr| pr.get("name").and_then(Value::as_str) == Some(project)) {
                        return Err(eyre!(
                            "{origin}: pipeline {} action {} uses CodeBuild project '{project}', which the config does not define",
                            decl.name,
                            action.name
                        ));
                    }
                }
            }
        }
        for pr in &cfg.projects {
            let Some(name) = pr.get("name").and_then(Value::as_str) else {
                return Err(eyre!("{origin}: every project needs a \"name\""));
            };
            // CodeBuild API Reference, S3LogsConfig: ENABLED needs a location.
            let s3 = pr.pointer("/logsConfig/s3Logs");
            if s3.and_then(|s| s.get("status")).and_then(Value::as_str) == Some("ENABLED")
                && s3_log_bucket(pr).is_none()
            {
                return Err(eyre!(
                    "{origin}: project {name}: logsConfig.s3Logs.location (bucket or bucket/prefix) is required when s3Logs is ENABLED"
                ));
            }
        }
        Ok(cfg)
    }

    /// Buckets the pipelines read from or write to: S3 sources (versioned, as
    /// CodePipeline requires) and artifact stores.
    pub fn buckets(&self) -> Vec<(String, bool)> {
        let mut out: Vec<(String, bool)> = Vec::new();
        for decl in self.pipelines.iter().filter_map(|p| PipelineDecl::parse(p).ok()) {
            for action in decl.stages.iter().flat_map(|s| &s.actions).filter(|a| a.is_s3_source()) {
                if let Some(b) = action.configuration.get("S3Bucket") {
                    out.push((b.clone(), true));
                }
            }
            if let Some(store) = decl.artifact_store {
                out.push((store.location, true));
            }
        }
        // Where projects with S3 logs write them.
        out.extend(self.projects.iter().filter_map(s3_log_bucket).map(|b| (b, false)));
        out.sort();
        out.dedup_by(|a, b| a.0 == b.0);
        out
    }
}

/// The bucket of a project's `logsConfig.s3Logs.location` (`bucket[/prefix]`
/// or its ARN), when S3 logs are enabled.
fn s3_log_bucket(project: &Value) -> Option<String> {
    let s3 = project.pointer("/logsConfig/s3Logs")?;
    if s3.get("status").and_then(Value::as_str) != Some("ENABLED") {
        return None;
    }
    let location = s3.get("location").and_then(Value::as_str)?;
    split_location(location).map(|(bucket, _)| bucket.to_string())
}

impl PipelineDecl {
    pub fn parse(value: &Value) -> Result<Self, String> {
        let decl: PipelineDecl =
            serde_json::from_value(value.clone()).map_err(|e| format!("pipeline declaration: {e}"))?;
        if decl.stages.len() < 2 {
            return Err(format!("pipeline {}: needs at least two stages, as on AWS", decl.name));
        }
        if !["SUPERSEDED", "QUEUED", "PARALLEL"].contains(&decl.execution_mode.as_str()) {
            return Err(format!("pipeline {}: executionMode must be SUPERSEDED, QUEUED or PARALLEL", decl.name));
        }
        Ok(decl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_config_is_the_documented_pipeline() {
        let cfg = SandboxConfig::demo().unwrap();
        let decl = PipelineDecl::parse(&cfg.pipelines[0]).unwrap();
        let stages: Vec<&str> = decl.stages.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(stages, ["Source", "Build", "Approve", "Deploy"]);
        assert!(cfg.buckets().contains(&("pipewatch-demo-source".to_string(), true)));
        assert!(decl.stages[2].actions[0].is_manual_approval());
    }

    #[test]
    fn a_pipeline_naming_an_unknown_project_is_refused() {
        let text = r#"{"pipelines":[{"name":"p","stages":[
            {"name":"S","actions":[{"name":"S","actionTypeId":{"category":"Source","owner":"AWS","provider":"S3","version":"1"}}]},
            {"name":"B","actions":[{"name":"B","actionTypeId":{"category":"Build","owner":"AWS","provider":"CodeBuild","version":"1"},"configuration":{"ProjectName":"nope"}}]}]}],
            "projects":[]}"#;
        let err = SandboxConfig::parse(text, "x.json").unwrap_err().to_string();
        assert!(err.contains("'nope'"), "{err}");
    }

    #[test]
    fn s3_log_buckets_exist_and_need_a_location() {
        let text = r#"{"projects":[{"name":"p","logsConfig":{"cloudWatchLogs":{"status":"DISABLED"},
            "s3Logs":{"status":"ENABLED","location":"arn:aws:s3:::log-bucket/prefix"}}}]}"#;
        let cfg = SandboxConfig::parse(text, "x.json").unwrap();
        assert_eq!(cfg.buckets(), [("log-bucket".to_string(), false)]);
        let missing = r#"{"projects":[{"name":"p","logsConfig":{"s3Logs":{"status":"ENABLED"}}}]}"#;
        let err = SandboxConfig::parse(missing, "x.json").unwrap_err().to_string();
        assert!(err.contains("project p") && err.contains("s3Logs.location"), "{err}");
    }

    #[test]
    fn bad_json_names_line_and_column() {
        let err = SandboxConfig::parse("{\n  \"pipelines\": [,]\n}", "x.json").unwrap_err().to_string();
        assert!(err.contains("line 2 column"), "{err}");
    }
}
