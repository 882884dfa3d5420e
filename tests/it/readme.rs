//! The README stays true: every pipewatch command it shows parses.

use crate::harness;

/// Arguments of every `cargo run -- …` / `target/debug/pipewatch …` line in the
/// README's shell blocks.
fn readme_invocations() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(harness::repo_root().join("README.md")).unwrap();
    let mut in_sh = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("```") {
            in_sh = line == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        let rest = line.strip_prefix("cargo run -- ").or_else(|| line.strip_prefix("target/debug/pipewatch "));
        if let Some(rest) = rest {
            let args = rest.split(" >").next().unwrap_or(rest);
            out.push(args.split_whitespace().map(str::to_string).collect());
        }
    }
    out
}

#[test]
fn every_command_in_the_readme_parses() {
    let invocations = readme_invocations();
    assert!(invocations.len() >= 3, "found {invocations:?}");
    for args in invocations {
        let out = harness::pipewatch(&args).arg("--help").run();
        assert!(out.status.success(), "pipewatch {args:?} does not parse: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn the_readme_keys_table_is_the_keymap() {
    let text = std::fs::read_to_string(harness::repo_root().join("README.md")).unwrap();
    let start =
        text.find("<!-- keys:start -->\n").expect("README has a keys:start marker") + "<!-- keys:start -->\n".len();
    let end = text.find("<!-- keys:end -->").expect("README has a keys:end marker");
    let expected = pipewatch::keymap::markdown_keys_table();
    // PIPEWATCH_BLESS=1 rewrites the table instead of failing.
    if std::env::var_os("PIPEWATCH_BLESS").is_some() && text[start..end] != expected {
        let updated = format!("{}{expected}{}", &text[..start], &text[end..]);
        std::fs::write(harness::repo_root().join("README.md"), updated).unwrap();
        return;
    }
    assert_eq!(
        &text[start..end],
        expected,
        "regenerate the README keys table: PIPEWATCH_BLESS=1 cargo test --test it readme::"
    );
}
