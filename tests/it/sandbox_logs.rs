//! CloudWatch Logs through the real SDK client over HTTP: writing, reading with
//! AWS's token semantics, filtering, describing, and the error codes.

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;
use aws_sdk_cloudwatchlogs::types::{InputLogEvent, OrderBy, OutputLogEvent};

use crate::harness;

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

async fn setup(logs: &Client, group: &str, streams: &[&str]) {
    logs.create_log_group().log_group_name(group).send().await.unwrap();
    for s in streams {
        logs.create_log_stream().log_group_name(group).log_stream_name(*s).send().await.unwrap();
    }
}

/// Puts `messages` with increasing timestamps starting at `t0`.
async fn put(logs: &Client, group: &str, stream: &str, t0: i64, messages: &[String]) {
    let events: Vec<InputLogEvent> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| InputLogEvent::builder().timestamp(t0 + i as i64).message(m).build().unwrap())
        .collect();
    let out = logs
        .put_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .set_log_events(Some(events))
        .send()
        .await
        .unwrap();
    assert!(out.next_sequence_token().is_some());
    assert!(out.rejected_log_events_info().is_none());
}

/// Reads forward from `token` to the end; returns the lines and the last token.
async fn read_on(logs: &Client, group: &str, stream: &str, token: &str) -> (Vec<OutputLogEvent>, String) {
    let (pages, last) = harness::pages_from(logs, group, stream, None, Some(token.to_string())).await;
    (pages.concat(), last)
}

fn msgs(events: &[aws_sdk_cloudwatchlogs::types::OutputLogEvent]) -> Vec<String> {
    events.iter().map(|e| e.message().unwrap().to_string()).collect()
}

fn batch(from: usize, to: usize) -> Vec<String> {
    (from..to).map(|i| format!("line {i}")).collect()
}

#[tokio::test]
async fn read_from_head_then_tail_with_the_forward_token() {
    let env = harness::start().await;
    // About fifteen reads in a moment pass GetLogEvents' 10 a second: this
    // client retries a throttled call, as a real tailer does.
    let logs = Client::new(&harness::retrying(&env.sdk));
    setup(&logs, "/aws/codebuild/demo", &["build-1"]).await;
    let t0 = now_ms();
    put(&logs, "/aws/codebuild/demo", "build-1", t0, &batch(0, 5)).await;

    let first = logs
        .get_log_events()
        .log_group_name("/aws/codebuild/demo")
        .log_stream_name("build-1")
        .start_from_head(true)
        .send()
        .await
        .unwrap();
    let head_token = first.next_forward_token().unwrap().to_string();
    assert!(head_token.starts_with("f/") && head_token.ends_with("/s"), "{head_token}");
    let (rest, mut token) = read_on(&logs, "/aws/codebuild/demo", "build-1", &head_token).await;
    let mut events = first.events().to_vec();
    events.extend(rest);
    assert_eq!(msgs(&events), batch(0, 5));
    assert_eq!(events[0].timestamp(), Some(t0));
    assert!(events[0].ingestion_time().is_some_and(|t| t >= t0 - 60_000));
    let from_head = msgs(&events);

    // The tailer loop: append, read on with the kept token until it comes back
    // unchanged (pages may be cut short before the end: CloudWatch Logs API
    // Reference, GetLogEvents), and get exactly the new lines.
    let mut seen = from_head;
    let mut next = 5;
    for round in 1..=4 {
        let lines = batch(next, next + round * 3);
        put(&logs, "/aws/codebuild/demo", "build-1", t0 + next as i64, &lines).await;
        next += lines.len();
        let (read, last) = read_on(&logs, "/aws/codebuild/demo", "build-1", &token).await;
        assert_eq!(msgs(&read), lines, "round {round}");
        seen.extend(msgs(&read));
        token = last;

        let idle = logs
            .get_log_events()
            .log_group_name("/aws/codebuild/demo")
            .log_stream_name("build-1")
            .next_token(&token)
            .start_from_head(true)
            .send()
            .await
            .unwrap();
        assert!(idle.events().is_empty(), "round {round}: nothing new yet");
        assert_eq!(idle.next_forward_token(), Some(token.as_str()), "at the end the same token comes back");
    }
    assert_eq!(seen, batch(0, next), "no line lost or repeated");
}

