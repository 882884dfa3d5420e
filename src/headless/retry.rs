//! How headless commands wait after a failed call: exponential backoff with
//! full jitter and a 1 s floor (AWS SDKs and Tools reference, "Retry
//! behavior": full-jitter exponential backoff), so many scripted clients of one
//! account spread out instead of retrying in step. Throttling and outages are
//! waited out; only a failure that a retry cannot fix, or one that lasts
//! `GIVE_UP_AFTER`, ends the command.

use std::time::{Duration, Instant};

use crate::msg::{ApiFailure, FailureKind};

const FLOOR: Duration = Duration::from_secs(1);
const CAP: Duration = Duration::from_secs(20);
/// An outage or throttling this long ends the command.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(600);
/// A service error (not throttling) is retried this many times in a row.
const SERVICE_TRIES: u32 = 5;

/// One API's failures in a row.
#[derive(Debug, Default)]
pub struct Retry {
    failures: u32,
    since: Option<Instant>,
}

impl Retry {
    pub fn succeeded(&mut self) {
        self.failures = 0;
        self.since = None;
    }

    /// Records `failure` at `now`: the delay before the next try, or `None`
    /// when the command should give up. `draw` is uniform in [0, 1).
    pub fn failed(&mut self, failure: &ApiFailure, now: Instant, draw: f64) -> Option<Duration> {
        self.failures = self.failures.saturating_add(1);
        let since = *self.since.get_or_insert(now);
        let retryable = match failure.kind {
            FailureKind::Throttled | FailureKind::Offline => true,
            FailureKind::Service => self.failures < SERVICE_TRIES,
            FailureKind::Auth | FailureKind::Expired => false,
        };
        if !retryable || now.duration_since(since) >= GIVE_UP_AFTER {
            return None;
        }
        let ceiling = FLOOR.saturating_mul(1u32 << (self.failures - 1).min(16)).min(CAP);
        Some(ceiling.mul_f64(draw.clamp(0.0, 1.0)).max(FLOOR))
    }

    /// `failed` with a random draw, and a stderr line while it waits.
    pub fn wait_for(&mut self, failure: &ApiFailure) -> Option<Duration> {
        use rand::RngExt;
        let delay = self.failed(failure, Instant::now(), rand::rng().random::<f64>())?;
        let what = if failure.kind == FailureKind::Throttled { "throttled" } else { failure.message.as_str() };
        eprintln!("pipewatch: {what}, retrying in {:.0} s", delay.as_secs_f64().ceil());
        Some(delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(kind: FailureKind) -> ApiFailure {
        ApiFailure { api: "logs:GetLogEvents".into(), kind, message: "m".into(), retry_in_secs: None }
    }

    #[test]
    fn delays_grow_with_full_jitter_above_a_one_second_floor_under_the_cap() {
        let mut r = Retry::default();
        let t0 = Instant::now();
        for n in 0..10u32 {
            let top = r.failed(&failure(FailureKind::Throttled), t0, 0.999_999);
            let ceiling = FLOOR.saturating_mul(1 << n).min(CAP);
            let top = top.expect("throttling is retried");
            assert!(top <= ceiling && top + Duration::from_millis(1) >= ceiling.max(FLOOR), "{n}: {top:?}");
        }
        let mut r = Retry::default();
        assert_eq!(r.failed(&failure(FailureKind::Throttled), t0, 0.0), Some(FLOOR), "never sooner than 1 s");
    }

    #[test]
    fn throttling_is_waited_out_until_the_give_up_time() {
        let mut r = Retry::default();
        let t0 = Instant::now();
        for i in 0..50 {
            assert!(r.failed(&failure(FailureKind::Throttled), t0 + Duration::from_secs(i), 0.5).is_some());
        }
        assert_eq!(r.failed(&failure(FailureKind::Offline), t0 + GIVE_UP_AFTER, 0.5), None);
        r.succeeded();
        assert!(r.failed(&failure(FailureKind::Offline), t0 + GIVE_UP_AFTER, 0.5).is_some(), "a success resets");
    }

    #[test]
    fn auth_fails_at_once_and_service_errors_after_a_few_tries() {
        let t0 = Instant::now();
        assert_eq!(Retry::default().failed(&failure(FailureKind::Auth), t0, 0.5), None);
        assert_eq!(Retry::default().failed(&failure(FailureKind::Expired), t0, 0.5), None);
        let mut r = Retry::default();
        let tries = (0..10).take_while(|_| r.failed(&failure(FailureKind::Service), t0, 0.5).is_some()).count();
        assert_eq!(tries as u32, SERVICE_TRIES - 1);
    }
}
