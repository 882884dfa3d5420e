//! Unit tests of the Logs store through `call`, the same entry the HTTP
//! dispatcher uses (JSON in, JSON out).

use serde_json::{Value, json};

use super::filter::Pattern;
use super::token::Token;
use super::{Store, call};
use crate::sandbox::http::ApiError;

const NOW: i64 = 1_750_000_000_000;

fn ok(store: &mut Store, op: &str, input: Value) -> Value {
    call(store, op, &input, NOW).unwrap_or_else(|e| panic!("{op} failed: {e:?}"))
}

fn err(store: &mut Store, op: &str, input: Value) -> ApiError {
    call(store, op, &input, NOW).expect_err("the call should fail")
}

fn messages(v: &Value) -> Vec<String> {
    v["events"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap().to_string()).collect()
}

fn lines(range: std::ops::Range<i64>) -> Vec<(i64, String)> {
    range.map(|i| (NOW + i, format!("line {i}"))).collect()
}

fn names(range: std::ops::Range<i64>) -> Vec<String> {
    range.map(|i| format!("line {i}")).collect()
}

fn get(store: &mut Store, extra: Value) -> Value {
    let mut input = json!({"logGroupName": "g", "logStreamName": "s"});
    input.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    ok(store, "GetLogEvents", input)
}

#[test]
fn tailer_with_forward_token_sees_each_event_once() {
    let mut store = Store::default();
    store.append("g", "s", lines(0..5));
    let first = get(&mut store, json!({"startFromHead": true}));
    assert_eq!(messages(&first), names(0..5));
    let token = first["nextForwardToken"].as_str().unwrap().to_string();
    assert!(token.starts_with("f/") && token.ends_with("/s") && token.len() == 60, "{token}");

    // Nothing new: nothing returned and the same token back.
    let idle = get(&mut store, json!({"startFromHead": true, "nextToken": token}));
    assert_eq!(messages(&idle), Vec::<String>::new());
    assert_eq!(idle["nextForwardToken"], json!(token));

    store.append("g", "s", lines(5..8));
    let next = get(&mut store, json!({"startFromHead": true, "nextToken": token}));
    assert_eq!(messages(&next), names(5..8));
    let token2 = next["nextForwardToken"].as_str().unwrap().to_string();
    assert_ne!(token2, token);
    let end = get(&mut store, json!({"startFromHead": true, "nextToken": token2}));
    assert!(messages(&end).is_empty());
    assert_eq!(end["nextForwardToken"], json!(token2));
}

#[test]
fn tailer_on_an_empty_stream_gets_later_events() {
    // A token with no startFromHead reads the newest page after it; with two
    // events that is both of them.
    let mut store = Store::default();
    store.create_stream("g", "s");
    let first = get(&mut store, json!({"startFromHead": true}));
    assert!(messages(&first).is_empty());
    let token = first["nextForwardToken"].clone();
    store.append("g", "s", lines(0..2));
    assert_eq!(messages(&get(&mut store, json!({"nextToken": token}))), names(0..2));
}

#[test]
fn default_read_returns_the_last_events_and_pages_backwards() {
    let mut store = Store::default();
    store.append("g", "s", lines(0..10));
    let last = get(&mut store, json!({"limit": 4}));
    assert_eq!(messages(&last), names(6..10));
    let mut back = last["nextBackwardToken"].clone();
    let mut seen = messages(&last);
    loop {
        let page = get(&mut store, json!({"limit": 4, "nextToken": back}));
        if messages(&page).is_empty() {
            // At the head of the stream the backward token comes back as is.
            assert_eq!(page["nextBackwardToken"], back);
            break;
        }
        let mut m = messages(&page);
        m.extend(seen);
        seen = m;
        back = page["nextBackwardToken"].clone();
    }
    assert_eq!(seen, names(0..10));
}

