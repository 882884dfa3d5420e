//! The `?` help popup: the keymap's lines, flowed into as many columns (and
//! pages) as `layout::help` finds the terminal needs.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::layout::centered;
use crate::layout::help::{COLUMN, HelpLine, help_layout, lines};
use crate::model::{Modal, Model};
use crate::ui::{popup_block, theme};

fn styled(line: HelpLine) -> Line<'static> {
    match line {
        HelpLine::Title(title) => Line::styled(title, Style::default().add_modifier(Modifier::BOLD)),
        HelpLine::Row(keys, what) => {
            Line::from(vec![Span::styled(format!(" {keys:<11} "), theme::key_style()), Span::raw(what)])
        }
    }
}

pub fn render(frame: &mut Frame, area: Rect, m: &Model) {
    let ascii = m.config.ascii;
    let lines: Vec<Line> = lines(m).into_iter().map(styled).collect();
    let (rows, per_page, pages) = help_layout(m, area);
    let page = match m.modal {
        Modal::Help { page } => page.min(pages.saturating_sub(1)),
        _ => 0,
    };
    let rect = centered(area, per_page * (COLUMN + 1) + 1, rows + 2);
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
