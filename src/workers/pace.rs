//! How long a worker waits between calls: the poll interval (×4 while the
//! terminal is unfocused, cut short by "refresh now"), or after a failure an
//! exponential backoff with full jitter.

use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::msg::ApiFailure;

/// Shared by all workers through a watch channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pace {
    pub focused: bool,
    /// Bumped by `refresh_now`; a change wakes every waiting worker.
    pub wakes: u64,
}

/// How much slower everything polls while the terminal is unfocused.
pub(crate) const UNFOCUSED_FACTOR: u32 = 4;

/// One worker's view of the pace, and its cancellation.
pub(crate) struct Pacer {
    rx: watch::Receiver<Pace>,
    cancel: CancellationToken,
    /// The last wake this worker acted on: a wake that came while it was busy
    /// (mid-request) ends its next wait at once instead of being lost.
    seen_wakes: u64,
}

impl Pacer {
    pub fn new(rx: watch::Receiver<Pace>, cancel: CancellationToken) -> Self {
        let seen_wakes = rx.borrow().wakes;
        Self { rx, cancel, seen_wakes }
    }

    /// The same pace and cancellation, for a sub-task.
    pub fn fork(&self) -> Self {
        Self { rx: self.rx.clone(), cancel: self.cancel.clone(), seen_wakes: self.seen_wakes }
    }

    /// Waits one poll `interval` (slowed while unfocused). Returns false when
    /// the worker should stop.
    pub async fn interval(&mut self, interval: Duration) -> bool {
        self.wait(interval, true).await
    }

    /// Waits one poll `interval` at full pace even while unfocused: for what
    /// the followed run is doing now (its log, its build, its state).
    pub async fn interval_active(&mut self, interval: Duration) -> bool {
        self.wait(interval, false).await
    }

    /// Waits a backoff delay: not slowed, so the countdown the header shows holds.
    pub async fn backoff(&mut self, delay: Duration) -> bool {
        self.wait(delay, false).await
    }

    async fn wait(&mut self, base: Duration, slowed_when_unfocused: bool) -> bool {
        let started = Instant::now();
        loop {
            let wakes = self.rx.borrow_and_update().wakes;
            if wakes != self.seen_wakes {
                self.seen_wakes = wakes;
                return true;
            }
            let length = wait_length(base, slowed_when_unfocused, self.rx.borrow().focused);
            tokio::select! {
                _ = self.cancel.cancelled() => return false,
                _ = tokio::time::sleep_until(started + length) => return true,
                // A focus change recomputes the deadline; a wake ends the wait
                // at the top of the loop.
                changed = self.rx.changed() => {
                    if changed.is_err() {
                        return false; // the Workers handle is gone
                    }
                }
            }
        }
    }
}

/// Unfocused, idle polls slow down; the followed run's polls and every
/// backoff keep their length.
fn wait_length(base: Duration, slowed_when_unfocused: bool, focused: bool) -> Duration {
    if slowed_when_unfocused && !focused { base * UNFOCUSED_FACTOR } else { base }
}

/// Exponential backoff with full jitter for one API, reset by a success.
#[derive(Debug)]
pub(crate) struct Backoff {
    base: Duration,
    cap: Duration,
    failures: u32,
    /// The API that failed, to name in `Msg::ApiOk` on recovery.
    failed_api: Option<String>,
}

/// Never retry sooner than this, even when the jitter draws near zero.
const MIN_DELAY: Duration = Duration::from_millis(100);

impl Backoff {
    pub fn new(base: Duration, cap: Duration) -> Self {
        Self { base, cap, failures: 0, failed_api: None }
    }

    /// Records a failure; returns it with `retry_in_secs` set, and the delay.
    pub fn failed(&mut self, mut failure: ApiFailure) -> (ApiFailure, Duration) {
        use rand::RngExt;
        self.failures = self.failures.saturating_add(1);
        self.failed_api = Some(failure.api.clone());
        let ceiling = self.base.saturating_mul(1u32 << (self.failures - 1).min(20)).min(self.cap);
        let delay = ceiling.mul_f64(rand::rng().random::<f64>()).max(MIN_DELAY);
        failure.retry_in_secs = Some(delay.as_secs_f64().ceil() as u64);
        (failure, delay)
    }

    /// Records a success; returns the API to report as recovered, if it had failed.
    pub fn succeeded(&mut self) -> Option<String> {
        self.failures = 0;
        self.failed_api.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msg::FailureKind;

    fn failure() -> ApiFailure {
        ApiFailure {
            api: "logs:GetLogEvents".into(),
            kind: FailureKind::Throttled,
            message: String::new(),
            retry_in_secs: None,
        }
    }

    #[test]
    fn unfocused_slows_idle_polls_only() {
        let s = Duration::from_secs(1);
        assert_eq!(wait_length(s, true, false), s * UNFOCUSED_FACTOR, "idle, unfocused: slower");
        assert_eq!(wait_length(s, true, true), s);
        assert_eq!(wait_length(s, false, false), s, "the followed run and backoffs keep their pace");
    }

    #[tokio::test]
    async fn an_active_wait_ignores_focus_but_a_wake_still_ends_it() {
        let (tx, rx) = watch::channel(Pace { focused: false, wakes: 0 });
        let mut pacer = Pacer::new(rx, CancellationToken::new());
        let waiting = tokio::spawn(async move { pacer.interval_active(Duration::from_secs(3600)).await });
        tx.send_modify(|p| p.wakes += 1);
        assert!(waiting.await.expect("joins"), "woken, not cancelled");
    }

    #[test]
    fn delays_stay_under_a_doubling_ceiling_and_the_cap() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
        for n in 0..12u32 {
            let (f, d) = b.failed(failure());
            let ceiling = Duration::from_secs(1u64 << n).min(Duration::from_secs(60));
            assert!(d <= ceiling.max(MIN_DELAY), "failure {n}: {d:?} > {ceiling:?}");
            assert!(d >= MIN_DELAY);
            assert_eq!(f.retry_in_secs, Some(d.as_secs_f64().ceil() as u64));
        }
    }

    #[test]
    fn a_success_resets_and_names_the_recovered_api_once() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
        assert_eq!(b.succeeded(), None);
        for _ in 0..8 {
            b.failed(failure());
        }
        assert_eq!(b.succeeded().as_deref(), Some("logs:GetLogEvents"));
        assert_eq!(b.succeeded(), None);
        let (_, d) = b.failed(failure());
        assert!(d <= Duration::from_secs(1), "reset to the base ceiling: {d:?}");
    }
}
