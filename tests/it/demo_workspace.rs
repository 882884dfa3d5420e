//! The demo workspace (assets/demo-workspace) runs for real in the sandbox:
//! through the demo pipeline it trains, compares the model against the
//! baseline data, passes its quality gate and hands a deploy template to
//! Deploy; its failure switch fails BUILD with a readable error.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use aws_sdk_codebuild::types::{Build, BuildPhaseType, StatusType};
use aws_sdk_codepipeline::types::StageState;
use pipewatch::pack::preflight::{BuildspecSource, preflight};
use pipewatch::pack::{PackOptions, pack_workspace};
use pipewatch::sandbox::config::SandboxConfig;

use crate::harness::{self, Env, PIPELINE};

const EPOCHS: usize = 12;

fn demo_dir() -> PathBuf {
    harness::repo_root().join("assets/demo-workspace")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        // What a local run of the pipeline leaves behind is not the workspace.
        if name == "output" || name == "__pycache__" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &to.join(&name));
        } else {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

/// The demo workspace as committed, with its pauses switched off (the default
/// build takes about half a minute) and, if `fail`, its failure switch on.
fn demo_zip(fail: bool) -> Vec<u8> {
    harness::zip_dir(demo_copy(fail).path())
}

/// A copy of the demo workspace, patched as `demo_zip` says.
pub fn demo_copy(fail: bool) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&demo_dir(), tmp.path());
    let path = tmp.path().join("model/buildspec.yml");
    let spec = std::fs::read_to_string(&path).unwrap();
    let mut patched = spec.replacen("  variables:\n", "  variables:\n    DEMO_DELAY_SCALE: \"0\"\n", 1);
    assert_ne!(patched, spec, "the buildspec has env.variables");
    if fail {
        let flipped = patched.replacen("FAIL_QUALITY_GATE: \"0\"", "FAIL_QUALITY_GATE: \"1\"", 1);
        assert_ne!(flipped, patched, "the buildspec has the FAIL_QUALITY_GATE switch, off");
        patched = flipped;
    }
    std::fs::write(&path, patched).unwrap();
    tmp
}

/// Uploads `zip` as the pipeline's source; returns the execution it starts.
async fn run(env: &Env, zip: Vec<u8>) -> String {
    let version = env.upload_zip(zip).await;
    env.execution_for(&version).await
}

/// Waits until the Build stage of `exec` has finished, however it ended.
async fn build_stage(env: &Env, exec: &str) -> StageState {
    harness::eventually("the Build stage to finish", Duration::from_secs(60), || async {
        let state = env.codepipeline().get_pipeline_state().name(PIPELINE).send().await.ok()?;
        let st = state.stage_states().iter().find(|s| s.stage_name() == Some("Build"))?.clone();
        let latest = st.latest_execution()?;
        let done = ["Succeeded", "Failed", "Stopped"].contains(&latest.status().as_str());
        (latest.pipeline_execution_id() == exec && done).then_some(st)
    })
    .await
}

async fn build_of(env: &Env, stage: &StageState) -> Build {
    let id = stage.action_states()[0].latest_execution().and_then(|l| l.external_execution_id()).expect("build id");
    env.build(id).await
}

fn phase_status(b: &Build, kind: BuildPhaseType) -> Option<&StatusType> {
    b.phases().iter().find(|p| p.phase_type() == Some(&kind)).and_then(|p| p.phase_status())
}

fn has_line(log: &[String], start: &str) -> bool {
    log.iter().any(|l| l.starts_with(start))
}

fn epoch_lines(log: &[String]) -> Vec<&String> {
    log.iter().filter(|l| l.starts_with("epoch ") && l.contains(" train_loss=") && l.contains(" val_acc=")).collect()
}

fn zip_entry(archive: &mut zip::ZipArchive<std::fs::File>, name: &str) -> String {
    let mut text = String::new();
    archive.by_name(name).unwrap_or_else(|_| panic!("{name} in the artifact")).read_to_string(&mut text).unwrap();
    text
}

