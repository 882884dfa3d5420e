//! Following one CloudWatch Logs stream gap-free: the decisions, without IO,
//! shared by the TUI's tailer (`workers/tail.rs`) and `pipewatch logs`.
//!
//! What AWS documents and this follows (CloudWatch Logs API Reference,
//! GetLogEvents; CodeBuild API Reference, Build/LogsLocation):
//! - the stream a build names is created while the build provisions, so
//!   ResourceNotFoundException before that is waiting, not a failure;
//! - a page holds up to 10,000 events or 1 MB, and may be partial or even empty
//!   before the end of the stream; the end is a `nextForwardToken` equal to the
//!   one sent, so a changed token means "read again";
//! - with a previous `nextForwardToken` as `nextToken`, `startFromHead` must be
//!   true (the reader always sends it);
//! - tokens expire (after 24 h): the read resumes from the last event's
//!   timestamp and drops what it already delivered (GetLogEvents' events carry
//!   no eventId, so an event is known by its timestamp and text).
//!
//! The end: events reach CloudWatch seconds after they are printed, so a build
//! that has ended may still have lines on the way. The follow ends only after
//! reads that found nothing, spread over `END_SETTLE`, all after the build ended.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, Instant};

use crate::model::snapshot::{LogBatch, LogEvent};

/// Reads that found nothing must span this long after the build ended.
pub const END_SETTLE: Duration = Duration::from_secs(6);
/// A page this large means the reader is behind: read again at once.
const CATCH_UP_EVENTS: usize = 500;
const CATCH_UP_BYTES: usize = 64 * 1024;
/// Events older than this (against the wall clock) mean the reader is behind.
const BEHIND_MS: i64 = 15_000;
/// Empty pages with a new token are read again at once this many times in a
/// row, then at the live pace: AWS can hand out new tokens for empty pages
/// indefinitely (e.g. on a stream whose events expired).
const MAX_EMPTY_RUSH: u32 = 5;
/// After an expired token the read restarts this long before the last event
/// seen, so events ingested late with an earlier timestamp are not skipped.
const RESUME_BACK_MS: i64 = 60_000;
/// A stream quiet for less than this is still read at the live pace: a build's
/// next lines often follow a short pause (between phases, commands).
const QUIET_AFTER: Duration = Duration::from_secs(10);
/// Bound on the events remembered for that de-duplication.
const RECENT_CAP: usize = 100_000;

/// Where the next GetLogEvents reads from (always with `startFromHead=true`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogPosition {
    Head,
    Token(String),
    /// `startTime` in epoch ms, after an expired token.
    Since(i64),
}

/// One GetLogEvents answer, as the follow needs to tell them apart.
#[derive(Clone, Debug, PartialEq)]
pub enum LogRead {
    Page(LogBatch),
    /// ResourceNotFoundException: the stream (or group) does not exist yet.
    StreamMissing,
    /// InvalidParameterException about the token we sent: expired or unknown.
    TokenRejected,
}

/// What the reader does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Read again at once: more is waiting.
    Now,
    /// Lines are arriving: wait the live interval.
    Live,
    /// Nothing new: wait the quiet interval.
    Quiet,
    /// The stream is not created yet: wait the live interval, quietly.
    WaitingForStream,
    /// The build ended and every line has been read.
    Done,
}

pub struct LogFollow {
    position: LogPosition,
    last_ts: Option<i64>,
    /// Delivered events by (timestamp, text hash) -> count, for the
    /// de-duplication after a resume; the newest `RESUME_BACK_MS` only.
    recent: BTreeMap<(i64, u64), u32>,
    recent_len: usize,
    /// While resuming: events up to this timestamp may already be delivered.
    resume_until: Option<i64>,
    /// The first read after the build ended that found nothing, since when
    /// every read found nothing, and how many.
    empty_since_end: Option<(Instant, u32)>,
    empty_rush: u32,
    /// When the last events (or the first read) came.
    lively_at: Option<Instant>,
    settle: Duration,
}

impl Default for LogFollow {
    fn default() -> Self {
        Self::new(END_SETTLE)
    }
}

impl LogFollow {
    pub fn new(settle: Duration) -> Self {
        Self {
            position: LogPosition::Head,
            last_ts: None,
            recent: BTreeMap::new(),
            recent_len: 0,
            resume_until: None,
            empty_since_end: None,
            empty_rush: 0,
            lively_at: None,
            settle,
        }
    }

