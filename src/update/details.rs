//! The details view (`d`): a popup, or a pane at 200 columns and more. Its
//! data is fetched when it opens, never polled.

use super::{Effect, ok};
use crate::keymap::Action;
use crate::model::{Modal, Model};

/// From this width the details are a pane beside the others.
pub const PANE_WIDTH: u16 = 200;

/// `d`: opens the view (and fetches), or closes the pane.
pub fn toggle(m: &mut Model, fx: &mut Vec<Effect>) {
    let wide = m.size.0 >= PANE_WIDTH;
    if wide && m.session.details.open {
        close(m);
        return;
    }
    let (Some(pipeline), Some(exec)) = (m.session.pipeline.clone(), m.shown_execution().map(|e| e.id.clone())) else {
        m.session.info = Some("no execution to show details of".into());
        m.dirty = true;
        return;
    };
    let d = &mut m.session.details;
    d.open = true;
    d.scroll = 0;
    d.error = None;
    // Data of another run would mislead while the new one loads.
    if d.data.as_ref().is_some_and(|x| x.execution_id != exec) {
        d.data = None;
    }
    d.loading = true;
    if !wide {
        m.modal = Modal::Details;
    }
    fx.push(Effect::FetchDetails { pipeline, execution_id: exec, build_id: m.session.build.id.clone() });
    m.dirty = true;
}

pub fn close(m: &mut Model) {
    m.session.details.open = false;
    if m.modal == Modal::Details {
        m.modal = Modal::Normal;
    }
    m.dirty = true;
}

/// Keys of the popup; false for a key it has no meaning for.
pub fn dialog_action(m: &mut Model, action: Action, _fx: &mut Vec<Effect>) -> bool {
    let d = &mut m.session.details;
    match action {
        Action::Close => close(m),
        Action::Down => d.scroll = d.scroll.saturating_add(1),
        Action::Up => d.scroll = d.scroll.saturating_sub(1),
        Action::PageDown => d.scroll = d.scroll.saturating_add(10),
        Action::PageUp => d.scroll = d.scroll.saturating_sub(10),
        Action::Top => d.scroll = 0,
        _ => return false,
    }
    m.dirty = true;
    true
}

pub fn fetched(m: &mut Model, result: Result<crate::model::details::Details, crate::msg::ApiFailure>) {
    m.session.details.loading = false;
    m.dirty = true;
    match result {
        Ok(d) => {
            m.session.details.error = None;
            m.session.details.data = Some(d);
        }
        Err(f) => {
            m.session.details.error = Some(f.message.clone());
            let _ = ok::<()>(m, Err(f));
        }
    }
}
