//! CloudWatch Logs: one GetLogEvents page of a build's stream.

use super::AwsClients;
use super::errors::classify;
use crate::model::health::{ApiFailure, FailureKind};
use crate::model::snapshot::{LogBatch, LogEvent};

/// GetLogEvents' own maximum; a page this full means more is waiting.
pub const LOG_PAGE_LIMIT: usize = 10_000;

impl AwsClients {
    /// Reads forward: from the head of the stream when `token` is None, else
    /// from `token` (a previous `next_token`). An unchanged `next_token` means
    /// nothing new.
    pub async fn log_page(&self, group: &str, stream: &str, token: Option<&str>) -> Result<LogBatch, ApiFailure> {
        const API: &str = "logs:GetLogEvents";
        let req = self.logs.get_log_events().log_group_name(group).log_stream_name(stream).limit(LOG_PAGE_LIMIT as i32);
        let req = match token {
            Some(t) => req.next_token(t),
            None => req.start_from_head(true),
        };
        let out = req.send().await.map_err(|e| classify(API, &e))?;
        let next_token = out.next_forward_token().map(str::to_string).ok_or_else(|| ApiFailure {
            api: API.into(),
            kind: FailureKind::Service,
            message: "GetLogEvents returned no nextForwardToken".into(),
            retry_in_secs: None,
        })?;
        let events = out
            .events()
            .iter()
            .map(|e| LogEvent {
                timestamp_ms: e.timestamp().unwrap_or(0),
                message: e.message().unwrap_or("").to_string(),
            })
            .collect();
        Ok(LogBatch { events, next_token })
    }
}
