//! `update(&mut Model, Msg) -> Vec<Effect>`: the only place the model changes.
//! Pure: no IO, no clock (the loop sets `model.now`), no terminal.

mod alerts;
#[cfg(test)]
mod alerts_tests;
mod batch;
#[cfg(test)]
mod batch_tests;
mod command;
#[cfg(test)]
mod command_tests;
mod compute;
#[cfg(test)]
mod compute_tests;
mod conditions;
#[cfg(test)]
mod conditions_tests;
mod control;
#[cfg(test)]
mod control_tests;
mod copy;
mod details;
mod effect;
pub use details::PANE_WIDTH as DETAILS_PANE_WIDTH;
pub mod fleet;
#[cfg(test)]
mod fleet_tests;
mod history;
#[cfg(test)]
mod history_tests;
pub mod inbox;
#[cfg(test)]
mod inbox_tests;
mod keys;
#[cfg(test)]
mod keys_tests;
pub mod notify;
#[cfg(test)]
mod notify_tests;
mod panes;
mod push;
#[cfg(test)]
mod push_tests;
mod rollback;
#[cfg(test)]
mod rollback_tests;
#[cfg(test)]
mod start_tests;
#[cfg(test)]
mod test_input;
#[cfg(test)]
mod tests;

use crate::model::health::{ApiFailure, FailureKind};
use crate::model::selection::{clamp_selection, is_approval, wanted_build};
use crate::model::snapshot::{PipelineSnapshot, Status};
use crate::model::{Modal, Model, Notice};
use crate::msg::Msg;

pub use command::ExternalCommand;
pub use effect::Effect;

/// Effects to run once at start (the pipeline named on the command line).
pub fn init(m: &Model) -> Vec<Effect> {
    m.session.pipeline.iter().map(|p| Effect::WatchPipeline(p.clone())).collect()
}

