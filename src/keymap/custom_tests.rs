use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::keymap::{BINDINGS, Context};
use crate::model::{Mode, Pane};

fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

fn normal(focus: Pane) -> Context {
    Context::new(Mode::Normal, focus)
}

#[test]
fn keys_parse_from_characters_names_and_modifiers() {
    assert_eq!(parse_key("q"), Ok((KeyCode::Char('q'), KeyModifiers::NONE)));
    assert_eq!(parse_key("-"), Ok((KeyCode::Char('-'), KeyModifiers::NONE)));
    assert_eq!(parse_key("ctrl-c"), Ok((KeyCode::Char('c'), KeyModifiers::CONTROL)));
    assert_eq!(parse_key("Ctrl-Alt-x"), Ok((KeyCode::Char('x'), KeyModifiers::CONTROL | KeyModifiers::ALT)));
    assert_eq!(parse_key("shift-n"), Ok((KeyCode::Char('N'), KeyModifiers::SHIFT)));
    assert_eq!(parse_key("shift-tab"), Ok((KeyCode::BackTab, KeyModifiers::SHIFT)));
    assert_eq!(parse_key("PgDn"), Ok((KeyCode::PageDown, KeyModifiers::NONE)));
    assert_eq!(parse_key("escape"), Ok((KeyCode::Esc, KeyModifiers::NONE)));
    assert_eq!(parse_key("f5"), Ok((KeyCode::F(5), KeyModifiers::NONE)));
    for bad in ["", "ctrl-", "hyper-x", "enterr", "f99", "qq"] {
        let err = parse_key(bad).expect_err(bad);
        assert!(err.starts_with(&format!("unknown key `{bad}`")), "{err}");
    }
}

#[test]
fn every_default_key_writes_and_reads_back() {
    // print-default lists the defaults with key_spec: they must parse to the same keys.
    for b in BINDINGS {
        for key in b.keys {
            let spec = key_spec(key);
            let back = parse_key(&spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
            assert!(same_key(&back, &press(key.0, key.1)), "{:?} -> {spec} -> {back:?}", key);
        }
    }
}

#[test]
fn every_bound_action_has_a_unique_name_that_reads_back() {
    let bound = Action::bound();
    for a in &bound {
        assert_eq!(Action::from_name(a.name()), Ok(*a));
        assert!(a.name().chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{}", a.name());
        assert_eq!(bound.iter().filter(|b| b.name() == a.name()).count(), 1);
    }
    let err = Action::from_name("exit").expect_err("no such action");
    assert!(err.starts_with("unknown action `exit`, expected one of `"), "{err}");
    assert!(err.contains("`quit`"), "{err}");
}

#[test]
fn an_override_replaces_the_default_keys_and_wins_over_other_bindings() {
    let keymap = Keymap::new(vec![(Action::Quit, vec![(KeyCode::Char('Q'), KeyModifiers::NONE)])]);
    let cx = normal(Pane::Graph);
    assert_eq!(keymap.lookup_in(cx, &press(KeyCode::Char('Q'), KeyModifiers::SHIFT)), Some(Action::Quit));
    assert_eq!(keymap.lookup_in(cx, &press(KeyCode::Char('q'), KeyModifiers::NONE)), None, "q no longer quits");
    assert_eq!(keymap.lookup_in(cx, &press(KeyCode::Char('c'), KeyModifiers::CONTROL)), None);
    // Other actions keep their keys.
    assert_eq!(keymap.lookup_in(cx, &press(KeyCode::Char('?'), KeyModifiers::NONE)), Some(Action::Help));
    // The user's key beats a default pane binding of the same key.
    let follow_quits = Keymap::new(vec![(Action::Quit, vec![(KeyCode::Char('f'), KeyModifiers::NONE)])]);
    let log = normal(Pane::Log);
    assert_eq!(follow_quits.lookup_in(log, &press(KeyCode::Char('f'), KeyModifiers::NONE)), Some(Action::Quit));
}

#[test]
fn footer_and_help_show_the_overridden_keys() {
    let keymap = Keymap::new(vec![(
        Action::Quit,
        vec![(KeyCode::Char('x'), KeyModifiers::CONTROL), (KeyCode::Char('Q'), KeyModifiers::NONE)],
    )]);
    let footer = keymap.footer_hints_in(normal(Pane::Graph));
    assert_eq!(footer[0], (Cow::Borrowed("Ctrl-x"), "quit"));
    let help = keymap.help_sections();
    let everywhere = &help.iter().find(|(t, _)| *t == "Everywhere").expect("global section").1;
    assert!(everywhere.contains(&("Ctrl-x Q".to_string(), "quit")), "{everywhere:?}");
    // Defaults are untouched by a keymap value elsewhere.
    assert_eq!(Keymap::default().footer_hints_in(normal(Pane::Graph))[0], (Cow::Borrowed("q"), "quit"));
}

#[test]
fn keeping_a_default_key_in_an_override_does_not_take_it_from_a_narrower_binding() {
    let s = press(KeyCode::Char('s'), KeyModifiers::NONE);
    let keymap = Keymap::new(vec![(
        Action::Start,
        vec![(KeyCode::Char('s'), KeyModifiers::NONE), (KeyCode::Char('s'), KeyModifiers::CONTROL)],
    )]);
    let offered = Context { start_offered: true, ..normal(Pane::Graph) };
    assert_eq!(keymap.lookup_in(offered, &s), Some(Action::StartPushedRun));
    assert_eq!(keymap.lookup_in(normal(Pane::Graph), &s), Some(Action::Start));
    let ctrl_s = press(KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(keymap.lookup_in(offered, &ctrl_s), Some(Action::Start), "an added key still wins");
}
