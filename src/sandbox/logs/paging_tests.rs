//! The harsh parts of GetLogEvents paging (CloudWatch Logs API Reference,
//! GetLogEvents): partial and empty pages before the end, the page direction
//! set by startFromHead even with a token, and tokens that expire.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Store, call};
use crate::sandbox::realism::Realism;

const NOW: i64 = 1_750_000_000_000;

fn store(partial: f64, ttl: Duration) -> Store {
    let mut s = Store::new(&Realism { partial_page_probability: partial, token_ttl: ttl, ..Realism::default() });
    s.append("g", "s", (0..40).map(|i| (NOW + i, format!("line {i}"))).collect());
    s
}

fn get(store: &mut Store, extra: Value, now: i64) -> Result<Value, crate::sandbox::http::ApiError> {
    let mut input = json!({"logGroupName": "g", "logStreamName": "s"});
    input.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    call(store, "GetLogEvents", &input, now)
}

fn messages(v: &Value) -> Vec<String> {
    v["events"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap().to_string()).collect()
}

fn lines(range: std::ops::Range<i64>) -> Vec<String> {
    range.map(|i| format!("line {i}")).collect()
}

#[test]
fn cut_pages_hand_out_new_tokens_until_the_same_token_marks_the_end() {
    // Every page that could give more is cut (probability 1): the reader that
    // follows tokens until one comes back unchanged still gets every event once.
    let mut s = store(1.0, Duration::from_secs(3600));
    let mut page = get(&mut s, json!({"startFromHead": true, "limit": 10}), NOW).unwrap();
    let mut seen = messages(&page);
    let mut short = usize::from(seen.len() < 10);
    for _ in 0..1000 {
        let sent = page["nextForwardToken"].as_str().unwrap().to_string();
        page = get(&mut s, json!({"startFromHead": true, "limit": 10, "nextToken": sent}), NOW).unwrap();
        let got = messages(&page);
        if page["nextForwardToken"] == json!(sent) {
            assert!(got.is_empty(), "the end gives nothing");
            break;
        }
        short += usize::from(got.len() < 10 && seen.len() + got.len() < 40);
        seen.extend(got);
    }
    assert_eq!(seen, lines(0..40));
    assert!(short > 0, "some page was cut short");
}

#[test]
fn an_empty_cut_page_gives_a_new_token_at_the_same_place() {
    let mut s = store(1.0, Duration::from_secs(3600));
    // A one-event page can only be cut to nothing.
    let page = get(&mut s, json!({"startFromHead": true, "limit": 1}), NOW).unwrap();
    assert!(messages(&page).is_empty(), "cut to nothing");
    let token = page["nextForwardToken"].as_str().unwrap().to_string();
    // Never cut to nothing twice in a row: the next read makes progress.
    let next = get(&mut s, json!({"startFromHead": true, "limit": 1, "nextToken": token}), NOW).unwrap();
    assert_eq!(messages(&next), ["line 0"]);
    assert_ne!(next["nextForwardToken"], json!(token));
}

#[test]
fn a_forward_token_without_start_from_head_skips_to_the_newest_page() {
    let mut s = store(0.0, Duration::from_secs(3600));
    let head = get(&mut s, json!({"startFromHead": true, "limit": 5}), NOW).unwrap();
    assert_eq!(messages(&head), lines(0..5));
    let token = head["nextForwardToken"].clone();
    let right = get(&mut s, json!({"startFromHead": true, "limit": 5, "nextToken": token}), NOW).unwrap();
    assert_eq!(messages(&right), lines(5..10));
    // The documented mistake: lines 5..35 are never seen by this reader.
    let wrong = get(&mut s, json!({"limit": 5, "nextToken": token}), NOW).unwrap();
    assert_eq!(messages(&wrong), lines(35..40));
    let after = get(&mut s, json!({"limit": 5, "nextToken": wrong["nextForwardToken"]}), NOW).unwrap();
    assert!(messages(&after).is_empty());
    assert_eq!(after["nextForwardToken"], wrong["nextForwardToken"], "the end of the stream");
}

#[test]
fn tokens_expire_after_their_ttl_with_an_invalid_parameter_error() {
    let mut s = store(0.0, Duration::from_secs(60));
    let page = get(&mut s, json!({"startFromHead": true, "limit": 5}), NOW).unwrap();
    let token = page["nextForwardToken"].clone();
    let fresh = get(&mut s, json!({"startFromHead": true, "nextToken": token}), NOW + 60_000).unwrap();
    assert_eq!(messages(&fresh), lines(5..40));
    let e = get(&mut s, json!({"startFromHead": true, "nextToken": token}), NOW + 60_001).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("InvalidParameterException", "The specified nextToken is invalid.")
    );
    // The end of the stream hands back the same token: a reader idle at the
    // end past the TTL is refused too.
    let end = fresh["nextForwardToken"].clone();
    let idle = get(&mut s, json!({"startFromHead": true, "nextToken": end}), NOW + 60_000).unwrap();
    assert_eq!(idle["nextForwardToken"], end);
    assert!(get(&mut s, json!({"startFromHead": true, "nextToken": end}), NOW + 120_001).is_err());
}
