//! Keys: the keymap turns a key into an Action; this applies it to the model.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::{Effect, follow_wanted_build};
use crate::keymap::{self, Action};
use crate::layout;
use crate::model::logs::Query;
use crate::model::push::PushState;
use crate::model::selection::{is_build_action, positions, selected_action};
use crate::model::{BuildSource, BuildView, Mode, Model, Pane};

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
    if matches!(m.mode, Mode::Confirm | Mode::Search | Mode::Command)
        && let KeyCode::Char(c) = key.code
        && !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        m.dirty = true;
        match m.mode {
            Mode::Confirm => super::control::type_text(m, &c.to_string()),
            Mode::Search => m.logs.input.push(c),
            _ => super::command::type_key(m, key),
        }
        return;
    }
    let cx = keymap::Context {
        mode: m.mode,
        focus: m.focus,
        start_offered: matches!(m.push, PushState::NoExecution { .. }),
        past_shown: m.history.past.is_some(),
    };
    match m.config.keymap.lookup_in(cx, &key) {
        Some(action) => {
            m.dirty = true;
            apply(m, action, fx);
        }
        None if m.mode == Mode::Command => super::command::type_key(m, key),
        None => {}
    }
}

fn apply(m: &mut Model, action: Action, fx: &mut Vec<Effect>) {
    match action {
        _ if m.mode == Mode::Push => super::push::modal_action(m, action, fx),
        _ if m.mode == Mode::Confirm => super::control::modal_action(m, action, fx),
        a if a.is_mutating() && m.read_only => super::control::read_only(m),
        Action::Start | Action::Retry | Action::RetryAll | Action::Stop | Action::Approve | Action::Transition => {
            super::control::open(m, action)
        }
        _ if m.mode == Mode::Command => super::command::action(m, action, fx),
        Action::CommandLine => super::command::open(m),
        Action::SsoLogin => super::command::login(m, fx),
        _ if m.mode == Mode::History => super::history::modal_action(m, action, fx),
        Action::History => super::history::open(m, fx),
        Action::LatestExecution => super::history::show_latest(m, fx),
        Action::Push => super::push::start(m, fx),
        Action::StartPushedRun => super::push::start_run(m, fx),
        Action::Quit => m.quit = true,
        Action::Help => {
            m.mode = Mode::Help;
            m.help_page = 0;
        }
        Action::Up | Action::Down if m.mode == Mode::Help => {
            let last = layout::help::help_pages(m).saturating_sub(1);
            m.help_page =
                if action == Action::Down { (m.help_page + 1).min(last) } else { m.help_page.saturating_sub(1) };
        }
        Action::Close => {
            m.logs.input.clear();
            m.mode = Mode::Normal;
            watch_visible_rows(m, fx);
        }
        Action::FocusNext => cycle_focus(m, 1),
        Action::FocusPrev => cycle_focus(m, -1),
        Action::Zoom => m.zoom = !m.zoom,
        Action::PipelineList if m.list_is_pane() => m.focus = Pane::List,
        Action::PipelineList => {
            m.mode = Mode::PipelinePopup;
            watch_visible_rows(m, fx);
        }
        Action::Search => {
            m.mode = Mode::Search;
            m.logs.input.clear();
        }
        Action::SearchBackspace => {
            m.logs.input.pop();
        }
        Action::SearchConfirm => confirm_search(m),
        Action::NextMatch => next_match(m, true),
        Action::PrevMatch => next_match(m, false),
        Action::Follow => m.logs.resume_follow(),
        Action::Wrap => m.logs.wrap = !m.logs.wrap,
        Action::Timestamps => m.logs.timestamps = !m.logs.timestamps,
        Action::CopyId => super::copy::copy(m, false, fx),
        Action::CopyUrl => super::copy::copy(m, true, fx),
        _ if m.mode == Mode::PipelinePopup => list_action(m, action, fx),
        _ => match m.focus {
            Pane::Log => log_action(m, action),
            Pane::Graph => graph_action(m, action, fx),
            Pane::List => list_action(m, action, fx),
            Pane::Phases => {}
        },
    }
}

fn cycle_focus(m: &mut Model, step: isize) {
    let panes = m.focusable();
    let i = panes.iter().position(|p| *p == m.focus).unwrap_or(0) as isize;
    let n = panes.len() as isize;
    m.focus = panes[(i + step).rem_euclid(n) as usize];
}

/// After a resize the list may stop being a pane; move focus off it.
pub(super) fn ensure_focus_visible(m: &mut Model) {
    if !m.focusable().contains(&m.focus) {
        m.focus = Pane::Graph;
    }
}

fn log_action(m: &mut Model, action: Action) {
    let rows = layout::log_rows(m);
    let page = i64::from(rows.saturating_sub(1).max(1));
    let logs = &mut m.logs;
    match action {
        Action::Up => logs.scroll(-1),
        Action::Down => logs.scroll(1),
        Action::PageUp => logs.scroll(-page),
        Action::PageDown => logs.scroll(page),
        Action::Top => logs.scroll_to_top(rows),
        Action::Bottom => logs.resume_follow(),
        _ => {}
    }
}

