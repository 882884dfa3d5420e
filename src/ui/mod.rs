//! `render(&Model, &mut Frame)`: reads the model, draws every pane. No state.

mod command;
#[cfg(test)]
mod command_tests;
mod control;
#[cfg(test)]
mod control_tests;
mod footer;
pub mod graph;
mod header;
mod history;
#[cfg(test)]
mod history_tests;
pub mod layout;
mod list;
mod log;
mod palette;
pub mod phases;
pub mod popup;
mod push;
#[cfg(test)]
mod push_tests;
#[cfg(test)]
mod tests;
pub mod theme;
#[cfg(test)]
mod theme_tests;

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Padding};

use crate::model::{Mode, Model};

pub fn render(m: &Model, frame: &mut Frame) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    let areas = layout::compute(area, m);
    header::render(m, frame, areas.header);
    if let Some(r) = areas.list {
        list::render_pane(m, frame, r);
    }
    if let Some(r) = areas.graph {
        graph::render(m, frame, r);
    }
    if let Some(r) = areas.phases {
        phases::render(m, frame, r);
    }
    if let Some(r) = areas.log {
        log::render(m, frame, r);
    }
    footer::render_notice(m, frame, areas.notice);
    footer::render(m, frame, areas.footer);
    match m.mode {
        Mode::PipelinePopup => list::render_popup(m, frame, area),
        Mode::Help => popup::render_help(frame, area, m),
        Mode::Push => push::render(m, frame, area),
        Mode::Confirm => control::render(m, frame, area),
        Mode::History => history::render(m, frame, area),
        Mode::Normal | Mode::Search => {}
        Mode::Command => command::render(m, frame, area),
    }
    if m.config.ascii {
        theme::asciify(frame.buffer_mut());
    }
    palette::apply(&m.config.theme, frame.buffer_mut());
}

/// A pane: a top rule carrying the title, highlighted when focused; content
/// indented one column to line up with the title.
fn pane_block(title: String, focused: bool, ascii: bool) -> Block<'static> {
    Block::default()
        .borders(Borders::TOP)
        .border_set(theme::border_set(ascii))
        .border_style(theme::border_style(focused))
        .padding(Padding::left(1))
        .title(Line::from(Span::styled(format!(" {title} "), theme::title_style(focused))))
}

/// A popup frame with a title.
fn popup_block(title: &str, ascii: bool) -> Block<'static> {
    Block::bordered()
        .border_set(theme::border_set(ascii))
        .border_style(theme::border_style(true))
        .title(format!(" {title} "))
}

/// At most `max` chars, with "…" when cut.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    if max > 0 {
        t.push('…');
    }
    t
}
