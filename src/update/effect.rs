//! What `update` asks the driver to do: effects as data, run by
//! `app::driver` (so `update` stays pure).

use super::ExternalCommand;
use super::notify;

/// Side effects as data; the app's driver runs them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    WatchPipeline(String),
    WatchBuild(String),
    /// Poll this batch (BatchGetBuildBatches) while it runs; None: stop.
    WatchBatch(Option<String>),
    /// The followed Commands action ended: its log (this ARN) is complete
    /// once the last lines are ingested.
    ActionLogEnded(String),
    /// The pipeline-list rows on screen, whose latest status to poll.
    WatchRows(Vec<String>),
    SetFocus(bool),
    RefreshNow,
    /// Pack and preflight the workspace for `pipeline` (answer: PushPlanned or PushSources).
    PlanPush {
        pipeline: String,
        source_action: Option<String>,
    },
    /// Upload the planned package and look for the run it starts.
    ExecutePush,
    /// Drop the plan (its temp zip is removed).
    CancelPush,
    /// StartPipelineExecution pinned to the pushed version.
    StartPushedRun {
        version_id: String,
    },
    /// A mutating CodePipeline call (start, retry, stop, approve, transition).
    Control(crate::model::control::ControlRequest),
    /// The same, sent with the clients of `target`'s profile and Region
    /// (an approval answered from the inbox). Answered by `Msg::ControlDone`.
    ControlAt {
        target: crate::model::inbox::Target,
        request: crate::model::control::ControlRequest,
    },
    /// `:rollback`: the newest execution other than `current` that succeeded
    /// in `stage` (answer: `Msg::RollbackTarget`).
    FindRollbackTarget {
        pipeline: String,
        stage: String,
        current: Option<String>,
    },
    /// Read the approvals waiting at these targets now and at a slow pace
    /// (`Msg::Approvals`); `None` stops (the inbox closed).
    WatchInbox(Option<Vec<crate::model::inbox::Target>>),
    /// Read the starred pipelines not otherwise read, at the stars' pace, so
    /// an approval there notifies (`Msg::Approvals`); empty stops.
    WatchStars(Vec<crate::model::inbox::Target>),
    Quit,
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
    /// The followed execution ended: the bell and/or a desktop notification.
    Notify(notify::Notification),
    /// Set the terminal title (OSC 0 and 2).
    SetTitle(String),
    /// Write the starred pipelines (`*`) to the stars file, this text.
    SaveStars(String),
    /// Connect anew (`:profile`, `:region`): a `Some` field replaces the
    /// current choice, `None` keeps it. Answered by `Msg::Connected`.
    SwitchConnection {
        profile: Option<String>,
        region: Option<String>,
    },
    /// Put the connection the switch built in place: new workers and push,
    /// the account and pipelines read again.
    UseConnection,
    /// Leave the TUI, run this in the terminal, come back (the loop runs it;
    /// answered by `Msg::RanInTerminal`).
    RunInTerminal(ExternalCommand),
    /// Rebuild a past execution from its action executions (answer: PastExecution).
    FetchPastExecution {
        pipeline: String,
        execution_id: String,
    },
    /// Per-stage medians over recent executions (answer: StageMedians).
    FetchStageMedians {
        pipeline: String,
    },
    /// Fetch the details view's data once (answer: Msg::Details).
    FetchDetails {
        pipeline: String,
        execution_id: String,
        build_id: Option<String>,
    },
    /// Drop history fetches in flight (back to the latest, another pipeline).
    CancelHistory,
    /// The history view opened (list more executions now and while open) or closed.
    HistoryOpen {
        pipeline: String,
        open: bool,
    },
    /// The fleet rows on screen, asked about before the rest.
    FleetVisible(Vec<crate::model::fleet::RowKey>),
    /// A profile logged in again: its fleet rows poll again with new clients.
    FleetResume(String),
}
