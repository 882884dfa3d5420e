//! Everything that can happen to the app: input events and worker results.
//! `update(&mut Model, Msg) -> Vec<Effect>` is the only consumer.

use crate::model::Connection;
pub use crate::model::health::{ApiFailure, FailureKind};
use crate::model::push::{PlanView, SourceChoice};
use crate::model::snapshot::{BuildSnapshot, ExecutionSummary, LogBatch, PipelineSnapshot, PipelineSummary};

#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    Key(crossterm::event::KeyEvent),
    Resize(u16, u16),
    /// Text pasted into the terminal (bracketed paste): typed into a search.
    Paste(String),
    FocusGained,
    FocusLost,
    /// A periodic tick (1 s) for elapsed times and countdowns.
    Tick,
    Identity(Result<String, ApiFailure>),
    Pipelines(Result<Vec<PipelineSummary>, ApiFailure>),
    /// The latest execution of one pipeline, for a list row.
    PipelineLatest {
        pipeline: String,
        latest: Option<ExecutionSummary>,
    },
    PipelineState {
        pipeline: String,
        result: Result<PipelineSnapshot, ApiFailure>,
    },
    Executions {
        pipeline: String,
        result: Result<Vec<ExecutionSummary>, ApiFailure>,
    },
    /// PARALLEL mode: one lane per execution in progress (empty: one or none runs).
    Lanes {
        pipeline: String,
        result: Result<Vec<crate::model::v2::Lane>, ApiFailure>,
    },
    /// ListRuleExecutions' newest entries (a stage condition in progress or just ended).
    RuleRuns {
        pipeline: String,
        result: Result<Vec<crate::model::conditions::RuleRun>, ApiFailure>,
    },
    Build {
        result: Result<BuildSnapshot, ApiFailure>,
    },
    /// BatchGetBuildBatches for the followed action's batch (`id`).
    Batch {
        id: String,
        result: Result<crate::model::batch::BatchSnapshot, ApiFailure>,
    },
    /// Median duration in seconds per phase over the project's last successful builds.
    PhaseMedians {
        project: String,
        medians: Vec<(String, f64)>,
    },
    /// The details view's data (fetched when it opens).
    Details(Result<crate::model::details::Details, ApiFailure>),
    /// A finished build's test reports (fetched once when it ends).
    Tests {
        build_id: String,
        result: Result<crate::model::tests_report::TestReport, ApiFailure>,
    },
    Log {
        build_id: String,
        result: Result<LogBatch, ApiFailure>,
    },
    /// The tailer learnt where the build's log is (or is not yet).
    LogSource {
        build_id: String,
        source: crate::model::logs::LogSource,
    },
    /// The push plan is ready (or why not), for the confirmation.
    PushPlanned(Result<PlanView, String>),
    /// The pipeline has several S3 source actions: which one?
    PushSources(Vec<SourceChoice>),
    /// Bytes of the package sent so far.
    PushProgress {
        sent: u64,
        total: u64,
    },
    /// The PutObject succeeded; the run it starts is being looked for.
    PushUploaded {
        version_id: Option<String>,
    },
    /// The run our version started (found, or started with `s`).
    PushFollowing {
        execution_id: String,
    },
    /// The source polls: the run starts at the next poll, no `s` meanwhile.
    PushWaitingForPoll {
        version_id: String,
        note: String,
    },
    /// No run picked our version up in time: why, and `s` to start one.
    PushNoExecution {
        version_id: String,
        explanation: String,
    },
    /// The push (or the start asked for) failed: one line.
    PushFailed(String),
    /// The answer to a control request: what happened, or the refusal.
    ControlDone {
        request: crate::model::control::ControlRequest,
        result: Result<String, ApiFailure>,
    },
    /// `:rollback`'s target: the execution to roll `stage` back to, if any.
    RollbackTarget {
        pipeline: String,
        stage: String,
        result: Result<Option<ExecutionSummary>, ApiFailure>,
    },
    /// A worker recovered after failures.
    ApiOk {
        api: String,
    },
    /// The connection a `:profile`/`:region` switch asked for is built (what
    /// the header shows about it), or why not.
    Connected(Result<Connection, String>),
    /// A command run in the terminal (`L`) ended.
    RanInTerminal {
        /// As typed in a shell, e.g. "aws sso login --profile dev".
        command: String,
        outcome: RunOutcome,
    },
    /// A past execution rebuilt from its action executions.
    PastExecution {
        pipeline: String,
        execution_id: String,
        result: Result<PipelineSnapshot, ApiFailure>,
    },
    /// One inbox target read: the approvals waiting there, or why not.
    Approvals {
        target: crate::model::inbox::Target,
        result: Result<Vec<crate::model::inbox::Approval>, ApiFailure>,
    },
    /// Median seconds per stage over recent successful runs of each stage.
    StageMedians {
        pipeline: String,
        result: Result<Vec<(String, f64)>, ApiFailure>,
    },
    /// Fleet: a place's pipeline names (all ListPipelines pages), or why not.
    FleetListed {
        place: crate::model::fleet::Place,
        result: Result<Vec<String>, ApiFailure>,
    },
    /// Fleet: the account a place's credentials belong to.
    FleetAccount {
        place: crate::model::fleet::Place,
        account: String,
    },
    /// Fleet: a row's latest run.
    FleetLatest {
        key: crate::model::fleet::RowKey,
        result: Result<crate::model::fleet::Latest, ApiFailure>,
    },
    /// Fleet: a profile's login expired; its rows wait for `L`.
    FleetLogin {
        profile: String,
        message: String,
    },
}

/// How a command run in the terminal ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunOutcome {
    /// It exited with this code (`None`: killed by a signal).
    Exited(Option<i32>),
    /// The program is not on PATH.
    NotFound,
    /// It could not be started, or the terminal could not be handed over.
    Failed(String),
}
