//! The approvals inbox (`A`): opening it reads every target now and keeps
//! reading at a slow pace while open (`Effect::WatchInbox`); closing it stops
//! that. An approval is answered behind the usual confirmation, with the
//! read-only and confirm-by-name rules of the target's own profile.

use super::Effect;
use crate::keymap::Action;
use crate::model::control::{Confirm, ControlKind, ControlRequest};
use crate::model::health::ApiFailure;
use crate::model::inbox::{Approval, Target};
use crate::model::{Modal, Model};

/// The targets the inbox reads today: the current connection's pipelines
/// (the pipeline list, else the pipeline shown). A fleet hands in its own.
pub fn targets(m: &Model) -> Vec<Target> {
    // `--fleet`: the rows its poller saw waiting at an approval, in every
    // place; reading all of a 500-pipeline fleet would cost 500 requests.
    if let Some(fleet) = &m.fleet {
        use crate::model::fleet::Latest;
        let waiting = |r: &&crate::model::fleet::Row| matches!(r.latest, Latest::Run { waiting_approval: true, .. });
        let target = |r: &crate::model::fleet::Row| Target {
            profile: Some(r.key.place.profile.clone()),
            region: r.key.place.region.clone(),
            pipeline: r.key.pipeline.clone(),
        };
        return fleet.rows().iter().filter(waiting).map(target).collect();
    }
    let c = &m.session.connection;
    let at =
        |pipeline: &str| Target { profile: c.profile.clone(), region: c.region.clone(), pipeline: pipeline.into() };
    let mut names: Vec<&str> = m.session.list.items.iter().map(|p| p.name.as_str()).collect();
    if let Some(shown) = m.session.pipeline.as_deref().filter(|p| !names.contains(p)) {
        names.push(shown);
    }
    names.into_iter().map(at).collect()
}

/// The connection's own place, for labels ("b (prod/eu-west-1)" elsewhere).
pub fn home(m: &Model) -> Target {
    let c = &m.session.connection;
    Target { profile: c.profile.clone(), region: c.region.clone(), pipeline: String::new() }
}

/// `A`: open the inbox and read every target now.
pub(super) fn open(m: &mut Model, fx: &mut Vec<Effect>) {
    let targets = targets(m);
    m.inbox.set_targets(targets.clone());
    m.inbox.problem = None;
    m.modal = Modal::Inbox;
    fx.push(Effect::WatchInbox(Some(targets)));
}

/// The pipeline list changed: read the new set while the inbox is open.
pub(super) fn retarget(m: &mut Model, fx: &mut Vec<Effect>) {
    if m.modal != Modal::Inbox && m.modal.confirm().is_none_or(|c| c.target.is_none()) {
        return;
    }
    let targets = targets(m);
    if targets != m.inbox.targets {
        m.inbox.set_targets(targets.clone());
        fx.push(Effect::WatchInbox(Some(targets)));
        m.dirty = true;
    }
}

/// Keys while the inbox is open.
pub(super) fn dialog_action(m: &mut Model, action: Action, fx: &mut Vec<Effect>) -> bool {
    let rows = m.inbox.rows().len();
    match action {
        Action::Down => m.inbox.selected = (m.inbox.selected + 1).min(rows.saturating_sub(1)),
        Action::Up => m.inbox.selected = m.inbox.selected.saturating_sub(1),
        Action::Approve => answer(m),
        Action::Close => {
            m.modal = Modal::Normal;
            fx.push(Effect::WatchInbox(None));
        }
        _ => return false,
    }
    true
}

/// Enter on a row: the approve/reject confirmation, for that row's place.
fn answer(m: &mut Model) {
    let Some(row) = m.inbox.selected_row() else {
        m.inbox.problem = Some("no approval is waiting".into());
        return;
    };
    let profile = row.target.profile.as_deref();
    if m.config.read_only_for(profile) {
        let why = if m.config.read_only {
            "read-only mode".to_string()
        } else {
            format!("profile {} is read-only", profile.unwrap_or("default"))
        };
        m.inbox.problem = Some(format!("{why}: approvals cannot be answered from here"));
        return;
    }
    m.inbox.problem = None;
    let Approval { stage, action, token, .. } = row.approval;
    let kind = ControlKind::Approve { stage, action, token };
    let mut confirm = Confirm::new(row.target.pipeline.clone(), kind, m.config.confirm_by_name_for(profile));
    confirm.target = Some(row.target);
    m.modal = Modal::Confirm(confirm);
}

/// One target read.
pub(super) fn on_approvals(m: &mut Model, target: Target, result: Result<Vec<Approval>, ApiFailure>) {
    if !m.inbox.targets.contains(&target) {
        return;
    }
    m.dirty |= m.inbox.record(target, result.map_err(|f| f.message));
}

/// An answer AWS accepted leaves the inbox at once (the next read agrees).
pub(super) fn control_done(m: &mut Model, request: &ControlRequest, result: &Result<String, ApiFailure>) {
    if let (ControlRequest::Approve { pipeline, stage, action, .. }, Ok(_)) = (request, result) {
        for target in m.inbox.targets.clone().iter().filter(|t| &t.pipeline == pipeline) {
            m.inbox.forget(target, stage, action);
        }
    }
    // A refusal is the notice line's; inside the inbox it is shown there too.
    if let (Err(f), true) = (result, m.modal == Modal::Inbox) {
        m.inbox.problem = Some(format!("{} refused: {}", request.describe(), f.message));
    }
}
