//! The executions history (`e`): moving in it, showing a past execution in
//! the graph instead of the latest, and going back (`E`, or Enter on the
//! newest row). Live GetPipelineState answers wait aside meanwhile.

use super::panes::{Move, moved_in_list};
use super::{Effect, follow_wanted_build, ok, set};
use crate::keymap::Action;
use crate::layout;
use crate::model::health::ApiFailure;
use crate::model::history::{PAST_REFRESH_SECS, PastExecution, an_execution_finished, has_running_action, running};
use crate::model::selection::clamp_selection;
use crate::model::snapshot::{ExecutionSummary, PipelineSnapshot};
use crate::model::{BuildView, Modal, Mode, Model};

/// `e`: opens the list on the execution shown; medians are asked for once.
pub(super) fn open(m: &mut Model, fx: &mut Vec<Effect>) {
    m.modal = Modal::History;
    sync_list_length(m, fx);
    let shown = m.shown_execution().map(|e| e.id.clone());
    m.session.history.selected = shown.and_then(|id| m.session.executions.iter().position(|e| e.id == id)).unwrap_or(0);
    ask_medians(m, fx);
}

fn ask_medians(m: &mut Model, fx: &mut Vec<Effect>) {
    let h = &mut m.session.history;
    if h.medians_fresh || h.medians_loading {
        return;
    }
    if let Some(pipeline) = &m.session.pipeline {
        h.medians_loading = true;
        fx.push(Effect::FetchStageMedians { pipeline: pipeline.clone() });
    }
}

pub(super) fn dialog_action(m: &mut Model, action: Action, fx: &mut Vec<Effect>) -> bool {
    let moved = match action {
        Action::Select => {
            select(m, fx);
            return true;
        }
        Action::Close | Action::History => {
            close(m, fx);
            return true;
        }
        Action::Up => Move::Up,
        Action::Down => Move::Down,
        Action::PageUp => Move::PageUp,
        Action::PageDown => Move::PageDown,
        Action::Top => Move::Top,
        Action::Bottom => Move::Bottom,
        _ => return false,
    };
    let last = m.session.executions.len().saturating_sub(1);
    let page = usize::from(layout::history_rows(m).max(1));
    if let Some(to) = moved_in_list(m.session.history.selected, last, page, moved) {
        m.session.history.selected = to;
    }
    true
}

fn close(m: &mut Model, fx: &mut Vec<Effect>) {
    m.modal = Modal::Normal;
    sync_list_length(m, fx);
}

/// The poll lists more executions while the view is open or a past execution
/// is shown (the execution line finds it in the list); tells the driver on change.
fn sync_list_length(m: &mut Model, fx: &mut Vec<Effect>) {
    let long = m.mode() == Mode::History || m.session.history.past.is_some();
    if long != m.session.history.long_list
        && let Some(pipeline) = &m.session.pipeline
    {
        m.session.history.long_list = long;
        fx.push(Effect::HistoryOpen { pipeline: pipeline.clone(), open: long });
    }
}

/// Enter: the newest row follows the latest again; another shows that execution.
fn select(m: &mut Model, fx: &mut Vec<Effect>) {
    let Some(chosen) = m.session.executions.get(m.session.history.selected) else { return };
    let id = chosen.id.clone();
    if m.session.history.selected == 0 {
        show_latest(m, fx);
        close(m, fx);
        return;
    }
    m.modal = Modal::Normal;
    if m.session.history.past.as_ref().is_some_and(|p| p.id == id) {
        return;
    }
    let Some(pipeline) = m.session.pipeline.clone() else { return };
    if m.session.history.past.is_none() {
        m.session.history.live = m.session.state.take();
    }
    m.session.history.past = Some(PastExecution { id: id.clone(), fetching: true, asked: Some(m.now), running: false });
    // The graph shows "loading" until the execution arrives; its builds follow.
    m.session.state = None;
    m.session.selected = (0, 0);
    m.session.build = BuildView::default();
    m.logs.clear();
    fx.push(Effect::FetchPastExecution { pipeline, execution_id: id });
}

