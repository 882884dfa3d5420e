//! The default bindings: every key, where it applies, what the footer and
//! help call it. Most specific first: pane and mode bindings win.

use crossterm::event::{KeyCode, KeyModifiers};

use super::{Action, Binding, Scope};
use crate::model::{Mode, Pane};

pub(super) const NONE: KeyModifiers = KeyModifiers::NONE;
pub(super) const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
pub(super) const CTRL: KeyModifiers = KeyModifiers::CONTROL;

const fn ch(c: char) -> (KeyCode, KeyModifiers) {
    (KeyCode::Char(c), NONE)
}

macro_rules! bind {
    ($label:expr, [$($key:expr),+], $action:ident, $desc:expr, $scope:expr, $footer:expr) => {
        Binding { keys: &[$($key),+], label: $label, action: Action::$action, description: $desc, scope: $scope, footer: $footer }
    };
}

pub(super) const LOG: Scope = Scope::Pane(Pane::Log);
pub(super) const GRAPH: Scope = Scope::Pane(Pane::Graph);
pub(super) const LIST: Scope = Scope::Pane(Pane::List);
pub(super) const PHASES: Scope = Scope::Pane(Pane::Phases);
pub(super) const POPUP: Scope = Scope::Mode(Mode::PipelinePopup);
pub(super) const SEARCH: Scope = Scope::Mode(Mode::Search);
pub(super) const HELP: Scope = Scope::Mode(Mode::Help);
pub(super) const PUSH: Scope = Scope::Mode(Mode::Push);
pub(super) const CONFIRM: Scope = Scope::Mode(Mode::Confirm);
pub(super) const COMMAND: Scope = Scope::Mode(Mode::Command);
pub(super) const HISTORY: Scope = Scope::Mode(Mode::History);
pub(super) const DETAILS: Scope = Scope::Mode(Mode::Details);
pub(super) const INBOX: Scope = Scope::Mode(Mode::Inbox);

