//! Preflight of the buildspec's `reports:` section (CodeBuild User Guide,
//! buildspec reference "reports"): one clear line with the key's position.

use super::preflight::*;

fn error_of(text: &str) -> Finding {
    let errs: Vec<Finding> = check_text(text).into_iter().filter(|f| f.severity == Severity::Error).collect();
    assert_eq!(errs.len(), 1, "{errs:?}");
    errs.into_iter().next().unwrap()
}

#[test]
fn a_valid_reports_section_passes() {
    let text = "version: 0.2\nphases:\n  build:\n    commands: [pytest --junitxml=out/j.xml]\nreports:\n  unit:\n    files: [j.xml]\n    base-directory: out\n  cov:\n    files: [coverage.xml]\n    file-format: COBERTURAXML\n";
    let errors: Vec<Finding> = check_text(text).into_iter().filter(|f| f.severity == Severity::Error).collect();
    assert_eq!(errors, []);
}

#[test]
fn report_errors_are_one_line_at_the_offending_key() {
    let text = "version: 0.2\nphases:\n  build:\n    commands: [make]\nreports:\n  unit:\n    files: [j.xml]\n    file-format: XUNIT\n";
    let e = error_of(text);
    assert_eq!(e.line, Some(8));
    assert!(!e.message.contains('\n'), "{e:?}");
    assert!(e.to_string().starts_with("error (line 8, column 1): reports.unit.file-format: 'XUNIT'"), "{e}");
    let e = error_of("version: 0.2\nreports:\n  unit:\n    base-directory: out\n");
    assert_eq!(e.line, Some(3));
    assert!(e.message.contains("files"), "{e:?}");
    let e = error_of("version: 0.2\nreports:\n  unit:\n    files: [a.xml]\n    discard-paths: maybe\n");
    assert_eq!(e.line, Some(5));
}
