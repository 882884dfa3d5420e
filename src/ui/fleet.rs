//! The fleet list: a title line, column names, groups of rows (one per
//! profile and Region, with the account), and a line of keys. Only the lines
//! in the window are built, so 500 rows draw as fast as 20.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::layout::text;
use crate::model::Model;
use crate::model::fleet::{Fleet, Latest, Line as FleetLine, Place, Row};
use crate::model::snapshot::Status;
use crate::ui::{theme, truncate};
use crate::update::fleet::list_height;

const STATUS_W: usize = 17;
const AGE_W: usize = 5;
const NAME_MAX: usize = 60;

pub fn render(m: &Model, frame: &mut Frame, area: Rect) {
    let Some(f) = m.fleet.as_ref() else { return };
    let width = usize::from(area.width);
    let mut lines = vec![title(f, width), columns(width)];
    let height = list_height(m);
    for (i, line) in f.lines.iter().enumerate().skip(f.offset).take(height) {
        lines.push(match line {
            FleetLine::Group(place) => group(m, f, place, width),
            FleetLine::Row(_) => {
                f.key_at(i).and_then(|k| f.row(&k)).map(|r| row_line(m, f, r, width)).unwrap_or_default()
            }
        });
    }
    if f.lines.is_empty() {
        let listed = f.places.values().all(|p| p.listed || p.error.is_some() || p.login_needed);
        let text = if !listed {
            "Listing pipelines…"
        } else if f.filter.is_empty() {
            "No pipelines"
        } else {
            "No pipeline matches the filter"
        };
        lines.push(Line::styled(format!(" {text}"), theme::dim()));
    }
    while lines.len() < usize::from(area.height).saturating_sub(1) {
        lines.push(Line::default());
    }
    lines.truncate(usize::from(area.height).saturating_sub(1));
    lines.push(footer(f));
    frame.render_widget(Paragraph::new(lines), area);
}

fn title(f: &Fleet, width: usize) -> Line<'static> {
    let rows = f.rows().len();
    let attention = f.attention();
    let mut spans = vec![
        Span::styled(format!(" Fleet {} ", f.name), theme::title_style(true)),
        Span::raw(format!(" {rows} pipelines · {} places", f.places.len())),
    ];
    if attention > 0 {
        spans.push(Span::styled(format!(" · {attention} need attention"), theme::status_style(Some(&Status::Failed))));
    }
    if !f.filter.is_empty() || f.typing {
        spans.push(Span::styled(format!(" · /{}", f.filter), theme::match_style(true)));
    }
    fit(Line::from(spans), width)
}

fn columns(width: usize) -> Line<'static> {
    let name_w = name_width(width);
    Line::styled(format!("   {:<name_w$} {:<STATUS_W$} {:>AGE_W$}", "PIPELINE", "LATEST RUN", "AGE"), theme::dim())
}

/// Names get what the other columns leave, up to `NAME_MAX` (the status stays near its name).
fn name_width(width: usize) -> usize {
    width.saturating_sub(3 + 1 + STATUS_W + 1 + AGE_W).clamp(8, NAME_MAX)
}

fn group(m: &Model, f: &Fleet, place: &Place, width: usize) -> Line<'static> {
    let state = f.places.get(place);
    let account = state.and_then(|s| s.account.clone()).unwrap_or_else(|| "account ?".into());
    let count = f.lines_in(place);
    let mut spans = vec![Span::styled(
        format!("▾ {} · {} · {} ({count})", place.profile, account, place.region),
        Style::default().add_modifier(Modifier::BOLD),
    )];
    if state.is_some_and(|s| s.login_needed) {
        spans.push(Span::styled(" · login needed (L)", theme::status_style(Some(&Status::Failed))));
    } else if let Some(e) = state.and_then(|s| s.error.as_ref()) {
        spans.push(Span::styled(format!(" · {e}"), theme::status_style(Some(&Status::Failed))));
    }
    if m.config.read_only_for(Some(&place.profile)) {
        spans.push(Span::styled(" · read-only", theme::read_only_style()));
    }
    fit(Line::from(spans), width)
}

fn row_line(m: &Model, f: &Fleet, row: &Row, width: usize) -> Line<'static> {
    let name_w = name_width(width);
    let selected = f.selected.as_ref() == Some(&row.key);
    let login = f.login_needed(&row.key.place);
    let (status, label, at) = match &row.latest {
        _ if login => (None, "login needed (L)".to_string(), None),
        Latest::Unknown => (None, "…".to_string(), None),
        Latest::Never => (None, "never ran".to_string(), None),
        Latest::Run { status, waiting_approval: true, at, .. } => {
            (Some(status.clone()), "approval waiting".into(), *at)
        }
        Latest::Run { status, at, .. } => (Some(status.clone()), text::status_word(status), *at),
    };
    let age = at.map(|t| text::age_minutes((m.now - t).num_seconds())).unwrap_or_default();
    let waiting = matches!(row.latest, Latest::Run { waiting_approval: true, .. });
    let symbol = match () {
        _ if login => "!",
        // Waiting on people, not on a build.
        _ if waiting => "?",
        _ => text::status_symbol(status.as_ref(), m.config.ascii),
    };
    let style = if login { theme::status_style(Some(&Status::Failed)) } else { theme::status_style(status.as_ref()) };
    let mut name_style = Style::default();
    if selected {
        name_style = name_style.add_modifier(Modifier::REVERSED);
    }
    Line::from(vec![
        Span::styled(format!(" {symbol} "), style),
        Span::styled(format!("{:<name_w$}", truncate(&row.key.pipeline, name_w)), name_style),
        Span::styled(format!(" {:<STATUS_W$}", truncate(&label, STATUS_W)), style),
        Span::styled(format!(" {age:>AGE_W$}"), theme::dim()),
    ])
}

fn footer(f: &Fleet) -> Line<'static> {
    // `A` only when an approval waits somewhere in the fleet: the footer
    // offers what applies.
    let waiting =
        f.rows().iter().any(|r| matches!(r.latest, crate::model::fleet::Latest::Run { waiting_approval: true, .. }));
    let keys: &[(&str, &str)] = if f.typing {
        &[("Enter", "keep filter"), ("Esc", "clear"), ("Backspace", "erase")]
    } else if waiting {
        &[("Enter", "watch"), ("A", "approvals"), ("/", "filter"), ("L", "login"), ("j/k", "move"), ("q", "quit")]
    } else {
        &[("Enter", "watch"), ("/", "filter"), ("L", "login"), ("j/k", "move"), ("F", "back here"), ("q", "quit")]
    };
    let mut spans = vec![Span::raw(" ")];
    for (k, what) in keys {
        spans.push(Span::styled((*k).to_string(), theme::key_style()));
        spans.push(Span::styled(format!(" {what}  "), theme::dim()));
    }
    Line::from(spans)
}

/// Cuts a line to `width` characters.
fn fit(line: Line<'static>, width: usize) -> Line<'static> {
    let mut left = width;
    let spans: Vec<Span<'static>> = line
        .spans
        .into_iter()
        .filter_map(|s| {
            if left == 0 {
                return None;
            }
            let text: String = s.content.chars().take(left).collect();
            left -= text.chars().count();
            Some(Span::styled(text, s.style))
        })
        .collect();
    Line::from(spans)
}
