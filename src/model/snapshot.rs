//! Plain-data snapshots of AWS state. `src/aws/` builds them from SDK responses;
//! everything else (model, update, render, tests) sees only these types.

use chrono::{DateTime, Utc};

pub type Time = DateTime<Utc>;

/// A CodePipeline or CodeBuild status, normalised across the two services.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    InProgress,
    Succeeded,
    Failed,
    Stopped,
    Stopping,
    Superseded,
    Cancelled,
    Abandoned,
    TimedOut,
    Fault,
    Queued,
    /// A stage an entry condition skipped (V2 StageExecutionStatus).
    Skipped,
    Other(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct PipelineSummary {
    pub name: String,
    pub pipeline_type: Option<String>,
    pub execution_mode: Option<String>,
    pub updated: Option<Time>,
    /// Filled lazily for visible rows only.
    pub latest: Option<ExecutionSummary>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExecutionSummary {
    pub id: String,
    pub status: Status,
    pub status_summary: Option<String>,
    pub trigger_type: Option<String>,
    pub trigger_detail: Option<String>,
    /// (action name, revision id, summary)
    pub source_revisions: Vec<SourceRevision>,
    pub start: Option<Time>,
    pub last_update: Option<Time>,
    /// Execution mode and type (V2).
    pub v2: super::v2::ExecutionV2,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SourceRevision {
    pub action_name: String,
    pub revision_id: Option<String>,
    pub summary: Option<String>,
}

/// GetPipelineState, flattened.
#[derive(Clone, Debug, PartialEq)]
pub struct PipelineSnapshot {
    pub name: String,
    pub stages: Vec<StageSnapshot>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StageSnapshot {
    pub name: String,
    pub inbound_enabled: bool,
    pub disabled_reason: Option<String>,
    /// The execution shown in this stage and its status there.
    pub latest_execution: Option<(String, Status)>,
    /// An execution waiting to enter (held by a busy stage or a disabled transition).
    pub inbound_execution: Option<String>,
    pub actions: Vec<ActionSnapshot>,
    /// Queued executions and the latest execution's type (V2).
    pub v2: super::v2::StageV2,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ActionSnapshot {
    pub name: String,
    /// e.g. Source, Build, Approval, Deploy.
    pub category: Option<String>,
    /// e.g. S3, CodeBuild, Manual.
    pub provider: Option<String>,
    pub status: Option<Status>,
    pub summary: Option<String>,
    pub last_change: Option<Time>,
    /// For CodeBuild actions, the build id.
    pub external_id: Option<String>,
    pub external_url: Option<String>,
    /// Present while a manual approval waits for an answer.
    pub approval_token: Option<String>,
    pub error: Option<String>,
    /// A compute action's log (`logStreamARN`): a Commands action has no build.
    pub log_stream_arn: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BuildSnapshot {
    pub id: String,
    pub project: String,
    pub number: Option<i64>,
    pub status: Status,
    pub current_phase: Option<String>,
    pub start: Option<Time>,
    pub end: Option<Time>,
    pub phases: Vec<PhaseSnapshot>,
    pub log_group: Option<String>,
    pub log_stream: Option<String>,
    /// `logs.cloudWatchLogs.status` is DISABLED: no stream will ever appear.
    pub cloudwatch_logs_disabled: bool,
    /// Where CodeBuild writes the log when the project sends it to S3.
    pub s3_log: Option<S3Log>,
    pub complete: bool,
    /// The Region the build runs in (None: the connection's own).
    pub region: Option<String>,
    /// Its test and coverage reports (BatchGetBuilds `reportArns`).
    pub report_arns: Vec<String>,
}

/// A build's S3 log object (`logs.s3LogsArn`) and its console link.
#[derive(Clone, Debug, PartialEq)]
pub struct S3Log {
    pub bucket: String,
    pub key: String,
    pub deep_link: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PhaseSnapshot {
    /// SUBMITTED … COMPLETED
    pub phase: String,
    pub status: Option<Status>,
    pub start: Option<Time>,
    pub end: Option<Time>,
    pub duration_secs: Option<i64>,
    /// (statusCode, message)
    pub contexts: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LogEvent {
    pub timestamp_ms: i64,
    /// Raw message as CloudWatch returned it; sanitised before display.
    pub message: String,
}

/// One GetLogEvents page. `next_token` is the token to poll with next; when it
/// equals the token sent, the stream had nothing new.
#[derive(Clone, Debug, PartialEq)]
pub struct LogBatch {
    pub events: Vec<LogEvent>,
    pub next_token: String,
}

/// A pipeline's declared stages and actions, in order (GetPipeline).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PipelineDeclaration {
    pub stages: Vec<DeclaredStage>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DeclaredStage {
    pub name: String,
    /// (action name, category, provider)
    pub actions: Vec<DeclaredAction>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DeclaredAction {
    pub name: String,
    pub category: Option<String>,
    pub provider: Option<String>,
}

/// One ListActionExecutions row: one run of one action in one execution.
#[derive(Clone, Debug, PartialEq)]
pub struct ActionExecution {
    pub pipeline_execution_id: String,
    pub stage: String,
    pub action: String,
    pub status: Option<Status>,
    pub start: Option<Time>,
    pub last_update: Option<Time>,
    /// For CodeBuild actions, the build id (output.executionResult).
    pub external_id: Option<String>,
    pub external_url: Option<String>,
    pub summary: Option<String>,
    pub error: Option<String>,
    /// From input.actionTypeId.
    pub category: Option<String>,
    pub provider: Option<String>,
    /// output.executionResult.logStreamARN (Commands actions).
    pub log_stream_arn: Option<String>,
}
