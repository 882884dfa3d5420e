//! Settings with their defaults. The CLI fills some in; the config file
//! (`~/.config/pipewatch/config.toml`) the rest.

use globset::GlobBuilder;
use ratatui::style::Color;

use crate::keymap::Keymap;

mod file;
mod fleet;
mod intervals;
mod values;
pub use file::{default_file, default_path, load, parse};
pub use fleet::{FleetMember, fleet_members, members_of};
pub use intervals::Intervals;
pub use values::parse_color;

/// The settings: defaults, then the config file, then the command line.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Log lines kept per build (a ring buffer: the oldest are dropped).
    pub log_capacity: usize,
    /// Draw status symbols and arrows with ASCII only.
    pub ascii: bool,
    /// The periodic tick that advances elapsed times and countdowns.
    pub tick_ms: u64,
    /// Shortest time between two frames (about 30 frames/s).
    pub frame_ms: u64,
    /// `--read-only`: no key sends a mutating request, whatever the profile.
    pub read_only: bool,
    /// Profiles (glob patterns, e.g. `*prod*`) that are always read-only.
    pub read_only_profiles: Vec<String>,
    /// Profiles whose confirmations ask for the pipeline name to be typed.
    pub confirm_by_name_profiles: Vec<String>,
    pub notify: Notify,
    /// Colours (or none, with NO_COLOR); applied when a frame is finished.
    pub theme: Theme,
    /// Keys: the defaults with the file's `[keys]` overrides.
    pub keymap: Keymap,
    /// Poll intervals, handed to the workers.
    pub intervals: Intervals,
    /// `[[fleet]]` entries: each a profile's part of a named fleet.
    pub fleets: Vec<FleetMember>,
}

/// The palette: the config file's `[theme]` names a colour for each default
/// colour the UI draws with (`ui::theme` swaps them when a frame is finished),
/// or none at all with `NO_COLOR`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    /// Focus, keys, the followed pipeline, queued (default cyan).
    pub accent: Color,
    /// Succeeded, "API ok" (default green).
    pub ok: Color,
    /// Failed, errors, disabled transitions (default red).
    pub failed: Color,
    /// In progress, warnings, the current search match (default yellow).
    pub running: Color,
    /// Stopped, cancelled, superseded, the sandbox endpoint (default magenta).
    pub stopped: Color,
    /// Unfocused borders, hints, unknown states (default dark gray).
    pub dim: Color,
    /// `NO_COLOR`: draw no colour at all (bold and reversed stay).
    pub no_color: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            accent: Color::Cyan,
            ok: Color::Green,
            failed: Color::Red,
            running: Color::Yellow,
            stopped: Color::Magenta,
            dim: Color::DarkGray,
            no_color: false,
        }
    }
}

impl Theme {
    /// `NO_COLOR` set and not empty (no-color.org).
    pub fn no_color_from_env() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    }
}

/// What happens when the followed execution ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notify {
    /// Ring the terminal bell (BEL).
    pub bell: bool,
    /// A desktop notification through the terminal (OSC 9 or OSC 777).
    pub desktop: Desktop,
    /// Set the terminal title (OSC 0/2), e.g. "✔ mlops-demo Succeeded".
    pub title: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Desktop {
    Off,
    /// `ESC ] 9 ; text BEL` (iTerm2, Windows Terminal, kitty, WezTerm).
    Osc9,
    /// `ESC ] 777 ; notify ; title ; body BEL` (urxvt, foot, Ghostty, VTE).
    Osc777,
}

impl Default for Notify {
    fn default() -> Self {
        Notify { bell: true, desktop: Desktop::Osc9, title: true }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            log_capacity: 100_000,
            ascii: false,
            tick_ms: 1000,
            frame_ms: 33,
            read_only: false,
            read_only_profiles: Vec::new(),
            confirm_by_name_profiles: vec!["*prod*".to_string()],
            notify: Notify::default(),
            theme: Theme::default(),
            keymap: Keymap::default(),
            intervals: Intervals::default(),
            fleets: Vec::new(),
        }
    }
}

impl Config {
    /// ASCII when the locale does not promise UTF-8 (e.g. LANG=C on a bastion).
    pub fn ascii_from_env() -> bool {
        let locale =
            ["LC_ALL", "LC_CTYPE", "LANG"].iter().find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
        match locale {
            Some(v) => {
                let v = v.to_ascii_lowercase();
                !(v.contains("utf-8") || v.contains("utf8"))
            }
            None => false,
        }
    }

    /// Whether mutating keys are off for `profile` (`--read-only`, or a
    /// read-only profile pattern matches).
    pub fn read_only_for(&self, profile: Option<&str>) -> bool {
        self.read_only || self.read_only_profile(profile)
    }

    /// Whether `profile` matches a read-only profile pattern (the rule
    /// `pipewatch push` keeps too).
    pub fn read_only_profile(&self, profile: Option<&str>) -> bool {
        matches_any(&self.read_only_profiles, profile)
    }

    /// Whether confirming means typing the pipeline name for `profile`.
    pub fn confirm_by_name_for(&self, profile: Option<&str>) -> bool {
        matches_any(&self.confirm_by_name_profiles, profile)
    }
}

/// Glob match of a profile name (no profile: the name "default"). Patterns
/// are validated when the config is read; a bad one here matches nothing.
fn matches_any(patterns: &[String], profile: Option<&str>) -> bool {
    let name = profile.unwrap_or("default");
    patterns
        .iter()
        .any(|p| GlobBuilder::new(p).case_insensitive(true).build().is_ok_and(|g| g.compile_matcher().is_match(name)))
}

#[cfg(test)]
mod file_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_rules_match_globs_and_the_flag_wins() {
        let c = Config { read_only_profiles: vec!["*prod*".into()], ..Config::default() };
        assert!(c.read_only_for(Some("acme-prod-admin")));
        assert!(!c.read_only_for(Some("dev")));
        assert!(!c.read_only_for(None));
        let flag = Config { read_only: true, ..Config::default() };
        assert!(flag.read_only_for(Some("dev")));
        assert!(Config::default().confirm_by_name_for(Some("prod")));
        assert!(!Config::default().confirm_by_name_for(Some("staging")));
    }
}
