//! The stage graph's geometry: stages packed into bands that fit the width,
//! each column as wide as its widest label. The graph pane draws these bands.

use std::ops::Range;

use crate::layout::text;
use crate::model::Model;
use crate::model::selection::is_approval;
use crate::model::snapshot::{ActionSnapshot, PipelineSnapshot, StageSnapshot, Status};

const MAX_COLUMN: usize = 30;

/// Rows the graph wants at this width (title, execution line, bands).
pub fn needed_height(m: &Model, width: u16) -> u16 {
    let Some(state) = &m.session.state else { return 3 };
    // The pane indents its content by one column.
    let bands: u16 = bands(m, state, width.saturating_sub(1)).iter().map(|b| band_height(state, b)).sum();
    2 + bands.max(1) + lanes_height(m) + conditions_height(m, width.saturating_sub(1))
}

/// The rows of the stages a condition holds (waiting on its rules, or failed).
pub fn conditions_height(m: &Model, width: u16) -> u16 {
    u16::try_from(condition_rows(m, width).iter().map(Vec::len).sum::<usize>()).unwrap_or(u16::MAX)
}

/// Per held stage, "⚑ Deploy entry: rule CheckEnv failed: why" in rows of
/// `width`: two at most, so the reason shows at 80 columns too.
pub fn condition_rows(m: &Model, width: u16) -> Vec<Vec<String>> {
    let Some(state) = &m.session.state else { return Vec::new() };
    let mark = if m.config.ascii { "!" } else { "⚑" };
    let width = usize::from(width).max(10);
    crate::model::conditions::lines(state, &m.session.rule_runs)
        .into_iter()
        .map(|line| {
            let chars: Vec<char> = format!("{mark} {line}").chars().collect();
            let first: String = chars.iter().take(width).collect();
            if chars.len() <= width {
                return vec![first];
            }
            let mut rest: String = "  ".chars().chain(chars[width..].iter().copied()).collect();
            if rest.chars().count() > width {
                rest = rest.chars().take(width - 1).chain(std::iter::once('…')).collect();
            }
            vec![first, rest]
        })
        .collect()
}

/// Rows PARALLEL lanes take under the bands: a heading and one per lane,
/// none while one execution or none runs.
pub fn lanes_height(m: &Model) -> u16 {
    match m.session.lanes.len() {
        0 | 1 => 0,
        n => 1 + u16::try_from(n).unwrap_or(u16::MAX),
    }
}

/// Rows of one band: the stage names and its tallest stage's actions.
pub fn band_height(state: &PipelineSnapshot, band: &Range<usize>) -> u16 {
    let actions = state.stages[band.clone()].iter().map(|s| s.actions.len()).max().unwrap_or(0);
    1 + u16::try_from(actions).unwrap_or(u16::MAX).max(1)
}

/// An action as the graph writes it: symbol, name, elapsed time or age.
pub fn action_label(m: &Model, a: &ActionSnapshot) -> String {
    let symbol = text::status_symbol(a.status.as_ref(), m.config.ascii);
    let since = a.last_change.map(|t| (m.now - t).num_seconds());
    match (a.status.as_ref(), since) {
        // An approval waits on people, for hours: minutes are precise enough.
        (Some(Status::InProgress), Some(s)) if is_approval(a) => {
            format!("{symbol} {} waiting {}", a.name, text::age_minutes(s))
        }
        (Some(Status::InProgress), Some(s)) => format!("{symbol} {} {}", a.name, text::duration(s)),
        (Some(_), Some(s)) => format!("{symbol} {} {} ago", a.name, text::age_minutes(s)),
        _ => format!("{symbol} {}", a.name),
    }
}

/// A stage's column: its widest label, capped.
pub fn column_width(m: &Model, stage: &StageSnapshot) -> usize {
    let widest = stage.actions.iter().map(|a| action_label(m, a).chars().count()).max().unwrap_or(0);
    widest.max(crate::model::v2::stage_label(stage, m.config.ascii).chars().count()).clamp(1, MAX_COLUMN)
}

/// Stages packed greedily into bands that fit `width`.
pub fn bands(m: &Model, state: &PipelineSnapshot, width: u16) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut used) = (0, 0usize);
    for (i, stage) in state.stages.iter().enumerate() {
        let w = column_width(m, stage) + if i > start { usize::from(text::ARROW_WIDTH) } else { 0 };
        if i > start && used + w > usize::from(width) {
            out.push(start..i);
            start = i;
            used = column_width(m, stage);
        } else {
            used += w;
        }
    }
    if start < state.stages.len() {
        out.push(start..state.stages.len());
    }
    out
}
