//! The app's model: plain data that `update` changes and `ui` renders.

pub mod alerts;
pub mod batch;
pub mod command;
pub mod compute;
pub mod conditions;
pub mod control;
pub mod details;
pub mod fleet;
/// Sample fleets for tests, snapshots and the benchmarks.
pub mod fleet_samples;
#[cfg(test)]
mod fleet_tests;
pub mod health;
pub mod history;
pub mod history_samples;
pub mod inbox;
pub mod logs;
mod modal;
pub mod push;
pub mod rollback;
pub mod samples;
pub mod selection;
mod session;
pub mod snapshot;
pub mod start;
pub mod terminal;
pub mod tests_report;
pub mod v2;

use chrono::{DateTime, Utc};
use strum::IntoEnumIterator;

use crate::config::Config;
use logs::LogView;
pub use modal::{Modal, Mode};
pub use session::{BuildSource, BuildView, Connection, PipelineList, Session};
use snapshot::{ExecutionSummary, Time};

/// The panes that can hold focus, in Tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum Pane {
    List,
    Graph,
    Phases,
    Log,
}

#[derive(Clone, Debug)]
pub struct Model {
    pub config: Config,
    /// Wall-clock time, set by the loop before each update (update stays pure).
    pub now: Time,
    pub size: (u16, u16),
    pub focus: Pane,
    pub zoom: bool,
    /// The open dialog (or none): what keys mean now.
    pub modal: Modal,
    pub terminal_focused: bool,
    /// Everything of the current connection; a switch replaces it.
    pub session: Session,
    pub logs: LogView,
    /// The minute (Unix minutes) last drawn, for once-a-minute ages.
    pub drawn_minute: i64,
    /// Something changed since the last frame.
    pub dirty: bool,
    pub quit: bool,
    /// The terminal title last written, so it is written only when it changes.
    pub title: Option<String>,
    /// The `:` line being typed, and its history.
    pub command: command::CommandLine,
    /// Profiles in the AWS config files, for `:profile`.
    pub profiles: Vec<String>,
    /// `--sandbox`: one fixed connection, no profiles, no login.
    pub sandbox: bool,
    /// A `:profile`/`:region` switch under way: what it switches to.
    pub switching: Option<String>,
    /// `--fleet NAME`: the fleet list and its rows.
    pub fleet: Option<fleet::Fleet>,
    /// The approvals inbox (`A`): across connections, so not in `Session`.
    pub inbox: inbox::Inbox,
    /// Starred pipelines and the approvals seen, for notifications.
    pub alerts: alerts::Alerts,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub api: String,
    pub text: String,
}

impl Model {
    pub fn new(config: Config, connection: Connection, pipeline: Option<String>, now: DateTime<Utc>) -> Self {
        Model {
            logs: LogView::new(config.log_capacity),
            session: Session::new(&config, connection, pipeline),
            config,
            now,
            size: (80, 24),
            focus: Pane::Graph,
            zoom: false,
            modal: Modal::Normal,
            terminal_focused: true,
            drawn_minute: now.timestamp() / 60,
            dirty: true,
            quit: false,
            title: None,
            command: command::CommandLine::default(),
            profiles: Vec::new(),
            sandbox: false,
            switching: None,
            fleet: None,
            inbox: inbox::Inbox::default(),
            alerts: alerts::Alerts::default(),
        }
    }

    /// What keys mean now.
    pub fn mode(&self) -> Mode {
        self.modal.mode()
    }

    /// Shows `text` on the notice line, owned by `source` (an API or a feature
    /// such as "push"), which alone clears it.
    pub fn set_notice(&mut self, source: &str, text: String) {
        self.session.notice = Some(Notice { api: source.to_string(), text });
        self.dirty = true;
    }

    /// Clears the notice if `source` set it.
    pub fn clear_notice_from(&mut self, source: &str) {
        if self.session.notice.as_ref().is_some_and(|n| n.api == source) {
            self.session.notice = None;
            self.dirty = true;
        }
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
        Pane::iter()
            .filter(|pane| match pane {
                // Narrow screens show the list as a popup (`o`), not a pane.
                Pane::List => self.list_is_pane() || self.single_pane(),
                Pane::Graph | Pane::Phases | Pane::Log => true,
            })
            .collect()
    }

    /// The execution shown: the newest listed, else the one the first stage shows.
    /// The execution the live state shows, even while a past one is viewed:
    /// what notifications and the title follow.
    pub fn live_execution(&self) -> Option<&ExecutionSummary> {
        let s = &self.session;
        let state = if s.history.past.is_some() { s.history.live.as_ref() } else { s.state.as_ref() };
        let id = state.and_then(|s| s.stages.first()?.latest_execution.as_ref().map(|(id, _)| id));
        id.and_then(|id| s.executions.iter().find(|e| &e.id == id)).or(s.executions.first())
    }

    pub fn shown_execution(&self) -> Option<&ExecutionSummary> {
        let s = &self.session;
        let stages = &s.state.as_ref()?.stages;
        let mut id = stages.first()?.latest_execution.as_ref().map(|(id, _)| id);
        if s.history.past.is_none() {
            // The run the user follows: the one a push started, else the one
            // whose build the panes show (in QUEUED or PARALLEL mode stages
            // hold different runs, and the first stage holds the newest).
            if let Some(followed) = s.push.followed().and_then(|f| s.executions.iter().find(|e| e.id == f)) {
                return Some(followed);
            }
            let watched = selection::wanted_build(self).and_then(|build| {
                stages.iter().find(|st| st.actions.iter().any(|a| a.external_id.as_deref() == Some(build.as_str())))
            });
            id = watched.and_then(|st| st.latest_execution.as_ref()).map(|(id, _)| id).or(id);
        }
        match id {
            // A past execution is never passed off as the newest.
            Some(id) if s.history.past.is_some() => s.executions.iter().find(|e| &e.id == id),
            Some(id) => s.executions.iter().find(|e| &e.id == id).or(s.executions.first()),
            None => s.executions.first(),
        }
    }
}
