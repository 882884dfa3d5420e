//! What a user's own tools do to log groups besides reading them: delete a
//! group or a stream, set or remove a retention policy, and tag a group, by
//! name (TagLogGroup and friends, on the path to deprecation) or by ARN
//! (TagResource and friends). Each validates its input as the CloudWatch Logs
//! API model constrains it and answers with the errors the model lists.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::params::{constraint, invalid, req_str};
use super::{ACCOUNT_ID, Store, check_name, group_not_found, stream_not_found};
use crate::sandbox::http::{ApiError, ApiResult};

/// The retention periods PutRetentionPolicy accepts (API reference,
/// PutRetentionPolicy `retentionInDays`).
const RETENTION_DAYS: [i64; 22] =
    [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/// Tags a log group may carry.
const MAX_TAGS: usize = 50;

pub fn delete_log_group(store: &mut Store, input: &Value) -> ApiResult {
    let name = group_field(input)?;
    store.groups.remove(name).ok_or_else(group_not_found)?;
    Ok(json!({}))
}

pub fn delete_log_stream(store: &mut Store, input: &Value) -> ApiResult {
    let group = group_field(input)?;
    let name = req_str(input, "logStreamName")?;
    check_name("logStreamName", name, false)?;
    let g = store.groups.get_mut(group).ok_or_else(group_not_found)?;
    g.streams.remove(name).ok_or_else(stream_not_found)?;
    Ok(json!({}))
}

pub fn put_retention_policy(store: &mut Store, input: &Value) -> ApiResult {
    let name = group_field(input)?;
    let days = match input.get("retentionInDays") {
        None | Some(Value::Null) => return Err(null_member("retentionInDays")),
        Some(v) => v.as_i64().ok_or_else(|| wrong_type("retentionInDays"))?,
    };
    if !RETENTION_DAYS.contains(&days) {
        let set: Vec<String> = RETENTION_DAYS.iter().map(i64::to_string).collect();
        let rule = format!("Member must satisfy enum value set: [{}]", set.join(", "));
        return Err(constraint("retentionInDays", days, &rule));
    }
    store.groups.get_mut(name).ok_or_else(group_not_found)?.retention_days = Some(days);
    Ok(json!({}))
}

pub fn delete_retention_policy(store: &mut Store, input: &Value) -> ApiResult {
    let name = group_field(input)?;
    store.groups.get_mut(name).ok_or_else(group_not_found)?.retention_days = None;
    Ok(json!({}))
}

pub fn tag_log_group(store: &mut Store, input: &Value) -> ApiResult {
    let name = group_field(input)?;
    let tags = tag_map(input, "tags")?;
    // TagLogGroup models no TooManyTagsException: the limit is a parameter error.
    add_tags(store, name, tags, |_| invalid(format!("A log group can have at most {MAX_TAGS} tags.")))
}

pub fn untag_log_group(store: &mut Store, input: &Value) -> ApiResult {
    let name = group_field(input).map_err(unmodelled_invalid)?;
    let keys = tag_keys(input, "tags", 1).map_err(unmodelled_invalid)?;
    let group = store.groups.get_mut(name).ok_or_else(group_not_found)?;
    for k in keys {
        group.tags.remove(k);
    }
    Ok(json!({}))
}

pub fn list_tags_log_group(store: &Store, input: &Value) -> ApiResult {
    let name = group_field(input).map_err(unmodelled_invalid)?;
    Ok(json!({ "tags": store.groups.get(name).ok_or_else(group_not_found)?.tags }))
}

pub fn tag_resource(store: &mut Store, input: &Value) -> ApiResult {
    let arn = resource_arn(input)?;
    let tags = tag_map(input, "tags")?;
    let name = group_of_arn(store, arn)?.to_string();
    add_tags(store, &name, tags, |arn| {
        ApiError::client("TooManyTagsException", format!("A resource can have at most {MAX_TAGS} tags: {arn}"))
    })
}

pub fn untag_resource(store: &mut Store, input: &Value) -> ApiResult {
    let arn = resource_arn(input)?;
    let keys = tag_keys(input, "tagKeys", 0)?;
    let name = group_of_arn(store, arn)?.to_string();
    let group = store.groups.get_mut(&name).ok_or_else(group_not_found)?;
    for k in keys {
        group.tags.remove(k);
    }
    Ok(json!({}))
}

pub fn list_tags_for_resource(store: &Store, input: &Value) -> ApiResult {
    let arn = resource_arn(input)?;
    let name = group_of_arn(store, arn)?;
    Ok(json!({ "tags": store.groups.get(name).ok_or_else(group_not_found)?.tags }))
}

/// UntagLogGroup and ListTagsLogGroup model no InvalidParameterException:
/// their input constraint violations are the common ValidationException.
fn unmodelled_invalid(e: ApiError) -> ApiError {
    if e.code == "InvalidParameterException" { ApiError::validation(e.message) } else { e }
}

/// Merges `tags` into the group's; a total over the limit is refused whole.
fn add_tags(
    store: &mut Store,
    name: &str,
    tags: BTreeMap<String, String>,
    too_many: impl Fn(&str) -> ApiError,
) -> ApiResult {
    let group = store.groups.get_mut(name).ok_or_else(group_not_found)?;
    let added = tags.keys().filter(|k| !group.tags.contains_key(*k)).count();
    if group.tags.len() + added > MAX_TAGS {
        let arn = store.group_arn(name);
        return Err(too_many(&arn));
    }
    group.tags.extend(tags);
    Ok(json!({}))
}

/// `logGroupName`, required and checked against the model's constraints.
fn group_field(input: &Value) -> ApiResult<&str> {
    let name = req_str(input, "logGroupName")?;
    check_name("logGroupName", name, true)?;
    Ok(name)
}

/// `resourceArn`: 1 to 1011 characters of `[\w+=/:,.@-]` (so never `:*`).
fn resource_arn(input: &Value) -> ApiResult<&str> {
    let arn = req_str(input, "resourceArn")?;
    if arn.len() > 1011 {
        return Err(constraint("resourceArn", arn, "Member must have length less than or equal to 1011"));
    }
    if !arn.bytes().all(|b| b.is_ascii_alphanumeric() || b"_+=/:,.@-".contains(&b)) {
        return Err(constraint("resourceArn", arn, "Member must satisfy regular expression pattern: [\\w+=/:,.@-]*"));
    }
    Ok(arn)
}

/// The log group an ARN of this account and the store's Region names. Destinations are
/// the other taggable resource; the sandbox has none.
fn group_of_arn<'a>(store: &Store, arn: &'a str) -> ApiResult<&'a str> {
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    let [_, partition, service, region, account, kind, name] = parts.as_slice() else {
        return Err(invalid(format!("Invalid ARN: {arn}")));
    };
    if *partition != "aws" || *service != "logs" {
        return Err(invalid(format!("Invalid ARN: {arn} is not a CloudWatch Logs resource")));
    }
    let missing =
        || ApiError::client("ResourceNotFoundException", format!("The specified resource does not exist: {arn}"));
    if *region != store.region || *account != ACCOUNT_ID || *kind != "log-group" || !store.groups.contains_key(*name) {
        return Err(missing());
    }
    Ok(name)
}

