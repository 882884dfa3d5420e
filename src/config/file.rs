//! The config file: where it is, reading it onto the defaults, and the
//! commented default file `pipewatch config --print-default` prints.

use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, eyre};
use serde::Deserialize;
use toml::Spanned;

use super::values::{Colour, KeyTable, Located, Positive, Seconds, check, check_pattern};
use super::{Config, Desktop};
use crate::keymap::{Action, BINDINGS, Keymap, key_spec, parse_key};

/// `$XDG_CONFIG_HOME/pipewatch/config.toml`, else `~/.config/pipewatch/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    let absolute = |var: &str| std::env::var_os(var).map(PathBuf::from).filter(|p| p.is_absolute());
    let base = absolute("XDG_CONFIG_HOME").or_else(|| absolute("HOME").map(|h| h.join(".config")))?;
    Some(base.join("pipewatch").join("config.toml"))
}

/// The settings from `explicit` (which must exist), else from the default
/// file when there is one, else the defaults.
pub fn load(explicit: Option<&Path>) -> Result<Config> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => match default_path() {
            Some(p) if p.exists() => p,
            _ => return Ok(Config::default()),
        },
    };
    let text = std::fs::read_to_string(&path).map_err(|e| eyre!("config file {}: {e}", path.display()))?;
    parse(&text).map_err(|e| eyre!("{}:{e}", path.display()))
}

/// The file's settings over the defaults; an error reads "LINE:COLUMN: what".
pub fn parse(text: &str) -> Result<Config, String> {
    let at = |offset: usize, message: &str| {
        let (line, column) = line_column(text, offset);
        // One line: toml's messages may carry a second line of detail.
        format!("{line}:{column}: {}", message.trim().replace('\n', "; "))
    };
    let file: File = toml::from_str(text).map_err(|e| at(e.span().map_or(0, |s| s.start), e.message()))?;
    file.apply(Config::default()).map_err(|l| at(l.at, &l.message))
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    log_lines: Option<Positive>,
    ascii: Option<bool>,
    read_only: Option<bool>,
    read_only_profiles: Option<Vec<Spanned<String>>>,
    confirm_by_name_profiles: Option<Vec<Spanned<String>>>,
    intervals: Option<IntervalsFile>,
    notifications: Option<NotificationsFile>,
    theme: Option<ThemeFile>,
    keys: Option<KeyTable>,
    fleet: Option<Vec<super::fleet::FleetFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IntervalsFile {
    state_active: Option<Seconds>,
    state_idle: Option<Seconds>,
    build: Option<Seconds>,
    log: Option<Seconds>,
    log_quiet: Option<Seconds>,
    pipelines: Option<Seconds>,
    rows: Option<Seconds>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NotificationsFile {
    bell: Option<bool>,
    desktop: Option<DesktopFile>,
    title: Option<bool>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum DesktopFile {
    Osc9,
    Osc777,
    Off,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    accent: Option<Colour>,
    ok: Option<Colour>,
    failed: Option<Colour>,
    running: Option<Colour>,
    stopped: Option<Colour>,
    dim: Option<Colour>,
}

fn set<T, V>(slot: &mut T, value: Option<V>, convert: impl FnOnce(V) -> T) {
    if let Some(v) = value {
        *slot = convert(v);
    }
}

impl File {
    fn apply(self, mut c: Config) -> Result<Config, Located> {
        set(&mut c.log_capacity, self.log_lines, |n| n.0);
        set(&mut c.ascii, self.ascii, |b| b);
        set(&mut c.read_only, self.read_only, |b| b);
        let patterns = |ps: Option<Vec<Spanned<String>>>| {
            ps.map(|ps| ps.iter().map(|p| check(p, check_pattern)).collect::<Result<Vec<_>, _>>()).transpose()
        };
        set(&mut c.read_only_profiles, patterns(self.read_only_profiles)?, |ps| ps);
        set(&mut c.confirm_by_name_profiles, patterns(self.confirm_by_name_profiles)?, |ps| ps);
        if let Some(i) = self.intervals {
            let t = &mut c.intervals;
            let secs = |s: Seconds| s.0;
            set(&mut t.state_active, i.state_active, secs);
            set(&mut t.state_idle, i.state_idle, secs);
            set(&mut t.build, i.build, secs);
            set(&mut t.log, i.log, secs);
            set(&mut t.log_quiet, i.log_quiet, secs);
            set(&mut t.pipelines, i.pipelines, secs);
            set(&mut t.rows, i.rows, secs);
        }
        if let Some(n) = self.notifications {
            set(&mut c.notify.bell, n.bell, |b| b);
            set(&mut c.notify.title, n.title, |b| b);
            set(&mut c.notify.desktop, n.desktop, |d| match d {
                DesktopFile::Osc9 => Desktop::Osc9,
                DesktopFile::Osc777 => Desktop::Osc777,
                DesktopFile::Off => Desktop::Off,
            });
        }
        if let Some(t) = self.theme {
            let colour = |c: Colour| c.0;
            set(&mut c.theme.accent, t.accent, colour);
            set(&mut c.theme.ok, t.ok, colour);
            set(&mut c.theme.failed, t.failed, colour);
            set(&mut c.theme.running, t.running, colour);
            set(&mut c.theme.stopped, t.stopped, colour);
            set(&mut c.theme.dim, t.dim, colour);
        }
        for entry in self.fleet.unwrap_or_default() {
            c.fleets.push(entry.member()?);
        }
        if let Some(table) = self.keys {
            let mut overrides = Vec::new();
            for (action, keys) in table.0 {
                let keys = keys.0.iter().map(|k| check(k, parse_key)).collect::<Result<Vec<_>, _>>()?;
                overrides.push((action, keys));
            }
            c.keymap = Keymap::new(overrides);
        }
        Ok(c)
    }
}

/// The commented default file: every setting at its default, the keys
/// listed from the keymap (commented out: an action set here loses its
/// default keys everywhere it applies).
pub fn default_file() -> String {
    let mut out = String::from(include_str!("default.toml"));
    for action in Action::bound() {
        let bindings: Vec<_> = BINDINGS.iter().filter(|b| b.action == action).collect();
        let specs = |keys: &[crate::keymap::KeyPress]| {
            let mut out: Vec<String> = Vec::new();
            for k in keys {
                let spec = format!("\"{}\"", key_spec(k));
                if !out.contains(&spec) {
                    out.push(spec);
                }
            }
            out
        };
        // The keys that work everywhere the action applies (Esc closes
        // everything; `q` closes help but types a `q` into a search).
        let all: Vec<Vec<String>> = bindings.iter().map(|b| specs(b.keys)).collect();
        let common: Vec<String> = all
            .first()
            .map(|first| first.iter().filter(|k| all.iter().all(|ks| ks.contains(k))).cloned().collect())
            .unwrap_or_default();
        let mut also: Vec<String> = Vec::new();
        for k in all.iter().flatten() {
            if !common.contains(k) && !also.contains(k) {
                also.push(k.clone());
            }
        }
        let mut what: Vec<&str> = Vec::new();
        for b in &bindings {
            if !what.contains(&b.description) {
                what.push(b.description);
            }
        }
        let also = if also.is_empty() { String::new() } else { format!(" (in some places also {})", also.join(", ")) };
        out.push_str(&format!("# {} = [{}]  # {}{also}\n", action.name(), common.join(", "), what.join("; ")));
    }
    out
}
