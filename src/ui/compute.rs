//! The phase pane for a Commands action: there is no build and no phases,
//! so it says what runs the commands, the action's status and where its log
//! comes from (the log pane below tails it).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::layout::text;
use crate::model::compute::{action_of_log, log_arn_parts};
use crate::model::snapshot::{ActionSnapshot, Status};
use crate::model::{Model, Pane};
use crate::ui::{pane_block, theme};

pub fn render(m: &Model, frame: &mut Frame, area: Rect, arn: &str) {
    let action = m.session.state.as_ref().and_then(|s| action_of_log(s, arn));
    let title = match action {
        Some((stage, a)) => format!("Commands · {stage}/{}", a.name),
        None => "Commands".to_string(),
    };
    let block = pane_block(title, m.focus == Pane::Phases, m.config.ascii);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // The first line says it all: a short pane shows only that one.
    let what = Span::styled(" · Commands action: no build, CodePipeline-managed compute", theme::dim());
    let mut lines = Vec::new();
    match action.and_then(|(_, a)| a.status.clone().map(|s| (a, s))) {
        Some((a, status)) => {
            let symbol = text::status_symbol(Some(&status), m.config.ascii);
            let word =
                Span::styled(format!("{symbol} {}", text::status_word(&status)), theme::status_style(Some(&status)));
            lines.push(Line::from(vec![word, what]));
            if let Some(error) = &a.error {
                lines.push(Line::styled(format!("  ↳ {error}"), theme::status_style(Some(&Status::Failed))));
            }
        }
        None => lines.push(Line::from(vec![what])),
    }
    if let Some((_, group, stream)) = log_arn_parts(arn) {
        lines.push(Line::from(vec![Span::styled("Log ", theme::dim()), Span::raw(format!("{group} {stream}"))]));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// An action that is neither a build nor Commands (S3 deploy, CloudFormation,
/// ECS, Lambda...): what CodePipeline reports of it (ActionExecution summary,
/// externalExecutionUrl, errorDetails).
pub fn render_other(m: &Model, frame: &mut Frame, area: Rect, stage: &str, a: &ActionSnapshot) {
    let kind = a.provider.as_deref().or(a.category.as_deref()).unwrap_or("Action");
    let block = pane_block(format!("{kind} · {stage}/{} · pinned", a.name), m.focus == Pane::Phases, m.config.ascii);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let status = a.status.clone().unwrap_or(Status::Other("not started".into()));
    let symbol = text::status_symbol(Some(&status), m.config.ascii);
    // A short pane shows one line: the error if any, else the summary.
    let word = Span::styled(format!("{symbol} {}", text::status_word(&status)), theme::status_style(Some(&status)));
    let first = match (&a.error, &a.summary) {
        (Some(error), _) => Span::styled(format!(" · {error}"), theme::status_style(Some(&Status::Failed))),
        (None, Some(summary)) => Span::raw(format!(" · {summary}")),
        (None, None) => Span::styled(" · no build: what CodePipeline reports of the action", theme::dim()),
    };
    let mut lines = vec![Line::from(vec![word, first])];
    if let (Some(_), Some(summary)) = (&a.error, &a.summary) {
        lines.push(Line::from(vec![Span::styled("Summary ", theme::dim()), Span::raw(summary.clone())]));
    }
    if let Some(url) = &a.external_url {
        lines.push(Line::from(vec![Span::styled("Link ", theme::dim()), Span::raw(url.clone())]));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
