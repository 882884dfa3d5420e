//! The stage graph: stages left to right with arrows, each action with its
//! status symbol, colour and elapsed time; bands wrap when stages do not fit.

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::layout::graph::{action_label, band_height, bands, column_width};
use crate::layout::text;
use crate::model::snapshot::{ActionSnapshot, PipelineSnapshot, StageSnapshot, Status};
use crate::model::{BuildSource, Model, Pane};
use crate::ui::{pane_block, theme, truncate};

pub fn render(m: &Model, frame: &mut Frame, area: Rect) {
    let focused = m.focus == Pane::Graph;
    let mut title = format!("Stages · {}", m.session.pipeline.as_deref().unwrap_or("no pipeline"));
    // A past execution must not pass for the latest.
    if let Some(past) = &m.session.history.past {
        let short: String = past.id.chars().take(8).collect();
        title.push_str(&format!(" · execution {short} (past) · E: latest"));
    }
    let block = pane_block(title, focused, m.config.ascii);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = vec![execution_line(m)];
    match &m.session.state {
        None => lines.push(Line::styled(waiting_text(m), theme::dim())),
        Some(state) => {
            let all = bands(m, state, inner.width);
            // Scroll so the band holding the selected stage is on screen.
            let room = inner.height.saturating_sub(1);
            let mut first = 0;
            let sel = all.iter().position(|b| b.contains(&m.session.selected.0)).unwrap_or(0);
            while first < sel && all[first..=sel].iter().map(|b| band_height(state, b)).sum::<u16>() > room {
                first += 1;
            }
            for band in &all[first..] {
                lines.extend(band_lines(m, state, band.clone(), focused));
            }
            lines.extend(super::lanes::lines(m, inner.width));
            lines.extend(condition_lines(m, state, inner.width));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn waiting_text(m: &Model) -> String {
    match (&m.session.pipeline, m.session.list.loaded) {
        (None, true) => "No pipelines in this account and region.".into(),
        (None, false) if m.session.health.failing.contains_key("codepipeline:ListPipelines") => {
            "Cannot list pipelines yet (see the message below); retrying.".into()
        }
        (None, false) => "Listing pipelines…".into(),
        (Some(_), _) if let Some(past) = &m.session.history.past => {
            format!("Loading execution {}…", past.id.chars().take(8).collect::<String>())
        }
        (Some(p), _) => format!("Loading {p}…"),
    }
}

/// The shown execution: id, status, trigger and source revision summary.
fn execution_line(m: &Model) -> Line<'static> {
    let Some(e) = m.shown_execution() else { return Line::styled("execution: -", theme::dim()) };
    let short: String = e.id.chars().take(8).collect();
    let mut spans = vec![
        Span::styled("exec ", theme::dim()),
        Span::raw(short),
        Span::raw(" "),
        Span::styled(
            format!("{} {}", text::status_symbol(Some(&e.status), m.config.ascii), text::status_word(&e.status)),
            theme::status_style(Some(&e.status)),
        ),
    ];
    if e.v2.rollback {
        spans.push(Span::styled(" · rollback", theme::status_style(Some(&crate::model::snapshot::Status::Stopping))));
    }
    if let Some(t) = &e.trigger_type {
        spans.push(Span::styled(" · ", theme::dim()));
        spans.push(Span::raw(t.clone()));
    }
    if let Some(r) = e.source_revisions.first() {
        let rev: String = r.revision_id.as_deref().unwrap_or("-").chars().take(8).collect();
        spans.push(Span::styled(" · ", theme::dim()));
        spans.push(Span::raw(rev));
        if let Some(s) = &r.summary {
            spans.push(Span::styled(format!(" \"{}\"", first_line(s)), theme::dim()));
        }
    }
    Line::from(spans)
}

fn first_line(s: &str) -> String {
    truncate(s.lines().next().unwrap_or(""), 60)
}

fn band_lines(m: &Model, state: &PipelineSnapshot, band: Range<usize>, focused: bool) -> Vec<Line<'static>> {
    let stages = &state.stages[band.clone()];
    let rows = usize::from(band_height(state, &band));
    let mut lines: Vec<Vec<Span<'static>>> = vec![Vec::new(); rows];
    for (offset, stage) in stages.iter().enumerate() {
        let index = band.start + offset;
        let width = column_width(m, stage);
        if offset > 0 {
            let arrow = text::arrow(stage.inbound_enabled, m.config.ascii);
            let style = if stage.inbound_enabled { theme::dim() } else { theme::disabled_style() };
            lines[0].push(Span::styled(arrow, style));
            lines[1].push(super::lanes::under_arrow(stage));
            for line in lines.iter_mut().skip(2) {
                line.push(Span::raw("     "));
            }
        }
        let stage_status = stage.latest_execution.as_ref().map(|(_, s)| s);
        let name_style = theme::status_style(stage_status).add_modifier(Modifier::BOLD);
        let label = crate::model::v2::stage_label(stage, m.config.ascii);
        lines[0].push(Span::styled(pad(&label, width), name_style));
        for (row, line) in lines.iter_mut().enumerate().skip(1) {
            let Some(action) = stage.actions.get(row - 1) else {
                line.push(Span::raw(" ".repeat(width)));
                continue;
            };
            let mut style = theme::status_style(action.status.as_ref());
            if (index, row - 1) == m.session.selected {
                style = style.add_modifier(if focused { Modifier::REVERSED } else { Modifier::UNDERLINED });
            }
            if is_pinned(m, stage, action) {
                style = style.add_modifier(Modifier::BOLD);
            }
            line.push(Span::styled(pad(&action_label(m, action), width), style));
        }
    }
    lines.into_iter().map(Line::from).collect()
}

/// "⚑ Deploy entry: rule CheckEnv (VariableCheck) failed: …" per stage a
/// condition holds, in the colour of the condition's state.
fn condition_lines(m: &Model, state: &PipelineSnapshot, width: u16) -> Vec<Line<'static>> {
    use crate::model::conditions::{holding, skipped};
    let held = state.stages.iter().filter_map(|s| holding(s).map(|c| (s, c)));
    let rows = crate::layout::graph::condition_rows(m, width);
    held.zip(rows)
        .flat_map(|((stage, c), rows)| {
            let status = match c.status.as_deref() {
                _ if skipped(stage) => Status::Skipped,
                Some("Failed") => Status::Failed,
                _ => Status::InProgress,
            };
            rows.into_iter().map(move |row| Line::styled(row, theme::status_style(Some(&status))))
        })
        .collect()
}

fn is_pinned(m: &Model, stage: &StageSnapshot, action: &ActionSnapshot) -> bool {
    matches!(&m.session.build.source, BuildSource::Action { stage: s, action: a } if *s == stage.name && *a == action.name)
}

fn pad(s: &str, width: usize) -> String {
    let t = truncate(s, width);
    let n = t.chars().count();
    format!("{t}{}", " ".repeat(width.saturating_sub(n)))
}
