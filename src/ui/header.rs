//! The header: pipeline, account, region, profile, endpoint, API health.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::Model;
use crate::model::health::FailureKind;
use crate::ui::theme;

pub fn render(m: &Model, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let c = &m.session.connection;
    let sep = || Span::styled(" │ ", theme::dim());
    let mut spans = Vec::new();
    // The name of the tool is the first thing to give up on a narrow screen.
    if area.width >= 110 {
        spans.extend([Span::styled(" pipewatch", Style::default().add_modifier(Modifier::BOLD)), sep()]);
    } else {
        spans.push(Span::raw(" "));
    }
    spans.extend([
        Span::styled(m.session.pipeline.clone().unwrap_or_else(|| "-".into()), Style::default().fg(Color::Cyan)),
        sep(),
        Span::raw(format!("acct {}", c.account.as_deref().unwrap_or("…"))),
        sep(),
        Span::raw(c.region.clone()),
    ]);
    if let Some(id) = m.session.push.followed() {
        let short: String = id.chars().take(8).collect();
        spans.extend([sep(), Span::styled(format!("following {short}"), Style::default().fg(Color::Cyan))]);
    }
    if let Some(p) = &c.profile {
        spans.extend([sep(), Span::raw(format!("profile {p}"))]);
    }
    if let Some(to) = &m.switching {
        spans.extend([sep(), Span::styled(format!("connecting to {to}…"), Style::default().fg(Color::Yellow))]);
    }
    if let Some(e) = &c.endpoint {
        let e = e.trim_start_matches("http://").trim_start_matches("https://");
        spans.extend([sep(), Span::styled(format!("endpoint {e}"), Style::default().fg(Color::Magenta))]);
    }
    let health = health_span(m);
    let health_w = u16::try_from(health.width()).unwrap_or(u16::MAX);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    // Health on the right, over the tail of the left part if space is short.
    let x = area.x + area.width.saturating_sub(health_w);
    let right = Rect::new(x, area.y, area.width.min(health_w), 1);
    frame.render_widget(Paragraph::new(Line::from(health)).alignment(Alignment::Right), right);
}

fn health_span(m: &Model) -> Span<'static> {
    let Some((api, h)) = m.session.health.worst() else {
        return Span::styled(" API ok ", Style::default().fg(Color::Green));
    };
    let (word, color) = match h.kind {
        FailureKind::Throttled => ("throttled", Color::Yellow),
        FailureKind::Offline => ("offline", Color::Red),
        FailureKind::Auth => ("denied", Color::Red),
        FailureKind::Expired => ("login expired", Color::Red),
        FailureKind::Service => ("error", Color::Red),
    };
    let retry = m.session.health.countdown(m.now).map(|s| format!(", retry in {s}s")).unwrap_or_default();
    Span::styled(format!(" {api} {word}{retry} "), Style::default().fg(color).add_modifier(Modifier::BOLD))
}
