//! V2 in the stage graph: the queued depth under a transition arrow and, in
//! PARALLEL mode, one lane per execution in progress under the stages.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::layout::graph::lanes_height;
use crate::layout::text;
use crate::model::Model;
use crate::model::snapshot::{StageSnapshot, Status};
use crate::model::v2::queued_depth;
use crate::ui::{theme, truncate};

/// The cell under a transition arrow (`ARROW_WIDTH` wide): "off" for a
/// disabled transition, else how many executions wait to enter ("q:2").
pub fn under_arrow(stage: &StageSnapshot) -> Span<'static> {
    let depth = queued_depth(stage);
    match (stage.inbound_enabled, depth) {
        (false, 0) => Span::styled(" off ", theme::disabled_style()),
        (false, n) => Span::styled(format!("off{n:<2}"), theme::disabled_style()),
        (true, 0) => Span::raw("     "),
        (true, n) => Span::styled(
            format!(" q:{:<2}", n.min(99)),
            theme::status_style(Some(&Status::Queued)).add_modifier(Modifier::BOLD),
        ),
    }
}

/// "parallel · 3 in progress", then per lane: the followed mark, the short
/// id, a symbol per stage, and the action it is at.
pub fn lines(m: &Model, width: u16) -> Vec<Line<'static>> {
    if lanes_height(m) == 0 {
        return Vec::new();
    }
    let Some(state) = &m.session.state else { return Vec::new() };
    let followed = m.shown_execution().map(|e| e.id.clone());
    let mut out = vec![Line::styled(format!("parallel · {} in progress", m.session.lanes.len()), theme::dim())];
    for lane in &m.session.lanes {
        let is_followed = followed.as_deref() == Some(lane.execution_id.as_str());
        let short: String = lane.execution_id.chars().take(8).collect();
        let mark = match (is_followed, m.config.ascii) {
            (false, _) => "  ",
            (true, false) => "▸ ",
            (true, true) => "> ",
        };
        let id_style = if is_followed { Style::default().add_modifier(Modifier::BOLD) } else { theme::dim() };
        let mut spans = vec![Span::raw(mark), Span::styled(short, id_style), Span::raw(" ")];
        for stage in &state.stages {
            let status = lane.stage_status(&stage.name);
            let symbol = match &status {
                Some(s) => text::status_symbol(Some(s), m.config.ascii),
                None => {
                    if m.config.ascii {
                        "."
                    } else {
                        "·"
                    }
                }
            };
            spans.push(Span::styled(format!("{symbol} "), theme::status_style(status.as_ref())));
        }
        if let Some(a) = lane.current_action() {
            let since = a.start.map(|t| text::duration((m.now - t).num_seconds())).unwrap_or_default();
            let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
            let label = format!("{} · {} {since}", a.stage, a.action);
            let room = usize::from(width).saturating_sub(used);
            spans.push(Span::styled(truncate(&label, room), theme::status_style(a.status.as_ref())));
        }
        out.push(Line::from(spans));
    }
    out
}
