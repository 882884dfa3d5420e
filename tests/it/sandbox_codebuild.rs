//! CodeBuild in the sandbox: builds that really run their buildspec, observed
//! through the real SDK over HTTP.

use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_sdk_codebuild::types::{Build, BuildPhase, BuildPhaseType, StatusType};
use pipewatch::sandbox::codebuild::{BuildRequest, start_build};
use tempfile::TempDir;

use crate::harness::{self, Env};

/// Starts a pipeline-style build of `mlops-demo-build` from a zip of `files`.
fn start(env: &Env, files: &[(&str, &str)], artifact_zip: Option<PathBuf>) -> (TempDir, String) {
    let tmp = tempfile::tempdir().unwrap();
    let zip = tmp.path().join("source.zip");
    std::fs::write(&zip, harness::zip_of(files)).unwrap();
    let req = BuildRequest {
        project: "mlops-demo-build".into(),
        region: "us-east-1".into(),
        source_zip: zip,
        source_version: "v-123".into(),
        initiator: "codepipeline/mlops-demo".into(),
        artifact_zip,
        env: Vec::new(),
    };
    let id = start_build(&env.sandbox.shared, req).unwrap();
    (tmp, id)
}

async fn get(env: &Env, id: &str) -> Build {
    let out = env.codebuild().batch_get_builds().ids(id).send().await.unwrap();
    assert!(out.builds_not_found().is_empty());
    out.builds()[0].clone()
}

async fn finished(env: &Env, id: &str) -> Build {
    harness::eventually("the build to finish", Duration::from_secs(30), || async {
        let b = get(env, id).await;
        b.build_complete().then_some(b)
    })
    .await
}

fn phase(b: &Build, kind: BuildPhaseType) -> Option<&BuildPhase> {
    b.phases().iter().find(|p| p.phase_type() == Some(&kind))
}

fn phase_types(b: &Build) -> Vec<&str> {
    b.phases().iter().map(|p| p.phase_type().unwrap().as_str()).collect()
}

fn context(b: &Build, kind: BuildPhaseType) -> (String, String) {
    let c = &phase(b, kind).unwrap().contexts()[0];
    (c.status_code().unwrap_or_default().to_string(), c.message().unwrap_or_default().to_string())
}

/// Output lines only, without CodeBuild's `[Container]` lines.
fn output(lines: &[String]) -> Vec<&str> {
    lines.iter().filter(|l| !l.starts_with("[Container] ")).map(String::as_str).collect()
}

const ALL_PHASES: [&str; 11] = [
    "SUBMITTED",
    "QUEUED",
    "PROVISIONING",
    "DOWNLOAD_SOURCE",
    "INSTALL",
    "PRE_BUILD",
    "BUILD",
    "POST_BUILD",
    "UPLOAD_ARTIFACTS",
    "FINALIZING",
    "COMPLETED",
];

#[tokio::test]
async fn a_good_build_runs_every_phase_and_logs_its_output_in_order() {
    let env = harness::start().await;
    let spec = "version: 0.2\nphases:\n  install:\n    commands:\n      - echo install\n  pre_build:\n    commands:\n      - echo pre\n  build:\n    commands:\n      - echo out; echo err >&2; echo out2\n      - ./tool.sh\n  post_build:\n    commands:\n      - echo post\n";
    let (_tmp, id) = start(&env, &[("model/buildspec.yml", spec), ("tool.sh", "#!/bin/sh\necho tool ran\n")], None);
    assert!(id.starts_with("mlops-demo-build:"));
    let running = get(&env, &id).await;
    assert_eq!(running.build_status(), Some(&StatusType::InProgress));
    assert!(!running.build_complete());

    let b = finished(&env, &id).await;
    assert_eq!(b.build_status(), Some(&StatusType::Succeeded));
    assert_eq!(phase_types(&b), ALL_PHASES);
    for p in &b.phases()[..10] {
        assert_eq!(p.phase_status(), Some(&StatusType::Succeeded), "{p:?}");
        assert!(p.end_time().is_some() && p.duration_in_seconds().is_some());
    }
    let completed = b.phases().last().unwrap();
    assert!(completed.phase_status().is_none() && completed.end_time().is_none());
    assert_eq!(b.current_phase(), Some("COMPLETED"));
    assert_eq!(b.build_number(), Some(1));
    assert_eq!(b.arn(), Some(format!("arn:aws:codebuild:us-east-1:123456789012:build/{id}").as_str()));
    assert_eq!(b.initiator(), Some("codepipeline/mlops-demo"));
    assert_eq!(b.source_version(), Some("v-123"));
    assert_eq!(b.project_name(), Some("mlops-demo-build"));
    let logs = b.logs().unwrap();
    assert_eq!(logs.group_name(), Some("/aws/codebuild/mlops-demo-build"));
    assert_eq!(logs.stream_name(), id.split(':').nth(1));
    assert!(logs.deep_link().unwrap().contains("/aws/codebuild/mlops-demo-build"));
    assert!(b.start_time().unwrap() <= b.end_time().unwrap());

    let lines = env.log_lines(&b).await;
    assert_eq!(output(&lines), ["install", "pre", "out", "err", "out2", "tool ran", "post"]);
    let running_cmd = lines.iter().position(|l| l.ends_with("Running command echo pre")).expect("Running command line");
    assert_eq!(lines[running_cmd + 1], "pre");
    assert!(lines[running_cmd].starts_with("[Container] 20"), "{}", lines[running_cmd]);
    assert!(lines.iter().any(|l| l.ends_with("Phase complete: BUILD State: SUCCEEDED")), "{lines:#?}");

    let (_tmp2, id2) = start(&env, &[("model/buildspec.yml", spec), ("tool.sh", "#!/bin/sh\n")], None);
    assert_eq!(get(&env, &id2).await.build_number(), Some(2));
}

