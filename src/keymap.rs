//! (mode, focused pane, key) -> Action. Every binding carries a description;
//! the footer and the `?` help are generated from this table.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::model::{Mode, Pane};

// Keymap overrides from the config file
mod custom;
pub use custom::{KeyPress, Keymap, key_spec, parse_key};

/// What a key means to the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    FocusNext,
    FocusPrev,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Select,
    Follow,
    Search,
    NextMatch,
    PrevMatch,
    Wrap,
    Timestamps,
    Zoom,
    PipelineList,
    Close,
    SearchConfirm,
    SearchBackspace,
    /// Pack the workspace and open the push confirmation.
    Push,
    /// Start the run a push could not see start (pinned to its version).
    StartPushedRun,
    // control
    /// StartPipelineExecution (release change).
    Start,
    /// RetryStageExecution, FAILED_ACTIONS, on the selected stage.
    Retry,
    /// RetryStageExecution, ALL_ACTIONS.
    RetryAll,
    /// StopPipelineExecution (stop and wait, or abandon).
    Stop,
    /// PutApprovalResult on the waiting approval.
    Approve,
    /// Enable or disable the selected stage's inbound transition.
    Transition,
    // copy
    /// `y`: copy the id of what the pane points at (OSC 52).
    CopyId,
    /// `Y`: copy its console URL.
    CopyUrl,
    // command line
    /// Open the `:` command line.
    CommandLine,
    /// Suspend the TUI and run `aws sso login`.
    SsoLogin,
    /// Run the typed command.
    RunCommand,
    /// Complete the word (again: the next candidate).
    Complete,
    /// The previous completion candidate.
    CompletePrev,
    CommandBackspace,
    // history
    /// Open the executions history.
    History,
    /// Stop showing a past execution; follow the latest again.
    LatestExecution,
}

impl Action {
    /// Actions that send a mutating request: off in read-only mode.
    pub fn is_mutating(self) -> bool {
        matches!(
            self,
            Action::Push
                | Action::StartPushedRun
                | Action::Start
                | Action::Retry
                | Action::RetryAll
                | Action::Stop
                | Action::Approve
                | Action::Transition
        )
    }
}

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Normal mode, any pane.
    Global,
    /// Normal mode, this pane focused.
    Pane(Pane),
    Mode(Mode),
    /// Normal mode, only after a push no run picked up.
    PushOffer,
    // history
    /// Normal mode, while a past execution is shown in the graph.
    PastShown,
}

/// What decides which bindings apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Context {
    pub mode: Mode,
    pub focus: Pane,
    /// A push found no run: `s` starts one.
    pub start_offered: bool,
    // history
    /// A past execution is shown: `E` goes back to the latest.
    pub past_shown: bool,
}

impl Context {
    pub fn new(mode: Mode, focus: Pane) -> Self {
        Self { mode, focus, start_offered: false, past_shown: false }
    }
}

pub struct Binding {
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How the keys are written in the footer and help.
    pub label: &'static str,
    pub action: Action,
    pub description: &'static str,
    pub scope: Scope,
    /// Short text for the footer; `None` shows the binding only in help.
    pub footer: Option<&'static str>,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

const fn ch(c: char) -> (KeyCode, KeyModifiers) {
    (KeyCode::Char(c), NONE)
}

macro_rules! bind {
    ($label:expr, [$($key:expr),+], $action:ident, $desc:expr, $scope:expr, $footer:expr) => {
        Binding { keys: &[$($key),+], label: $label, action: Action::$action, description: $desc, scope: $scope, footer: $footer }
    };
}

const LOG: Scope = Scope::Pane(Pane::Log);
const GRAPH: Scope = Scope::Pane(Pane::Graph);
const LIST: Scope = Scope::Pane(Pane::List);
const POPUP: Scope = Scope::Mode(Mode::PipelinePopup);
const SEARCH: Scope = Scope::Mode(Mode::Search);
const HELP: Scope = Scope::Mode(Mode::Help);
const PUSH: Scope = Scope::Mode(Mode::Push);
const CONFIRM: Scope = Scope::Mode(Mode::Confirm);
const COMMAND: Scope = Scope::Mode(Mode::Command);
const HISTORY: Scope = Scope::Mode(Mode::History);

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
    // copy
    bind!("y", [ch('y')], CopyId, "copy id to clipboard", Scope::Global, None),
    bind!("Y", [ch('Y'), (KeyCode::Char('Y'), SHIFT)], CopyUrl, "copy console URL", Scope::Global, None),
    bind!("y", [ch('y')], CopyId, "copy the pipeline name", POPUP, None),
    bind!("Y", [ch('Y'), (KeyCode::Char('Y'), SHIFT)], CopyUrl, "copy the pipeline URL", POPUP, None),
    // command line
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
    // history
    bind!("e", [ch('e')], History, "executions history", Scope::Global, Some("history")),
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
];

