//! What the keys that act on the focused pane do in each pane: moves (the
//! log's scroll, the graph's selection, the list's), Enter, what `y`/`Y`
//! copy; focus itself, search matches, and showing another pipeline.

use super::copy::{self, Copied};
use super::{Effect, follow_wanted_build};
use crate::layout;
use crate::model::selection::{is_build_action, positions, selected_action};
use crate::model::{BuildSource, BuildView, Mode, Model, Pane};

/// What `y`/`Y` copy from the focused pane (the `o` popup is the list).
pub(super) fn copied(m: &Model, url: bool) -> Option<Copied> {
    let focus = if m.mode() == Mode::PipelinePopup { Pane::List } else { m.focus };
    match focus {
        Pane::List => copy::pipeline_payload(m, url),
        Pane::Graph => copy::graph_payload(m, url),
        Pane::Phases | Pane::Log => copy::build_payload(m, url),
    }
}

/// The keys that move in (or choose from) the focused pane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Move {
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Select,
}

pub(super) fn cycle_focus(m: &mut Model, step: isize) {
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

pub(super) fn move_in_focus(m: &mut Model, moved: Move, fx: &mut Vec<Effect>) {
    match m.focus {
        Pane::Log => log_action(m, moved),
        Pane::Graph => graph_action(m, moved, fx),
        Pane::List => list_action(m, moved, fx),
        // The phases fit their pane: only a batch's groups to move between.
        Pane::Phases => super::batch::move_group(m, moved, fx),
    }
}

fn log_action(m: &mut Model, moved: Move) {
    let rows = layout::log_rows(m);
    let page = i64::from(rows.saturating_sub(1).max(1));
    let logs = &mut m.logs;
    match moved {
        Move::Up => logs.scroll(-1),
        Move::Down => logs.scroll(1),
        Move::PageUp => logs.scroll(-page),
        Move::PageDown => logs.scroll(page),
        Move::Top => logs.scroll_to_top(rows),
        Move::Bottom => logs.resume_follow(),
        // Lines have no sides and no choice.
        Move::Left | Move::Right | Move::Select => {}
    }
}

/// `n` goes to older lines (up), `N` to newer ones.
pub(super) fn next_match(m: &mut Model, older: bool) {
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

fn graph_action(m: &mut Model, moved: Move, fx: &mut Vec<Effect>) {
    let Some(state) = &m.session.state else { return };
    let all = positions(state);
    let Some(last) = all.len().checked_sub(1) else { return };
    let here = all.iter().position(|p| *p == m.session.selected).unwrap_or(0);
    let stages = state.stages.len();
    let stage = m.session.selected.0;
    m.session.selected = match moved {
        Move::Up => all[here.saturating_sub(1)],
        Move::Down => all[(here + 1).min(last)],
        Move::Top => all[0],
        Move::Bottom => all[last],
        Move::Left | Move::PageUp => first_action_of(&all, stage.saturating_sub(1), false),
        Move::Right | Move::PageDown => first_action_of(&all, (stage + 1).min(stages - 1), true),
        Move::Select => return select_build(m, fx),
    };
}

/// The first action of `stage`, or of the nearest stage with actions.
fn first_action_of(all: &[(usize, usize)], stage: usize, forward: bool) -> (usize, usize) {
    let found = if forward { all.iter().find(|p| p.0 >= stage) } else { all.iter().rev().find(|p| p.0 <= stage) };
    let stage = found.map_or(0, |p| p.0);
    all.iter().copied().find(|p| p.0 == stage).unwrap_or((0, 0))
}

/// Enter on an action shows it (a build's phases, a Commands action's log,
/// another action's summary, link and error); Enter again returns to auto.
fn select_build(m: &mut Model, fx: &mut Vec<Effect>) {
    let Some((stage, action)) = selected_action(m) else { return };
    if action.status.is_none() && !is_build_action(action) {
        return;
    }
    let chosen = BuildSource::Action { stage: stage.to_string(), action: action.name.clone() };
    let build = &mut m.session.build;
    build.source = if build.source == chosen { BuildSource::Auto } else { chosen };
    follow_wanted_build(m, fx);
}

/// The pipeline list (pane or popup): move, or show the selected pipeline.
pub(super) fn list_action(m: &mut Model, moved: Move, fx: &mut Vec<Effect>) {
    let Some(last) = m.session.list.items.len().checked_sub(1) else { return };
    let page = usize::from(layout::list_rows(m).max(1));
    let sel = m.session.list.selected;
    if let Some(to) = moved_in_list(sel, last, page, moved) {
        m.session.list.selected = to;
    } else if moved == Move::Select {
        let name = m.session.list.items[sel].name.clone();
        m.modal = crate::model::Modal::Normal;
        show_pipeline(m, name, fx);
    }
    watch_visible_rows(m, fx);
}

/// Where a move takes a list selection (`last` is the last index, `page`
/// the rows shown); `None` for moves a list does not make.
pub(super) fn moved_in_list(sel: usize, last: usize, page: usize, moved: Move) -> Option<usize> {
    Some(match moved {
        Move::Up => sel.saturating_sub(1),
        Move::Down => (sel + 1).min(last),
        Move::PageUp => sel.saturating_sub(page),
        Move::PageDown => (sel + page).min(last),
        Move::Top => 0,
        Move::Bottom => last,
        Move::Left | Move::Right | Move::Select => return None,
    })
}

/// Switches the graph to another pipeline.
pub(super) fn show_pipeline(m: &mut Model, name: String, fx: &mut Vec<Effect>) {
    if m.session.pipeline.as_ref() == Some(&name) {
        return;
    }
    m.session.pipeline = Some(name.clone());
    super::history::forget(m, fx);
    m.session.state = None;
    m.session.executions.clear();
    m.session.lanes.clear();
    m.session.rule_runs.clear();
    m.session.selected = (0, 0);
    m.session.build = BuildView::default();
    m.logs.clear();
    m.dirty = true;
    fx.push(Effect::WatchPipeline(name));
}

/// Asks for the latest status of the list rows on screen, when they changed.
pub(super) fn watch_visible_rows(m: &mut Model, fx: &mut Vec<Effect>) {
    let shown = !super::fleet::is_open(m) && (m.list_is_pane() || m.mode() == Mode::PipelinePopup);
    let names: Vec<String> = if shown {
        let (offset, rows) = layout::list_window(m);
        m.session.list.items.iter().skip(offset).take(rows).map(|p| p.name.clone()).collect()
    } else {
        Vec::new()
    };
    if names != m.session.list.watched {
        m.session.list.watched = names.clone();
        fx.push(Effect::WatchRows(names));
    }
}