#[tokio::test]
async fn variables_and_the_working_directory_persist_across_commands() {
    let env = harness::start().await;
    let spec = r#"version: 0.2
env:
  variables:
    FROM_SPEC: spec
    STAGE: overridden-by-the-project
phases:
  build:
    commands:
      - export EXPORTED=one
      - PLAIN=two
      - mkdir -p deeper && cd deeper
      - echo "$EXPORTED $PLAIN $(basename $PWD) $FROM_SPEC $STAGE"
      - echo "$CODEBUILD_BUILD_ID|$CODEBUILD_BUILD_NUMBER|$CODEBUILD_RESOLVED_SOURCE_VERSION|$CODEBUILD_INITIATOR|$AWS_REGION|$CODEBUILD_BUILD_SUCCEEDING"
      - test "$CODEBUILD_SRC_DIR" = "$(dirname $PWD)" && echo src-ok
"#;
    let (_tmp, id) = start(&env, &[("model/buildspec.yml", spec)], None);
    let b = finished(&env, &id).await;
    assert_eq!(b.build_status(), Some(&StatusType::Succeeded), "{:?}", b.phases());
    let lines = env.log_lines(&b).await;
    assert_eq!(
        output(&lines),
        ["one two deeper spec demo", &format!("{id}|1|v-123|codepipeline/mlops-demo|us-east-1|1"), "src-ok"]
    );
}

#[tokio::test]
async fn a_failing_build_command_fails_the_build_but_post_build_still_runs() {
    let env = harness::start().await;
    let spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo before\n      - sh -c 'exit 3'\n      - echo never\n    finally:\n      - echo finally $CODEBUILD_BUILD_SUCCEEDING\n  post_build:\n    commands:\n      - echo post $CODEBUILD_BUILD_SUCCEEDING\n";
    let (_tmp, id) = start(&env, &[("model/buildspec.yml", spec)], None);
    let b = finished(&env, &id).await;
    assert_eq!(b.build_status(), Some(&StatusType::Failed));
    assert_eq!(phase_types(&b), ALL_PHASES);
    assert_eq!(phase(&b, BuildPhaseType::Build).unwrap().phase_status(), Some(&StatusType::Failed));
    assert_eq!(
        context(&b, BuildPhaseType::Build),
        (
            "COMMAND_EXECUTION_ERROR".to_string(),
            "Error while executing command: sh -c 'exit 3'. Reason: exit status 3".to_string()
        )
    );
    assert_eq!(phase(&b, BuildPhaseType::PostBuild).unwrap().phase_status(), Some(&StatusType::Succeeded));
    let lines = env.log_lines(&b).await;
    assert_eq!(output(&lines), ["before", "finally 0", "post 0"]);
    assert!(lines.iter().any(|l| l.ends_with(
        "Phase context status code: COMMAND_EXECUTION_ERROR Message: Error while executing command: sh -c 'exit 3'. Reason: exit status 3"
    )));
    let outcome = pipewatch::sandbox::lock(&env.sandbox.shared.builds).outcome(&id).unwrap();
    assert_eq!(outcome.status, "FAILED");
    assert_eq!(
        outcome.message.as_deref(),
        Some("Error while executing command: sh -c 'exit 3'. Reason: exit status 3")
    );
}