/// Keys kept free for features still to come (none now).
pub static RESERVED: &[(char, &str)] = &[];

fn applies(scope: Scope, cx: Context) -> bool {
    match scope {
        Scope::Global => cx.mode == Mode::Normal,
        Scope::Pane(p) => cx.mode == Mode::Normal && p == cx.focus,
        Scope::Mode(m) => m == cx.mode,
        Scope::PushOffer => cx.mode == Mode::Normal && cx.start_offered,
        Scope::PastShown => cx.mode == Mode::Normal && cx.past_shown,
    }
}

fn same_key(a: &(KeyCode, KeyModifiers), key: &KeyEvent) -> bool {
    // Terminals differ on whether Shift comes with upper-case letters.
    let mods = key.modifiers - KeyModifiers::SHIFT;
    let want = a.1 - KeyModifiers::SHIFT;
    a.0 == key.code && mods == want
}

/// The action of `key` when no push offer is open.
pub fn lookup(mode: Mode, focus: Pane, key: &KeyEvent) -> Option<Action> {
    lookup_in(Context::new(mode, focus), key)
}

/// The action of `key` with the default keys (the app asks its `Keymap`).
pub fn lookup_in(cx: Context, key: &KeyEvent) -> Option<Action> {
    Keymap::default().lookup_in(cx, key)
}

/// The bindings that apply now, for the footer (pane first, then global).
/// An offered start, quit, help, push, Tab and the pipeline list come first
/// so they survive a narrow footer.
pub fn footer_hints(mode: Mode, focus: Pane) -> Vec<(&'static str, &'static str)> {
    footer_hints_in(Context::new(mode, focus))
}

pub fn footer_hints_in(cx: Context) -> Vec<(&'static str, &'static str)> {
    footer_with(cx, |b| b.label).into_iter().map(|(label, hint, _)| (label, hint)).collect()
}

/// The footer hints with their actions, each binding's keys written by
/// `label`; one per label (the footer drops those that do not apply to what
/// is on screen).
pub(crate) fn footer_with<L: PartialEq>(
    cx: Context,
    label: impl Fn(&'static Binding) -> L,
) -> Vec<(L, &'static str, Action)> {
    const FIRST: [Action; 12] = [
        Action::StartPushedRun,
        Action::LatestExecution,
        Action::Quit,
        Action::Help,
        Action::Approve,
        Action::Retry,
        Action::Stop,
        Action::Start,
        Action::Push,
        Action::FocusNext,
        Action::PipelineList,
        Action::History,
    ];
    let is_first = |b: &Binding| {
        FIRST.contains(&b.action) && matches!(b.scope, Scope::Global | Scope::PushOffer | Scope::PastShown)
    };
    let applying = || BINDINGS.iter().filter(|b| applies(b.scope, cx));
    let mut first: Vec<&Binding> = applying().filter(|b| is_first(b)).collect();
    first.sort_by_key(|b| FIRST.iter().position(|a| *a == b.action));
    let rest = applying().filter(|b| !is_first(b));
    let mut out: Vec<(L, &str, Action)> = Vec::new();
    for b in first.into_iter().chain(rest) {
        let key = label(b);
        if let Some(hint) = b.footer
            && !out.iter().any(|(seen, _, _)| *seen == key)
        {
            out.push((key, hint, b.action));
        }
    }
    out
}

/// Help sections with the default keys.
pub fn help_sections() -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    help_with(&Keymap::default())
}

