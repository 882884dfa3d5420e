//! The control actions (start, retry, stop, approve, transitions) as plain
//! data: the request the driver sends, and the confirmation that builds it.

use crate::keymap::Action;
use crate::model::snapshot::{StageSnapshot, Status};
use crate::model::start::RevisionOverride;
use crate::model::{Mode, Model};

/// One mutating CodePipeline call, ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ControlRequest {
    /// StartPipelineExecution (a release change: the latest source revisions).
    Start { pipeline: String },
    /// RetryStageExecution with FAILED_ACTIONS (`all` = ALL_ACTIONS).
    Retry { pipeline: String, stage: String, execution_id: String, all: bool },
    /// StopPipelineExecution; `abandon` skips waiting for running actions.
    Stop { pipeline: String, execution_id: String, abandon: bool, reason: String },
    /// PutApprovalResult.
    Approve { pipeline: String, stage: String, action: String, token: String, approve: bool, summary: String },
    /// EnableStageTransition / DisableStageTransition (inbound).
    Transition { pipeline: String, stage: String, enable: bool, reason: String },
    /// StartPipelineExecution overriding pipeline variables and source
    /// revisions (`:start --revision Source=VERSION VAR=value`).
    StartWith { pipeline: String, variables: Vec<(String, String)>, revisions: Vec<RevisionOverride> },
    /// RollbackStage to an earlier execution that succeeded in `stage`.
    Rollback { pipeline: String, stage: String, target_id: String },
    /// OverrideStageCondition BEFORE_ENTRY: the held execution enters `stage`.
    Override { pipeline: String, stage: String, execution_id: String },
}

impl ControlRequest {
    /// What is being done, for the status line: "retry of stage Build".
    pub fn describe(&self) -> String {
        match self {
            ControlRequest::Start { pipeline } => format!("start of {pipeline}"),
            ControlRequest::Retry { stage, all, .. } => {
                format!("retry of stage {stage} ({})", if *all { "all actions" } else { "failed actions" })
            }
            ControlRequest::Stop { execution_id, abandon, .. } => {
                let how = if *abandon { "abandon" } else { "stop" };
                format!("{how} of execution {}", short_id(execution_id))
            }
            ControlRequest::Approve { action, approve, .. } => {
                format!("{} of {action}", if *approve { "approval" } else { "rejection" })
            }
            ControlRequest::Transition { stage, enable, .. } => {
                format!("{} of the transition into {stage}", if *enable { "enabling" } else { "disabling" })
            }
            ControlRequest::StartWith { pipeline, variables, revisions } => {
                format!("start of {pipeline} with {}", start_text(variables, revisions))
            }
            ControlRequest::Rollback { stage, target_id, .. } => {
                format!("rollback of {stage} to execution {}", short_id(target_id))
            }
            ControlRequest::Override { stage, execution_id, .. } => {
                format!("override of {stage}'s entry condition for execution {}", short_id(execution_id))
            }
        }
    }
}

/// What a confirmation is about, with what the request needs besides the
/// typed text and the choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ControlKind {
    Start,
    Retry {
        stage: String,
        execution_id: String,
        all: bool,
    },
    Stop {
        execution_id: String,
    },
    Approve {
        stage: String,
        action: String,
        token: String,
    },
    Transition {
        stage: String,
        enable: bool,
    },
    StartWith {
        variables: Vec<(String, String)>,
        revisions: Vec<RevisionOverride>,
    },
    /// `about`: the target as the dialog shows it (id, revision, when).
    Rollback {
        stage: String,
        target_id: String,
        about: String,
    },
    /// `:override STAGE`: the execution the stage's entry condition holds.
    Override {
        stage: String,
        execution_id: String,
    },
}

/// Which text field typing goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The reason (stop, disable) or summary (approve).
    Text,
    /// The pipeline name, typed to confirm (confirm-by-name profiles).
    Name,
}

/// The open confirmation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirm {
    pub pipeline: String,
    pub kind: ControlKind,
    /// Stop: 0 stop and wait, 1 abandon. Approve: 0 approve, 1 reject.
    pub choice: usize,
    pub text: String,
    /// Typing the pipeline name is required.
    pub by_name: bool,
    pub typed_name: String,
    pub field: Field,
    /// Why Enter did nothing (e.g. the name does not match).
    pub problem: Option<String>,
    /// Opened from the approvals inbox: where the approval waits (its
    /// account and Region may not be the connection's), and Esc goes back there.
    pub target: Option<crate::model::inbox::Target>,
}

