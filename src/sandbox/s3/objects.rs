//! PutObject, GetObject, HeadObject, DeleteObject.

use std::io::SeekFrom;
use std::sync::Arc;

use futures_util::TryStreamExt;
use http_body_util::{BodyExt, StreamBody};
use hyper::HeaderMap;
use hyper::body::Frame;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use super::store::{self, Bucket, NewObject, ObjectMeta, Version, Versioning};
use super::xml::http_date;
use super::{S3Error, S3Request, S3Result, body, errors, respond, with_store};
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
    let (received, tmp) =
        body::to_file(req.body, &req.headers, req.expected_sha256.as_deref(), &tmp_dir, MAX_PUT).await?;
    let obj = NewObject {
        size: received.size,
        etag: received.md5_hex(),
        crc32: Some(received.crc32_b64()),
        meta,
        parts: None,
    };
    let (version, versioning, garbage) = with_store(shared, |s| {
        let (version, garbage) = s.put(bucket, key, tmp, obj)?;
        Ok::<_, ApiError>((version, s.bucket(bucket)?.versioning, garbage))
    })?;
    store::collect(garbage);
    shared.object_created(bucket, key, &version.version_id);
    let mut headers = vec![
        ("etag".to_string(), format!("\"{}\"", version.etag)),
        ("x-amz-checksum-crc32".to_string(), received.crc32_b64()),
        ("x-amz-checksum-type".to_string(), "FULL_OBJECT".to_string()),
    ];
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
        crc32: Some(body::base64(&crc32fast::hash(bytes).to_be_bytes())),
        meta: ObjectMeta { content_type: Some(content_type.to_string()), user: Vec::new(), headers: Vec::new() },
        parts: None,
    };
    let (version, garbage) = with_store(shared, |s| s.put(bucket, key, file.into_temp_path(), obj))?;
    store::collect(garbage);
    shared.object_created(bucket, key, &version.version_id);
    Ok(())
}

/// Finds the version a GET/HEAD addresses, with S3's errors for delete markers.
fn find<'a>(b: &'a Bucket, key: &str, version_id: Option<&str>) -> Result<&'a Version, S3Error> {
    let marker_headers =
        |v: &Version| vec![("x-amz-delete-marker", "true".to_string()), ("x-amz-version-id", v.version_id.clone())];
    let versions = b.objects.get(key);
    match version_id {
        None => match versions.and_then(|v| v.last()) {
            None => Err(ApiError::new(404, "NoSuchKey", "The specified key does not exist.").into()),
            Some(v) if v.delete_marker => Err(S3Error {
                api: ApiError::new(404, "NoSuchKey", "The specified key does not exist."),
                headers: marker_headers(v),
                details: Vec::new(),
            }),
            Some(v) => Ok(v),
        },
        Some(id) => match versions.and_then(|vs| vs.iter().find(|v| v.version_id == id)) {
            None => Err(ApiError::new(404, "NoSuchVersion", "The specified version does not exist.").into()),
            Some(v) if v.delete_marker => Err(S3Error {
                api: ApiError::new(
                    405,
                    "MethodNotAllowed",
                    "The specified method is not allowed against this resource.",
                ),
                headers: marker_headers(v),
                details: Vec::new(),
            }),
            Some(v) => Ok(v),
        },
    }
}

/// Parses a single `bytes=` range into an inclusive (start, end); None means
/// the whole object (no header, or one S3 ignores).
fn parse_range(header: Option<&str>, size: u64) -> Result<Option<(u64, u64)>, S3Error> {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else { return Ok(None) };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.split_once('-') else { return Ok(None) };
    let (a, b) = (a.trim(), b.trim());
    let range = match (a.parse::<u64>().ok(), b.parse::<u64>().ok()) {
        (Some(start), None) if b.is_empty() => (start < size).then(|| (start, size - 1)),
        (Some(start), Some(end)) if end >= start => (start < size).then(|| (start, end.min(size - 1))),
        (None, Some(n)) if a.is_empty() => (n > 0 && size > 0).then(|| (size.saturating_sub(n), size - 1)),
        _ => return Ok(None),
    };
    match range {
        Some(r) => Ok(Some(r)),
        None => Err(errors::invalid_range(header.unwrap_or(""), size)),
    }
}

/// HTTP's entity-tag match: `*` or any of a comma-separated list, quotes optional.
fn etag_matches(header: &str, etag: &str) -> bool {
    header.split(',').map(|t| t.trim().trim_start_matches("W/").trim_matches('"')).any(|t| t == "*" || t == etag)
}