/// `E` (or Enter on the newest row): back to the live state and its builds.
pub(crate) fn show_latest(m: &mut Model, fx: &mut Vec<Effect>) {
    if m.session.history.past.take().is_none() {
        return;
    }
    fx.push(Effect::CancelHistory);
    // The cancel drops a medians fetch in flight too: ask again on next open.
    m.session.history.medians_loading = false;
    m.session.state = m.session.history.live.take();
    m.session.selected = (0, 0);
    m.session.build = BuildView::default();
    m.logs.clear();
    clamp_selection(m);
    follow_wanted_build(m, fx);
    sync_list_length(m, fx);
    m.dirty = true;
}

/// Another pipeline: nothing of this one's history applies.
pub(super) fn forget(m: &mut Model, fx: &mut Vec<Effect>) {
    if m.session.history.past.is_some() || m.session.history.medians_loading {
        fx.push(Effect::CancelHistory);
    }
    let long = m.session.history.long_list;
    m.session.history = Default::default();
    if long && let Some(pipeline) = &m.session.pipeline {
        fx.push(Effect::HistoryOpen { pipeline: pipeline.clone(), open: false });
    }
}

fn is_shown(m: &Model, pipeline: &str, execution_id: &str) -> bool {
    m.session.pipeline.as_deref() == Some(pipeline)
        && m.session.history.past.as_ref().is_some_and(|p| p.id == execution_id)
}

pub(super) fn on_past_execution(
    m: &mut Model,
    pipeline: &str,
    execution_id: &str,
    result: Result<PipelineSnapshot, ApiFailure>,
    fx: &mut Vec<Effect>,
) {
    if !is_shown(m, pipeline, execution_id) {
        return;
    }
    let snapshot = ok(m, result);
    let Some(past) = m.session.history.past.as_mut() else { return };
    past.fetching = false;
    let Some(snapshot) = snapshot else { return };
    past.running = has_running_action(&snapshot);
    set(&mut m.session.state, Some(snapshot), &mut m.dirty);
    clamp_selection(m);
    follow_wanted_build(m, fx);
}

/// A live poll while a past execution is shown: keep it for `E`, and use the
/// poll's pace to fetch the past execution again while it runs.
pub(super) fn on_live_state(m: &mut Model, state: PipelineSnapshot, fx: &mut Vec<Effect>) {
    m.session.history.live = Some(state);
    let (Some(past), Some(pipeline)) = (&m.session.history.past, &m.session.pipeline) else { return };
    let listed_running = m.session.executions.iter().any(|e| e.id == past.id && running(&e.status));
    let due = past.asked.is_none_or(|t| (m.now - t).num_seconds() >= PAST_REFRESH_SECS);
    // Still running, or never loaded (its fetch failed, e.g. throttled): ask again.
    let unloaded = m.session.state.is_none();
    if (past.running || listed_running || unloaded) && !past.fetching && due {
        let effect = Effect::FetchPastExecution { pipeline: pipeline.clone(), execution_id: past.id.clone() };
        if let Some(past) = m.session.history.past.as_mut() {
            past.fetching = true;
            past.asked = Some(m.now);
        }
        fx.push(effect);
    }
}

/// A new executions list: a finished execution makes the medians stale
/// (asked again now if the history is open).
pub(super) fn on_executions(m: &mut Model, new: &[ExecutionSummary], fx: &mut Vec<Effect>) {
    if an_execution_finished(&m.session.executions, new) {
        m.session.history.medians_fresh = false;
        if m.mode() == Mode::History {
            ask_medians(m, fx);
        }
    }
    m.session.history.selected = m.session.history.selected.min(new.len().saturating_sub(1));
}

pub(super) fn on_stage_medians(m: &mut Model, pipeline: &str, result: Result<Vec<(String, f64)>, ApiFailure>) {
    if m.session.pipeline.as_deref() != Some(pipeline) {
        return;
    }
    m.session.history.medians_loading = false;
    if let Some(medians) = ok(m, result) {
        m.session.history.medians_fresh = true;
        set(&mut m.session.history.stage_medians, medians, &mut m.dirty);
    }
}
