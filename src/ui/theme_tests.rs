//! The config file's effect on drawing: theme colours, NO_COLOR, and
//! overridden keys in the footer and help.

use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::style::{Color, Modifier};

use super::tests::{draw, fg_at, text};
use crate::config::Theme;
use crate::keymap::{Action, Keymap};
use crate::model::{Modal, Model, samples};

fn running(w: u16, h: u16) -> Model {
    samples::model(samples::running_build(), w, h)
}

#[test]
fn no_color_draws_no_colour_but_keeps_focus_visible() {
    let mut m = running(80, 24);
    let coloured = draw(&m);
    assert!(coloured.content.iter().any(|c| c.fg != Color::Reset), "the default theme draws colours");
    m.config.theme.no_color = true;
    let plain = draw(&m);
    assert_eq!(text(&plain), text(&coloured), "the same text");
    for cell in &plain.content {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{:?} has a colour", cell.symbol());
    }
    // The focused pane's title (bold accent in colour) is reversed instead.
    let focused = plain.content.iter().filter(|c| c.modifier.contains(Modifier::REVERSED)).count();
    assert!(focused > 0, "focus is still visible");
    let help = {
        m.modal = Modal::Help { page: 0 };
        draw(&m)
    };
    assert!(help.content.iter().all(|c| c.fg == Color::Reset && c.bg == Color::Reset));
}

#[test]
fn theme_colours_replace_the_defaults() {
    let mut m = running(80, 24);
    assert_eq!(fg_at(&draw(&m), "mlops-demo"), Color::Cyan);
    m.config.theme = Theme { accent: Color::Rgb(255, 136, 0), ok: Color::LightGreen, ..Theme::default() };
    let buf = draw(&m);
    assert_eq!(fg_at(&buf, "mlops-demo"), Color::Rgb(255, 136, 0));
    assert!(!buf.content.iter().any(|c| c.fg == Color::Cyan || c.fg == Color::Green), "no default accent or ok left");
    assert!(buf.content.iter().any(|c| c.fg == Color::LightGreen), "succeeded stages in the new ok colour");
}

#[test]
fn footer_and_help_show_overridden_keys() {
    let mut m = running(80, 24);
    m.config.keymap = Keymap::new(vec![(Action::Quit, vec![(KeyCode::Char('x'), KeyModifiers::CONTROL)])]);
    let screen = text(&draw(&m));
    let footer = screen.lines().last().unwrap_or_default();
    assert!(footer.starts_with(" Ctrl-x quit"), "{footer:?}");
    m.modal = Modal::Help { page: 0 };
    let help = text(&draw(&m));
    assert!(help.contains("Ctrl-x") && help.contains("quit"), "{help}");
    assert!(!help.contains("Ctrl-c"), "the default quit keys are gone:\n{help}");
}
