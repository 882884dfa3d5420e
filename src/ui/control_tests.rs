//! The control confirmation and the read-only footer as drawn.

use ratatui::style::Color;

use super::tests::{draw, fg_at, text};
use crate::model::control::{Confirm, ControlKind};
use crate::model::samples;
use crate::model::{Modal, Model};

fn confirming(kind: ControlKind, by_name: bool, w: u16, h: u16) -> Model {
    let mut m = samples::model(samples::running_build(), w, h);
    m.modal = Modal::Confirm(Confirm::new("mlops-demo".into(), kind, by_name));
    m
}

#[test]
fn snapshot_abandon_by_name_80x24() {
    let mut m = confirming(ControlKind::Stop { execution_id: "e0c1d2a3-aaaa".into() }, true, 80, 24);
    if let Modal::Confirm(c) = &mut m.modal {
        c.choice = 1;
        c.text = "wrong commit".into();
        c.typed_name = "mlops".into();
        c.problem = Some("type the pipeline name \"mlops-demo\" to confirm".into());
    }
    insta::assert_snapshot!(text(&draw(&m)));
}

#[test]
fn snapshot_retry_160x48() {
    let kind = ControlKind::Retry { stage: "Build".into(), execution_id: "e0c1d2a3-aaaa".into(), all: false };
    insta::assert_snapshot!(text(&draw(&confirming(kind, false, 160, 48))));
}

#[test]
fn dangerous_titles_are_red_and_safe_ones_are_not() {
    let stop = confirming(ControlKind::Stop { execution_id: "e0c1d2a3-aaaa".into() }, false, 80, 24);
    assert_eq!(fg_at(&draw(&stop), "Stop execution"), Color::Red);
    let start = confirming(ControlKind::Start, false, 80, 24);
    let buf = draw(&start);
    assert!(text(&buf).contains("Start mlops-demo?"));
    assert_ne!(fg_at(&buf, "Start mlops-demo?"), Color::Red);
}

#[test]
fn read_only_footer_says_so_and_offers_no_mutating_key() {
    let mut m = samples::model(samples::running_build(), 120, 30);
    m.session.read_only = true;
    let t = text(&draw(&m));
    let footer = t.lines().last().unwrap_or("");
    assert!(footer.starts_with(" read-only "), "{footer}");
    for hint in [" p push", " x stop", " s start", " r retry", " a approve"] {
        assert!(!footer.contains(hint), "{hint} offered in read-only: {footer}");
    }
    m.session.read_only = false;
    let t = text(&draw(&m));
    assert!(t.lines().last().unwrap_or("").contains(" x stop"), "a running build offers x");
}

#[test]
fn the_key_line_is_never_cut_off_on_narrow_screens() {
    let kinds = [
        ControlKind::Stop { execution_id: "e0c1d2a3-aaaa".into() },
        ControlKind::Transition { stage: "Deploy".into(), enable: false },
        ControlKind::Approve { stage: "Approve".into(), action: "Approve".into(), token: "t".into() },
    ];
    for kind in kinds {
        for w in 30u16..=100 {
            let mut m = confirming(kind.clone(), true, w, 40);
            if let Modal::Confirm(c) = &mut m.modal {
                c.text = "a reason with several words in it to wrap".into();
            }
            let t = text(&draw(&m));
            assert!(t.contains("Enter confirm"), "{kind:?} at width {w}:\n{t}");
        }
    }
}

/// `:start --revision`: the override in words, at 80×24 too (the dialog
/// grows for its lines), with the variables after it.
#[test]
fn a_start_with_a_source_revision_states_it_in_words() {
    use crate::model::start::{RevisionKind, RevisionOverride};
    let revision = RevisionOverride {
        action: "Source".into(),
        kind: RevisionKind::S3VersionId,
        value: "3HL4kqtJlcpXroDTDmJ.v".into(),
    };
    let kind = ControlKind::StartWith { variables: vec![("ENV".into(), "prod".into())], revisions: vec![revision] };
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = text(&draw(&confirming(kind.clone(), false, w, h)));
        for s in [
            "Start mlops-demo at a chosen source revision?",
            "Source: S3 object version 3HL4kqtJlcpXroDTDmJ.v",
            "Pipeline variables: ENV=prod",
        ] {
            assert!(screen.contains(s), "{w}x{h} shows {s:?}:\n{screen}");
        }
    }
}
