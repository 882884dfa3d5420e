//! CodePipeline: pipeline declarations, executions, and the engine that moves
//! executions through stages as AWS does.

mod actions;
pub mod api;
mod commands;
pub mod conditions;
mod conditions_api;
mod control;
mod cron;
pub mod declare;
pub(crate) mod define;
mod deploy;
pub mod engine;
mod overrides;
mod polling;
mod rollback;
mod rules;
mod v2;
pub use v2::check_declaration as check_v2_declaration;
pub mod variables;
mod view;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::config::{PipelineDecl, SandboxConfig};
use super::http::ApiError;

pub type Time = DateTime<Utc>;

pub struct Pipeline {
    /// The declaration as given, returned by GetPipeline.
    pub raw: Value,
    pub decl: PipelineDecl,
    pub created: Time,
    /// Starts at 1; each UpdatePipeline adds one.
    pub version: i64,
    pub updated: Time,
    /// Inbound transition per stage (index = stage index).
    pub inbound: Vec<Transition>,
    /// Outbound transition per stage: holds executions after the stage.
    pub outbound: Vec<Transition>,
    /// GetPipeline's `metadata.pollingDisabledAt`: polling no longer starts runs.
    pub polling_disabled_at: Option<Time>,
}

#[derive(Clone, Debug)]
pub struct Transition {
    pub enabled: bool,
    pub reason: Option<String>,
    pub changed_at: Option<Time>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// Waiting to enter stage i (held by a busy stage or a disabled transition).
    Waiting(usize),
    InStage(usize),
    Done,
}

#[derive(Clone, Debug)]
pub struct SourceRevision {
    pub action_name: String,
    pub revision_id: String,
    pub summary: Option<String>,
    pub created: Time,
    /// The S3 object the revision was read from: (bucket, key).
    pub object: (String, String),
}

/// One attempt of one action in one execution (an `actionExecutionId`).
#[derive(Clone, Debug)]
pub struct ActionExec {
    pub id: String,
    pub stage: usize,
    pub action: usize,
    pub status: String,
    pub started: Time,
    pub updated: Time,
    pub summary: Option<String>,
    pub token: Option<String>,
    pub external_id: Option<String>,
    pub external_url: Option<String>,
    pub error: Option<(String, String)>,
    pub updated_by: Option<String>,
    /// Replaced by a retry: no longer the action's current attempt.
    pub stale: bool,
    /// A Commands action's log (`logStreamARN`).
    pub log_stream_arn: Option<String>,
    /// What a compute action exported (`output.outputVariables`).
    pub output_variables: Vec<(String, String)>,
    /// The action's namespace, where later actions read its output variables.
    pub namespace: Option<String>,
    /// The configuration with variable references resolved at start.
    pub resolved: Option<BTreeMap<String, String>>,
}

#[derive(Clone, Debug)]
pub struct Execution {
    pub id: String,
    pub pipeline: String,
    pub status: String,
    pub status_summary: Option<String>,
    pub trigger_type: String,
    pub trigger_detail: String,
    pub mode: String,
    pub started: Time,
    pub updated: Time,
    pub position: Position,
    /// Status per stage this execution entered (None: not reached).
    pub stage_status: Vec<Option<String>>,
    pub actions: Vec<ActionExec>,
    pub sources: Vec<SourceRevision>,
    /// Output artifacts produced so far: name -> zip file.
    pub artifacts: BTreeMap<String, PathBuf>,
    /// Set by StopPipelineExecution: (abandon, reason).
    pub stop: Option<(bool, Option<String>)>,
    pub client_token: Option<String>,
    pub variables: Vec<(String, String)>,
    /// A rollback execution: the earlier execution whose revisions it redeploys.
    pub rollback_target: Option<String>,
    /// Retry counts per stage index.
    pub retries: BTreeMap<usize, rollback::StageRetries>,
    /// Stage conditions evaluated so far (beforeEntry, onSuccess).
    pub conditions: Vec<conditions::CondExec>,
}

impl Execution {
    /// The latest attempt of each action of stage `s`.
    pub fn current_actions(&self, s: usize) -> impl Iterator<Item = &ActionExec> {
        let mut latest: BTreeMap<usize, &ActionExec> = BTreeMap::new();
        for a in self.actions.iter().filter(|a| a.stage == s && !a.stale) {
            latest.insert(a.action, a);
        }
        latest.into_values()
    }
    /// ExecutionType: ROLLBACK for a run started by RollbackStage or an
    /// on-failure rollback, else STANDARD.
    pub fn execution_type(&self) -> &'static str {
        if self.rollback_target.is_some() { "ROLLBACK" } else { "STANDARD" }
    }
    pub fn is_active(&self) -> bool {
        self.status == "InProgress" || self.status == "Stopping"
    }
}

