//! CloudWatch Logs (JSON 1.1): log groups and streams held in memory, read with
//! GetLogEvents' AWS-style position tokens and searched with FilterLogEvents.
//! CodeBuild writes build output here through `Store::append`.

mod describe;
mod events;
mod filter;
mod manage;
mod params;
mod token;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

use serde_json::{Value, json};

use super::http::{ApiError, ApiResult};
use super::realism::Realism;
use super::{ACCOUNT_ID, Shared, lock};
use params::{constraint, invalid, req_str};

pub struct Store {
    /// The Region the groups live in; their ARNs name it.
    region: String,
    groups: BTreeMap<String, Group>,
    /// Chance that a GetLogEvents page is cut short before the end.
    partial_probability: f64,
    token_ttl_ms: i64,
    /// Makes tokens issued in the same millisecond differ.
    nonce: AtomicU16,
}

/// Exact paging and AWS's 24-hour tokens: what the unit tests of the paging
/// rules want. The sandbox builds its store with `Store::new`.
impl Default for Store {
    fn default() -> Self {
        Self::new(&Realism { partial_page_probability: 0.0, ..Realism::default() })
    }
}

struct Group {
    created: i64,
    streams: BTreeMap<String, Stream>,
    /// PutRetentionPolicy's days; None: events never expire.
    retention_days: Option<i64>,
    tags: BTreeMap<String, String>,
}

struct Stream {
    created: i64,
    /// Sorted by (timestamp, seq): the order every read returns.
    events: Vec<Event>,
    /// Ingestion counter; 0 is never used, so "before event 1" is expressible.
    last_seq: u64,
    last_ingestion: Option<i64>,
    stored_bytes: u64,
    uploads: u64,
}

/// One log line. Kept small on purpose: a build can log hundreds of thousands.
struct Event {
    timestamp: i64,
    ingestion: i64,
    seq: u64,
    message: Box<str>,
}

impl Group {
    fn new(now: i64) -> Self {
        Self { created: now, streams: BTreeMap::new(), retention_days: None, tags: BTreeMap::new() }
    }
}

impl Stream {
    fn new(now: i64) -> Self {
        Self { created: now, events: Vec::new(), last_seq: 0, last_ingestion: None, stored_bytes: 0, uploads: 0 }
    }

    /// Adds events keeping (timestamp, ingestion order) order; an event older
    /// than the newest one is inserted where it belongs.
    fn push(&mut self, batch: impl IntoIterator<Item = (i64, String)>, now: i64) {
        for (timestamp, message) in batch {
            self.last_seq += 1;
            self.stored_bytes += message.len() as u64;
            let event = Event { timestamp, ingestion: now, seq: self.last_seq, message: message.into_boxed_str() };
            if self.events.last().is_none_or(|last| last.timestamp <= timestamp) {
                self.events.push(event);
            } else {
                let at = self.events.partition_point(|e| e.timestamp <= timestamp);
                self.events.insert(at, event);
            }
        }
        self.last_ingestion = Some(now);
        self.uploads += 1;
    }
}

impl Store {
    /// An empty store in the sandbox's home Region.
    pub fn new(realism: &Realism) -> Self {
        Self {
            region: super::regions::HOME.to_string(),
            groups: BTreeMap::new(),
            partial_probability: realism.partial_page_probability,
            token_ttl_ms: i64::try_from(realism.token_ttl.as_millis()).unwrap_or(i64::MAX),
            nonce: AtomicU16::new(0),
        }
    }

    /// The same store for another Region: its ARNs name that Region.
    pub fn in_region(mut self, region: &str) -> Self {
        self.region = region.to_string();
        self
    }

    fn next_nonce(&self) -> u16 {
        self.nonce.fetch_add(1, Ordering::Relaxed) % 1000
    }

    /// Whether the stream exists (CodeBuild creates a build's stream when
    /// PROVISIONING ends).
    pub fn has_stream(&self, group: &str, stream: &str) -> bool {
        self.groups.get(group).is_some_and(|g| g.streams.contains_key(stream))
    }

