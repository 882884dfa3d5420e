//! One backoff for the headless commands (`logs`, `watch`, `push --wait`,
//! `status`): exponential with full jitter over [0, min(cap, base·2ⁿ)], never
//! under a 1 s floor, as the AWS SDKs and Tools Reference Guide ("Retry
//! behavior") and the AWS Architecture Blog ("Exponential Backoff And
//! Jitter") describe, so many scripted clients of one account spread out
//! instead of retrying in step. Throttling and transient failures are waited
//! out for as long as the outage lasts, up to `GIVE_UP_AFTER`; other service
//! errors get a few tries; a failure no retry can fix ends the command at
//! once. The schedule is pure (`delay`), the rest is bookkeeping.
//!
//! The SDK's own standard retry mode is on for headless commands too (see
//! `aws::ConnectOptions::sdk_retries`): it absorbs a lone throttle inside
//! one call, for the one-shot calls (push's plan) that have no loop of their
//! own. This loop is what rides out a long throttling spell or an outage.

use std::time::{Duration, Instant};

use crate::msg::{ApiFailure, FailureKind};

/// No retry comes sooner than this: several clients of one account share
/// every quota (GetLogEvents: 10–25 TPS per account and region).
pub const FLOOR: Duration = Duration::from_secs(1);
/// The first backoff window (doubled per consecutive failure).
pub const BASE: Duration = Duration::from_secs(1);
/// The largest window, as in the SDKs' standard mode.
pub const CAP: Duration = Duration::from_secs(20);
/// Consecutive failures for this long end the command.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(600);
/// A service error that is not known to be transient gets this many tries
/// in a row (once the service has been reached).
const SERVICE_TRIES: u32 = 5;

/// The wait before retry `attempt` (0 for the first), with `unit` drawn
/// uniformly from [0, 1): full jitter over the window, floored.
pub fn delay(attempt: u32, unit: f64) -> Duration {
    let window = BASE.saturating_mul(1u32 << attempt.min(16)).min(CAP);
    window.mul_f64(unit.clamp(0.0, 1.0)).max(FLOOR)
}

/// A poll interval from the command line: at least the floor, at most an hour.
pub fn poll_interval(secs: f64) -> Duration {
    let secs = if secs.is_finite() { secs } else { FLOOR.as_secs_f64() };
    Duration::from_secs_f64(secs.clamp(FLOOR.as_secs_f64(), 3600.0))
}

/// Worth asking again: the service said slow down, was unreachable or
/// unavailable, or failed on its side (HTTP 5xx).
pub fn is_transient(f: &ApiFailure) -> bool {
    match f.kind {
        FailureKind::Throttled | FailureKind::Offline => true,
        FailureKind::Service => f.message.contains(crate::aws::SERVER_ERROR),
        FailureKind::Auth | FailureKind::Expired => false,
    }
}

/// What to do after a failure.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Sleep this long, then ask again.
    Wait(Duration),
    /// Stop: the line to print.
    GiveUp(String),
}

/// The state of one loop's retries: how many failures in a row, since when.
#[derive(Debug)]
pub struct Retry {
    attempt: u32,
    since: Option<Instant>,
    max_outage: Duration,
    /// Until a call has gone through, an unreachable endpoint is more likely
    /// a wrong --endpoint-url or region than an outage: say so at once.
    reached: bool,
}

impl Default for Retry {
    fn default() -> Self {
        Self::new()
    }
}

impl Retry {
    /// For a loop that has already reached the service: outages are waited out.
    pub fn new() -> Self {
        Self { attempt: 0, since: None, max_outage: GIVE_UP_AFTER, reached: true }
    }

    /// For a command's first calls: throttling and server errors are
    /// retried, an unreachable endpoint ends the command.
    pub fn first_contact() -> Self {
        Self { reached: false, ..Self::new() }
    }

    /// A shorter (or longer) outage before giving up.
    pub fn with_max_outage(mut self, max: Duration) -> Self {
        self.max_outage = max;
        self
    }

    /// A call went through: the next failure starts a new streak.
    pub fn succeeded(&mut self) {
        self.attempt = 0;
        self.since = None;
        self.reached = true;
    }

    /// True while failures follow each other (the first one announced the streak).
    pub fn in_streak(&self) -> bool {
        self.since.is_some()
    }

    /// Records `failure` at `now`; `unit` is the jitter draw in [0, 1).
    pub fn next_at(&mut self, failure: &ApiFailure, now: Instant, unit: f64) -> Next {
        let retryable = match failure.kind {
            // Until a call has gone through, a wrong endpoint is likelier than an outage.
            FailureKind::Offline => self.reached,
            _ if is_transient(failure) => true,
            FailureKind::Service => self.reached && self.attempt + 1 < SERVICE_TRIES,
            FailureKind::Throttled | FailureKind::Auth | FailureKind::Expired => false,
        };
        if !retryable {
            return Next::GiveUp(failure.message.clone());
        }
        let since = *self.since.get_or_insert(now);
        if now.duration_since(since) >= self.max_outage {
            return Next::GiveUp(format!(
                "giving up after {} of failures: {}",
                human(now.duration_since(since)),
                failure.message
            ));
        }
        let wait = delay(self.attempt, unit);
        self.attempt = self.attempt.saturating_add(1);
        Next::Wait(wait)
    }

    /// `next_at` now, with a random jitter draw.
    pub fn next(&mut self, failure: &ApiFailure) -> Next {
        use rand::RngExt;
        self.next_at(failure, Instant::now(), rand::rng().random::<f64>())
    }

    /// `next_at` as an Option: the delay, or `None` to give up.
    pub fn failed(&mut self, failure: &ApiFailure, now: Instant, draw: f64) -> Option<Duration> {
        match self.next_at(failure, now, draw) {
            Next::Wait(d) => Some(d),
            Next::GiveUp(_) => None,
        }
    }

    /// The delay before the next try (`None`: give up), saying "…, retrying"
    /// on stderr once per streak of failures.
    pub fn wait_for(&mut self, failure: &ApiFailure) -> Option<Duration> {
        match self.announced(failure) {
            Next::Wait(d) => Some(d),
            Next::GiveUp(_) => None,
        }
    }

    /// `wait_for`, then sleeps; the line to exit with when the failure is
    /// not worth retrying (or the outage lasted too long).
    pub async fn after(&mut self, failure: &ApiFailure) -> Result<(), String> {
        match self.announced(failure) {
            Next::GiveUp(line) => Err(line),
            Next::Wait(wait) => {
                tokio::time::sleep(wait).await;
                Ok(())
            }
        }
    }

    /// `next`, with one stderr line when a streak of failures begins.
    fn announced(&mut self, failure: &ApiFailure) -> Next {
        let first = !self.in_streak();
        let next = self.next(failure);
        if first && matches!(next, Next::Wait(_)) {
            eprintln!("pipewatch: {}, retrying", retry_reason(failure));
        }
        next
    }
}

/// "throttled (codepipeline:GetPipelineState)", or the failure's own line.
fn retry_reason(f: &ApiFailure) -> String {
    match f.kind {
        FailureKind::Throttled => format!("throttled ({})", f.api),
        _ => f.message.clone(),
    }
}

fn human(d: Duration) -> String {
    let secs = d.as_secs();
    if secs >= 60 { format!("{} min", secs / 60) } else { format!("{secs} s") }
}

#[cfg(test)]
mod tests;
