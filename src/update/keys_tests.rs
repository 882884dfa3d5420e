//! Keys from the config file through update: an override changes what a key does.

use crossterm::event::KeyCode;

use super::test_input::{code, key_with};
use super::*;
use crate::keymap::{Action, Keymap, parse_key};
use crate::model::samples;

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
    assert_eq!(m.mode, crate::model::Mode::Normal, "? no longer opens help");
    update(&mut m, code(KeyCode::F(1)));
    assert_eq!(m.mode, crate::model::Mode::Help);
}
