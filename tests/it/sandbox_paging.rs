//! GetLogEvents paging in the sandbox, as the CloudWatch Logs API Reference
//! describes it and clients have met it: pages capped at 10,000 events or
//! 1 MB, pages cut short before the end, a token's direction set by
//! startFromHead, tokens that expire. Through the real SDK over HTTP.

use std::time::Duration;

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use pipewatch::sandbox::Options;

use crate::harness::{self, Env};

/// A client that retries a throttled call, as a real one does: paging through
/// a stream takes more GetLogEvents calls a second than its quota of 10
/// (CloudWatch Logs quotas).
fn logs(env: &Env) -> aws_sdk_cloudwatchlogs::Client {
    aws_sdk_cloudwatchlogs::Client::new(&harness::retrying(&env.sdk))
}

/// Puts `n` events of `size` bytes each, in PutLogEvents-sized batches.
async fn put_events(env: &Env, group: &str, stream: &str, n: usize, size: usize) {
    let logs = logs(env);
    logs.create_log_group().log_group_name(group).send().await.unwrap();
    logs.create_log_stream().log_group_name(group).log_stream_name(stream).send().await.unwrap();
    let t0 = chrono::Utc::now().timestamp_millis() - 60_000;
    let per_batch = (1_048_576 / (size + 26)).clamp(1, 10_000);
    for chunk in (0..n).collect::<Vec<_>>().chunks(per_batch) {
        let events = chunk
            .iter()
            .map(|i| {
                let message = format!("{i:08}{}", "x".repeat(size.saturating_sub(8)));
                InputLogEvent::builder().timestamp(t0 + *i as i64).message(message).build().unwrap()
            })
            .collect();
        logs.put_log_events()
            .log_group_name(group)
            .log_stream_name(stream)
            .set_log_events(Some(events))
            .send()
            .await
            .unwrap();
    }
}

/// Page sizes and events read from the head, following forward tokens with
/// startFromHead=true until the same token comes back.
async fn page_through(env: &Env, group: &str, stream: &str, limit: Option<i32>) -> (Vec<usize>, Vec<String>) {
    let (pages, _) = harness::pages_from(&logs(env), group, stream, limit, None).await;
    let sizes = pages.iter().map(Vec::len).collect();
    let messages = pages.iter().flatten().map(|e| e.message().unwrap()[..8].to_string()).collect();
    (sizes, messages)
}

fn numbers(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{i:08}")).collect()
}

#[tokio::test]
async fn pages_hold_at_most_10000_events_or_one_megabyte() {
    // CloudWatch Logs API Reference, GetLogEvents: "Each page returned can
    // contain up to 1 MB of log events or up to 10,000 log events." Pages may
    // also be cut short, so the cap shows as the largest page over many.
    let env = harness::start().await;
    put_events(&env, "small", "s", 60_000, 20).await;
    let (sizes, messages) = page_through(&env, "small", "s", None).await;
    assert_eq!(messages, numbers(60_000), "every event once, in order");
    assert_eq!(sizes.iter().max(), Some(&10_000), "{sizes:?}");

    // 200 KB events: 5 fit in 1 MB counting 26 bytes each, 6 do not.
    put_events(&env, "big", "s", 40, 200_000).await;
    let (sizes, messages) = page_through(&env, "big", "s", None).await;
    assert_eq!(messages, numbers(40));
    assert_eq!(sizes.iter().max(), Some(&5), "{sizes:?}");
}