    pub fn position(&self) -> &LogPosition {
        &self.position
    }

    /// Takes one answer. `ended` says whether the build had ended before the
    /// read was sent; `now_ms` is the wall clock. Returns the events to show
    /// (never one shown before) and what to do next.
    pub fn on_read(&mut self, read: LogRead, ended: bool, now: Instant, now_ms: i64) -> (Vec<LogEvent>, Next) {
        match read {
            LogRead::Page(batch) => self.on_page(batch, ended, now, now_ms),
            LogRead::StreamMissing => {
                // A stream that existed and is gone (deleted, expired) also lands here.
                if ended { (Vec::new(), self.found_nothing(now)) } else { (Vec::new(), Next::WaitingForStream) }
            }
            LogRead::TokenRejected => {
                self.position = match self.last_ts {
                    Some(ts) => {
                        self.resume_until = Some(ts);
                        LogPosition::Since(ts.saturating_sub(RESUME_BACK_MS).max(0))
                    }
                    None => LogPosition::Head,
                };
                (Vec::new(), Next::Now)
            }
        }
    }

    fn on_page(&mut self, batch: LogBatch, ended: bool, now: Instant, now_ms: i64) -> (Vec<LogEvent>, Next) {
        let lively_at = *self.lively_at.get_or_insert(now);
        let unchanged = matches!(&self.position, LogPosition::Token(t) if *t == batch.next_token);
        let bytes: usize = batch.events.iter().map(|e| e.message.len()).sum();
        let count = batch.events.len();
        let newest = batch.events.last().map(|e| e.timestamp_ms);
        self.position = LogPosition::Token(batch.next_token);
        let events = self.fresh(batch.events);
        for e in &events {
            self.remember(e);
        }
        if count == 0 {
            if !unchanged && self.empty_rush < MAX_EMPTY_RUSH {
                self.empty_rush += 1;
                return (events, Next::Now);
            }
            let next = if ended {
                self.found_nothing(now)
            } else if now.duration_since(lively_at) < QUIET_AFTER {
                Next::Live
            } else {
                Next::Quiet
            };
            return (events, next);
        }
        self.empty_rush = 0;
        self.lively_at = Some(now);
        self.empty_since_end = None;
        let behind = newest.is_some_and(|ts| now_ms.saturating_sub(ts) > BEHIND_MS);
        let next = if count >= CATCH_UP_EVENTS || bytes >= CATCH_UP_BYTES || behind { Next::Now } else { Next::Live };
        (events, next)
    }

    /// A read after the build ended found nothing: done once such reads span
    /// the settle time.
    fn found_nothing(&mut self, now: Instant) -> Next {
        let (since, reads) = self.empty_since_end.get_or_insert((now, 0));
        *reads += 1;
        let enough = *reads >= 2 || self.settle.is_zero();
        if enough && now.duration_since(*since) >= self.settle { Next::Done } else { Next::Quiet }
    }

    /// Drops, while resuming, the events delivered before the token expired.
    fn fresh(&mut self, events: Vec<LogEvent>) -> Vec<LogEvent> {
        let Some(until) = self.resume_until else { return events };
        let mut out = Vec::with_capacity(events.len());
        for e in events {
            if e.timestamp_ms > until {
                self.resume_until = None;
            }
            if e.timestamp_ms <= until
                && let Some(n) = self.recent.get_mut(&key(&e))
                && *n > 0
            {
                *n -= 1;
                continue;
            }
            out.push(e);
        }
        out
    }

    fn remember(&mut self, e: &LogEvent) {
        let ts = self.last_ts.map_or(e.timestamp_ms, |t| t.max(e.timestamp_ms));
        self.last_ts = Some(ts);
        *self.recent.entry(key(e)).or_insert(0) += 1;
        self.recent_len += 1;
        // Forget what is too old to come back, and cap the memory.
        let floor = ts.saturating_sub(RESUME_BACK_MS);
        while let Some((&(oldest, _), _)) = self.recent.first_key_value()
            && (oldest < floor || self.recent_len > RECENT_CAP)
        {
            if let Some((_, n)) = self.recent.pop_first() {
                self.recent_len = self.recent_len.saturating_sub(n as usize);
            }
        }
    }
}

fn key(e: &LogEvent) -> (i64, u64) {
    let mut h = DefaultHasher::new();
    e.message.hash(&mut h);
    (e.timestamp_ms, h.finish())
}

#[cfg(test)]
#[path = "follow_tests.rs"]
mod tests;
