//! The control confirmation: what will happen (dangerous ones in red), the
//! choice (stop/abandon, approve/reject), the reason or summary, and the
//! pipeline name to type on confirm-by-name profiles.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::keymap;
use crate::layout;
use crate::model::control::offered;
use crate::model::control::{Confirm, ControlKind, Field, short_id};
use crate::model::start::RevisionOverride;
use crate::model::{Modal, Mode, Model};
use crate::ui::theme;

const WIDTH: u16 = 64;

pub fn render(m: &Model, frame: &mut Frame, area: Rect) {
    let Modal::Confirm(c) = &m.modal else { return };
    let (title, danger) = title(c);
    let mut lines: Vec<Line<'static>> = explain(c).into_iter().map(Line::raw).collect();
    if let Some(t) = &c.target {
        let profile = t.profile.as_deref().unwrap_or("default");
        lines.insert(0, Line::raw(format!("Pipeline {} in {profile}/{}.", t.pipeline, t.region)));
    }
    if !c.choices().is_empty() {
        lines.push(Line::raw(""));
        lines.push(choices(c));
    }
    if let Some(label) = c.text_label() {
        lines.push(Line::raw(""));
        lines.push(field(label, &c.text, c.field == Field::Text));
    }
    if c.by_name {
        lines.push(Line::raw(""));
        lines.push(Line::raw(format!("Type the pipeline name to confirm: {}", c.pipeline)));
        lines.push(field("Name", &c.typed_name, c.field == Field::Name));
    }
    if let Some(problem) = &c.problem {
        lines.push(Line::styled(problem.clone(), Style::default().fg(Color::Red)));
    }
    lines.push(Line::raw(""));
    lines.push(keys(m));
    let inner_w = usize::from(WIDTH.min(area.width.saturating_sub(2)).saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| wrapped_rows(l, inner_w)).sum();
    let rect = layout::centered(area, WIDTH, u16::try_from(rows).unwrap_or(u16::MAX).saturating_add(2));
    let title_style = if danger { theme::danger_style() } else { Style::default().add_modifier(Modifier::BOLD) };
    let block = Block::bordered()
        .border_set(theme::border_set(m.config.ascii))
        .border_style(theme::border_style(true))
        .title(Line::from(Span::styled(format!(" {title} "), title_style)));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// Rows `line` takes when wrapped at word boundaries into `width` columns
/// (counted as the paragraph wraps, so the last line is never cut off).
fn wrapped_rows(line: &Line, width: usize) -> usize {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let (mut rows, mut col) = (1, 0);
    for word in text.split(' ') {
        let w = word.chars().count();
        if col > 0 && col + 1 + w > width {
            rows += 1;
            col = 0;
        }
        col += if col > 0 { 1 + w } else { w };
        while col > width {
            rows += 1;
            col -= width;
        }
    }
    rows
}

/// The title, and whether the action stops, abandons, rejects or blocks work.
fn title(c: &Confirm) -> (String, bool) {
    match &c.kind {
        ControlKind::Start => (format!("Start {}?", c.pipeline), false),
        ControlKind::Retry { stage, all: false, .. } => (format!("Retry failed actions of {stage}?"), false),
        ControlKind::Retry { stage, all: true, .. } => (format!("Retry ALL actions of {stage}?"), false),
        ControlKind::Stop { execution_id } if c.choice == 1 => {
            (format!("Abandon execution {}?", short_id(execution_id)), true)
        }
        ControlKind::Stop { execution_id } => (format!("Stop execution {}?", short_id(execution_id)), true),
        ControlKind::Approve { stage, action, .. } if c.choice == 1 => (format!("{stage}/{action}: reject?"), true),
        ControlKind::Approve { stage, action, .. } => (format!("{stage}/{action}: approve?"), false),
        ControlKind::Transition { stage, enable: true } => (format!("Enable the transition into {stage}?"), false),
        ControlKind::Transition { stage, enable: false } => (format!("Disable the transition into {stage}?"), true),
        ControlKind::StartWith { revisions, .. } if !revisions.is_empty() => {
            (format!("Start {} at a chosen source revision?", c.pipeline), false)
        }
        ControlKind::StartWith { .. } => (format!("Start {} with variables?", c.pipeline), false),
        ControlKind::Rollback { stage, target_id, .. } => {
            (format!("Roll {stage} back to execution {}?", short_id(target_id)), true)
        }
        ControlKind::Override { stage, .. } => (format!("Override the entry condition of {stage}?"), true),
    }
}

/// What pressing Enter will do, in plain words.
fn explain(c: &Confirm) -> Vec<String> {
    let p = &c.pipeline;
    match &c.kind {
        ControlKind::Start => {
            vec![format!("Starts a new execution of {p} with the latest revision of each source (a release change).")]
        }
        ControlKind::Retry { stage, execution_id, all } => {
            let which = if *all { "every action, succeeded ones too," } else { "the failed actions" };
            vec![format!("Runs {which} of stage {stage} again in execution {}.", short_id(execution_id))]
        }
        ControlKind::Stop { execution_id } if c.choice == 1 => vec![format!(
            "Abandons execution {} now: running actions are abandoned and their results ignored; the rest of the pipeline does not run.",
            short_id(execution_id)
        )],
        ControlKind::Stop { execution_id } => vec![format!(
            "Stops execution {} once its running actions finish; no further action starts.",
            short_id(execution_id)
        )],
        ControlKind::Approve { stage, action, .. } if c.choice == 1 => {
            vec![format!("Rejects {stage}/{action}: the execution fails at this stage.")]
        }
        ControlKind::Approve { stage, action, .. } => {
            vec![format!("Approves {stage}/{action}: the execution goes on to the next stage.")]
        }
        ControlKind::Transition { stage, enable: false } => {
            vec![format!("No execution enters {stage} until the transition is enabled again; the ones inside finish.")]
        }
        ControlKind::Transition { stage, enable: true } => {
            vec![format!("Lets executions enter {stage} again; one waiting at the transition goes in now.")]
        }
        ControlKind::StartWith { variables, revisions } => start_lines(p, variables, revisions),
        ControlKind::Rollback { stage, about, .. } => vec![
            format!("Runs {stage} again with what this earlier successful execution deployed:"),
            about.clone(),
            "The rollback is a new execution (type ROLLBACK); later stages do not run.".to_string(),
        ],
        ControlKind::Override { stage, execution_id } => vec![format!(
            "Lets execution {} enter {stage} now, without waiting for the condition's rules (OverrideStageCondition).",
            short_id(execution_id)
        )],
    }
}

/// A start that overrides: each source revision in words, then the variables.
fn start_lines(p: &str, variables: &[(String, String)], revisions: &[RevisionOverride]) -> Vec<String> {
    let vars = crate::model::rollback::vars_text(variables);
    if revisions.is_empty() {
        let head =
            format!("Starts a new execution of {p} with the latest source revisions and these pipeline variables:");
        return vec![head, vars];
    }
    let mut lines = vec![format!("Starts a new execution of {p} with these source revisions instead of the latest:")];
    lines.extend(revisions.iter().map(|r| format!("  {}", r.describe())));
    lines.push("Other sources (if any) use their latest revision.".into());
    if !variables.is_empty() {
        lines.push(format!("Pipeline variables: {vars}"));
    }
    lines
}

fn choices(c: &Confirm) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, name) in c.choices().iter().enumerate() {
        let style = if i == c.choice {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            theme::dim()
        };
        spans.push(Span::styled(format!(" {name} "), style));
        spans.push(Span::raw("  "));
    }
    Line::from(spans)
}

/// A text field; the focused one shows a cursor block.
fn field(label: &str, value: &str, focused: bool) -> Line<'static> {
    let cursor = if focused { "_" } else { "" };
    let label_style = if focused { Style::default().add_modifier(Modifier::BOLD) } else { theme::dim() };
    Line::from(vec![
        Span::styled(format!("{label}: "), label_style),
        Span::styled(format!("{value}{cursor}"), Style::default().add_modifier(Modifier::UNDERLINED)),
    ])
}

/// The dialog's keys, from the key map (so `[keys]` overrides show), as
/// the footer has them.
fn keys(m: &Model) -> Line<'static> {
    let cx = keymap::Context::new(Mode::Confirm, m.focus);
    let mut spans = Vec::new();
    for (k, what, _) in m.config.keymap.footer_entries_in(cx).into_iter().filter(|(_, _, a)| offered(m, *a)) {
        spans.push(Span::styled(format!("{k} "), theme::key_style()));
        spans.push(Span::styled(format!("{what}  "), theme::dim()));
    }
    Line::from(spans)
}
