//! The push modal: packing, the source chooser, the confirmation (where it
//! goes, what is in it, the preflight) and the upload gauge.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Gauge, Paragraph, Wrap};

use crate::layout;
use crate::model::push::{FindingLevel, PlanView, PushDialog, SourceChoice, human_bytes};
use crate::model::{Modal, Model};
use crate::ui::{popup_block, theme};

const WIDTH: u16 = 76;

pub fn render(m: &Model, frame: &mut Frame, area: Rect) {
    let ascii = m.config.ascii;
    let Modal::Push(dialog) = &m.modal else { return };
    let (title, lines, gauge) = match dialog {
        PushDialog::Planning => ("Push · packing", vec![Line::raw("packing and checking the workspace…")], None),
        PushDialog::Choosing { sources, selected } => ("Push · which S3 source?", chooser(sources, *selected), None),
        PushDialog::Confirm(plan) => ("Push · confirm", confirmation(plan, true), None),
        PushDialog::Uploading { plan, sent, total } => {
            ("Push · uploading", confirmation(plan, false), Some((*sent, *total)))
        }
    };
    let inner_w = usize::from(WIDTH.min(area.width.saturating_sub(2)).saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner_w).max(1)).sum();
    let height = u16::try_from(rows).unwrap_or(u16::MAX).saturating_add(2 + u16::from(gauge.is_some()));
    let rect = layout::centered(area, WIDTH, height);
    let block = popup_block(title, ascii);
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let [text, bar] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(u16::from(gauge.is_some()))]).areas(inner);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), text);
    if let Some((sent, total)) = gauge {
        let ratio = if total == 0 { 1.0 } else { (sent as f64 / total as f64).clamp(0.0, 1.0) };
        let label = format!("{} / {}", human_bytes(sent), human_bytes(total));
        let g = Gauge::default().ratio(ratio).label(label).gauge_style(Style::default().fg(Color::Cyan));
        frame.render_widget(g, bar);
    }
}

fn chooser(sources: &[SourceChoice], selected: usize) -> Vec<Line<'static>> {
    let mut lines = vec![Line::raw("The pipeline has several S3 source actions; push to:")];
    for (i, s) in sources.iter().enumerate() {
        let style = if i == selected { Style::default().add_modifier(Modifier::REVERSED) } else { Style::default() };
        lines.push(Line::styled(format!(" {}  {}", s.action, s.target), style));
    }
    lines.push(keys_line(&[("j/k", "move"), ("Enter", "choose"), ("Esc", "cancel")]));
    lines
}

fn label(name: &str) -> Span<'static> {
    Span::styled(format!("{name:<10}"), theme::dim())
}

fn confirmation(plan: &PlanView, confirming: bool) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::from(vec![label("to"), Span::raw(format!("s3://{}/{}", plan.bucket, plan.key))]),
        Line::from(vec![label("pipeline"), Span::raw(format!("{} (source action {})", plan.pipeline, plan.action))]),
        Line::from(vec![label("from"), Span::raw(plan.workspace.clone())]),
        Line::from(vec![
            label("files"),
            Span::raw(format!(
                "{} · {} → {} zipped",
                plan.files,
                human_bytes(plan.total_bytes),
                human_bytes(plan.zip_bytes)
            )),
        ]),
    ];
    let excluded = match plan.excluded_secrets.len() {
        0 => "no secrets found".to_string(),
        n => format!("{n} secret file{} left out: {}", if n == 1 { "" } else { "s" }, plan.excluded_secrets.join(", ")),
    };
    lines.push(Line::from(vec![label("excluded"), Span::raw(excluded)]));
    let preflight = if plan.findings.is_empty() {
        Span::styled(format!("{}: ok", plan.buildspec), Style::default().fg(Color::Green))
    } else {
        Span::raw(plan.buildspec.clone())
    };
    lines.push(Line::from(vec![label("preflight"), preflight]));
    for (level, text) in &plan.findings {
        let color = if *level == FindingLevel::Error { Color::Red } else { Color::Yellow };
        lines.push(Line::styled(format!("  {text}"), Style::default().fg(color)));
    }
    for w in &plan.warnings {
        lines.push(Line::styled(format!("! {w}"), Style::default().fg(Color::Yellow)));
    }
    if let Some(note) = &plan.unchanged {
        lines.push(Line::styled(format!("{note} — Enter pushes again"), Style::default().fg(Color::Cyan)));
    }
    if !confirming {
        lines.push(Line::styled("uploading: one PutObject, so it cannot be stopped halfway", theme::dim()));
    } else if plan.blocked() {
        lines.push(Line::styled(
            "preflight errors block the push: fix the buildspec, then p again",
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        ));
        lines.push(keys_line(&[("Esc", "cancel")]));
    } else {
        lines.push(keys_line(&[("Enter", "push"), ("Esc", "cancel")]));
    }
    lines
}

fn keys_line(keys: &[(&str, &str)]) -> Line<'static> {
    let mut spans = Vec::new();
    for (k, what) in keys {
        spans.push(Span::styled(format!(" {k}"), theme::key_style()));
        spans.push(Span::raw(format!(" {what} ")));
    }
    Line::from(spans)
}
