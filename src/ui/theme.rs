//! Colours and styles, borders, and the ASCII fallback for terminals without UTF-8.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

use crate::model::snapshot::Status;

pub fn status_color(status: Option<&Status>) -> Color {
    match status {
        Some(Status::Succeeded) => Color::Green,
        Some(Status::Failed | Status::TimedOut | Status::Fault) => Color::Red,
        Some(Status::InProgress | Status::Stopping) => Color::Yellow,
        Some(Status::Queued) => Color::Cyan,
        Some(Status::Stopped | Status::Cancelled | Status::Abandoned | Status::Superseded) => Color::Magenta,
        Some(Status::Other(_)) | None => Color::DarkGray,
    }
}

pub fn status_style(status: Option<&Status>) -> Style {
    Style::default().fg(status_color(status))
}

pub fn disabled_style() -> Style {
    Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
}

pub fn title_style(focused: bool) -> Style {
    if focused {
        Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD)
    } else {
        Style::default().add_modifier(Modifier::BOLD)
    }
}

pub fn border_style(focused: bool) -> Style {
    if focused { Style::default().fg(Color::Cyan) } else { Style::default().fg(Color::DarkGray) }
}

pub fn dim() -> Style {
    Style::default().fg(Color::DarkGray)
}

/// The footer's read-only badge: seen at a glance.
pub fn read_only_style() -> Style {
    Style::default().fg(Color::Black).bg(Color::Yellow).add_modifier(Modifier::BOLD)
}

/// The title of a confirmation that stops, abandons, rejects or blocks.
pub fn danger_style() -> Style {
    Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
}

pub fn key_style() -> Style {
    Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

pub fn match_style(current: bool) -> Style {
    if current {
        Style::default().fg(Color::Black).bg(Color::Yellow)
    } else {
        Style::default().add_modifier(Modifier::REVERSED)
    }
}

pub fn border_set(ascii: bool) -> border::Set<'static> {
    if ascii {
        border::Set {
            top_left: "+",
            top_right: "+",
            bottom_left: "+",
            bottom_right: "+",
            vertical_left: "|",
            vertical_right: "|",
            horizontal_top: "-",
            horizontal_bottom: "-",
        }
    } else {
        border::PLAIN
    }
}

/// The ASCII stand-in for a cell symbol drawn by us or by a widget.
fn ascii_for(symbol: &str) -> &'static str {
    match symbol {
        "·" => "-",
        "│" | "┃" => "|",
        "─" | "━" | "┄" => "-",
        "┌" | "┐" | "└" | "┘" | "├" | "┤" | "┬" | "┴" | "┼" => "+",
        "↳" | "▶" | "→" => ">",
        "…" => ".",
        "✓" => "+",
        "✗" | "╳" => "x",
        "█" => "#",
        "░" => "-",
        "⚠" => "!",
        _ => "?",
    }
}

/// Rewrites every non-ASCII cell: the last word on terminals without UTF-8
/// (log text included, which such a terminal could not show anyway).
pub fn asciify(buf: &mut ratatui::buffer::Buffer) {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &mut buf[(x, y)];
            if !cell.symbol().is_ascii() {
                let s = ascii_for(cell.symbol());
                cell.set_symbol(s);
            }
        }
    }
}
