//! Request field access with CloudWatch Logs' own error shapes: Logs reports
//! constraint violations as InvalidParameterException, not ValidationException.

use std::fmt::Display;

use serde_json::Value;

use crate::sandbox::http::{ApiError, ApiResult};

pub fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::client("InvalidParameterException", message)
}

pub fn constraint(field: &str, value: impl Display, rule: &str) -> ApiError {
    invalid(format!("1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: {rule}"))
}

pub fn bad_token() -> ApiError {
    invalid("The specified nextToken is invalid.")
}

fn wrong_type(field: &str) -> ApiError {
    ApiError::client("SerializationException", format!("Unexpected value type for field '{field}'"))
}

pub fn opt_str<'a>(input: &'a Value, field: &str) -> ApiResult<Option<&'a str>> {
    match input.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(wrong_type(field)),
    }
}

/// A required string of at least one character.
pub fn req_str<'a>(input: &'a Value, field: &str) -> ApiResult<&'a str> {
    match opt_str(input, field)? {
        None => Err(invalid(format!(
            "1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null"
        ))),
        Some("") => Err(constraint(field, "", "Member must have length greater than or equal to 1")),
        Some(s) => Ok(s),
    }
}

pub fn opt_i64(input: &Value, field: &str) -> ApiResult<Option<i64>> {
    match input.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| wrong_type(field)),
    }
}

pub fn opt_bool(input: &Value, field: &str) -> ApiResult<Option<bool>> {
    match input.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(wrong_type(field)),
    }
}

pub fn opt_str_list<'a>(input: &'a Value, field: &str) -> ApiResult<Option<Vec<&'a str>>> {
    match input.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => {
            items.iter().map(|v| v.as_str().ok_or_else(|| wrong_type(field))).collect::<ApiResult<Vec<_>>>().map(Some)
        }
        Some(_) => Err(wrong_type(field)),
    }
}

/// `limit` within 1..=max, or `default` when absent.
pub fn limit(input: &Value, default: usize, max: usize) -> ApiResult<usize> {
    match opt_i64(input, "limit")? {
        None => Ok(default),
        Some(n) if n < 1 => Err(constraint("limit", n, "Member must have value greater than or equal to 1")),
        Some(n) if n as u64 > max as u64 => {
            Err(constraint("limit", n, &format!("Member must have value less than or equal to {max}")))
        }
        Some(n) => Ok(n as usize),
    }
}

/// `nextToken`: absent, or a non-empty string.
pub fn next_token(input: &Value) -> ApiResult<Option<&str>> {
    match opt_str(input, "nextToken")? {
        Some("") => Err(constraint("nextToken", "", "Member must have length greater than or equal to 1")),
        other => Ok(other),
    }
}

/// The log group a read names, by `logGroupName` or by `logGroupIdentifier`
/// (a name or an ARN); exactly one of the two must be given.
pub fn group_name(input: &Value) -> ApiResult<&str> {
    match (opt_str(input, "logGroupName")?, opt_str(input, "logGroupIdentifier")?) {
        (Some(_), Some(_)) => Err(invalid("LogGroup name and LogGroup ARN are mutually exclusive parameters.")),
        (Some(name), None) => non_empty("logGroupName", name),
        (None, Some(id)) => non_empty("logGroupIdentifier", name_of_identifier(identifier(id)?)),
        (None, None) => Err(invalid("Either logGroupName or logGroupIdentifier must be specified.")),
    }
}

fn non_empty<'a>(field: &str, s: &'a str) -> ApiResult<&'a str> {
    if s.is_empty() { Err(constraint(field, "", "Member must have length greater than or equal to 1")) } else { Ok(s) }
}

/// `logGroupIdentifier` checked as the model constrains it: 1 to 2048
/// characters of `[\w#+=/:,.@-]`. The pattern has no `*`, so the `...:*` form
/// of a group ARN (DescribeLogGroups' `arn`) is refused as AWS refuses it;
/// `logGroupArn` is the form to pass.
fn identifier(id: &str) -> ApiResult<&str> {
    const FIELD: &str = "logGroupIdentifier";
    if id.len() > 2048 {
        return Err(constraint(FIELD, id, "Member must have length less than or equal to 2048"));
    }
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b"_#+=/:,.@-".contains(&b);
    if !id.bytes().all(allowed) {
        return Err(constraint(FIELD, id, "Member must satisfy regular expression pattern: [\\w#+=/:,.@-]*"));
    }
    Ok(id)
}

/// `arn:aws:logs:REGION:ACCOUNT:log-group:NAME` -> NAME; a plain name as is.
fn name_of_identifier(id: &str) -> &str {
    if !id.starts_with("arn:") {
        return id;
    }
    id.split_once(":log-group:").map_or(id, |(_, name)| name)
}

/// A 56-digit number from a counter, as AWS's sequence tokens and ids look.
pub fn digits56(n: u64) -> String {
    format!("{n:056}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn group_identifier_accepts_name_or_arn() {
        let arn = json!({"logGroupIdentifier": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/codebuild/x"});
        assert_eq!(group_name(&arn).unwrap(), "/aws/codebuild/x");
        // The wildcard form is not an identifier: `*` is outside the pattern.
        let wildcard =
            json!({"logGroupIdentifier": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/codebuild/x:*"});
        let e = group_name(&wildcard).unwrap_err();
        assert_eq!(e.code, "InvalidParameterException");
        assert!(e.message.contains("at 'logGroupIdentifier' failed to satisfy constraint"), "{}", e.message);
        assert_eq!(group_name(&json!({"logGroupIdentifier": "g"})).unwrap(), "g");
        assert_eq!(group_name(&json!({"logGroupName": "g"})).unwrap(), "g");
        let both = group_name(&json!({"logGroupName": "g", "logGroupIdentifier": "g"})).unwrap_err();
        assert_eq!(both.code, "InvalidParameterException");
        assert_eq!(group_name(&json!({})).unwrap_err().code, "InvalidParameterException");
    }

    #[test]
    fn limit_is_range_checked() {
        assert_eq!(limit(&json!({}), 50, 50).unwrap(), 50);
        assert_eq!(limit(&json!({"limit": 7}), 50, 50).unwrap(), 7);
        let e = limit(&json!({"limit": 51}), 50, 50).unwrap_err();
        assert_eq!(e.code, "InvalidParameterException");
        assert!(e.message.contains("less than or equal to 50"), "{}", e.message);
        assert!(limit(&json!({"limit": 0}), 50, 50).is_err());
    }
}
