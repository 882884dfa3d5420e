//! API health per API (ok / throttled / offline / denied / error) with the
//! time of the next retry, for the header.

use std::collections::BTreeMap;

use chrono::TimeDelta;

use crate::model::snapshot::Time;

/// An API failure as the UI needs it: which API, how to show it, and whether
/// it was throttling (shown as "throttled" health, not "offline").
#[derive(Clone, Debug, PartialEq)]
pub struct ApiFailure {
    /// e.g. "codepipeline:GetPipelineState"
    pub api: String,
    pub kind: FailureKind,
    /// One line, already fit to show a user.
    pub message: String,
    /// When the worker will try again, in seconds from now.
    pub retry_in_secs: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    Throttled,
    /// Connection refused, timeout, DNS: the endpoint is unreachable.
    Offline,
    /// Credentials missing/expired, AccessDenied.
    Auth,
    /// Anything else the service said.
    Service,
    /// Credentials or the SSO session expired (or SSO was never logged in):
    /// a fresh `aws sso login` fixes it.
    Expired,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ApiHealth {
    pub kind: FailureKind,
    pub message: String,
    pub retry_at: Option<Time>,
}

/// Failing APIs only: an API not in the map is healthy.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Health {
    pub failing: BTreeMap<String, ApiHealth>,
}

impl Health {
    pub fn record(&mut self, failure: &ApiFailure, now: Time) {
        let retry_at =
            failure.retry_in_secs.map(|s| now + TimeDelta::seconds(i64::try_from(s).unwrap_or(i64::MAX / 2)));
        let health = ApiHealth { kind: failure.kind, message: failure.message.clone(), retry_at };
        self.failing.insert(failure.api.clone(), health);
    }

    pub fn recover(&mut self, api: &str) -> bool {
        self.failing.remove(api).is_some()
    }

    /// The most serious failure: offline and denied before throttled.
    pub fn worst(&self) -> Option<(&str, &ApiHealth)> {
        let rank = |k: FailureKind| match k {
            FailureKind::Offline => 0,
            FailureKind::Auth | FailureKind::Expired => 1,
            FailureKind::Service => 2,
            FailureKind::Throttled => 3,
        };
        self.failing.iter().min_by_key(|(_, h)| rank(h.kind)).map(|(api, h)| (api.as_str(), h))
    }

    /// Seconds until the worst failure's retry, for the countdown.
    pub fn countdown(&self, now: Time) -> Option<i64> {
        let (_, h) = self.worst()?;
        h.retry_at.map(|t| (t - now).num_seconds().max(0))
    }

    pub fn has_countdown(&self) -> bool {
        self.failing.values().any(|h| h.retry_at.is_some())
    }
}