/// The default bindings, most specific first (pane and mode bindings win).
pub static BINDINGS: &[Binding] = &[
    bind!("Enter", [(KeyCode::Enter, NONE)], SearchConfirm, "search", SEARCH, Some("search")),
    bind!("Esc", [(KeyCode::Esc, NONE)], Close, "cancel", SEARCH, Some("cancel")),
    bind!("Bksp", [(KeyCode::Backspace, NONE)], SearchBackspace, "delete", SEARCH, None),
    bind!("Esc/?/q", [(KeyCode::Esc, NONE), ch('?'), ch('q')], Close, "close help", HELP, Some("close help")),
    bind!(
        "j/k",
        [ch('j'), (KeyCode::Down, NONE), ch('l'), (KeyCode::Right, NONE), (KeyCode::PageDown, NONE), ch(' ')],
        Down,
        "next page",
        HELP,
        Some("page")
    ),
    bind!(
        "k",
        [ch('k'), (KeyCode::Up, NONE), ch('h'), (KeyCode::Left, NONE), (KeyCode::PageUp, NONE)],
        Up,
        "previous page",
        HELP,
        None
    ),
    bind!("j/k", [ch('j'), (KeyCode::Down, NONE)], Down, "down", POPUP, Some("move")),
    bind!("k", [ch('k'), (KeyCode::Up, NONE)], Up, "up", POPUP, None),
    bind!("Enter", [(KeyCode::Enter, NONE)], Select, "show pipeline", POPUP, Some("show pipeline")),
    bind!("*", [ch('*'), (KeyCode::Char('*'), SHIFT)], Star, "star: notify its approvals", POPUP, Some("star")),
    bind!("Esc", [(KeyCode::Esc, NONE), ch('o'), ch('q')], Close, "close", POPUP, Some("close")),
    bind!("Enter", [(KeyCode::Enter, NONE)], Select, "push (or pick the source)", PUSH, Some("push")),
    bind!("Esc", [(KeyCode::Esc, NONE), ch('q')], Close, "cancel (removes the package)", PUSH, Some("cancel")),
    bind!("j/k", [ch('j'), (KeyCode::Down, NONE)], Down, "next source", PUSH, None),
    bind!("k", [ch('k'), (KeyCode::Up, NONE)], Up, "previous source", PUSH, None),
    bind!("Enter", [(KeyCode::Enter, NONE)], Select, "confirm", CONFIRM, Some("confirm")),
    bind!("Esc", [(KeyCode::Esc, NONE)], Close, "cancel", CONFIRM, Some("cancel")),
    bind!("←/→", [(KeyCode::Left, NONE)], Left, "choose", CONFIRM, Some("choose")),
    bind!("→", [(KeyCode::Right, NONE)], Right, "choose", CONFIRM, None),
    bind!(
        "Tab",
        [(KeyCode::Tab, NONE), (KeyCode::BackTab, NONE), (KeyCode::BackTab, SHIFT)],
        FocusNext,
        "next field",
        CONFIRM,
        Some("field")
    ),
    bind!("Bksp", [(KeyCode::Backspace, NONE)], SearchBackspace, "delete", CONFIRM, None),
    bind!("f", [ch('f')], Follow, "follow new lines", LOG, Some("follow")),
    bind!("/", [ch('/')], Search, "search", LOG, Some("search")),
    bind!("n", [ch('n')], NextMatch, "next match (older)", LOG, Some("next")),
    bind!("N", [ch('N'), (KeyCode::Char('N'), SHIFT)], PrevMatch, "previous match (newer)", LOG, Some("prev")),
    bind!("w", [ch('w')], Wrap, "wrap long lines", LOG, Some("wrap")),
    bind!("t", [ch('t')], Timestamps, "timestamps", LOG, Some("time")),
    bind!("G", [ch('G'), (KeyCode::Char('G'), SHIFT), (KeyCode::End, NONE)], Bottom, "bottom, follow", LOG, None),
    bind!("h/l", [ch('h'), (KeyCode::Left, NONE)], Left, "previous stage", GRAPH, Some("stage")),
    bind!("l", [ch('l'), (KeyCode::Right, NONE)], Right, "next stage", GRAPH, None),
    bind!("Enter", [(KeyCode::Enter, NONE)], Select, "its build (again: auto)", GRAPH, Some("show build")),
    bind!("Enter", [(KeyCode::Enter, NONE)], Select, "show pipeline", LIST, Some("show pipeline")),
    bind!("j/k", [ch('j'), (KeyCode::Down, NONE)], Down, "next build group (batch)", PHASES, Some("group")),
    bind!("k", [ch('k'), (KeyCode::Up, NONE)], Up, "previous build group", PHASES, None),
    bind!("Enter", [(KeyCode::Enter, NONE)], Select, "show group (again: auto)", PHASES, Some("show group")),
    bind!("*", [ch('*'), (KeyCode::Char('*'), SHIFT)], Star, "star: notify its approvals", LIST, Some("star")),
    bind!("q", [ch('q'), (KeyCode::Char('c'), CTRL)], Quit, "quit", Scope::Global, Some("quit")),
    bind!("?", [ch('?')], Help, "help", Scope::Global, Some("help")),
    bind!("Tab", [(KeyCode::Tab, NONE)], FocusNext, "next pane", Scope::Global, Some("pane")),
    bind!(
        "S-Tab",
        [(KeyCode::BackTab, NONE), (KeyCode::BackTab, SHIFT)],
        FocusPrev,
        "previous pane",
        Scope::Global,
        None
    ),
    bind!("j/k", [ch('j'), (KeyCode::Down, NONE)], Down, "move down", Scope::Global, Some("move")),
    bind!("k", [ch('k'), (KeyCode::Up, NONE)], Up, "move up", Scope::Global, None),
    bind!("PgUp", [(KeyCode::PageUp, NONE), (KeyCode::Char('b'), CTRL)], PageUp, "page up", Scope::Global, None),
    bind!("PgDn", [(KeyCode::PageDown, NONE), (KeyCode::Char('f'), CTRL)], PageDown, "page down", Scope::Global, None),
    bind!("g", [ch('g'), (KeyCode::Home, NONE)], Top, "top", Scope::Global, None),
    bind!("G", [ch('G'), (KeyCode::Char('G'), SHIFT), (KeyCode::End, NONE)], Bottom, "bottom", Scope::Global, None),
    bind!("z", [ch('z')], Zoom, "zoom pane", Scope::Global, Some("zoom")),
    bind!("o", [ch('o')], PipelineList, "pipelines", Scope::Global, Some("pipelines")),
    bind!("p", [ch('p')], Push, "push the workspace", Scope::Global, Some("push")),
    bind!("s", [ch('s')], StartPushedRun, "start run (after a push)", Scope::PushOffer, Some("start run")),
    bind!("s", [ch('s')], Start, "start (release change)", Scope::Global, Some("start")),
    bind!("r", [ch('r')], Retry, "retry failed actions", Scope::Global, Some("retry")),
    bind!("R", [ch('R'), (KeyCode::Char('R'), SHIFT)], RetryAll, "retry all actions", Scope::Global, None),
    bind!("x", [ch('x')], Stop, "stop / abandon the run", Scope::Global, Some("stop")),
    bind!("a", [ch('a')], Approve, "approve / reject", Scope::Global, Some("approve")),
    bind!("T", [ch('T'), (KeyCode::Char('T'), SHIFT)], Transition, "toggle transition in", Scope::Global, None),
    bind!("y", [ch('y')], CopyId, "copy id to clipboard", Scope::Global, None),
    bind!("Y", [ch('Y'), (KeyCode::Char('Y'), SHIFT)], CopyUrl, "copy console URL", Scope::Global, None),
    bind!("y", [ch('y')], CopyId, "copy the pipeline name", POPUP, None),
    bind!("Y", [ch('Y'), (KeyCode::Char('Y'), SHIFT)], CopyUrl, "copy the pipeline URL", POPUP, None),
    bind!(":", [ch(':'), (KeyCode::Char(':'), SHIFT)], CommandLine, "command line (Tab lists)", Scope::Global, None),
    bind!("L", [ch('L'), (KeyCode::Char('L'), SHIFT)], SsoLogin, "aws sso login (pauses)", Scope::Global, None),
    bind!("Enter", [(KeyCode::Enter, NONE)], RunCommand, "run the command", COMMAND, Some("run")),
    bind!("Tab", [(KeyCode::Tab, NONE)], Complete, "complete (again: next)", COMMAND, Some("complete")),
    bind!(
        "S-Tab",
        [(KeyCode::BackTab, NONE), (KeyCode::BackTab, SHIFT)],
        CompletePrev,
        "previous completion",
        COMMAND,
        None
    ),
    bind!("Up", [(KeyCode::Up, NONE)], Up, "older command", COMMAND, None),
    bind!("Down", [(KeyCode::Down, NONE)], Down, "newer command", COMMAND, None),
    bind!("Bksp", [(KeyCode::Backspace, NONE)], CommandBackspace, "delete", COMMAND, None),
    bind!("Esc", [(KeyCode::Esc, NONE)], Close, "cancel", COMMAND, Some("cancel")),
    bind!("e", [ch('e')], History, "executions history", Scope::Global, Some("history")),
    bind!("d", [ch('d')], Details, "run details and tests", Scope::Global, None),
    bind!("j/k", [ch('j'), (KeyCode::Down, NONE)], Down, "scroll down", DETAILS, Some("scroll")),
    bind!("k", [ch('k'), (KeyCode::Up, NONE)], Up, "scroll up", DETAILS, None),
    bind!("Esc", [(KeyCode::Esc, NONE), ch('d'), ch('q')], Close, "close", DETAILS, Some("close")),
    bind!(
        "E",
        [ch('E'), (KeyCode::Char('E'), SHIFT)],
        LatestExecution,
        "back to the latest run",
        Scope::PastShown,
        Some("latest")
    ),
    bind!("j/k", [ch('j'), (KeyCode::Down, NONE)], Down, "older", HISTORY, Some("move")),
    bind!("k", [ch('k'), (KeyCode::Up, NONE)], Up, "newer", HISTORY, None),
    bind!("g", [ch('g'), (KeyCode::Home, NONE)], Top, "newest", HISTORY, None),
    bind!("G", [ch('G'), (KeyCode::Char('G'), SHIFT), (KeyCode::End, NONE)], Bottom, "oldest", HISTORY, None),
    bind!("Enter", [(KeyCode::Enter, NONE)], Select, "show execution (newest: latest)", HISTORY, Some("show")),
    bind!("Esc", [(KeyCode::Esc, NONE), ch('e'), ch('q')], Close, "close", HISTORY, Some("close")),
    bind!("A", [ch('A'), (KeyCode::Char('A'), SHIFT)], Inbox, "approvals inbox", Scope::Global, None),
    bind!("F", [ch('F'), (KeyCode::Char('F'), SHIFT)], Fleet, "back to the fleet list", Scope::Global, None),
    bind!("j/k", [ch('j'), (KeyCode::Down, NONE)], Down, "next approval", INBOX, Some("move")),
    bind!("k", [ch('k'), (KeyCode::Up, NONE)], Up, "previous approval", INBOX, None),
    bind!("Enter", [(KeyCode::Enter, NONE), ch('a')], Approve, "approve / reject", INBOX, Some("approve/reject")),
    bind!(
        "Esc",
        [(KeyCode::Esc, NONE), ch('A'), (KeyCode::Char('A'), SHIFT), ch('q')],
        Close,
        "close",
        INBOX,
        Some("close")
    ),
];

/// Keys kept free for features still to come (none now).
pub static RESERVED: &[(char, &str)] = &[];
