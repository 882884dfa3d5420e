//! The executions history popup (`e`): a table of recent executions, a bar
//! chart of their durations coloured by outcome, and per-stage median bars.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::layout;
use crate::layout::text;
use crate::model::Model;
use crate::model::history::duration_secs;
use crate::model::snapshot::{ExecutionSummary, Status};
use crate::ui::{popup_block, theme, truncate};

/// Executions the duration chart shows.
pub const CHART_RUNS: usize = 20;
const VERTICAL_EIGHTHS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
const HORIZONTAL_EIGHTHS: [&str; 9] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"];
/// The colour of the stage-median bars (outcome colours are taken).
const MEDIAN_COLOR: Color = Color::Blue;

pub fn render(m: &Model, frame: &mut Frame, area: Rect) {
    let rect = layout::history_popup(area);
    let dot = text::dot(m.config.ascii);
    let title = format!("Executions{dot}j/k move{dot}Enter show (newest: latest){dot}Esc close");
    let block = popup_block(&title, m.config.ascii);
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let (table, charts) = layout::history_split(inner);
    frame.render_widget(Paragraph::new(table_lines(m, table)), table);
    if charts.height > 0 {
        let left_w = durations_width(charts.width);
        let [left, right] =
            Layout::horizontal([Constraint::Length(left_w), Constraint::Fill(1)]).spacing(3).areas(charts);
        frame.render_widget(Paragraph::new(duration_chart(m, left)), left);
        frame.render_widget(Paragraph::new(median_bars(m, right)), right);
    }
}

/// Printable text of the first line only: AWS strings reach the terminal.
fn plain(s: &str) -> String {
    s.lines().next().unwrap_or("").chars().filter(|c| !c.is_control()).collect()
}

/// `s` cut to `width - 1` and padded to `width`: a column and its gap.
fn col(s: &str, width: usize) -> String {
    format!("{:<width$}", truncate(s, width.saturating_sub(1)))
}

fn pad(s: &str, width: usize) -> String {
    format!("{:<width$}", truncate(s, width))
}

fn table_lines(m: &Model, area: Rect) -> Vec<Line<'static>> {
    if m.session.executions.is_empty() {
        return vec![Line::styled("No executions yet.", theme::dim())];
    }
    let wide = area.width >= 110;
    let (trigger_w, start_w) = if wide { (22, 16) } else { (12, 7) };
    // mark, id, status, trigger, revision, started, took.
    let fixed = 2 + 9 + 13 + (trigger_w + 1) + (start_w + 1) + 6;
    let rev_w = usize::from(area.width).saturating_sub(fixed).max(4);
    let header = format!(
        "  {}{}{}{}{}{:>6}",
        col("id", 9),
        col("status", 13),
        col("trigger", trigger_w + 1),
        col("source revision", rev_w),
        col("started", start_w + 1),
        "took"
    );
    let mut lines = vec![Line::styled(header, theme::dim())];
    let rows = usize::from(area.height.saturating_sub(1)).max(1);
    let offset = m.session.history.selected.saturating_sub(rows - 1);
    let shown_id = m.shown_execution().map(|e| e.id.clone());
    for (i, e) in m.session.executions.iter().enumerate().skip(offset).take(rows) {
        let shown = shown_id.as_ref() == Some(&e.id);
        let mut base = if shown { Style::default().add_modifier(Modifier::BOLD) } else { Style::default() };
        if i == m.session.history.selected {
            base = base.add_modifier(Modifier::REVERSED);
        }
        let mark = if shown { if m.config.ascii { "> " } else { "▸ " } } else { "  " };
        let status =
            format!("{} {}", text::status_symbol(Some(&e.status), m.config.ascii), text::status_word(&e.status));
        let start = e.start.map(|t| {
            if wide {
                t.format("%Y-%m-%d %H:%M").to_string()
            } else {
                format!("{} ago", text::age_minutes((m.now - t).num_seconds()))
            }
        });
        let took = duration_secs(e, m.now).map(text::duration).unwrap_or_else(|| "-".into());
        lines.push(Line::from(vec![
            Span::styled(mark, base),
            Span::styled(col(&e.id.chars().take(8).collect::<String>(), 9), base),
            Span::styled(col(&status, 13), base.patch(theme::status_style(Some(&e.status)))),
            Span::styled(col(&plain(&trigger(e, m.config.ascii)), trigger_w + 1), base),
            Span::styled(col(&revision(e), rev_w), base),
            Span::styled(col(start.as_deref().unwrap_or("-"), start_w + 1), base),
            Span::styled(format!("{:>6}", truncate(&took, 6)), base),
        ]));
    }
    lines
}

/// The trigger, or for a rollback run the execution it rolls back to
/// ("↺ 3f9a8b7c"): the type matters more than who started it.
fn trigger(e: &ExecutionSummary, ascii: bool) -> String {
    if e.v2.rollback {
        let target: String = e.v2.rollback_target.as_deref().unwrap_or("?").chars().take(8).collect();
        return format!("{} {target}", if ascii { "<-" } else { "↺" });
    }
    e.trigger_type.clone().unwrap_or_else(|| "-".into())
}

