//! Keys through update: an override from the config file changes what a key
//! does, and every binding reaches a handler in the mode it is bound in (a
//! dialog's "not mine" arm swallows none of its own keys).

use crossterm::event::KeyCode;

use super::keys::dispatch;
use super::test_input::{code, key_with};
use super::*;
use crate::keymap::{Action, BINDINGS, Keymap, Scope, parse_key};
use crate::model::control::{Confirm, ControlKind};
use crate::model::push::PushDialog;
use crate::model::{Mode, samples};

fn press(spec: &str) -> Msg {
    let (code, mods) = parse_key(spec).expect("a key");
    key_with(code, mods)
}

#[test]
fn an_overridden_quit_key_quits_and_the_old_one_does_not() {
    let mut m = samples::model(samples::running_build(), 80, 24);
    m.config.keymap = Keymap::new(vec![(Action::Quit, vec![parse_key("ctrl-x").expect("key")])]);
    assert_eq!(update(&mut m, press("q")), vec![]);
    assert!(!m.quit);
    assert_eq!(update(&mut m, press("ctrl-x")), vec![Effect::Quit]);
}

#[test]
fn an_overridden_help_key_opens_help_and_the_default_does_not() {
    let mut m = samples::model(samples::running_build(), 80, 24);
    m.config.keymap = Keymap::new(vec![(Action::Help, vec![parse_key("f1").expect("key")])]);
    update(&mut m, press("?"));
    assert_eq!(m.mode(), Mode::Normal, "? no longer opens help");
    update(&mut m, code(KeyCode::F(1)));
    assert_eq!(m.mode(), Mode::Help);
}

fn modal_for(mode: Mode) -> Modal {
    match mode {
        Mode::Normal => Modal::Normal,
        Mode::Search => Modal::Search(String::new()),
        Mode::Help => Modal::Help { page: 0 },
        Mode::PipelinePopup => Modal::PipelinePopup,
        Mode::Push => Modal::Push(PushDialog::Planning),
        Mode::Confirm => Modal::Confirm(Confirm::new("mlops-demo".into(), ControlKind::Start, false)),
        Mode::Command => Modal::Command,
        Mode::History => Modal::History,
        Mode::Details => Modal::Details,
        Mode::Inbox => Modal::Inbox,
    }
}

/// A model where bindings of `scope` apply.
fn model_in(scope: Scope) -> Model {
    let mut m = samples::model(samples::running_build(), 160, 48);
    match scope {
        Scope::Global | Scope::PushOffer | Scope::PastShown => {}
        Scope::Pane(pane) => m.focus = pane,
        Scope::Mode(mode) => m.modal = modal_for(mode),
    }
    m
}

#[test]
fn every_binding_reaches_a_handler_in_its_mode() {
    let mut unhandled = Vec::new();
    for b in BINDINGS {
        let mut m = model_in(b.scope);
        if !dispatch(&mut m, b.action, &mut Vec::new()) {
            unhandled.push(format!("{:?} ({}) in {:?}", b.action, b.label, b.scope));
        }
    }
    assert!(unhandled.is_empty(), "bound but no handler takes them:\n{}", unhandled.join("\n"));
}

#[test]
fn a_dialog_refuses_keys_it_does_not_bind() {
    // The check above would pass if every handler took everything.
    let mut m = model_in(Scope::Mode(Mode::Search));
    assert!(!dispatch(&mut m, Action::Push, &mut Vec::new()));
    let mut m = model_in(Scope::Global);
    assert!(!dispatch(&mut m, Action::SearchConfirm, &mut Vec::new()));
}
