//! `:start VAR=value ...` and `:rollback [STAGE]` as plain data: the
//! variables typed, and the rollback target as the dialog shows it.

use crate::model::control::short_id;
use crate::model::snapshot::ExecutionSummary;

/// `NAME=value` words into pipeline variables, as StartPipelineExecution
/// takes them (API Reference, PipelineVariable: name `[A-Za-z0-9@\-_]+` up to
/// 128, value 1 to 1000 characters, at most 50 variables, each name once).
pub fn parse_vars<'a>(words: impl Iterator<Item = &'a str>) -> Result<Vec<(String, String)>, String> {
    let mut vars: Vec<(String, String)> = Vec::new();
    for word in words {
        let Some((name, value)) = word.split_once('=') else {
            return Err(format!("`{word}` is not VAR=value: type :start NAME=value ... (no spaces around =)"));
        };
        let name_ok =
            (1..=128).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || "@-_".contains(c));
        if !name_ok {
            return Err(format!("`{name}` is not a variable name: letters, digits, @ - _ (up to 128)"));
        }
        if value.is_empty() || value.chars().count() > 1000 {
            return Err(format!("{name} needs a value of 1 to 1000 characters: :start {name}=value"));
        }
        if vars.iter().any(|(n, _)| n == name) {
            return Err(format!("{name} is given twice: keep one {name}=value"));
        }
        vars.push((name.to_string(), value.to_string()));
    }
    if vars.len() > 50 {
        return Err("AWS takes at most 50 variables in one start: drop some".into());
    }
    Ok(vars)
}

/// `A=1 B=2`, for messages and the dialog.
pub fn vars_text(vars: &[(String, String)]) -> String {
    vars.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join(" ")
}

/// The target in one line: "1a2b3c4d · rev 3f2e… · 2026-12-02 06:40 UTC".
pub fn target_about(e: &ExecutionSummary) -> String {
    let mut parts = vec![short_id(&e.id).to_string()];
    if let Some(rev) = e.source_revisions.iter().find_map(|r| r.revision_id.as_deref()) {
        let short: String = rev.chars().take(12).collect();
        let more = if rev.chars().count() > 12 { "…" } else { "" };
        parts.push(format!("revision {short}{more}"));
    }
    if let Some(t) = e.start.or(e.last_update) {
        parts.push(t.format("%Y-%m-%d %H:%M UTC").to_string());
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_parse_and_bad_ones_say_what_to_do() {
        let ok = parse_vars(["ENV=prod", "TAG=v1=beta"].into_iter());
        assert_eq!(ok, Ok(vec![("ENV".into(), "prod".into()), ("TAG".into(), "v1=beta".into())]));
        assert!(parse_vars(["ENV"].into_iter()).is_err_and(|e| e.contains("VAR=value")));
        assert!(parse_vars(["=x"].into_iter()).is_err_and(|e| e.contains("not a variable name")));
        assert!(parse_vars(["A B=x"].into_iter()).is_err());
        assert!(parse_vars(["A$=x"].into_iter()).is_err_and(|e| e.contains("letters, digits")));
        assert!(parse_vars(["ENV="].into_iter()).is_err_and(|e| e.contains("1 to 1000")));
        assert!(parse_vars(["A=1", "A=2"].into_iter()).is_err_and(|e| e.contains("twice")));
        let many: Vec<String> = (0..51).map(|i| format!("V{i}=x")).collect();
        assert!(parse_vars(many.iter().map(String::as_str)).is_err_and(|e| e.contains("50")));
        assert_eq!(vars_text(&[("A".into(), "1".into()), ("B".into(), "2".into())]), "A=1 B=2");
    }
}