pub fn update(m: &mut Model, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    // The followed run changes only with what the pipeline poller and the push bring.
    let run_news = matches!(msg, Msg::PipelineState { .. } | Msg::Executions { .. } | Msg::PushFollowing { .. });
    let mut live_news = false;
    match msg {
        Msg::Key(key) => {
            // A confirmation stays until the next key.
            m.dirty |= m.session.info.take().is_some();
            if !fleet::on_key(m, key, &mut fx) {
                keys::on_key(m, key, &mut fx);
            }
        }
        Msg::Resize(w, h) => {
            m.size = (w, h);
            panes::ensure_focus_visible(m);
            m.dirty = true;
            panes::watch_visible_rows(m, &mut fx);
            fleet::tell_visible(m, &mut fx);
        }
        Msg::Paste(text) => paste(m, &text),
        Msg::FocusGained | Msg::FocusLost => {
            m.terminal_focused = msg == Msg::FocusGained;
            fx.push(Effect::SetFocus(m.terminal_focused));
        }
        Msg::Tick => {
            let minute = m.now.timestamp() / 60;
            m.dirty |= time_shown(m) || minute != m.drawn_minute;
            m.drawn_minute = minute;
        }
        Msg::Identity(r) => {
            if let Some(account) = ok(m, r) {
                set(&mut m.session.connection.account, Some(account), &mut m.dirty);
            }
        }
        Msg::Pipelines(r) => {
            if let Some(items) = ok(m, r) {
                on_pipelines(m, items, &mut fx);
                inbox::retarget(m, &mut fx);
            }
        }
        Msg::PipelineLatest { pipeline, latest } => {
            if let Some(row) = m.session.list.items.iter_mut().find(|p| p.name == pipeline) {
                set(&mut row.latest, latest, &mut m.dirty);
            }
        }
        Msg::PipelineState { pipeline, result } if m.session.pipeline.as_ref() == Some(&pipeline) => {
            if let Some(state) = ok(m, result) {
                on_state(m, state, &mut fx);
                live_news = true;
            }
        }
        Msg::Executions { pipeline, result } if m.session.pipeline.as_ref() == Some(&pipeline) => {
            if let Some(list) = ok(m, result) {
                history::on_executions(m, &list, &mut fx);
                set(&mut m.session.executions, list, &mut m.dirty);
            }
        }
        Msg::Lanes { pipeline, result } if m.session.pipeline.as_ref() == Some(&pipeline) => {
            if let Some(lanes) = ok(m, result) {
                set(&mut m.session.lanes, lanes, &mut m.dirty);
            }
        }
        Msg::RuleRuns { pipeline, result } if m.session.pipeline.as_ref() == Some(&pipeline) => {
            if let Some(runs) = ok(m, result) {
                set(&mut m.session.rule_runs, runs, &mut m.dirty);
            }
        }
        Msg::PipelineState { .. } | Msg::Executions { .. } | Msg::Lanes { .. } | Msg::RuleRuns { .. } => {}
        Msg::Build { result } => {
            if let Some(b) = ok(m, result)
                && m.session.build.id.as_ref() == Some(&b.id)
            {
                set(&mut m.session.build.snapshot, Some(b), &mut m.dirty);
            }
        }
        Msg::Batch { id, result } => batch::on_batch(m, id, result, &mut fx),
        Msg::PhaseMedians { project, medians } => {
            if m.session.build.snapshot.as_ref().is_none_or(|b| b.project == project) {
                set(&mut m.session.build.medians, medians, &mut m.dirty);
            }
        }
        Msg::Details(result) => details::fetched(m, result),
        Msg::Tests { build_id, result } => {
            if m.session.build.id.as_ref() == Some(&build_id)
                && let Some(t) = ok(m, result)
            {
                set(&mut m.session.build.tests, Some(t), &mut m.dirty);
            }
        }
        Msg::Log { build_id, result } if m.session.build.id.as_ref() == Some(&build_id) => {
            if let Some(batch) = ok(m, result) {
                for e in &batch.events {
                    m.logs.buffer.push_event(e);
                }
                m.dirty |= !batch.events.is_empty();
            }
        }
        Msg::Log { .. } => {}
        Msg::LogSource { build_id, source } if m.session.build.id.as_ref() == Some(&build_id) => {
            set(&mut m.logs.source, source, &mut m.dirty);
        }
        Msg::LogSource { .. } => {}
        Msg::PushPlanned(result) => push::planned(m, result),
        Msg::PushSources(list) => push::sources(m, list),
        Msg::PushProgress { sent, total } => push::progress(m, sent, total),
        Msg::PushUploaded { version_id } => push::uploaded(m, version_id),
        Msg::PushFollowing { execution_id } => push::following(m, execution_id, &mut fx),
        Msg::PushWaitingForPoll { version_id, note } => push::waiting_for_poll(m, version_id, note),
        Msg::PushNoExecution { version_id, explanation } => push::no_execution(m, version_id, explanation),
        Msg::PushFailed(text) => push::fail(m, text),
        Msg::ControlDone { request, result } => {
            inbox::control_done(m, &request, &result);
            control::done(m, request, result, &mut fx);
        }
        Msg::RollbackTarget { pipeline, stage, result } => rollback::on_target(m, &pipeline, stage, result),
        Msg::Approvals { target, result } => {
            if let Ok(approvals) = &result {
                alerts::on_approvals(m, &target, approvals, &mut fx);
            }
            inbox::on_approvals(m, target, result);
        }
        Msg::Connected(result) => {
            command::connected(m, result, &mut fx);
            fleet::connected(m, &mut fx);
        }
        Msg::RanInTerminal { command, outcome } => {
            fleet::ran(m, &outcome, &mut fx);
            command::ran(m, &command, outcome, &mut fx);
        }
        Msg::FleetListed { place, result } => fleet::listed(m, place, result, &mut fx),
        Msg::FleetAccount { place, account } => fleet::account(m, place, account),
        Msg::FleetLatest { key, result } => fleet::latest(m, key, result, &mut fx),
        Msg::FleetLogin { profile, message: _ } => fleet::login_needed(m, &profile),
        Msg::PastExecution { pipeline, execution_id, result } => {
            history::on_past_execution(m, &pipeline, &execution_id, result, &mut fx);
        }
        Msg::StageMedians { pipeline, result } => history::on_stage_medians(m, &pipeline, result),
        Msg::ApiOk { api } => {
            m.dirty |= m.session.health.recover(&api);
            if m.session.notice.as_ref().is_some_and(|n| n.api == api) {
                m.session.notice = None;
                m.dirty = true;
            }
        }
    }
    if run_news {
        notify::check(m, &mut fx);
    }
    // After the run's title: while an approval waits, the title says so.
    if live_news {
        alerts::on_live_state(m, &mut fx);
    }
    alerts::watch_stars(m, &mut fx);
    if m.quit {
        fx.push(Effect::Quit);
    }
    fx
}