#[tokio::test]
async fn an_install_failure_skips_to_finalizing() {
    let env = harness::start().await;
    let spec = "version: 0.2\nphases:\n  install:\n    commands:\n      - 'false'\n  pre_build:\n    commands:\n      - echo pre\n  post_build:\n    commands:\n      - echo post\n";
    let (_tmp, id) = start(&env, &[("model/buildspec.yml", spec)], None);
    let b = finished(&env, &id).await;
    assert_eq!(b.build_status(), Some(&StatusType::Failed));
    assert_eq!(
        phase_types(&b),
        ["SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "FINALIZING", "COMPLETED"]
    );
    assert_eq!(context(&b, BuildPhaseType::Install).1, "Error while executing command: false. Reason: exit status 1");
    assert!(output(&env.log_lines(&b).await).is_empty());
}

#[tokio::test]
async fn a_zip_slip_entry_fails_download_source_and_writes_nothing_outside() {
    let env = harness::start().await;
    let spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n";
    let (_tmp, id) = start(&env, &[("model/buildspec.yml", spec), ("../escaped.txt", "evil")], None);
    let b = finished(&env, &id).await;
    assert_eq!(b.build_status(), Some(&StatusType::Failed));
    assert_eq!(phase_types(&b), ["SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "FINALIZING", "COMPLETED"]);
    assert_eq!(phase(&b, BuildPhaseType::DownloadSource).unwrap().phase_status(), Some(&StatusType::Failed));
    let (code, message) = context(&b, BuildPhaseType::DownloadSource);
    assert_eq!(code, "CLIENT_ERROR");
    assert!(message.contains("'../escaped.txt'") && message.contains("outside the source directory"), "{message}");
    let builds_dir = pipewatch::sandbox::lock(&env.sandbox.shared.builds).dir.clone();
    let uuid = id.split(':').nth(1).unwrap();
    assert!(!builds_dir.join(uuid).join("escaped.txt").exists());
    assert!(!builds_dir.join("escaped.txt").exists());
    assert!(!builds_dir.join(uuid).exists(), "the build's temp dir is removed");
}

#[tokio::test]
async fn a_missing_buildspec_is_a_yaml_file_error() {
    let env = harness::start().await;
    let (_tmp, id) = start(&env, &[("README.md", "no buildspec here")], None);
    let b = finished(&env, &id).await;
    assert_eq!(b.build_status(), Some(&StatusType::Failed));
    let (code, message) = context(&b, BuildPhaseType::DownloadSource);
    assert_eq!(code, "YAML_FILE_ERROR");
    assert!(
        message.starts_with("stat /") && message.ends_with("/src/model/buildspec.yml: no such file or directory"),
        "{message}"
    );
}

#[tokio::test]
async fn invalid_yaml_is_a_yaml_file_error_with_its_location() {
    let env = harness::start().await;
    let spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo a: b\n";
    let (_tmp, id) = start(&env, &[("model/buildspec.yml", spec)], None);
    let b = finished(&env, &id).await;
    assert_eq!(b.build_status(), Some(&StatusType::Failed));
    let (code, message) = context(&b, BuildPhaseType::DownloadSource);
    assert_eq!(code, "YAML_FILE_ERROR");
    assert!(message.contains("line 5 column 9") && message.contains("quote"), "{message}");
}

/// Processes (not zombies) in a process group, from /proc.
fn live_members(pgid: i32) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else { continue };
        let Some((_, rest)) = stat.rsplit_once(')') else { continue };
        let f: Vec<&str> = rest.split_whitespace().collect();
        if f.len() > 2 && f[0] != "Z" && f[2] == pgid.to_string() {
            n += 1;
        }
    }
    n
}

async fn wait_for_file(path: &Path) -> String {
    harness::eventually("the command to start", Duration::from_secs(10), || async {
        std::fs::read_to_string(path).ok().filter(|s| s.ends_with('\n'))
    })
    .await
}

#[tokio::test]
async fn stop_build_kills_the_running_command() {
    let env = harness::start().await;
    let marker = tempfile::tempdir().unwrap();
    let pid_file = marker.path().join("pid");
    let spec = format!(
        "version: 0.2\nphases:\n  build:\n    commands:\n      - echo $$ > {}; sleep 30\n  post_build:\n    commands:\n      - echo post\n",
        pid_file.display()
    );
    let (_tmp, id) = start(&env, &[("model/buildspec.yml", &spec)], None);
    let pgid: i32 = wait_for_file(&pid_file).await.trim().parse().unwrap();
    assert!(live_members(pgid) >= 1);

    let out = env.codebuild().stop_build().id(&id).send().await.unwrap();
    assert_eq!(out.build_value().unwrap().id(), Some(id.as_str()));
    let b = finished(&env, &id).await;
    // The build's own record: BUILD was cut short of the command's 30 s.
    let took = phase(&b, BuildPhaseType::Build).and_then(|p| p.duration_in_seconds()).unwrap_or(i64::MAX);
    assert!(took < 30, "BUILD ran {took} s: the command was not killed");
    assert_eq!(b.build_status(), Some(&StatusType::Stopped));
    assert_eq!(phase(&b, BuildPhaseType::Build).unwrap().phase_status(), Some(&StatusType::Stopped));
    assert!(phase(&b, BuildPhaseType::PostBuild).is_none());
    harness::eventually("the process group to die", Duration::from_secs(2), || async {
        (live_members(pgid) == 0).then_some(())
    })
    .await;
    let outcome = pipewatch::sandbox::lock(&env.sandbox.shared.builds).outcome(&id).unwrap();
    assert_eq!(outcome.status, "STOPPED");

    let err = env.codebuild().stop_build().id(&id).send().await.unwrap_err().into_service_error();
    assert_eq!(err.meta().code(), Some("InvalidInputException"));
    let err = env.codebuild().stop_build().id("mlops-demo-build:nope").send().await.unwrap_err().into_service_error();
    assert_eq!(err.meta().code(), Some("ResourceNotFoundException"));
}

#[tokio::test]
async fn artifacts_are_zipped_and_a_missing_match_fails_upload() {
    let env = harness::start().await;
    let out_dir = tempfile::tempdir().unwrap();
    let art = out_dir.path().join("out/artifact.zip");
    let spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - mkdir -p dist/sub && echo m > dist/model.bin && echo s > dist/sub/x.txt\nartifacts:\n  files:\n    - '**/*'\n  base-directory: dist\n";
    let (_tmp, id) = start(&env, &[("model/buildspec.yml", spec)], Some(art.clone()));
    let b = finished(&env, &id).await;
    assert_eq!(b.build_status(), Some(&StatusType::Succeeded));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&art).unwrap()).unwrap();
    let mut names: Vec<String> =
        (0..zip.len()).map(|i| zip.by_index(i).unwrap().name().unwrap().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["model.bin", "sub/x.txt"]);

    let spec =
        "version: 0.2\nphases:\n  build:\n    commands:\n      - echo nothing\nartifacts:\n  files:\n    - '*.jar'\n";
    let (_tmp2, id) = start(&env, &[("model/buildspec.yml", spec)], Some(out_dir.path().join("none.zip")));
    let b = finished(&env, &id).await;
    assert_eq!(b.build_status(), Some(&StatusType::Failed));
    assert_eq!(
        context(&b, BuildPhaseType::UploadArtifacts),
        ("CLIENT_ERROR".to_string(), "no matching artifact paths found".to_string())
    );
}