#[tokio::test]
async fn the_demo_trains_passes_its_quality_gate_and_deploys() {
    let env = harness::start().await;
    let exec = run(&env, demo_zip(false)).await;
    let build = build_of(&env, &build_stage(&env, &exec).await).await;
    let log = env.log_lines(&build).await;
    let text = log.join("\n");
    assert_eq!(build.build_status(), Some(&StatusType::Succeeded), "{text}");
    for kind in [BuildPhaseType::Install, BuildPhaseType::PreBuild, BuildPhaseType::Build, BuildPhaseType::PostBuild] {
        assert_eq!(phase_status(&build, kind.clone()), Some(&StatusType::Succeeded), "{kind:?}");
    }
    assert!(has_line(&log, "requirements.txt lists no packages"), "{text}");
    assert!(has_line(&log, "data/baseline.csv: 160 rows"), "{text}");
    assert!(has_line(&log, "training on 468 rows (12 skipped"), "{text}");
    let epochs = epoch_lines(&log);
    assert_eq!(epochs.len(), EPOCHS, "{text}");
    assert!(epochs[0].starts_with("epoch  1/12 ") && epochs[11].starts_with("epoch 12/12 "), "{epochs:?}");
    assert!(has_line(&log, "baseline: accuracy=0.") && has_line(&log, "test:     accuracy=0."), "{text}");
    assert!(has_line(&log, "quality gate: ok   accuracy on the baseline (clean) data"), "{text}");
    assert!(has_line(&log, "quality gate: ok   test error"), "{text}");
    assert!(!text.contains("quality gate: FAIL") && !has_line(&log, "ERROR"), "{text}");
    assert!(has_line(&log, "wrote output/deploy-model.json"), "{text}");

    let artifact = env.sandbox.shared.state_dir.join("artifacts").join(&exec).join("BuildArtifact.zip");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&artifact).expect("the build artifact")).unwrap();
    let mut names: Vec<String> = archive.file_names().map(|n| n.unwrap().into_owned()).collect();
    names.sort();
    let model_files = ["output/deploy-model.json", "output/evaluation.md", "output/metrics.json", "output/model.json"];
    assert_eq!(names, [&["model/config.json"][..], &model_files].concat());
    let metrics: serde_json::Value = serde_json::from_str(&zip_entry(&mut archive, "output/metrics.json")).unwrap();
    assert_eq!(metrics["quality_gate"]["passed"], true);
    assert_eq!(metrics["history"].as_array().map(Vec::len), Some(EPOCHS));
    assert!(metrics["test"]["accuracy"].as_f64().unwrap() >= 0.8, "{metrics}");
    let model = zip_entry(&mut archive, "output/model.json");
    let deploy: serde_json::Value = serde_json::from_str(&zip_entry(&mut archive, "output/deploy-model.json")).unwrap();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(model.as_bytes()));
    assert_eq!(deploy["model"]["sha256"], sha.as_str(), "the deploy template names the model it was written for");
    assert!(zip_entry(&mut archive, "output/evaluation.md").contains("Quality gate: passed"));
    let (total, failed) = crate::sandbox_reports::demo_report(&env, &build).await;
    assert_eq!((total, failed), (10, vec![]), "the quality gate's JUnit report");

    env.approve_pending(&exec).await;
    env.wait_status(&exec, "Succeeded").await;
    let deploy_stage = env.wait_stage(&exec, "Deploy", "Succeeded").await;
    let deploy_log = env.log_lines(&build_of(&env, &deploy_stage).await).await.join("\n");
    assert!(deploy_log.contains("\"endpoint_name\": \"machine-failure-prd\""), "{deploy_log}");
    assert!(deploy_log.contains(&format!("\"sha256\": \"{sha}\"")), "{deploy_log}");
}