#[tokio::test]
async fn pages_cut_short_before_the_end_still_hand_out_a_new_token() {
    // "A returned page might only be partially full, or even empty ... As long
    // as the nextBackwardToken or nextForwardToken returned is NOT equal to the
    // nextToken that you passed into the API call, there might be more log
    // events available." (CloudWatch Logs API Reference, GetLogEvents). Every
    // page is cut here, which is harsher than the default, not kinder.
    let realism = "partial=1".parse().unwrap();
    let env = harness::start_with(Options { realism, ..Options::ephemeral() }).await;
    put_events(&env, "g", "s", 6, 10).await;
    // With a limit of 1 a cut page is empty: empty pages and one-event pages
    // alternate (never two empty pages in a row), each with a new token.
    let (sizes, messages) = page_through(&env, "g", "s", Some(1)).await;
    assert_eq!(messages, numbers(6), "every event once, in order");
    assert_eq!(sizes, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    let (sizes, messages) = page_through(&env, "g", "s", Some(4)).await;
    assert_eq!(messages, numbers(6));
    // Every page that could give more was cut, except right after an empty one.
    let full = sizes.iter().enumerate().filter(|(i, n)| **n == 4 && (*i == 0 || sizes[i - 1] != 0)).count();
    assert_eq!(full, 0, "{sizes:?}");
}

#[tokio::test]
async fn a_forward_token_without_start_from_head_reads_the_newest_page_after_it() {
    // CloudWatch Logs API Reference, GetLogEvents: with a previous
    // nextForwardToken, "you must specify true for startFromHead". Clients that
    // did not report the newest events and the ones before them skipped
    // (fluent-plugin-cloudwatch-logs#234, treasure-data/digdag#1593).
    let env = harness::start().await;
    put_events(&env, "g", "s", 30, 10).await;
    let logs = logs(&env);
    let get = || logs.get_log_events().log_group_name("g").log_stream_name("s").limit(5);
    let first_8 = |p: &aws_sdk_cloudwatchlogs::operation::get_log_events::GetLogEventsOutput| -> Vec<String> {
        p.events().iter().map(|e| e.message().unwrap()[..8].to_string()).collect()
    };
    let newest = numbers(30)[25..].to_vec();
    // Pages may be cut short (to nothing, even): try again from the head if
    // the reader without startFromHead got nothing at all.
    for _ in 0..5 {
        let mut head = get().start_from_head(true).send().await.unwrap();
        let mut read = first_8(&head);
        while read.is_empty() {
            head = get().start_from_head(true).next_token(head.next_forward_token().unwrap()).send().await.unwrap();
            read = first_8(&head);
        }
        let token = head.next_forward_token().unwrap().to_string();
        let (mut seen, mut t) = (Vec::new(), token.clone());
        loop {
            let page = get().next_token(&t).send().await.unwrap();
            seen.extend(first_8(&page));
            let next = page.next_forward_token().unwrap().to_string();
            if next == t {
                break;
            }
            t = next;
        }
        if seen.is_empty() {
            continue;
        }
        assert!(seen.iter().all(|m| newest.contains(m)), "only from the newest page: {seen:?}");
        let right = first_8(&get().start_from_head(true).next_token(&token).send().await.unwrap());
        let follows = numbers(30)[read.len()..].to_vec();
        assert!(right.iter().zip(&follows).all(|(a, b)| a == b), "startFromHead reads on: {right:?}");
        return;
    }
    panic!("five readers without startFromHead got nothing");
}

#[tokio::test]
async fn an_expired_token_is_an_invalid_parameter() {
    // GetLogEvents: "The token expires after 24 hours." Short here.
    let realism = "token-ttl=2s".parse().unwrap();
    let env = harness::start_with(Options { realism, ..Options::ephemeral() }).await;
    put_events(&env, "g", "s", 3, 10).await;
    let logs = env.logs();
    let get = || logs.get_log_events().log_group_name("g").log_stream_name("s").start_from_head(true);
    let first = get().send().await.unwrap();
    let token = first.next_forward_token().unwrap().to_string();
    get().next_token(&token).send().await.expect("a fresh token works");
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    let err = get().next_token(&token).send().await.unwrap_err().into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
    assert_eq!(
        aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata::message(&err),
        Some("The specified nextToken is invalid.")
    );
    get().send().await.expect("starting over works");
}
