//! PutObject and DeleteObject (GetObject and HeadObject are in `get`).

use std::sync::Arc;

use hyper::HeaderMap;

use super::checksum::{Algorithm, Checksum};
use super::store::{self, NewObject, ObjectMeta, Versioning};
use super::{S3Request, S3Result, body, get, respond, with_store};
use crate::sandbox::Shared;
use crate::sandbox::http::{self, ApiError};

/// The largest object a single PUT may carry.
pub const MAX_PUT: u64 = 5 * 1024 * 1024 * 1024;
const MAX_METADATA: usize = 2 * 1024;
/// Standard headers S3 stores with an object and returns on GET.
const STORED_HEADERS: &[&str] =
    &["cache-control", "content-disposition", "content-language", "expires", "content-encoding"];

/// Reads Content-Type, `x-amz-meta-*` and the stored standard headers.
pub fn meta_from_headers(headers: &HeaderMap) -> Result<ObjectMeta, ApiError> {
    let text = |v: &hyper::header::HeaderValue| String::from_utf8_lossy(v.as_bytes()).trim().to_string();
    let mut meta = ObjectMeta {
        content_type: http::header_str(headers, "content-type").map(str::to_string),
        ..Default::default()
    };
    for (name, value) in headers {
        if let Some(user) = name.as_str().strip_prefix("x-amz-meta-") {
            meta.user.push((user.to_string(), text(value)));
        } else if STORED_HEADERS.contains(&name.as_str()) {
            let mut value = text(value);
            if name == "content-encoding" {
                // aws-chunked describes this request's framing, not the object.
                value = value
                    .split(',')
                    .map(str::trim)
                    .filter(|e| !e.is_empty() && *e != "aws-chunked")
                    .collect::<Vec<_>>()
                    .join(",");
            }
            if !value.is_empty() {
                meta.headers.push((name.as_str().to_string(), value));
            }
        }
    }
    if meta.user.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>() > MAX_METADATA {
        return Err(ApiError::client(
            "MetadataTooLarge",
            "Your metadata headers exceed the maximum allowed metadata size.",
        ));
    }
    Ok(meta)
}

/// Checks the declared size before any byte is read.
pub fn check_length(req: &S3Request, max: u64) -> Result<(), ApiError> {
    match body::declared_length(&req.headers) {
        None => Err(ApiError::new(411, "MissingContentLength", "You must provide the Content-Length HTTP header.")),
        Some(n) if n > max => Err(body::too_large()),
        Some(_) => Ok(()),
    }
}

pub fn version_header(versioning: Versioning, version_id: &str) -> Option<(String, String)> {
    (versioning != Versioning::Off).then(|| ("x-amz-version-id".to_string(), version_id.to_string()))
}

pub async fn put(shared: &Arc<Shared>, req: S3Request, bucket: &str, key: &str) -> S3Result {
    check_length(&req, MAX_PUT)?;
    let meta = meta_from_headers(&req.headers)?;
    let tmp_dir = with_store(shared, |s| s.bucket(bucket).map(|_| s.tmp_dir()))?;
    let (received, tmp) = body::to_file(
        req.body,
        &req.headers,
        req.expected_sha256.as_deref(),
        &tmp_dir,
        MAX_PUT,
        shared.limits.uplink.as_ref(),
        None,
    )
    .await?;
    let checksum = received.stored();
    let obj = NewObject {
        size: received.size,
        etag: received.md5_hex(),
        checksum: Some(checksum.clone()),
        meta,
        parts: None,
    };
    let (version, versioning, garbage) = with_store(shared, |s| {
        let (version, garbage) = s.put(bucket, key, tmp, obj)?;
        Ok::<_, ApiError>((version, s.bucket(bucket)?.versioning, garbage))
    })?;
    store::collect(garbage);
    shared.object_created(bucket, key, &version.version_id);
    let mut headers = vec![("etag".to_string(), format!("\"{}\"", version.etag))];
    headers.extend(checksum.headers());
    headers.extend(version_header(versioning, &version.version_id));
    Ok(respond(200, &headers, http::empty(), &req.request_id))
}

/// Stores `bytes` as the newest version of `key`, as a PutObject would: how
/// the sandbox's own services write to S3 (CodeBuild's S3 build logs).
pub fn put_bytes(shared: &Shared, bucket: &str, key: &str, bytes: &[u8], content_type: &str) -> Result<(), ApiError> {
    use md5::Digest;
    use std::io::Write;
    let failed = |e: std::io::Error| ApiError::new(500, "InternalError", format!("cannot store the object: {e}"));
    let tmp_dir = with_store(shared, |s| s.bucket(bucket).map(|_| s.tmp_dir()))?;
    let mut file = tempfile::NamedTempFile::new_in(tmp_dir).map_err(failed)?;
    file.write_all(bytes).map_err(failed)?;
    let obj = NewObject {
        size: bytes.len() as u64,
        etag: hex::encode(md5::Md5::digest(bytes)),
        checksum: Some(Checksum::full(Algorithm::Crc32, body::base64(&crc32fast::hash(bytes).to_be_bytes()))),
        meta: ObjectMeta { content_type: Some(content_type.to_string()), user: Vec::new(), headers: Vec::new() },
        parts: None,
    };
    let (version, garbage) = with_store(shared, |s| s.put(bucket, key, file.into_temp_path(), obj))?;
    store::collect(garbage);
    shared.object_created(bucket, key, &version.version_id);
    Ok(())
}

pub fn delete(shared: &Arc<Shared>, req: &S3Request, bucket: &str, key: &str) -> S3Result {
    let version_id = get::requested_version(req)?;
    let (reported, marker, garbage) = with_store(shared, |s| s.delete(bucket, key, version_id))?;
    store::collect(garbage);
    let mut headers = Vec::new();
    if let Some(id) = reported {
        headers.push(("x-amz-version-id".to_string(), id));
    }
    if marker {
        headers.push(("x-amz-delete-marker".to_string(), "true".to_string()));
    }
    Ok(respond(204, &headers, http::empty(), &req.request_id))
}
