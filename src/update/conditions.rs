//! `:override [STAGE]`: OverrideStageCondition BEFORE_ENTRY for the execution
//! a stage's entry condition holds (CodePipeline API Reference), behind the
//! usual confirmation and read-only rules.

use super::control::{may_act, refuse};
use crate::model::conditions::ConditionKind;
use crate::model::control::{Confirm, ControlKind};
use crate::model::snapshot::Status;
use crate::model::{Modal, Model};

pub(super) fn override_entry(m: &mut Model, stage: Option<String>) {
    let Some(pipeline) = may_act(m) else { return };
    match target(m, stage) {
        Ok(kind) => m.modal = Modal::Confirm(Confirm::new(pipeline, kind, m.session.confirm_by_name)),
        Err(text) => refuse(m, text),
    }
}

/// The stage (named, else the selected one) and the execution its entry
/// condition holds; why not, in one line.
fn target(m: &Model, stage: Option<String>) -> Result<ControlKind, String> {
    let pipeline = m.session.pipeline.clone().unwrap_or_default();
    let state = m.session.state.as_ref().ok_or("the pipeline is still loading: try again in a moment")?;
    let found = match &stage {
        Some(name) => state.stages.iter().find(|s| s.name == *name),
        None => state.stages.get(m.session.selected.0),
    };
    let Some(found) = found else {
        let name = stage.unwrap_or_default();
        return Err(format!("no stage `{name}` in {pipeline}: Tab after :override lists them"));
    };
    let entry = found.v2.conditions.iter().find(|c| c.kind == ConditionKind::BeforeEntry);
    let Some(entry) = entry else {
        return Err(format!("{} has no entry condition to override", found.name));
    };
    if entry.status.as_deref() != Some("InProgress") {
        let now = entry.status.as_deref().unwrap_or("not evaluated");
        return Err(format!("{}'s entry condition is {now}: only one in progress can be overridden", found.name));
    }
    // The execution waiting to enter; else the run in progress.
    let waiting = found
        .inbound_execution
        .clone()
        .or_else(|| m.session.executions.iter().find(|e| matches!(e.status, Status::InProgress)).map(|e| e.id.clone()));
    let execution_id = waiting.ok_or_else(|| format!("no execution waits to enter {}", found.name))?;
    Ok(ControlKind::Override { stage: found.name.clone(), execution_id })
}
