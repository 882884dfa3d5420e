//! Colours and symbols, with an ASCII fallback for terminals without UTF-8.

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

pub fn status_symbol(status: Option<&Status>, ascii: bool) -> &'static str {
    let (unicode, plain) = match status {
        Some(Status::Succeeded) => ("✓", "+"),
        Some(Status::Failed | Status::TimedOut | Status::Fault) => ("✗", "x"),
        Some(Status::InProgress) => ("▶", ">"),
        Some(Status::Stopping) => ("◼", "#"),
        Some(Status::Queued) => ("…", "."),
        Some(Status::Stopped | Status::Cancelled | Status::Abandoned) => ("■", "#"),
        Some(Status::Superseded) => ("↷", "~"),
        Some(Status::Other(_)) => ("?", "?"),
        None => ("·", "-"),
    };
    if ascii { plain } else { unicode }
}

pub fn status_style(status: Option<&Status>) -> Style {
    Style::default().fg(status_color(status))
}

pub fn status_word(status: &Status) -> String {
    match status {
        Status::InProgress => "running".into(),
        Status::Succeeded => "succeeded".into(),
        Status::Failed => "failed".into(),
        Status::Stopped => "stopped".into(),
        Status::Stopping => "stopping".into(),
        Status::Superseded => "superseded".into(),
        Status::Cancelled => "cancelled".into(),
        Status::Abandoned => "abandoned".into(),
        Status::TimedOut => "timed out".into(),
        Status::Fault => "fault".into(),
        Status::Queued => "queued".into(),
        Status::Other(s) => s.to_lowercase(),
    }
}

/// The arrow between two stages: enabled, or a visibly cut disabled transition.
pub fn arrow(enabled: bool, ascii: bool) -> &'static str {
    match (enabled, ascii) {
        (true, false) => " ──▶ ",
        (true, true) => " --> ",
        (false, false) => " ─╳─ ",
        (false, true) => " -X- ",
    }
}

pub const ARROW_WIDTH: u16 = 5;

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

/// "42s", "3m05s", "1h02m".
pub fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m{:02}s", secs / 60, secs % 60),
        _ => format!("{}h{:02}m", secs / 3600, secs % 3600 / 60),
    }
}

/// "<1m", "5m", "3h", "2d": minutes at best, so it changes at most once a
/// minute (an idle screen redraws once a minute, not every second).
pub fn age_minutes(secs: i64) -> String {
    if secs < 60 { "<1m".into() } else { age(secs) }
}

/// "12s", "5m", "3h", "2d": how long ago, coarse.
pub fn age(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        3600..86400 => format!("{}h", secs / 3600),
        _ => format!("{}d", secs / 86400),
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

/// The separator between parts of a title or the header.
pub fn dot(ascii: bool) -> &'static str {
    if ascii { " - " } else { " · " }
}

pub fn bar(ascii: bool) -> &'static str {
    if ascii { " | " } else { " │ " }
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
