//! `Y` in other partitions and Regions: the console of the Region's
//! partition (AWS General Reference, "AWS Management Console endpoints";
//! China: console.amazonaws.cn; GovCloud: console.amazonaws-us-gov.com),
//! and a cross-Region build in its own Region's console.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::model::samples::{self, BUILD_ID};
use crate::model::{Model, Pane};
use crate::msg::Msg;
use crate::update::{Effect, update};

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn copied(fx: &[Effect]) -> Option<String> {
    fx.iter().find_map(|e| if let Effect::Copy(t) = e { Some(t.clone()) } else { None })
}

fn in_region(region: &str) -> Model {
    let mut m = samples::model(samples::running_build(), 160, 48);
    m.session.connection.region = region.into();
    m
}

#[test]
fn china_and_govcloud_pipelines_link_to_their_own_consoles() {
    for (region, host) in
        [("cn-north-1", "https://console.amazonaws.cn"), ("us-gov-west-1", "https://console.amazonaws-us-gov.com")]
    {
        let mut m = in_region(region);
        update(&mut m, Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::NONE)));
        assert_eq!(m.focus, Pane::List);
        let url = copied(&update(&mut m, key('Y'))).expect("a URL");
        assert!(url.starts_with(&format!("{host}/codesuite/codepipeline/pipelines/")), "{url}");
        assert!(url.ends_with(&format!("?region={region}")), "{url}");
        assert!(!url.contains("aws.amazon.com"), "{url}");
    }
}

#[test]
fn a_build_in_another_region_links_to_that_regions_console() {
    let mut m = in_region("us-east-1");
    if let Some(b) = m.session.build.snapshot.as_mut() {
        b.region = Some("eu-west-1".into());
    }
    update(&mut m, Msg::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)));
    assert_eq!(m.focus, Pane::Phases);
    let url = copied(&update(&mut m, key('Y'))).expect("a URL");
    let encoded = BUILD_ID.replace(':', "%3A");
    assert_eq!(
        url,
        format!(
            "https://eu-west-1.console.aws.amazon.com/codesuite/codebuild/projects/mlops-demo-build/build/{encoded}/?region=eu-west-1"
        )
    );
}
