//! What the terminal was last told about the followed execution: its title,
//! and the run whose end rings the bell.

use crate::model::Model;
use crate::model::snapshot::Status;
use crate::sanitize::printable;

/// The execution pipewatch follows: the one a push started, else the one the
/// graph shows.
#[derive(Clone, Debug, PartialEq)]
pub struct FollowedRun {
    pub pipeline: String,
    pub execution_id: String,
    pub status: Status,
}

/// Marks `m`'s run as seen and titled: for models built by hand (samples),
/// so only later changes produce effects.
pub fn mark_seen(m: &mut Model) {
    let followed = followed_run(m);
    m.title = followed.as_ref().map(|r| title(&r.pipeline, &r.status, m.config.ascii));
    m.session.followed = followed;
}

/// The run a push started when the history lists it, else the one shown.
pub fn followed_run(m: &Model) -> Option<FollowedRun> {
    let pipeline = m.session.pipeline.clone()?;
    let pushed = m.session.push.followed().and_then(|id| m.session.executions.iter().find(|e| e.id == id));
    let e = pushed.or_else(|| m.live_execution())?;
    Some(FollowedRun { pipeline, execution_id: e.id.clone(), status: e.status.clone() })
}

/// "✔ mlops-demo Succeeded", "✘ mlops-demo Failed", "… mlops-demo InProgress".
pub fn title(pipeline: &str, status: &Status, ascii: bool) -> String {
    let (unicode, plain) = match status {
        Status::Succeeded => ("✔", "+"),
        Status::Failed | Status::TimedOut | Status::Fault => ("✘", "x"),
        Status::InProgress | Status::Queued | Status::Stopping => ("…", "..."),
        Status::Stopped | Status::Cancelled | Status::Abandoned => ("■", "#"),
        Status::Superseded => ("↷", "~"),
        Status::Skipped => ("↪", "/"),
        Status::Other(_) => ("?", "?"),
    };
    let symbol = if ascii { plain } else { unicode };
    printable(&format!("{symbol} {pipeline} {}", aws_word(status)))
}

/// Still going: a later poll may show its end.
pub fn is_running(s: &Status) -> bool {
    matches!(s, Status::InProgress | Status::Queued | Status::Stopping)
}

/// An end worth telling about. Superseded is not one: the newer run that
/// replaced it carries on, and its own end notifies.
pub fn is_final(s: &Status) -> bool {
    matches!(
        s,
        Status::Succeeded
            | Status::Failed
            | Status::Stopped
            | Status::Cancelled
            | Status::Abandoned
            | Status::TimedOut
            | Status::Fault
    )
}

/// The status as AWS spells it (the title and notification use AWS's words).
pub fn aws_word(s: &Status) -> &str {
    match s {
        Status::InProgress => "InProgress",
        Status::Succeeded => "Succeeded",
        Status::Failed => "Failed",
        Status::Stopped => "Stopped",
        Status::Stopping => "Stopping",
        Status::Superseded => "Superseded",
        Status::Cancelled => "Cancelled",
        Status::Abandoned => "Abandoned",
        Status::TimedOut => "TimedOut",
        Status::Fault => "Fault",
        Status::Queued => "Queued",
        Status::Skipped => "Skipped",
        Status::Other(other) => other,
    }
}
