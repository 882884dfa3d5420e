//! S3 sources that poll (`PollForSourceChanges` absent or true): CodePipeline
//! looks at the object now and then and starts a run when its version changed,
//! one run for however many uploads came in between (CodePipeline User Guide,
//! "Valid settings for the PollForSourceChanges parameter"). A pipeline whose
//! `metadata.pollingDisabledAt` is set (inactive for 30 days) never starts a
//! run by polling (CodePipeline API Reference, PipelineMetadata).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::engine::{create_execution, revision};
use super::{Store, Time};
use crate::sandbox::{Shared, lock};

pub struct Polls {
    interval: Duration,
    next: Instant,
    /// (pipeline, action) -> the version the last poll saw.
    seen: HashMap<(String, String), Option<String>>,
}

impl Polls {
    pub fn new(interval: Duration) -> Self {
        Self { interval, next: Instant::now() + interval, seen: HashMap::new() }
    }
}

/// `metadata.pollingDisabledAt` as GetPipeline gives it: epoch seconds or an
/// RFC 3339 string.
pub fn disabled_at(metadata: &Value) -> Option<Time> {
    match metadata.get("pollingDisabledAt")? {
        Value::Number(n) => DateTime::from_timestamp_millis((n.as_f64()? * 1000.0) as i64),
        Value::String(s) => DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc)),
        _ => None,
    }
}

/// The polling S3 sources: (pipeline, action, bucket, key).
fn sources(store: &Store) -> Vec<(String, String, String, String)> {
    store
        .pipelines
        .iter()
        .flat_map(|p| {
            p.decl.stages.iter().flat_map(|s| &s.actions).filter(|a| a.polls()).map(|a| {
                let c = |k: &str| a.configuration.get(k).cloned().unwrap_or_default();
                (p.decl.name.clone(), a.name.clone(), c("S3Bucket"), c("S3ObjectKey"))
            })
        })
        .collect()
}

/// What is in S3 when the sandbox starts (or when pipeline `only` is
/// created or updated) is not a change.
pub fn baseline(shared: &Arc<Shared>, store: &mut Store, only: Option<&str>) {
    for (pipeline, action, bucket, key) in sources(store) {
        if only.is_some_and(|name| name != pipeline) {
            continue;
        }
        let version = lock(&shared.s3).latest_version(&bucket, &key);
        store.polls.seen.insert((pipeline, action), version);
    }
}

/// Polls when the interval is up; starts a run per pipeline whose source changed.
pub fn poll(shared: &Arc<Shared>, store: &mut Store) {
    let now = Instant::now();
    if now < store.polls.next {
        return;
    }
    store.polls.next = now + store.polls.interval;
    let mut changed: Vec<String> = Vec::new();
    for (pipeline, action, bucket, key) in sources(store) {
        let version = lock(&shared.s3).latest_version(&bucket, &key);
        let before = store.polls.seen.insert((pipeline.clone(), action), version.clone());
        if version.is_some() && before.as_ref() != Some(&version) && !changed.contains(&pipeline) {
            changed.push(pipeline);
        }
    }
    let utc_now = Utc::now();
    for name in changed {
        let Ok(p) = store.pipeline(&name) else { continue };
        if p.polling_disabled_at.is_some_and(|at| at <= utc_now) {
            continue;
        }
        // Every S3 source of the run reads its object's latest version.
        let revisions: Vec<_> = p
            .decl
            .stages
            .iter()
            .flat_map(|s| &s.actions)
            .filter(|a| a.is_s3_source())
            .filter_map(|a| {
                let bucket = a.configuration.get("S3Bucket")?;
                let key = a.configuration.get("S3ObjectKey")?;
                let version = lock(&shared.s3).latest_version(bucket, key)?;
                Some(revision(shared, &a.name, bucket, key, &version))
            })
            .collect();
        let detail = revisions.first().map(|r| r.action_name.clone()).unwrap_or_default();
        create_execution(store, &name, revisions, "PollForSourceChanges", &detail, None, Vec::new());
    }
}
