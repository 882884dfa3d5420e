//! StartPipelineExecution `sourceRevisions` for the sandbox's S3 source
//! actions (API Reference, StartPipelineExecution and SourceRevisionOverride;
//! User Guide, "Start a pipeline with a source revision override" and the S3
//! source action reference): S3_OBJECT_VERSION_ID runs that version of the
//! object, S3_OBJECT_KEY another object of the bucket (only where the action
//! sets AllowOverrideForS3ObjectKey to true), both together that version of
//! that object. Anything else is refused before the execution exists.

use std::sync::Arc;

use serde_json::Value;

use super::SourceRevision;
use super::engine::revision;
use crate::sandbox::config::PipelineDecl;
use crate::sandbox::http::{ApiError, Input};
use crate::sandbox::{Shared, lock};

/// One S3 source action as declared.
pub struct S3Source {
    action: String,
    bucket: String,
    key: String,
    allow_key_override: bool,
}

pub fn s3_sources(decl: &PipelineDecl) -> Vec<S3Source> {
    let actions = decl.stages.iter().flat_map(|s| &s.actions).filter(|a| a.is_s3_source());
    actions
        .map(|a| {
            let c = |k: &str| a.configuration.get(k).cloned().unwrap_or_default();
            S3Source {
                action: a.name.clone(),
                bucket: c("S3Bucket"),
                key: c("S3ObjectKey"),
                allow_key_override: c("AllowOverrideForS3ObjectKey").eq_ignore_ascii_case("true"),
            }
        })
        .collect()
}

const TYPES: [&str; 4] = ["COMMIT_ID", "IMAGE_DIGEST", "S3_OBJECT_VERSION_ID", "S3_OBJECT_KEY"];

/// The revision each source runs: its overrides applied, else its object's
/// latest version (none: the run fails in that source, as on AWS).
pub fn revisions(
    shared: &Arc<Shared>,
    pipeline: &str,
    sources: &[S3Source],
    overrides: &[Value],
) -> Result<Vec<SourceRevision>, ApiError> {
    let mut parsed: Vec<(&str, &str, &str)> = Vec::new();
    for o in overrides {
        let (action, kind, value) = (o.req_str("actionName")?, o.req_str("revisionType")?, o.req_str("revisionValue")?);
        if !TYPES.contains(&kind) {
            return Err(ApiError::validation(format!(
                "1 validation error detected: Value '{kind}' at 'sourceRevisions.member.revisionType' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                TYPES.join(", ")
            )));
        }
        if !sources.iter().any(|s| s.action == action) {
            return Err(ApiError::validation(format!(
                "sourceRevisions names action {action}, which is not an S3 source action of {pipeline}"
            )));
        }
        if parsed.iter().any(|(a, k, _)| *a == action && *k == kind) {
            return Err(ApiError::validation(format!("sourceRevisions gives {kind} twice for action {action}")));
        }
        parsed.push((action, kind, value));
    }
    let mut out = Vec::new();
    for s in sources {
        let given = |kind: &str| parsed.iter().find(|(a, k, _)| *a == s.action && *k == kind).map(|(_, _, v)| *v);
        if let Some((_, kind, _)) = parsed.iter().find(|(a, k, _)| *a == s.action && !k.starts_with("S3_")) {
            return Err(ApiError::validation(format!(
                "revisionType {kind} is not valid for the S3 source action {}",
                s.action
            )));
        }
        let key = match given("S3_OBJECT_KEY") {
            Some(_) if !s.allow_key_override => {
                return Err(ApiError::validation(format!(
                    "The S3 source action {} does not allow overriding its S3ObjectKey: set AllowOverrideForS3ObjectKey to true",
                    s.action
                )));
            }
            Some(key) => key,
            None => s.key.as_str(),
        };
        let s3 = lock(&shared.s3);
        let version = match given("S3_OBJECT_VERSION_ID") {
            Some(v) if s3.object_file(&s.bucket, key, Some(v)).is_none() => {
                return Err(ApiError::validation(format!("Version {v} of s3://{}/{key} does not exist", s.bucket)));
            }
            Some(v) => Some(v.to_string()),
            None => s3.latest_version(&s.bucket, key),
        };
        drop(s3);
        match version {
            Some(v) => out.push(revision(shared, &s.action, &s.bucket, key, &v)),
            // An overridden key must name an object; the declared one may be missing (the run fails in Source).
            None if key != s.key => {
                return Err(ApiError::validation(format!("The object s3://{}/{key} does not exist", s.bucket)));
            }
            None => {}
        }
    }
    Ok(out)
}
