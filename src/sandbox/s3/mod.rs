//! S3 (REST-XML, path-style). STUB: to be implemented.

use std::path::PathBuf;
use std::sync::Arc;

use color_eyre::eyre::Result;
use hyper::{HeaderMap, Method, body::Incoming};

use super::Shared;
use super::http::Response;

/// A signature-checked S3 request, body not yet read.
pub struct S3Request {
    pub method: Method,
    /// Path as sent, still percent-encoded: `/bucket/key`.
    pub raw_path: String,
    /// Decoded query pairs in order (`versioning` has an empty value).
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Incoming,
    /// Set when the client signed the body's SHA-256: it must match.
    pub expected_sha256: Option<String>,
    pub request_id: String,
    pub region: String,
}

pub struct Store {
    pub root: PathBuf,
}

impl Store {
    pub fn new(root: PathBuf) -> Result<Self> {
        std::fs::create_dir_all(&root)?;
        Ok(Self { root })
    }
    pub fn ensure_bucket(&mut self, _name: &str, _versioned: bool) {}
    /// The file holding an object version's body (the latest when `version_id` is None).
    pub fn object_file(&self, _bucket: &str, _key: &str, _version_id: Option<&str>) -> Option<PathBuf> {
        None
    }
    /// User metadata (`x-amz-meta-*` without the prefix) of an object version.
    pub fn object_metadata(&self, _bucket: &str, _key: &str, _version_id: Option<&str>) -> Option<Vec<(String, String)>> {
        None
    }
    /// The VersionId of the current version of a key, if it exists.
    pub fn latest_version(&self, _bucket: &str, _key: &str) -> Option<String> {
        None
    }
}

/// Returns the operation name (for the request log) and the response.
pub async fn handle(_shared: &Arc<Shared>, req: S3Request) -> (String, Response) {
    let err = super::http::ApiError::new(501, "NotImplemented", "not yet");
    ("Unknown".into(), super::http::s3_error(&err, &req.raw_path, &req.request_id, false))
}