#[test]
fn forward_paging_with_limit_has_no_gap_or_duplicate() {
    let mut store = Store::default();
    store.append("g", "s", lines(0..25));
    let mut page = get(&mut store, json!({"startFromHead": true, "limit": 7}));
    let mut seen = messages(&page);
    loop {
        let token = page["nextForwardToken"].clone();
        page = get(&mut store, json!({"nextToken": token, "limit": 7, "startFromHead": true}));
        if messages(&page).is_empty() {
            assert_eq!(page["nextForwardToken"], token);
            break;
        }
        seen.extend(messages(&page));
    }
    assert_eq!(seen, names(0..25));
    // A forward page's backward token reads what came before it.
    let head = get(&mut store, json!({"startFromHead": true, "limit": 7}));
    let second = get(&mut store, json!({"nextToken": head["nextForwardToken"], "limit": 7, "startFromHead": true}));
    let before = get(&mut store, json!({"nextToken": second["nextBackwardToken"], "limit": 3}));
    assert_eq!(messages(&before), names(4..7));
}

#[test]
fn events_sort_by_timestamp_and_a_late_old_event_does_not_move_a_token() {
    let mut store = Store::default();
    store.append("g", "s", vec![(NOW + 10, "b".into()), (NOW + 10, "c".into())]);
    let token = get(&mut store, json!({"startFromHead": true}))["nextForwardToken"].clone();
    store.append("g", "s", vec![(NOW, "a".into()), (NOW + 20, "d".into())]);
    assert_eq!(messages(&get(&mut store, json!({"startFromHead": true}))), ["a", "b", "c", "d"]);
    assert_eq!(messages(&get(&mut store, json!({"nextToken": token}))), ["d"]);
}

#[test]
fn time_range_is_start_inclusive_end_exclusive() {
    let mut store = Store::default();
    store.append("g", "s", lines(0..10));
    let page = get(&mut store, json!({"startFromHead": true, "startTime": NOW + 2, "endTime": NOW + 5}));
    assert_eq!(messages(&page), names(2..5));
}

#[test]
fn a_page_stops_at_one_megabyte() {
    let mut store = Store::default();
    let big = "x".repeat(300_000);
    store.append("g", "s", (0..5).map(|i| (NOW + i, big.clone())).collect());
    let page = get(&mut store, json!({"startFromHead": true}));
    assert_eq!(page["events"].as_array().unwrap().len(), 3);
    let rest = get(&mut store, json!({"nextToken": page["nextForwardToken"]}));
    assert_eq!(rest["events"].as_array().unwrap().len(), 2);
}

#[test]
fn bad_tokens_are_invalid_parameters() {
    let mut store = Store::default();
    store.append("g", "s", lines(0..3));
    let good = get(&mut store, json!({"startFromHead": true}))["nextForwardToken"].as_str().unwrap().to_string();
    let tampered = format!("{}{}/s", &good[..57], if &good[57..58] == "1" { "2" } else { "1" });
    let wrong_dir = format!("x{}", &good[1..]);
    for bad in ["nope", "f/123/s", tampered.as_str(), wrong_dir.as_str(), ""] {
        let e = err(&mut store, "GetLogEvents", json!({"logGroupName": "g", "logStreamName": "s", "nextToken": bad}));
        assert_eq!(e.code, "InvalidParameterException", "token {bad:?}");
    }
    assert!(Token::decode(&good).is_ok());
}

#[test]
fn unknown_group_and_stream_are_not_found() {
    let mut store = Store::default();
    store.create_stream("g", "s");
    let e = err(&mut store, "GetLogEvents", json!({"logGroupName": "nope", "logStreamName": "s"}));
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("ResourceNotFoundException", "The specified log group does not exist.")
    );
    let e = err(&mut store, "GetLogEvents", json!({"logGroupName": "g", "logStreamName": "nope"}));
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("ResourceNotFoundException", "The specified log stream does not exist.")
    );
    let e = err(&mut store, "GetLogEvents", json!({"logGroupName": "g", "logStreamName": "s", "limit": 10001}));
    assert_eq!(e.code, "InvalidParameterException");
}

