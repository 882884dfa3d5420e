//! What one AWS connection shows and what was done on it. A `:profile` or
//! `:region` switch replaces the whole `Session`: nothing of the old account
//! (its pipelines, a push, a past execution, a notice) carries over.

use crate::config::Config;
use crate::model::Notice;
use crate::model::health::Health;
use crate::model::history::HistoryView;
use crate::model::push::PushState;
use crate::model::snapshot::{BuildSnapshot, ExecutionSummary, PipelineSnapshot, PipelineSummary};
use crate::model::terminal::FollowedRun;

/// Where the data comes from, for the header.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Connection {
    pub account: Option<String>,
    pub region: String,
    pub profile: Option<String>,
    pub endpoint: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PipelineList {
    pub items: Vec<PipelineSummary>,
    pub selected: usize,
    /// False until the first ListPipelines answer.
    pub loaded: bool,
    /// Row names last sent as `WatchRows`, to avoid repeating them.
    pub watched: Vec<String>,
}

/// Which build the phase and log panes show.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum BuildSource {
    /// The running (or last) CodeBuild action of the shown execution.
    #[default]
    Auto,
    /// The action chosen with Enter in the stage graph.
    Action { stage: String, action: String },
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BuildView {
    pub source: BuildSource,
    pub id: Option<String>,
    pub snapshot: Option<BuildSnapshot>,
    /// Median seconds per phase over the project's recent successful builds.
    pub medians: Vec<(String, f64)>,
    /// The finished build's test reports, fetched once when it ends.
    pub tests: Option<crate::model::tests_report::TestReport>,
    /// A followed Commands log (`id` is its ARN): its tailer was told the
    /// action ended.
    pub log_ended: bool,
    /// The followed action runs a batch build: its groups, and the one shown.
    pub batch: Option<crate::model::batch::BatchView>,
}

/// Per-connection state.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub connection: Connection,
    /// Mutating keys (and `p`) are off: `--read-only` or a read-only profile.
    pub read_only: bool,
    /// Confirmations ask for the pipeline name (a confirm-by-name profile).
    pub confirm_by_name: bool,
    pub health: Health,
    pub list: PipelineList,
    /// The pipeline shown in the graph.
    pub pipeline: Option<String>,
    pub state: Option<PipelineSnapshot>,
    pub executions: Vec<ExecutionSummary>,
    /// Selected action in the graph: (stage index, action index).
    pub selected: (usize, usize),
    pub build: BuildView,
    /// A one-line problem and its fix, shown above the footer.
    pub notice: Option<Notice>,
    /// A short confirmation on the notice row until the next key (e.g. what `y` copied).
    pub info: Option<String>,
    /// Where a push is after its dialog closed (uploaded, waiting, followed).
    pub push: PushState,
    /// The executions view (`e`) and a past execution shown in the graph.
    pub history: HistoryView,
    /// The run whose end notifies, as last seen.
    pub followed: Option<FollowedRun>,
    /// PARALLEL mode with several executions in progress: one lane each.
    pub lanes: Vec<crate::model::v2::Lane>,
    /// ListRuleExecutions' newest entries, while a stage condition is in
    /// progress or just ended.
    pub rule_runs: Vec<crate::model::conditions::RuleRun>,
    /// The details view (`d`): a popup, or a pane on wide terminals.
    pub details: crate::model::details::DetailsView,
}

impl Session {
    /// A fresh session on `connection`; read-only and confirm-by-name follow its profile.
    pub fn new(config: &Config, connection: Connection, pipeline: Option<String>) -> Self {
        let profile = connection.profile.as_deref();
        Session {
            read_only: config.read_only_for(profile),
            confirm_by_name: config.confirm_by_name_for(profile),
            connection,
            health: Health::default(),
            list: PipelineList::default(),
            pipeline,
            state: None,
            executions: Vec::new(),
            selected: (0, 0),
            build: BuildView::default(),
            notice: None,
            info: None,
            push: PushState::Idle,
            history: HistoryView::default(),
            followed: None,
            lanes: Vec::new(),
            rule_runs: Vec::new(),
            details: Default::default(),
        }
    }
}