#[tokio::test]
async fn builds_are_listed_newest_first_and_found_by_id() {
    let env = harness::start().await;
    let spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n";
    let (_a, first) = start(&env, &[("model/buildspec.yml", spec)], None);
    let (_b, second) = start(&env, &[("model/buildspec.yml", spec)], None);
    let cb = env.codebuild();
    let ids = cb.list_builds_for_project().project_name("mlops-demo-build").send().await.unwrap().ids().to_vec();
    assert_eq!(ids, [second.clone(), first.clone()]);
    let asc = cb
        .list_builds_for_project()
        .project_name("mlops-demo-build")
        .sort_order(aws_sdk_codebuild::types::SortOrderType::Ascending)
        .send()
        .await
        .unwrap();
    assert_eq!(asc.ids(), [first.clone(), second.clone()]);
    assert!(cb.list_builds_for_project().project_name("mlops-demo-deploy").send().await.unwrap().ids().is_empty());
    let err = cb.list_builds_for_project().project_name("nope").send().await.unwrap_err().into_service_error();
    assert_eq!(err.meta().code(), Some("ResourceNotFoundException"));
    assert_eq!(cb.list_builds().send().await.unwrap().ids(), [second.clone(), first.clone()]);

    let got = cb.batch_get_builds().ids(&first).ids("mlops-demo-build:missing").send().await.unwrap();
    assert_eq!(got.builds().len(), 1);
    assert_eq!(got.builds_not_found(), ["mlops-demo-build:missing"]);
    finished(&env, &first).await;
    finished(&env, &second).await;
}

