//! The `:` command line (typing, Tab completion, running), the connection
//! switch it asks for, and `L` (`aws sso login` in the terminal).

use super::{Effect, panes};
use crate::keymap::Action;
use crate::model::command::{COMMANDS, Completion, REGIONS, region_shaped};
use crate::model::start::FLAGS;
use crate::model::{Connection, Modal, Model, Session};
use crate::msg::RunOutcome;

/// The notice "api" of the command line's own messages.
pub(crate) const NOTICE: &str = "pipewatch:command";

/// A program the loop runs in the terminal, the TUI suspended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalCommand {
    pub program: String,
    pub args: Vec<String>,
}

impl ExternalCommand {
    /// As typed in a shell (for messages).
    pub fn shell_line(&self) -> String {
        std::iter::once(self.program.as_str()).chain(self.args.iter().map(String::as_str)).collect::<Vec<_>>().join(" ")
    }
}

/// What a typed line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Command {
    Pipeline(String),
    Profile(String),
    Region(String),
    /// `:rollback [STAGE]` (the selected stage when none is named).
    Rollback(Option<String>),
    /// `:override [STAGE]` (the selected stage when none is named).
    Override(Option<String>),
    /// `:start [--revision|--key ACTION=VALUE ...] [VAR=value ...]`.
    Start(crate::model::start::StartArgs),
    Quit,
}

/// `Ok(None)` for an empty line; `Err` is the one line to show.
pub(crate) fn parse(line: &str) -> Result<Option<Command>, String> {
    let mut words = line.split_whitespace();
    let Some(first) = words.next() else { return Ok(None) };
    let name = command_name(first)?;
    if name == "start" {
        return crate::model::start::parse_start(words).map(|a| Some(Command::Start(a)));
    }
    let arg = words.next().map(str::to_string);
    if let Some(extra) = words.next() {
        return Err(format!(":{name} takes one name, not `{extra}` too"));
    }
    let need = |arg: Option<String>| arg.ok_or_else(|| format!(":{name} needs a name: :{name} NAME (Tab lists them)"));
    Ok(Some(match name {
        "pipeline" => Command::Pipeline(need(arg)?),
        "profile" => Command::Profile(need(arg)?),
        "region" => Command::Region(need(arg)?),
        "rollback" => Command::Rollback(arg),
        "override" => Command::Override(arg),
        _ => Command::Quit,
    }))
}

/// The command a word names: the whole name or a prefix of only one (`q`, `reg`).
fn command_name(word: &str) -> Result<&'static str, String> {
    let found: Vec<&str> = COMMANDS.iter().copied().filter(|c| c.starts_with(word)).collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "unknown command `{word}`: use :pipeline, :profile, :region, :rollback, :override, :start or :q (Tab completes)"
        )),
        several => Err(format!("`{word}` could be :{}: type more of it", several.join(" or :"))),
    }
}

fn say(m: &mut Model, text: String) {
    m.set_notice(NOTICE, text);
}

fn clear_own_notice(m: &mut Model) {
    m.clear_notice_from(NOTICE);
}

/// `:` opens an empty line.
pub(super) fn open(m: &mut Model) {
    m.modal = Modal::Command;
    m.command.open();
    clear_own_notice(m);
}

/// An action while the line is open.
pub(super) fn action(m: &mut Model, action: Action, fx: &mut Vec<Effect>) -> bool {
    match action {
        Action::RunCommand => run(m, fx),
        Action::Complete => complete(m, true),
        Action::CompletePrev => complete(m, false),
        Action::Up => m.command.recall(true),
        Action::Down => m.command.recall(false),
        // Backspace on an empty line leaves it, as in vim.
        Action::CommandBackspace if m.command.input.is_empty() => m.modal = Modal::Normal,
        Action::CommandBackspace => m.command.backspace(),
        Action::Close => m.modal = Modal::Normal,
        _ => return false,
    }
    true
}

/// One line, printable characters only: a paste must not smuggle controls in.
pub(super) fn paste(m: &mut Model, text: &str) {
    for c in text.lines().next().unwrap_or("").chars().filter(|c| !c.is_control()) {
        m.command.type_char(c);
    }
    m.dirty = true;
}

