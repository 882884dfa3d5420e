//! `render(&Model, &mut Frame)`: reads the model, draws every pane. No state.

mod batch;
#[cfg(test)]
mod batch_tests;
mod command;
#[cfg(test)]
mod command_tests;
mod compute;
#[cfg(test)]
mod compute_tests;
#[cfg(test)]
mod conditions_tests;
mod control;
#[cfg(test)]
mod control_tests;
mod details;
#[cfg(test)]
mod details_tests;
mod fleet;
#[cfg(test)]
mod fleet_tests;
mod footer;
mod graph;
mod header;
mod help;
mod history;
#[cfg(test)]
mod history_tests;
mod inbox;
#[cfg(test)]
mod inbox_tests;
mod lanes;
#[cfg(test)]
mod lanes_tests;
mod list;
mod log;
mod phases;
mod push;
#[cfg(test)]
mod push_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_report_tests;
pub mod theme;
#[cfg(test)]
mod theme_tests;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Padding};

use crate::layout;
use crate::model::{Mode, Model, Pane};

pub fn render(m: &Model, frame: &mut Frame) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    if crate::update::fleet::is_open(m) {
        fleet::render(m, frame, area);
        // The approvals inbox of the fleet, and its confirmation, over the list.
        match m.mode() {
            Mode::Inbox => inbox::render(m, frame, area),
            Mode::Confirm => {
                inbox::render(m, frame, area);
                control::render(m, frame, area)
            }
            _ => {}
        }
    } else {
        render_panes(m, frame, area);
    }
    if m.config.ascii {
        theme::asciify(frame.buffer_mut());
    }
    theme::apply_palette(&m.config.theme, frame.buffer_mut());
}

fn render_panes(m: &Model, frame: &mut Frame, area: Rect) {
    // At 200 columns and more the details view is a pane on the right.
    let side = m.session.details.open && area.width >= crate::update::DETAILS_PANE_WIDTH && m.mode() != Mode::Details;
    let main = if side { Rect { width: area.width - details::PANE_COLUMNS, ..area } } else { area };
    let mut areas = layout::compute(main, m);
    if side {
        for r in [&mut areas.header, &mut areas.notice, &mut areas.footer] {
            r.width = area.width;
        }
        let top = areas.header.bottom();
        let rect = Rect::new(main.right(), top, details::PANE_COLUMNS, areas.notice.y.saturating_sub(top));
        details::render_pane(m, frame, rect);
    }
    header::render(m, frame, areas.header);
    for &(pane, r) in &areas.panes {
        match pane {
            Pane::List => list::render_pane(m, frame, r),
            Pane::Graph => graph::render(m, frame, r),
            Pane::Phases => phases::render(m, frame, r),
            Pane::Log => log::render(m, frame, r),
        }
    }
    footer::render_notice(m, frame, areas.notice);
    footer::render(m, frame, areas.footer);
    match m.mode() {
        Mode::PipelinePopup => list::render_popup(m, frame, area),
        Mode::Help => help::render(frame, area, m),
        Mode::Push => push::render(m, frame, area),
        Mode::Confirm => {
            // An approval answered from the inbox: the inbox stays behind.
            if m.modal.confirm().is_some_and(|c| c.target.is_some()) {
                inbox::render(m, frame, area);
            }
            control::render(m, frame, area)
        }
        Mode::Inbox => inbox::render(m, frame, area),
        Mode::History => history::render(m, frame, area),
        Mode::Details => details::render_popup(m, frame, area),
        Mode::Normal | Mode::Search => {}
        Mode::Command => command::render(m, frame, area),
    }
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
