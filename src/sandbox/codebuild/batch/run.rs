//! A batch's runner: DOWNLOAD_BATCHSPEC reads the batch section, IN_PROGRESS
//! starts each task's build once the tasks it depends on are done,
//! COMBINE_ARTIFACTS (if asked) zips every build's artifacts into one, each
//! under a folder named by its identifier, then the batch's final status.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};

use super::{BuildBatch, Group};
use crate::buildspec::batch::{BatchSpec, BatchTask, parse_batch};
use crate::sandbox::codebuild::model::Context;
use crate::sandbox::codebuild::runner::SourceInput;
use crate::sandbox::codebuild::{Launch, launch, stop_build};
use crate::sandbox::{Shared, lock};

/// How often the runner looks at its builds.
const TICK: Duration = Duration::from_millis(200);

pub(super) struct BatchJob {
    pub id: String,
    pub arn: String,
    pub project: String,
    pub region: String,
    pub source: SourceInput,
    pub source_version: Option<String>,
    pub initiator: String,
    /// The project's (or override's) source.buildspec: inline YAML or a path.
    pub buildspec: Option<String>,
    pub source_override: Vec<(&'static str, String)>,
    pub env_override: Vec<Value>,
    pub artifact_zip: Option<PathBuf>,
    pub combine: bool,
    pub max_builds: Option<u64>,
    /// Scratch space: per-build artifacts before they are combined.
    pub dir: PathBuf,
}

fn update(shared: &Shared, id: &str, f: impl FnOnce(&mut BuildBatch)) {
    if let Some(b) = lock(&shared.builds).batch_mut(id) {
        f(b);
    }
}

pub(super) async fn run(shared: Arc<Shared>, job: BatchJob) {
    update(&shared, &job.id, |b| {
        let now = Utc::now();
        b.finish("SUCCEEDED", None, now);
        b.enter("DOWNLOAD_BATCHSPEC", now);
    });
    tokio::time::sleep(shared.realism.provisioning.min(Duration::from_secs(1))).await;
    let spec = match read_spec(&job) {
        Ok(spec) => spec,
        Err(message) => {
            update(&shared, &job.id, |b| {
                let now = Utc::now();
                b.finish("FAILED", Some(Context { code: "YAML_FILE_ERROR".into(), message }), now);
                b.close("FAILED", now);
            });
            return done(&shared, &job);
        }
    };
    update(&shared, &job.id, |b| {
        let now = Utc::now();
        b.groups = spec
            .tasks
            .iter()
            .map(|t| Group {
                identifier: t.identifier.clone(),
                depends_on: t.depend_on.clone(),
                ignore_failure: t.ignore_failure,
                build: None,
            })
            .collect();
        b.finish("SUCCEEDED", None, now);
        b.enter("IN_PROGRESS", now);
    });
    let outcome = in_progress(&shared, &job, &spec).await;
    let status = match outcome {
        Outcome::Stopped => "STOPPED",
        Outcome::Failed => "FAILED",
        Outcome::Succeeded => "SUCCEEDED",
    };
    update(&shared, &job.id, |b| b.finish(status, None, Utc::now()));
    if job.combine && status == "SUCCEEDED" {
        update(&shared, &job.id, |b| b.enter("COMBINE_ARTIFACTS", Utc::now()));
        let combined = match &job.artifact_zip {
            Some(out) => combine(&job.dir, &spec, out),
            None => Ok(()),
        };
        let failed = combined.as_ref().err().map(|m| Context { code: "CLIENT_ERROR".into(), message: m.clone() });
        let result = if failed.is_some() { "FAILED" } else { "SUCCEEDED" };
        update(&shared, &job.id, |b| {
            let now = Utc::now();
            b.finish(result, failed, now);
            b.close(if result == "FAILED" { "FAILED" } else { "SUCCEEDED" }, now);
        });
    } else {
        let end: &'static str = status;
        update(&shared, &job.id, |b| b.close(end, Utc::now()));
    }
    done(&shared, &job);
}

fn done(shared: &Shared, job: &BatchJob) {
    let _ = std::fs::remove_dir_all(&job.dir);
    if let SourceInput::Snapshot(copy) = &job.source {
        let _ = std::fs::remove_file(copy);
    }
    shared.kick.notify_one();
}

enum Outcome {
    Succeeded,
    Failed,
    Stopped,
}

/// Where a task stands, from its build's outcome.
#[derive(Clone, Copy, PartialEq)]
enum State {
    Waiting,
    Running,
    Passed,
    /// Failed (or stopped); `ignore-failure` lets the batch and its dependents go on.
    Failed,
}

async fn in_progress(shared: &Arc<Shared>, job: &BatchJob, spec: &BatchSpec) -> Outcome {
    loop {
        let (states, stopping) = {
            let store = lock(&shared.builds);
            let Some(b) = store.batch(&job.id) else { return Outcome::Failed };
            let states: Vec<State> = b
                .groups
                .iter()
                .map(|g| match &g.build {
                    None => State::Waiting,
                    Some((id, _, _)) if id.is_empty() => State::Failed,
                    Some((id, _, _)) => match store.outcome(id) {
                        None => State::Running,
                        Some(o) if o.status == "SUCCEEDED" => State::Passed,
                        Some(_) => State::Failed,
                    },
                })
                .collect();
            (states, b.stopping)
        };
        let blocking = |i: usize| states[i] == State::Failed && !spec.tasks[i].ignore_failure;
        let failed = (0..states.len()).any(blocking);
        let halting = stopping || (failed && spec.fast_fail);
        if halting {
            for id in running_builds(shared, &job.id) {
                stop_build(shared, &id);
            }
        }
        let running = states.contains(&State::Running);
        let mut started = false;
        if !halting {
            for (i, task) in spec.tasks.iter().enumerate() {
                if states[i] != State::Waiting {
                    continue;
                }
                let ready = task.depend_on.iter().all(|d| {
                    spec.tasks.iter().position(|t| &t.identifier == d).is_some_and(|j| {
                        states[j] == State::Passed || (states[j] == State::Failed && spec.tasks[j].ignore_failure)
                    })
                });
                if ready {
                    start_task(shared, job, task);
                    started = true;
                }
            }
        }
        if !running && !started {
            let waiting = states.contains(&State::Waiting);
            return if stopping {
                Outcome::Stopped
            } else if failed || waiting {
                // A task left waiting depends on one that failed.
                Outcome::Failed
            } else {
                Outcome::Succeeded
            };
        }
        tokio::time::sleep(TICK).await;
    }
}

fn running_builds(shared: &Shared, id: &str) -> Vec<String> {
    let store = lock(&shared.builds);
    let Some(b) = store.batch(id) else { return Vec::new() };
    b.groups
        .iter()
        .filter_map(|g| g.build.as_ref().map(|(id, _, _)| id.clone()))
        .filter(|id| store.outcome(id).is_none())
        .collect()
}

/// Starts one task's build, a member of the batch.
fn start_task(shared: &Arc<Shared>, job: &BatchJob, task: &BatchTask) {
    let mut source_override = job.source_override.clone();
    if let Some(spec) = &task.buildspec {
        source_override.retain(|(k, _)| *k != "buildspec");
        source_override.push(("buildspec", spec.clone()));
    }
    let mut env_override = job.env_override.clone();
    env_override.extend(task.variables.iter().map(|(k, v)| json!({ "name": k, "value": v, "type": "PLAINTEXT" })));
    let mut environment_override = Vec::new();
    if let Some(image) = &task.image {
        environment_override.push(("image", image.clone()));
    }
    if let Some(compute) = &task.compute_type {
        environment_override.push(("computeType", compute.clone()));
    }
    // Without CombineArtifacts each build's artifact is its own, named by
    // its identifier, beside the action's output (CodePipeline User Guide,
    // "CodeBuild build and test action reference").
    let artifact_zip = job.artifact_zip.as_ref().map(|out| {
        if job.combine {
            job.dir.join(format!("{}.zip", task.identifier))
        } else {
            out.with_file_name(format!("{}.zip", task.identifier))
        }
    });
    let source = match &job.source {
        // The batch keeps its S3 copy until it ends; each build only reads it.
        SourceInput::Snapshot(p) => SourceInput::Zip(p.clone()),
        other => other.clone(),
    };
    let launched = launch(
        shared,
        Launch {
            project: job.project.clone(),
            region: job.region.clone(),
            source,
            source_version: job.source_version.clone(),
            initiator: job.initiator.clone(),
            artifact_zip,
            source_override,
            env_override,
            timeout_minutes: None,
            managed: None,
            batch_arn: Some(job.arn.clone()),
            environment_override,
        },
    );
    let now = Utc::now();
    let ident = task.identifier.clone();
    let mut store = lock(&shared.builds);
    let arn = launched.as_ref().ok().and_then(|(id, _)| store.build(id).map(|b| (id.clone(), b.arn.clone())));
    if let Some(b) = store.batch_mut(&job.id)
        && let Some(g) = b.groups.iter_mut().find(|g| g.identifier == ident)
    {
        // A build that could not start counts as failed: no id to follow.
        g.build = Some(arn.map(|(id, arn)| (id, arn, now)).unwrap_or_else(|| (String::new(), String::new(), now)));
    }
}

/// The buildspec text the batch is read from: inline, or a file in the zip.
fn read_spec(job: &BatchJob) -> Result<BatchSpec, String> {
    let declared = job.buildspec.clone().filter(|s| !s.trim().is_empty());
    let text = match declared {
        Some(text) if text.contains('\n') || text.contains("version:") => text,
        declared => {
            let rel = declared.unwrap_or_else(|| "buildspec.yml".into());
            match &job.source {
                SourceInput::Zip(zip) | SourceInput::Snapshot(zip) => read_entry(zip, &rel)?,
                SourceInput::Missing(msg) => return Err(msg.clone()),
                SourceInput::Empty => return Err(format!("stat {rel}: no such file or directory (NO_SOURCE)")),
            }
        }
    };
    let spec = parse_batch(&text)?
        .ok_or("the buildspec has no batch section: a batch build needs batch/build-list or batch/build-graph")?;
    if let Some(max) = job.max_builds
        && spec.tasks.len() as u64 > max
    {
        return Err(format!(
            "the batch has {} builds, more than buildBatchConfig.restrictions.maximumBuildsAllowed ({max})",
            spec.tasks.len()
        ));
    }
    Ok(spec)
}

fn read_entry(zip: &Path, name: &str) -> Result<String, String> {
    let file = std::fs::File::open(zip).map_err(|e| format!("open source: {e}"))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| format!("read source zip: {e}"))?;
    let mut entry = archive
        .by_name(name.trim_start_matches("./"))
        .map_err(|_| format!("stat {name}: no such file or directory"))?;
    let mut text = String::new();
    entry.read_to_string(&mut text).map_err(|e| format!("{name}: {e}"))?;
    Ok(text)
}