fn confirm_search(m: &mut Model) {
    m.mode = Mode::Normal;
    let input = std::mem::take(&mut m.logs.input);
    if input.is_empty() {
        m.logs.search = None;
        m.logs.current_match = None;
        return;
    }
    let query = Query::new(&input);
    let from = m.logs.bottom_line().unwrap_or(0);
    m.logs.current_match = m.logs.buffer.find_back(from, &query);
    if let Some(seq) = m.logs.current_match {
        m.logs.jump_to(seq);
    }
    m.logs.search = Some(query);
}

/// `n` goes to older lines (up), `N` to newer ones.
fn next_match(m: &mut Model, older: bool) {
    let Some(query) = &m.logs.search else { return };
    let from = m.logs.current_match.or(m.logs.bottom_line()).unwrap_or(0);
    let found = if older {
        from.checked_sub(1).and_then(|f| m.logs.buffer.find_back(f, query))
    } else {
        m.logs.buffer.find_forward(from + 1, query)
    };
    if let Some(seq) = found {
        m.logs.current_match = Some(seq);
        m.logs.jump_to(seq);
    }
}

fn graph_action(m: &mut Model, action: Action, fx: &mut Vec<Effect>) {
    let Some(state) = &m.state else { return };
    let all = positions(state);
    let Some(last) = all.len().checked_sub(1) else { return };
    let here = all.iter().position(|p| *p == m.selected).unwrap_or(0);
    let stages = state.stages.len();
    m.selected = match action {
        Action::Up => all[here.saturating_sub(1)],
        Action::Down => all[(here + 1).min(last)],
        Action::Top => all[0],
        Action::Bottom => all[last],
        Action::Left | Action::PageUp => first_action_of(&all, m.selected.0.saturating_sub(1), false),
        Action::Right | Action::PageDown => first_action_of(&all, (m.selected.0 + 1).min(stages - 1), true),
        Action::Select => {
            select_build(m, fx);
            return;
        }
        _ => return,
    };
}

/// The first action of `stage`, or of the nearest stage with actions.
fn first_action_of(all: &[(usize, usize)], stage: usize, forward: bool) -> (usize, usize) {
    let found = if forward { all.iter().find(|p| p.0 >= stage) } else { all.iter().rev().find(|p| p.0 <= stage) };
    let stage = found.map_or(0, |p| p.0);
    all.iter().copied().find(|p| p.0 == stage).unwrap_or((0, 0))
}

/// Enter on a CodeBuild action shows its build; Enter again returns to auto.
fn select_build(m: &mut Model, fx: &mut Vec<Effect>) {
    let Some((stage, action)) = selected_action(m) else { return };
    if !is_build_action(action) {
        return;
    }
    let chosen = BuildSource::Action { stage: stage.to_string(), action: action.name.clone() };
    m.build.source = if m.build.source == chosen { BuildSource::Auto } else { chosen };
    follow_wanted_build(m, fx);
}

fn list_action(m: &mut Model, action: Action, fx: &mut Vec<Effect>) {
    let Some(last) = m.list.items.len().checked_sub(1) else { return };
    let page = usize::from(layout::list_rows(m).max(1));
    let sel = m.list.selected;
    if let Some(moved) = moved_in_list(sel, last, page, action) {
        m.list.selected = moved;
    } else if action == Action::Select {
        let name = m.list.items[sel].name.clone();
        m.mode = Mode::Normal;
        show_pipeline(m, name, fx);
    }
    watch_visible_rows(m, fx);
}

/// Where a movement key takes a list selection (`last` is the last index,
/// `page` the rows shown); `None` for keys that do not move.
pub(super) fn moved_in_list(sel: usize, last: usize, page: usize, action: Action) -> Option<usize> {
    Some(match action {
        Action::Up => sel.saturating_sub(1),
        Action::Down => (sel + 1).min(last),
        Action::PageUp => sel.saturating_sub(page),
        Action::PageDown => (sel + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return None,
    })
}

/// Switches the graph to another pipeline.
pub(super) fn show_pipeline(m: &mut Model, name: String, fx: &mut Vec<Effect>) {
    if m.pipeline.as_ref() == Some(&name) {
        return;
    }
    m.pipeline = Some(name.clone());
    super::history::forget(m, fx);
    m.state = None;
    m.executions.clear();
    m.selected = (0, 0);
    m.build = BuildView::default();
    m.logs.clear();
    m.dirty = true;
    fx.push(Effect::WatchPipeline(name));
}

/// Asks for the latest status of the list rows on screen, when they changed.
pub(super) fn watch_visible_rows(m: &mut Model, fx: &mut Vec<Effect>) {
    let shown = m.list_is_pane() || m.mode == Mode::PipelinePopup;
    let names: Vec<String> = if shown {
        let (offset, rows) = layout::list_window(m);
        m.list.items.iter().skip(offset).take(rows).map(|p| p.name.clone()).collect()
    } else {
        Vec::new()
    };
    if names != m.list.watched {
        m.list.watched = names.clone();
        fx.push(Effect::WatchRows(names));
    }
}
