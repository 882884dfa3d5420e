//! The footer (keys that apply now, from the keymap) and the notice line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::keymap;
use crate::model::control::offered;
use crate::model::push::{PushDialog, PushState};
use crate::model::{Modal, Mode, Model};
use crate::ui::theme;

pub fn render(m: &Model, frame: &mut Frame, area: Rect) {
    // The upload is one PUT: no key applies until it ends, so offer none.
    if area.height == 0 || matches!(m.modal, Modal::Push(PushDialog::Uploading { .. })) {
        return;
    }
    let mut spans = Vec::new();
    let mut used = 0;
    if m.session.read_only && m.mode() == Mode::Normal {
        let badge = " read-only ";
        used += badge.chars().count() + 1;
        spans.push(Span::styled(badge, theme::read_only_style()));
        spans.push(Span::raw(" "));
    }
    // Whole hints only: a cut-off "o pipe" helps nobody.
    let cx = keymap::Context {
        mode: m.mode(),
        focus: m.focus,
        start_offered: matches!(m.session.push, PushState::NoExecution { .. }),
        past_shown: m.session.history.past.is_some(),
    };
    // Preflight errors block Enter in the confirmation: do not offer it.
    let blocked = matches!(&m.modal, Modal::Push(PushDialog::Confirm(plan)) if plan.blocked());
    let entries = m.config.keymap.footer_entries_in(cx).into_iter().filter(|(_, _, action)| offered(m, *action));
    for (key, what, _) in entries.filter(|(k, _, _)| !(blocked && *k == "Enter")) {
        let (key, what) = (format!(" {key}"), format!(" {what} "));
        used += key.chars().count() + what.chars().count();
        if used > usize::from(area.width) && !spans.is_empty() {
            break;
        }
        spans.push(Span::styled(key, theme::key_style()));
        spans.push(Span::styled(what, theme::dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The answer to the last key (e.g. what `y` copied); else one line naming the
/// problem and its fix (from the failing API); else where a push is.
pub fn render_notice(m: &Model, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let line = match (&m.session.info, &m.session.notice, m.session.push.status_line()) {
        (Some(info), _, _) => Line::styled(format!(" {info}"), Style::default().fg(Color::Green)),
        (None, Some(n), _) => {
            let symbol = if m.config.ascii { "!" } else { "⚠" };
            Line::styled(format!(" {symbol} {}", n.text), Style::default().fg(Color::Red))
        }
        (None, None, Some(status)) => Line::styled(format!(" {status}"), Style::default().fg(Color::Cyan)),
        (None, None, None) => return,
    };
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), area);
}
