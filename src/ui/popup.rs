//! The `?` help, generated from the keymap, flowed into as many columns as
//! the terminal needs.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::model::Model;
use crate::ui::{layout, popup_block, theme};

const COLUMN: u16 = 37;

fn lines(m: &Model) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (title, rows) in m.config.keymap.help_sections() {
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

/// How the help flows at `area`: (rows per column, columns per page, pages).
pub fn help_layout(m: &Model, area: Rect) -> (u16, u16, usize) {
    let total = u16::try_from(lines(m).len()).unwrap_or(u16::MAX);
    let max_rows = area.height.saturating_sub(4).max(1);
    let fit_columns = (area.width.saturating_sub(3) / (COLUMN + 1)).max(1);
    let columns = total.div_ceil(max_rows).max(1);
    let rows = total.div_ceil(columns.min(fit_columns)).min(max_rows);
    let per_page = columns.min(fit_columns);
    (rows, per_page, usize::from(columns.div_ceil(per_page)))
}

pub fn render_help(frame: &mut Frame, area: Rect, m: &Model) {
    let ascii = m.config.ascii;
    let lines = lines(m);
    let (rows, per_page, pages) = help_layout(m, area);
    let page = m.help_page.min(pages.saturating_sub(1));
    let rect = layout::centered(area, per_page * (COLUMN + 1) + 1, rows + 2);
    let title = if pages > 1 {
        format!("Help · page {}/{pages} · j/k page · Esc close", page + 1)
    } else {
        "Help · Esc close".to_string()
    };
    let block = popup_block(&title, ascii);
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let columns = lines.chunks(usize::from(rows.max(1))).skip(page * usize::from(per_page));
    for (i, chunk) in columns.take(usize::from(per_page)).enumerate() {
        let x = inner.x.saturating_add(u16::try_from(i).unwrap_or(u16::MAX).saturating_mul(COLUMN + 1));
        if x >= inner.right() {
            break;
        }
        let col = Rect::new(x, inner.y, COLUMN.min(inner.right() - x), inner.height);
        frame.render_widget(Paragraph::new(chunk.to_vec()), col);
    }
}
