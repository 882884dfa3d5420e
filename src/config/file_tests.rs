//! The config file: parse errors with line and column, each kind of bad
//! value, the settings reaching Config, the printed default reading back.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;

use super::*;
use crate::keymap::{Action, Context};
use crate::model::{Mode, Pane};

fn error(text: &str) -> String {
    parse(text).expect_err("the file is bad")
}

#[test]
fn print_default_reads_back_to_exactly_the_defaults() {
    let text = default_file();
    assert_eq!(parse(&text), Ok(Config::default()));
    // Every bound action is listed, and uncommenting the whole [keys] list
    // parses (every default key is written so it reads back).
    for action in Action::bound() {
        assert!(text.contains(&format!("\n# {} = [", action.name())), "{} missing", action.name());
    }
    let (head, keys) = text.split_once("\n[keys]\n").expect("a [keys] table");
    let keys: Vec<&str> = keys.lines().map(|l| l.strip_prefix("# ").unwrap_or(l)).collect();
    let uncommented = format!("{head}\n[keys]\n{}\n", keys.join("\n"));
    let config = parse(&uncommented).expect("uncommented defaults parse");
    assert_ne!(config.keymap, Config::default().keymap, "the [keys] lines were uncommented");
    let key = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(config.keymap.lookup_in(Context::new(Mode::Normal, Pane::Graph), &key), Some(Action::Quit));
}

#[test]
fn an_empty_file_is_the_defaults() {
    assert_eq!(parse(""), Ok(Config::default()));
    assert_eq!(parse("# nothing\n\n"), Ok(Config::default()));
}

#[test]
fn settings_reach_the_config() {
    let c = parse(
        r##"
log_lines = 500
ascii = true
read_only = true
read_only_profiles = ["*prod*", "acme-?"]
confirm_by_name_profiles = []
[intervals]
state_active = 2.5
rows = 60
[notifications]
bell = false
desktop = "osc777"
title = false
[theme]
accent = "#ff8800"
dim = "gray"
[keys]
quit = ["Q", "ctrl-q"]
"##,
    )
    .expect("valid file");
    assert_eq!(c.log_capacity, 500);
    assert!(c.ascii && c.read_only);
    assert_eq!(c.read_only_profiles, vec!["*prod*".to_string(), "acme-?".to_string()]);
    assert!(c.confirm_by_name_profiles.is_empty());
    assert_eq!(c.intervals.state_active, Duration::from_millis(2500));
    assert_eq!(c.intervals.rows, Duration::from_secs(60));
    assert_eq!(c.intervals.build, Config::default().intervals.build, "unset keys keep defaults");
    assert_eq!(c.notify, Notify { bell: false, desktop: Desktop::Osc777, title: false });
    assert_eq!(c.theme.accent, Color::Rgb(255, 136, 0));
    assert_eq!(c.theme.dim, Color::Gray);
    assert_eq!(c.theme.ok, Color::Green);
    let graph = Context::new(Mode::Normal, Pane::Graph);
    let quit = |code, mods| c.keymap.lookup_in(graph, &KeyEvent::new(code, mods));
    assert_eq!(quit(KeyCode::Char('q'), KeyModifiers::CONTROL), Some(Action::Quit));
    assert_eq!(quit(KeyCode::Char('Q'), KeyModifiers::SHIFT), Some(Action::Quit));
    assert_eq!(quit(KeyCode::Char('q'), KeyModifiers::NONE), None);
}

#[test]
fn syntax_errors_name_line_and_column() {
    let e = error("ascii = true\nlog_lines = = 3\n");
    assert!(e.starts_with("2:13: "), "{e}");
    assert!(!e.contains('\n'), "one line: {e}");
}

#[test]
fn unknown_fields_are_named_with_the_expected_ones() {
    let e = error("[theme]\naccent = \"cyan\"\n\ncolour = \"red\"\n");
    assert!(e.starts_with("4:1: unknown field `colour`, expected one of `accent`"), "{e}");
    let e = error("log_line = 5\n");
    assert!(e.starts_with("1:1: unknown field `log_line`"), "{e}");
}

