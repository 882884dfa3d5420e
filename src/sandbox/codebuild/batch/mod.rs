//! Batch builds: StartBuildBatch (or a CodePipeline CodeBuild action with
//! `BatchEnabled`) reads the buildspec's `batch:` section and runs one real
//! build per task, in dependency order, each with its own id, phases and log
//! stream. CodeBuild User Guide, "Batch builds in CodeBuild" and "Batch build
//! buildspec reference"; CodeBuild API Reference, BuildBatch, BuildGroup.

pub mod api;
mod run;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::model::{Context, Phase, phase_json};
use super::runner::SourceInput;
use super::{Store, stop_build};
use crate::sandbox::config::project_home;
use crate::sandbox::http::{ApiError, ApiResult, epoch_secs};
use crate::sandbox::{Shared, lock};

/// One task of the batch and the build that runs it, once started.
#[derive(Clone, Debug)]
pub struct Group {
    pub identifier: String,
    pub depends_on: Vec<String>,
    pub ignore_failure: bool,
    /// (build id, build ARN, requested on).
    pub build: Option<(String, String, DateTime<Utc>)>,
}

#[derive(Clone, Debug)]
pub struct BuildBatch {
    pub id: String,
    pub arn: String,
    pub number: u64,
    pub project: String,
    pub region: String,
    pub account: String,
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    /// IN_PROGRESS, then SUCCEEDED, FAILED or STOPPED.
    pub status: String,
    pub phases: Vec<Phase>,
    pub groups: Vec<Group>,
    pub source: Value,
    pub source_version: Option<String>,
    pub initiator: String,
    pub environment: Value,
    pub service_role: Option<String>,
    pub config: Value,
    pub logs_config: Value,
    pub timeout_minutes: u64,
    pub queued_timeout_minutes: u64,
    /// StopBuildBatch (or a pipeline stop) asked the runner to stop.
    pub stopping: bool,
}

impl BuildBatch {
    fn enter(&mut self, kind: &'static str, now: DateTime<Utc>) {
        self.phases.push(Phase { kind, status: None, start: now, end: None, contexts: Vec::new() });
    }

    fn finish(&mut self, status: &str, context: Option<Context>, now: DateTime<Utc>) {
        if let Some(p) = self.phases.last_mut().filter(|p| p.end.is_none()) {
            p.status = Some(status.to_string());
            p.end = Some(now);
            p.contexts = context.into_iter().collect();
        }
    }

    /// The last phase is the batch's final status, with no end (as COMPLETED is for a build).
    fn close(&mut self, status: &'static str, now: DateTime<Utc>) {
        self.enter(status, now);
        self.status = status.to_string();
        self.end = Some(now);
    }

    pub fn complete(&self) -> bool {
        self.end.is_some()
    }

    /// The BuildBatch shape; `status_of` gives a build's buildStatus by id.
    pub fn to_json(&self, status_of: impl Fn(&str) -> Option<String>) -> Value {
        let groups: Vec<Value> = self
            .groups
            .iter()
            .map(|g| {
                let mut v = json!({
                    "identifier": g.identifier,
                    "dependsOn": g.depends_on,
                    "ignoreFailure": g.ignore_failure,
                    "priorBuildSummaryList": [],
                });
                if let Some((id, arn, requested)) = &g.build {
                    let mut summary = json!({ "arn": arn, "requestedOn": epoch_secs(*requested) });
                    if let Some(status) = status_of(id) {
                        summary["buildStatus"] = json!(status);
                    }
                    v["currentBuildSummary"] = summary;
                }
                v
            })
            .collect();
        let mut b = json!({
            "id": self.id,
            "arn": self.arn,
            "startTime": epoch_secs(self.start),
            "currentPhase": self.phases.last().map(|p| p.kind).unwrap_or("SUBMITTED"),
            "buildBatchStatus": self.status,
            "projectName": self.project,
            "phases": self.phases.iter().map(phase_json).collect::<Vec<_>>(),
            "source": self.source,
            "secondarySources": [],
            "secondarySourceVersions": [],
            "artifacts": { "location": "" },
            "secondaryArtifacts": [],
            "environment": self.environment,
            "logConfig": self.logs_config,
            "buildTimeoutInMinutes": self.timeout_minutes,
            "queuedTimeoutInMinutes": self.queued_timeout_minutes,
            "complete": self.complete(),
            "initiator": self.initiator,
            "encryptionKey": format!("arn:aws:kms:{}:{}:alias/aws/s3", self.region, self.account),
            "buildBatchNumber": self.number,
            "buildBatchConfig": self.config,
            "buildGroups": groups,
            "debugSessionEnabled": false,
        });
        if let Some(end) = self.end {
            b["endTime"] = epoch_secs(end);
        }
        if let Some(v) = &self.source_version {
            b["sourceVersion"] = json!(v);
            b["resolvedSourceVersion"] = json!(v);
        }
        if let Some(role) = &self.service_role {
            b["serviceRole"] = json!(role);
        }
        b
    }
}

