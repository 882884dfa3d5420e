//! The pipeline list: a pane on wide terminals, a popup otherwise.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::layout;
use crate::layout::text;
use crate::model::{Mode, Model, Pane};
use crate::ui::{pane_block, popup_block, theme, truncate};

pub fn render_pane(m: &Model, frame: &mut Frame, area: Rect) {
    let focused = m.focus == Pane::List;
    let block = pane_block(format!("Pipelines ({})", m.session.list.items.len()), focused, m.config.ascii);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(rows(m, inner, focused)), inner);
}

pub fn render_popup(m: &Model, frame: &mut Frame, area: Rect) {
    let rect = layout::popup_list(area, m);
    let block = popup_block("Pipelines · Enter show · Esc close", m.config.ascii);
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    frame.render_widget(Paragraph::new(rows(m, inner, m.mode() == Mode::PipelinePopup)), inner);
}

fn rows(m: &Model, area: Rect, focused: bool) -> Vec<Line<'static>> {
    if !m.session.list.loaded {
        return vec![Line::styled("Listing…", theme::dim())];
    }
    if m.session.list.items.is_empty() {
        return vec![Line::styled("No pipelines", theme::dim())];
    }
    let (offset, count) = layout::list_window(m);
    let name_w = usize::from(area.width).saturating_sub(9).max(1);
    m.session
        .list
        .items
        .iter()
        .enumerate()
        .skip(offset)
        .take(count.max(1))
        .map(|(i, p)| {
            let status = p.latest.as_ref().map(|e| &e.status);
            let age = p
                .latest
                .as_ref()
                .and_then(|e| e.last_update.or(e.start))
                .map(|t| text::age_minutes((m.now - t).num_seconds()));
            let shown = m.session.pipeline.as_ref() == Some(&p.name);
            let mut name_style = if shown { Style::default().add_modifier(Modifier::BOLD) } else { Style::default() };
            if focused && i == m.session.list.selected {
                name_style = name_style.add_modifier(Modifier::REVERSED);
            }
            let starred = m.alerts.is_starred(&crate::model::inbox::Target {
                profile: m.session.connection.profile.clone(),
                region: m.session.connection.region.clone(),
                pipeline: p.name.clone(),
            });
            let name = if starred {
                let star = if m.config.ascii { "*" } else { "★" };
                let w = name_w.saturating_sub(2);
                format!("{:<w$} {star}", truncate(&p.name, w))
            } else {
                format!("{:<name_w$}", truncate(&p.name, name_w))
            };
            Line::from(vec![
                Span::styled(format!(" {} ", text::status_symbol(status, m.config.ascii)), theme::status_style(status)),
                Span::styled(name, name_style),
                Span::styled(format!("{:>5}", age.unwrap_or_default()), theme::dim()),
            ])
        })
        .collect()
}
