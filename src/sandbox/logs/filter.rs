//! FilterLogEvents: events of several streams of a group, interleaved by time
//! (AWS always interleaves since 2019), matched against a filter pattern.
//!
//! Events are ordered by (timestamp, stream name, seq); the nextToken names the
//! last event returned in that order plus the direction, hex-encoded so that it
//! is opaque.

use serde_json::{Value, json};

use super::params::{self, bad_token, invalid};
use super::{Event, Store};
use crate::sandbox::http::ApiResult;

/// A term filter pattern. JSON (`{ ... }`), space-delimited (`[ ... ]`) and
/// regex (`%...%`) patterns are not supported.
#[derive(Debug, PartialEq)]
pub struct Pattern {
    required: Vec<String>,
    any_of: Vec<String>,
    excluded: Vec<String>,
}

impl Pattern {
    /// Terms are case-sensitive and all must appear; `"a phrase"` is one term;
    /// `?a ?b` matches when any `?` term appears; `-term` must not appear.
    pub fn parse(pattern: &str) -> ApiResult<Self> {
        let trimmed = pattern.trim();
        if trimmed.starts_with(['{', '[', '%']) {
            return Err(invalid(
                "The sandbox supports only term filter patterns (terms, \"quoted phrases\", ?term, -term), not JSON, space-delimited or regex patterns.",
            ));
        }
        let mut out = Pattern { required: Vec::new(), any_of: Vec::new(), excluded: Vec::new() };
        let mut chars = trimmed.chars().peekable();
        loop {
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            let Some(&first) = chars.peek() else { break };
            let sink = match first {
                '?' => Some(&mut out.any_of),
                '-' => Some(&mut out.excluded),
                _ => None,
            };
            if sink.is_some() {
                chars.next();
            }
            let mut term = String::new();
            if chars.peek() == Some(&'"') {
                chars.next();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => term.extend(chars.next()),
                        '"' => {
                            closed = true;
                            break;
                        }
                        c => term.push(c),
                    }
                }
                if !closed {
                    return Err(invalid("Invalid character(s) in term '\"'"));
                }
            } else {
                while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                    term.push(c);
                }
            }
            if term.is_empty() {
                continue;
            }
            sink.unwrap_or(&mut out.required).push(term);
        }
        Ok(out)
    }

    pub fn matches(&self, message: &str) -> bool {
        self.required.iter().all(|t| message.contains(t.as_str()))
            && (self.any_of.is_empty() || self.any_of.iter().any(|t| message.contains(t.as_str())))
            && !self.excluded.iter().any(|t| message.contains(t.as_str()))
    }
}

/// Where a page left off: the last event returned, and which way we read.
#[derive(Debug, PartialEq)]
struct Cursor {
    forward: bool,
    ts: i64,
    seq: u64,
    stream: String,
}

impl Cursor {
    fn encode(&self) -> String {
        hex::encode(format!("{}:{}:{}:{}", if self.forward { 'f' } else { 'b' }, self.ts, self.seq, self.stream))
    }

    fn decode(token: &str) -> ApiResult<Self> {
        let bytes = hex::decode(token).map_err(|_| bad_token())?;
        let text = String::from_utf8(bytes).map_err(|_| bad_token())?;
        let mut parts = text.splitn(4, ':');
        let mut next = || parts.next().ok_or_else(bad_token);
        let forward = match next()? {
            "f" => true,
            "b" => false,
            _ => return Err(bad_token()),
        };
        let ts = next()?.parse().map_err(|_| bad_token())?;
        let seq = next()?.parse().map_err(|_| bad_token())?;
        let stream = next()?.to_string();
        Ok(Cursor { forward, ts, seq, stream })
    }
}

/// A matched event with its stream, sortable in reading order.
struct Hit<'a> {
    stream: &'a str,
    event: &'a Event,
}

impl Hit<'_> {
    fn key(&self) -> (i64, &str, u64) {
        (self.event.timestamp, self.stream, self.event.seq)
    }
}

