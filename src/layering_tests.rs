//! The dependency direction, checked: the pure core (`update`, `model`,
//! `layout`, `config`) names no module that does IO or draws. A `crate::` path
//! (or `super::super::`) to a forbidden module anywhere in those files fails
//! here, with the file and the path.

use std::path::{Path, PathBuf};

/// Modules that talk to AWS, spawn tasks, touch files or the terminal, or draw.
const IO_AND_WIDGETS: &[&str] = &["ui", "workers", "aws", "app", "headless", "sandbox", "push", "pack", "cli"];

/// (files under src/, modules they may not name).
fn rules() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut below_msg = IO_AND_WIDGETS.to_vec();
    // The model is below `msg` (msg carries model types, not the reverse).
    below_msg.push("msg");
    vec![
        ("update", IO_AND_WIDGETS.to_vec()),
        ("model", below_msg.clone()),
        ("config", below_msg.clone()),
        ("keymap", below_msg),
    ]
}

/// `layout` may name only the model, the keymap and itself.
const LAYOUT_MAY_NAME: &[&str] = &["layout", "model", "keymap"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// `src/<name>.rs` and every file under `src/<name>/`.
fn files_of(name: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let file = src().join(format!("{name}.rs"));
    if file.is_file() {
        out.push(file);
    }
    let mut dirs = vec![src().join(name)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The code without comments (doc comments included) and without the text
/// of string and char literals (a URL's `//` or a glob's `/*` is no comment).
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        rest = if let Some(after) = rest.strip_prefix("//") {
            after.find('\n').map_or("", |i| &after[i..])
        } else if let Some(after) = rest.strip_prefix("/*") {
            after.find("*/").map_or("", |i| &after[i + 2..])
        } else if let Some(after) = rest.strip_prefix("r#\"") {
            after.find("\"#").map_or("", |i| &after[i + 2..])
        } else if let Some(after) = rest.strip_prefix("r\"") {
            after.find('"').map_or("", |i| &after[i + 1..])
        } else if let Some(after) = rest.strip_prefix('"') {
            after_string(after)
        } else if let Some(after) = rest.strip_prefix("'\\") {
            // '\'', '\\', '\n', '\u{..}': up to the closing quote after the escape.
            after.get(1..).and_then(|a| a.find('\'').map(|i| &a[i + 1..])).unwrap_or("")
        } else if let Some(after) = rest.strip_prefix("'\"'") {
            after
        } else {
            let mut chars = rest.chars();
            out.extend(chars.next());
            chars.as_str()
        };
    }
    out
}

/// What follows a string literal whose opening quote was just read.
fn after_string(s: &str) -> &str {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return &s[i + 1..],
            _ => escaped = false,
        }
    }
    ""
}

/// The top-level crate modules named by `crate::x` and `super::super::x`
/// paths, groups included (`crate::{model, ui::layout}` names model and ui).
fn crate_modules(code: &str) -> Vec<String> {
    let compact = squeeze(&without_comments(code));
    let mut out = Vec::new();
    for root in ["crate::", "super::super::"] {
        let mut from = 0;
        while let Some(i) = compact[from..].find(root) {
            let start = from + i + root.len();
            let tail = &compact[start..];
            if let Some(group) = tail.strip_prefix('{') {
                out.extend(group_heads(group));
            } else {
                out.push(ident(tail));
            }
            from = start;
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

/// Whitespace dropped except one space between two words (`ui as x` stays
/// three words; `crate :: ui` becomes `crate::ui`).
fn squeeze(code: &str) -> String {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(code.len());
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_whitespace() {
            out.push(c);
            continue;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if out.ends_with(word) && chars.peek().is_some_and(|c| word(*c)) {
            out.push(' ');
        }
    }
    out
}

/// The leading identifier of each item of a `{…}` group (up to its `}`).
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = vec![ident(group)];
    let mut depth = 0;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => heads.push(ident(&group[i + 1..])),
            _ => {}
        }
    }
    heads
}

fn ident(s: &str) -> String {
    s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

fn relative(path: &Path) -> String {
    path.strip_prefix(src()).unwrap_or(path).display().to_string()
}

#[test]
fn the_pure_core_names_no_io_or_widget_module() {
    let mut found = Vec::new();
    for (dir, forbidden) in rules() {
        let files = files_of(dir);
        assert!(!files.is_empty(), "no files for src/{dir}: the check would pass vacuously");
        for file in files {
            let code = std::fs::read_to_string(&file).expect("read a source file");
            for module in crate_modules(&code) {
                if forbidden.contains(&module.as_str()) {
                    found.push(format!("src/{} names crate::{module}", relative(&file)));
                }
            }
        }
    }
    assert!(found.is_empty(), "the pure core reaches IO or widgets:\n{}", found.join("\n"));
}

#[test]
fn layout_names_only_the_model_and_the_keymap() {
    let mut found = Vec::new();
    let files = files_of("layout");
    assert!(files.len() > 1, "src/layout.rs and src/layout/ are expected");
    for file in files {
        let code = std::fs::read_to_string(&file).expect("read a source file");
        for module in crate_modules(&code) {
            if !LAYOUT_MAY_NAME.contains(&module.as_str()) {
                found.push(format!("src/{} names crate::{module}", relative(&file)));
            }
        }
    }
    assert!(found.is_empty(), "layout reaches beyond the model and keymap:\n{}", found.join("\n"));
}

#[test]
fn the_scanner_sees_paths_in_groups_and_split_lines_but_not_in_comments_or_strings() {
    let code = "use crate::{\n    model::{Mode as M, Model},\n    ui as widgets,\n};\n\
                // use crate::workers;\n/* crate::aws */\n\
                const A: &str = \"s3://b/**/* crate::pack\"; const Q: char = '\"';\n\
                fn f() { crate :: app::run(); super::super::headless::x(); }\n";
    let mut found = crate_modules(code);
    found.sort();
    assert_eq!(found, ["app", "headless", "model", "ui"]);
}
