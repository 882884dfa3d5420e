//! The 11 CodeBuild phases: status, duration, a gauge with an ETA for the
//! running phase, failure contexts under the failed one. A compact form (phases
//! as chips) when the pane has only a few rows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::snapshot::{BuildSnapshot, PhaseSnapshot, Status};
use crate::model::{BuildSource, Model, Pane};
use crate::ui::{pane_block, theme, truncate};

/// (CodeBuild name, short name for the compact form).
pub const PHASES: [(&str, &str); 11] = [
    ("SUBMITTED", "submit"),
    ("QUEUED", "queue"),
    ("PROVISIONING", "provision"),
    ("DOWNLOAD_SOURCE", "source"),
    ("INSTALL", "install"),
    ("PRE_BUILD", "pre"),
    ("BUILD", "build"),
    ("POST_BUILD", "post"),
    ("UPLOAD_ARTIFACTS", "upload"),
    ("FINALIZING", "final"),
    ("COMPLETED", "done"),
];

/// One phase as shown: status (None = not reached), seconds, failure contexts.
struct PhaseRow<'a> {
    name: &'static str,
    short: &'static str,
    status: Option<Status>,
    secs: Option<i64>,
    contexts: &'a [(String, String)],
}

fn rows<'a>(m: &Model, b: &'a BuildSnapshot) -> Vec<PhaseRow<'a>> {
    PHASES
        .iter()
        .map(|&(name, short)| {
            let p: Option<&PhaseSnapshot> = b.phases.iter().find(|p| p.phase == name);
            let status = p.map(|p| match &p.status {
                Some(s) => s.clone(),
                // COMPLETED never gets a status of its own: it is the build's.
                None if name == "COMPLETED" && b.complete => b.status.clone(),
                None => Status::InProgress,
            });
            // COMPLETED has a start and no end: it is a moment, not a phase to time.
            let secs = p
                .filter(|_| name != "COMPLETED")
                .and_then(|p| p.duration_secs.or_else(|| p.start.map(|s| (p.end.unwrap_or(m.now) - s).num_seconds())));
            let contexts = p.map_or(&[][..], |p| &p.contexts[..]);
            PhaseRow { name, short, status, secs, contexts }
        })
        .collect()
}

