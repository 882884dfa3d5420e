//! The `?` help, generated from the keymap, flowed into as many columns as
//! the terminal needs.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::keymap;
use crate::ui::{layout, popup_block, theme};

const COLUMN: u16 = 38;

fn lines() -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (title, rows) in keymap::help_sections() {
        if rows.is_empty() {
            continue;
        }
        lines.push(Line::styled(title, Style::default().add_modifier(Modifier::BOLD)));
        for (keys, what) in rows {
            lines.push(Line::from(vec![Span::styled(format!(" {keys:<11} "), theme::key_style()), Span::raw(what)]));
        }
    }
    lines
}

pub fn render_help(frame: &mut Frame, area: Rect, ascii: bool) {
    let lines = lines();
    let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    // Help may take the whole height: two columns must hold every key at 80x24.
    let max_rows = area.height.saturating_sub(2).max(1);
    let columns = total.div_ceil(max_rows).max(1);
    let rows = total.div_ceil(columns);
    let mut rect = layout::centered(area, columns * (COLUMN + 1) + 1, rows + 2);
    if rows + 2 > rect.height {
        rect.y = area.y;
        rect.height = (rows + 2).min(area.height);
    }
    let block = popup_block("Help · Esc close", ascii);
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    for (i, chunk) in lines.chunks(usize::from(rows.max(1))).enumerate() {
        let x = inner.x.saturating_add(u16::try_from(i).unwrap_or(u16::MAX).saturating_mul(COLUMN + 1));
        if x >= inner.right() {
            break;
        }
        let col = Rect::new(x, inner.y, COLUMN.min(inner.right() - x), inner.height);
        frame.render_widget(Paragraph::new(chunk.to_vec()), col);
    }
}
