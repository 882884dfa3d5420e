//! The log tail: lines drawn upward from the bottom line (the newest while
//! following), wrapped or cut, with timestamps and search matches on demand.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::logs::{LogLine, LogSource, LogView};
use crate::model::{Modal, Model, Pane};
use crate::sanitize::StyleRun;
use crate::ui::{pane_block, theme};

pub fn render(m: &Model, frame: &mut Frame, area: Rect) {
    let block = pane_block(title(m), m.focus == Pane::Log, m.config.ascii);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let logs = &m.logs;
    let Some(bottom) = logs.bottom_line() else {
        let text = if m.session.build.id.is_some() { empty_text(&logs.source) } else { String::new() };
        let para = Paragraph::new(Line::styled(text, theme::dim())).wrap(ratatui::widgets::Wrap { trim: true });
        frame.render_widget(para, inner);
        return;
    };
    let height = usize::from(inner.height);
    let width = usize::from(inner.width).max(1);
    let mut rows: Vec<Line<'static>> = Vec::with_capacity(height);
    let mut seq = bottom;
    while rows.len() < height {
        let Some(line) = logs.buffer.get(seq) else { break };
        let mut wrapped = line_rows(logs, seq, line, width);
        // Drawn bottom-up: take the last rows of a wrapped line first.
        while rows.len() < height {
            match wrapped.pop() {
                Some(r) => rows.push(r),
                None => break,
            }
        }
        match seq.checked_sub(1) {
            Some(s) if s >= logs.buffer.first_seq() => seq = s,
            _ => break,
        }
    }
    rows.reverse();
    frame.render_widget(Paragraph::new(rows), inner);
}

/// The empty pane says why it is empty: a quiet wait is not an error.
fn empty_text(source: &LogSource) -> String {
    match source {
        LogSource::Unknown | LogSource::Streaming => "Waiting for log lines…".into(),
        LogSource::WaitingForStream => {
            "Waiting for the build's log stream (CodeBuild creates it while provisioning)…".into()
        }
        LogSource::S3Only { link, fetched: false } => {
            format!("This project logs to S3 only (CloudWatch Logs off); shown when the build ends: {link}")
        }
        LogSource::S3Only { link, fetched: true } => format!("The build's S3 log is empty: {link}"),
        LogSource::NoLog => "This build keeps no log: CloudWatch Logs and S3 logs are both off for its project.".into(),
        LogSource::BuildNotFound(why) => format!("Not shown: {why}."),
    }
}

fn title(m: &Model) -> String {
    let logs = &m.logs;
    let mut t = String::from("Log");
    if logs.follow {
        t.push_str(" · following");
    } else {
        t.push_str(&format!(" · paused (+{} new, f to follow)", logs.unseen()));
    }
    if logs.wrap {
        t.push_str(" · wrap");
    }
    if let Modal::Search(input) = &m.modal {
        t.push_str(&format!(" · /{input}_"));
    } else if let Some(q) = &logs.search {
        let found = if logs.current_match.is_some() { "" } else { " (no match)" };
        t.push_str(&format!(" · /{}{found}", q.text));
    }
    t
}

/// The screen rows of one log line: cut at `width`, or wrapped.
fn line_rows(logs: &LogView, seq: u64, line: &LogLine, width: usize) -> Vec<Line<'static>> {
    let text = &line.line.text;
    let mut runs: Vec<StyleRun> = line.line.runs.clone();
    if let Some(q) = &logs.search {
        let style = theme::match_style(logs.current_match == Some(seq));
        runs.extend(q.find_in(text).filter(|(s, e)| e > s).map(|(start, end)| StyleRun { start, end, style }));
    }
    let prefix = logs.timestamps.then(|| timestamp(line.timestamp_ms));
    let prefix_w = prefix.as_ref().map_or(0, |p| p.chars().count());
    let room = width.saturating_sub(prefix_w).max(1);
    // Byte offsets where each screen row starts.
    let mut cuts = vec![0];
    if logs.wrap {
        for (n, (i, _)) in text.char_indices().enumerate() {
            if n > 0 && n % room == 0 {
                cuts.push(i);
            }
        }
    }
    let mut out = Vec::with_capacity(cuts.len());
    for (k, &start) in cuts.iter().enumerate() {
        let end = match cuts.get(k + 1) {
            Some(&e) => e,
            None if logs.wrap => text.len(),
            None => text.char_indices().nth(room).map_or(text.len(), |(i, _)| i),
        };
        let mut spans = Vec::new();
        if let Some(p) = &prefix {
            let shown = if k == 0 { p.clone() } else { " ".repeat(prefix_w) };
            spans.push(Span::styled(shown, theme::dim()));
        }
        spans.extend(styled(text, start, end, &runs));
        out.push(Line::from(spans));
    }
    out
}

/// Spans for text[start..end], split wherever a run starts or ends. Later runs
/// (search matches) are patched over earlier ones (SGR colours).
fn styled(text: &str, start: usize, end: usize, runs: &[StyleRun]) -> Vec<Span<'static>> {
    let mut marks: Vec<usize> = vec![start, end];
    for r in runs {
        for b in [r.start, r.end] {
            if b > start && b < end && text.is_char_boundary(b) {
                marks.push(b);
            }
        }
    }
    marks.sort_unstable();
    marks.dedup();
    marks
        .windows(2)
        .map(|w| {
            let style = runs
                .iter()
                .filter(|r| r.start <= w[0] && r.end >= w[1])
                .fold(Style::default(), |s, r| s.patch(r.style));
            Span::styled(text[w[0]..w[1]].to_string(), style)
        })
        .collect()
}

fn timestamp(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map_or_else(|| "--:--:-- ".into(), |t| t.format("%H:%M:%S ").to_string())
}
