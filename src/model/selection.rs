//! Questions about the pipeline snapshot: which action is selected, which
//! build to show by default.

use crate::model::compute::{followed_id, is_commands};
use crate::model::snapshot::{ActionSnapshot, PipelineSnapshot, Status};
use crate::model::{BuildSource, Model};

/// A CodeBuild action (the ones whose build we can show).
pub fn is_build_action(a: &ActionSnapshot) -> bool {
    a.provider.as_deref() == Some("CodeBuild")
}

/// A manual approval (its elapsed time is shown in minutes).
pub fn is_approval(a: &ActionSnapshot) -> bool {
    a.category.as_deref() == Some("Approval") || a.provider.as_deref() == Some("Manual")
}

/// The build id the phase and log panes should show now: for a batch, the
/// shown group's build (the batch id until a group has started).
pub fn wanted_build(m: &Model) -> Option<String> {
    let action = followed_action_id(m);
    match &m.session.build.batch {
        Some(batch) if action.as_deref() == Some(batch.id.as_str()) => batch.shown_build().or(action),
        _ => action,
    }
}

/// What the followed action names: a build id, a batch id or a log ARN.
pub fn followed_action_id(m: &Model) -> Option<String> {
    let state = m.session.state.as_ref()?;
    match &m.session.build.source {
        BuildSource::Action { stage, action } => state
            .stages
            .iter()
            .find(|s| &s.name == stage)
            .and_then(|s| s.actions.iter().find(|a| &a.name == action))
            .and_then(followed_id),
        BuildSource::Auto => default_build(state),
    }
}

/// The running compute action's build (or Commands log), else the last one
/// in pipeline order.
pub fn default_build(state: &PipelineSnapshot) -> Option<String> {
    let builds = || {
        state
            .stages
            .iter()
            .flat_map(|s| &s.actions)
            .filter(|a| (is_build_action(a) || is_commands(a)) && followed_id(a).is_some())
    };
    builds().find(|a| a.status == Some(Status::InProgress)).or_else(|| builds().next_back()).and_then(followed_id)
}

/// All (stage, action) positions in graph order.
pub fn positions(state: &PipelineSnapshot) -> Vec<(usize, usize)> {
    state.stages.iter().enumerate().flat_map(|(s, st)| (0..st.actions.len()).map(move |a| (s, a))).collect()
}

pub fn selected_action(m: &Model) -> Option<(&str, &ActionSnapshot)> {
    let stage = m.session.state.as_ref()?.stages.get(m.session.selected.0)?;
    Some((stage.name.as_str(), stage.actions.get(m.session.selected.1)?))
}

/// Keeps the selection on an existing action after the snapshot changed.
pub fn clamp_selection(m: &mut Model) {
    let Some(state) = &m.session.state else { return };
    let Some(last_stage) = state.stages.len().checked_sub(1) else {
        m.session.selected = (0, 0);
        return;
    };
    let stage = m.session.selected.0.min(last_stage);
    let action = m.session.selected.1.min(state.stages[stage].actions.len().saturating_sub(1));
    m.session.selected = (stage, action);
}
