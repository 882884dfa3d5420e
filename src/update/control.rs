//! Control keys (s r R x a T): open a confirmation that says what will
//! happen, build the request from it, and show the answer as one line.

use super::Effect;
use crate::keymap::Action;
use crate::model::control::{
    Confirm, ControlKind, ControlRequest, Field, retryable, running_execution, selected_stage, waiting_approval,
};
use crate::model::health::ApiFailure;
use crate::model::snapshot::Status;
use crate::model::{Modal, Model};

/// The notice's "api" for control problems (workers never clear it).
pub const CONTROL_NOTICE: &str = "control";

/// A control key in Normal mode.
pub(super) fn open(m: &mut Model, action: Action) {
    clear_notice(m);
    let pipeline = match ready(m) {
        Ok(p) => p,
        Err(text) => return refuse(m, text),
    };
    let kind = match action {
        Action::Start => Ok(ControlKind::Start),
        Action::Retry | Action::RetryAll => retry(m, action == Action::RetryAll),
        Action::Stop => match running_execution(m) {
            Some((id, _)) => Ok(ControlKind::Stop { execution_id: id.to_string() }),
            None => Err("no execution is running: nothing to stop".to_string()),
        },
        Action::Approve => match waiting_approval(m) {
            Some((stage, action, token)) => Ok(ControlKind::Approve { stage, action, token }),
            None => Err("no approval is waiting for an answer".to_string()),
        },
        Action::Transition => transition(m),
        _ => return,
    };
    match kind {
        Ok(kind) => {
            let mut confirm = Confirm::new(pipeline, kind, m.session.confirm_by_name);
            // Stopping already: only abandoning is left (AWS refuses a second stop).
            if matches!(running_execution(m), Some((_, Status::Stopping))) && action == Action::Stop {
                confirm.choice = 1;
            }
            m.modal = Modal::Confirm(confirm);
        }
        Err(text) => refuse(m, text),
    }
}

/// The pipeline a control acts on, or why none can be sent now.
pub(super) fn ready(m: &Model) -> Result<String, String> {
    let Some(pipeline) = m.session.pipeline.clone() else {
        return Err("no pipeline shown: choose one with o first".into());
    };
    if let Some(to) = &m.switching {
        return Err(format!("switching to {to}: wait for it, then try again"));
    }
    if m.session.history.past.is_some() {
        return Err("a past execution is shown: press E to go back to the latest run first".into());
    }
    Ok(pipeline)
}

/// Read-only mode: say why the key does nothing.
/// What every `:` control command checks first: the notice cleared, not
/// read-only, a pipeline ready to act on. The pipeline, or `None` once the
/// refusal is on the notice line.
pub(super) fn may_act(m: &mut Model) -> Option<String> {
    clear_notice(m);
    if m.session.read_only {
        read_only(m);
        return None;
    }
    match ready(m) {
        Ok(p) => Some(p),
        Err(text) => {
            refuse(m, text);
            None
        }
    }
}

pub(super) fn read_only(m: &mut Model) {
    let profile = m.session.connection.profile.as_deref().unwrap_or("default");
    let why = if m.config.read_only { "read-only mode".to_string() } else { format!("profile {profile} is read-only") };
    refuse(m, format!("{why}: start, retry, stop, approve, transitions and push are off"));
}

fn retry(m: &Model, all: bool) -> Result<ControlKind, String> {
    let stage = selected_stage(m).ok_or("no stage selected")?;
    match &stage.latest_execution {
        Some((id, _)) if retryable(stage) => {
            Ok(ControlKind::Retry { stage: stage.name.clone(), execution_id: id.clone(), all })
        }
        _ => Err(format!("stage {} has not failed: select a failed stage with h/l, then r", stage.name)),
    }
}

fn transition(m: &Model) -> Result<ControlKind, String> {
    let stage = selected_stage(m).ok_or("no stage selected")?;
    if m.session.selected.0 == 0 {
        return Err(format!("{} is the first stage: it has no transition in; select a later one", stage.name));
    }
    Ok(ControlKind::Transition { stage: stage.name.clone(), enable: !stage.inbound_enabled })
}

/// Keys while the confirmation is open.
pub(super) fn dialog_action(m: &mut Model, action: Action, fx: &mut Vec<Effect>) -> bool {
    let Modal::Confirm(c) = &mut m.modal else { return false };
    match action {
        Action::Close => close(m),
        // Checked again: the rules may have changed since the dialog opened.
        Action::Select if c.target.is_none() && m.session.read_only => {
            close(m);
            read_only(m);
        }
        Action::Select => match c.request() {
            Ok(req) => {
                m.session.info = Some(format!("sending the {}…", req.describe()));
                match c.target.clone() {
                    Some(target) => fx.push(Effect::ControlAt { target, request: req }),
                    None => fx.push(Effect::Control(req)),
                }
                close(m);
            }
            Err(problem) => c.problem = Some(problem),
        },
        Action::Left | Action::Right => {
            let n = c.choices().len();
            if n > 0 {
                c.choice = (c.choice + if action == Action::Right { 1 } else { n - 1 }) % n;
            }
        }
        // Tab moves between two fields; with one, it stays.
        Action::FocusNext if c.by_name && Confirm::has_text(&c.kind) => {
            c.field = if c.field == Field::Text { Field::Name } else { Field::Text };
        }
        Action::FocusNext => {}
        Action::SearchBackspace => {
            c.input().pop();
        }
        _ => return false,
    }
    true
}

/// Typed or pasted text goes to the focused field (printable only).
pub(super) fn type_text(m: &mut Model, text: &str) {
    if let Modal::Confirm(c) = &mut m.modal {
        let has_text = Confirm::has_text(&c.kind);
        if c.field == Field::Text && !has_text {
            return;
        }
        // The name field takes the pipeline name (at most 100); the text field what AWS takes.
        let max = if c.field == Field::Name { 100 } else { c.max_text() };
        let room = max.saturating_sub(c.input().chars().count());
        c.input().extend(text.chars().filter(|ch| !ch.is_control()).take(room));
        c.problem = None;
        m.dirty = true;
    }
}

/// Back to where the dialog was opened: the inbox, or the main screen.
fn close(m: &mut Model) {
    let from_inbox = m.modal.confirm().is_some_and(|c| c.target.is_some());
    m.modal = if from_inbox { Modal::Inbox } else { Modal::Normal };
}

/// The answer: a status line and a refresh, or the refusal as one line.
pub(super) fn done(m: &mut Model, request: ControlRequest, result: Result<String, ApiFailure>, fx: &mut Vec<Effect>) {
    m.dirty = true;
    match result {
        Ok(text) => {
            clear_notice(m);
            m.session.info = Some(text);
            fx.push(Effect::RefreshNow);
        }
        Err(f) => {
            m.session.info = None;
            refuse(m, format!("{} refused: {}", request.describe(), f.message));
        }
    }
}

pub(super) fn refuse(m: &mut Model, text: String) {
    m.set_notice(CONTROL_NOTICE, text);
}

pub(super) fn clear_notice(m: &mut Model) {
    m.clear_notice_from(CONTROL_NOTICE);
}
