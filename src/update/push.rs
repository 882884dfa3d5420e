//! The push (`p`): the dialog's keys and the driver's answers. The plan with
//! its temp zip lives in the driver; the model holds a `PlanView`.

use super::Effect;
use crate::keymap::Action;
use crate::model::push::{PlanView, PushDialog, PushState, SourceChoice};
use crate::model::{BuildSource, Modal, Model};

/// The notice's "api" for push problems (workers never clear it).
pub const PUSH_NOTICE: &str = "push";

/// `p`: plan a push of the workspace to the shown pipeline.
pub(super) fn start(m: &mut Model, fx: &mut Vec<Effect>) {
    if matches!(m.session.push, PushState::Waiting { .. } | PushState::WaitingForPoll { .. } | PushState::Starting) {
        fail(m, "a push is still waiting for its run; try again once it shows".into());
        return;
    }
    let Some(pipeline) = m.session.pipeline.clone() else {
        fail(m, "no pipeline shown: choose one with o, then push with p".into());
        return;
    };
    clear_notice(m);
    // A run followed before is followed no more once another push starts.
    m.session.push = PushState::Idle;
    m.modal = Modal::Push(PushDialog::Planning);
    fx.push(Effect::PlanPush { pipeline, source_action: None });
}

/// `s` after a push no run picked up: start one pinned to our version.
pub(super) fn start_run(m: &mut Model, fx: &mut Vec<Effect>) {
    if let PushState::NoExecution { version_id, .. } = &m.session.push {
        fx.push(Effect::StartPushedRun { version_id: version_id.clone() });
        m.session.push = PushState::Starting;
    }
}

/// Keys while the dialog is open.
pub(super) fn dialog_action(m: &mut Model, action: Action, fx: &mut Vec<Effect>) -> bool {
    let Modal::Push(dialog) = &mut m.modal else { return false };
    match action {
        // The upload is one PUT: it cannot be cancelled.
        Action::Close if matches!(dialog, PushDialog::Uploading { .. }) => {}
        Action::Close => {
            m.modal = Modal::Normal;
            fx.push(Effect::CancelPush);
        }
        Action::Select => match dialog {
            PushDialog::Confirm(view) if !view.blocked() => {
                let plan = std::mem::take(view);
                let total = plan.zip_bytes;
                m.modal = Modal::Push(PushDialog::Uploading { plan, sent: 0, total });
                fx.push(Effect::ExecutePush);
            }
            PushDialog::Choosing { sources, selected } => {
                let Some(choice) = sources.get(*selected) else { return true };
                let source_action = Some(choice.action.clone());
                let Some(pipeline) = m.session.pipeline.clone() else { return true };
                m.modal = Modal::Push(PushDialog::Planning);
                fx.push(Effect::PlanPush { pipeline, source_action });
            }
            // Preflight errors block the push; nothing to confirm yet or any more.
            PushDialog::Confirm(_) | PushDialog::Planning | PushDialog::Uploading { .. } => {}
        },
        Action::Down | Action::Up => {
            if let PushDialog::Choosing { sources, selected } = dialog {
                let last = sources.len().saturating_sub(1);
                *selected = if action == Action::Down { (*selected + 1).min(last) } else { selected.saturating_sub(1) };
            }
        }
        _ => return false,
    }
    true
}

/// The dialog, while the plan is being made (`None` once cancelled).
fn planning(m: &mut Model) -> Option<&mut PushDialog> {
    match &mut m.modal {
        Modal::Push(dialog @ PushDialog::Planning) => Some(dialog),
        _ => None,
    }
}

pub(super) fn planned(m: &mut Model, result: Result<PlanView, String>) {
    // Cancelled meanwhile: nothing to show.
    let Some(dialog) = planning(m) else { return };
    match result {
        Ok(view) => *dialog = PushDialog::Confirm(view),
        Err(e) => fail(m, e),
    }
    m.dirty = true;
}

pub(super) fn sources(m: &mut Model, sources: Vec<SourceChoice>) {
    if let Some(dialog) = planning(m) {
        *dialog = PushDialog::Choosing { sources, selected: 0 };
        m.dirty = true;
    }
}

pub(super) fn progress(m: &mut Model, new_sent: u64, new_total: u64) {
    if let Modal::Push(PushDialog::Uploading { sent, total, .. }) = &mut m.modal {
        *sent = new_sent.min(new_total);
        *total = new_total;
        m.dirty = true;
    }
}

pub(super) fn uploaded(m: &mut Model, version_id: Option<String>) {
    m.session.push = PushState::Waiting { version_id };
    m.modal = Modal::Normal;
    m.dirty = true;
}

pub(super) fn following(m: &mut Model, execution_id: String, fx: &mut Vec<Effect>) {
    m.session.push = PushState::Following { execution_id };
    // The pushed run is the latest: a past execution gives way to it.
    super::history::show_latest(m, fx);
    // The pushed run's builds, not one picked by hand before.
    m.session.build.source = BuildSource::Auto;
    m.dirty = true;
    fx.push(Effect::RefreshNow);
}

pub(super) fn waiting_for_poll(m: &mut Model, version_id: String, note: String) {
    m.session.push = PushState::WaitingForPoll { version_id, note };
    m.dirty = true;
}

pub(super) fn no_execution(m: &mut Model, version_id: String, explanation: String) {
    m.session.push = PushState::NoExecution { version_id, explanation };
    m.dirty = true;
}

/// Any push failure: one line in the notice, the app keeps running.
pub(super) fn fail(m: &mut Model, text: String) {
    if matches!(m.modal, Modal::Push(_)) {
        m.modal = Modal::Normal;
    }
    m.session.push = PushState::Idle;
    m.set_notice(PUSH_NOTICE, text);
}

fn clear_notice(m: &mut Model) {
    m.clear_notice_from(PUSH_NOTICE);
}
