use super::preflight::*;

const GOOD: &str =
    "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\nartifacts:\n  files:\n    - '**/*'\n";

fn errors(text: &str) -> Vec<Finding> {
    check_text(text).into_iter().filter(|f| f.severity == Severity::Error).collect()
}

fn one_error(text: &str) -> Finding {
    let errs = errors(text);
    assert_eq!(errs.len(), 1, "{errs:?}");
    errs.into_iter().next().unwrap()
}

#[test]
fn a_good_buildspec_has_no_findings() {
    assert_eq!(check_text(GOOD), []);
}

#[test]
fn a_yaml_error_has_line_and_column() {
    let e = one_error("version: 0.2\nphases:\n  build:\n    commands:\n      - \"echo unclosed\n");
    assert!(e.line.is_some() && e.column.is_some(), "{e:?}");
}

#[test]
fn tabs_are_named_with_their_position() {
    let e = one_error("version: 0.2\nphases:\n  build:\n\tcommands:\n      - echo hi\n");
    assert_eq!((e.line, e.column), (Some(4), Some(1)));
    assert!(e.message.contains("tab"), "{e:?}");
}

#[test]
fn the_version_must_be_0_2() {
    let e = one_error("version: 0.1\nphases:\n  build:\n    commands:\n      - echo\n");
    assert!(e.message.contains("0.1"), "{e:?}");
    assert_eq!(e.line, Some(1));
    let missing = one_error("phases:\n  build:\n    commands:\n      - echo\n");
    assert!(missing.message.contains("version"), "{missing:?}");
}

#[test]
fn unknown_phase_names_are_errors() {
    let e = one_error("version: 0.2\nphases:\n  bulid:\n    commands:\n      - echo\n");
    assert!(e.message.contains("bulid"), "{e:?}");
    assert_eq!(e.line, Some(3));
}

#[test]
fn an_unquoted_colon_space_is_explained() {
    let e = one_error("version: 0.2\nphases:\n  build:\n    commands:\n      - echo key: value\n");
    assert!(e.message.contains("\": \"") && e.message.contains("quote"), "{e:?}");
    assert_eq!(e.line, Some(5));
    assert!(!e.message.contains("at line"), "the position is not repeated: {e:?}");
}

#[test]
fn runtime_versions_only_under_install() {
    let text = "version: 0.2\nphases:\n  install:\n    runtime-versions:\n      python: 3.11\n  build:\n    runtime-versions:\n      java: 17\n    commands:\n      - echo\n";
    let e = one_error(text);
    assert!(e.message.contains("runtime-versions"), "{e:?}");
    assert_eq!(e.line, Some(7));
}

#[test]
fn on_failure_must_be_abort_or_continue() {
    let e = one_error("version: 0.2\nphases:\n  build:\n    on-failure: RETRY\n    commands:\n      - echo\n");
    assert!(e.message.contains("RETRY"), "{e:?}");
    assert_eq!(e.line, Some(4));
}

#[test]
fn declared_artifacts_need_files() {
    let e =
        one_error("version: 0.2\nphases:\n  build:\n    commands:\n      - echo\nartifacts:\n  base-directory: out\n");
    assert!(e.message.contains("artifacts.files"), "{e:?}");
    assert_eq!(e.line, Some(6));
}

#[test]
fn warnings_do_not_block() {
    let findings = check_text("version: 0.2\nphases:\n  build:\n    commands: []\n");
    assert!(findings.iter().all(|f| f.severity == Severity::Warning), "{findings:?}");
    assert_eq!(findings.len(), 2, "{findings:?}");
}

#[test]
fn the_buildspec_must_be_in_the_package() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("model")).unwrap();
    std::fs::write(dir.path().join("model/buildspec.yml"), GOOD).unwrap();
    let source = BuildspecSource::from_project("p", Some("model/buildspec.yml"));
    assert_eq!(source, BuildspecSource::Path("model/buildspec.yml".into()));

    let packed = preflight(dir.path(), &["model/buildspec.yml".into()], &source);
    assert!(!packed.has_errors(), "{packed:?}");
    assert_eq!(packed.buildspec, "model/buildspec.yml");

    let left_out = preflight(dir.path(), &[], &source);
    assert!(left_out.errors().any(|f| f.message.contains("ignore rule")), "{left_out:?}");
    let missing = preflight(dir.path(), &[], &BuildspecSource::Default);
    assert!(
        missing.errors().any(|f| f.message.contains("buildspec.yml, but it is not in the workspace")),
        "{missing:?}"
    );
}

/// CodeBuild API Reference, ProjectSource.buildspec: inline YAML lives in
/// the project, so its problems are shown but cannot block a push.
#[test]
fn an_inline_project_buildspec_is_checked_as_is_without_blocking() {
    let source = BuildspecSource::from_project("proj", Some("version: 0.3\nphases: {}\n"));
    let checked = preflight(std::path::Path::new("/nonexistent"), &[], &source);
    assert_eq!(checked.buildspec, "inline in project proj");
    assert!(checked.warnings().any(|f| f.message.contains("0.3")), "{checked:?}");
    assert!(checked.warnings().any(|f| f.message.contains("do not block the push")), "{checked:?}");
    assert!(!checked.has_errors(), "{checked:?}");
}

/// CodeBuild API Reference, ProjectSource.buildspec: "Specify the buildspec
/// file using its ARN (for example, arn:aws:s3:::my-codebuild-sample2/buildspec.yml)".
#[test]
fn a_buildspec_in_s3_is_not_checked_and_says_why() {
    let arn = "arn:aws:s3:::my-codebuild-sample2/buildspec.yml";
    let source = BuildspecSource::from_project("proj", Some(arn));
    let checked = preflight(std::path::Path::new("/nonexistent"), &[], &source);
    assert!(!checked.has_errors(), "{checked:?}");
    let why: Vec<String> = checked.warnings().map(|f| f.message.clone()).collect();
    assert_eq!(why, vec![format!("project proj reads its buildspec from S3 ({arn}), not from this package")]);
    let cn = BuildspecSource::from_project("proj", Some("arn:aws-cn:s3:::b/spec.yml"));
    assert!(matches!(cn, BuildspecSource::Unchecked(_)), "{cn:?}");
}