/// An S3 upload seen by the EventBridge-like hook, not yet turned into a run.
#[derive(Clone, Debug)]
pub struct SourceEvent {
    pub bucket: String,
    pub key: String,
    pub version_id: String,
}

/// How many of each pipeline's newest executions keep their artifacts on disk.
/// A long-lived sandbox would otherwise keep a source and a build zip for
/// every run it ever made; an older execution is done with them (a retry is
/// for the latest runs), so its artifact directory is removed once it ends.
pub const ARTIFACT_RETENTION: usize = 20;

pub struct Store {
    pub pipelines: Vec<Pipeline>,
    /// Oldest first.
    pub executions: Vec<Execution>,
    pub pending: Vec<SourceEvent>,
    /// Polling S3 sources and what their last poll saw.
    pub polls: polling::Polls,
    /// Executions per pipeline whose artifacts are kept (tests lower it).
    pub artifact_retention: usize,
}

impl Store {
    pub fn new(cfg: &SandboxConfig, poll_interval: std::time::Duration) -> Self {
        let now = Utc::now();
        let pipelines = cfg
            .pipelines
            .iter()
            .filter_map(|raw| {
                // SandboxConfig::parse has already validated every declaration.
                let decl = PipelineDecl::parse(raw).ok()?;
                let open = Transition { enabled: true, reason: None, changed_at: None };
                let n = decl.stages.len();
                let polling_disabled_at = cfg.metadata.get(&decl.name).and_then(polling::disabled_at);
                Some(Pipeline {
                    raw: raw.clone(),
                    decl,
                    created: now,
                    version: 1,
                    updated: now,
                    inbound: vec![open.clone(); n],
                    outbound: vec![open; n],
                    polling_disabled_at,
                })
            })
            .collect();
        Self {
            pipelines,
            executions: Vec::new(),
            pending: Vec::new(),
            polls: polling::Polls::new(poll_interval),
            artifact_retention: ARTIFACT_RETENTION,
        }
    }

    /// The artifact directories (`root/<execution id>`) of ended executions
    /// older than each pipeline's newest `artifact_retention`; their artifact
    /// lists are cleared, so nothing refers to the files. The caller deletes
    /// the directories after unlocking.
    pub fn prune_artifacts(&mut self, root: &Path) -> Vec<PathBuf> {
        let mut kept: BTreeMap<String, usize> = BTreeMap::new();
        let mut dirs = Vec::new();
        for e in self.executions.iter_mut().rev() {
            let newer = kept.entry(e.pipeline.clone()).or_insert(0);
            *newer += 1;
            if *newer > self.artifact_retention && !e.is_active() && !e.artifacts.is_empty() {
                e.artifacts.clear();
                dirs.push(root.join(&e.id));
            }
        }
        dirs
    }

    pub fn object_created(&mut self, bucket: &str, key: &str, version_id: &str) {
        self.pending.push(SourceEvent { bucket: bucket.into(), key: key.into(), version_id: version_id.into() });
    }

    pub fn pipeline(&self, name: &str) -> Result<&Pipeline, ApiError> {
        self.pipelines.iter().find(|p| p.decl.name == name).ok_or_else(|| {
            ApiError::client(
                "PipelineNotFoundException",
                format!("Account '{}' does not have a pipeline with name '{name}'", super::ACCOUNT_ID),
            )
        })
    }

    pub fn pipeline_mut(&mut self, name: &str) -> Result<&mut Pipeline, ApiError> {
        self.pipeline(name)?;
        self.pipelines.iter_mut().find(|p| p.decl.name == name).ok_or_else(|| ApiError::internal("pipeline vanished"))
    }

    pub fn execution_index(&self, pipeline: &str, id: &str) -> Result<usize, ApiError> {
        self.executions.iter().position(|e| e.pipeline == pipeline && e.id == id).ok_or_else(|| {
            ApiError::client(
                "PipelineExecutionNotFoundException",
                format!("Pipeline execution {id} not found in pipeline {pipeline}"),
            )
        })
    }

    pub fn stage_index(&self, pipeline: &str, stage: &str) -> Result<usize, ApiError> {
        self.pipeline(pipeline)?.decl.stages.iter().position(|s| s.name == stage).ok_or_else(|| {
            ApiError::client("StageNotFoundException", format!("Stage {stage} not found in pipeline {pipeline}"))
        })
    }

    /// The newest execution of `pipeline` that entered stage `s`.
    pub fn latest_in_stage(&self, pipeline: &str, s: usize) -> Option<&Execution> {
        self.executions
            .iter()
            .rev()
            .find(|e| e.pipeline == pipeline && e.stage_status.get(s).is_some_and(Option::is_some))
    }
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
