//! The details view (`d`): why this run started (trigger, revisions,
//! variables) and what it produced (action outputs, the build's environment,
//! exported variables, artifacts, test reports). A popup, or a pane on the
//! right at 200 columns and more.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::layout;
use crate::model::Model;
use crate::model::details::Details;
use crate::model::snapshot::Status;
use crate::model::tests_report::TestReport;
use crate::ui::{pane_block, popup_block, theme, truncate};

/// The pane's width beside the others.
pub const PANE_COLUMNS: u16 = 72;

pub fn render_popup(m: &Model, frame: &mut Frame, area: Rect) {
    let rect = layout::centered(area, 110, area.height.saturating_sub(2).max(10));
    let block = popup_block("Run details · d/Esc close · j/k scroll", m.config.ascii);
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    draw(m, frame, inner);
}

pub fn render_pane(m: &Model, frame: &mut Frame, area: Rect) {
    let block = pane_block("Run details · d close".into(), false, m.config.ascii);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    draw(m, frame, inner);
}

fn draw(m: &Model, frame: &mut Frame, inner: Rect) {
    let all = lines(m, inner.width);
    let skip = usize::from(m.session.details.scroll).min(all.len().saturating_sub(1));
    frame.render_widget(Paragraph::new(all.into_iter().skip(skip).collect::<Vec<_>>()), inner);
}

fn head(text: &str) -> Line<'static> {
    Line::styled(text.to_string(), theme::title_style(true))
}

fn pair(key: &str, value: &str, width: u16) -> Line<'static> {
    let max = usize::from(width).saturating_sub(key.chars().count() + 4);
    Line::from(vec![Span::styled(format!("  {key} "), theme::dim()), Span::raw(truncate(value, max))])
}

fn plain(text: String, style: Style, width: u16) -> Line<'static> {
    Line::styled(truncate(&text, usize::from(width)), style)
}

pub fn lines(m: &Model, width: u16) -> Vec<Line<'static>> {
    let v = &m.session.details;
    let mut out = Vec::new();
    if let Some(e) = &v.error {
        out.push(plain(format!("Could not fetch the details: {e}"), theme::status_style(Some(&Status::Failed)), width));
    }
    let Some(d) = &v.data else {
        if v.loading {
            out.push(Line::styled("Loading…", theme::dim()));
        }
        return out;
    };
    if v.loading {
        out.push(Line::styled("Refreshing…", theme::dim()));
    }
    why(d, width, &mut out);
    produced(d, width, &mut out);
    if let Some(t) = &d.tests {
        tests(t, width, &mut out);
    }
    out
}

/// Trigger, revisions and pipeline variables.
fn why(d: &Details, width: u16, out: &mut Vec<Line<'static>>) {
    out.push(head(&format!("Execution {}", d.execution_id)));
    out.push(pair("trigger", d.trigger.as_deref().unwrap_or("-"), width));
    out.push(head("Source revisions"));
    if d.revisions.is_empty() {
        out.push(Line::styled("  none recorded", theme::dim()));
    }
    for r in &d.revisions {
        let id = r.revision_id.as_deref().unwrap_or("-");
        out.push(pair(&r.artifact, id, width));
        if let Some(s) = r.summary.as_deref().filter(|s| !s.is_empty()) {
            out.push(plain(format!("    {s}"), theme::dim(), width));
        }
    }
    out.push(head("Pipeline variables"));
    if d.variables.is_empty() {
        out.push(Line::styled("  none", theme::dim()));
    }
    for (k, val) in &d.variables {
        out.push(pair(k, val, width));
    }
}

/// Action outputs and configuration, the build's environment and artifacts.
fn produced(d: &Details, width: u16, out: &mut Vec<Line<'static>>) {
    out.push(head("Actions"));
    for a in &d.actions {
        let ns = a.namespace.as_deref().map(|n| format!(" (namespace {n})")).unwrap_or_default();
        out.push(plain(format!("  {}/{}{ns}", a.stage, a.action), Style::default(), width));
        for (k, val) in &a.output_variables {
            out.push(pair(&format!("  out {k}"), val, width));
        }
        for (k, val) in &a.configuration {
            out.push(pair(&format!("  cfg {k}"), val, width));
        }
    }
    let Some(b) = &d.build else { return };
    out.push(head(&format!("Build {}", b.id)));
    out.push(Line::styled("  environment variables", theme::dim()));
    for e in &b.environment {
        out.push(pair(&format!("  {}", e.name), &e.shown(), width));
    }
    if !b.exported.is_empty() {
        out.push(Line::styled("  exported variables", theme::dim()));
        for (k, val) in &b.exported {
            out.push(pair(&format!("  {k}"), val, width));
        }
    }
    for a in &b.artifacts {
        out.push(pair(&format!("artifact {}", a.identifier), a.location.as_deref().unwrap_or("-"), width));
        if let Some(sha) = &a.sha256 {
            out.push(pair("  sha256", sha, width));
        }
    }
}

fn tests(t: &TestReport, width: u16, out: &mut Vec<Line<'static>>) {
    out.push(head("Test reports"));
    for r in &t.reports {
        let what = match r.line_coverage {
            Some(pct) => format!(
                "{pct:.1}% lines covered ({} of {})",
                r.lines_covered.unwrap_or(0),
                r.lines_covered.unwrap_or(0) + r.lines_missed.unwrap_or(0)
            ),
            None => {
                let counts: Vec<String> =
                    r.counts.iter().filter(|(_, n)| *n > 0).map(|(s, n)| format!("{n} {}", s.to_lowercase())).collect();
                format!("{} tests: {} · {:.1}s", r.total, counts.join(", "), r.duration_ns as f64 / 1e9)
            }
        };
        let style = if r.status == "FAILED" { theme::status_style(Some(&Status::Failed)) } else { Style::default() };
        out.push(Line::from(vec![
            Span::styled(format!("  {} ", r.group), theme::dim()),
            Span::styled(truncate(&what, usize::from(width).saturating_sub(r.group.len() + 4)), style),
        ]));
    }
    let failed = theme::status_style(Some(&Status::Failed));
    for c in &t.failed {
        let mark = if c.status == "ERROR" { "error" } else { "✗" };
        out.push(plain(format!("  {mark} {}", c.name), failed, width));
        if let Some(msg) = &c.message {
            out.push(plain(format!("      {}", msg.lines().next().unwrap_or_default()), theme::dim(), width));
        }
    }
}
