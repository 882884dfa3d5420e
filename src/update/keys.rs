//! Keys: the keymap turns a key into an Action; this dispatches it on the
//! mode first, then on the action. The matches are exhaustive: a new mode or
//! a new action does not compile until it has its place here.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::panes::{self, Move};
use super::{Effect, alerts, command, control, copy, history, inbox, push};
use crate::keymap::{self, Action};
use crate::layout;
use crate::model::logs::Query;
use crate::model::push::PushState;
use crate::model::{Modal, Mode, Model, Pane};

pub(super) fn on_key(m: &mut Model, key: KeyEvent, fx: &mut Vec<Effect>) {
    // Key releases and repeats from enhanced keyboards are not commands.
    if key.kind == KeyEventKind::Release {
        return;
    }
    // Ctrl-C quits from anywhere, whatever the keymap says.
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        m.quit = true;
        return;
    }
    // Where text is typed, a printable key is text, even if a [keys]
    // override binds it: a summary's "l" must not flip approve to reject.
    if let KeyCode::Char(c) = key.code
        && !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        && type_char(m, c)
    {
        m.dirty = true;
        return;
    }
    let cx = keymap::Context {
        mode: m.mode(),
        focus: m.focus,
        start_offered: matches!(m.session.push, PushState::NoExecution { .. }),
        past_shown: m.session.history.past.is_some(),
    };
    if let Some(action) = m.config.keymap.lookup_in(cx, &key) {
        m.dirty = true;
        dispatch(m, action, fx);
    }
}

/// A printable character where text is typed; false where it is a key.
fn type_char(m: &mut Model, c: char) -> bool {
    match &mut m.modal {
        Modal::Confirm(_) => control::type_text(m, &c.to_string()),
        Modal::Search(input) => input.push(c),
        Modal::Command => m.command.type_char(c),
        Modal::Normal
        | Modal::Help { .. }
        | Modal::PipelinePopup
        | Modal::Push(_)
        | Modal::History
        | Modal::Inbox
        | Modal::Details => return false,
    }
    true
}

/// Applies `action` in the current mode; false when the mode has no such
/// key (the keymap never sends it there: a test holds every binding to it).
pub(super) fn dispatch(m: &mut Model, action: Action, fx: &mut Vec<Effect>) -> bool {
    match m.mode() {
        Mode::Normal => normal(m, action, fx),
        Mode::Search => search(m, action, fx),
        Mode::Help => help(m, action, fx),
        Mode::PipelinePopup => popup(m, action, fx),
        Mode::Push => push::dialog_action(m, action, fx),
        Mode::Confirm => control::dialog_action(m, action, fx),
        Mode::Command => command::action(m, action, fx),
        Mode::History => history::dialog_action(m, action, fx),
        Mode::Details => super::details::dialog_action(m, action, fx),
        Mode::Inbox => inbox::dialog_action(m, action, fx),
    }
}