#[test]
fn put_log_events_validates_like_aws() {
    let mut store = Store::default();
    ok(&mut store, "CreateLogGroup", json!({"logGroupName": "g"}));
    assert_eq!(err(&mut store, "CreateLogGroup", json!({"logGroupName": "g"})).code, "ResourceAlreadyExistsException");
    ok(&mut store, "CreateLogStream", json!({"logGroupName": "g", "logStreamName": "s"}));
    let put = |ts: Vec<i64>| {
        json!({"logGroupName": "g", "logStreamName": "s",
        "logEvents": ts.iter().map(|t| json!({"timestamp": t, "message": "m"})).collect::<Vec<_>>()})
    };
    let e = err(&mut store, "PutLogEvents", put(vec![NOW + 5, NOW]));
    assert_eq!(e.message, "Log events in a single PutLogEvents request must be in chronological order.");
    let r = ok(&mut store, "PutLogEvents", put(vec![NOW]));
    assert!(r.get("rejectedLogEventsInfo").is_none());
    assert_eq!(r["nextSequenceToken"].as_str().unwrap().len(), 56);
    let day = 24 * 3600 * 1000;
    let r = ok(&mut store, "PutLogEvents", put(vec![NOW - 20 * day, NOW, NOW + day / 4]));
    assert_eq!(r["rejectedLogEventsInfo"], json!({"tooOldLogEventEndIndex": 0, "tooNewLogEventStartIndex": 2}));
    let page = get(&mut store, json!({"startFromHead": true}));
    assert_eq!(page["events"].as_array().unwrap().len(), 2);
    let e = err(
        &mut store,
        "PutLogEvents",
        json!({"logGroupName": "g", "logStreamName": "zz", "logEvents": [{"timestamp": NOW, "message": "m"}]}),
    );
    assert_eq!(e.message, "The specified log stream does not exist.");
}

