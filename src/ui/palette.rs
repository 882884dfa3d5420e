//! The last step of a frame: the config's `[theme]` renames the default
//! colours the panes draw with, and `NO_COLOR` removes colour altogether.
//! One pass here instead of a theme argument through every pane.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use crate::config::Theme;

pub fn apply(theme: &Theme, buf: &mut Buffer) {
    if theme.is_identity() {
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
            cell.fg = theme.map(cell.fg);
            cell.bg = theme.map(cell.bg);
        }
    }
}
