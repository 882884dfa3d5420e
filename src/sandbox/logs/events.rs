//! GetLogEvents, as the CloudWatch Logs API Reference describes it: pages of
//! up to 10,000 events or 1 MB, pages that may be partial or empty before the
//! end, the end of the stream shown by handing back the token sent, tokens
//! that expire, and a page direction set by `startFromHead`.

use rand::RngExt;
use serde_json::{Value, json};

use super::params::{self, bad_token, req_str};
use super::token::{Mark, ORIGIN, Token};
use super::{Event, Store};
use crate::sandbox::http::ApiResult;

impl Event {
    pub fn mark(&self) -> Mark {
        Mark { ts: self.timestamp, seq: self.seq }
    }
    fn mark_before(&self) -> Mark {
        Mark { ts: self.timestamp, seq: self.seq - 1 }
    }
}

/// GetLogEvents: "as many log events as can fit in a response size of 1 MB (up
/// to 10,000 log events)". How the megabyte is counted is not said; an event is
/// counted as PutLogEvents counts it: its message in UTF-8 plus 26 bytes.
const MAX_PAGE_BYTES: usize = 1_048_576;
const EVENT_OVERHEAD: usize = 26;

/// Up to `limit` events (and 1 MB) from the start of `from..to`.
fn head_span(events: &[Event], from: usize, to: usize, limit: usize) -> std::ops::Range<usize> {
    let (mut bytes, mut end) = (0, from);
    while end < to && end - from < limit {
        bytes += events[end].message.len() + EVENT_OVERHEAD;
        if bytes > MAX_PAGE_BYTES && end > from {
            break;
        }
        end += 1;
    }
    from..end
}

/// Up to `limit` events (and 1 MB) from the end of `from..to`.
fn tail_span(events: &[Event], from: usize, to: usize, limit: usize) -> std::ops::Range<usize> {
    let (mut bytes, mut start) = (0, to);
    while start > from && to - start < limit {
        bytes += events[start - 1].message.len() + EVENT_OVERHEAD;
        if bytes > MAX_PAGE_BYTES && start < to {
            break;
        }
        start -= 1;
    }
    start..to
}

/// The gap before `window[i]` (or after the last event when `i == len`).
fn gap(window: &[Event], i: usize, fallback: Mark) -> Mark {
    match (i.checked_sub(1).and_then(|p| window.get(p)), window.get(i)) {
        (Some(before), _) => before.mark(),
        (None, Some(first)) => first.mark_before(),
        (None, None) => fallback,
    }
}

pub fn get_log_events(store: &Store, input: &Value, now: i64) -> ApiResult {
    let group = params::group_name(input)?;
    let stream_name = req_str(input, "logStreamName")?;
    let start = params::opt_i64(input, "startTime")?;
    let end = params::opt_i64(input, "endTime")?;
    let limit = params::limit(input, 10_000, 10_000)?;
    let from_head = params::opt_bool(input, "startFromHead")?.unwrap_or(false);
    let sent = params::next_token(input)?;
    let token = sent.map(Token::decode).transpose()?;
    // "The token expires after 24 hours." AWS names no other error for it than
    // the one for a token it cannot read.
    if token.is_some_and(|t| now - t.issued > store.token_ttl_ms) {
        return Err(bad_token());
    }
    let (partial, cut_roll) = (store.partial_probability, rand::rng().random::<f64>());
    let stream = store.stream(group, stream_name)?;
    let all = &stream.events;
    let lo = start.map_or(0, |s| all.partition_point(|e| e.timestamp < s));
    // endTime is exclusive ("equal to or later than this time are not included").
    let hi = end.map_or(all.len(), |t| all.partition_point(|e| e.timestamp < t)).max(lo);
    let window = &all[lo..hi];
    let at = |m: Mark| window.partition_point(|e| e.mark() <= m);
    // What is left to read: after a forward token, before a backward one.
    let (from, to) = match token {
        Some(t) if t.forward => (at(t.mark), window.len()),
        Some(t) => (0, at(t.mark)),
        None => (0, window.len()),
    };
    // startFromHead picks which end of what is left the page comes from, even
    // with a token: the API Reference says a previous nextForwardToken needs
    // startFromHead=true. Clients that left it out report what follows from
    // this: only the newest page after the token, with the events between
    // skipped (fluent-plugin-cloudwatch-logs#234 "we only got the most recent
    // bits of logs"; treasure-data/digdag#1593 "occasional missing ECS task
    // logs", where startFromHead changed the result only once a limit was set;
    // aws-sdk-java-v2#1252 and awslabs/aws-athena-query-federation#99, a
    // paginator that returned only its first page / incomplete data).
    let full = if from_head { head_span(window, from, to, limit) } else { tail_span(window, from, to, limit) };
    // Before the end AWS may cut a page short, to nothing at worst, and still
    // hand out a new token ("Partially full or empty pages don't necessarily
    // mean that pagination is finished").
    let cut = !full.is_empty() && cut_roll < partial && !token.is_some_and(|t| t.after_empty_cut);
    let range = if cut {
        let keep = rand::rng().random_range(0..full.len());
        if from_head { full.start..full.start + keep } else { full.end - keep..full.end }
    } else {
        full.clone()
    };
    let events = &window[range];
    let fallback = token.map_or(ORIGIN, |t| t.mark);
    let (backward, forward) = match (events.first(), events.last()) {
        (Some(first), Some(last)) => (first.mark_before(), last.mark()),
        _ if cut => {
            let g = gap(window, if from_head { full.start } else { full.end }, fallback);
            (g, g)
        }
        // Nothing in this direction: the position asked for, so a poller keeps
        // its place and sees what is appended later.
        _ => (fallback, fallback),
    };
    let (nothing, empty_cut) = (events.is_empty(), cut && events.is_empty());
    let issue = |forward: bool, mark: Mark| {
        let t = Token { forward, mark, issued: now, after_empty_cut: empty_cut, nonce: store.next_nonce() };
        match sent {
            // "If you have reached the end of the stream, it returns the same token you passed in."
            Some(s) if nothing && !cut && token.is_some_and(|t| t.forward == forward) => s.to_string(),
            // A new token must not look like the one sent.
            Some(s) if t.encode() == s => Token { nonce: store.next_nonce(), ..t }.encode(),
            _ => t.encode(),
        }
    };
    let events: Vec<Value> = events
        .iter()
        .map(|e| json!({ "timestamp": e.timestamp, "message": &*e.message, "ingestionTime": e.ingestion }))
        .collect();
    Ok(json!({
        "nextForwardToken": issue(true, forward),
        "nextBackwardToken": issue(false, backward),
        "events": events,
    }))
}