/// Tab: the only candidate, or the first of several and then the next ones.
fn complete(m: &mut Model, forward: bool) {
    let line = &mut m.command;
    if let Some(c) = &mut line.completion {
        let n = c.candidates.len();
        c.index = if forward { (c.index + 1) % n } else { (c.index + n - 1) % n };
        line.input.truncate(c.word_start);
        line.input.push_str(&c.candidates[c.index]);
        return;
    }
    let (word_start, candidates) = candidates(m, &m.command.input);
    let line = &mut m.command;
    match candidates.len() {
        0 => {}
        1 => {
            line.input.truncate(word_start);
            line.input.push_str(&candidates[0]);
            // A completed command name is followed by its argument.
            if word_start == 0 {
                line.input.push(' ');
            }
        }
        n => {
            let index = if forward { 0 } else { n - 1 };
            line.input.truncate(word_start);
            line.input.push_str(&candidates[index]);
            line.completion = Some(Completion { candidates, index, word_start });
        }
    }
}

/// Where the word being completed starts, and what it could be.
fn candidates(m: &Model, input: &str) -> (usize, Vec<String>) {
    let Some(space) = input.find(' ') else {
        return (0, matching(COMMANDS.iter().map(|c| c.to_string()), input));
    };
    if command_name(&input[..space]) == Ok("start") {
        return start_candidates(m, input);
    }
    let word_start = input[space..].find(|c| c != ' ').map_or(input.len(), |i| space + i);
    let typed = &input[word_start..];
    let pool: Vec<String> = match command_name(&input[..space]) {
        Ok("pipeline") => m.session.list.items.iter().map(|p| p.name.clone()).collect(),
        Ok("profile") => m.profiles.clone(),
        Ok("region") => REGIONS.iter().map(|r| r.to_string()).collect(),
        Ok("rollback" | "override") => {
            m.session.state.iter().flat_map(|s| s.stages.iter().skip(1)).map(|s| s.name.clone()).collect()
        }
        _ => Vec::new(),
    };
    (word_start, matching(pool.into_iter(), typed))
}

/// `:start`'s words: its flags, and after one the pipeline's source actions
/// ("Source=", the value typed next).
fn start_candidates(m: &Model, input: &str) -> (usize, Vec<String>) {
    let word_start = input.rfind(' ').map_or(input.len(), |i| i + 1);
    let after_flag = input[..word_start].split_whitespace().last().is_some_and(|w| FLAGS.contains(&w));
    let pool: Vec<String> = if after_flag {
        let actions = m.session.state.iter().flat_map(|s| &s.stages).flat_map(|s| &s.actions);
        actions.filter(|a| a.category.as_deref() == Some("Source")).map(|a| format!("{}=", a.name)).collect()
    } else {
        FLAGS.iter().map(|f| f.to_string()).collect()
    };
    (word_start, matching(pool.into_iter(), &input[word_start..]))
}

/// Names starting with `typed` first, then those containing it (any case).
fn matching(pool: impl Iterator<Item = String>, typed: &str) -> Vec<String> {
    let typed = typed.to_lowercase();
    let (mut first, rest): (Vec<String>, Vec<String>) =
        pool.filter(|c| c.to_lowercase().contains(&typed)).partition(|c| c.to_lowercase().starts_with(&typed));
    first.extend(rest);
    first.dedup();
    first
}

/// Enter: run the line; a bad one says what to do and changes nothing else.
fn run(m: &mut Model, fx: &mut Vec<Effect>) {
    let line = m.command.input.trim().to_string();
    m.modal = Modal::Normal;
    m.command.completion = None;
    m.command.remember(&line);
    clear_own_notice(m);
    let command = match parse(&line) {
        Ok(Some(c)) => c,
        Ok(None) => return,
        Err(text) => return say(m, text),
    };
    match command {
        Command::Quit => m.quit = true,
        Command::Pipeline(name) => show_pipeline(m, name, fx),
        Command::Rollback(stage) => super::rollback::rollback(m, stage, fx),
        Command::Start(args) => super::rollback::start(m, args),
        Command::Override(stage) => super::conditions::override_entry(m, stage),
        Command::Profile(_) | Command::Region(_) if m.sandbox => {
            say(m, "the sandbox has no profiles or regions: restart without --sandbox to switch".into())
        }
        Command::Profile(_) | Command::Region(_) if m.switching.is_some() => {
            let to = m.switching.clone().unwrap_or_default();
            say(m, format!("still connecting to {to}: wait a moment, then try again"));
        }
        Command::Profile(name) if !m.profiles.contains(&name) => {
            let known = if m.profiles.is_empty() { "none is defined there" } else { "Tab lists the known ones" };
            say(m, format!("no profile `{name}` in ~/.aws/config or ~/.aws/credentials: {known}"));
        }
        Command::Profile(name) => {
            m.switching = Some(format!("profile {name}"));
            fx.push(Effect::SwitchConnection { profile: Some(name), region: None });
        }
        Command::Region(name) if !(REGIONS.contains(&name.as_str()) || region_shaped(&name)) => {
            say(m, format!("`{name}` is not an AWS region (like eu-west-1): Tab lists them"));
        }
        Command::Region(name) => {
            m.switching = Some(format!("region {name}"));
            fx.push(Effect::SwitchConnection { profile: None, region: Some(name) });
        }
    }
}