#[test]
fn describe_log_streams_orders_and_pages() {
    let mut store = Store::default();
    store.append("g", "b", vec![(NOW + 30, "x".into())]);
    store.append("g", "a", vec![(NOW + 20, "x".into())]);
    store.append("g", "c", vec![(NOW + 10, "x".into())]);
    store.create_stream("g", "d");
    let list = |v: &Value| {
        v["logStreams"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["logStreamName"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let by_name = ok(&mut store, "DescribeLogStreams", json!({"logGroupName": "g"}));
    assert_eq!(list(&by_name), ["a", "b", "c", "d"]);
    assert_eq!(by_name["logStreams"][0]["arn"], "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:a");
    assert_eq!(by_name["logStreams"][0]["lastEventTimestamp"], NOW + 20);
    assert!(by_name["logStreams"][3].get("lastEventTimestamp").is_none());
    let by_time = ok(
        &mut store,
        "DescribeLogStreams",
        json!({"logGroupName": "g", "orderBy": "LastEventTime", "descending": true}),
    );
    assert_eq!(list(&by_time), ["b", "a", "c", "d"]);
    let p1 = ok(&mut store, "DescribeLogStreams", json!({"logGroupName": "g", "limit": 3}));
    assert_eq!(list(&p1), ["a", "b", "c"]);
    let p2 =
        ok(&mut store, "DescribeLogStreams", json!({"logGroupName": "g", "limit": 3, "nextToken": p1["nextToken"]}));
    assert_eq!(list(&p2), ["d"]);
    assert!(p2.get("nextToken").is_none());
    let e = err(
        &mut store,
        "DescribeLogStreams",
        json!({"logGroupName": "g", "orderBy": "LastEventTime", "logStreamNamePrefix": "a"}),
    );
    assert_eq!(e.code, "InvalidParameterException");
}

#[test]
fn filter_patterns_parse_and_match() {
    let p = Pattern::parse("ERROR \"disk full\"").unwrap();
    assert!(p.matches("ERROR: disk full on /"));
    assert!(!p.matches("ERROR: disk is full"));
    assert!(!p.matches("error: disk full"), "terms are case-sensitive");
    let p = Pattern::parse("?ERROR ?WARN").unwrap();
    assert!(p.matches("WARN low") && p.matches("ERROR x") && !p.matches("INFO"));
    let p = Pattern::parse("ERROR -retrying").unwrap();
    assert!(p.matches("ERROR final") && !p.matches("ERROR retrying"));
    let all = Pattern::parse("  ").unwrap();
    assert!(all.matches("anything"));
    assert!(Pattern::parse("{ $.level = \"x\" }").is_err());
    assert!(Pattern::parse("\"unclosed").is_err());
}

#[test]
fn filter_interleaves_streams_and_pages_both_ways() {
    let mut store = Store::default();
    store.append("g", "a", vec![(NOW, "ok a0".into()), (NOW + 2, "ERROR a2".into()), (NOW + 4, "ERROR a4".into())]);
    store.append("g", "b", vec![(NOW + 1, "ERROR b1".into()), (NOW + 2, "ERROR b2".into()), (NOW + 3, "ok b3".into())]);
    let f = |store: &mut Store, extra: Value| {
        let mut input = json!({"logGroupName": "g", "filterPattern": "ERROR"});
        input.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        ok(store, "FilterLogEvents", input)
    };
    let all = f(&mut store, json!({}));
    assert_eq!(messages(&all), ["ERROR b1", "ERROR a2", "ERROR b2", "ERROR a4"]);
    assert_eq!(all["events"][0]["logStreamName"], "b");
    assert_eq!(all["events"][0]["eventId"].as_str().unwrap().len(), 56);
    assert!(all.get("nextToken").is_none());

    let mut seen = Vec::new();
    let mut page = f(&mut store, json!({"limit": 1}));
    loop {
        seen.extend(messages(&page));
        let Some(token) = page.get("nextToken").cloned() else { break };
        page = f(&mut store, json!({"limit": 1, "nextToken": token}));
    }
    assert_eq!(seen, messages(&all));

    let newest = f(&mut store, json!({"limit": 3, "startFromHead": false}));
    assert_eq!(messages(&newest), ["ERROR a4", "ERROR b2", "ERROR a2"]);
    let older = f(&mut store, json!({"limit": 3, "nextToken": newest["nextToken"]}));
    assert_eq!(messages(&older), ["ERROR b1"]);

    let only_a = f(&mut store, json!({"logStreamNames": ["a"]}));
    assert_eq!(messages(&only_a), ["ERROR a2", "ERROR a4"]);
    let ranged = f(&mut store, json!({"startTime": NOW + 2, "endTime": NOW + 3, "filterPattern": ""}));
    assert_eq!(messages(&ranged), ["ERROR a2", "ERROR b2", "ok b3"]);
    let both = err(
        &mut store,
        "FilterLogEvents",
        json!({"logGroupName": "g", "logStreamNames": ["a"], "logStreamNamePrefix": "a"}),
    );
    assert_eq!(both.code, "InvalidParameterException");
    let bad = err(&mut store, "FilterLogEvents", json!({"logGroupName": "g", "nextToken": "zz"}));
    assert_eq!(bad.code, "InvalidParameterException");
}

#[test]
fn a_large_stream_pages_through_completely() {
    let mut store = Store::default();
    for chunk in 0..20 {
        store.append("g", "s", lines(chunk * 10_000..(chunk + 1) * 10_000));
    }
    let mut page = get(&mut store, json!({"startFromHead": true}));
    let mut count = page["events"].as_array().unwrap().len();
    let mut last = page["events"][count - 1]["message"].clone();
    loop {
        page = get(&mut store, json!({"nextToken": page["nextForwardToken"], "startFromHead": true}));
        let events = page["events"].as_array().unwrap();
        if events.is_empty() {
            break;
        }
        assert_eq!(events.len(), 10_000, "default limit");
        assert_ne!(events[0]["message"], last, "pages do not overlap");
        count += events.len();
        last = events[events.len() - 1]["message"].clone();
    }
    assert_eq!(count, 200_000);
    assert_eq!(last, "line 199999");
}
