//! "Approval waiting" notifications through update: from the shown
//! pipeline's poll and from inbox reads of starred pipelines; `*` stars.

use crossterm::event::KeyCode;

use super::test_input::{code, key, shift};
use super::*;
use crate::config::Desktop;
use crate::model::inbox::{Approval, Target};
use crate::model::samples;
use crate::model::snapshot::Status;

fn model() -> Model {
    samples::model(samples::running_build(), 120, 40)
}

/// The sample pipeline, its approval waiting with `token` (or not).
fn state(token: Option<&str>) -> Msg {
    let mut state = samples::pipeline(Status::Succeeded);
    if let Some(approve) = state.stages.get_mut(2).and_then(|s| s.actions.get_mut(0)) {
        approve.status = token.map(|_| Status::InProgress);
        approve.approval_token = token.map(str::to_string);
    }
    Msg::PipelineState { pipeline: "mlops-demo".into(), result: Ok(state) }
}

fn notifications(fx: &[Effect]) -> Vec<String> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Notify(n) => Some(n.body.clone()),
            _ => None,
        })
        .collect()
}

fn titles(fx: &[Effect]) -> Vec<String> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::SetTitle(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

fn dev(pipeline: &str) -> Target {
    Target { profile: Some("dev".into()), region: "us-east-1".into(), pipeline: pipeline.into() }
}

fn approval(token: &str) -> Approval {
    Approval {
        stage: "Prod".into(),
        action: "SignOff".into(),
        token: token.into(),
        execution_id: None,
        since: None,
        custom_data: None,
        external_link: None,
    }
}

#[test]
fn an_approval_starting_to_wait_in_the_shown_pipeline_rings_once_and_titles_until_answered() {
    let mut m = model();
    assert!(notifications(&update(&mut m, state(None))).is_empty());
    let fx = update(&mut m, state(Some("t1")));
    assert_eq!(notifications(&fx), ["mlops-demo approval waiting: Approve/Approve"]);
    assert!(matches!(&fx[..], [.., Effect::Notify(n), _] if n.bell && n.desktop == Desktop::Osc9), "{fx:?}");
    assert_eq!(titles(&fx), ["⏸ mlops-demo approval waiting"]);
    let again = update(&mut m, state(Some("t1")));
    assert!(notifications(&again).is_empty() && titles(&again).is_empty(), "{again:?}");
    let answered = update(&mut m, state(None));
    assert_eq!(titles(&answered), ["… mlops-demo InProgress"], "the run's own title again");
}

#[test]
fn an_approval_already_waiting_when_first_seen_does_not_notify() {
    let mut m = model();
    let fx = update(&mut m, state(Some("t0")));
    assert!(notifications(&fx).is_empty(), "{fx:?}");
    assert_eq!(titles(&fx), ["⏸ mlops-demo approval waiting"], "the title still says it waits");
}

#[test]
fn a_starred_pipeline_notifies_from_inbox_reads_and_the_star_is_saved() {
    let mut m = model();
    update(&mut m, shift('A'));
    let read = |token: Option<&str>| Msg::Approvals {
        target: dev("data-ingest"),
        result: Ok(token.map(approval).into_iter().collect()),
    };
    update(&mut m, read(None));
    assert!(notifications(&update(&mut m, read(Some("a1")))).is_empty(), "not starred, not shown");
    update(&mut m, code(KeyCode::Esc));
    // Star data-ingest on the list pane (wide screen: o focuses it).
    update(&mut m, key('o'));
    update(&mut m, key('j'));
    let fx = update(&mut m, key('*'));
    assert_eq!(
        fx,
        vec![Effect::SaveStars("dev\tus-east-1\tdata-ingest\n".into()), Effect::WatchStars(vec![dev("data-ingest")])]
    );
    assert!(m.alerts.is_starred(&dev("data-ingest")));
    // The open inbox reads it: the stars' own reads stop meanwhile.
    let fx = update(&mut m, shift('A'));
    assert!(fx.contains(&Effect::WatchStars(vec![])), "{fx:?}");
    let fx = update(&mut m, read(Some("a2")));
    assert_eq!(notifications(&fx), ["data-ingest approval waiting: Prod/SignOff"]);
    update(&mut m, code(KeyCode::Esc));
    update(&mut m, key('*'));
    assert!(!m.alerts.is_starred(&dev("data-ingest")), "* again unstars");
}

#[test]
fn no_bell_and_no_desktop_means_no_notification() {
    let mut m = model();
    m.config.notify.bell = false;
    m.config.notify.desktop = Desktop::Off;
    update(&mut m, state(None));
    assert!(notifications(&update(&mut m, state(Some("t1")))).is_empty());
}

#[test]
fn a_starred_pipeline_is_read_on_its_own_while_the_inbox_is_closed_and_notifies() {
    let mut m = model();
    m.alerts.starred.insert(dev("data-ingest"));
    // The shown pipeline is polled anyway: starring it costs nothing more.
    m.alerts.starred.insert(dev("mlops-demo"));
    let fx = update(&mut m, Msg::Tick);
    assert_eq!(fx.iter().filter(|e| matches!(e, Effect::WatchStars(_))).count(), 1, "{fx:?}");
    assert!(fx.contains(&Effect::WatchStars(vec![dev("data-ingest")])), "{fx:?}");
    assert!(!update(&mut m, Msg::Tick).iter().any(|e| matches!(e, Effect::WatchStars(_))), "asked once");
    let read = |token: Option<&str>| Msg::Approvals {
        target: dev("data-ingest"),
        result: Ok(token.map(approval).into_iter().collect()),
    };
    assert!(notifications(&update(&mut m, read(None))).is_empty());
    assert_eq!(notifications(&update(&mut m, read(Some("s1")))), ["data-ingest approval waiting: Prod/SignOff"]);
    assert!(m.inbox.rows().is_empty(), "the closed inbox keeps nothing from these reads");
    // A new connection has new workers: they are asked again.
    let new = crate::model::Connection {
        account: None,
        region: "us-east-1".into(),
        profile: Some("dev".into()),
        endpoint: None,
    };
    let fx = update(&mut m, Msg::Connected(Ok(new)));
    assert!(fx.contains(&Effect::WatchStars(vec![dev("data-ingest"), dev("mlops-demo")])), "{fx:?}");
}

#[test]
fn no_star_means_no_star_reads() {
    let mut m = model();
    for msg in [Msg::Tick, state(Some("t1")), shift('A'), code(KeyCode::Esc)] {
        let fx = update(&mut m, msg);
        assert!(!fx.iter().any(|e| matches!(e, Effect::WatchStars(_))), "{fx:?}");
    }
}
