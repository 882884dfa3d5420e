//! The fleet's rows: grouping, "needs attention first", the name filter,
//! selection that follows its pipeline, and per-profile login state.

use chrono::{Duration, TimeZone, Utc};

use super::fleet::*;
use crate::config::FleetMember;
use crate::model::snapshot::Status;

fn member(profile: &str, regions: &[&str], filters: &[&str]) -> FleetMember {
    FleetMember {
        fleet: "all".into(),
        profile: profile.into(),
        regions: regions.iter().map(|s| s.to_string()).collect(),
        filters: filters.iter().map(|s| s.to_string()).collect(),
    }
}

fn place(profile: &str, region: &str) -> Place {
    Place { profile: profile.into(), region: region.into() }
}

fn key(profile: &str, region: &str, name: &str) -> RowKey {
    RowKey { place: place(profile, region), pipeline: name.into() }
}

fn run(status: Status, mins_ago: i64, waiting: bool) -> Latest {
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
    Latest::Run { id: "x".into(), status, waiting_approval: waiting, at: Some(now - Duration::minutes(mins_ago)) }
}

fn names(f: &Fleet) -> Vec<String> {
    f.lines
        .iter()
        .map(|l| match l {
            Line::Group(p) => format!("[{}/{}]", p.profile, p.region),
            Line::Row(_) => String::new(),
        })
        .zip(0..)
        .map(|(g, i)| if g.is_empty() { f.key_at(i).unwrap().pipeline } else { g })
        .collect()
}

fn fleet() -> Fleet {
    let mut f =
        Fleet::new("all", vec![member("dev", &["us-east-1", "eu-west-1"], &[]), member("prod", &["us-east-1"], &[])]);
    let list = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    f.listed(&place("dev", "us-east-1"), &list(&["old", "recent", "building", "broken", "gate", "fresh"]));
    f.listed(&place("prod", "us-east-1"), &list(&["calm"]));
    f.latest(&key("dev", "us-east-1", "old"), run(Status::Succeeded, 600, false));
    f.latest(&key("dev", "us-east-1", "recent"), run(Status::Succeeded, 5, false));
    f.latest(&key("dev", "us-east-1", "building"), run(Status::InProgress, 1, false));
    f.latest(&key("dev", "us-east-1", "broken"), run(Status::Failed, 300, false));
    f.latest(&key("dev", "us-east-1", "gate"), run(Status::InProgress, 200, true));
    f.latest(&key("prod", "us-east-1", "calm"), run(Status::Succeeded, 1, false));
    f
}

#[test]
fn rows_sort_failed_then_approval_then_running_then_newest_first() {
    let f = fleet();
    assert_eq!(
        names(&f),
        ["[dev/us-east-1]", "broken", "gate", "building", "recent", "old", "fresh", "[prod/us-east-1]", "calm"],
        "the unknown row ('fresh') after the known ones; the group with a failure first"
    );
    assert_eq!(f.attention(), 3);
}

#[test]
fn a_group_with_the_most_urgent_row_comes_first() {
    let mut f = fleet();
    f.latest(&key("dev", "us-east-1", "broken"), run(Status::Succeeded, 1, false));
    f.latest(&key("dev", "us-east-1", "gate"), run(Status::Succeeded, 1, false));
    f.latest(&key("dev", "us-east-1", "building"), run(Status::Succeeded, 1, false));
    f.latest(&key("prod", "us-east-1", "calm"), run(Status::Failed, 1, false));
    assert_eq!(names(&f)[..2], ["[prod/us-east-1]", "calm"]);
}

#[test]
fn the_filter_keeps_matching_names_and_the_selection_follows_its_pipeline() {
    let mut f = fleet();
    f.move_selection(2);
    assert_eq!(f.selected, Some(key("dev", "us-east-1", "building")));
    // It fails: it moves to the top, the selection stays on it.
    f.latest(&key("dev", "us-east-1", "building"), run(Status::Failed, 0, false));
    assert_eq!(f.selected, Some(key("dev", "us-east-1", "building")));
    assert_eq!(f.line_of(&key("dev", "us-east-1", "building")), Some(1));
    f.filter = "CAL".into();
    f.relayout();
    assert_eq!(names(&f), ["[prod/us-east-1]", "calm"], "case-insensitive, empty groups dropped");
    assert_eq!(f.selected, Some(key("prod", "us-east-1", "calm")), "a hidden selection moves to the first row shown");
    f.move_selection(5);
    assert_eq!(f.selected, Some(key("prod", "us-east-1", "calm")), "clamped");
}

#[test]
fn name_globs_of_the_member_choose_the_rows_and_relisting_keeps_what_is_known() {
    let mut f = Fleet::new("all", vec![member("dev", &["us-east-1"], &["pay*"])]);
    let p = place("dev", "us-east-1");
    f.listed(&p, &["payments".into(), "search".into(), "PAYROLL".into()]);
    let mut shown: Vec<&str> = f.rows().iter().map(|r| r.key.pipeline.as_str()).collect();
    shown.sort();
    assert_eq!(shown, ["PAYROLL", "payments"]);
    f.latest(&key("dev", "us-east-1", "payments"), run(Status::Failed, 1, false));
    f.listed(&p, &["payments".into()]);
    assert_eq!(f.rows().len(), 1);
    assert_eq!(f.row(&key("dev", "us-east-1", "payments")).map(rank), Some(0), "its status survived the relist");
}

#[test]
fn login_needed_is_per_profile_and_the_window_scrolls_with_the_selection() {
    let mut f = fleet();
    f.set_login_needed("prod", true);
    assert!(f.login_needed(&place("prod", "us-east-1")));
    assert!(!f.login_needed(&place("dev", "us-east-1")));
    assert!(!f.login_needed(&place("dev", "eu-west-1")));
    f.move_selection(100);
    f.scroll_to_selection(3);
    assert_eq!(f.offset, 6);
    assert_eq!(f.visible(3), [key("dev", "us-east-1", "fresh"), key("prod", "us-east-1", "calm")]);
    f.move_selection(-100);
    f.scroll_to_selection(3);
    assert_eq!(f.offset, 0, "the group header above the first row shows too");
}

#[test]
fn until_the_user_moves_the_selection_stays_on_the_top_row() {
    let mut f = fleet();
    assert_eq!(f.selected, Some(key("dev", "us-east-1", "broken")));
    f.latest(&key("prod", "us-east-1", "calm"), run(Status::Failed, 0, false));
    f.latest(&key("dev", "us-east-1", "broken"), run(Status::Succeeded, 0, false));
    assert_eq!(f.selected, Some(key("prod", "us-east-1", "calm")), "the new most urgent row");
    assert_eq!(f.offset, 0);
}