/// Normal mode: every action is listed; the dialogs' own come last.
fn normal(m: &mut Model, action: Action, fx: &mut Vec<Effect>) -> bool {
    if action.is_mutating() && m.session.read_only {
        control::read_only(m);
        return true;
    }
    match action {
        Action::Start | Action::Retry | Action::RetryAll | Action::Stop | Action::Approve | Action::Transition => {
            control::open(m, action)
        }
        Action::Push => push::start(m, fx),
        Action::StartPushedRun => push::start_run(m, fx),
        Action::CommandLine => command::open(m),
        Action::SsoLogin => command::login(m, fx),
        Action::History => history::open(m, fx),
        Action::Details => super::details::toggle(m, fx),
        Action::Inbox => inbox::open(m, fx),
        Action::Fleet => super::fleet::back(m, fx),
        Action::Star => alerts::star(m, fx),
        Action::LatestExecution => history::show_latest(m, fx),
        Action::Quit => m.quit = true,
        Action::Help => m.modal = Modal::Help { page: 0 },
        Action::FocusNext => panes::cycle_focus(m, 1),
        Action::FocusPrev => panes::cycle_focus(m, -1),
        Action::Zoom => m.zoom = !m.zoom,
        Action::PipelineList if m.list_is_pane() => m.focus = Pane::List,
        Action::PipelineList => {
            m.modal = Modal::PipelinePopup;
            panes::watch_visible_rows(m, fx);
        }
        Action::Search => m.modal = Modal::Search(String::new()),
        Action::NextMatch => panes::next_match(m, true),
        Action::PrevMatch => panes::next_match(m, false),
        Action::Follow => m.logs.resume_follow(),
        Action::Wrap => m.logs.wrap = !m.logs.wrap,
        Action::Timestamps => m.logs.timestamps = !m.logs.timestamps,
        Action::CopyId => copy::copy(m, false, fx),
        Action::CopyUrl => copy::copy(m, true, fx),
        Action::Up => panes::move_in_focus(m, Move::Up, fx),
        Action::Down => panes::move_in_focus(m, Move::Down, fx),
        Action::Left => panes::move_in_focus(m, Move::Left, fx),
        Action::Right => panes::move_in_focus(m, Move::Right, fx),
        Action::PageUp => panes::move_in_focus(m, Move::PageUp, fx),
        Action::PageDown => panes::move_in_focus(m, Move::PageDown, fx),
        Action::Top => panes::move_in_focus(m, Move::Top, fx),
        Action::Bottom => panes::move_in_focus(m, Move::Bottom, fx),
        Action::Select => panes::move_in_focus(m, Move::Select, fx),
        Action::Close
        | Action::SearchConfirm
        | Action::SearchBackspace
        | Action::RunCommand
        | Action::Complete
        | Action::CompletePrev
        | Action::CommandBackspace => return false,
    }
    true
}

/// Closes a dialog that leaves nothing behind (search, help, the list popup).
fn close(m: &mut Model, fx: &mut Vec<Effect>) {
    m.modal = Modal::Normal;
    panes::watch_visible_rows(m, fx);
}

/// Typing a `/` search (the characters themselves are typed in `type_char`).
fn search(m: &mut Model, action: Action, fx: &mut Vec<Effect>) -> bool {
    let Modal::Search(input) = &mut m.modal else { return false };
    match action {
        Action::SearchBackspace => {
            input.pop();
        }
        Action::SearchConfirm => {
            let input = std::mem::take(input);
            m.modal = Modal::Normal;
            confirm_search(m, &input);
        }
        Action::Close => close(m, fx),
        _ => return false,
    }
    true
}

fn confirm_search(m: &mut Model, input: &str) {
    if input.is_empty() {
        m.logs.search = None;
        m.logs.current_match = None;
        return;
    }
    let query = Query::new(input);
    let from = m.logs.bottom_line().unwrap_or(0);
    m.logs.current_match = m.logs.buffer.find_back(from, &query);
    if let Some(seq) = m.logs.current_match {
        m.logs.jump_to(seq);
    }
    m.logs.search = Some(query);
}

/// The help's pages.
fn help(m: &mut Model, action: Action, fx: &mut Vec<Effect>) -> bool {
    let last = layout::help::help_pages(m).saturating_sub(1);
    let Modal::Help { page } = &mut m.modal else { return false };
    match action {
        Action::Down => *page = (*page + 1).min(last),
        Action::Up => *page = page.saturating_sub(1),
        Action::Close => close(m, fx),
        _ => return false,
    }
    true
}

/// The pipeline list as a popup (narrow terminals).
fn popup(m: &mut Model, action: Action, fx: &mut Vec<Effect>) -> bool {
    let moved = match action {
        Action::Up => Move::Up,
        Action::Down => Move::Down,
        Action::Select => Move::Select,
        Action::CopyId | Action::CopyUrl => {
            copy::copy(m, action == Action::CopyUrl, fx);
            return true;
        }
        Action::Star => {
            alerts::star(m, fx);
            return true;
        }
        Action::Close => {
            close(m, fx);
            return true;
        }
        _ => return false,
    };
    panes::list_action(m, moved, fx);
    true
}
