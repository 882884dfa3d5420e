//! (mode, focused pane, key) -> Action. Every binding carries a description;
//! the footer and the `?` help are generated from this table.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::model::{Mode, Pane};

mod bindings;
mod custom;
pub use bindings::{BINDINGS, RESERVED};
use bindings::{GRAPH, LIST, LOG, PHASES, SEARCH};
pub use custom::{KeyPress, Keymap, key_spec, parse_key};

/// What a key means to the user. Its name in the config file is derived
/// from the variant (`Action::name`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
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
    /// `y`: copy the id of what the pane points at (OSC 52).
    CopyId,
    /// `Y`: copy its console URL.
    CopyUrl,
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
    /// Open the executions history.
    History,
    /// Stop showing a past execution; follow the latest again.
    LatestExecution,
    /// Open (or close) the details view.
    Details,
    /// Open the approvals inbox: every manual approval waiting.
    Inbox,
    /// Back to the fleet list (`--fleet`) from a pipeline.
    Fleet,
    /// Star or unstar the selected pipeline: its approvals notify.
    Star,
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
    let scopes: [(&str, Scope); 6] = [
        ("Everywhere", Scope::Global),
        ("Stage graph", GRAPH),
        ("Phases (batch build)", PHASES),
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
mod tests;
