//! The sandbox's pipelines and CodeBuild projects, in AWS's own JSON shapes:
//! the `pipeline` object of `get-pipeline` (or its whole output, `pipeline` and
//! `metadata`) and the project objects of `batch-get-projects` (a project whose
//! `arn` names another Region or account lives there). The built-in default is
//! the demo pipeline.

use std::collections::BTreeMap;
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
    /// Keys of other accounts (see `accounts`).
    #[serde(default)]
    pub accounts: Vec<super::accounts::AccountKey>,
    /// Generated pipelines (see `generated`).
    #[serde(default)]
    pub generate: Vec<super::generated::GenerateSpec>,
    /// GetPipeline's `metadata` given with a pipeline, by pipeline name.
    #[serde(skip)]
    pub metadata: BTreeMap<String, Value>,
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
    /// Region -> store: required by AWS once an action runs in another Region.
    #[serde(default)]
    pub artifact_stores: BTreeMap<String, ArtifactStoreDecl>,
    /// Pipeline-level variables (V2).
    #[serde(default)]
    pub variables: Vec<super::codepipeline::variables::VariableDecl>,
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
    /// Cross-Region actions name their Region; absent: the pipeline's.
    #[serde(default)]
    pub region: Option<String>,
    /// Cross-account actions name a role in the other account.
    #[serde(default)]
    pub role_arn: Option<String>,
    /// A Commands action's shell commands.
    #[serde(default)]
    pub commands: Vec<String>,
    /// A compute action's variables to export (names; API model OutputVariableList).
    #[serde(default)]
    pub output_variables: Vec<String>,
    /// Where this action's output variables are read: `#{Namespace.NAME}`.
    #[serde(default)]
    pub namespace: Option<String>,
    /// A Commands action's environment: `[{ "name", "value", "type" }]`.
    #[serde(default)]
    pub environment_variables: Vec<Value>,
    #[serde(default)]
    pub timeout_in_minutes: Option<u64>,
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
    /// A Commands action's output files (globs); empty: every file.
    #[serde(default)]
    pub files: Vec<String>,
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
    /// CodePipeline User Guide, "Commands action reference": category Compute,
    /// owner AWS, provider Commands.
    pub fn is_commands(&self) -> bool {
        self.action_type_id.category == "Compute" && self.action_type_id.provider == "Commands"
    }
    pub fn is_manual_approval(&self) -> bool {
        self.action_type_id.category == "Approval" && self.action_type_id.provider == "Manual"
    }
    /// An S3 source that polls: `PollForSourceChanges` absent means true for
    /// pipelines created with the CLI or CloudFormation (CodePipeline User Guide,
    /// "Valid settings for the PollForSourceChanges parameter").
    pub fn polls(&self) -> bool {
        self.is_s3_source()
            && !self.configuration.get("PollForSourceChanges").is_some_and(|v| v.eq_ignore_ascii_case("false"))
    }
    /// The Region the action runs in.
    pub fn region(&self) -> &str {
        self.region.as_deref().unwrap_or(super::regions::HOME)
    }
}

