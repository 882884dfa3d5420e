//! A Commands action's log is followed like a build's, but there is no build
//! to poll for its end: the action's status in the pipeline state says when
//! the log is complete, and the tailer is told once (it then reads until the
//! last lines have been ingested, and stops).

use super::Effect;
use crate::model::Model;
use crate::model::compute::{action_of_log, is_log_arn};
use crate::model::snapshot::Status;

/// After the followed id may have changed: tells the tailer of a Commands
/// log that the action ended, once per followed log.
pub(super) fn check_log_end(m: &mut Model, fx: &mut Vec<Effect>) {
    let Some(id) = m.session.build.id.clone().filter(|id| is_log_arn(id)) else { return };
    if m.session.build.log_ended {
        return;
    }
    let ended = m
        .session
        .state
        .as_ref()
        .and_then(|s| action_of_log(s, &id))
        .is_some_and(|(_, a)| a.status.as_ref().is_some_and(|s| *s != Status::InProgress));
    if ended {
        m.session.build.log_ended = true;
        fx.push(Effect::ActionLogEnded(id));
    }
}