pub async fn get(shared: &Arc<Shared>, req: &S3Request, bucket: &str, key: &str, head: bool) -> S3Result {
    let version_id = req.param("versionId").filter(|v| !v.is_empty());
    let (version, versioning, file) = with_store(shared, |s| {
        let b = s.bucket(bucket)?;
        let version = find(b, key, version_id)?.clone();
        let path = s.object_file(bucket, key, Some(&version.version_id));
        // Open under the lock so an overwrite cannot delete the file first.
        let file = match (head, path) {
            (true, _) => None,
            (false, Some(path)) => Some(
                std::fs::File::open(path)
                    .map_err(|e| ApiError::new(500, "InternalError", format!("cannot open the object: {e}")))?,
            ),
            (false, None) => return Err(ApiError::new(500, "InternalError", "the object has no body").into()),
        };
        Ok::<_, S3Error>((version, b.versioning, file))
    })?;
    if let Some(m) = req.header("if-match")
        && !etag_matches(m, &version.etag)
    {
        return Err(ApiError::new(
            412,
            "PreconditionFailed",
            "At least one of the pre-conditions you specified did not hold",
        )
        .into());
    }
    let mut headers: Vec<(String, String)> = vec![
        ("etag".into(), format!("\"{}\"", version.etag)),
        ("last-modified".into(), http_date(version.last_modified)),
        ("accept-ranges".into(), "bytes".into()),
    ];
    headers.extend(version_header(versioning, &version.version_id));
    if let Some(m) = req.header("if-none-match")
        && etag_matches(m, &version.etag)
    {
        return Ok(respond(304, &headers, http::empty(), &req.request_id));
    }
    let content_type = version.meta.content_type.clone().unwrap_or_else(|| "binary/octet-stream".into());
    headers
        .push(("content-type".into(), req.param("response-content-type").map(str::to_string).unwrap_or(content_type)));
    for (name, value) in &version.meta.headers {
        let over = req.param(&format!("response-{name}"));
        headers.push((name.clone(), over.unwrap_or(value).to_string()));
    }
    headers.extend(version.meta.user.iter().map(|(k, v)| (format!("x-amz-meta-{k}"), v.clone())));
    if let Some(parts) = version.parts {
        headers.push(("x-amz-mp-parts-count".into(), parts.to_string()));
    }
    let range = parse_range(req.header("range"), version.size)?;
    let (start, len, status) = match range {
        Some((start, end)) => {
            headers.push(("content-range".into(), format!("bytes {start}-{end}/{}", version.size)));
            (start, end - start + 1, 206)
        }
        None => {
            if req.header("x-amz-checksum-mode").is_some_and(|m| m.eq_ignore_ascii_case("ENABLED"))
                && let Some(crc) = &version.crc32
            {
                headers.push(("x-amz-checksum-crc32".into(), crc.clone()));
                headers.push(("x-amz-checksum-type".into(), "FULL_OBJECT".into()));
            }
            (0, version.size, 200)
        }
    };
    headers.push(("content-length".into(), len.to_string()));
    let Some(file) = file else {
        return Ok(respond(status, &headers, http::empty(), &req.request_id));
    };
    let mut file = tokio::fs::File::from_std(file);
    if start > 0 {
        file.seek(SeekFrom::Start(start))
            .await
            .map_err(|e| ApiError::new(500, "InternalError", format!("cannot read the object: {e}")))?;
    }
    let stream = ReaderStream::with_capacity(file.take(len), 256 * 1024).map_ok(Frame::data);
    Ok(respond(status, &headers, StreamBody::new(stream).boxed(), &req.request_id))
}

pub fn delete(shared: &Arc<Shared>, req: &S3Request, bucket: &str, key: &str) -> S3Result {
    let version_id = req.param("versionId").filter(|v| !v.is_empty());
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

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges_follow_rfc_7233() {
        let r = |h: &str, size| parse_range(Some(h), size).map_err(|e| e.api.code);
        assert_eq!(r("bytes=0-9", 100), Ok(Some((0, 9))));
        assert_eq!(r("bytes=90-200", 100), Ok(Some((90, 99))));
        assert_eq!(r("bytes=10-", 100), Ok(Some((10, 99))));
        assert_eq!(r("bytes=-10", 100), Ok(Some((90, 99))));
        assert_eq!(r("bytes=-500", 100), Ok(Some((0, 99))));
        assert_eq!(r("bytes=100-", 100), Err("InvalidRange".to_string()));
        assert_eq!(r("bytes=5-2", 100), Ok(None));
        assert_eq!(r("bytes=0-1,5-6", 100), Ok(None));
        assert_eq!(r("items=0-1", 100), Ok(None));
        assert_eq!(parse_range(None, 100).map_err(|e| e.api.code), Ok(None));
    }
}