    /// Creates the group and stream if they do not exist.
    pub fn create_stream(&mut self, group: &str, stream: &str) {
        let now = now_ms();
        let g = self.groups.entry(group.to_string()).or_insert_with(|| Group::new(now));
        g.streams.entry(stream.to_string()).or_insert_with(|| Stream::new(now));
    }

    /// Appends events (timestamp in ms since the epoch, message) in order; the
    /// stream is created if it does not exist yet.
    pub fn append(&mut self, group: &str, stream: &str, events: Vec<(i64, String)>) {
        let now = now_ms();
        let g = self.groups.entry(group.to_string()).or_insert_with(|| Group::new(now));
        g.streams.entry(stream.to_string()).or_insert_with(|| Stream::new(now)).push(events, now);
    }

    fn group(&self, name: &str) -> ApiResult<&Group> {
        self.groups.get(name).ok_or_else(group_not_found)
    }

    fn stream(&self, group: &str, stream: &str) -> ApiResult<&Stream> {
        self.group(group)?.streams.get(stream).ok_or_else(stream_not_found)
    }
}

fn group_not_found() -> ApiError {
    ApiError::client("ResourceNotFoundException", "The specified log group does not exist.")
}

fn stream_not_found() -> ApiError {
    ApiError::client("ResourceNotFoundException", "The specified log stream does not exist.")
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Store {
    fn group_arn(&self, group: &str) -> String {
        format!("arn:aws:logs:{}:{ACCOUNT_ID}:log-group:{group}", self.region)
    }
}

/// `region` is the request's signing Region: each Region has its own groups.
pub fn dispatch(shared: &Arc<Shared>, op: &str, input: &Value, region: &str) -> ApiResult {
    call(lock(&shared.logs).region(region), op, input, now_ms())
}

/// The operations, on a store the caller has locked; `now` is ingestion time.
fn call(store: &mut Store, op: &str, input: &Value, now: i64) -> ApiResult {
    match op {
        "GetLogEvents" => events::get_log_events(store, input, now),
        "FilterLogEvents" => filter::filter_log_events(store, input),
        "DescribeLogStreams" => describe::describe_log_streams(store, input),
        // Sandbox conveniences, so a test can run the same calls against moto
        // and here: the sandbox itself creates groups and streams for builds.
        "DescribeLogGroups" => describe::describe_log_groups(store, input),
        "CreateLogGroup" => create_log_group(store, input, now),
        "CreateLogStream" => create_log_stream(store, input, now),
        "PutLogEvents" => put_log_events(store, input, now),
        "DeleteLogGroup" => manage::delete_log_group(store, input),
        "DeleteLogStream" => manage::delete_log_stream(store, input),
        "PutRetentionPolicy" => manage::put_retention_policy(store, input),
        "DeleteRetentionPolicy" => manage::delete_retention_policy(store, input),
        "TagLogGroup" => manage::tag_log_group(store, input),
        "UntagLogGroup" => manage::untag_log_group(store, input),
        "ListTagsLogGroup" => manage::list_tags_log_group(store, input),
        "TagResource" => manage::tag_resource(store, input),
        "UntagResource" => manage::untag_resource(store, input),
        "ListTagsForResource" => manage::list_tags_for_resource(store, input),
        _ => Err(ApiError::client("UnknownOperationException", "The action or operation requested is invalid.")),
    }
}

fn check_name(field: &str, name: &str, group: bool) -> ApiResult<()> {
    if name.len() > 512 {
        return Err(constraint(field, name, "Member must have length less than or equal to 512"));
    }
    let ok = if group {
        name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-/#".contains(&b))
    } else {
        !name.contains([':', '*'])
    };
    let pattern = if group { "[\\.\\-_/#A-Za-z0-9]+" } else { "[^:*]*" };
    if ok {
        Ok(())
    } else {
        Err(constraint(field, name, &format!("Member must satisfy regular expression pattern: {pattern}")))
    }
}

fn create_log_group(store: &mut Store, input: &Value, now: i64) -> ApiResult {
    let name = req_str(input, "logGroupName")?;
    check_name("logGroupName", name, true)?;
    let tags = match input.get("tags") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(_) => manage::tag_map(input, "tags")?,
    };
    if store.groups.contains_key(name) {
        return Err(ApiError::client("ResourceAlreadyExistsException", "The specified log group already exists"));
    }
    store.groups.insert(name.to_string(), Group { tags, ..Group::new(now) });
    Ok(json!({}))
}

