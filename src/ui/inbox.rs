//! The approvals inbox popup (`A`): one row per approval waiting (pipeline,
//! stage/action, how long), then the selected one's details: since when, its
//! custom data and link, where it waits; then targets that could not be read.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::layout::{self, text};
use crate::model::Model;
use crate::model::inbox::{InboxRow, Target};
use crate::sanitize::printable;
use crate::ui::{popup_block, theme, truncate};
use crate::update::inbox::home;

const WIDTH: u16 = 110;
const HEIGHT: u16 = 30;
/// Columns of the table, besides the pipeline's (which takes the rest).
const STAGE_W: usize = 30;
const WAIT_W: usize = 9;

pub fn render(m: &Model, frame: &mut Frame, area: Rect) {
    let dot = text::dot(m.config.ascii);
    let title = format!("Approvals waiting{dot}j/k move{dot}Enter approve/reject{dot}Esc close");
    let block = popup_block(&title, m.config.ascii);
    // As tall as the content (wrapped details may take a row more each), at most HEIGHT.
    let largest = block.inner(layout::centered(area, WIDTH, HEIGHT));
    let content = lines(m, largest);
    let width = usize::from(largest.width).max(1);
    let rows: usize = content.iter().map(|l| l.width().max(1).div_ceil(width)).sum();
    let wanted = u16::try_from(rows + 2).unwrap_or(HEIGHT);
    let rect = layout::centered(area, WIDTH, wanted.clamp(3, HEIGHT));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    frame.render_widget(Paragraph::new(content).wrap(Wrap { trim: false }), inner);
}

fn lines(m: &Model, area: Rect) -> Vec<Line<'static>> {
    let rows = m.inbox.rows();
    let width = usize::from(area.width);
    let home = home(m);
    let (read, total) = m.inbox.progress();
    let mut out = Vec::new();
    if rows.is_empty() {
        let what = if read < total {
            format!("Reading {read}/{total} pipelines…")
        } else {
            format!("No approval is waiting in {total} pipeline{}.", if total == 1 { "" } else { "s" })
        };
        out.push(Line::styled(what, theme::dim()));
    } else {
        let pipeline_w = width.saturating_sub(STAGE_W + WAIT_W).max(8);
        out.push(Line::styled(
            format!("{}{}{}", col("PIPELINE", pipeline_w), col("STAGE/ACTION", STAGE_W), "WAITING"),
            theme::dim().add_modifier(Modifier::BOLD),
        ));
        // Keep the selected row in view on a short popup: details need ~6 rows.
        let room = usize::from(area.height).saturating_sub(8).max(1);
        let first = m.inbox.selected.saturating_sub(room.saturating_sub(1));
        for (i, row) in rows.iter().enumerate().skip(first).take(room) {
            let label = row.target.label(Some(&home));
            let place = format!("{}/{}", row.approval.stage, row.approval.action);
            let text = format!("{}{}{}", col(&label, pipeline_w), col(&place, STAGE_W), waited(m, row));
            let style = if i == m.inbox.selected {
                Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
            } else {
                Style::default()
            };
            out.push(Line::styled(truncate(&text, width), style));
        }
        if read < total {
            out.push(Line::styled(format!("Reading {read}/{total} pipelines…"), theme::dim()));
        }
        out.push(Line::raw(""));
        if let Some(row) = rows.get(m.inbox.selected) {
            out.extend(details(m, row));
        }
    }
    for (target, why) in m.inbox.failures().into_iter().take(3) {
        let line = format!("{}: {}", target.label(Some(&home)), printable(why));
        out.push(Line::styled(truncate(&line, width), Style::default().fg(Color::Red)));
    }
    if let Some(problem) = &m.inbox.problem {
        out.push(Line::styled(problem.clone(), Style::default().fg(Color::Red)));
    }
    out
}

/// The selected approval: where, since when, what the approver should read.
fn details(m: &Model, row: &InboxRow) -> Vec<Line<'static>> {
    let a = &row.approval;
    let Target { profile, region, pipeline } = &row.target;
    let mut out = vec![Line::from(vec![
        Span::styled(format!("{}/{}", a.stage, a.action), Style::default().add_modifier(Modifier::BOLD)),
        Span::raw(format!(" in {pipeline} ({}/{region})", profile.as_deref().unwrap_or("default"))),
    ])];
    let execution = a.execution_id.as_deref().map(|id| format!(", execution {}", short(id))).unwrap_or_default();
    let since = a.since.map(|t| format!("waiting since {} UTC ({})", t.format("%H:%M"), waited(m, row)));
    out.push(Line::raw(format!("{}{execution}", since.unwrap_or_else(|| "waiting".into()))));
    let label = |name: &str| Span::styled(format!("{name}: "), theme::dim());
    if let Some(data) = &a.custom_data {
        out.push(Line::from(vec![label("Custom data"), Span::raw(printable(&data.replace('\n', " ")))]));
    }
    if let Some(link) = &a.external_link {
        out.push(Line::from(vec![label("Review at"), Span::styled(printable(link), theme::key_style())]));
    }
    out
}

/// "12m" since the approval started waiting (minutes at best: a once-a-minute redraw).
fn waited(m: &Model, row: &InboxRow) -> String {
    row.approval.since.map_or("-".into(), |t| text::age_minutes((m.now - t).num_seconds()))
}

fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

/// `s` cut to `width - 1` and padded to `width`.
fn col(s: &str, width: usize) -> String {
    format!("{:<width$}", truncate(&printable(s), width.saturating_sub(1)))
}
