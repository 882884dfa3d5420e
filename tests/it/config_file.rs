//! The config file through the real binary: a bad file stops the monitor
//! with one line and exit 2, `config --print-default` prints a file that
//! reads back, `--path` and `--check` name the file.

use std::path::Path;
use std::process::Output;

use crate::harness::{self, stderr};

/// The binary with `xdg` as its config home.
fn pipewatch(args: &[&str], xdg: &Path) -> Output {
    harness::pipewatch(args).config_home(xdg).run()
}

#[test]
fn a_bad_config_file_stops_the_monitor_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "ascii = true\n[theme]\ncolour = \"red\"\n").unwrap();
    let out = pipewatch(&["--config", bad.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let want = format!("pipewatch: {}:3:1: unknown field `colour`, expected one of `accent`", bad.display());
    assert!(err.starts_with(&want), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");

    // The same file at the default location is read without --config.
    let home = dir.path().join("xdg");
    std::fs::create_dir_all(home.join("pipewatch")).unwrap();
    std::fs::write(home.join("pipewatch/config.toml"), "[keys]\nquit = [\"hyper-q\"]\n").unwrap();
    let out = pipewatch(&["--sandbox"], &home);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("pipewatch/config.toml:2:9: unknown key `hyper-q`"), "{err}");

    let missing = dir.path().join("missing.toml");
    let out = pipewatch(&["--config", missing.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with(&format!("pipewatch: config file {}: ", missing.display())), "{}", stderr(&out));
}

#[test]
fn print_default_reads_back_and_the_monitor_accepts_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = pipewatch(&["config", "--print-default"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(pipewatch::config::parse(&text), Ok(pipewatch::config::Config::default()));
    let file = dir.path().join("config.toml");
    std::fs::write(&file, &text).unwrap();
    let out = pipewatch(&["config", "--check", "--config", file.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{}: ok\n", file.display()));
    // Past the config: the monitor stops only because stdin is no terminal.
    let out = pipewatch(&["--config", file.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("needs a terminal"), "{}", stderr(&out));
}

#[test]
fn path_and_check_name_the_default_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = pipewatch(&["config", "--path"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let path = dir.path().join("pipewatch").join("config.toml");
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{}\n", path.display()));
    let out = pipewatch(&["config", "--check"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("no such file; the defaults apply"));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "[intervals]\nlog = 0\n").unwrap();
    let out = pipewatch(&["config", "--check"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err, format!("pipewatch: {}:2:7: 0 seconds: use a number above 0 and at most 86400\n", path.display()));
    let out = pipewatch(&["config"], dir.path());
    assert_eq!(out.status.code(), Some(2), "a bare `config` is a usage error");
}

#[test]
fn the_readme_example_config_is_valid() {
    let text = std::fs::read_to_string(crate::harness::repo_root().join("README.md")).unwrap();
    let section = &text[text.find("## Configuration").expect("a Configuration section")..];
    let start = section.find("```toml\n").expect("an example config") + "```toml\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let config = pipewatch::config::parse(example).unwrap_or_else(|e| panic!("README example: {e}"));
    assert_eq!(config.log_capacity, 200_000);
    assert_eq!(config.theme.accent, ratatui::style::Color::Rgb(255, 136, 0));
}