impl Confirm {
    pub fn new(pipeline: String, kind: ControlKind, by_name: bool) -> Self {
        let field = if Self::has_text(&kind) || !by_name { Field::Text } else { Field::Name };
        Confirm {
            pipeline,
            kind,
            choice: 0,
            text: String::new(),
            by_name,
            typed_name: String::new(),
            field,
            problem: None,
            target: None,
        }
    }

    /// Stop and approve offer two choices.
    pub fn choices(&self) -> &'static [&'static str] {
        match self.kind {
            ControlKind::Stop { .. } => &["Stop and wait", "Abandon"],
            ControlKind::Approve { .. } => &["Approve", "Reject"],
            _ => &[],
        }
    }

    /// Kinds with a reason or summary field.
    pub fn has_text(kind: &ControlKind) -> bool {
        matches!(
            kind,
            ControlKind::Stop { .. } | ControlKind::Approve { .. } | ControlKind::Transition { enable: false, .. }
        )
    }

    /// The label of the text field, if there is one.
    pub fn text_label(&self) -> Option<&'static str> {
        match &self.kind {
            ControlKind::Approve { .. } => Some("Summary"),
            k if Self::has_text(k) => Some("Reason"),
            _ => None,
        }
    }

    /// The field typed into now.
    pub fn input(&mut self) -> &mut String {
        match self.field {
            Field::Name => &mut self.typed_name,
            Field::Text => &mut self.text,
        }
    }

    /// The request, or why it cannot be sent yet.
    pub fn request(&self) -> Result<ControlRequest, String> {
        if self.by_name && self.typed_name != self.pipeline {
            return Err(format!("type the pipeline name \"{}\" to confirm", self.pipeline));
        }
        let pipeline = self.pipeline.clone();
        let text = self.text.trim().to_string();
        Ok(match &self.kind {
            ControlKind::Start => ControlRequest::Start { pipeline },
            ControlKind::Retry { stage, execution_id, all } => {
                ControlRequest::Retry { pipeline, stage: stage.clone(), execution_id: execution_id.clone(), all: *all }
            }
            ControlKind::Stop { execution_id } => ControlRequest::Stop {
                pipeline,
                execution_id: execution_id.clone(),
                abandon: self.choice == 1,
                reason: text,
            },
            ControlKind::Approve { stage, action, token } => ControlRequest::Approve {
                pipeline,
                stage: stage.clone(),
                action: action.clone(),
                token: token.clone(),
                approve: self.choice == 0,
                // AWS requires a summary; an empty one gets a plain default.
                summary: if text.is_empty() { default_summary(self.choice == 0) } else { text },
            },
            ControlKind::Transition { stage, enable } => {
                if !enable && text.is_empty() {
                    return Err("a reason is required to disable a transition: type one".into());
                }
                if !enable && !text.chars().all(transition_reason_char) {
                    return Err("AWS allows letters, digits, spaces and ! @ ( ) . * ? - in this reason".into());
                }
                ControlRequest::Transition { pipeline, stage: stage.clone(), enable: *enable, reason: text }
            }
            ControlKind::StartWith { variables, revisions } => {
                ControlRequest::StartWith { pipeline, variables: variables.clone(), revisions: revisions.clone() }
            }
            ControlKind::Rollback { stage, target_id, .. } => {
                ControlRequest::Rollback { pipeline, stage: stage.clone(), target_id: target_id.clone() }
            }
            ControlKind::Override { stage, execution_id } => {
                ControlRequest::Override { pipeline, stage: stage.clone(), execution_id: execution_id.clone() }
            }
        })
    }
}

/// DisableStageTransition's reason: `[a-zA-Z0-9!@ \(\)\.\*\?\-]+`.
fn transition_reason_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!@ ().*?-".contains(c)
}

impl Confirm {
    /// The longest text AWS takes in this dialog's field.
    pub fn max_text(&self) -> usize {
        match self.kind {
            ControlKind::Stop { .. } => 200,
            ControlKind::Transition { .. } => 300,
            ControlKind::Approve { .. } => 512,
            _ => 0,
        }
    }
}

/// "Source: S3 object version v1, ENV=prod": what a start overrides.
pub fn start_text(variables: &[(String, String)], revisions: &[RevisionOverride]) -> String {
    let mut parts: Vec<String> = revisions.iter().map(RevisionOverride::describe).collect();
    if !variables.is_empty() {
        parts.push(crate::model::rollback::vars_text(variables));
    }
    parts.join(", ")
}