fn failure_lines(b: &BuildSnapshot) -> u16 {
    let n: usize =
        b.phases.iter().filter(|p| p.status.as_ref() != Some(&Status::Succeeded)).map(|p| p.contexts.len()).sum();
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// Rows the pane takes when `avail` rows could be given to it.
pub fn wanted_height(m: &Model, width: u16, avail: u16) -> u16 {
    let Some(b) = &m.build.snapshot else { return 2.min(avail) };
    let full = 1 + 11 + failure_lines(b);
    if avail >= full + 4 {
        return full;
    }
    let chips = chip_lines(&chips(m, b), width).len();
    let extra = u16::from(running(b).is_some()) + failure_lines(b).min(2);
    (1 + u16::try_from(chips).unwrap_or(u16::MAX) + extra).min(avail)
}

fn running(b: &BuildSnapshot) -> Option<&PhaseSnapshot> {
    b.phases.iter().find(|p| p.status.is_none() && p.end.is_none() && p.phase != "COMPLETED")
}

pub fn render(m: &Model, frame: &mut Frame, area: Rect) {
    let block = pane_block(title(m), m.focus == Pane::Phases, m.config.ascii);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(b) = &m.build.snapshot else {
        let text = if m.build.id.is_some() { "Loading build…" } else { "No CodeBuild action in this execution yet." };
        frame.render_widget(Paragraph::new(Line::styled(text, theme::dim())), inner);
        return;
    };
    let lines = if inner.height >= 11 + failure_lines(b) {
        full_lines(m, b, inner.width)
    } else {
        compact_lines(m, b, inner.width)
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

fn title(m: &Model) -> String {
    let Some(b) = &m.build.snapshot else { return "Build".into() };
    let mut t = format!("Build · {}", b.project);
    if let Some(n) = b.number {
        t.push_str(&format!(" #{n}"));
    }
    let secs = b.start.map(|s| (b.end.unwrap_or(m.now) - s).num_seconds());
    t.push_str(&format!(
        " · {} {}",
        theme::status_symbol(Some(&b.status), m.config.ascii),
        theme::status_word(&b.status)
    ));
    if let Some(s) = secs {
        t.push_str(&format!(" {}", theme::duration(s)));
    }
    if matches!(m.build.source, BuildSource::Action { .. }) {
        t.push_str(" · pinned");
    }
    t
}

fn full_lines(m: &Model, b: &BuildSnapshot, width: u16) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for row in rows(m, b) {
        let style = theme::status_style(row.status.as_ref());
        let symbol = theme::status_symbol(row.status.as_ref(), m.config.ascii);
        let secs = row.secs.map(theme::duration).unwrap_or_default();
        let mut spans = vec![Span::styled(format!("{symbol} {:<17}{secs:>7}", row.name), style)];
        if row.status == Some(Status::InProgress) {
            spans.push(Span::raw("  "));
            spans.extend(gauge(m, row.name, row.secs.unwrap_or(0), width.saturating_sub(30)));
        }
        lines.push(Line::from(spans));
        lines.extend(context_lines(&row, width));
    }
    lines
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
    let median = m.build.medians.iter().find(|(p, _)| p == phase).map(|(_, s)| *s);
    let Some(median) = median.filter(|s| *s > 0.0) else {
        return vec![Span::styled("no history for an ETA", theme::dim())];
    };
    let bar_w = usize::from(room.min(30));
    let ratio = (elapsed as f64 / median).clamp(0.0, 1.0);
    let filled = ((bar_w as f64) * ratio).round() as usize;
    let (on, off) = if m.config.ascii { ("#", "-") } else { ("█", "░") };
    let left = median.round() as i64 - elapsed;
    let eta = if left >= 0 {
        format!(" ETA {}", theme::duration(left))
    } else {
        format!(" +{} over", theme::duration(-left))
    };
    let style = theme::status_style(Some(&Status::InProgress));
    vec![Span::styled(on.repeat(filled), style), Span::styled(off.repeat(bar_w - filled), theme::dim()), Span::raw(eta)]
}

fn chips(m: &Model, b: &BuildSnapshot) -> Vec<Span<'static>> {
    rows(m, b)
        .iter()
        .map(|r| {
            let symbol = theme::status_symbol(r.status.as_ref(), m.config.ascii);
            let secs = r.secs.map(|s| format!(" {}", theme::duration(s))).unwrap_or_default();
            Span::styled(format!("{symbol} {}{secs}", r.short), theme::status_style(r.status.as_ref()))
        })
        .collect()
}

/// Chips packed into lines of `width`, two spaces apart.
fn chip_lines(chips: &[Span<'static>], width: u16) -> Vec<Line<'static>> {
    let mut lines: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0;
    for chip in chips {
        let w = chip.width() + 2;
        if used > 0 && used + w > usize::from(width) {
            lines.push(Vec::new());
            used = 0;
        }
        if let Some(line) = lines.last_mut() {
            line.push(chip.clone());
            line.push(Span::raw("  "));
        }
        used += w;
    }
    lines.into_iter().map(Line::from).collect()
}

fn compact_lines(m: &Model, b: &BuildSnapshot, width: u16) -> Vec<Line<'static>> {
    let mut lines = chip_lines(&chips(m, b), width);
    if let Some(p) = running(b) {
        let elapsed = p.start.map_or(0, |s| (m.now - s).num_seconds());
        let mut spans = vec![Span::styled(
            format!("{} {} ", p.phase, theme::duration(elapsed)),
            theme::status_style(Some(&Status::InProgress)),
        )];
        spans.extend(gauge(m, &p.phase, elapsed, width.saturating_sub(40)));
        lines.push(Line::from(spans));
    }
    for row in rows(m, b) {
        lines.extend(context_lines(&row, width));
    }
    lines
}
