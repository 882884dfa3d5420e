//! Colours and styles, borders, the ASCII fallback for terminals without
//! UTF-8, and the last step of a frame: the config's `[theme]` swaps the
//! default colours the panes draw with, and `NO_COLOR` removes colour. One
//! pass at the end instead of a theme argument through every pane.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

use crate::config::Theme;
use crate::model::snapshot::Status;

pub fn status_color(status: Option<&Status>) -> Color {
    match status {
        Some(Status::Succeeded) => Color::Green,
        Some(Status::Failed | Status::TimedOut | Status::Fault) => Color::Red,
        Some(Status::InProgress | Status::Stopping) => Color::Yellow,
        Some(Status::Queued) => Color::Cyan,
        Some(Status::Skipped) => Color::Blue,
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
        "⚠" | "⚑" => "!",
        "↪" => "/",
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

/// Applies the palette to a finished frame.
pub fn apply_palette(theme: &Theme, buf: &mut Buffer) {
    if is_identity(theme) {
        return;
    }
    for cell in &mut buf.content {
        if theme.no_color {
            // Without colour, what a colour singled out is shown reversed:
            // highlights (a background) and the focused pane's bold accent title.
            let highlighted = cell.bg != Color::Reset;
            let focus = cell.fg == Color::Cyan && cell.modifier.contains(Modifier::BOLD);
            cell.fg = Color::Reset;
            cell.bg = Color::Reset;
            if highlighted || focus {
                cell.modifier.insert(Modifier::REVERSED);
            }
        } else {
            cell.fg = palette_color(theme, cell.fg);
            cell.bg = palette_color(theme, cell.bg);
        }
    }
}

/// Whether drawing needs no pass over the frame (the default palette in colour).
fn is_identity(theme: &Theme) -> bool {
    *theme == Theme::default()
}

/// What a default-palette colour becomes; others stay.
fn palette_color(theme: &Theme, color: Color) -> Color {
    match color {
        Color::Cyan => theme.accent,
        Color::Green => theme.ok,
        Color::Red => theme.failed,
        Color::Yellow => theme.running,
        Color::Magenta => theme.stopped,
        Color::DarkGray => theme.dim,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_renames_only_the_palette() {
        let t = Theme { accent: Color::Rgb(1, 2, 3), failed: Color::LightRed, ..Theme::default() };
        assert_eq!(palette_color(&t, Color::Cyan), Color::Rgb(1, 2, 3));
        assert_eq!(palette_color(&t, Color::Red), Color::LightRed);
        assert_eq!(palette_color(&t, Color::Green), Color::Green);
        assert_eq!(palette_color(&t, Color::Blue), Color::Blue);
        assert!(is_identity(&Theme::default()) && !is_identity(&t));
    }
}
