//! Reading a log stream forward as AWS documents it (CloudWatch Logs API
//! Reference, GetLogEvents): with startFromHead, following nextForwardToken
//! until the same token comes back. A page may be partial or even empty before
//! the end, so no test may take one page for the whole log.

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::OutputLogEvent;

/// The pages from `token` (the head when None) to the end, without the final
/// empty page that returns the same token, and that last token.
pub async fn pages_from(
    logs: &Client,
    group: &str,
    stream: &str,
    limit: Option<i32>,
    mut token: Option<String>,
) -> (Vec<Vec<OutputLogEvent>>, String) {
    let mut pages = Vec::new();
    loop {
        let page = logs
            .get_log_events()
            .log_group_name(group)
            .log_stream_name(stream)
            .start_from_head(true)
            .set_limit(limit)
            .set_next_token(token.clone())
            .send()
            .await
            .unwrap_or_else(|e| panic!("GetLogEvents {group} {stream}: {e:?}"));
        let next = page.next_forward_token().expect("a forward token on every page").to_string();
        if token.as_deref() == Some(next.as_str()) {
            assert!(page.events().is_empty(), "the page that returns the same token is empty: {page:?}");
            return (pages, next);
        }
        pages.push(page.events().to_vec());
        token = Some(next);
    }
}

/// Every event of a stream now, in order.
pub async fn all_events(logs: &Client, group: &str, stream: &str) -> Vec<OutputLogEvent> {
    pages_from(logs, group, stream, None, None).await.0.concat()
}
