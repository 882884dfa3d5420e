//! The push (`p`): the modal's keys and the driver's answers. The plan with
//! its temp zip lives in the driver; the model holds a `PlanView`.

use super::Effect;
use crate::keymap::Action;
use crate::model::push::{PlanView, PushState, SourceChoice};
use crate::model::{BuildSource, Mode, Model};

/// The notice's "api" for push problems (workers never clear it).
pub const PUSH_NOTICE: &str = "push";

/// `p`: plan a push of the workspace to the shown pipeline.
pub(super) fn start(m: &mut Model, fx: &mut Vec<Effect>) {
    if matches!(m.push, PushState::Waiting { .. } | PushState::WaitingForPoll { .. } | PushState::Starting) {
        fail(m, "a push is still waiting for its run; try again once it shows".into());
        return;
    }
    let Some(pipeline) = m.pipeline.clone() else {
        fail(m, "no pipeline shown: choose one with o, then push with p".into());
        return;
    };
    clear_notice(m);
    m.push = PushState::Planning;
    m.mode = Mode::Push;
    fx.push(Effect::PlanPush { pipeline, source_action: None });
}

/// `s` after a push no run picked up: start one pinned to our version.
pub(super) fn start_run(m: &mut Model, fx: &mut Vec<Effect>) {
    if let PushState::NoExecution { version_id, .. } = &m.push {
        fx.push(Effect::StartPushedRun { version_id: version_id.clone() });
        m.push = PushState::Starting;
    }
}

/// Keys while the modal is open.
pub(super) fn modal_action(m: &mut Model, action: Action, fx: &mut Vec<Effect>) {
    match (&mut m.push, action) {
        (PushState::Planning | PushState::Choosing { .. } | PushState::Confirm(_), Action::Close) => {
            m.push = PushState::Idle;
            m.mode = Mode::Normal;
            fx.push(Effect::CancelPush);
        }
        (PushState::Confirm(view), Action::Select) if !view.blocked() => {
            let plan = std::mem::take(view);
            let total = plan.zip_bytes;
            m.push = PushState::Uploading { plan, sent: 0, total };
            fx.push(Effect::ExecutePush);
        }
        (PushState::Choosing { sources, selected }, Action::Down) => {
            *selected = (*selected + 1).min(sources.len().saturating_sub(1));
        }
        (PushState::Choosing { selected, .. }, Action::Up) => *selected = selected.saturating_sub(1),
        (PushState::Choosing { sources, selected }, Action::Select) => {
            let Some(choice) = sources.get(*selected) else { return };
            let source_action = Some(choice.action.clone());
            let Some(pipeline) = m.pipeline.clone() else { return };
            m.push = PushState::Planning;
            fx.push(Effect::PlanPush { pipeline, source_action });
        }
        // Blocked Enter, Esc during the upload (one PUT, not cancellable): nothing.
        _ => {}
    }
}

pub(super) fn planned(m: &mut Model, result: Result<PlanView, String>) {
    if m.push != PushState::Planning {
        return; // cancelled meanwhile
    }
    match result {
        Ok(view) => m.push = PushState::Confirm(view),
        Err(e) => fail(m, e),
    }
    m.dirty = true;
}

pub(super) fn sources(m: &mut Model, sources: Vec<SourceChoice>) {
    if m.push == PushState::Planning {
        m.push = PushState::Choosing { sources, selected: 0 };
        m.dirty = true;
    }
}

pub(super) fn progress(m: &mut Model, new_sent: u64, new_total: u64) {
    if let PushState::Uploading { sent, total, .. } = &mut m.push {
        *sent = new_sent.min(new_total);
        *total = new_total;
        m.dirty = true;
    }
}

pub(super) fn uploaded(m: &mut Model, version_id: Option<String>) {
    m.push = PushState::Waiting { version_id };
    m.mode = Mode::Normal;
    m.dirty = true;
}

pub(super) fn following(m: &mut Model, execution_id: String, fx: &mut Vec<Effect>) {
    m.push = PushState::Following { execution_id };
    // history: the pushed run is the latest; a past execution gives way to it.
    super::history::show_latest(m, fx);
    // The pushed run's builds, not one picked by hand before.
    m.build.source = BuildSource::Auto;
    m.dirty = true;
    fx.push(Effect::RefreshNow);
}

pub(super) fn waiting_for_poll(m: &mut Model, version_id: String, note: String) {
    m.push = PushState::WaitingForPoll { version_id, note };
    m.dirty = true;
}

pub(super) fn no_execution(m: &mut Model, version_id: String, explanation: String) {
    m.push = PushState::NoExecution { version_id, explanation };
    m.dirty = true;
}

/// Any push failure: one line in the notice, the app keeps running.
pub(super) fn fail(m: &mut Model, text: String) {
    if m.mode == Mode::Push {
        m.mode = Mode::Normal;
    }
    m.push = PushState::Idle;
    m.set_notice(PUSH_NOTICE, text);
}

fn clear_notice(m: &mut Model) {
    m.clear_notice_from(PUSH_NOTICE);
}