impl Store {
    /// A batch by id or ARN.
    pub(crate) fn batch(&self, id: &str) -> Option<&BuildBatch> {
        self.batches.iter().find(|b| b.id == id || b.arn == id)
    }

    fn batch_mut(&mut self, id: &str) -> Option<&mut BuildBatch> {
        self.batches.iter_mut().find(|b| b.id == id)
    }

    pub(crate) fn batch_json(&self, b: &BuildBatch) -> Value {
        b.to_json(|id| self.build(id).map(|x| x.status.clone()))
    }

    /// A finished batch as the pipeline engine sees it: (status, message).
    pub fn batch_outcome(&self, id: &str) -> Option<(String, Option<String>)> {
        let b = self.batch(id).filter(|b| b.complete())?;
        let failed: Vec<&str> = b
            .groups
            .iter()
            .filter(|g| !g.ignore_failure)
            .filter(|g| {
                g.build.as_ref().is_none_or(|(id, _, _)| self.outcome(id).is_none_or(|o| o.status != "SUCCEEDED"))
            })
            .map(|g| g.identifier.as_str())
            .collect();
        let context = b.phases.iter().find_map(|p| p.contexts.first()).map(|c| c.message.clone());
        let message = match (b.status.as_str(), failed.is_empty()) {
            ("SUCCEEDED", _) => None,
            (_, false) => Some(format!("Build groups failed: {}", failed.join(", "))),
            _ => context,
        };
        Some((b.status.clone(), message))
    }
}

