use chrono::TimeZone;

use super::*;

fn target(profile: Option<&str>, pipeline: &str) -> Target {
    Target { profile: profile.map(str::to_string), region: "us-east-1".into(), pipeline: pipeline.into() }
}

fn approval(stage: &str, minute: u32) -> Approval {
    Approval {
        stage: stage.into(),
        action: "Ok".into(),
        token: format!("t-{stage}"),
        execution_id: Some("e".into()),
        since: chrono::Utc.with_ymd_and_hms(2026, 1, 1, 10, minute, 0).single(),
        custom_data: None,
        external_link: None,
    }
}

#[test]
fn rows_put_the_longest_waiting_first_and_skip_failed_reads() {
    let (a, b, c) = (target(None, "a"), target(Some("prod"), "b"), target(None, "c"));
    let mut inbox = Inbox::default();
    inbox.set_targets(vec![a.clone(), b.clone(), c.clone()]);
    assert!(inbox.record(a.clone(), Ok(vec![approval("Late", 30)])));
    assert!(inbox.record(b.clone(), Ok(vec![approval("Early", 5)])));
    assert!(inbox.record(c.clone(), Err("access denied".into())));
    assert!(!inbox.record(c.clone(), Err("access denied".into())), "the same read changes nothing");
    let order: Vec<(String, String)> =
        inbox.rows().iter().map(|r| (r.target.pipeline.clone(), r.approval.stage.clone())).collect();
    assert_eq!(order, [("b".to_string(), "Early".to_string()), ("a".into(), "Late".into())]);
    assert_eq!(inbox.progress(), (3, 3));
    assert_eq!(inbox.failures(), [(&c, "access denied")]);
    assert_eq!(b.label(Some(&a)), "b (prod/us-east-1)");
    assert_eq!(c.label(Some(&a)), "c");
}

#[test]
fn forgetting_and_dropping_targets_keep_the_selection_on_a_row() {
    let (a, b) = (target(None, "a"), target(None, "b"));
    let mut inbox = Inbox::default();
    inbox.set_targets(vec![a.clone(), b.clone()]);
    inbox.record(a.clone(), Ok(vec![approval("One", 1), approval("Two", 2)]));
    inbox.record(b.clone(), Ok(vec![approval("Three", 3)]));
    inbox.selected = 2;
    inbox.forget(&b, "Three", "Ok");
    assert_eq!(inbox.selected, 1);
    assert_eq!(inbox.selected_row().map(|r| r.approval.stage), Some("Two".into()));
    inbox.set_targets(vec![b.clone()]);
    assert!(inbox.rows().is_empty());
    assert_eq!(inbox.progress(), (1, 1));
}
