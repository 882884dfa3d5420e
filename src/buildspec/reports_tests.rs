//! The `reports:` section as the CodeBuild User Guide's buildspec reference
//! ("reports" and "Specify test files") describes it.

use super::*;

#[test]
fn report_groups_parse_in_file_order_with_defaults() {
    let text = "version: 0.2
phases:
  build:
    commands: [make test]
reports:
  arn:aws:codebuild:us-east-1:123456789012:report-group/shared:
    files:
      - '**/*'
    base-directory: surefire/target/surefire-reports
    discard-paths: yes
  unit:
    files: out/junit.xml
  coverage:
    files: [coverage.xml]
    file-format: CoberturaXml
";
    let spec = parse(text).unwrap();
    let groups: Vec<&str> = spec.reports.iter().map(|r| r.group.as_str()).collect();
    assert_eq!(groups, ["arn:aws:codebuild:us-east-1:123456789012:report-group/shared", "unit", "coverage"]);
    assert_eq!(spec.reports[0].base_directory.as_deref(), Some("surefire/target/surefire-reports"));
    assert!(spec.reports[0].discard_paths);
    assert_eq!(spec.reports[1].files, vec!["out/junit.xml"]);
    assert_eq!(spec.reports[1].file_format, "JUNITXML");
    assert!(!spec.reports[1].is_coverage());
    assert_eq!(spec.reports[2].file_format, "COBERTURAXML");
    assert!(spec.reports[2].is_coverage());
}

#[test]
fn a_bad_file_format_names_the_group_and_its_line() {
    let text = "version: 0.2\nreports:\n  unit:\n    files: [a.xml]\n    file-format: JUNIT\n";
    let e = parse_located(text).unwrap_err();
    assert!(e.message.starts_with("reports.unit.file-format: 'JUNIT' is not a report format"), "{}", e.message);
    assert!(e.message.contains("JUNITXML"), "{}", e.message);
    assert_eq!(e.line, Some(5));
}

#[test]
fn a_group_without_files_is_an_error_on_its_line() {
    let text = "version: 0.2\nreports:\n  unit:\n    base-directory: out\n";
    let e = parse_located(text).unwrap_err();
    assert!(e.message.starts_with("reports.unit.files:"), "{}", e.message);
    assert_eq!(e.line, Some(3));
}

#[test]
fn more_than_five_groups_and_unknown_keys_are_refused() {
    let mut text = "version: 0.2\nreports:\n".to_string();
    for i in 0..6 {
        text.push_str(&format!("  g{i}:\n    files: [a.xml]\n"));
    }
    let e = parse_located(&text).unwrap_err();
    assert!(e.message.contains("at most 5"), "{}", e.message);
    assert_eq!(e.line, Some(2));
    let e = parse("version: 0.2\nreports:\n  unit:\n    file: [a.xml]\n").unwrap_err();
    assert!(e.contains("unknown field `file`"), "{e}");
    let e = parse("version: 0.2\nreports:\n  arn:aws:s3:::bucket/x:\n    files: [a.xml]\n").unwrap_err();
    assert!(e.contains("report group ARN"), "{e}");
}