#[test]
fn bad_values_are_reported_where_they_are() {
    let cases = [
        ("[keys]\nquit = [\"q\", \"ctrl-\"]\n", "2:14: unknown key `ctrl-`"),
        ("[keys]\nexit = [\"q\"]\n", "2:1: unknown action `exit`, expected one of `"),
        ("[keys]\nquit = []\n", "2:8: no keys"),
        ("read_only_profiles = [\"prod\", \"a[b\"]\n", "1:31: bad profile pattern `a[b`: unclosed character class"),
        ("[theme]\nok = \"greenish\"\n", "2:6: unknown colour `greenish`"),
        ("[intervals]\nlog = 0\n", "2:7: 0 seconds: use a number above 0"),
        ("[intervals]\nrows = -3\n", "2:8: -3 seconds"),
        ("log_lines = 0\n", "1:13: 0: use a number of at least 1"),
        (
            "[notifications]\ndesktop = \"growl\"\n",
            "2:11: unknown variant `growl`, expected one of `osc9`, `osc777`, `off`",
        ),
        ("ascii = \"yes\"\n", "1:9: invalid type: string \"yes\", expected a boolean"),
    ];
    let mut wrong = Vec::new();
    for (text, want) in cases {
        let e = error(text);
        if !e.starts_with(want) {
            wrong.push(format!("{text:?}: got {e:?}, want {want:?}"));
        }
        assert!(!e.contains('\n'), "one line: {e}");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn line_and_column_count_characters_not_bytes() {
    // "é" is two bytes: the column of the bad value is still 23.
    let e = error("# café\n[theme]\naccent = \"cyan\" # é\nok = 7\n");
    assert!(e.starts_with("4:6: "), "{e}");
    let e = error("[theme]\n# é é é\naccent = \"é\"\n");
    assert!(e.starts_with("3:10: unknown colour `é`"), "{e}");
}

#[test]
fn a_missing_explicit_file_is_an_error_and_a_bad_one_names_its_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope.toml");
    let e = load(Some(&missing)).expect_err("missing --config file").to_string();
    assert!(e.starts_with(&format!("config file {}: ", missing.display())), "{e}");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "ascii = true\nbogus = 1\n").expect("write");
    let e = load(Some(&bad)).expect_err("bad file").to_string();
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.starts_with(&format!("{}:2:1: unknown field `bogus`", bad.display())), "{e}");
    let good = dir.path().join("good.toml");
    std::fs::write(&good, "log_lines = 7\n").expect("write");
    assert_eq!(load(Some(&good)).expect("good file").log_capacity, 7);
}

#[test]
fn fleet_entries_add_up_by_name_and_bad_ones_name_their_place() {
    let text = "[[fleet]]\nname = \"all\"\nprofile = \"dev\"\nregions = [\"us-east-1\", \"eu-west-1\"]\nfilter = [\"pay*\"]\n\n[[fleet]]\nname = \"all\"\nprofile = \"prod\"\nregions = [\"us-east-1\"]\n";
    let c = parse(text).expect("valid fleets");
    let all = members_of(&c.fleets, "all");
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].profile, "dev");
    assert_eq!(all[0].regions, ["us-east-1", "eu-west-1"]);
    assert_eq!(all[0].filters, ["pay*"]);
    assert!(all[1].filters.is_empty());
    assert!(members_of(&c.fleets, "none").is_empty());
    // A bad Region: the element's line and column.
    let bad = "[[fleet]]\nname = \"x\"\nprofile = \"dev\"\nregions = [\"us-east-1\", \"mars\"]\n";
    assert_eq!(error(bad), "4:25: `mars` is not an AWS Region (like eu-west-1)");
    let glob = "[[fleet]]\nname = \"x\"\nprofile = \"dev\"\nregions = [\"us-east-1\"]\nfilter = [\"a[\"]\n";
    assert!(error(glob).starts_with("5:11: bad pipeline-name pattern `a[`"), "{}", error(glob));
    let empty = "[[fleet]]\nname = \"x\"\nprofile = \"dev\"\nregions = []\n";
    assert_eq!(error(empty), "4:11: regions is empty: name at least one");
    let missing = "[[fleet]]\nname = \"x\"\nregions = [\"us-east-1\"]\n";
    assert!(error(missing).starts_with("1:1: missing field `profile`"), "{}", error(missing));
    let unknown = "[[fleet]]\nname = \"x\"\nprofile = \"p\"\nregions = [\"us-east-1\"]\nregion = \"x\"\n";
    assert!(error(unknown).starts_with("5:1: unknown field `region`"), "{}", error(unknown));
}