/// Help sections: a title and (keys, description) rows, then the reserved keys.
fn help_with(keymap: &Keymap) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    // The popups' own keys are on their titles and footers; help lists the rest.
    // The command line's keys are on the line itself (and in the README).
    let scopes: [(&str, Scope); 5] = [
        ("Everywhere", Scope::Global),
        ("Stage graph", GRAPH),
        ("Log", LOG),
        ("Pipeline list", LIST),
        ("Search (after /)", SEARCH),
    ];
    let mut sections: Vec<_> = scopes
        .iter()
        .map(|(title, scope)| {
            // `s` (only after a push no run picked up) is listed with the global keys.
            let wanted = |b: &&Binding| {
                b.scope == *scope || (*scope == Scope::Global && matches!(b.scope, Scope::PushOffer | Scope::PastShown))
            };
            let rows = BINDINGS.iter().filter(wanted).map(|b| (key_names(keymap.keys_of(b)), b.description)).collect();
            (*title, rows)
        })
        .collect();
    sections.push(("Reserved (coming)", RESERVED.iter().map(|(c, d)| (c.to_string(), *d)).collect()));
    sections
}

/// The key table for the README, generated from the same bindings as help
/// (a test keeps the README's copy equal to this).
pub fn markdown_keys_table() -> String {
    let mut out = String::from("| where | keys | what it does |\n|---|---|---|\n");
    for (title, rows) in help_sections() {
        for (keys, description) in rows {
            let keys: Vec<String> = keys.split(' ').map(|k| format!("`{k}`")).collect();
            out.push_str(&format!("| {title} | {} | {description} |\n", keys.join(" ")));
        }
    }
    out
}

