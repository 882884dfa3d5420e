//! The open dialog, if any, with the data only it has: the typed search,
//! the help page, the push dialog, the control confirmation. One enum, so a
//! confirmation mode without a confirmation cannot be written.

use crate::model::control::Confirm;
use crate::model::push::PushDialog;

/// What keys mean right now: the keymap's view of `Modal` (no data).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing a `/` search.
    Search,
    Help,
    /// The pipeline list as a popup (terminals narrower than 120 columns).
    PipelinePopup,
    /// The push dialog: planning, choosing a source, confirming, uploading.
    Push,
    /// Confirming a control action (start, retry, stop, approve, transition).
    Confirm,
    /// Typing a `:` command.
    Command,
    /// The executions list and duration charts (`e`).
    History,
    /// The details popup (`d`) on terminals narrower than 200 columns.
    Details,
    /// The approvals inbox (`A`).
    Inbox,
}

// One per model, never in a collection: a large variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Modal {
    #[default]
    Normal,
    /// The text typed after `/`, before Enter.
    Search(String),
    /// The help page shown (help flows into pages on small screens).
    Help {
        page: usize,
    },
    PipelinePopup,
    Push(PushDialog),
    Confirm(Confirm),
    /// The line itself is `Model::command` (it keeps its history between openings).
    Command,
    /// The selection is the session's `history.selected`.
    History,
    /// The data is the session's `details`.
    Details,
    /// The rows and selection are `Model::inbox` (kept while a confirmation is open).
    Inbox,
}

impl Modal {
    pub fn mode(&self) -> Mode {
        match self {
            Modal::Normal => Mode::Normal,
            Modal::Search(_) => Mode::Search,
            Modal::Help { .. } => Mode::Help,
            Modal::PipelinePopup => Mode::PipelinePopup,
            Modal::Push(_) => Mode::Push,
            Modal::Confirm(_) => Mode::Confirm,
            Modal::Command => Mode::Command,
            Modal::History => Mode::History,
            Modal::Details => Mode::Details,
            Modal::Inbox => Mode::Inbox,
        }
    }

    /// The open control confirmation, if that is the dialog.
    pub fn confirm(&self) -> Option<&Confirm> {
        match self {
            Modal::Confirm(c) => Some(c),
            _ => None,
        }
    }

    /// Dialogs about the connection's data: a switch closes them.
    pub fn is_about_the_connection(&self) -> bool {
        match self {
            // The inbox's targets are the connection's pipelines (its poller
            // goes with the connection's workers).
            Modal::Push(_) | Modal::Confirm(_) | Modal::History | Modal::Inbox | Modal::Details => true,
            Modal::Normal | Modal::Search(_) | Modal::Help { .. } | Modal::PipelinePopup | Modal::Command => false,
        }
    }
}