fn null_member(field: &str) -> ApiError {
    invalid(format!(
        "1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null"
    ))
}

fn wrong_type(field: &str) -> ApiError {
    ApiError::client("SerializationException", format!("Unexpected value type for field '{field}'"))
}

/// A tag key or value's characters: `[\p{L}\p{Z}\p{N}_.:/=+\-@]` (letters,
/// separators, numbers and those signs).
fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || (c.is_whitespace() && !c.is_control()) || "_.:/=+-@".contains(c)
}

fn check_key(field: &str, key: &str) -> ApiResult<()> {
    let chars = key.chars().count();
    if chars == 0 || chars > 128 {
        return Err(constraint(field, key, "Member must have length between 1 and 128"));
    }
    if !key.chars().all(tag_char) {
        let rule = "Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+)$";
        return Err(constraint(field, key, rule));
    }
    Ok(())
}

/// A `tags` map of 1 to 50 entries, keys and values as the model constrains them.
pub(super) fn tag_map(input: &Value, field: &str) -> ApiResult<BTreeMap<String, String>> {
    let map: &Map<String, Value> = match input.get(field) {
        None | Some(Value::Null) => return Err(null_member(field)),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(wrong_type(field)),
    };
    if map.is_empty() || map.len() > MAX_TAGS {
        let rule = format!("Member must have length between 1 and {MAX_TAGS}");
        return Err(constraint(field, format!("{{{} tags}}", map.len()), &rule));
    }
    let mut out = BTreeMap::new();
    for (k, v) in map {
        check_key(&format!("{field}.key"), k)?;
        let v = v.as_str().ok_or_else(|| wrong_type(field))?;
        if v.chars().count() > 256 {
            return Err(constraint(
                &format!("{field}.{k}.member"),
                v,
                "Member must have length less than or equal to 256",
            ));
        }
        if !v.chars().all(tag_char) {
            let rule = "Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$";
            return Err(constraint(&format!("{field}.{k}.member"), v, rule));
        }
        out.insert(k.clone(), v.to_string());
    }
    Ok(out)
}

/// A list of tag keys, `min` to 50 of them.
fn tag_keys<'a>(input: &'a Value, field: &str, min: usize) -> ApiResult<Vec<&'a str>> {
    let items = match input.get(field) {
        None | Some(Value::Null) => return Err(null_member(field)),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(wrong_type(field)),
    };
    if items.len() < min || items.len() > MAX_TAGS {
        let rule = format!("Member must have length between {min} and {MAX_TAGS}");
        return Err(constraint(field, format!("[{} keys]", items.len()), &rule));
    }
    let keys: Vec<&str> =
        items.iter().map(|v| v.as_str().ok_or_else(|| wrong_type(field))).collect::<ApiResult<_>>()?;
    for k in &keys {
        check_key(&format!("{field}.member"), k)?;
    }
    Ok(keys)
}
