//! The fleet list (`--fleet NAME`): its poller's answers, its keys, Enter to
//! watch a row in its own account and Region (through the `:profile` /
//! `:region` switch), `F` to come back, `L` to log a profile in again.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Effect, ExternalCommand, panes};
use crate::model::fleet::{Latest, Place, RowKey};
use crate::model::health::ApiFailure;
use crate::model::{Mode, Model};
use crate::msg::RunOutcome;

/// The fleet list is on screen.
pub fn is_open(m: &Model) -> bool {
    m.fleet.as_ref().is_some_and(|f| f.open)
}

/// Lines of the list: the screen less the header, the column titles and the footer.
pub fn list_height(m: &Model) -> usize {
    usize::from(m.size.1).saturating_sub(3).max(1)
}

pub(super) fn listed(m: &mut Model, place: Place, result: Result<Vec<String>, ApiFailure>, fx: &mut Vec<Effect>) {
    let Some(f) = m.fleet.as_mut() else { return };
    match result {
        Ok(names) => {
            f.listed(&place, &names);
            if let Some(state) = f.places.get_mut(&place) {
                state.login_needed = false;
            }
        }
        Err(e) => f.places.entry(place).or_default().error = Some(e.message),
    }
    m.dirty = true;
    tell_visible(m, fx);
}

pub(super) fn account(m: &mut Model, place: Place, account: String) {
    if let Some(f) = m.fleet.as_mut() {
        f.places.entry(place).or_default().account = Some(account);
        m.dirty = true;
    }
}

pub(super) fn latest(m: &mut Model, key: RowKey, result: Result<Latest, ApiFailure>, fx: &mut Vec<Effect>) {
    let Some(f) = m.fleet.as_mut() else { return };
    match result {
        Ok(latest) => {
            if f.row(&key).is_some_and(|r| r.latest != latest) {
                f.latest(&key, latest);
                m.dirty = true;
            }
            if let Some(state) = f.places.get_mut(&key.place) {
                state.login_needed = false;
                state.error = None;
            }
        }
        Err(e) => {
            f.places.entry(key.place).or_default().error = Some(e.message);
            m.dirty = true;
        }
    }
    tell_visible(m, fx);
}

pub(super) fn login_needed(m: &mut Model, profile: &str) {
    if let Some(f) = m.fleet.as_mut() {
        f.set_login_needed(profile, true);
        m.dirty = true;
    }
}

/// Tells the poller which rows are on screen, when that changed.
pub(super) fn tell_visible(m: &mut Model, fx: &mut Vec<Effect>) {
    let height = list_height(m);
    let open = is_open(m);
    let Some(f) = m.fleet.as_mut() else { return };
    f.scroll_to_selection(height);
    let visible = if open { f.visible(height) } else { Vec::new() };
    if visible != f.told_visible {
        f.told_visible = visible.clone();
        fx.push(Effect::FleetVisible(visible));
    }
}

/// A key while the fleet list is open; false: not the fleet's (the usual keys apply).
pub(super) fn on_key(m: &mut Model, key: KeyEvent, fx: &mut Vec<Effect>) -> bool {
    let height = list_height(m);
    if !is_open(m) {
        // The pipeline view's keys, `F` (back here) among them.
        return false;
    }
    // A dialog over the list (the inbox, a confirmation) takes the keys; so
    // does the inbox's own key.
    if m.mode() != Mode::Normal || inbox_key(m, &key) {
        return false;
    }
    let Some(f) = m.fleet.as_mut() else { return false };
    m.dirty = true;
    if f.typing {
        match key.code {
            KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
                f.filter.push(c)
            }
            KeyCode::Backspace => {
                f.filter.pop();
            }
            KeyCode::Esc => {
                f.filter.clear();
                f.typing = false;
            }
            KeyCode::Enter => f.typing = false,
            _ => return true,
        }
        f.offset = 0;
        f.relayout();
        tell_visible(m, fx);
        return true;
    }
    match key.code {
        KeyCode::Char('q') => m.quit = true,
        KeyCode::Char('/') => f.typing = true,
        KeyCode::Esc => {
            f.filter.clear();
            f.relayout();
        }
        KeyCode::Down | KeyCode::Char('j') => f.move_selection(1),
        KeyCode::Up | KeyCode::Char('k') => f.move_selection(-1),
        KeyCode::PageDown => f.move_selection(height as isize),
        KeyCode::PageUp => f.move_selection(-(height as isize)),
        KeyCode::Home | KeyCode::Char('g') => f.move_selection(isize::MIN / 2),
        KeyCode::End | KeyCode::Char('G') => f.move_selection(isize::MAX / 2),
        KeyCode::Enter => return watch_selected(m, fx),
        KeyCode::Char('L') => login(m, fx),
        _ => {}
    }
    tell_visible(m, fx);
    true
}

