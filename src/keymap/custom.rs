//! The keymap the app uses: the default BINDINGS with the config file's
//! `[keys]` overrides (action -> keys) laid over them. A value in the
//! model's config, not global state, so tests can build their own.

use std::borrow::Cow;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Action, BINDINGS, Binding, Context, Scope, applies, footer_with, help_with, key_name, same_key};

/// A key and its modifiers, as bindings store them.
pub type KeyPress = (KeyCode, KeyModifiers);

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keymap {
    /// Actions whose default keys are replaced, in the file's order.
    overrides: Vec<(Action, Vec<KeyPress>)>,
}

impl Keymap {
    /// `overrides`: each action's new keys (at least one), replacing its
    /// default keys everywhere the action is bound.
    pub fn new(overrides: Vec<(Action, Vec<KeyPress>)>) -> Self {
        Keymap { overrides: overrides.into_iter().filter(|(_, keys)| !keys.is_empty()).collect() }
    }

    fn replaced(&self, action: Action) -> Option<&[KeyPress]> {
        self.overrides.iter().find(|(a, _)| *a == action).map(|(_, keys)| keys.as_slice())
    }

    /// The keys that trigger `b` now.
    pub fn keys_of<'a>(&'a self, b: &'static Binding) -> &'a [KeyPress] {
        self.replaced(b.action).unwrap_or(b.keys)
    }

    pub fn lookup_in(&self, cx: Context, key: &KeyEvent) -> Option<Action> {
        let hit = |b: &&'static Binding| applies(b.scope, cx) && self.keys_of(b).iter().any(|k| same_key(k, key));
        // A key the user added wins over another binding's default of the
        // same key; a key the action had anyway keeps the table's order (so
        // `start = ["s", …]` does not take `s` from the post-push start).
        let added = |b: &&'static Binding| {
            applies(b.scope, cx)
                && self.replaced(b.action).is_some_and(|keys| {
                    keys.iter().any(|k| same_key(k, key) && !b.keys.iter().any(|d| same_key(d, key)))
                })
        };
        BINDINGS.iter().find(added).or_else(|| BINDINGS.iter().find(hit)).map(|b| b.action)
    }

    /// The footer hints; an overridden action shows its first new key.
    pub fn footer_hints_in(&self, cx: Context) -> Vec<(Cow<'static, str>, &'static str)> {
        self.footer_entries_in(cx).into_iter().map(|(label, hint, _)| (label, hint)).collect()
    }

    /// The footer hints with the action each one triggers.
    pub fn footer_entries_in(&self, cx: Context) -> Vec<(Cow<'static, str>, &'static str, Action)> {
        footer_with(cx, |b| match self.replaced(b.action) {
            Some(keys) => Cow::Owned(keys.first().map(key_name).unwrap_or_default()),
            None => Cow::Borrowed(b.label),
        })
    }

    pub fn help_sections(&self) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
        help_with(self)
    }
}

impl Action {
    /// The action's name in the config file's `[keys]` table: the variant's
    /// name in snake_case (`FocusNext` is `focus_next`), derived by strum.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The bound actions, each once: those bound everywhere first (quit,
    /// help, ...), then the panes', then those only popups and the search use.
    pub fn bound() -> Vec<Action> {
        let rank = |b: &&Binding| match b.scope {
            Scope::Global => 0,
            Scope::Pane(_) | Scope::PushOffer | Scope::PastShown => 1,
            Scope::Mode(_) => 2,
        };
        let mut ordered: Vec<&Binding> = BINDINGS.iter().collect();
        ordered.sort_by_key(rank);
        let mut out: Vec<Action> = Vec::new();
        for b in ordered {
            if !out.contains(&b.action) {
                out.push(b.action);
            }
        }
        out
    }

    /// The bound action called `name`; else an error listing the names.
    pub fn from_name(name: &str) -> Result<Action, String> {
        let bound = Action::bound();
        bound.iter().copied().find(|a| a.name() == name).ok_or_else(|| {
            let names: Vec<String> = bound.iter().map(|a| format!("`{}`", a.name())).collect();
            format!("unknown action `{name}`, expected one of {}", names.join(", "))
        })
    }
}

/// Named keys in the config file, with their codes.
const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("space", KeyCode::Char(' ')),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("insert", KeyCode::Insert),
    ("delete", KeyCode::Delete),
];

/// A key as the config file writes it: "q", "G", "?", "ctrl-c", "alt-x",
/// "esc", "pagedown", "shift-tab", "f5" (names and modifiers in any case).
pub fn parse_key(text: &str) -> Result<KeyPress, String> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = text;
    // A lone character is that key, even "-".
    while rest.chars().count() > 1 {
        let Some((prefix, tail)) = rest.split_once('-') else { break };
        let m = match prefix.to_ascii_lowercase().as_str() {
            "ctrl" | "c" => KeyModifiers::CONTROL,
            "alt" | "a" | "m" => KeyModifiers::ALT,
            "shift" | "s" => KeyModifiers::SHIFT,
            _ => return Err(bad_key(text)),
        };
        mods |= m;
        rest = tail;
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) if mods.contains(KeyModifiers::SHIFT) && c.is_ascii_lowercase() => {
            // Terminals send Shift+n as 'N'.
            KeyCode::Char(c.to_ascii_uppercase())
        }
        (Some(c), None) => KeyCode::Char(c),
        (Some(_), Some(_)) => named(rest).ok_or_else(|| bad_key(text))?,
        (None, _) => return Err(bad_key(text)),
    };
    if code == KeyCode::Tab && mods.contains(KeyModifiers::SHIFT) {
        return Ok((KeyCode::BackTab, mods));
    }
    Ok((code, mods))
}

fn named(name: &str) -> Option<KeyCode> {
    let lower = name.to_ascii_lowercase();
    let alias = match lower.as_str() {
        "escape" => "esc",
        "return" => "enter",
        "pgup" => "pageup",
        "pgdn" => "pagedown",
        "del" => "delete",
        "ins" => "insert",
        other => other,
    };
    if let Some(n) = alias.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
        return (1..=24).contains(&n).then_some(KeyCode::F(n));
    }
    NAMED.iter().find(|(n, _)| *n == alias).map(|(_, code)| *code)
}

fn bad_key(text: &str) -> String {
    let names: Vec<&str> = NAMED.iter().map(|(n, _)| *n).collect();
    format!(
        "unknown key `{text}`: use one character (\"q\"), or {}, f1-f24, with ctrl-, alt- or shift- before it",
        names.join(", ")
    )
}

/// A key as `parse_key` reads it back: "ctrl-c", "pagedown", "N".
pub fn key_spec((code, mods): &KeyPress) -> String {
    let base = match code {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::F(n) => format!("f{n}"),
        other => NAMED.iter().find(|(_, c)| c == other).map_or_else(|| format!("{other:?}"), |(n, _)| n.to_string()),
    };
    let mut out = String::new();
    if mods.contains(KeyModifiers::CONTROL) {
        out.push_str("ctrl-");
    }
    if mods.contains(KeyModifiers::ALT) {
        out.push_str("alt-");
    }
    // Shift is in the character already ("N"), and BackTab is Shift-Tab.
    out + &base
}

#[cfg(test)]
#[path = "custom_tests.rs"]
mod tests;
