use super::*;

#[test]
fn a_full_buildspec_parses() {
    let text = r#"version: 0.2
env:
  shell: bash
  variables:
    STAGE: test
    COUNT: 3
phases:
  install:
    runtime-versions:
      python: 3.11
    commands:
      - pip install -r requirements.txt
  pre_build:
    on-failure: CONTINUE
    commands:
      - echo pre
  build:
    commands:
      - 'echo "building: now"'
      - |
        for i in 1 2; do
          echo $i
        done
    finally:
      - echo cleanup
  post_build:
    commands: echo single
artifacts:
  files:
    - '**/*'
  base-directory: dist
  discard-paths: yes
"#;
    let spec = parse(text).unwrap();
    assert_eq!(spec.variables, vec![("STAGE".to_string(), "test".to_string()), ("COUNT".to_string(), "3".to_string())]);
    assert_eq!(spec.runtime_versions, vec![("python".to_string(), "3.11".to_string())]);
    assert_eq!(spec.install.commands, vec!["pip install -r requirements.txt"]);
    assert_eq!(spec.pre_build.on_failure, OnFailure::Continue);
    assert_eq!(spec.build.on_failure, OnFailure::Abort);
    assert_eq!(spec.build.commands[0], "echo \"building: now\"");
    assert!(spec.build.commands[1].contains("for i in 1 2; do\n"));
    assert_eq!(spec.build.finally, vec!["echo cleanup"]);
    assert_eq!(spec.post_build.commands, vec!["echo single"]);
    let a = spec.artifacts.clone().unwrap();
    assert_eq!(a.files, vec!["**/*"]);
    assert_eq!(a.base_directory.as_deref(), Some("dist"));
    assert!(a.discard_paths);
    assert_eq!(spec.declared(), vec![("INSTALL", 1), ("PRE_BUILD", 1), ("BUILD", 3), ("POST_BUILD", 1)]);
}

#[test]
fn a_minimal_buildspec_has_empty_phases() {
    let spec = parse("version: \"0.2\"\nphases:\n  build:\n    commands:\n      - make\n").unwrap();
    assert!(spec.install.commands.is_empty());
    assert_eq!(spec.build.commands, vec!["make"]);
    assert!(spec.artifacts.is_none());
}

#[test]
fn invalid_yaml_reports_line_and_column() {
    let err = parse("version: 0.2\nphases:\n  build:\n    commands: [echo\n").unwrap_err();
    assert!(err.contains("line 5 column 1"), "{err}");
}

#[test]
fn tab_indentation_is_reported_with_a_hint() {
    let err = parse("version: 0.2\nphases:\n\tbuild:\n    commands:\n      - echo hi\n").unwrap_err();
    assert!(err.contains("line 3 column 1"), "{err}");
    assert!(err.contains("tab"), "{err}");
}

#[test]
fn a_command_that_yaml_reads_as_a_mapping_must_be_quoted() {
    let err =
        parse("version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n      - echo a: b\n").unwrap_err();
    assert!(err.starts_with("phases.build.commands[1]: expected the command to be of string type"), "{err}");
    assert!(err.contains("quote the command"), "{err}");
    assert!(err.contains("line 6 column 9"), "{err}");
}

#[test]
fn a_command_list_given_as_a_mapping_is_refused() {
    let err = parse("version: 0.2\nphases:\n  build:\n    commands:\n      run: make\n").unwrap_err();
    assert!(err.contains("phases.build.commands"), "{err}");
    assert!(err.contains("line 5"), "{err}");
}

#[test]
fn an_unknown_phase_name_is_refused() {
    let err = parse("version: 0.2\nphases:\n  buidl:\n    commands:\n      - echo hi\n").unwrap_err();
    assert!(err.contains("unknown field `buidl`"), "{err}");
    assert!(err.contains("line 3 column 3"), "{err}");
}

#[test]
fn an_unknown_phase_key_is_refused() {
    let err = parse("version: 0.2\nphases:\n  build:\n    comands:\n      - echo hi\n").unwrap_err();
    assert!(err.contains("unknown field `comands`"), "{err}");
}

#[test]
fn the_version_is_required_and_must_be_0_2() {
    let err = parse("phases:\n  build:\n    commands:\n      - echo hi\n").unwrap_err();
    assert!(err.contains("missing required 'version'"), "{err}");
    assert!(parse("").unwrap_err().contains("version"));
    let err = parse("version: 0.3\n").unwrap_err();
    assert!(err.contains("'0.3'"), "{err}");
    let err = parse("version: 0.1\n").unwrap_err();
    assert!(err.contains("0.1 is not supported"), "{err}");
}

#[test]
fn on_failure_accepts_abort_or_continue_only() {
    let err = parse("version: 0.2\nphases:\n  build:\n    on-failure: RETRY\n    commands: [x]\n").unwrap_err();
    assert!(err.contains("'RETRY'"), "{err}");
}

#[test]
fn runtime_versions_belong_to_install() {
    let err = parse("version: 0.2\nphases:\n  build:\n    runtime-versions:\n      nodejs: 20\n").unwrap_err();
    assert!(err.contains("only allowed in the install phase"), "{err}");
}

#[test]
fn env_variables_must_be_scalars() {
    let err = parse("version: 0.2\nenv:\n  variables:\n    A: [1, 2]\n").unwrap_err();
    assert!(err.contains("env.variables"), "{err}");
    assert!(err.contains("found a list"), "{err}");
}

#[test]
fn discard_paths_must_be_yes_or_no() {
    let err = parse("version: 0.2\nartifacts:\n  files: ['*']\n  discard-paths: maybe\n").unwrap_err();
    assert!(err.contains("discard-paths"), "{err}");
    let spec = parse("version: 0.2\nartifacts:\n  files: ['*']\n  discard-paths: no\n").unwrap();
    assert!(!spec.artifacts.unwrap().discard_paths);
}