/// All keys of a binding, written for help: "j Down".
fn key_names(keys: &[(KeyCode, KeyModifiers)]) -> String {
    let mut names: Vec<String> = Vec::new();
    for key in keys {
        let name = key_name(key);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.join(" ")
}

/// One key as help and the footer write it: "Ctrl-c", "PgUp", "G".
fn key_name((code, mods): &(KeyCode, KeyModifiers)) -> String {
    let base = match code {
        KeyCode::Char(' ') => "Space".into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::BackTab => "S-Tab".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        other => format!("{other}"),
    };
    let base = if mods.contains(KeyModifiers::ALT) { format!("Alt-{base}") } else { base };
    if mods.contains(KeyModifiers::CONTROL) { format!("Ctrl-{base}") } else { base }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn defaults_from_the_issue_are_bound() {
        let n = |c| key(KeyCode::Char(c), NONE);
        let graph = |k: KeyEvent| lookup(Mode::Normal, Pane::Graph, &k);
        let log = |k: KeyEvent| lookup(Mode::Normal, Pane::Log, &k);
        assert_eq!(graph(n('q')), Some(Action::Quit));
        assert_eq!(graph(key(KeyCode::Char('c'), CTRL)), Some(Action::Quit));
        assert_eq!(graph(n('?')), Some(Action::Help));
        assert_eq!(graph(key(KeyCode::Tab, NONE)), Some(Action::FocusNext));
        assert_eq!(graph(key(KeyCode::BackTab, SHIFT)), Some(Action::FocusPrev));
        assert_eq!(graph(key(KeyCode::Down, NONE)), Some(Action::Down));
        assert_eq!(graph(key(KeyCode::PageUp, NONE)), Some(Action::PageUp));
        assert_eq!(graph(key(KeyCode::Enter, NONE)), Some(Action::Select));
        assert_eq!(log(n('f')), Some(Action::Follow));
        assert_eq!(log(n('/')), Some(Action::Search));
        assert_eq!(log(n('n')), Some(Action::NextMatch));
        // Some terminals send Shift with upper-case letters, some do not.
        assert_eq!(log(key(KeyCode::Char('N'), SHIFT)), Some(Action::PrevMatch));
        assert_eq!(log(n('N')), Some(Action::PrevMatch));
        assert_eq!(log(n('G')), Some(Action::Bottom));
        assert_eq!(log(n('w')), Some(Action::Wrap));
        assert_eq!(log(n('t')), Some(Action::Timestamps));
        assert_eq!(log(n('z')), Some(Action::Zoom));
    }

    #[test]
    fn reserved_keys_are_not_bound_and_are_in_help() {
        for (c, _) in RESERVED {
            for pane in [Pane::List, Pane::Graph, Pane::Phases, Pane::Log] {
                assert_eq!(lookup(Mode::Normal, pane, &key(KeyCode::Char(*c), NONE)), None, "{c} is reserved");
            }
        }
        let help = help_sections();
        let reserved = help.iter().find(|(t, _)| t.starts_with("Reserved")).expect("reserved section");
        assert_eq!(reserved.1.len(), RESERVED.len());
    }

    #[test]
    fn footer_follows_the_focused_pane_and_starts_with_quit() {
        let log = footer_hints(Mode::Normal, Pane::Log);
        assert_eq!(log[0], ("q", "quit"));
        assert!(log.iter().any(|(k, _)| *k == "f") && log.iter().any(|(k, _)| *k == "/"));
        let graph = footer_hints(Mode::Normal, Pane::Graph);
        assert!(!graph.iter().any(|(k, _)| *k == "f"));
        assert!(graph.iter().any(|(_, d)| *d == "show build"));
        let search = footer_hints(Mode::Search, Pane::Log);
        assert!(search.iter().all(|(k, _)| *k == "Enter" || *k == "Esc"), "{search:?}");
    }

    #[test]
    fn every_binding_is_in_help_except_the_popups_own() {
        let help = help_sections();
        let rows: usize = help.iter().filter(|(t, _)| !t.starts_with("Reserved")).map(|(_, r)| r.len()).sum();
        let listed =
            BINDINGS.iter().filter(|b| ![POPUP, HELP, PUSH, CONFIRM, COMMAND, HISTORY].contains(&b.scope)).count();
        assert_eq!(rows, listed);
    }

    #[test]
    fn p_pushes_everywhere_and_s_starts_only_when_offered() {
        let n = |c| key(KeyCode::Char(c), NONE);
        for pane in [Pane::List, Pane::Graph, Pane::Phases, Pane::Log] {
            assert_eq!(lookup(Mode::Normal, pane, &n('p')), Some(Action::Push));
            assert_eq!(
                lookup(Mode::Normal, pane, &n('s')),
                Some(Action::Start),
                "s is the plain start outside the offer"
            );
            let offered = Context { start_offered: true, ..Context::new(Mode::Normal, pane) };
            assert_eq!(lookup_in(offered, &n('s')), Some(Action::StartPushedRun));
        }
        assert!(footer_hints(Mode::Normal, Pane::Graph).contains(&("p", "push")));
        assert!(footer_hints(Mode::Normal, Pane::Graph).contains(&("s", "start")));
        let offered = footer_hints_in(Context { start_offered: true, ..Context::new(Mode::Normal, Pane::Graph) });
        assert_eq!(offered[0], ("s", "start run"));
        let modal = footer_hints(Mode::Push, Pane::Graph);
        assert_eq!(modal, vec![("Enter", "push"), ("Esc", "cancel")]);
        assert_eq!(lookup(Mode::Push, Pane::Graph, &n('p')), None, "no second push from the modal");
    }

    #[test]
    fn q_types_into_search_instead_of_quitting() {
        assert_eq!(lookup(Mode::Search, Pane::Log, &key(KeyCode::Char('q'), NONE)), None);
    }
}
