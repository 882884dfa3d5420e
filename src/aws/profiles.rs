//! Profile names from the AWS config files, for `:profile` completion: a small
//! reader of our own, tolerant of anything it does not understand (the SDK
//! reads the files for real when a profile is used).

use std::path::PathBuf;

/// Every profile in `$AWS_CONFIG_FILE` (or `~/.aws/config`) and
/// `$AWS_SHARED_CREDENTIALS_FILE` (or `~/.aws/credentials`), sorted, once
/// each. Missing or unreadable files add nothing.
pub fn profile_names() -> Vec<String> {
    let read = |path: Option<PathBuf>| {
        path.and_then(|p| std::fs::read(p).ok()).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
    };
    let config = read(file_path("AWS_CONFIG_FILE", "config"));
    let credentials = read(file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials"));
    merge(config_profiles(&config), credentials_profiles(&credentials))
}

/// The variable's path (a leading `~/` is the home directory), else `~/.aws/NAME`.
fn file_path(var: &str, name: &str) -> Option<PathBuf> {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from);
    match std::env::var(var).ok().filter(|v| !v.is_empty()) {
        Some(v) => match v.strip_prefix("~/") {
            Some(rest) => home.map(|h| h.join(rest)),
            None => Some(PathBuf::from(v)),
        },
        None => home.map(|h| h.join(".aws").join(name)),
    }
}

/// `[default]` and `[profile NAME]` sections of the config file. Other
/// sections (`[sso-session x]`, `[services x]`, a bare `[x]`) are not profiles there.
pub fn config_profiles(text: &str) -> Vec<String> {
    sections(text)
        .filter_map(|s| {
            if s == "default" {
                return Some(s.to_string());
            }
            let rest = s.strip_prefix("profile")?;
            // "profile" must be followed by whitespace: `[profiles x]` is not one.
            rest.starts_with(char::is_whitespace).then(|| rest.trim().to_string())
        })
        .filter(|name| valid_name(name))
        .collect()
}

/// Every `[NAME]` section of the credentials file (no `profile` prefix there).
pub fn credentials_profiles(text: &str) -> Vec<String> {
    sections(text).filter(|name| valid_name(name)).map(str::to_string).collect()
}

/// The trimmed insides of the `[...]` section headers; comments and anything
/// else are skipped.
fn sections(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|line| {
        let line = line.trim();
        let inner = line.strip_prefix('[')?;
        // A comment may follow the header: `[profile x] # dev account`.
        let end = inner.find(']')?;
        let after = inner[end + 1..].trim_start();
        if !(after.is_empty() || after.starts_with('#') || after.starts_with(';')) {
            return None;
        }
        Some(inner[..end].trim())
    })
}

/// The characters the AWS SDKs accept in a profile name.
fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c))
}

fn merge(mut a: Vec<String>, b: Vec<String>) -> Vec<String> {
    a.extend(b);
    a.sort();
    a.dedup();
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "\
# a comment [profile commented]
; another [profile semicolon]
[default]
region = eu-west-1

[profile dev]
region=us-east-1
sso_session = corp
[ profile   spaced  ]
[profile prod] # the one that matters
[sso-session corp]
sso_start_url = https://example.awsapps.com/start
[services local]
[bare]
[profiles typo]
[profile dev]
[profile bad name]
[profile trailing] junk
[unterminated
garbage line without brackets
\u{1b}[31m[profile escape]
";

    const CREDENTIALS: &str = "\
[default]
aws_access_key_id = AKIA
[dev]
[ci-bot]
# [commented]
[profile odd]
";

    #[test]
    fn config_file_profiles_need_the_profile_prefix_except_default() {
        assert_eq!(config_profiles(CONFIG), vec!["default", "dev", "spaced", "prod", "dev"]);
    }

    #[test]
    fn credentials_file_sections_are_profiles_as_written() {
        // `[profile odd]` has a space: no SDK would accept it as a name.
        assert_eq!(credentials_profiles(CREDENTIALS), vec!["default", "dev", "ci-bot"]);
    }

    #[test]
    fn both_files_merge_sorted_without_duplicates() {
        let merged = merge(config_profiles(CONFIG), credentials_profiles(CREDENTIALS));
        assert_eq!(merged, vec!["ci-bot", "default", "dev", "prod", "spaced"]);
    }

    #[test]
    fn garbage_gives_nothing_and_does_not_panic() {
        assert!(config_profiles("[[[]]]\n]\n[\n\0\u{fffd}[profile]\n[profile ]").is_empty());
        assert!(credentials_profiles("").is_empty());
        assert!(credentials_profiles("[]\n[ ]\n[a b]").is_empty());
    }
}
