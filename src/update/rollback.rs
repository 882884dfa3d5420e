//! `:rollback [STAGE]` (find the execution to roll back to, then the usual
//! confirmation) and `:start [--revision ACTION=VALUE] VAR=value ...` (the
//! confirmation of `s`, with pipeline variables and source revisions).

use super::Effect;
use super::control::{may_act, refuse};
use crate::model::control::{Confirm, ControlKind};
use crate::model::health::ApiFailure;
use crate::model::rollback::target_about;
use crate::model::snapshot::ExecutionSummary;
use crate::model::start::{StartArgs, resolve};
use crate::model::{Modal, Model};

/// `:start` with variables or source revisions: what `s` opens, overriding
/// them. The revisions are checked against the pipeline's source actions
/// before anything is sent.
pub(super) fn start(m: &mut Model, args: StartArgs) {
    let Some(pipeline) = may_act(m) else { return };
    let revisions = match (&m.session.state, args.revisions.is_empty()) {
        (_, true) => Vec::new(),
        (None, false) => return refuse(m, "the pipeline is still loading: try again in a moment".into()),
        (Some(state), false) => match resolve(state, &args.revisions) {
            Ok(r) => r,
            Err(text) => return refuse(m, text),
        },
    };
    let variables = args.variables;
    let kind = if variables.is_empty() && revisions.is_empty() {
        ControlKind::Start
    } else {
        ControlKind::StartWith { variables, revisions }
    };
    m.modal = Modal::Confirm(Confirm::new(pipeline, kind, m.session.confirm_by_name));
}

/// `:rollback [STAGE]`: checks what can be told now, then asks for the target.
pub(super) fn rollback(m: &mut Model, stage: Option<String>, fx: &mut Vec<Effect>) {
    let Some(pipeline) = may_act(m) else { return };
    let Some(state) = m.session.state.as_ref() else {
        return refuse(m, "the pipeline is still loading: try again in a moment".into());
    };
    let index = match &stage {
        Some(name) => state.stages.iter().position(|s| s.name == *name),
        None => Some(m.session.selected.0),
    };
    let Some(found) = index.and_then(|i| state.stages.get(i)) else {
        let name = stage.unwrap_or_default();
        return refuse(m, format!("no stage `{name}` in {pipeline}: Tab after :rollback lists them"));
    };
    // User Guide, "Configuring stage rollback": a source stage cannot be rolled back.
    let source = index == Some(0) || found.actions.iter().any(|a| a.category.as_deref() == Some("Source"));
    if source {
        return refuse(m, format!("{} is a source stage: AWS rolls back only later stages", found.name));
    }
    let current = found.latest_execution.as_ref().map(|(id, _)| id.clone());
    m.session.info = Some(format!("looking for the last execution that succeeded in {}…", found.name));
    fx.push(Effect::FindRollbackTarget { pipeline, stage: found.name.clone(), current });
}

/// The target is known: the confirmation, or why there is nothing to do.
pub(super) fn on_target(
    m: &mut Model,
    pipeline: &str,
    stage: String,
    result: Result<Option<ExecutionSummary>, ApiFailure>,
) {
    m.dirty = true;
    m.session.info = None;
    // The user moved on (another pipeline, another dialog): drop the answer.
    if m.session.pipeline.as_deref() != Some(pipeline) || !matches!(m.modal, Modal::Normal) {
        return;
    }
    match result {
        Ok(Some(target)) => {
            let kind = ControlKind::Rollback { stage, target_id: target.id.clone(), about: target_about(&target) };
            m.modal = Modal::Confirm(Confirm::new(pipeline.to_string(), kind, m.session.confirm_by_name));
        }
        Ok(None) => refuse(m, format!("no earlier execution succeeded in {stage}: there is nothing to roll back to")),
        Err(f) => refuse(m, format!("looking for a rollback target failed: {}", f.message)),
    }
}