fn create_log_stream(store: &mut Store, input: &Value, now: i64) -> ApiResult {
    let group = req_str(input, "logGroupName")?;
    let name = req_str(input, "logStreamName")?;
    check_name("logStreamName", name, false)?;
    let g = store.groups.get_mut(group).ok_or_else(group_not_found)?;
    if g.streams.contains_key(name) {
        return Err(ApiError::client("ResourceAlreadyExistsException", "The specified log stream already exists"));
    }
    g.streams.insert(name.to_string(), Stream::new(now));
    Ok(json!({}))
}

const DAY_MS: i64 = 24 * 3600 * 1000;

/// PutLogEvents as AWS documents it: chronological batches of 1..=10000,
/// events over 14 days old or over 2 hours ahead rejected (and reported), a
/// batch may not span more than 24 hours.
fn put_log_events(store: &mut Store, input: &Value, now: i64) -> ApiResult {
    let group = req_str(input, "logGroupName")?;
    let name = req_str(input, "logStreamName")?;
    let raw = match input.get("logEvents") {
        Some(Value::Array(items)) => items,
        None | Some(Value::Null) => {
            return Err(invalid(
                "1 validation error detected: Value null at 'logEvents' failed to satisfy constraint: Member must not be null",
            ));
        }
        Some(_) => {
            return Err(ApiError::client("SerializationException", "Unexpected value type for field 'logEvents'"));
        }
    };
    if raw.is_empty() || raw.len() > 10_000 {
        let rule = if raw.is_empty() {
            "Member must have length greater than or equal to 1"
        } else {
            "Member must have length less than or equal to 10000"
        };
        return Err(constraint("logEvents", format!("[{} events]", raw.len()), rule));
    }
    let mut batch = Vec::with_capacity(raw.len());
    for (i, ev) in raw.iter().enumerate() {
        let timestamp = params::opt_i64(ev, "timestamp")?
            .ok_or_else(|| invalid(format!("1 validation error detected: Value null at 'logEvents.{}.member.timestamp' failed to satisfy constraint: Member must not be null", i + 1)))?;
        let message = req_str(ev, "message").map_err(|e| ApiError {
            message: e.message.replace("'message'", &format!("'logEvents.{}.member.message'", i + 1)),
            ..e
        })?;
        batch.push((timestamp, message.to_string()));
    }
    if batch.windows(2).any(|w| w[1].0 < w[0].0) {
        return Err(invalid("Log events in a single PutLogEvents request must be in chronological order."));
    }
    let (oldest, newest) = (now - 14 * DAY_MS, now + 2 * 3600 * 1000);
    let too_old = batch.iter().rposition(|(t, _)| *t < oldest);
    let too_new = batch.iter().position(|(t, _)| *t > newest);
    let kept: Vec<(i64, String)> = batch.into_iter().filter(|(t, _)| *t >= oldest && *t <= newest).collect();
    if let (Some(first), Some(last)) = (kept.first(), kept.last())
        && last.0 - first.0 > DAY_MS
    {
        return Err(invalid(
            "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.",
        ));
    }
    let g = store.groups.get_mut(group).ok_or_else(group_not_found)?;
    let stream = g.streams.get_mut(name).ok_or_else(stream_not_found)?;
    if !kept.is_empty() {
        stream.push(kept, now);
    }
    let mut out = json!({ "nextSequenceToken": params::digits56(stream.uploads + 1) });
    if too_old.is_some() || too_new.is_some() {
        let mut info = serde_json::Map::new();
        if let Some(i) = too_old {
            info.insert("tooOldLogEventEndIndex".into(), json!(i));
        }
        if let Some(i) = too_new {
            info.insert("tooNewLogEventStartIndex".into(), json!(i));
        }
        out["rejectedLogEventsInfo"] = Value::Object(info);
    }
    Ok(out)
}

#[cfg(test)]
mod paging_tests;
#[cfg(test)]
mod tests;