fn default_summary(approve: bool) -> String {
    if approve { "Approved in pipewatch".into() } else { "Rejected in pipewatch".into() }
}

/// The first 8 characters of an execution id, as the graph shows it.
pub fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// Whether a key's footer hint fits what is on screen: `a` only while an
/// approval waits, `r` on a failed stage, `x` while a run is going, `s` when
/// none is. Read-only hides every mutating key.
pub fn offered(m: &Model, action: Action) -> bool {
    if m.session.read_only && action.is_mutating() {
        return false;
    }
    let control = matches!(
        action,
        Action::Start | Action::Retry | Action::RetryAll | Action::Stop | Action::Approve | Action::Transition
    );
    // Control keys act on the latest run: not offered over a past one.
    if control && m.session.history.past.is_some() {
        return false;
    }
    if m.mode() == Mode::Confirm {
        // The dialog's own keys: a choice only where there is one, Tab only
        // between two fields.
        let c = m.modal.confirm();
        return match action {
            Action::Left | Action::Right => c.is_some_and(|c| !c.choices().is_empty()),
            Action::FocusNext => c.is_some_and(|c| c.by_name && Confirm::has_text(&c.kind)),
            _ => true,
        };
    }
    if m.mode() == Mode::Inbox {
        // The inbox's Enter answers the selected row, in that row's account.
        let row = m.inbox.selected_row();
        return action != Action::Approve || row.is_some_and(|r| !m.config.read_only_for(r.target.profile.as_deref()));
    }
    match action {
        Action::Approve => waiting_approval(m).is_some(),
        Action::Retry | Action::RetryAll => selected_stage(m).is_some_and(retryable),
        Action::Stop => running_execution(m).is_some(),
        Action::Start => m.session.pipeline.is_some() && running_execution(m).is_none(),
        _ => true,
    }
}

pub fn selected_stage(m: &Model) -> Option<&StageSnapshot> {
    m.session.state.as_ref()?.stages.get(m.session.selected.0)
}

/// A stage whose latest execution failed or was stopped can be retried.
pub fn retryable(stage: &StageSnapshot) -> bool {
    matches!(stage.latest_execution, Some((_, Status::Failed | Status::Stopped)))
}

/// The execution in progress in any stage, and its status there.
pub fn running_execution(m: &Model) -> Option<(&str, Status)> {
    let stages = &m.session.state.as_ref()?.stages;
    stages.iter().find_map(|s| match &s.latest_execution {
        Some((id, status @ (Status::InProgress | Status::Stopping))) => Some((id.as_str(), status.clone())),
        _ => None,
    })
}

/// (stage, action, token) of the approval waiting for an answer: the
/// selected one first, else the first in the pipeline.
pub fn waiting_approval(m: &Model) -> Option<(String, String, String)> {
    let state = m.session.state.as_ref()?;
    let waiting = |(si, ai): (usize, usize)| {
        let stage = state.stages.get(si)?;
        let action = stage.actions.get(ai)?;
        let token = action.approval_token.clone()?;
        Some((stage.name.clone(), action.name.clone(), token))
    };
    waiting(m.session.selected).or_else(|| crate::model::selection::positions(state).into_iter().find_map(waiting))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_name_needs_the_exact_name_and_disable_needs_a_reason() {
        let kind = ControlKind::Transition { stage: "Build".into(), enable: false };
        let mut c = Confirm::new("mlops-demo".into(), kind, true);
        assert!(c.request().is_err_and(|e| e.contains("mlops-demo")));
        c.typed_name = "mlops-demo".into();
        assert!(c.request().is_err_and(|e| e.contains("reason")));
        c.text = "  freeze  ".into();
        let want = ControlRequest::Transition {
            pipeline: "mlops-demo".into(),
            stage: "Build".into(),
            enable: false,
            reason: "freeze".into(),
        };
        assert_eq!(c.request(), Ok(want));
    }

    #[test]
    fn choices_pick_abandon_and_reject() {
        let mut stop = Confirm::new("p".into(), ControlKind::Stop { execution_id: "e".into() }, false);
        stop.choice = 1;
        assert!(matches!(stop.request(), Ok(ControlRequest::Stop { abandon: true, .. })));
        let kind = ControlKind::Approve { stage: "A".into(), action: "Ok".into(), token: "t".into() };
        let mut approve = Confirm::new("p".into(), kind, false);
        approve.choice = 1;
        let Ok(ControlRequest::Approve { approve: false, summary, .. }) = approve.request() else { panic!() };
        assert_eq!(summary, "Rejected in pipewatch");
    }
}
