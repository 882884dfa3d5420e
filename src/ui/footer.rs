//! The footer (keys that apply now, from the keymap) and the notice line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::keymap;
use crate::model::Model;
use crate::ui::theme;

pub fn render(m: &Model, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let mut spans = Vec::new();
    let mut used = 0;
    // Whole hints only: a cut-off "o pipe" helps nobody.
    for (key, what) in keymap::footer_hints(m.mode, m.focus) {
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

/// One line naming the problem and its fix (from the failing API).
pub fn render_notice(m: &Model, frame: &mut Frame, area: Rect) {
    let Some(n) = &m.notice else { return };
    if area.height == 0 {
        return;
    }
    let symbol = if m.config.ascii { "!" } else { "⚠" };
    let line = Line::styled(format!(" {symbol} {}", n.text), Style::default().fg(Color::Red));
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), area);
}
