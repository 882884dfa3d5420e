//! The phases pane of a batch build: its build groups (status, what each
//! waits for), then the shown group's build as the pane shows any build.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::layout::text;
use crate::model::batch::{BatchView, GroupSnapshot};
use crate::model::{Model, Pane};
use crate::ui::{pane_block, theme, truncate};

pub fn render(m: &Model, frame: &mut Frame, area: Rect, v: &BatchView) {
    let block = pane_block(title(m, v), m.focus == Pane::Phases, m.config.ascii);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let groups = v.groups();
    if groups.is_empty() {
        let text = "Batch: reading the batch section of the buildspec…";
        frame.render_widget(Paragraph::new(Line::styled(text, theme::dim())), inner);
        return;
    }
    // One row per group when the build keeps two rows; else the groups as chips.
    let room = usize::from(inner.height);
    let build_rows = if m.session.build.snapshot.is_some() { 2 } else { 1 };
    let mut lines: Vec<Line> = if groups.len() + build_rows <= room {
        groups.iter().enumerate().map(|(i, g)| group_line(m, v, i, g, inner.width)).collect()
    } else {
        chip_lines(m, v, inner.width)
    };
    let rest = room.saturating_sub(lines.len());
    lines.extend(build_lines(m, v, inner.width, rest));
    frame.render_widget(Paragraph::new(lines), inner);
}

fn title(m: &Model, v: &BatchView) -> String {
    let Some(s) = &v.snapshot else { return "Batch build".into() };
    let mut t = format!("Batch · {}", s.project);
    if let Some(n) = s.number {
        t.push_str(&format!(" #{n}"));
    }
    t.push_str(&format!(
        " · {} {}",
        text::status_symbol(Some(&s.status), m.config.ascii),
        text::status_word(&s.status)
    ));
    if let Some(g) = v.shown() {
        t.push_str(&format!(" · {}", g.identifier));
        if v.chosen.is_some() {
            t.push_str(" (chosen)");
        }
    }
    t
}

/// `› ✓ unit        succeeded  after lint`
fn group_line(m: &Model, v: &BatchView, i: usize, g: &GroupSnapshot, width: u16) -> Line<'static> {
    let ascii = m.config.ascii;
    let cursor = m.focus == Pane::Phases && i == v.cursor;
    let marker = match (cursor, ascii) {
        (true, true) => ">",
        (true, false) => "›",
        (false, _) => " ",
    };
    let status = g.status.as_ref();
    let word = match (status, &g.build_id) {
        (Some(s), _) => text::status_word(s),
        (None, Some(_)) => "started".into(),
        (None, None) => "waiting".into(),
    };
    let mut style = if status.is_some() { theme::status_style(status) } else { theme::dim() };
    if v.shown().is_some_and(|s| s.identifier == g.identifier) {
        style = style.add_modifier(Modifier::BOLD);
    }
    let mut extra = Vec::new();
    if !g.depends_on.is_empty() {
        extra.push(format!("after {}", g.depends_on.join(", ")));
    }
    if g.ignore_failure {
        extra.push("failure ignored".into());
    }
    let head =
        format!("{marker} {} {:<14} {word:<10}", text::status_symbol(status, ascii), truncate(&g.identifier, 14));
    let tail = truncate(&extra.join(" · "), usize::from(width).saturating_sub(head.chars().count() + 1));
    Line::from(vec![Span::styled(head, style), Span::raw(" "), Span::styled(tail, theme::dim())])
}

/// `› ▶ lint` per group, packed into lines (at 80×24 the pane has 3 rows).
fn chip_lines(m: &Model, v: &BatchView, width: u16) -> Vec<Line<'static>> {
    let groups = v.groups();
    let chips: Vec<String> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let marker =
                if m.focus == Pane::Phases && i == v.cursor { if m.config.ascii { ">" } else { "›" } } else { "" };
            let mut chip =
                format!("{marker}{} {}", text::status_symbol(g.status.as_ref(), m.config.ascii), g.identifier);
            if g.build_id.is_none() && !g.depends_on.is_empty() {
                chip.push_str(&format!(" after {}", g.depends_on.join(",")));
            }
            chip
        })
        .collect();
    crate::layout::phases::pack_chips(&chips, width)
        .into_iter()
        .map(|line| {
            let spans = line.flat_map(|i| {
                let g = &groups[i];
                let mut style = if g.status.is_some() { theme::status_style(g.status.as_ref()) } else { theme::dim() };
                if v.shown().is_some_and(|s| s.identifier == g.identifier) {
                    style = style.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
                }
                [Span::styled(chips[i].clone(), style), Span::raw("  ")]
            });
            Line::from(spans.collect::<Vec<_>>())
        })
        .collect()
}

/// The shown group's build, in the rows left under the groups.
fn build_lines(m: &Model, v: &BatchView, width: u16, rows: usize) -> Vec<Line<'static>> {
    if rows == 0 {
        return Vec::new();
    }
    let Some(b) = &m.session.build.snapshot else {
        let text = match v.shown() {
            Some(g) if g.build_id.is_none() && !g.depends_on.is_empty() => {
                format!("{}: starts after {}", g.identifier, g.depends_on.join(", "))
            }
            Some(g) if g.build_id.is_none() => format!("{}: not started", g.identifier),
            Some(_) => "Loading build…".into(),
            None => "No build group has started yet.".into(),
        };
        return vec![Line::styled(text, theme::dim())];
    };
    let phases = if rows >= 11 + usize::from(crate::layout::phases::problem_lines(m, b)) {
        super::phases::full_lines(m, b, width)
    } else {
        super::phases::compact_lines(m, b, width)
    };
    phases.into_iter().take(rows).collect()
}
