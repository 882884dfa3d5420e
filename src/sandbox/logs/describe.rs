//! DescribeLogStreams and DescribeLogGroups. Their nextToken is an offset into
//! the ordered listing, hex-encoded so that it is opaque.

use serde_json::{Value, json};

use super::params::{self, bad_token, constraint, invalid};
use super::{Store, Stream};
use crate::sandbox::http::ApiResult;
use crate::sandbox::paging::offset_page;

fn encode_offset(offset: usize) -> String {
    hex::encode(format!("o{offset}"))
}

fn decode_offset(token: Option<&str>) -> ApiResult<usize> {
    let Some(token) = token else { return Ok(0) };
    let bytes = hex::decode(token).map_err(|_| bad_token())?;
    let text = std::str::from_utf8(&bytes).map_err(|_| bad_token())?;
    text.strip_prefix('o').and_then(|n| n.parse().ok()).ok_or_else(bad_token)
}

/// One page of `items` from the token's offset, and the token for the rest.
fn page<T>(items: Vec<T>, token: Option<&str>, limit: usize) -> ApiResult<(Vec<T>, Option<String>)> {
    let from = decode_offset(token)?;
    // Past the end (the listing shrank since the token was given): nothing left.
    let (page, next) = offset_page(items, from, limit).unwrap_or_default();
    Ok((page, next.map(encode_offset)))
}

fn stream_json(store: &Store, group: &str, name: &str, s: &Stream) -> Value {
    let mut v = json!({
        "logStreamName": name,
        "creationTime": s.created,
        "arn": format!("{}:log-stream:{name}", store.group_arn(group)),
        // AWS has reported 0 for streams since 2019 (groups keep the real count).
        "storedBytes": 0,
    });
    // AWS leaves the event fields out until the stream has events.
    if let (Some(first), Some(last), Some(ingested)) = (s.events.first(), s.events.last(), s.last_ingestion) {
        v["firstEventTimestamp"] = json!(first.timestamp);
        v["lastEventTimestamp"] = json!(last.timestamp);
        v["lastIngestionTime"] = json!(ingested);
        v["uploadSequenceToken"] = json!(params::digits56(s.uploads + 1));
    }
    v
}

pub fn describe_log_streams(store: &Store, input: &Value) -> ApiResult {
    let group_name = params::group_name(input)?;
    let prefix = params::opt_str(input, "logStreamNamePrefix")?.unwrap_or("");
    let order = params::opt_str(input, "orderBy")?.unwrap_or("LogStreamName");
    let by_time = match order {
        "LogStreamName" => false,
        "LastEventTime" => true,
        other => {
            return Err(constraint(
                "orderBy",
                other,
                "Member must satisfy enum value set: [LogStreamName, LastEventTime]",
            ));
        }
    };
    if by_time && !prefix.is_empty() {
        return Err(invalid("Cannot order by LastEventTime with a logStreamNamePrefix."));
    }
    let descending = params::opt_bool(input, "descending")?.unwrap_or(false);
    let limit = params::limit(input, 50, 50)?;
    let token = params::next_token(input)?;
    let group = store.group(group_name)?;
    // The map is sorted by name; a stable sort keeps name order among ties.
    let mut streams: Vec<(&String, &Stream)> = group.streams.iter().filter(|(n, _)| n.starts_with(prefix)).collect();
    if by_time {
        streams.sort_by_key(|(_, s)| s.events.last().map(|e| e.timestamp));
    }
    if descending {
        streams.reverse();
    }
    let (page, next) = page(streams, token, limit)?;
    let mut out =
        json!({ "logStreams": page.iter().map(|(n, s)| stream_json(store, group_name, n, s)).collect::<Vec<_>>() });
    if let Some(next) = next {
        out["nextToken"] = json!(next);
    }
    Ok(out)
}

pub fn describe_log_groups(store: &Store, input: &Value) -> ApiResult {
    let prefix = params::opt_str(input, "logGroupNamePrefix")?;
    let pattern = params::opt_str(input, "logGroupNamePattern")?;
    if prefix.is_some() && pattern.is_some() {
        return Err(invalid("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters."));
    }
    let limit = params::limit(input, 50, 50)?;
    let token = params::next_token(input)?;
    let needle = pattern.map(str::to_lowercase);
    let groups: Vec<_> = store
        .groups
        .iter()
        .filter(|(name, _)| prefix.is_none_or(|p| name.starts_with(p)))
        .filter(|(name, _)| needle.as_deref().is_none_or(|n| name.to_lowercase().contains(n)))
        .collect();
    let (page, next) = page(groups, token, limit)?;
    let items: Vec<Value> = page
        .iter()
        .map(|(name, g)| {
            let mut v = json!({
                "logGroupName": name,
                "creationTime": g.created,
                "metricFilterCount": 0,
                "arn": format!("{}:*", store.group_arn(name)),
                "logGroupArn": store.group_arn(name),
                "storedBytes": g.streams.values().map(|s| s.stored_bytes).sum::<u64>(),
                "logGroupClass": "STANDARD",
            });
            if let Some(days) = g.retention_days {
                v["retentionInDays"] = json!(days);
            }
            v
        })
        .collect();
    let mut out = json!({ "logGroups": items });
    if let Some(next) = next {
        out["nextToken"] = json!(next);
    }
    Ok(out)
}