#[tokio::test]
async fn default_read_returns_the_newest_events_and_pages_backwards() {
    let env = harness::start().await;
    let logs = env.logs();
    setup(&logs, "g", &["s"]).await;
    put(&logs, "g", "s", now_ms(), &batch(0, 20)).await;

    // Without a token the read starts at the newest events and pages
    // backwards; a page may be cut short, so read back until ten are in.
    let mut newest_first: Vec<String> = Vec::new();
    let mut back: Option<String> = None;
    while newest_first.len() < 10 {
        let page = logs.get_log_events().log_group_name("g").log_stream_name("s").limit(5).set_next_token(back);
        let page = page.send().await.unwrap();
        let mut older = msgs(page.events());
        older.extend(newest_first);
        newest_first = older;
        back = page.next_backward_token().map(str::to_string);
    }
    assert_eq!(newest_first, batch(20 - newest_first.len(), 20), "the newest, contiguous, none twice");

    // The group may also be named by ARN (without the `:*` of DescribeLogGroups' `arn`).
    let by_arn = logs
        .get_log_events()
        .log_group_identifier("arn:aws:logs:us-east-1:123456789012:log-group:g")
        .log_stream_name("s")
        .limit(1)
        .send()
        .await
        .unwrap();
    // A cut page of one event is empty: the one before it is then read next.
    let got = msgs(by_arn.events());
    assert!(got == batch(19, 20) || got.is_empty(), "{got:?}");
}

#[tokio::test]
async fn builds_append_through_the_store_and_clients_read_it() {
    let env = harness::start().await;
    let t0 = now_ms();
    {
        let mut regions = pipewatch::sandbox::lock(&env.sandbox.shared.logs);
        let store = regions.region("us-east-1");
        store.create_stream("/aws/codebuild/p", "b1");
        store.append("/aws/codebuild/p", "b1", vec![(t0, "phase INSTALL".into()), (t0 + 1, "phase BUILD".into())]);
    }
    let logs = env.logs();
    let events = harness::all_events(&logs, "/aws/codebuild/p", "b1").await;
    assert_eq!(msgs(&events), ["phase INSTALL", "phase BUILD"]);
    let groups = logs.describe_log_groups().log_group_name_prefix("/aws/codebuild/").send().await.unwrap();
    let names: Vec<_> = groups.log_groups().iter().map(|g| g.log_group_name().unwrap()).collect();
    assert_eq!(names, ["/aws/codebuild/p"]);
}

