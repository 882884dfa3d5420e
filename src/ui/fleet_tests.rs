//! The fleet list drawn: snapshots at 80×24 and 120×40, colours on cells
//! (failed red, login needed red, the selection reversed), and 500 rows
//! drawing only the window.

use ratatui::style::{Color, Modifier};

use super::tests::{draw, fg_at, text};
use crate::model::fleet::{Latest, Place};
use crate::model::fleet_samples::model;
use crate::model::snapshot::Status;

#[test]
fn snapshot_fleet_80x24() {
    insta::assert_snapshot!(text(&draw(&model(80, 24))));
}

#[test]
fn snapshot_fleet_120x40() {
    insta::assert_snapshot!(text(&draw(&model(120, 40))));
}

#[test]
fn attention_and_login_are_coloured_and_the_selection_reversed() {
    let buf = draw(&model(120, 40));
    let screen = text(&buf);
    assert_eq!(fg_at(&buf, "failed"), Color::Red, "{screen}");
    assert_eq!(fg_at(&buf, "approval waiting"), Color::Yellow, "{screen}");
    assert!(screen.lines().last().is_some_and(|l| l.contains("A approvals")), "an approval waits: {screen}");
    assert_eq!(fg_at(&buf, "login needed (L)"), Color::Red, "{screen}");
    assert!(screen.contains("▾ prod · 210987654321 · us-east-1 (2) · login needed (L)"), "{screen}");
    // The most urgent row is selected at first: reversed.
    let y = screen.lines().position(|l| l.contains("payments-api")).expect("row") as u16;
    assert!(buf[(3, y)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn five_hundred_rows_draw_only_the_window() {
    let mut m = model(120, 40);
    let f = m.fleet.as_mut().unwrap();
    let place = Place { profile: "dev".into(), region: "us-east-1".into() };
    let names: Vec<String> = (0..500).map(|i| format!("svc-{i:03}")).collect();
    f.listed(&place, &names);
    let key = crate::model::fleet_samples::key("dev", "us-east-1", "svc-250");
    f.latest(&key, Latest::Run { id: "x".into(), status: Status::Failed, waiting_approval: false, at: Some(m.now) });
    let screen = text(&draw(&m));
    assert!(screen.contains("svc-250"), "the failed one is on top:\n{screen}");
    assert!(screen.contains("505 pipelines"), "500 replace the 4 of dev in us-east-1: {screen}");
    assert_eq!(screen.lines().count(), 40);
}

#[test]
fn the_footer_offers_the_inbox_only_while_an_approval_waits() {
    let mut m = model(120, 40);
    let f = m.fleet.as_mut().unwrap();
    let waiting: Vec<_> = f
        .rows()
        .iter()
        .filter(|r| matches!(r.latest, Latest::Run { waiting_approval: true, .. }))
        .map(|r| r.key.clone())
        .collect();
    assert!(!waiting.is_empty(), "the sample has an approval waiting");
    for key in waiting {
        f.latest(&key, Latest::Run { id: "x".into(), status: Status::Succeeded, waiting_approval: false, at: None });
    }
    let screen = text(&draw(&m));
    let footer = screen.lines().last().unwrap_or_default();
    assert!(!footer.contains("A approvals") && footer.contains("F back here"), "{footer}");
}
