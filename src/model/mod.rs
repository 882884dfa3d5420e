//! The app's model: plain data that `update` changes and `ui` renders.

pub mod command;
pub mod control;
pub mod health;
pub mod history;
pub mod history_samples;
pub mod logs;
pub mod push;
pub mod samples;
pub mod selection;
pub mod snapshot;
pub mod terminal;

use chrono::{DateTime, Utc};

use crate::config::Config;
use health::Health;
use logs::LogView;
use snapshot::{BuildSnapshot, ExecutionSummary, PipelineSnapshot, PipelineSummary, Time};

/// The panes that can hold focus, in Tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    List,
    Graph,
    Phases,
    Log,
}

/// What keys mean right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing a `/` search.
    Search,
    Help,
    /// The pipeline list as a popup (terminals narrower than 120 columns).
    PipelinePopup,
    /// The push modal: planning, choosing a source, confirming, uploading.
    Push,
    /// Confirming a control action (start, retry, stop, approve, transition).
    Confirm,
    /// Typing a `:` command.
    Command,
    /// The executions list and duration charts (`e`).
    History,
}

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
}

#[derive(Clone, Debug)]
pub struct Model {
    pub config: Config,
    /// Wall-clock time, set by the loop before each update (update stays pure).
    pub now: Time,
    pub size: (u16, u16),
    pub focus: Pane,
    pub zoom: bool,
    pub mode: Mode,
    pub terminal_focused: bool,
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
    pub logs: LogView,
    /// A one-line problem and its fix, shown above the footer.
    pub notice: Option<Notice>,
    /// The push (`p`) and what it started.
    pub push: push::PushState,
    /// The help page shown (help flows into pages on small screens).
    pub help_page: usize,
    /// The open control confirmation (Mode::Confirm).
    pub confirm: Option<control::Confirm>,
    /// The minute (Unix minutes) last drawn, for once-a-minute ages.
    pub drawn_minute: i64,
    /// Something changed since the last frame.
    pub dirty: bool,
    pub quit: bool,
    /// A short confirmation on the notice row until the next key (e.g. what `y` copied).
    pub info: Option<String>,
    /// The terminal title and the followed run, for notifications when it ends.
    pub terminal: terminal::TerminalState,
    /// The `:` line being typed, and its history.
    pub command: command::CommandLine,
    /// Profiles in the AWS config files, for `:profile`.
    pub profiles: Vec<String>,
    /// `--sandbox`: one fixed connection, no profiles, no login.
    pub sandbox: bool,
    /// A `:profile`/`:region` switch under way: what it switches to.
    pub switching: Option<String>,
    /// The executions view (`e`) and a past execution shown in the graph.
    pub history: history::HistoryView,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub api: String,
    pub text: String,
}

impl Model {
    pub fn new(config: Config, connection: Connection, pipeline: Option<String>, now: DateTime<Utc>) -> Self {
        let logs = LogView::new(config.log_capacity);
        let profile = connection.profile.clone();
        let mut m = Model {
            config,
            now,
            size: (80, 24),
            focus: Pane::Graph,
            zoom: false,
            mode: Mode::Normal,
            terminal_focused: true,
            connection,
            read_only: false,
            confirm_by_name: false,
            health: Health::default(),
            list: PipelineList::default(),
            pipeline,
            state: None,
            executions: Vec::new(),
            selected: (0, 0),
            build: BuildView::default(),
            logs,
            notice: None,
            push: push::PushState::Idle,
            help_page: 0,
            confirm: None,
            drawn_minute: now.timestamp() / 60,
            dirty: true,
            quit: false,
            info: None,
            terminal: terminal::TerminalState::default(),
            command: command::CommandLine::default(),
            profiles: Vec::new(),
            sandbox: false,
            switching: None,
            history: history::HistoryView::default(),
        };
        m.apply_profile_rules(profile.as_deref());
        m
    }

    /// Shows `text` on the notice line, owned by `source` (an API or a feature
    /// such as "push"), which alone clears it.
    pub fn set_notice(&mut self, source: &str, text: String) {
        self.notice = Some(Notice { api: source.to_string(), text });
        self.dirty = true;
    }

    /// Clears the notice if `source` set it.
    pub fn clear_notice_from(&mut self, source: &str) {
        if self.notice.as_ref().is_some_and(|n| n.api == source) {
            self.notice = None;
            self.dirty = true;
        }
    }

    /// Read-only and confirm-by-name follow the profile (again after a switch).
    pub fn apply_profile_rules(&mut self, profile: Option<&str>) {
        self.read_only = self.config.read_only_for(profile);
        self.confirm_by_name = self.config.confirm_by_name_for(profile);
    }

    /// The list is a pane only on wide terminals; otherwise a popup.
    pub fn list_is_pane(&self) -> bool {
        self.size.0 >= 120 && !self.single_pane()
    }

    /// Small terminals show one pane at a time.
    pub fn single_pane(&self) -> bool {
        self.size.0 < 60 || self.size.1 < 16
    }

    /// Panes Tab cycles through, in order.
    pub fn focusable(&self) -> Vec<Pane> {
        let mut panes = Vec::with_capacity(4);
        if self.list_is_pane() || self.single_pane() {
            panes.push(Pane::List);
        }
        panes.extend([Pane::Graph, Pane::Phases, Pane::Log]);
        panes
    }

    /// The execution shown: the newest listed, else the one the first stage shows.
    /// The execution the live state shows, even while a past one is viewed:
    /// what notifications and the title follow.
    pub fn live_execution(&self) -> Option<&ExecutionSummary> {
        let state = if self.history.past.is_some() { self.history.live.as_ref() } else { self.state.as_ref() };
        let id = state.and_then(|s| s.stages.first()?.latest_execution.as_ref().map(|(id, _)| id));
        id.and_then(|id| self.executions.iter().find(|e| &e.id == id)).or(self.executions.first())
    }

    pub fn shown_execution(&self) -> Option<&ExecutionSummary> {
        let id = self.state.as_ref()?.stages.first()?.latest_execution.as_ref().map(|(id, _)| id);
        match id {
            // A past execution is never passed off as the newest.
            Some(id) if self.history.past.is_some() => self.executions.iter().find(|e| &e.id == id),
            Some(id) => self.executions.iter().find(|e| &e.id == id).or(self.executions.first()),
            None => self.executions.first(),
        }
    }
}
