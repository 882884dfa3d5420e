//! Where each pane goes, as a pure function of the terminal size and the
//! model: `ui` draws into these areas, and `update` asks the same functions
//! for page sizes, the visible list rows and the help's pages. Depends on the
//! model and the keymap only (and ratatui's layout solver: geometry, no widgets).

pub mod graph;
pub mod help;
pub mod phases;
pub mod text;

use ratatui::layout::{Constraint, Layout, Margin, Rect};

use crate::model::{Mode, Model, Pane};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Areas {
    pub header: Rect,
    pub notice: Rect,
    pub footer: Rect,
    /// The panes on screen, in drawing order.
    pub panes: Vec<(Pane, Rect)>,
}

impl Areas {
    /// Where `pane` is, if it is on screen.
    pub fn pane(&self, pane: Pane) -> Option<Rect> {
        self.panes.iter().find(|(p, _)| *p == pane).map(|(_, r)| *r)
    }
}

/// The log pane keeps at least this many rows (8 lines + its title) when
/// all panes share the screen.
const LOG_MIN: u16 = 9;

pub fn compute(area: Rect, m: &Model) -> Areas {
    let h = area.height;
    let header = u16::from(h >= 2);
    let footer = u16::from(h >= 3);
    // The notice names a fix; let a long one take a second row when there is room.
    // A confirmation (`info`) is the answer to the last key: it shows instead.
    let notice_len =
        m.session.notice.as_ref().filter(|_| m.session.info.is_none()).map_or(0, |n| n.text.chars().count() + 3);
    let notice = match notice_len {
        0 => status_rows(m, area),
        n if n > usize::from(area.width) && h >= 16 => 2,
        _ => u16::from(h >= 8),
    };
    let [header, body, notice, footer] = Layout::vertical([
        Constraint::Length(header),
        Constraint::Fill(1),
        Constraint::Length(notice),
        Constraint::Length(footer),
    ])
    .areas(area);
    let mut areas = Areas { header, notice, footer, panes: Vec::with_capacity(4) };
    if m.single_pane() || m.zoom {
        areas.panes.push((m.focus, body));
        return areas;
    }
    let right = if m.list_is_pane() {
        let list_w = (body.width / 5).clamp(28, 40);
        let [list, right] =
            Layout::horizontal([Constraint::Length(list_w), Constraint::Fill(1)]).spacing(1).areas(body);
        areas.panes.push((Pane::List, list));
        right
    } else {
        body
    };
    let graph_h = graph::needed_height(m, right.width).min(right.height.saturating_sub(LOG_MIN + 3)).max(3);
    let rest = right.height.saturating_sub(graph_h);
    let phases_h = phases::wanted_height(m, right.width, rest.saturating_sub(LOG_MIN));
    let [g, p, l] =
        Layout::vertical([Constraint::Length(graph_h), Constraint::Length(phases_h), Constraint::Fill(1)]).areas(right);
    areas.panes.extend([(Pane::Graph, g), (Pane::Phases, p), (Pane::Log, l)]);
    areas
}

/// A confirmation or the push status (no notice shown): the push's "no run
/// appeared" explanation is long, so it may take up to four rows on a tall screen.
fn status_rows(m: &Model, area: Rect) -> u16 {
    let Some(status) = m.session.info.clone().or_else(|| m.session.push.status_line()) else { return 0 };
    let rows = (status.chars().count() + 1).div_ceil(usize::from(area.width.max(1)));
    let cap = match area.height {
        h if h >= 20 => 4,
        h if h >= 16 => 2,
        h if h >= 8 => 1,
        _ => 0,
    };
    u16::try_from(rows).unwrap_or(u16::MAX).min(cap)
}

fn screen(m: &Model) -> Rect {
    Rect::new(0, 0, m.size.0, m.size.1)
}

/// Log lines on screen (the pane minus its title row).
pub fn log_rows(m: &Model) -> u16 {
    compute(screen(m), m).pane(Pane::Log).map_or(0, |r| r.height.saturating_sub(1))
}

/// The pipeline-list popup: centred, as tall as the list allows.
pub fn popup_list(area: Rect, m: &Model) -> Rect {
    let rows = u16::try_from(m.session.list.items.len()).unwrap_or(u16::MAX).max(1);
    centered(area, 60, rows.saturating_add(2))
}

pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width.saturating_sub(2)).max(area.width.min(1));
    let h = height.min(area.height.saturating_sub(2)).max(area.height.min(1));
    Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h)
}

/// Rows of the pipeline list shown now (pane or popup).
pub fn list_rows(m: &Model) -> u16 {
    if m.mode() == Mode::PipelinePopup {
        return popup_list(screen(m), m).height.saturating_sub(2);
    }
    compute(screen(m), m).pane(Pane::List).map_or(0, |r| r.height.saturating_sub(1))
}

/// (first row shown, rows shown): the window that keeps the selection visible.
pub fn list_window(m: &Model) -> (usize, usize) {
    let rows = usize::from(list_rows(m));
    (m.session.list.selected.saturating_sub(rows.saturating_sub(1)), rows)
}

/// The executions history popup: most of the screen, capped on big ones.
pub fn history_popup(area: Rect) -> Rect {
    centered(area, 150, 44)
}

/// The popup's inside split into (table, charts): charts get a third of a tall
/// popup, six rows of a small one, none when there is no room.
pub fn history_split(inner: Rect) -> (Rect, Rect) {
    let charts = match inner.height {
        h if h >= 30 => (h / 3).clamp(10, 14),
        h if h >= 14 => 6,
        _ => 0,
    };
    let gap = u16::from(charts > 0);
    let [table, _, charts] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(gap), Constraint::Length(charts)]).areas(inner);
    (table, charts)
}

/// Execution rows the history table shows (its header excluded).
pub fn history_rows(m: &Model) -> u16 {
    let inner = history_popup(screen(m)).inner(Margin::new(1, 1));
    history_split(inner).0.height.saturating_sub(1)
}
