//! "An approval is waiting" notifications: when a manual approval starts
//! waiting in the pipeline shown or a starred one, the bell and/or a desktop
//! notification (as when a run ends), and the title says so while the shown
//! pipeline waits. Computed from the shown pipeline's poll and the inbox's
//! reads while it is open; a starred pipeline read by neither is read on its
//! own at the stars' slow pace (`watch_stars`). `*` stars a list row.

use std::collections::BTreeSet;

use super::Effect;
use super::notify::Notification;
use crate::config::Desktop;
use crate::model::Model;
use crate::model::alerts::stars_text;
use crate::model::inbox::{Approval, Target, approvals_in};
use crate::model::snapshot::PipelineSnapshot;
use crate::model::terminal::{followed_run, title};
use crate::sanitize::printable;

/// The title's mark while the shown pipeline waits for an approval.
const WAITING_UNICODE: &str = "⏸";
const WAITING_ASCII: &str = "||";

/// The pipeline shown, as a target.
fn shown(m: &Model) -> Option<Target> {
    let c = &m.session.connection;
    let pipeline = m.session.pipeline.clone()?;
    Some(Target { profile: c.profile.clone(), region: c.region.clone(), pipeline })
}

/// After the shown pipeline's poll: its live state (kept aside while a past
/// execution is shown).
pub(super) fn on_live_state(m: &mut Model, fx: &mut Vec<Effect>) {
    let s = &m.session;
    let live: Option<&PipelineSnapshot> =
        if s.history.past.is_some() { s.history.live.as_ref() } else { s.state.as_ref() };
    let Some(state) = live else { return };
    let Some(target) = shown(m).filter(|t| t.pipeline == state.name) else { return };
    let approvals = approvals_in(state);
    seen(m, &target, &approvals, fx);
    waiting_title(m, &target, &approvals, fx);
}

/// One inbox read.
pub(super) fn on_approvals(m: &mut Model, target: &Target, approvals: &[Approval], fx: &mut Vec<Effect>) {
    seen(m, target, approvals, fx);
}

fn seen(m: &mut Model, target: &Target, approvals: &[Approval], fx: &mut Vec<Effect>) {
    let tokens: BTreeSet<String> = approvals.iter().map(|a| a.token.clone()).collect();
    let fresh = m.alerts.fresh(target, tokens);
    let wanted = shown(m).as_ref() == Some(target) || m.alerts.is_starred(target);
    let cfg = &m.config.notify;
    if !wanted || (!cfg.bell && cfg.desktop == Desktop::Off) {
        return;
    }
    for a in approvals.iter().filter(|a| fresh.contains(&a.token)) {
        let body = printable(&format!("{} approval waiting: {}/{}", target.pipeline, a.stage, a.action));
        fx.push(Effect::Notify(Notification {
            bell: cfg.bell,
            desktop: cfg.desktop,
            summary: "pipewatch".into(),
            body,
        }));
    }
}

/// "⏸ mlops-demo approval waiting" while the shown pipeline waits; the run's
/// own title again once it does not.
fn waiting_title(m: &mut Model, target: &Target, approvals: &[Approval], fx: &mut Vec<Effect>) {
    if !m.config.notify.title {
        return;
    }
    let mark = if m.config.ascii { WAITING_ASCII } else { WAITING_UNICODE };
    let ours = m.title.as_deref().is_some_and(|t| t.starts_with(mark));
    let wanted = if !approvals.is_empty() {
        Some(printable(&format!("{mark} {} approval waiting", target.pipeline)))
    } else if ours {
        followed_run(m).map(|r| title(&r.pipeline, &r.status, m.config.ascii))
    } else {
        None
    };
    if let Some(t) = wanted.filter(|t| m.title.as_ref() != Some(t)) {
        m.title = Some(t.clone());
        fx.push(Effect::SetTitle(t));
    }
}

/// The starred pipelines that nothing else reads: not the one shown, not
/// those the open inbox sweeps. Asks for their reads when that set changes
/// (no stars: no request).
pub(super) fn watch_stars(m: &mut Model, fx: &mut Vec<Effect>) {
    // Runs after every Msg (log batches included): compare without
    // allocating, and build the list only when it changed.
    if unread_stars(m).eq(m.alerts.watching.iter()) {
        return;
    }
    let list: Vec<Target> = unread_stars(m).cloned().collect();
    m.alerts.watching = list.clone();
    fx.push(Effect::WatchStars(list));
}

/// The starred pipelines neither the shown pipeline's poll nor the open inbox reads.
fn unread_stars(m: &Model) -> impl Iterator<Item = &Target> {
    let c = &m.session.connection;
    let inbox_open = m.modal == crate::model::Modal::Inbox;
    m.alerts.starred.iter().filter(move |t| {
        let shown = Some(&t.pipeline) == m.session.pipeline.as_ref() && t.profile == c.profile && t.region == c.region;
        let swept = inbox_open && m.inbox.targets.contains(t);
        !(shown || swept)
    })
}

/// `*` on the pipeline list: star or unstar the selected row; the stars are saved.
pub(super) fn star(m: &mut Model, fx: &mut Vec<Effect>) {
    let Some(row) = m.session.list.items.get(m.session.list.selected) else { return };
    let c = &m.session.connection;
    let target = Target { profile: c.profile.clone(), region: c.region.clone(), pipeline: row.name.clone() };
    let starred = m.alerts.toggle(target.clone());
    m.session.info = Some(if starred {
        format!("starred {}: an approval waiting there notifies", target.pipeline)
    } else {
        format!("unstarred {}", target.pipeline)
    });
    fx.push(Effect::SaveStars(stars_text(&m.alerts.starred)));
    m.dirty = true;
}
