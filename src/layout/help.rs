//! The `?` help's lines (from the keymap) and how they flow into columns and
//! pages at a terminal size: the help popup draws them, `j`/`k` page through.

use ratatui::layout::Rect;

use crate::model::Model;

/// Width of one help column.
pub const COLUMN: u16 = 37;

/// One line of the help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HelpLine {
    /// A section title ("Log").
    Title(&'static str),
    /// Keys and what they do.
    Row(String, &'static str),
}

/// The help's lines: each section that has keys, its title first.
pub fn lines(m: &Model) -> Vec<HelpLine> {
    let mut lines = Vec::new();
    for (title, rows) in m.config.keymap.help_sections() {
        if rows.is_empty() {
            continue;
        }
        lines.push(HelpLine::Title(title));
        lines.extend(rows.into_iter().map(|(keys, what)| HelpLine::Row(keys, what)));
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

/// Help pages at the model's screen size.
pub fn help_pages(m: &Model) -> usize {
    help_layout(m, Rect::new(0, 0, m.size.0, m.size.1)).2
}
