//! Notifications when the followed execution ends, and the terminal title.
//! Pure: compares the followed run before and after a message and returns
//! effects; the driver writes the bell, OSC 9/777 and OSC 0/2.

use super::Effect;
use crate::config::Desktop;
use crate::model::Model;
use crate::model::snapshot::ExecutionSummary;
use crate::model::terminal::{aws_word, followed_run, is_final, is_running, title};
use crate::sanitize::printable;

/// What to tell the user when the followed execution ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    /// Ring the bell (BEL).
    pub bell: bool,
    /// The desktop notification's dialect (`Off`: none).
    pub desktop: Desktop,
    pub summary: String,
    pub body: String,
}

/// The notification's summary line (the desktop shows it as the title).
const SUMMARY: &str = "pipewatch";

/// After each message: notify when the followed run went from running to a
/// final status while watched, and keep the title equal to its status.
pub(super) fn check(m: &mut Model, fx: &mut Vec<Effect>) {
    let now = followed_run(m);
    if now == m.session.followed {
        return;
    }
    let before = std::mem::replace(&mut m.session.followed, now.clone());
    // The run seen running before, looked up again: it may have ended in the
    // same poll that showed a newer run.
    if let Some(prev) = before
        && is_running(&prev.status)
        && m.session.pipeline.as_ref() == Some(&prev.pipeline)
        && let Some(ended) = m.session.executions.iter().find(|e| e.id == prev.execution_id && is_final(&e.status))
    {
        notify(m, &prev.pipeline, ended, fx);
    }
    if let Some(run) = now
        && m.config.notify.title
    {
        let title = title(&run.pipeline, &run.status, m.config.ascii);
        if m.title.as_ref() != Some(&title) {
            m.title = Some(title.clone());
            fx.push(Effect::SetTitle(title));
        }
    }
}

fn notify(m: &Model, pipeline: &str, ended: &ExecutionSummary, fx: &mut Vec<Effect>) {
    let cfg = &m.config.notify;
    if !cfg.bell && cfg.desktop == Desktop::Off {
        return;
    }
    let short: String = ended.id.chars().take(8).collect();
    let body = printable(&format!("{pipeline} {} (execution {short})", aws_word(&ended.status)));
    fx.push(Effect::Notify(Notification { bell: cfg.bell, desktop: cfg.desktop, summary: SUMMARY.into(), body }));
}