/// "3f9a8b7c tune learning rate": the first source's revision and summary.
fn revision(e: &ExecutionSummary) -> String {
    let Some(r) = e.source_revisions.first() else { return "-".into() };
    let id: String = plain(r.revision_id.as_deref().unwrap_or("-")).chars().take(8).collect();
    match &r.summary {
        Some(s) => format!("{id} {}", plain(s)),
        None => id,
    }
}

/// Columns per bar (bar, then a gap when there is room) in a chart `width` wide.
fn bar_step(width: u16) -> usize {
    match usize::from(width) {
        w if w >= CHART_RUNS * 3 => 3,
        w if w >= CHART_RUNS * 2 => 2,
        _ => 1,
    }
}

/// The duration chart's width out of the charts row: 20 bars with gaps, the
/// medians beside them.
fn durations_width(available: u16) -> u16 {
    let runs = u16::try_from(CHART_RUNS).unwrap_or(20);
    match available {
        w if w >= 120 => runs * 3,
        w if w >= 70 => runs * 2,
        w => (w / 2).max(20.min(w)),
    }
}

/// The outcome colour of an execution's bar.
pub fn outcome_color(status: &Status) -> Color {
    theme::status_color(Some(status))
}

/// Vertical bars, oldest left, height by duration, colour by outcome.
fn duration_chart(m: &Model, area: Rect) -> Vec<Line<'static>> {
    let ascii = m.config.ascii;
    let runs: Vec<(&ExecutionSummary, i64)> = m
        .session
        .executions
        .iter()
        .take(CHART_RUNS)
        .filter_map(|e| Some((e, duration_secs(e, m.now)?)))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let longest = runs.iter().map(|(_, s)| *s).max().unwrap_or(0);
    let noun = if runs.len() == 1 { "run" } else { "runs" };
    let heading = format!("Last {} {noun}{}longest {}", runs.len(), text::dot(ascii), text::duration(longest));
    let mut lines = vec![Line::styled(heading, theme::dim())];
    let rows = usize::from(area.height.saturating_sub(2));
    if runs.is_empty() || rows == 0 {
        return lines;
    }
    let step = bar_step(area.width);
    let eighths: Vec<usize> = runs
        .iter()
        .map(|(_, s)| {
            let scaled = (*s as f64 / longest.max(1) as f64 * (rows * 8) as f64).round() as usize;
            scaled.max(1)
        })
        .collect();
    for row in 0..rows {
        let floor = (rows - 1 - row) * 8;
        let mut spans = Vec::with_capacity(runs.len());
        for ((e, _), filled) in runs.iter().zip(&eighths) {
            let part = filled.saturating_sub(floor).min(8);
            let cell = match (ascii, part) {
                (true, 0..=3) => " ",
                (true, _) => "#",
                (false, p) => VERTICAL_EIGHTHS[p],
            };
            let bar = cell.repeat(if step == 3 { 2 } else { 1 });
            let gap = if step > 1 { " " } else { "" };
            spans.push(Span::styled(format!("{bar}{gap}"), Style::default().fg(outcome_color(&e.status))));
        }
        lines.push(Line::from(spans));
    }
    lines.push(legend(ascii, area.width >= 55));
    lines
}

fn legend(ascii: bool, long: bool) -> Line<'static> {
    let block = if ascii { "#" } else { "█" };
    let entries = [
        (Status::Succeeded, if long { "succeeded" } else { "ok" }),
        (Status::Failed, "failed"),
        (Status::Stopped, if long { "stopped/superseded" } else { "stopped" }),
        (Status::InProgress, "running"),
    ];
    let mut spans = Vec::new();
    for (status, word) in entries {
        spans.push(Span::styled(block, Style::default().fg(outcome_color(&status))));
        spans.push(Span::styled(format!(" {word} "), theme::dim()));
    }
    Line::from(spans)
}

/// One horizontal bar per stage: its median over recent successful runs.
fn median_bars(m: &Model, area: Rect) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled("Stage medians (successful runs)", theme::dim())];
    let medians = &m.session.history.stage_medians;
    if medians.is_empty() {
        let text = if m.session.history.medians_loading { "loading…" } else { "no successful stage runs yet" };
        lines.push(Line::styled(text, theme::dim()));
        return lines;
    }
    let name_w = medians.iter().map(|(n, _)| n.chars().count()).max().unwrap_or(0).min(16);
    let bar_w = usize::from(area.width).saturating_sub(name_w + 1 + 8).max(1);
    let longest = medians.iter().map(|(_, s)| *s).fold(0.0, f64::max).max(0.001);
    for (name, secs) in medians.iter().take(usize::from(area.height.saturating_sub(1))) {
        let eighths = ((secs / longest) * (bar_w * 8) as f64).round().max(1.0) as usize;
        let bar = if m.config.ascii {
            "#".repeat(eighths.div_ceil(8))
        } else {
            format!("{}{}", "█".repeat(eighths / 8), HORIZONTAL_EIGHTHS[eighths % 8])
        };
        let label = text::duration(secs.round() as i64);
        lines.push(Line::from(vec![
            Span::raw(format!("{} ", pad(&plain(name), name_w))),
            Span::styled(bar, Style::default().fg(MEDIAN_COLOR)),
            Span::styled(format!(" {label}"), theme::dim()),
        ]));
    }
    lines
}
