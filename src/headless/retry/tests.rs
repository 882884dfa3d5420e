use std::time::{Duration, Instant};

use super::*;
use crate::msg::{ApiFailure, FailureKind};

fn failure(kind: FailureKind, message: &str) -> ApiFailure {
    ApiFailure { api: "codepipeline:GetPipelineState".into(), kind, message: message.into(), retry_in_secs: None }
}

fn throttled() -> ApiFailure {
    failure(FailureKind::Throttled, "codepipeline:GetPipelineState: throttled (ThrottlingException)")
}

#[test]
fn the_window_doubles_from_one_second_and_stops_at_the_cap() {
    // The top of each window (a draw just under 1).
    let tops: Vec<f64> = (0..8).map(|n| delay(n, 0.999_999).as_secs_f64().round()).collect();
    assert_eq!(tops, vec![1.0, 2.0, 4.0, 8.0, 16.0, 20.0, 20.0, 20.0]);
    assert_eq!(delay(u32::MAX, 0.5), Duration::from_secs(10), "no overflow for a huge attempt count");
}

#[test]
fn full_jitter_spreads_over_the_window_but_never_under_the_floor() {
    assert_eq!(delay(0, 0.0), FLOOR, "even a zero draw waits the floor");
    assert_eq!(delay(4, 0.0), FLOOR);
    assert_eq!(delay(4, 0.25), Duration::from_secs(4));
    assert_eq!(delay(4, 0.5), Duration::from_secs(8));
    let draws: Vec<Duration> = (0..100).map(|i| delay(5, f64::from(i) / 100.0)).collect();
    assert!(draws.iter().all(|d| *d >= FLOOR && *d <= CAP), "{draws:?}");
    assert!(draws.windows(2).all(|w| w[0] <= w[1]), "the draw maps onto the window in order");
    assert!(draws[99] > Duration::from_secs(19), "the window's top is reachable: {:?}", draws[99]);
}

#[test]
fn intervals_from_the_command_line_are_at_least_a_second() {
    assert_eq!(poll_interval(0.05), Duration::from_secs(1));
    assert_eq!(poll_interval(f64::NAN), Duration::from_secs(1));
    assert_eq!(poll_interval(2.5), Duration::from_millis(2500));
    assert_eq!(poll_interval(1e9), Duration::from_secs(3600));
}

#[test]
fn throttling_is_retried_past_five_failures_until_the_outage_is_too_long() {
    let mut retry = Retry::new();
    let mut now = Instant::now();
    let start = now;
    let mut waits = 0;
    loop {
        match retry.next_at(&throttled(), now, 0.999) {
            Next::Wait(d) => {
                waits += 1;
                now += d;
            }
            Next::GiveUp(line) => {
                assert!(line.starts_with("giving up after 10 min of failures: "), "{line}");
                assert!(line.contains("throttled"), "{line}");
                break;
            }
        }
        assert!(waits < 1000, "a streak ends");
    }
    assert!(waits > 5, "more than five throttles are ridden out: {waits}");
    assert!(now.duration_since(start) >= GIVE_UP_AFTER && now.duration_since(start) < GIVE_UP_AFTER + CAP);
}

#[test]
fn a_success_starts_the_schedule_again() {
    let mut retry = Retry::new().with_max_outage(Duration::from_secs(5));
    let t0 = Instant::now();
    for i in 0..3 {
        assert!(matches!(retry.next_at(&throttled(), t0 + Duration::from_secs(i), 0.999), Next::Wait(_)));
    }
    assert_eq!(
        retry.next_at(&throttled(), t0 + Duration::from_secs(3), 0.999),
        Next::Wait(Duration::from_millis(7992))
    );
    retry.succeeded();
    assert!(!retry.in_streak());
    // Long after the first streak began, a new one is not "too long" yet.
    let later = t0 + Duration::from_secs(60);
    assert_eq!(retry.next_at(&throttled(), later, 0.999), Next::Wait(FLOOR), "the window is back to one second");
    assert!(matches!(retry.next_at(&throttled(), later + Duration::from_secs(5), 0.5), Next::GiveUp(_)));
}

#[test]
fn only_transient_failures_are_retried() {
    let mut retry = Retry::new();
    let denied = failure(FailureKind::Auth, "access denied for codepipeline:GetPipelineState: allow it");
    assert_eq!(retry.next_at(&denied, Instant::now(), 0.5), Next::GiveUp(denied.message.clone()));
    let missing = failure(FailureKind::Service, "PipelineNotFoundException: no pipeline x");
    let mut first = Retry::first_contact();
    assert!(matches!(first.next_at(&missing, Instant::now(), 0.5), Next::GiveUp(_)), "a first call's error is final");
    let offline = failure(FailureKind::Offline, "codepipeline:GetPipelineState: endpoint unreachable");
    assert!(matches!(retry.next_at(&offline, Instant::now(), 0.5), Next::Wait(_)));
    let internal = failure(
        FailureKind::Service,
        &format!("codepipeline:GetPipelineState: {} (InternalFailure, HTTP 500)", crate::aws::SERVER_ERROR),
    );
    assert!(is_transient(&internal));
}

#[test]
fn an_endpoint_never_reached_is_not_waited_for() {
    let offline =
        failure(FailureKind::Offline, "codepipeline:ListPipelines: endpoint unreachable (Connection refused)");
    let mut first = Retry::first_contact();
    assert!(matches!(first.next_at(&throttled(), Instant::now(), 0.5), Next::Wait(_)), "throttling is retried");
    assert_eq!(first.next_at(&offline, Instant::now(), 0.5), Next::GiveUp(offline.message.clone()));
    first.succeeded();
    assert!(
        matches!(first.next_at(&offline, Instant::now(), 0.5), Next::Wait(_)),
        "once reached, an outage is waited out"
    );
}

#[test]
fn other_service_errors_get_a_few_tries_once_the_service_was_reached() {
    let t0 = Instant::now();
    let odd = failure(FailureKind::Service, "SomethingOdd: the service said no");
    let mut r = Retry::default();
    let tries = (0..10).take_while(|_| r.failed(&odd, t0, 0.5).is_some()).count();
    assert_eq!(tries as u32, SERVICE_TRIES - 1);
    assert_eq!(Retry::default().failed(&failure(FailureKind::Expired, "expired"), t0, 0.5), None);
}
