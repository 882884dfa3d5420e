//! CloudWatch Logs: one GetLogEvents page of a build's stream, and a build's
//! log object when the project writes its log to S3 only.

use std::io::Read;

use aws_sdk_cloudwatchlogs::operation::get_log_events::GetLogEventsError;

use super::AwsClients;
use super::errors::classify;
use crate::follow::{LogPosition, LogRead};
use crate::model::health::{ApiFailure, FailureKind};
use crate::model::snapshot::{LogBatch, LogEvent};

/// GetLogEvents' own maximum; a page this full means more is waiting.
pub const LOG_PAGE_LIMIT: usize = 10_000;

/// A gzipped S3 log larger than this is cut (the pane keeps a bounded buffer anyway).
const S3_LOG_MAX_BYTES: u64 = 256 * 1024 * 1024;

impl AwsClients {
    /// Reads forward from `position`. `startFromHead` is always true: the
    /// CloudWatch Logs API Reference (GetLogEvents) requires it when a previous
    /// nextForwardToken is passed as nextToken, and a first read must start at
    /// the head. A missing stream and a rejected token are answers the
    /// follower acts on (`crate::follow`), not failures.
    pub async fn log_page(&self, group: &str, stream: &str, position: &LogPosition) -> Result<LogRead, ApiFailure> {
        const API: &str = "logs:GetLogEvents";
        // A cross-Region build's stream lives in that build's Region.
        let regional = self.in_region(&self.stream_region(group, stream));
        let req = regional
            .logs
            .get_log_events()
            .log_group_name(group)
            .log_stream_name(stream)
            .limit(LOG_PAGE_LIMIT as i32)
            .start_from_head(true);
        let req = match position {
            LogPosition::Head => req,
            LogPosition::Token(t) => req.next_token(t),
            LogPosition::Since(ms) => req.start_time(*ms),
        };
        let out = match req.send().await {
            Ok(out) => out,
            Err(e) => {
                let service = e.as_service_error();
                if service.is_some_and(GetLogEventsError::is_resource_not_found_exception) {
                    return Ok(LogRead::StreamMissing);
                }
                // An expired (24 h) or unknown token is an InvalidParameterException about it.
                let about_token = service.is_some_and(|s| {
                    s.is_invalid_parameter_exception()
                        && s.meta().message().is_some_and(|m| m.to_ascii_lowercase().contains("token"))
                });
                if about_token && matches!(position, LogPosition::Token(_)) {
                    return Ok(LogRead::TokenRejected);
                }
                return Err(classify(API, &e));
            }
        };
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
        Ok(LogRead::Page(LogBatch { events, next_token }))
    }

    /// A build log CodeBuild wrote to S3 (`logs.s3LogsArn`, a gzipped text
    /// object), as one event per line stamped `timestamp_ms`. `Ok(None)`: the
    /// object is not there (yet).
    pub async fn s3_log(
        &self,
        bucket: &str,
        key: &str,
        timestamp_ms: i64,
    ) -> Result<Option<Vec<LogEvent>>, ApiFailure> {
        const API: &str = "s3:GetObject";
        let out = match self.s3.get_object().bucket(bucket).key(key).send().await {
            Ok(out) => out,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => return Ok(None),
            Err(e) => return Err(classify(API, &e)),
        };
        let body = out.body.collect().await.map_err(|e| ApiFailure {
            api: API.into(),
            kind: FailureKind::Offline,
            message: format!("{API}: reading the log object failed ({e})"),
            retry_in_secs: None,
        })?;
        let bytes = body.into_bytes();
        // CodeBuild writes `<build-id>.gz`; take a plain object as it is.
        let raw = if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut text = Vec::new();
            flate2::read::GzDecoder::new(bytes.as_ref()).take(S3_LOG_MAX_BYTES).read_to_end(&mut text).map_err(
                |e| ApiFailure {
                    api: API.into(),
                    kind: FailureKind::Service,
                    message: format!("the build's S3 log s3://{bucket}/{key} is not valid gzip ({e})"),
                    retry_in_secs: None,
                },
            )?;
            text
        } else {
            bytes.to_vec()
        };
        let text = String::from_utf8_lossy(&raw);
        Ok(Some(text.lines().map(|l| LogEvent { timestamp_ms, message: l.to_string() }).collect()))
    }
}
