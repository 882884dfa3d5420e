//! Key presses as update receives them, for the update tests: one place that
//! builds them, so each test file says only which key.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::msg::Msg;

/// A character key with no modifier.
pub(super) fn key(c: char) -> Msg {
    code(KeyCode::Char(c))
}

/// Any key with no modifier (Enter, Esc, arrows, F-keys).
pub(super) fn code(c: KeyCode) -> Msg {
    key_with(c, KeyModifiers::NONE)
}

/// A character key with Ctrl held.
pub(super) fn ctrl(c: char) -> Msg {
    key_with(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// A character key with Shift held (as terminals report `:` or `L`).
pub(super) fn shift(c: char) -> Msg {
    key_with(KeyCode::Char(c), KeyModifiers::SHIFT)
}

pub(super) fn key_with(c: KeyCode, mods: KeyModifiers) -> Msg {
    Msg::Key(KeyEvent::new(c, mods))
}
