//! The log pane's data: a ring buffer of sanitised lines and the view over it
//! (follow or paused at a line, wrap, timestamps, search).

use std::collections::VecDeque;

use crate::model::snapshot::LogEvent;
use crate::sanitize::{CleanLine, sanitize};

#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    pub timestamp_ms: i64,
    pub line: CleanLine,
}

/// Lines are addressed by a sequence number that keeps growing as old lines
/// are dropped, so a paused view stays on the same line while new ones arrive.
#[derive(Clone, Debug)]
pub struct LogBuffer {
    lines: VecDeque<LogLine>,
    capacity: usize,
    first_seq: u64,
}

impl LogBuffer {
    pub fn new(capacity: usize) -> Self {
        LogBuffer { lines: VecDeque::new(), capacity: capacity.max(1), first_seq: 0 }
    }

    pub fn push(&mut self, line: LogLine) {
        if self.lines.len() == self.capacity {
            self.lines.pop_front();
            self.first_seq += 1;
        }
        self.lines.push_back(line);
    }

    /// Sanitises one event and appends its lines; returns how many were added.
    pub fn push_event(&mut self, event: &LogEvent) -> usize {
        let lines = sanitize(&event.message);
        let n = lines.len();
        for line in lines {
            self.push(LogLine { timestamp_ms: event.timestamp_ms, line });
        }
        n
    }

    pub fn clear(&mut self) {
        self.first_seq += self.lines.len() as u64;
        self.lines.clear();
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn first_seq(&self) -> u64 {
        self.first_seq
    }

    /// One past the newest line.
    pub fn end_seq(&self) -> u64 {
        self.first_seq + self.lines.len() as u64
    }

    pub fn get(&self, seq: u64) -> Option<&LogLine> {
        let i = seq.checked_sub(self.first_seq)?;
        self.lines.get(usize::try_from(i).ok()?)
    }

    /// The newest line at or before `from` (going back) whose text matches.
    pub fn find_back(&self, from: u64, query: &Query) -> Option<u64> {
        let from = from.min(self.end_seq().checked_sub(1)?);
        (self.first_seq..=from).rev().find(|&s| self.get(s).is_some_and(|l| query.matches(&l.line.text)))
    }

    /// The oldest line at or after `from` whose text matches.
    pub fn find_forward(&self, from: u64, query: &Query) -> Option<u64> {
        (from.max(self.first_seq)..self.end_seq()).find(|&s| self.get(s).is_some_and(|l| query.matches(&l.line.text)))
    }
}

/// A search query: case-insensitive unless it has an upper-case letter.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub text: String,
    folded: Option<String>,
}

impl Query {
    pub fn new(text: &str) -> Self {
        let folded = (!text.chars().any(char::is_uppercase)).then(|| text.to_lowercase());
        Query { text: text.to_string(), folded }
    }

    pub fn matches(&self, line: &str) -> bool {
        self.find_in(line).next().is_some()
    }

    /// Byte ranges of matches in `line` (for highlighting).
    pub fn find_in<'a>(&'a self, line: &'a str) -> Box<dyn Iterator<Item = (usize, usize)> + 'a> {
        if self.text.is_empty() {
            return Box::new(std::iter::empty());
        }
        match &self.folded {
            // Lower-casing can change byte lengths; only ASCII lines map back safely.
            Some(q) if line.is_ascii() => {
                let lower = line.to_ascii_lowercase();
                let ranges: Vec<_> = lower.match_indices(q.as_str()).map(|(i, m)| (i, i + m.len())).collect();
                Box::new(ranges.into_iter())
            }
            Some(q) => {
                let found = line.to_lowercase().contains(q.as_str());
                Box::new(found.then_some((0, 0)).into_iter())
            }
            None => Box::new(line.match_indices(self.text.as_str()).map(|(i, m)| (i, i + m.len()))),
        }
    }
}

/// How the log pane shows the buffer.
#[derive(Clone, Debug)]
pub struct LogView {
    pub buffer: LogBuffer,
    /// Newest line at the bottom, moving with new lines.
    pub follow: bool,
    /// The line at the bottom of the pane while paused.
    pub bottom: u64,
    pub wrap: bool,
    pub timestamps: bool,
    /// The confirmed search, and the line of the current match.
    pub search: Option<Query>,
    pub current_match: Option<u64>,
    /// Text typed after `/`, before Enter.
    pub input: String,
    /// Where the lines come from, for the empty pane's one line.
    pub source: LogSource,
}

/// What the tailer knows about the build's log, shown while the pane is empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum LogSource {
    #[default]
    Unknown,
    /// CodeBuild names the stream before it creates it (while provisioning).
    WaitingForStream,
    Streaming,
    /// The project logs to S3 only; `fetched` once the object was read.
    S3Only {
        link: String,
        fetched: bool,
    },
    /// CloudWatch Logs off and no S3 log: nothing to show.
    NoLog,
    /// BatchGetBuilds does not know the build where it was asked (another
    /// Region or account): polling stopped; the line says why.
    BuildNotFound(String),
}

impl LogView {
    pub fn new(capacity: usize) -> Self {
        LogView {
            buffer: LogBuffer::new(capacity),
            follow: true,
            bottom: 0,
            wrap: true,
            timestamps: false,
            search: None,
            current_match: None,
            input: String::new(),
            source: LogSource::Unknown,
        }
    }

    /// The line drawn at the bottom of the pane, if any.
    pub fn bottom_line(&self) -> Option<u64> {
        // After a clear the sequence numbers go on: an empty buffer has no line.
        if self.buffer.is_empty() {
            return None;
        }
        let last = self.buffer.end_seq().checked_sub(1)?;
        if self.follow { Some(last) } else { Some(self.bottom.clamp(self.buffer.first_seq(), last)) }
    }

    /// Lines newer than the paused bottom (shown as "+N new").
    pub fn unseen(&self) -> u64 {
        match self.bottom_line() {
            Some(b) if !self.follow => self.buffer.end_seq() - 1 - b,
            _ => 0,
        }
    }

    /// Moves the bottom line up (negative) or down; reaching the end resumes follow.
    pub fn scroll(&mut self, delta: i64) {
        let Some(bottom) = self.bottom_line() else { return };
        let last = self.buffer.end_seq() - 1;
        let target = bottom.saturating_add_signed(delta).clamp(self.buffer.first_seq(), last);
        self.follow = target == last && delta > 0;
        self.bottom = target;
    }

    /// Paused so that the oldest line is on screen (the pane holds `rows` lines).
    pub fn scroll_to_top(&mut self, rows: u16) {
        let Some(last) = self.buffer.end_seq().checked_sub(1) else { return };
        self.bottom = (self.buffer.first_seq() + u64::from(rows.max(1)) - 1).min(last);
        self.follow = self.bottom == last;
    }

    pub fn resume_follow(&mut self) {
        self.follow = true;
    }

    /// Shows `seq` at the bottom, paused (a search jump).
    pub fn jump_to(&mut self, seq: u64) {
        self.bottom = seq;
        self.follow = false;
    }

    pub fn clear(&mut self) {
        self.buffer.clear();
        self.source = LogSource::Unknown;
        self.follow = true;
        self.current_match = None;
    }
}
