//! The default key map: lookups, footer, help.

use super::bindings::{COMMAND, CONFIRM, CTRL, DETAILS, HELP, HISTORY, INBOX, NONE, POPUP, PUSH, SHIFT};
use super::*;

fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

#[test]
fn defaults_from_the_issue_are_bound() {
    let n = |c| key(KeyCode::Char(c), NONE);
    let graph = |k: KeyEvent| lookup(Mode::Normal, Pane::Graph, &k);
    let log = |k: KeyEvent| lookup(Mode::Normal, Pane::Log, &k);
    assert_eq!(graph(n('q')), Some(Action::Quit));
    assert_eq!(graph(key(KeyCode::Char('c'), CTRL)), Some(Action::Quit));
    assert_eq!(graph(n('?')), Some(Action::Help));
    assert_eq!(graph(key(KeyCode::Tab, NONE)), Some(Action::FocusNext));
    assert_eq!(graph(key(KeyCode::BackTab, SHIFT)), Some(Action::FocusPrev));
    assert_eq!(graph(key(KeyCode::Down, NONE)), Some(Action::Down));
    assert_eq!(graph(key(KeyCode::PageUp, NONE)), Some(Action::PageUp));
    assert_eq!(graph(key(KeyCode::Enter, NONE)), Some(Action::Select));
    assert_eq!(log(n('f')), Some(Action::Follow));
    assert_eq!(log(n('/')), Some(Action::Search));
    assert_eq!(log(n('n')), Some(Action::NextMatch));
    // Some terminals send Shift with upper-case letters, some do not.
    assert_eq!(log(key(KeyCode::Char('N'), SHIFT)), Some(Action::PrevMatch));
    assert_eq!(log(n('N')), Some(Action::PrevMatch));
    assert_eq!(log(n('G')), Some(Action::Bottom));
    assert_eq!(log(n('w')), Some(Action::Wrap));
    assert_eq!(log(n('t')), Some(Action::Timestamps));
    assert_eq!(log(n('z')), Some(Action::Zoom));
}

#[test]
fn reserved_keys_are_not_bound_and_are_in_help() {
    for (c, _) in RESERVED {
        for pane in [Pane::List, Pane::Graph, Pane::Phases, Pane::Log] {
            assert_eq!(lookup(Mode::Normal, pane, &key(KeyCode::Char(*c), NONE)), None, "{c} is reserved");
        }
    }
    let help = help_sections();
    let reserved = help.iter().find(|(t, _)| t.starts_with("Reserved")).expect("reserved section");
    assert_eq!(reserved.1.len(), RESERVED.len());
}

#[test]
fn footer_follows_the_focused_pane_and_starts_with_quit() {
    let log = footer_hints(Mode::Normal, Pane::Log);
    assert_eq!(log[0], ("q", "quit"));
    assert!(log.iter().any(|(k, _)| *k == "f") && log.iter().any(|(k, _)| *k == "/"));
    let graph = footer_hints(Mode::Normal, Pane::Graph);
    assert!(!graph.iter().any(|(k, _)| *k == "f"));
    assert!(graph.iter().any(|(_, d)| *d == "show build"));
    let search = footer_hints(Mode::Search, Pane::Log);
    assert!(search.iter().all(|(k, _)| *k == "Enter" || *k == "Esc"), "{search:?}");
}

#[test]
fn every_binding_is_in_help_except_the_popups_own() {
    let help = help_sections();
    let rows: usize = help.iter().filter(|(t, _)| !t.starts_with("Reserved")).map(|(_, r)| r.len()).sum();
    let listed = BINDINGS
        .iter()
        .filter(|b| ![POPUP, HELP, PUSH, CONFIRM, COMMAND, HISTORY, INBOX, DETAILS].contains(&b.scope))
        .count();
    assert_eq!(rows, listed);
}

#[test]
fn p_pushes_everywhere_and_s_starts_only_when_offered() {
    let n = |c| key(KeyCode::Char(c), NONE);
    for pane in [Pane::List, Pane::Graph, Pane::Phases, Pane::Log] {
        assert_eq!(lookup(Mode::Normal, pane, &n('p')), Some(Action::Push));
        assert_eq!(lookup(Mode::Normal, pane, &n('s')), Some(Action::Start), "s is the plain start outside the offer");
        let offered = Context { start_offered: true, ..Context::new(Mode::Normal, pane) };
        assert_eq!(lookup_in(offered, &n('s')), Some(Action::StartPushedRun));
    }
    assert!(footer_hints(Mode::Normal, Pane::Graph).contains(&("p", "push")));
    assert!(footer_hints(Mode::Normal, Pane::Graph).contains(&("s", "start")));
    let offered = footer_hints_in(Context { start_offered: true, ..Context::new(Mode::Normal, Pane::Graph) });
    assert_eq!(offered[0], ("s", "start run"));
    let modal = footer_hints(Mode::Push, Pane::Graph);
    assert_eq!(modal, vec![("Enter", "push"), ("Esc", "cancel")]);
    assert_eq!(lookup(Mode::Push, Pane::Graph, &n('p')), None, "no second push from the modal");
}

#[test]
fn q_types_into_search_instead_of_quitting() {
    assert_eq!(lookup(Mode::Search, Pane::Log, &key(KeyCode::Char('q'), NONE)), None);
}

/// `F` (back to the fleet) is a key like the others: bound everywhere in
/// the pipeline view and listed in `?` with what it does.
#[test]
fn f_goes_back_to_the_fleet_and_help_says_so() {
    for pane in [Pane::List, Pane::Graph, Pane::Phases, Pane::Log] {
        for mods in [NONE, SHIFT] {
            assert_eq!(lookup(Mode::Normal, pane, &key(KeyCode::Char('F'), mods)), Some(Action::Fleet), "{pane:?}");
        }
    }
    let help = help_sections();
    let everywhere = help.iter().find(|(t, _)| *t == "Everywhere").expect("the Everywhere section");
    assert!(everywhere.1.iter().any(|(k, what)| k == "F" && what.contains("fleet")), "{:?}", everywhere.1);
}