/// `:pipeline NAME`, as choosing it in the list.
fn show_pipeline(m: &mut Model, name: String, fx: &mut Vec<Effect>) {
    let row = m.session.list.items.iter().position(|p| p.name == name);
    match row {
        None if m.session.list.loaded => {
            say(m, format!("no pipeline `{name}` in this account and region: Tab lists them, o opens the list"));
        }
        _ => {
            if let Some(row) = row {
                m.session.list.selected = row;
            }
            panes::show_pipeline(m, name, fx);
            panes::watch_visible_rows(m, fx);
        }
    }
}

/// The switch's connection is built: everything of the old one goes.
pub(super) fn connected(m: &mut Model, result: Result<Connection, String>, fx: &mut Vec<Effect>) {
    let to = m.switching.take().unwrap_or_else(|| "the new connection".into());
    m.dirty = true;
    let connection = match result {
        Ok(c) => c,
        Err(text) => return say(m, format!("switching to {to} failed, still on the old connection: {text}")),
    };
    // Everything of the old connection goes, in one piece. Nothing opened on
    // it may act on the new one either: a confirmation built for the old
    // account (and its read-only rules), the push dialog, the history.
    m.session = Session::new(&m.config, connection, None);
    m.logs.clear();
    if m.modal.is_about_the_connection() {
        m.modal = Modal::Normal;
    }
    fx.push(Effect::UseConnection);
    // The new workers read no stars yet: `watch_stars` asks them again.
    m.alerts.watching.clear();
    // The new workers start focused: tell them how things are.
    fx.push(Effect::SetFocus(m.terminal_focused));
}

/// `L`: `aws sso login` for the current profile, in the terminal.
pub(super) fn login(m: &mut Model, fx: &mut Vec<Effect>) {
    if m.sandbox {
        return say(m, "the sandbox needs no login: L runs `aws sso login` for a real AWS profile".into());
    }
    let mut args: Vec<String> = vec!["sso".into(), "login".into()];
    if let Some(p) = &m.session.connection.profile {
        args.extend(["--profile".into(), p.clone()]);
    }
    fx.push(Effect::RunInTerminal(ExternalCommand { program: "aws".into(), args }));
}

/// Back from the terminal: the model is as it was; the workers try again now.
pub(super) fn ran(m: &mut Model, command: &str, outcome: RunOutcome, fx: &mut Vec<Effect>) {
    m.dirty = true;
    match outcome {
        RunOutcome::Exited(Some(0)) => {
            // The expired-login notice is answered; the next poll shows whether it worked.
            m.session.notice = None;
            fx.push(Effect::RefreshNow);
        }
        RunOutcome::Exited(code) => {
            let how = code.map_or_else(|| "killed".to_string(), |c| format!("exit {c}"));
            say(m, format!("`{command}` failed ({how}): run it in a shell to see why"));
        }
        RunOutcome::NotFound => {
            let program = command.split(' ').next().unwrap_or(command);
            say(m, format!("`{program}` is not on PATH: install the AWS CLI, or run `{command}` in another terminal"));
        }
        RunOutcome::Failed(why) => say(m, format!("could not run `{command}`: {why}")),
    }
    // The terminal's title stack was popped for the child: set ours again.
    if let Some(title) = m.title.clone() {
        fx.push(Effect::SetTitle(title));
    }
}

/// The notice for expired credentials: what happened and the key that fixes it.
pub(super) fn login_hint(m: &Model) -> String {
    let profile = m.session.connection.profile.as_ref().map(|p| format!(" --profile {p}")).unwrap_or_default();
    format!("AWS login expired or missing · L: aws sso login{profile} (pipewatch retries)")
}
