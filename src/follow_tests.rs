use super::*;

fn ev(ts: i64, text: &str) -> LogEvent {
    LogEvent { timestamp_ms: ts, message: text.into() }
}

fn page(token: &str, events: Vec<LogEvent>) -> LogRead {
    LogRead::Page(LogBatch { events, next_token: token.into() })
}

fn texts(events: &[LogEvent]) -> Vec<&str> {
    events.iter().map(|e| e.message.as_str()).collect()
}

const NOW_MS: i64 = 1_000_000;

#[test]
fn reads_from_the_head_then_from_each_forward_token() {
    let mut f = LogFollow::default();
    let t0 = Instant::now();
    assert_eq!(f.position(), &LogPosition::Head);
    let (shown, next) = f.on_read(page("f1", vec![ev(NOW_MS, "a"), ev(NOW_MS, "b")]), false, t0, NOW_MS);
    assert_eq!(texts(&shown), ["a", "b"]);
    assert_eq!(next, Next::Live, "a small, recent page is the live edge");
    assert_eq!(f.position(), &LogPosition::Token("f1".into()));
    let (shown, next) = f.on_read(page("f1", vec![]), false, t0 + Duration::from_secs(1), NOW_MS);
    assert!(shown.is_empty());
    assert_eq!(next, Next::Live, "an unchanged token is the end for now; a short pause keeps the live pace");
    let later = t0 + QUIET_AFTER;
    assert_eq!(f.on_read(page("f1", vec![]), false, later, NOW_MS).1, Next::Quiet, "a quiet build is read slower");
}

#[test]
fn a_missing_stream_is_waiting_until_the_build_ends() {
    // CodeBuild names the stream before creating it (during PROVISIONING).
    let mut f = LogFollow::default();
    let t0 = Instant::now();
    assert_eq!(f.on_read(LogRead::StreamMissing, false, t0, NOW_MS).1, Next::WaitingForStream);
    assert_eq!(
        f.on_read(LogRead::StreamMissing, false, t0 + Duration::from_secs(30), NOW_MS).1,
        Next::WaitingForStream
    );
    // A build that failed before it provisioned never gets a stream: end after settling.
    assert_eq!(f.on_read(LogRead::StreamMissing, true, t0 + Duration::from_secs(31), NOW_MS).1, Next::Quiet);
    assert_eq!(f.on_read(LogRead::StreamMissing, true, t0 + Duration::from_secs(40), NOW_MS).1, Next::Done);
}

#[test]
fn big_partial_empty_or_old_pages_are_read_again_at_once() {
    let t0 = Instant::now();
    let many: Vec<LogEvent> = (0..CATCH_UP_EVENTS).map(|i| ev(NOW_MS, &format!("{i}"))).collect();
    assert_eq!(LogFollow::default().on_read(page("a", many), false, t0, NOW_MS).1, Next::Now);
    let wide = vec![ev(NOW_MS, &"x".repeat(CATCH_UP_BYTES))];
    assert_eq!(LogFollow::default().on_read(page("a", wide), false, t0, NOW_MS).1, Next::Now);
    let old = vec![ev(NOW_MS - BEHIND_MS - 1, "old")];
    assert_eq!(LogFollow::default().on_read(page("a", old), false, t0, NOW_MS).1, Next::Now);
    // An empty page with a new token may be partial: AWS says read on.
    let mut f = LogFollow::default();
    assert_eq!(f.on_read(page("a", vec![]), false, t0, NOW_MS).1, Next::Now);
    for _ in 1..MAX_EMPTY_RUSH {
        let token = format!("t{}", f.empty_rush);
        assert_eq!(f.on_read(page(&token, vec![]), false, t0, NOW_MS).1, Next::Now);
    }
    assert_eq!(f.on_read(page("endless", vec![]), false, t0, NOW_MS).1, Next::Live, "no endless rush");
}

#[test]
fn the_end_needs_empty_reads_spread_over_the_settle_time_after_the_build_ended() {
    let mut f = LogFollow::new(Duration::from_secs(6));
    let t0 = Instant::now();
    f.on_read(page("t1", vec![ev(NOW_MS, "a")]), false, t0, NOW_MS);
    // Unchanged while the build runs: never the end.
    assert_eq!(f.on_read(page("t1", vec![]), false, t0, NOW_MS).1, Next::Live);
    // Ended: two unchanged reads, but too close together.
    assert_eq!(f.on_read(page("t1", vec![]), true, t0 + Duration::from_secs(1), NOW_MS).1, Next::Quiet);
    assert_eq!(f.on_read(page("t1", vec![]), true, t0 + Duration::from_secs(3), NOW_MS).1, Next::Quiet);
    // A late line (ingested seconds after it was printed) restarts the count.
    let (shown, next) = f.on_read(page("t2", vec![ev(NOW_MS, "late")]), true, t0 + Duration::from_secs(5), NOW_MS);
    assert_eq!((texts(&shown), next), (vec!["late"], Next::Live));
    assert_eq!(f.on_read(page("t2", vec![]), true, t0 + Duration::from_secs(6), NOW_MS).1, Next::Quiet);
    assert_eq!(f.on_read(page("t2", vec![]), true, t0 + Duration::from_secs(11), NOW_MS).1, Next::Quiet);
    assert_eq!(f.on_read(page("t2", vec![]), true, t0 + Duration::from_secs(12), NOW_MS).1, Next::Done);
}

#[test]
fn an_expired_token_resumes_from_the_last_timestamp_without_repeats() {
    let mut f = LogFollow::default();
    let t0 = Instant::now();
    let first = vec![ev(100, "a"), ev(200, "same"), ev(200, "same"), ev(300, "c")];
    f.on_read(page("t1", first), false, t0, NOW_MS);
    let (shown, next) = f.on_read(LogRead::TokenRejected, false, t0, NOW_MS);
    assert!(shown.is_empty());
    assert_eq!(next, Next::Now);
    assert_eq!(f.position(), &LogPosition::Since(0), "restarts a while before the last event");
    // The restarted read returns what was shown, a late event inside the
    // window, a third identical line and what is new.
    let again = vec![
        ev(100, "a"),
        ev(150, "late"),
        ev(200, "same"),
        ev(200, "same"),
        ev(200, "same"),
        ev(300, "c"),
        ev(400, "d"),
    ];
    let (shown, _) = f.on_read(page("t2", again), false, t0, NOW_MS);
    assert_eq!(texts(&shown), ["late", "same", "d"]);
    // Past the resume, identical lines are lines, not repeats.
    let (shown, _) = f.on_read(page("t3", vec![ev(400, "d")]), false, t0, NOW_MS);
    assert_eq!(texts(&shown), ["d"]);
}

#[test]
fn a_rejected_token_before_any_event_restarts_from_the_head() {
    let mut f = LogFollow::default();
    let t0 = Instant::now();
    f.on_read(page("t1", vec![]), false, t0, NOW_MS);
    f.on_read(LogRead::TokenRejected, false, t0, NOW_MS);
    assert_eq!(f.position(), &LogPosition::Head);
}
