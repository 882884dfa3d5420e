//! The followed action's batch build: its snapshots, and moving between its
//! build groups in the phases pane (j/k, Enter shows the group's build).

use super::panes::Move;
use super::{Effect, follow_wanted_build, ok};
use crate::model::Model;
use crate::model::batch::{BatchSnapshot, BatchView};
use crate::model::health::ApiFailure;
use crate::model::selection::followed_action_id;

/// A BatchGetBuildBatches answer: kept if the followed action still names
/// this batch. The first one starts the batch's own poll while it runs.
pub(super) fn on_batch(m: &mut Model, id: String, result: Result<BatchSnapshot, ApiFailure>, fx: &mut Vec<Effect>) {
    let Some(snapshot) = ok(m, result) else { return };
    if followed_action_id(m).as_deref() != Some(id.as_str()) {
        return;
    }
    let view = &mut m.session.build.batch;
    if view.as_ref().is_none_or(|b| b.id != id) {
        *view = Some(BatchView::new(id.clone()));
        if !snapshot.complete {
            fx.push(Effect::WatchBatch(Some(id)));
        }
    }
    if let Some(v) = view.as_mut()
        && v.snapshot.as_ref() != Some(&snapshot)
    {
        v.update(snapshot);
        m.dirty = true;
    }
    follow_wanted_build(m, fx);
}

/// Whether `id` is the followed batch's id (not a build's).
pub(super) fn is_batch(m: &Model, id: &str) -> bool {
    m.session.build.batch.as_ref().is_some_and(|b| b.id == id)
}

/// The followed action no longer names the batch: drop it and its poll.
pub(super) fn forget_other(m: &mut Model, fx: &mut Vec<Effect>) {
    let action = followed_action_id(m);
    if m.session.build.batch.as_ref().is_some_and(|b| action.as_deref() != Some(b.id.as_str())) {
        m.session.build.batch = None;
        fx.push(Effect::WatchBatch(None));
        m.dirty = true;
    }
}

/// j/k move the cursor over the groups; Enter shows the group's build.
pub(super) fn move_group(m: &mut Model, moved: Move, fx: &mut Vec<Effect>) {
    let Some(v) = m.session.build.batch.as_mut() else { return };
    match moved {
        Move::Up | Move::Left => v.move_cursor(-1),
        Move::Down | Move::Right => v.move_cursor(1),
        Move::PageUp | Move::Top => v.move_cursor(isize::MIN / 2),
        Move::PageDown | Move::Bottom => v.move_cursor(isize::MAX / 2),
        Move::Select => v.choose(),
    }
    m.dirty = true;
    if moved == Move::Select {
        follow_wanted_build(m, fx);
    }
}