#[tokio::test]
async fn the_demo_projects_are_described_as_aws_does() {
    let env = harness::start().await;
    let cb = env.codebuild();
    let out = cb
        .batch_get_projects()
        .names("mlops-demo-build")
        .names("mlops-demo-deploy")
        .names("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(out.projects_not_found(), ["nope"]);
    let names: Vec<&str> = out.projects().iter().map(|p| p.name().unwrap()).collect();
    assert_eq!(names, ["mlops-demo-build", "mlops-demo-deploy"]);
    let build = &out.projects()[0];
    assert_eq!(build.arn(), Some("arn:aws:codebuild:us-east-1:123456789012:project/mlops-demo-build"));
    assert!(build.created().is_some() && build.last_modified().is_some());
    assert_eq!(build.timeout_in_minutes(), Some(60));
    let env_vars = build.environment().unwrap().environment_variables();
    assert_eq!(env_vars[0].name(), "STAGE");
    assert_eq!(env_vars[0].value(), "demo");
    assert!(out.projects()[1].source().unwrap().buildspec().unwrap().contains("version: 0.2"));

    let listed = cb.list_projects().send().await.unwrap();
    assert_eq!(
        listed.projects(),
        ["mlops-demo-build", "mlops-demo-deploy", "mlops-demo-s3logs", "mlops-demo-v2-build"]
    );
}

#[tokio::test]
async fn start_build_refuses_codepipeline_projects_and_unknown_ones() {
    let env = harness::start().await;
    let cb = env.codebuild();
    let err = cb.start_build().project_name("mlops-demo-build").send().await.unwrap_err().into_service_error();
    assert_eq!(err.meta().code(), Some("InvalidInputException"));
    let err = cb.start_build().project_name("nope").send().await.unwrap_err().into_service_error();
    assert_eq!(err.meta().code(), Some("ResourceNotFoundException"));
}

#[tokio::test]
async fn start_build_runs_an_s3_source_with_overrides() {
    let env = harness::start().await;
    let spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo \"from s3 $WHO\"\n";
    let body = harness::zip_of(&[("model/buildspec.yml", spec)]);
    env.s3().put_object().bucket("pipewatch-demo-source").key("direct/src.zip").body(body.into()).send().await.unwrap();
    let started = env
        .codebuild()
        .start_build()
        .project_name("mlops-demo-build")
        .source_type_override(aws_sdk_codebuild::types::SourceType::S3)
        .source_location_override("pipewatch-demo-source/direct/src.zip")
        .environment_variables_override(
            aws_sdk_codebuild::types::EnvironmentVariable::builder().name("WHO").value("override").build().unwrap(),
        )
        .send()
        .await
        .unwrap();
    let id = started.build_value().unwrap().id().unwrap().to_string();
    assert_eq!(started.build_value().unwrap().build_status(), Some(&StatusType::InProgress));
    let b = finished(&env, &id).await;
    assert_eq!(b.build_status(), Some(&StatusType::Succeeded), "{:?}", b.phases());
    assert_eq!(b.source().unwrap().location(), Some("pipewatch-demo-source/direct/src.zip"));
    assert_eq!(output(&env.log_lines(&b).await), ["from s3 override"]);

    let missing = env
        .codebuild()
        .start_build()
        .project_name("mlops-demo-build")
        .source_type_override(aws_sdk_codebuild::types::SourceType::S3)
        .source_location_override("pipewatch-demo-source/direct/missing.zip")
        .send()
        .await
        .unwrap();
    let b = finished(&env, missing.build_value().unwrap().id().unwrap()).await;
    let (code, message) = context(&b, BuildPhaseType::DownloadSource);
    assert_eq!(code, "CLIENT_ERROR");
    assert!(message.contains("NoSuchKey"), "{message}");
}
