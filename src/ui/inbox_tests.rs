//! The approvals inbox popup as text snapshots (80×24, 120×40), and the
//! selected row's highlight on the cells.

use ratatui::style::Modifier;

use crate::model::inbox::samples;
use crate::model::{Model, samples as model_samples};
use crate::ui::tests::{draw, text};

fn inbox(w: u16, h: u16) -> Model {
    let mut m = model_samples::model(model_samples::running_build(), w, h);
    samples::fill(&mut m);
    m
}

#[test]
fn snapshot_inbox_80x24() {
    insta::assert_snapshot!(text(&draw(&inbox(80, 24))));
}

#[test]
fn snapshot_inbox_120x40() {
    insta::assert_snapshot!(text(&draw(&inbox(120, 40))));
}

#[test]
fn the_longest_waiting_comes_first_with_its_details_and_is_highlighted() {
    let m = inbox(120, 40);
    let buf = draw(&m);
    let screen = text(&buf);
    let rows: Vec<&str> =
        screen.lines().filter(|l| l.contains("2h") || l.contains("12m") || l.contains("3m")).collect();
    assert!(rows.first().is_some_and(|l| l.contains("data-ingest") && l.contains("Prod/SignOff")), "{screen}");
    assert!(screen.contains("payments (prod/eu-west-1)"), "another account is named: {screen}");
    assert!(screen.contains("Custom data: Schema change: review"), "{screen}");
    assert!(screen.contains("web-frontend: access denied"), "{screen}");
    let (y, line) =
        screen.lines().enumerate().find(|(_, l)| l.contains("data-ingest") && l.contains("Prod/SignOff")).expect("row");
    let x = line.find("data-ingest").map(|b| line[..b].chars().count()).expect("x");
    let cell = &buf[(u16::try_from(x).expect("x"), u16::try_from(y).expect("y"))];
    assert!(cell.modifier.contains(Modifier::REVERSED), "the selected row is highlighted");
}

#[test]
fn an_empty_inbox_says_how_many_pipelines_were_read() {
    let mut m = inbox(80, 24);
    let targets = m.inbox.targets.clone();
    for t in &targets {
        m.inbox.record(t.clone(), Ok(Vec::new()));
    }
    assert!(text(&draw(&m)).contains("No approval is waiting in 4 pipelines."));
}