/// Where a project lives: the Region and account of its `arn`, else the
/// sandbox's own.
pub fn project_home(project: &Value) -> (String, String) {
    project
        .get("arn")
        .and_then(Value::as_str)
        .and_then(super::regions::arn_region_account)
        .map(|(r, a)| (r.to_string(), a.to_string()))
        .unwrap_or_else(|| (super::regions::HOME.to_string(), super::ACCOUNT_ID.to_string()))
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
        let mut cfg: SandboxConfig =
            serde_json::from_str(text).map_err(|e| eyre!("{origin}: line {} column {}: {e}", e.line(), e.column()))?;
        // GetPipeline's whole output: keep the declaration, file the metadata.
        for entry in &mut cfg.pipelines {
            if let Some(inner) = entry.get("pipeline").cloned() {
                let name = inner.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
                if let Some(meta) = entry.get("metadata").filter(|m| m.is_object()) {
                    cfg.metadata.insert(name, meta.clone());
                }
                *entry = inner;
            }
        }
        for p in &cfg.pipelines {
            let decl = PipelineDecl::parse(p).map_err(|e| eyre!("{origin}: {e}"))?;
            for action in decl.stages.iter().flat_map(|s| &s.actions) {
                if action.is_codebuild() {
                    let project = action.configuration.get("ProjectName").map(String::as_str).unwrap_or("");
                    let region = action.region();
                    let found = cfg.projects.iter().any(|pr| {
                        pr.get("name").and_then(Value::as_str) == Some(project) && project_home(pr).0 == region
                    });
                    if !found {
                        return Err(eyre!(
                            "{origin}: pipeline {} action {} uses CodeBuild project '{project}' in {region}, which the config does not define",
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
            out.extend(decl.artifact_stores.into_values().map(|store| (store.location, true)));
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
        decl.check_artifact_stores()?;
        super::codepipeline::check_v2_declaration(&decl, value)?;
        decl.check_commands()?;
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
    fn the_demo_has_a_cross_region_cross_account_pipeline() {
        let cfg = SandboxConfig::demo().unwrap();
        let eu = PipelineDecl::parse(&cfg.pipelines[1]).unwrap();
        let action = &eu.stages[1].actions[0];
        assert_eq!((eu.name.as_str(), action.region()), ("mlops-demo-eu", "eu-west-1"));
        assert!(action.role_arn.as_deref().is_some_and(|r| r.contains(":210987654321:")));
        let project = cfg.projects.iter().find(|p| p["name"] == "mlops-demo-eu-evaluate").unwrap();
        assert_eq!(project_home(project), ("eu-west-1".to_string(), "210987654321".to_string()));
        assert!(cfg.buckets().contains(&("pipewatch-demo-artifacts-eu-west-1".to_string(), true)));
        let demo = PipelineDecl::parse(&cfg.pipelines[0]).unwrap();
        assert!(!demo.stages[0].actions[0].polls(), "the demo pipeline is event-driven, as its template");
    }

    fn two_stage(action_extra: &str, stores: &str) -> String {
        format!(
            r#"{{"pipelines":[{{"name":"p",{stores}"stages":[
            {{"name":"S","actions":[{{"name":"S","actionTypeId":{{"category":"Source","owner":"AWS","provider":"S3","version":"1"}}}}]}},
            {{"name":"B","actions":[{{"name":"B",{action_extra}"actionTypeId":{{"category":"Build","owner":"AWS","provider":"CodeBuild","version":"1"}},"configuration":{{"ProjectName":"x"}}}}]}}]}}],
            "projects":[{{"name":"x","arn":"arn:aws:codebuild:eu-west-1:123456789012:project/x"}}]}}"#
        )
    }

    #[test]
    fn cross_region_actions_need_a_project_there_and_a_store_per_region() {
        // CodePipeline API Reference, PipelineDeclaration.artifactStores.
        let stores =
            r#""artifactStores":{"us-east-1":{"type":"S3","location":"a"},"eu-west-1":{"type":"S3","location":"b"}},"#;
        assert!(SandboxConfig::parse(&two_stage(r#""region":"eu-west-1","#, stores), "x").is_ok());
        let err = SandboxConfig::parse(&two_stage(r#""region":"eu-west-1","#, ""), "x").unwrap_err().to_string();
        assert!(err.contains("needs artifactStores"), "{err}");
        let one = r#""artifactStores":{"eu-west-1":{"type":"S3","location":"b"}},"#;
        let err = SandboxConfig::parse(&two_stage(r#""region":"eu-west-1","#, one), "x").unwrap_err().to_string();
        assert!(err.contains("no store for us-east-1"), "{err}");
        let err = SandboxConfig::parse(&two_stage("", ""), "x").unwrap_err().to_string();
        assert!(err.contains("'x' in us-east-1"), "the project lives in eu-west-1: {err}");
    }

    #[test]
    fn a_pipeline_may_be_given_as_get_pipeline_output() {
        let text = r#"{"pipelines":[{"pipeline":{"name":"p","stages":[
            {"name":"S","actions":[{"name":"S","actionTypeId":{"category":"Source","owner":"AWS","provider":"S3","version":"1"}}]},
            {"name":"A","actions":[{"name":"A","actionTypeId":{"category":"Approval","owner":"AWS","provider":"Manual","version":"1"}}]}]},
            "metadata":{"pollingDisabledAt":1767607200}}]}"#;
        let cfg = SandboxConfig::parse(text, "x").unwrap();
        assert_eq!(cfg.pipelines[0]["name"], "p");
        assert_eq!(cfg.metadata["p"]["pollingDisabledAt"], 1767607200);
        assert!(PipelineDecl::parse(&cfg.pipelines[0]).unwrap().stages[0].actions[0].polls());
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