pub fn filter_log_events(store: &Store, input: &Value) -> ApiResult {
    let group_name = params::group_name(input)?;
    let names = params::opt_str_list(input, "logStreamNames")?;
    let prefix = params::opt_str(input, "logStreamNamePrefix")?;
    if names.is_some() && prefix.is_some() {
        return Err(invalid("You cannot specify both logStreamNames and logStreamNamePrefix."));
    }
    let start = params::opt_i64(input, "startTime")?;
    let end = params::opt_i64(input, "endTime")?;
    let pattern = Pattern::parse(params::opt_str(input, "filterPattern")?.unwrap_or(""))?;
    let limit = params::limit(input, 10_000, 10_000)?;
    let cursor = params::next_token(input)?.map(Cursor::decode).transpose()?;
    let forward = match &cursor {
        Some(c) => c.forward,
        None => params::opt_bool(input, "startFromHead")?.unwrap_or(true),
    };
    // AWS: reading newest-first is only for time ranges starting in 2024 or later.
    if !forward && cursor.is_none() && start.is_some_and(|s| s < 1_704_067_200_000) {
        return Err(invalid(
            "startFromHead=false is supported only when startTime is on or after Jan 1, 2024 00:00:00 UTC.",
        ));
    }
    let group = store.group(group_name)?;
    let selected = group.streams.iter().filter(|(name, _)| match (&names, prefix) {
        (Some(list), _) => list.contains(&name.as_str()),
        (None, Some(p)) => name.starts_with(p),
        (None, None) => true,
    });

    // Each stream gives at most limit + 1 hits past the cursor; the merged,
    // sorted first limit + 1 tell the page and whether there is more.
    let mut hits: Vec<Hit> = Vec::new();
    for (name, stream) in selected {
        let all = &stream.events;
        let lo = start.map_or(0, |s| all.partition_point(|e| e.timestamp < s));
        // endTime is inclusive here ("later than this time are not returned").
        let hi = end.map_or(all.len(), |t| all.partition_point(|e| e.timestamp <= t)).max(lo);
        let window = &all[lo..hi];
        // Forward: the events after the cursor; backward: those before it.
        let at = match &cursor {
            Some(c) => {
                let ck = (c.ts, c.stream.as_str(), c.seq);
                window.partition_point(|e| {
                    let k = (e.timestamp, name.as_str(), e.seq);
                    if forward { k <= ck } else { k < ck }
                })
            }
            None if forward => 0,
            None => window.len(),
        };
        let matching = |e: &&Event| pattern.matches(&e.message);
        let hit = |event| Hit { stream: name, event };
        if forward {
            hits.extend(window[at..].iter().filter(matching).take(limit + 1).map(hit));
        } else {
            hits.extend(window[..at].iter().rev().filter(matching).take(limit + 1).map(hit));
        }
    }
    hits.sort_by(|a, b| if forward { a.key().cmp(&b.key()) } else { b.key().cmp(&a.key()) });
    let more = hits.len() > limit;
    hits.truncate(limit);

    let next_token = match hits.last() {
        Some(last) if more => Some(
            Cursor { forward, ts: last.event.timestamp, seq: last.event.seq, stream: last.stream.to_string() }.encode(),
        ),
        _ => None,
    };
    let events: Vec<Value> = hits
        .iter()
        .map(|h| {
            json!({
                "logStreamName": h.stream,
                "timestamp": h.event.timestamp,
                "message": &*h.event.message,
                "ingestionTime": h.event.ingestion,
                "eventId": event_id(h.stream, h.event),
            })
        })
        .collect();
    let mut out = json!({
        "events": events,
        // AWS has returned an empty list here since May 2020.
        "searchedLogStreams": [],
    });
    if let Some(token) = next_token {
        out["nextToken"] = json!(token);
    }
    Ok(out)
}

/// A stable 56-digit id, unique within the group: timestamp, seq and a hash
/// of the stream name.
fn event_id(stream: &str, e: &Event) -> String {
    let h = stream.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("{:020}{:020}{:016}", (e.timestamp as u64) ^ (1 << 63), e.seq, h % 10_000_000_000_000_000)
}