/// `F` (the keymap's Fleet) in the pipeline view: back to the fleet list.
pub(super) fn back(m: &mut Model, fx: &mut Vec<Effect>) {
    let Some(f) = m.fleet.as_mut() else {
        m.set_notice("fleet", "no fleet: start pipewatch with --fleet NAME ([[fleet]] in the config)".into());
        return;
    };
    f.open = true;
    m.dirty = true;
    panes::watch_visible_rows(m, fx);
    tell_visible(m, fx);
}

/// The keymap's inbox key (`A` by default), unless a filter is being typed.
fn inbox_key(m: &Model, key: &KeyEvent) -> bool {
    let typing = m.fleet.as_ref().is_some_and(|f| f.typing);
    let cx = crate::keymap::Context::new(Mode::Normal, m.focus);
    !typing && m.config.keymap.lookup_in(cx, key) == Some(crate::keymap::Action::Inbox)
}

/// Enter: watch the selected row's pipeline in its own profile and Region.
fn watch_selected(m: &mut Model, fx: &mut Vec<Effect>) -> bool {
    let Some(key) = m.fleet.as_ref().and_then(|f| f.selected.clone()) else { return true };
    let conn = &m.session.connection;
    let here = conn.profile.as_deref() == Some(key.place.profile.as_str()) && conn.region == key.place.region;
    if let Some(f) = m.fleet.as_mut() {
        f.open = false;
    }
    tell_visible(m, fx);
    if here {
        panes::show_pipeline(m, key.pipeline.clone(), fx);
        panes::watch_visible_rows(m, fx);
        return true;
    }
    if m.switching.is_some() {
        m.set_notice("fleet", "still connecting: wait a moment, then try again".into());
        if let Some(f) = m.fleet.as_mut() {
            f.open = true;
        }
        return true;
    }
    m.switching = Some(format!("profile {} in {}", key.place.profile, key.place.region));
    fx.push(Effect::SwitchConnection {
        profile: Some(key.place.profile.clone()),
        region: Some(key.place.region.clone()),
    });
    if let Some(f) = m.fleet.as_mut() {
        f.pending = Some(key);
    }
    true
}

/// After a switch: the pipeline Enter chose, in the new connection.
pub(super) fn connected(m: &mut Model, fx: &mut Vec<Effect>) {
    let Some(key) = m.fleet.as_mut().and_then(|f| f.pending.take()) else { return };
    let conn = &m.session.connection;
    if conn.profile.as_deref() == Some(key.place.profile.as_str()) && conn.region == key.place.region {
        panes::show_pipeline(m, key.pipeline, fx);
    } else if let Some(f) = m.fleet.as_mut() {
        // The switch failed (the notice says why): back to the list.
        f.open = true;
        tell_visible(m, fx);
    }
}

/// `L` on a row: `aws sso login` for that row's profile.
fn login(m: &mut Model, fx: &mut Vec<Effect>) {
    let Some(f) = m.fleet.as_mut() else { return };
    let Some(key) = f.selected.clone() else { return };
    f.login_pending = Some(key.place.profile.clone());
    let args = vec!["sso".into(), "login".into(), "--profile".into(), key.place.profile];
    fx.push(Effect::RunInTerminal(ExternalCommand { program: "aws".into(), args }));
}

/// Back from `aws sso login`: that profile's rows poll again (the worker builds new clients).
pub(super) fn ran(m: &mut Model, outcome: &RunOutcome, fx: &mut Vec<Effect>) {
    let Some(f) = m.fleet.as_mut() else { return };
    let Some(profile) = f.login_pending.take() else { return };
    // Its rows say "login needed" until an answer with the new login comes.
    if *outcome == RunOutcome::Exited(Some(0)) {
        fx.push(Effect::FleetResume(profile));
    }
}
