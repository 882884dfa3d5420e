//! The 11 CodeBuild phases: status, duration, a gauge with an ETA for the
//! running phase, failure contexts under the failed one. A compact form (phases
//! as chips) when the pane has only a few rows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::layout::phases::{PhaseRow, chip, pack_chips, problem_lines, rows, running, tests_line};
use crate::layout::text;
use crate::model::compute::is_log_arn;
use crate::model::snapshot::{BuildSnapshot, Status};
use crate::model::{BuildSource, Model, Pane};
use crate::ui::{pane_block, theme, truncate};

pub fn render(m: &Model, frame: &mut Frame, area: Rect) {
    if let Some((stage, action)) = crate::model::compute::pinned_other(m) {
        return crate::ui::compute::render_other(m, frame, area, stage, action);
    }
    if let Some(arn) = m.session.build.id.as_deref().filter(|id| is_log_arn(id)) {
        return crate::ui::compute::render(m, frame, area, arn);
    }
    if let Some(v) = &m.session.build.batch {
        return crate::ui::batch::render(m, frame, area, v);
    }
    let block = pane_block(title(m), m.focus == Pane::Phases, m.config.ascii);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(b) = &m.session.build.snapshot else {
        let text = if m.session.build.id.is_some() {
            "Loading build…"
        } else {
            "No CodeBuild action in this execution yet."
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme::dim())), inner);
        return;
    };
    let lines = if inner.height >= 11 + problem_lines(m, b) {
        full_lines(m, b, inner.width)
    } else {
        compact_lines(m, b, inner.width)
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

fn title(m: &Model) -> String {
    let Some(b) = &m.session.build.snapshot else { return "Build".into() };
    let mut t = format!("Build · {}", b.project);
    if let Some(n) = b.number {
        t.push_str(&format!(" #{n}"));
    }
    let secs = b.start.map(|s| (b.end.unwrap_or(m.now) - s).num_seconds());
    t.push_str(&format!(
        " · {} {}",
        text::status_symbol(Some(&b.status), m.config.ascii),
        text::status_word(&b.status)
    ));
    if let Some(s) = secs {
        t.push_str(&format!(" {}", text::duration(s)));
    }
    if matches!(m.session.build.source, BuildSource::Action { .. }) {
        t.push_str(" · pinned");
    }
    t
}

pub(super) fn full_lines(m: &Model, b: &BuildSnapshot, width: u16) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut shown = false;
    for row in rows(m, b) {
        let style = theme::status_style(row.status.as_ref());
        let symbol = text::status_symbol(row.status.as_ref(), m.config.ascii);
        let secs = row.secs.map(text::duration).unwrap_or_default();
        let mut spans = vec![Span::styled(format!("{symbol} {:<17}{secs:>7}", row.name), style)];
        if row.status == Some(Status::InProgress) {
            spans.push(Span::raw("  "));
            spans.extend(gauge(m, row.name, row.secs.unwrap_or(0), width.saturating_sub(30)));
        }
        lines.push(Line::from(spans));
        lines.extend(context_lines(&row, width));
        if first_failure(&row, &mut shown) {
            lines.extend(tests_lines(m, width));
        }
    }
    if !shown {
        lines.extend(tests_lines(m, width));
    }
    lines
}

/// True once, for the first row with a failure context: the failed-tests
/// line goes right under it.
fn first_failure(row: &PhaseRow, shown: &mut bool) -> bool {
    let hit = !*shown && row.status != Some(Status::Succeeded) && !row.contexts.is_empty();
    *shown |= hit;
    hit
}

fn tests_lines(m: &Model, width: u16) -> Option<Line<'static>> {
    let text = tests_line(m)?;
    let max = usize::from(width.saturating_sub(6));
    Some(Line::styled(format!("    ↳ {}", truncate(&text, max)), theme::status_style(Some(&Status::Failed))))
}

fn context_lines(row: &PhaseRow, width: u16) -> Vec<Line<'static>> {
    if row.status == Some(Status::Succeeded) {
        return Vec::new();
    }
    let style = theme::status_style(Some(&Status::Failed));
    let max = usize::from(width.saturating_sub(6));
    row.contexts
        .iter()
        .map(|(code, msg)| Line::styled(format!("    ↳ {}", truncate(&format!("{code}: {msg}"), max)), style))
        .collect()
}

/// A bar filled by elapsed / median, and the ETA (or "no history").
fn gauge(m: &Model, phase: &str, elapsed: i64, room: u16) -> Vec<Span<'static>> {
    let median = m.session.build.medians.iter().find(|(p, _)| p == phase).map(|(_, s)| *s);
    let Some(median) = median.filter(|s| *s > 0.0) else {
        return vec![Span::styled("no history for an ETA", theme::dim())];
    };
    let bar_w = usize::from(room.min(30));
    let ratio = (elapsed as f64 / median).clamp(0.0, 1.0);
    let filled = ((bar_w as f64) * ratio).round() as usize;
    let (on, off) = if m.config.ascii { ("#", "-") } else { ("█", "░") };
    let left = median.round() as i64 - elapsed;
    let eta =
        if left >= 0 { format!(" ETA {}", text::duration(left)) } else { format!(" +{} over", text::duration(-left)) };
    let style = theme::status_style(Some(&Status::InProgress));
    vec![Span::styled(on.repeat(filled), style), Span::styled(off.repeat(bar_w - filled), theme::dim()), Span::raw(eta)]
}

/// The compact form's chips, packed into lines of `width`.
fn chip_lines(m: &Model, b: &BuildSnapshot, width: u16) -> Vec<Line<'static>> {
    let rows = rows(m, b);
    let chips: Vec<String> = rows.iter().map(|r| chip(m, r)).collect();
    pack_chips(&chips, width)
        .into_iter()
        .map(|line| {
            let spans = line.flat_map(|i| {
                let style = theme::status_style(rows[i].status.as_ref());
                [Span::styled(chips[i].clone(), style), Span::raw("  ")]
            });
            Line::from(spans.collect::<Vec<_>>())
        })
        .collect()
}

pub(super) fn compact_lines(m: &Model, b: &BuildSnapshot, width: u16) -> Vec<Line<'static>> {
    let mut lines = chip_lines(m, b, width);
    if let Some(p) = running(b) {
        let elapsed = p.start.map_or(0, |s| (m.now - s).num_seconds());
        let mut spans = vec![Span::styled(
            format!("{} {} ", p.phase, text::duration(elapsed)),
            theme::status_style(Some(&Status::InProgress)),
        )];
        spans.extend(gauge(m, &p.phase, elapsed, width.saturating_sub(40)));
        lines.push(Line::from(spans));
    }
    let mut shown = false;
    for row in rows(m, b) {
        lines.extend(context_lines(&row, width));
        if first_failure(&row, &mut shown) {
            lines.extend(tests_lines(m, width));
        }
    }
    if !shown {
        lines.extend(tests_lines(m, width));
    }
    lines
}
