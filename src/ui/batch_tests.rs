//! The phases pane of a batch build (BatchGetBuildBatches `buildGroups`;
//! CodeBuild API Reference, BuildGroup) at 80×24 and 160×48.

use super::tests::{draw, text};
use crate::model::batch::BatchView;
use crate::model::batch::samples::{self as batches, BATCH_ID};
use crate::model::snapshot::Status;
use crate::model::{Model, Pane, samples};

/// The demo with its Train action running a batch; `lint` runs and is shown.
fn on_batch(w: u16, h: u16) -> Model {
    let mut build = samples::running_build();
    build.id = "p:lint".into();
    let mut m = samples::model(build, w, h);
    m.session.state.as_mut().unwrap().stages[1].actions[0].external_id = Some(BATCH_ID.into());
    let mut v = BatchView::new(BATCH_ID.into());
    v.update(batches::running());
    m.session.build.batch = Some(v);
    m.focus = Pane::Phases;
    m
}

#[test]
fn the_groups_show_status_and_dependencies_above_the_shown_build() {
    let m = on_batch(80, 24);
    let screen = text(&draw(&m));
    assert!(screen.contains("Batch · mlops-demo-build #3 · ▶ running · lint"), "{screen}");
    assert!(screen.contains("  ✓ unit           succeeded"), "{screen}");
    assert!(screen.contains("› ▶ lint           running"), "the cursor is on the shown group: {screen}");
    assert!(screen.contains("  · package        waiting    after unit, lint"), "{screen}");
    assert!(screen.contains("✓ provision 20s"), "the shown build's phases follow: {screen}");
    insta::assert_snapshot!("batch_80x24", screen);
}

#[test]
fn a_short_terminal_packs_the_groups_into_chips() {
    let screen = text(&draw(&on_batch(80, 18)));
    assert!(screen.contains("✓ unit  ›▶ lint  · package after unit,lint"), "{screen}");
    assert!(screen.contains("✓ provision 20s"), "the shown build's phases follow: {screen}");
}

#[test]
fn a_chosen_group_that_has_not_started_says_what_it_waits_for() {
    let mut m = on_batch(160, 48);
    let v = m.session.build.batch.as_mut().unwrap();
    v.cursor = 2;
    v.choose();
    m.session.build.snapshot = None;
    m.session.build.id = Some(BATCH_ID.into());
    let screen = text(&draw(&m));
    assert!(screen.contains("package: starts after unit, lint"), "{screen}");
    assert!(screen.contains("  ✓ unit           succeeded"), "one row per group when there is room: {screen}");
    assert!(screen.contains("› · package        waiting    after unit, lint"), "{screen}");
    assert!(screen.contains("· package (chosen)"), "{screen}");
    insta::assert_snapshot!("batch_160x48_waiting", screen);
}

#[test]
fn a_failed_group_is_drawn_in_the_failure_colour() {
    let mut m = on_batch(80, 24);
    let mut snap = batches::running();
    snap.groups[0].status = Some(Status::Failed);
    m.session.build.batch.as_mut().unwrap().update(snap);
    let buf = draw(&m);
    assert_eq!(super::tests::fg_at(&buf, "✗ unit"), super::theme::status_color(Some(&Status::Failed)));
}
