//! `:start` words into source revision overrides (API Reference,
//! StartPipelineExecution `sourceRevisions`; SourceRevisionOverride: actionName
//! pattern and lengths, revisionValue 1 to 1500, at most 50).

use super::*;
use crate::model::samples;
use crate::model::snapshot::Status;

fn words(line: &str) -> Result<StartArgs, String> {
    parse_start(line.split_whitespace())
}

#[test]
fn flags_take_the_next_word_and_the_rest_are_variables() {
    let args = words("--revision Source=3HL4kq ENV=prod --key Source=builds/old.zip TAG=a=b").expect("valid");
    assert_eq!(args.variables, vec![("ENV".into(), "prod".into()), ("TAG".into(), "a=b".into())]);
    assert_eq!(
        args.revisions,
        vec![
            RevisionWord { action: "Source".into(), value: "3HL4kq".into(), key: false },
            RevisionWord { action: "Source".into(), value: "builds/old.zip".into(), key: true },
        ]
    );
    assert_eq!(words(""), Ok(StartArgs::default()));
}

#[test]
fn bad_flags_say_what_to_type() {
    assert!(words("--revision").is_err_and(|e| e.contains("ACTION=VALUE")));
    assert!(words("--revision Source").is_err_and(|e| e.contains("ACTION=VALUE")));
    assert!(words("--revision So/urce=1").is_err_and(|e| e.contains("not an action name")));
    assert!(words("--revision Source=").is_err_and(|e| e.contains("1 to 1500")));
    let long = format!("--revision Source={}", "v".repeat(1501));
    assert!(words(&long).is_err_and(|e| e.contains("1 to 1500")));
    assert!(words("--revision Source=a --revision Source=b").is_err_and(|e| e.contains("twice")));
    // The variables' own rules still apply.
    assert!(words("--revision Source=a ENV").is_err_and(|e| e.contains("VAR=value")));
}

#[test]
fn the_provider_decides_the_revision_type() {
    let mut state = samples::pipeline(Status::Succeeded);
    let parsed = words("--revision Source=v1 --key Source=old.zip").expect("valid");
    let got = resolve(&state, &parsed.revisions).expect("an S3 source");
    assert_eq!(got[0].kind, RevisionKind::S3VersionId);
    assert_eq!(got[1].kind, RevisionKind::S3ObjectKey);
    assert_eq!(got[0].describe(), "Source: S3 object version v1");
    assert_eq!(got[1].kind.api_name(), "S3_OBJECT_KEY");

    state.stages[0].actions[0].provider = Some("CodeStarSourceConnection".into());
    let got = resolve(&state, &words("--revision Source=78a2f1").expect("valid").revisions).expect("a commit");
    assert_eq!(got[0].kind, RevisionKind::CommitId);
    let key = resolve(&state, &words("--key Source=x.zip").expect("valid").revisions);
    assert!(key.is_err_and(|e| e.contains("--key is for S3")));
    state.stages[0].actions[0].provider = Some("ECR".into());
    let got = resolve(&state, &words("--revision Source=sha256:ab").expect("valid").revisions).expect("an image");
    assert_eq!(got[0].kind.api_name(), "IMAGE_DIGEST");
}

#[test]
fn only_source_actions_of_the_pipeline_take_a_revision() {
    let state = samples::pipeline(Status::Succeeded);
    let build = resolve(&state, &words("--revision Train=x").expect("valid").revisions);
    assert!(build.is_err_and(|e| e.contains("no source action `Train`") && e.contains("are Source")));
    let typo = resolve(&state, &words("--revision source=x").expect("valid").revisions);
    assert!(typo.is_err_and(|e| e.contains("no source action `source`")));
}
