//! The command line and its completion box, drawn.

use crate::model::command::Completion;
use crate::model::{Modal, samples};
use crate::ui::tests::{draw, text};

fn model(w: u16, h: u16, input: &str, completion: Option<Completion>) -> crate::model::Model {
    let mut m = samples::model(samples::running_build(), w, h);
    m.modal = Modal::Command;
    m.command.input = input.into();
    m.command.completion = completion;
    m
}

#[test]
fn the_line_replaces_the_footer_with_its_own_keys() {
    for (w, h) in [(80, 24), (200, 50)] {
        let screen = text(&draw(&model(w, h, "pipeline data", None)));
        let last = screen.lines().last().unwrap_or("");
        assert!(last.starts_with(":pipeline data"), "{w}x{h}:\n{screen}");
        assert!(last.ends_with("Tab complete · Enter run · Esc cancel"), "{w}x{h}:\n{screen}");
        assert!(!screen.contains("q quit"), "the normal footer is gone:\n{screen}");
    }
}

#[test]
fn candidates_show_above_the_word_with_the_current_one_marked() {
    let candidates: Vec<String> = ["eu-west-1", "eu-west-2", "eu-west-3"].map(String::from).into();
    let completion = Completion { candidates, index: 1, word_start: "region ".len() };
    let buf = draw(&model(80, 24, "region eu-west-2", Some(completion)));
    let screen = text(&buf);
    let lines: Vec<&str> = screen.lines().collect();
    assert!(lines[23].starts_with(":region eu-west-2"), "{screen}");
    // The box's last row sits right above the line; its names start under the word.
    assert!(lines[22].trim_start().starts_with('└'), "{screen}");
    assert!(lines[18].contains("2/3"), "the title counts:\n{screen}");
    for (row, name) in [(19, "eu-west-1"), (20, "eu-west-2"), (21, "eu-west-3")] {
        let col = lines[row].find(name).map(|byte| lines[row][..byte].chars().count());
        assert_eq!(col, Some(":region ".len()), "{name} under the word:\n{screen}");
    }
    assert!(buf[(8, 20)].modifier.contains(ratatui::style::Modifier::REVERSED), "the current one is marked");
    assert!(!buf[(8, 19)].modifier.contains(ratatui::style::Modifier::REVERSED));
}

#[test]
fn a_long_line_keeps_its_end_and_a_tiny_screen_does_not_panic() {
    let long = format!("pipeline {}", "x".repeat(200));
    let screen = text(&draw(&model(80, 24, &long, None)));
    assert!(screen.lines().last().unwrap_or("").starts_with(":xxxx"), "{screen}");
    let many: Vec<String> = (0..40).map(|i| format!("name-{i}")).collect();
    for (w, h) in [(1, 1), (4, 2), (20, 5), (30, 8)] {
        let completion = Completion { candidates: many.clone(), index: 39, word_start: 9 };
        draw(&model(w, h, "pipeline name-39", Some(completion)));
    }
}

#[test]
fn the_header_says_which_connection_is_being_built() {
    let mut m = samples::model(samples::running_build(), 120, 30);
    m.switching = Some("profile prod".into());
    let screen = text(&draw(&m));
    let header = screen.lines().next().unwrap_or("");
    assert!(header.contains("profile dev │ connecting to profile prod…"), "{header}");
}
