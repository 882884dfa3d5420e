//! The fleet list through `update`: Enter watches a row in its own profile and
//! Region (a switch when it is another), `/` filters, `L` logs the row's
//! profile in and its rows resume, `F` comes back, the poller hears which rows
//! are on screen.

use crossterm::event::KeyCode;

use super::test_input::{code, key, shift};
use super::{Effect, ExternalCommand, update};
use crate::model::fleet::Line;
use crate::model::fleet_samples::{key as row, model, place};
use crate::model::{Connection, Model};
use crate::msg::{Msg, RunOutcome};

fn selected(m: &Model) -> String {
    let k = m.fleet.as_ref().and_then(|f| f.selected.clone()).expect("a selection");
    format!("{}/{}/{}", k.place.profile, k.place.region, k.pipeline)
}

fn select(m: &mut Model, profile: &str, region: &str, name: &str) {
    for _ in 0..20 {
        if selected(m) == format!("{profile}/{region}/{name}") {
            return;
        }
        update(m, key('j'));
    }
    panic!("{profile}/{region}/{name} not reached");
}

#[test]
fn enter_on_a_row_elsewhere_switches_to_its_profile_and_region_then_watches_it() {
    let mut m = model(120, 40);
    m.session.pipeline = None;
    select(&mut m, "dev", "eu-west-1", "checkout-web");
    let fx = update(&mut m, code(KeyCode::Enter));
    assert!(
        fx.contains(&Effect::SwitchConnection { profile: Some("dev".into()), region: Some("eu-west-1".into()) }),
        "{fx:?}"
    );
    assert!(!super::fleet::is_open(&m), "the list makes way for the pipeline");
    let conn = Connection { account: None, region: "eu-west-1".into(), profile: Some("dev".into()), endpoint: None };
    let fx = update(&mut m, Msg::Connected(Ok(conn)));
    assert!(fx.contains(&Effect::UseConnection), "{fx:?}");
    assert!(fx.contains(&Effect::WatchPipeline("checkout-web".into())), "{fx:?}");
    assert_eq!(m.session.pipeline.as_deref(), Some("checkout-web"));
    // F: back to the list, which tells the poller its rows again.
    let fx = update(&mut m, shift('F'));
    assert!(super::fleet::is_open(&m));
    assert!(fx.iter().any(|e| matches!(e, Effect::FleetVisible(v) if !v.is_empty())), "{fx:?}");
}

#[test]
fn enter_on_a_row_of_the_current_connection_watches_it_at_once() {
    let mut m = model(120, 40);
    update(&mut m, Msg::Resize(120, 40));
    select(&mut m, "dev", "us-east-1", "search-indexer");
    let fx = update(&mut m, code(KeyCode::Enter));
    assert!(fx.contains(&Effect::WatchPipeline("search-indexer".into())), "{fx:?}");
    assert!(!fx.iter().any(|e| matches!(e, Effect::SwitchConnection { .. })), "{fx:?}");
    assert!(fx.contains(&Effect::FleetVisible(Vec::new())), "no fleet row is on screen now: {fx:?}");
}

#[test]
fn a_failed_switch_brings_the_list_back() {
    let mut m = model(120, 40);
    select(&mut m, "dev", "eu-west-1", "checkout-web");
    update(&mut m, code(KeyCode::Enter));
    update(&mut m, Msg::Connected(Err("no credentials".into())));
    assert!(super::fleet::is_open(&m));
    assert!(m.session.notice.as_ref().is_some_and(|n| n.text.contains("no credentials")), "{:?}", m.session.notice);
}

#[test]
fn slash_filters_by_name_and_esc_clears() {
    let mut m = model(120, 40);
    update(&mut m, key('/'));
    for c in "PAY".chars() {
        update(&mut m, shift(c));
    }
    update(&mut m, code(KeyCode::Enter));
    let f = m.fleet.as_ref().unwrap();
    let rows: Vec<String> = (0..f.lines.len()).filter_map(|l| f.key_at(l)).map(|k| k.pipeline).collect();
    assert_eq!(rows, ["payments-api", "payments-api"], "one in each profile");
    assert!(f.lines.iter().filter(|l| matches!(l, Line::Group(_))).count() == 2);
    // Typed keys went to the filter, not to the list: `q` did not quit.
    update(&mut m, key('/'));
    update(&mut m, key('q'));
    assert!(!m.quit);
    assert_eq!(m.fleet.as_ref().unwrap().filter, "PAYq");
    update(&mut m, code(KeyCode::Esc));
    assert!(m.fleet.as_ref().unwrap().filter.is_empty());
    assert_eq!(m.fleet.as_ref().unwrap().rows().len(), 9);
}

