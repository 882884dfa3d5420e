//! The S3 deploy action (CodePipeline User Guide, "Amazon S3 deploy action
//! reference"): configuration BucketName, Extract, ObjectKey. With Extract
//! true the input artifact's files are written under ObjectKey (a path, may
//! be empty); with false the artifact zip itself is written at ObjectKey.
//!
//! The writes go through the sandbox's S3, which tells the pipeline engine
//! of new objects, so they run off the engine's lock in a blocking task; the
//! engine picks the outcome up on its next pass.

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};

use super::actions::fail;
use super::{ActionExec, Execution, new_id};
use crate::sandbox::config::ActionDecl;
use crate::sandbox::{Shared, lock};

/// A deploy's outcome: its summary, or the error message.
type Outcome = Result<String, String>;

/// Deploys in flight and done: id -> None while running, Some(outcome).
static JOBS: LazyLock<Mutex<HashMap<String, Option<Outcome>>>> = LazyLock::new(Default::default);

const PREFIX: &str = "s3-deploy/";

pub fn is_deploy(external_id: &str) -> bool {
    external_id.starts_with(PREFIX)
}

pub fn is_s3_deploy(decl: &ActionDecl) -> bool {
    let t = &decl.action_type_id;
    t.category == "Deploy" && t.owner == "AWS" && t.provider == "S3"
}

/// A finished deploy's outcome (summary or error), taken once.
pub fn take(external_id: &str) -> Option<Outcome> {
    let mut jobs = lock(&JOBS);
    let done = jobs.get(external_id).is_some_and(Option::is_some);
    if done { jobs.remove(external_id).flatten() } else { None }
}

pub fn start(shared: &Arc<Shared>, e: &Execution, decl: &ActionDecl, exec: &mut ActionExec) {
    let bucket = decl.configuration.get("BucketName").cloned().unwrap_or_default();
    let extract = decl.configuration.get("Extract").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let key = decl.configuration.get("ObjectKey").cloned().unwrap_or_default();
    let Some(zip) = decl.input_artifacts.first().and_then(|i| e.artifacts.get(&i.name)).cloned() else {
        fail(exec, "JobFailed", "The S3 deploy action needs an input artifact produced by an earlier stage".into());
        return;
    };
    if bucket.is_empty() || (!extract && key.is_empty()) {
        fail(exec, "JobFailed", "BucketName is required, and ObjectKey when Extract is false".into());
        return;
    }
    let id = format!("{PREFIX}{}", new_id());
    lock(&JOBS).insert(id.clone(), None);
    exec.external_id = Some(id.clone());
    exec.external_url = Some(format!("https://console.aws.amazon.com/s3/buckets/{bucket}?prefix={key}"));
    let shared = shared.clone();
    tokio::task::spawn_blocking(move || {
        let outcome = write(&shared, &zip, &bucket, &key, extract);
        lock(&JOBS).insert(id, Some(outcome));
        shared.kick.notify_one();
    });
}

fn write(shared: &Shared, zip: &PathBuf, bucket: &str, key: &str, extract: bool) -> Outcome {
    let put = |k: &str, bytes: &[u8], kind: &str| {
        crate::sandbox::s3::put_bytes(shared, bucket, k, bytes, kind).map_err(|e| format!("{}: {}", e.code, e.message))
    };
    if !extract {
        let bytes = std::fs::read(zip).map_err(|e| format!("cannot read the input artifact: {e}"))?;
        put(key, &bytes, "application/zip")?;
        return Ok(format!("Deployed the artifact to s3://{bucket}/{key}"));
    }
    let file = std::fs::File::open(zip).map_err(|e| format!("cannot read the input artifact: {e}"))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| format!("the input artifact is not a zip file: {e}"))?;
    let prefix = key.trim_matches('/');
    let mut count = 0;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| format!("cannot read the input artifact: {e}"))?;
        if entry.is_dir() {
            continue;
        }
        let Some(name) = entry.enclosed_name().map(|p| p.to_string_lossy().replace('\\', "/")) else { continue };
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(|e| format!("cannot read {name}: {e}"))?;
        let object = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
        put(&object, &bytes, "application/octet-stream")?;
        count += 1;
    }
    let at = if prefix.is_empty() { String::new() } else { format!("{prefix}/") };
    Ok(format!("Deployed {count} files to s3://{bucket}/{at}"))
}