/// Pasted text goes where text is typed: one line, printable only (a paste
/// must not smuggle controls in).
fn paste(m: &mut Model, text: &str) {
    let line = text.lines().next().unwrap_or("");
    match &mut m.modal {
        Modal::Search(input) => input.extend(line.chars().filter(|c| !c.is_control())),
        // Marks the model dirty only if a field took the text.
        Modal::Confirm(_) => return control::type_text(m, line),
        Modal::Command => command::paste(m, line),
        Modal::Normal
        | Modal::Help { .. }
        | Modal::PipelinePopup
        | Modal::Push(_)
        | Modal::History
        | Modal::Inbox
        | Modal::Details => return,
    }
    m.dirty = true;
}

/// Unwraps a worker result; a failure goes to API health and, unless it is
/// throttling (retried quietly), to the notice line.
pub(super) fn ok<T>(m: &mut Model, r: Result<T, ApiFailure>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(f) => {
            m.dirty = true;
            m.session.health.record(&f, m.now);
            if f.kind == FailureKind::Expired {
                m.session.notice = Some(Notice { api: f.api.clone(), text: command::login_hint(m) });
            } else if f.kind != FailureKind::Throttled {
                m.session.notice = Some(Notice { api: f.api.clone(), text: f.message.clone() });
            }
            None
        }
    }
}

fn on_pipelines(m: &mut Model, mut items: Vec<crate::model::snapshot::PipelineSummary>, fx: &mut Vec<Effect>) {
    // Keep row statuses already fetched: ListPipelines does not carry them.
    for item in &mut items {
        if item.latest.is_none() {
            item.latest = m.session.list.items.iter().find(|o| o.name == item.name).and_then(|o| o.latest.clone());
        }
    }
    m.dirty |= !m.session.list.loaded;
    m.session.list.loaded = true;
    set(&mut m.session.list.items, items, &mut m.dirty);
    m.session.list.selected = m.session.list.selected.min(m.session.list.items.len().saturating_sub(1));
    // The fleet list chooses what to watch.
    if m.session.pipeline.is_none()
        && !fleet::is_open(m)
        && let Some(first) = m.session.list.items.first()
    {
        let name = first.name.clone();
        panes::show_pipeline(m, name, fx);
    }
    panes::watch_visible_rows(m, fx);
}

fn on_state(m: &mut Model, state: PipelineSnapshot, fx: &mut Vec<Effect>) {
    // A past execution is on screen: keep the live state for later.
    if m.session.history.past.is_some() {
        history::on_live_state(m, state, fx);
        return;
    }
    set(&mut m.session.state, Some(state), &mut m.dirty);
    clamp_selection(m);
    follow_wanted_build(m, fx);
}

/// Switches the phase and log panes to the build they should show, if it changed.
pub(crate) fn follow_wanted_build(m: &mut Model, fx: &mut Vec<Effect>) {
    batch::forget_other(m, fx);
    let wanted = wanted_build(m);
    if wanted.is_some() && wanted != m.session.build.id {
        m.session.build.id = wanted.clone();
        m.session.build.snapshot = None;
        m.session.build.medians.clear();
        m.session.build.tests = None;
        m.session.build.log_ended = false;
        m.logs.clear();
        // A batch with no group started yet has no build to watch.
        fx.extend(wanted.filter(|w| !batch::is_batch(m, w)).map(Effect::WatchBuild));
        m.dirty = true;
    }
    if m.session.build.id != wanted_build(m)
        && crate::model::compute::pinned_other(m).is_some()
        && m.session.build.id.is_some()
    {
        // An action with no build: nothing of another one stays on screen.
        m.session.build.id = None;
        m.session.build.snapshot = None;
        m.logs.clear();
        m.dirty = true;
    }
    compute::check_log_end(m, fx);
}

/// Replaces a value, marking the model dirty only when it changed: a poll
/// that brings the same data draws nothing.
pub(super) fn set<T: PartialEq>(slot: &mut T, value: T, dirty: &mut bool) {
    if *slot != value {
        *slot = value;
        *dirty = true;
    }
}

/// Whether a tick changes the screen: elapsed seconds of running work, or a
/// retry countdown. Ages and waiting approvals change once a minute; an idle
/// screen redraws only then.
fn time_shown(m: &Model) -> bool {
    let running_action = m
        .session
        .state
        .iter()
        .flat_map(|s| &s.stages)
        .flat_map(|s| &s.actions)
        .any(|a| a.status == Some(Status::InProgress) && !is_approval(a));
    let running_build = m.session.build.snapshot.as_ref().is_some_and(|b| b.status == Status::InProgress);
    running_action || running_build || m.session.health.has_countdown()
}