#[test]
fn l_logs_the_rows_profile_in_and_only_its_rows_resume() {
    let mut m = model(120, 40);
    select(&mut m, "prod", "us-east-1", "payments-api");
    let fx = update(&mut m, shift('L'));
    let login = ExternalCommand {
        program: "aws".into(),
        args: vec!["sso".into(), "login".into(), "--profile".into(), "prod".into()],
    };
    assert_eq!(fx, vec![Effect::RunInTerminal(login.clone())]);
    let fx = update(&mut m, Msg::RanInTerminal { command: login.shell_line(), outcome: RunOutcome::Exited(Some(0)) });
    assert!(fx.contains(&Effect::FleetResume("prod".into())), "{fx:?}");
    assert!(m.fleet.as_ref().unwrap().login_needed(&place("prod", "us-east-1")), "until an answer comes");
    let names = vec!["payments-api".to_string(), "notify-gateway".to_string()];
    update(&mut m, Msg::FleetListed { place: place("prod", "us-east-1"), result: Ok(names) });
    let f = m.fleet.as_ref().unwrap();
    assert!(!f.login_needed(&place("prod", "us-east-1")), "listed with the new login");
    assert!(f.login_needed(&place("prod", "eu-west-1")), "each place by its own answer");
    // Expired again, for prod only.
    update(&mut m, Msg::FleetLogin { profile: "prod".into(), message: "expired".into() });
    let f = m.fleet.as_ref().unwrap();
    assert!(f.login_needed(&place("prod", "eu-west-1")));
    assert!(!f.login_needed(&place("dev", "us-east-1")));
    // A failed login resumes nothing.
    update(&mut m, shift('L'));
    let fx = update(&mut m, Msg::RanInTerminal { command: login.shell_line(), outcome: RunOutcome::Exited(Some(1)) });
    assert!(!fx.iter().any(|e| matches!(e, Effect::FleetResume(_))), "{fx:?}");
}

#[test]
fn the_poller_hears_the_rows_on_screen_when_they_change() {
    let mut m = model(80, 8);
    let fx = update(&mut m, Msg::Resize(80, 8));
    let told = fx.iter().find_map(|e| match e {
        Effect::FleetVisible(v) => Some(v.clone()),
        _ => None,
    });
    let told = told.expect("the first window is told");
    assert_eq!(told.len(), 4, "5 list lines, one a group header: {told:?}");
    let fx = update(&mut m, key('j'));
    assert!(!fx.iter().any(|e| matches!(e, Effect::FleetVisible(_))), "the same rows: nothing to tell");
    for _ in 0..8 {
        update(&mut m, key('j'));
    }
    let f = m.fleet.as_ref().unwrap();
    assert!(f.told_visible.contains(&f.selected.clone().unwrap()), "the selection is on screen and asked about");
    assert!(!f.told_visible.contains(&row("dev", "us-east-1", "payments-api")), "scrolled past");
}

#[test]
fn a_on_the_fleet_opens_the_inbox_over_the_rows_waiting_at_an_approval_in_every_place() {
    let mut m = model(120, 40);
    let fx = update(&mut m, shift('A'));
    let want = crate::model::inbox::Target {
        profile: Some("dev".into()),
        region: "eu-west-1".into(),
        pipeline: "checkout-web".into(),
    };
    assert!(fx.contains(&Effect::WatchInbox(Some(vec![want]))), "only the waiting row is read: {fx:?}");
    assert_eq!(m.mode(), crate::model::Mode::Inbox);
    // Esc closes the inbox and the fleet list has the keys again.
    update(&mut m, code(KeyCode::Esc));
    assert_eq!(m.mode(), crate::model::Mode::Normal);
    assert!(super::fleet::is_open(&m));
    let before = selected(&m);
    update(&mut m, key('j'));
    assert_ne!(selected(&m), before, "j moves the fleet's selection");
}

/// Without `--fleet`, `F` says how to get one instead of doing nothing.
#[test]
fn f_without_a_fleet_says_how_to_start_one() {
    let mut m = model(120, 40);
    m.fleet = None;
    let fx = update(&mut m, shift('F'));
    assert!(fx.is_empty(), "{fx:?}");
    let notice = m.session.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.contains("--fleet"), "{notice:?}");
}