#[tokio::test]
async fn the_failure_switch_fails_build_with_a_readable_error() {
    let env = harness::start().await;
    let exec = run(&env, demo_zip(true)).await;
    let build = build_of(&env, &build_stage(&env, &exec).await).await;
    assert_eq!(build.build_status(), Some(&StatusType::Failed));
    env.wait_status(&exec, "Failed").await;
    let failed = build.phases().iter().find(|p| p.phase_type() == Some(&BuildPhaseType::Build)).expect("BUILD");
    assert_eq!(failed.phase_status(), Some(&StatusType::Failed));
    let context = &failed.contexts()[0];
    assert_eq!(context.status_code(), Some("COMMAND_EXECUTION_ERROR"));
    let message = context.message().unwrap_or_default();
    assert!(message.contains("python3 model/run_pipeline.py train") && message.contains("exit status 1"), "{message}");
    assert_eq!(phase_status(&build, BuildPhaseType::PostBuild), Some(&StatusType::Succeeded), "post_build still runs");

    let log = env.log_lines(&build).await;
    let text = log.join("\n");
    assert!(has_line(&log, "FAIL_QUALITY_GATE=1: inverting the training labels"), "{text}");
    assert_eq!(epoch_lines(&log).len(), EPOCHS, "{text}");
    assert!(has_line(&log, "quality gate: FAIL accuracy on the baseline (clean) data"), "{text}");
    let error = log.iter().find(|l| l.starts_with("ERROR ")).unwrap_or_else(|| panic!("an ERROR line in\n{text}"));
    assert!(
        error.starts_with(
            "ERROR quality gate failed, the model is not published: accuracy on the baseline (clean) data is 0."
        ) && error.ends_with(", below 0.800"),
        "{error}"
    );
    assert!(has_line(&log, "the build failed: no deploy template written"), "{text}");
    let (total, failed) = crate::sandbox_reports::demo_report(&env, &build).await;
    assert_eq!((total, failed), (10, vec!["test_baseline_accuracy".to_string()]), "the failed build's test report");
    let pipeline = env.codepipeline().get_pipeline_state().name(PIPELINE).send().await.unwrap();
    let approve = pipeline.stage_states().iter().find(|s| s.stage_name() == Some("Approve")).unwrap();
    assert!(approve.latest_execution().is_none_or(|l| l.pipeline_execution_id() != exec), "Approve never ran");
}

#[test]
fn the_committed_csvs_are_what_make_data_writes() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(demo_dir().join("data/make_data.py"), tmp.path().join("make_data.py")).unwrap();
    let out = Command::new("python3").arg(tmp.path().join("make_data.py")).output().expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for name in ["train.csv", "validation.csv", "test.csv", "baseline.csv"] {
        let fresh = std::fs::read_to_string(tmp.path().join(name)).unwrap();
        let committed = std::fs::read_to_string(demo_dir().join("data").join(name)).unwrap();
        assert!(fresh == committed, "data/{name} differs from what data/make_data.py writes: rerun it");
    }
    // The baseline is the clean reference: complete rows taken from train.
    let train = std::fs::read_to_string(demo_dir().join("data/train.csv")).unwrap();
    let baseline = std::fs::read_to_string(demo_dir().join("data/baseline.csv")).unwrap();
    let train_lines: Vec<&str> = train.lines().collect();
    assert!(train_lines.iter().any(|l| l.split(',').any(str::is_empty)), "train has gaps to skip");
    for line in baseline.lines() {
        assert!(!line.split(',').any(str::is_empty), "baseline row with a gap: {line}");
        assert!(train_lines.contains(&line), "baseline row not from train: {line}");
    }
}

#[test]
fn the_demo_buildspec_is_where_the_project_reads_it_and_passes_preflight() {
    let config = SandboxConfig::demo().unwrap();
    let project = config.projects.iter().find(|p| p["name"] == "mlops-demo-build").expect("the build project");
    let source = BuildspecSource::from_project("mlops-demo-build", project["source"]["buildspec"].as_str());
    assert_eq!(source, BuildspecSource::Path("model/buildspec.yml".into()));
    let package = pack_workspace(&PackOptions { workspace: Some(demo_dir()), temp_dir: None }).unwrap();
    for want in ["model/buildspec.yml", "model/run_pipeline.py", "model/config.json", "requirements.txt"] {
        assert!(package.entries.iter().any(|e| e == want), "{want} not in {:?}", package.entries);
    }
    assert!(!package.entries.iter().any(|e| e.starts_with("output/")), "local outputs are ignored");
    let checked = preflight(&package.workspace, &package.entries, &source);
    assert_eq!(checked.findings, [], "{checked:?}");

    // As committed, the build trains normally and pauses so it can be watched.
    let spec = std::fs::read_to_string(demo_dir().join("model/buildspec.yml")).unwrap();
    assert!(spec.contains("FAIL_QUALITY_GATE: \"0\"") && !spec.contains("DEMO_DELAY_SCALE"), "{spec}");
    let cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(demo_dir().join("model/config.json")).unwrap()).unwrap();
    let epochs = cfg["hyperparameters"]["epochs"].as_f64().unwrap();
    assert_eq!(epochs as usize, EPOCHS);
    let paused = epochs * cfg["delays_seconds"]["epoch"].as_f64().unwrap();
    assert!((20.0..50.0).contains(&paused), "the default build's epochs pause {paused} s in all");
}
