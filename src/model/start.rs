//! `:start [--revision ACTION=VALUE] [--key ACTION=KEY] [VAR=value ...]` as
//! plain data: the words typed, then the source revision overrides they make
//! once the pipeline's source actions are known (API Reference,
//! StartPipelineExecution `sourceRevisions`, SourceRevisionOverride).

use crate::model::snapshot::PipelineSnapshot;

/// SourceRevisionOverride.revisionType.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RevisionKind {
    S3VersionId,
    S3ObjectKey,
    CommitId,
    ImageDigest,
}

impl RevisionKind {
    /// The API's name for it.
    pub fn api_name(self) -> &'static str {
        match self {
            RevisionKind::S3VersionId => "S3_OBJECT_VERSION_ID",
            RevisionKind::S3ObjectKey => "S3_OBJECT_KEY",
            RevisionKind::CommitId => "COMMIT_ID",
            RevisionKind::ImageDigest => "IMAGE_DIGEST",
        }
    }

    /// The same in words, for the confirmation.
    pub fn words(self) -> &'static str {
        match self {
            RevisionKind::S3VersionId => "S3 object version",
            RevisionKind::S3ObjectKey => "S3 object key",
            RevisionKind::CommitId => "commit",
            RevisionKind::ImageDigest => "image digest",
        }
    }
}

/// One override, ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionOverride {
    pub action: String,
    pub kind: RevisionKind,
    pub value: String,
}

impl RevisionOverride {
    /// "Source: S3 object version 3HL4kq…" (the whole value: it is what runs).
    pub fn describe(&self) -> String {
        format!("{}: {} {}", self.action, self.kind.words(), self.value)
    }
}

/// `--revision ACTION=VALUE` (`key`: false) or `--key ACTION=KEY` as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionWord {
    pub action: String,
    pub value: String,
    pub key: bool,
}

/// What `:start` was given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StartArgs {
    pub variables: Vec<(String, String)>,
    pub revisions: Vec<RevisionWord>,
}

/// The flags `:start` takes before an `ACTION=VALUE` word (Tab offers them).
pub const FLAGS: [&str; 2] = ["--revision", "--key"];

/// Splits the words: each flag takes the next word; the rest are variables.
pub fn parse_start<'a>(words: impl Iterator<Item = &'a str>) -> Result<StartArgs, String> {
    let mut words = words;
    let mut vars = Vec::new();
    let mut revisions: Vec<RevisionWord> = Vec::new();
    while let Some(word) = words.next() {
        if !FLAGS.contains(&word) {
            vars.push(word);
            continue;
        }
        let key = word == "--key";
        let usage = format!("{word} needs ACTION=VALUE after it: :start {word} Source=...");
        let (action, value) = words.next().and_then(|w| w.split_once('=')).ok_or(usage)?;
        // SourceRevisionOverride: actionName [A-Za-z0-9.@\-_]{1,100}, revisionValue 1 to 1500.
        let action_ok = (1..=100).contains(&action.len())
            && action.chars().all(|c| c.is_ascii_alphanumeric() || ".@-_".contains(c));
        if !action_ok {
            return Err(format!("`{action}` is not an action name: letters, digits, . @ - _ (up to 100)"));
        }
        if value.is_empty() || value.chars().count() > 1500 {
            return Err(format!("{word} {action}= needs a value of 1 to 1500 characters"));
        }
        if revisions.iter().any(|r| r.action == action && r.key == key) {
            return Err(format!("{word} {action} is given twice: keep one"));
        }
        revisions.push(RevisionWord { action: action.into(), value: value.into(), key });
    }
    if revisions.len() > 50 {
        return Err("AWS takes at most 50 source revisions in one start: drop some".into());
    }
    let variables = crate::model::rollback::parse_vars(vars.into_iter())?;
    Ok(StartArgs { variables, revisions })
}

/// The overrides for `state`'s source actions: each word names one, and its
/// provider says what a revision is (S3: an object version, or with `--key`
/// another object key; CodeCommit and connections: a commit; ECR: an image
/// digest). Err: the one line to show.
pub fn resolve(state: &PipelineSnapshot, words: &[RevisionWord]) -> Result<Vec<RevisionOverride>, String> {
    let sources: Vec<(&str, &str)> = state
        .stages
        .iter()
        .flat_map(|s| &s.actions)
        .filter(|a| a.category.as_deref() == Some("Source"))
        .map(|a| (a.name.as_str(), a.provider.as_deref().unwrap_or("")))
        .collect();
    let names = sources.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
    words
        .iter()
        .map(|w| {
            let Some((_, provider)) = sources.iter().find(|(n, _)| *n == w.action) else {
                return Err(format!(
                    "no source action `{}` in {}: its source actions are {names}",
                    w.action, state.name
                ));
            };
            let kind = match (*provider, w.key) {
                ("S3", false) => RevisionKind::S3VersionId,
                ("S3", true) => RevisionKind::S3ObjectKey,
                (_, true) => return Err(format!("--key is for S3 sources; {} is {provider}", w.action)),
                ("CodeCommit" | "CodeStarSourceConnection", _) => RevisionKind::CommitId,
                ("ECR", _) => RevisionKind::ImageDigest,
                _ => {
                    return Err(format!(
                        "{} is a {provider} source: AWS overrides S3, CodeCommit, connection and ECR sources only",
                        w.action
                    ));
                }
            };
            Ok(RevisionOverride { action: w.action.clone(), kind, value: w.value.clone() })
        })
        .collect()
}

#[cfg(test)]
#[path = "start_tests.rs"]
mod tests;