#[tokio::test]
async fn filter_log_events_matches_terms_across_streams() {
    let env = harness::start().await;
    // Seven FilterLogEvents calls in a row exceed its 5 per second (CloudWatch
    // Logs quotas): this client retries a throttled call, as a real one does.
    let logs = aws_sdk_cloudwatchlogs::Client::new(&harness::retrying(&env.sdk));
    setup(&logs, "g", &["a", "b"]).await;
    let t0 = now_ms();
    put(&logs, "g", "a", t0, &["INFO start".into(), "ERROR disk full".into(), "ERROR net down".into()]).await;
    put(&logs, "g", "b", t0, &["ERROR early".into(), "WARN slow".into()]).await;

    let found = logs.filter_log_events().log_group_name("g").filter_pattern("ERROR").send().await.unwrap();
    let got: Vec<(String, String)> = found
        .events()
        .iter()
        .map(|e| (e.log_stream_name().unwrap().to_string(), e.message().unwrap().to_string()))
        .collect();
    let want = [("b", "ERROR early"), ("a", "ERROR disk full"), ("a", "ERROR net down")];
    assert_eq!(got, want.map(|(s, m)| (s.to_string(), m.to_string())));
    assert!(found.events().iter().all(|e| e.event_id().is_some() && e.ingestion_time().is_some()));
    assert!(found.next_token().is_none());

    let phrase = logs.filter_log_events().log_group_name("g").filter_pattern("\"disk full\"").send().await.unwrap();
    assert_eq!(phrase.events().len(), 1);
    let either = logs.filter_log_events().log_group_name("g").filter_pattern("?WARN ?INFO").send().await.unwrap();
    assert_eq!(either.events().iter().map(|e| e.message().unwrap()).collect::<Vec<_>>(), ["INFO start", "WARN slow"]);
    let only_b = logs.filter_log_events().log_group_name("g").log_stream_names("b").send().await.unwrap();
    assert_eq!(only_b.events().len(), 2);

    let mut paged = Vec::new();
    let mut token = None;
    loop {
        let page = logs
            .filter_log_events()
            .log_group_name("g")
            .filter_pattern("ERROR")
            .limit(2)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        paged.extend(page.events().iter().map(|e| e.message().unwrap().to_string()));
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(paged, ["ERROR early", "ERROR disk full", "ERROR net down"]);
}

#[tokio::test]
async fn describe_log_streams_orders_by_name_or_last_event() {
    let env = harness::start().await;
    let logs = env.logs();
    setup(&logs, "g", &["b", "a", "c"]).await;
    let t0 = now_ms();
    put(&logs, "g", "c", t0, &batch(0, 1)).await;
    put(&logs, "g", "a", t0 + 10, &batch(0, 1)).await;
    put(&logs, "g", "b", t0 + 20, &batch(0, 2)).await;

    let names = |streams: &[aws_sdk_cloudwatchlogs::types::LogStream]| {
        streams.iter().map(|s| s.log_stream_name().unwrap().to_string()).collect::<Vec<_>>()
    };
    let by_name = logs.describe_log_streams().log_group_name("g").send().await.unwrap();
    assert_eq!(names(by_name.log_streams()), ["a", "b", "c"]);
    let b = &by_name.log_streams()[1];
    assert_eq!(b.arn(), Some("arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:b"));
    assert_eq!((b.first_event_timestamp(), b.last_event_timestamp()), (Some(t0 + 20), Some(t0 + 21)));
    assert!(b.creation_time().is_some() && b.last_ingestion_time().is_some());

    let by_time = logs
        .describe_log_streams()
        .log_group_name("g")
        .order_by(OrderBy::LastEventTime)
        .descending(true)
        .send()
        .await
        .unwrap();
    assert_eq!(names(by_time.log_streams()), ["b", "a", "c"]);
    let page = logs.describe_log_streams().log_group_name("g").limit(2).send().await.unwrap();
    assert_eq!(names(page.log_streams()), ["a", "b"]);
    let rest = logs
        .describe_log_streams()
        .log_group_name("g")
        .limit(2)
        .next_token(page.next_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(names(rest.log_streams()), ["c"]);
    let prefixed = logs.describe_log_streams().log_group_name("g").log_stream_name_prefix("c").send().await.unwrap();
    assert_eq!(names(prefixed.log_streams()), ["c"]);
}

#[tokio::test]
async fn unknown_resources_and_bad_parameters_get_aws_error_codes() {
    let env = harness::start().await;
    let logs = env.logs();
    setup(&logs, "g", &["s"]).await;

    let err = logs
        .get_log_events()
        .log_group_name("nope")
        .log_stream_name("s")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    assert_eq!(err.message(), Some("The specified log group does not exist."));
    let err = logs
        .get_log_events()
        .log_group_name("g")
        .log_stream_name("nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    assert_eq!(err.message(), Some("The specified log stream does not exist."));

    let err =
        logs.get_log_events().log_group_name("g").log_stream_name("s").next_token("f/123/s").send().await.unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
    let err = logs.get_log_events().log_group_name("g").log_stream_name("s").limit(10_001).send().await.unwrap_err();
    assert_eq!(err.into_service_error().code(), Some("InvalidParameterException"));

    let err = logs.create_log_group().log_group_name("g").send().await.unwrap_err().into_service_error();
    assert!(err.is_resource_already_exists_exception(), "{err:?}");
    let err = logs.create_log_stream().log_group_name("nope").log_stream_name("s").send().await.unwrap_err();
    assert_eq!(err.into_service_error().code(), Some("ResourceNotFoundException"));
    let err = logs.filter_log_events().log_group_name("nope").send().await.unwrap_err();
    assert_eq!(err.into_service_error().code(), Some("ResourceNotFoundException"));
    let err = logs.describe_log_streams().log_group_name("nope").send().await.unwrap_err();
    assert_eq!(err.into_service_error().code(), Some("ResourceNotFoundException"));
}
