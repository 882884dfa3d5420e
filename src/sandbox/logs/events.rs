//! GetLogEvents and its position tokens.
//!
//! A token names a gap between two events of the stream: `f/` reads the events
//! after it, `b/` the events up to it. The gap is recorded as the (timestamp,
//! seq) key of the event just before it, not as an index, so events inserted
//! out of order elsewhere do not shift it. The wire form looks like AWS's:
//! `f/` + 56 digits + `/s` (20 for the timestamp, 20 for the seq, 16 check).

use serde_json::{Value, json};

use super::params::{self, bad_token, req_str};
use super::{Event, Store, Stream};
use crate::sandbox::http::ApiResult;

/// A gap in a stream: events with a key <= the mark are before it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub struct Mark {
    ts: i64,
    seq: u64,
}

/// Before every event (seqs start at 1).
const ORIGIN: Mark = Mark { ts: i64::MIN, seq: 0 };

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Token {
    Forward(Mark),
    Backward(Mark),
}

impl Event {
    pub fn mark(&self) -> Mark {
        Mark { ts: self.timestamp, seq: self.seq }
    }
    fn mark_before(&self) -> Mark {
        Mark { ts: self.timestamp, seq: self.seq - 1 }
    }
}

/// Mixes the two numbers so a hand-edited or truncated token is caught.
fn check(a: u64, b: u64) -> u64 {
    let mut x = a ^ b.rotate_left(29) ^ 0x9e37_79b9_7f4a_7c15;
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (x ^ (x >> 31)) % 10_000_000_000_000_000
}

pub fn encode(token: Token) -> String {
    let (dir, m) = match token {
        Token::Forward(m) => ('f', m),
        Token::Backward(m) => ('b', m),
    };
    // Shift the signed timestamp so it sorts and prints as 20 plain digits.
    let ts = (m.ts as u64) ^ (1 << 63);
    format!("{dir}/{ts:020}{:020}{:016}/s", m.seq, check(ts, m.seq))
}

pub fn decode(s: &str) -> ApiResult<Token> {
    let (dir, rest) = s.split_at_checked(2).ok_or_else(bad_token)?;
    let digits = rest
        .strip_suffix("/s")
        .filter(|d| d.len() == 56 && d.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(bad_token)?;
    let ts: u64 = digits[..20].parse().map_err(|_| bad_token())?;
    let seq: u64 = digits[20..40].parse().map_err(|_| bad_token())?;
    let sum: u64 = digits[40..].parse().map_err(|_| bad_token())?;
    if sum != check(ts, seq) {
        return Err(bad_token());
    }
    let mark = Mark { ts: (ts ^ (1 << 63)) as i64, seq };
    match dir {
        "f/" => Ok(Token::Forward(mark)),
        "b/" => Ok(Token::Backward(mark)),
        _ => Err(bad_token()),
    }
}

/// AWS caps a page at 1 MB, counting each event as its message plus 26 bytes.
const MAX_PAGE_BYTES: usize = 1_048_576;
const EVENT_OVERHEAD: usize = 26;

pub struct Page<'a> {
    pub events: &'a [Event],
    pub backward: Mark,
    pub forward: Mark,
}

/// One GetLogEvents page. `end` is exclusive, as AWS documents.
pub fn read(
    stream: &Stream,
    start: Option<i64>,
    end: Option<i64>,
    token: Option<Token>,
    limit: usize,
    from_head: bool,
) -> Page<'_> {
    let all = &stream.events;
    let lo = start.map_or(0, |s| all.partition_point(|e| e.timestamp < s));
    let hi = end.map_or(all.len(), |t| all.partition_point(|e| e.timestamp < t)).max(lo);
    let window = &all[lo..hi];
    let (range, unchanged) = match token {
        Some(Token::Forward(m)) => (forward_span(window, window.partition_point(|e| e.mark() <= m), limit), m),
        Some(Token::Backward(m)) => (backward_span(window, window.partition_point(|e| e.mark() <= m), limit), m),
        None if from_head => (forward_span(window, 0, limit), ORIGIN),
        None => (backward_span(window, window.len(), limit), ORIGIN),
    };
    let events = &window[range];
    match (events.first(), events.last()) {
        (Some(first), Some(last)) => Page { events, backward: first.mark_before(), forward: last.mark() },
        // Nothing to return: hand back the position asked for, so a poller
        // keeps its place and sees what is appended later.
        _ => Page { events, backward: unchanged, forward: unchanged },
    }
}

fn forward_span(events: &[Event], from: usize, limit: usize) -> std::ops::Range<usize> {
    let mut bytes = 0;
    let mut to = from;
    while to < events.len() && to - from < limit {
        bytes += events[to].message.len() + EVENT_OVERHEAD;
        if bytes > MAX_PAGE_BYTES && to > from {
            break;
        }
        to += 1;
    }
    from..to
}

fn backward_span(events: &[Event], to: usize, limit: usize) -> std::ops::Range<usize> {
    let mut bytes = 0;
    let mut from = to;
    while from > 0 && to - from < limit {
        bytes += events[from - 1].message.len() + EVENT_OVERHEAD;
        if bytes > MAX_PAGE_BYTES && from < to {
            break;
        }
        from -= 1;
    }
    from..to
}

pub fn get_log_events(store: &Store, input: &Value) -> ApiResult {
    let group = params::group_name(input)?;
    let stream_name = req_str(input, "logStreamName")?;
    let start = params::opt_i64(input, "startTime")?;
    let end = params::opt_i64(input, "endTime")?;
    let limit = params::limit(input, 10_000, 10_000)?;
    let from_head = params::opt_bool(input, "startFromHead")?.unwrap_or(false);
    let token = params::next_token(input)?.map(decode).transpose()?;
    let stream = store.stream(group, stream_name)?;
    let page = read(stream, start, end, token, limit, from_head);
    let events: Vec<Value> = page
        .events
        .iter()
        .map(|e| json!({ "timestamp": e.timestamp, "message": &*e.message, "ingestionTime": e.ingestion }))
        .collect();
    Ok(json!({
        "events": events,
        "nextForwardToken": encode(Token::Forward(page.forward)),
        "nextBackwardToken": encode(Token::Backward(page.backward)),
    }))
}
