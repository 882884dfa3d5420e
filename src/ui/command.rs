//! The `:` command line on the bottom row, and the completion candidates in a
//! small box just above it while Tab cycles through them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::model::Model;
use crate::ui::{popup_block, theme, truncate};

/// Candidates shown at once (the box scrolls with the selection).
const SHOWN: usize = 8;

pub fn render(m: &Model, frame: &mut Frame, area: Rect) {
    if area.height == 0 || area.width < 4 {
        return;
    }
    let row = Rect::new(area.x, area.bottom() - 1, area.width, 1);
    let width = usize::from(area.width);
    // The end of a long line stays visible: that is where the typing happens.
    let typed: String = {
        let all: Vec<char> = m.command.input.chars().collect();
        all[all.len().saturating_sub(width.saturating_sub(3))..].iter().collect()
    };
    let mut spans = vec![Span::styled(":", theme::key_style()), Span::raw(typed.clone()), Span::styled(" ", cursor())];
    let hint = " Tab complete · Enter run · Esc cancel ";
    let used = typed.chars().count() + 2;
    if used + hint.chars().count() < width {
        spans.push(Span::raw(" ".repeat(width - used - hint.chars().count())));
        spans.push(Span::styled(hint, theme::dim()));
    }
    frame.render_widget(Clear, row);
    frame.render_widget(Paragraph::new(Line::from(spans)), row);
    render_candidates(m, frame, area, row);
}

/// A reversed cell where the next character goes.
fn cursor() -> Style {
    Style::default().add_modifier(Modifier::REVERSED)
}

fn render_candidates(m: &Model, frame: &mut Frame, area: Rect, row: Rect) {
    let Some(c) = &m.command.completion else { return };
    let n = c.candidates.len();
    let rows = n.min(SHOWN).min(usize::from(row.y.saturating_sub(area.y)).saturating_sub(2));
    if rows == 0 {
        return;
    }
    // The window that keeps the current candidate in view.
    let first = c.index.saturating_sub(rows - 1).min(n - rows);
    let longest = c.candidates.iter().map(|s| s.chars().count()).max().unwrap_or(0);
    let title = format!("{}/{n}", c.index + 1);
    let inner_w = longest.max(title.len() + 2).min(usize::from(area.width).saturating_sub(4));
    let w = u16::try_from(inner_w + 4).unwrap_or(u16::MAX).min(area.width);
    let h = u16::try_from(rows + 2).unwrap_or(u16::MAX);
    // Under the word being completed (":" plus its offset), kept on screen.
    let word_col = u16::try_from(m.command.input[..c.word_start].chars().count() + 1).unwrap_or(0);
    let x = (row.x + word_col.saturating_sub(2)).min(area.right().saturating_sub(w));
    let rect = Rect::new(x, row.y - h, w, h);
    let lines: Vec<Line> = c.candidates[first..first + rows]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let text = format!(" {} ", truncate(name, inner_w));
            if first + i == c.index { Line::styled(text, cursor()) } else { Line::raw(text) }
        })
        .collect();
    let block = popup_block(&title, m.config.ascii);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