/// One zip with each build's artifact files under `<identifier>/`.
fn combine(dir: &Path, spec: &BatchSpec, out: &Path) -> Result<(), String> {
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("combine artifacts: {e}"))?;
    }
    let file = std::fs::File::create(out).map_err(|e| format!("combine artifacts: {e}"))?;
    let mut writer = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default();
    for task in &spec.tasks {
        let part = dir.join(format!("{}.zip", task.identifier));
        let Ok(f) = std::fs::File::open(&part) else { continue };
        let mut archive = zip::ZipArchive::new(f).map_err(|e| format!("combine artifacts: {e}"))?;
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).map_err(|e| format!("combine artifacts: {e}"))?;
            if entry.is_dir() {
                continue;
            }
            let name = entry.name().map_err(|e| format!("combine artifacts: {e}"))?.to_string();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).map_err(|e| format!("combine artifacts: {e}"))?;
            writer
                .start_file(format!("{}/{name}", task.identifier), options)
                .map_err(|e| format!("combine artifacts: {e}"))?;
            writer.write_all(&bytes).map_err(|e| format!("combine artifacts: {e}"))?;
        }
    }
    writer.finish().map_err(|e| format!("combine artifacts: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_with(path: &Path, files: &[(&str, &str)]) {
        let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
        for (name, text) in files {
            w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(text.as_bytes()).unwrap();
        }
        w.finish().unwrap();
    }

    /// CodeBuild User Guide, "Batch builds in CodeBuild" (combine artifacts):
    /// each build's artifacts go under a folder named by its identifier.
    #[test]
    fn combined_artifacts_put_each_build_under_its_identifier() {
        let dir = tempfile::tempdir().unwrap();
        zip_with(&dir.path().join("unit.zip"), &[("report.txt", "unit ok")]);
        zip_with(&dir.path().join("lint.zip"), &[("report.txt", "lint ok"), ("out/a.txt", "a")]);
        let task = |id: &str| BatchTask { identifier: id.into(), ..BatchTask::default() };
        // `package` produced nothing: it is left out, not an error.
        let spec = BatchSpec { fast_fail: false, tasks: vec![task("unit"), task("lint"), task("package")] };
        let out = dir.path().join("combined/out.zip");
        combine(dir.path(), &spec, &out).unwrap();
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
        let mut names: Vec<String> = archive.file_names().map(|n| n.unwrap().to_string()).collect();
        names.sort();
        assert_eq!(names, ["lint/out/a.txt", "lint/report.txt", "unit/report.txt"]);
        let mut text = String::new();
        archive.by_name("unit/report.txt").unwrap().read_to_string(&mut text).unwrap();
        assert_eq!(text, "unit ok");
    }
}