/// What starts a batch: StartBuildBatch's inputs, or the pipeline engine's.
pub struct BatchRequest {
    pub project: String,
    pub region: String,
    pub source: SourceInput,
    pub source_version: Option<String>,
    pub initiator: String,
    /// StartBuildBatch's sourceTypeOverride / sourceLocationOverride / buildspecOverride.
    pub source_override: Vec<(&'static str, String)>,
    pub env_override: Vec<Value>,
    /// A pipeline action's output artifact.
    pub artifact_zip: Option<PathBuf>,
    /// buildBatchConfigOverride, or the action's CombineArtifacts.
    pub config_override: Option<Value>,
}

/// The refusal for a project with no buildBatchConfig. The CodeBuild API
/// Reference (StartBuildBatch) models only InvalidInputException here; the
/// message is ours.
fn not_enabled(region: &str, account: &str, name: &str) -> ApiError {
    ApiError::client(
        "InvalidInputException",
        format!(
            "Batch builds are not enabled for project arn:aws:codebuild:{region}:{account}:project/{name}: set its buildBatchConfig"
        ),
    )
}

/// Records the batch (SUBMITTED) and starts its runner; returns it as StartBuildBatch does.
pub fn start_batch(shared: &Arc<Shared>, req: BatchRequest) -> ApiResult<Value> {
    let now = Utc::now();
    let uuid = uuid::Uuid::new_v4().to_string();
    let mut store = lock(&shared.builds);
    let project = store.project(&req.region, &req.project).cloned().ok_or_else(|| {
        ApiError::client(
            "ResourceNotFoundException",
            format!(
                "Project cannot be found: arn:aws:codebuild:{}:{}:project/{}",
                req.region,
                crate::sandbox::ACCOUNT_ID,
                req.project
            ),
        )
    })?;
    let name = project.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
    let (region, account) = project_home(&project);
    let mut config = project.get("buildBatchConfig").filter(|c| c.is_object()).cloned();
    if let Some(over) = req.config_override.as_ref().and_then(Value::as_object) {
        let merged = config.get_or_insert_with(|| json!({}));
        for (k, v) in over {
            merged[k.as_str()] = v.clone();
        }
    }
    let Some(config) = config else { return Err(not_enabled(&region, &account, &name)) };
    let number = {
        let n = store.numbers.entry(format!("batch:{name}")).or_insert(0);
        *n += 1;
        *n
    };
    let id = format!("{name}:{uuid}");
    let arn = format!("arn:aws:codebuild:{region}:{account}:build-batch/{id}");
    let mut source =
        project.get("source").filter(|s| s.is_object()).cloned().unwrap_or_else(|| json!({ "type": "NO_SOURCE" }));
    for (k, v) in &req.source_override {
        source[*k] = json!(v);
    }
    let mut batch = BuildBatch {
        id: id.clone(),
        arn: arn.clone(),
        number,
        project: name.clone(),
        region: region.clone(),
        account,
        start: now,
        end: None,
        status: "IN_PROGRESS".into(),
        phases: Vec::new(),
        groups: Vec::new(),
        source: source.clone(),
        source_version: req.source_version.clone(),
        initiator: req.initiator.clone(),
        environment: project.get("environment").cloned().unwrap_or_else(|| json!({})),
        service_role: config
            .get("serviceRole")
            .or_else(|| project.get("serviceRole"))
            .and_then(Value::as_str)
            .map(str::to_string),
        config: config.clone(),
        logs_config: project.get("logsConfig").cloned().unwrap_or_else(|| json!({})),
        timeout_minutes: config.get("timeoutInMins").and_then(Value::as_u64).unwrap_or(480),
        queued_timeout_minutes: project.get("queuedTimeoutInMinutes").and_then(Value::as_u64).unwrap_or(480),
        stopping: false,
    };
    batch.enter("SUBMITTED", now);
    let answer = store.batch_json(&batch);
    store.batches.push(batch);
    let job = run::BatchJob {
        id,
        project: name,
        region,
        source: req.source,
        source_version: req.source_version,
        initiator: req.initiator,
        buildspec: source.get("buildspec").and_then(Value::as_str).map(str::to_string),
        source_override: req.source_override,
        env_override: req.env_override,
        artifact_zip: req.artifact_zip,
        combine: config.get("combineArtifacts").and_then(Value::as_bool).unwrap_or(false),
        max_builds: config.pointer("/restrictions/maximumBuildsAllowed").and_then(Value::as_u64),
        arn,
        dir: store.dir.join(format!("batch-{uuid}")),
    };
    drop(store);
    tokio::spawn(run::run(shared.clone(), job));
    Ok(answer)
}

/// Asks a running batch to stop (StopBuildBatch, a pipeline stop); its
/// running builds stop at once, the runner closes the batch.
pub fn stop_batch(shared: &Arc<Shared>, id: &str) {
    let running: Vec<String> = {
        let mut store = lock(&shared.builds);
        let Some(b) = store.batch_mut(id).filter(|b| !b.complete()) else { return };
        b.stopping = true;
        let ids: Vec<String> = b.groups.iter().filter_map(|g| g.build.as_ref().map(|(id, _, _)| id.clone())).collect();
        ids
    };
    for build in running {
        stop_build(shared, &build);
    }
}
