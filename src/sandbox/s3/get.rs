//! GetObject and HeadObject: versions and delete markers, conditional
//! requests, byte ranges and `partNumber`.

use std::io::SeekFrom;
use std::sync::Arc;

use futures_util::TryStreamExt;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use super::errors::{invalid_argument, invalid_range};
use super::objects::version_header;
use super::store::{Bucket, Version, well_formed_version_id};
use super::xml::http_date;
use super::{S3Error, S3Request, S3Result, multipart, respond, with_store};
use crate::sandbox::Shared;
use crate::sandbox::http::{self, ApiError};

/// The `versionId` a request names, refused if it cannot be one (S3 API
/// Reference, "List of error codes", InvalidArgument: "Invalid version id
/// specified"; a well-formed id that names nothing is NoSuchVersion).
pub fn requested_version(req: &S3Request) -> Result<Option<&str>, S3Error> {
    match req.param("versionId").filter(|v| !v.is_empty()) {
        Some(id) if !well_formed_version_id(id) => {
            Err(invalid_argument("Invalid version id specified", "versionId", id))
        }
        other => Ok(other),
    }
}

/// Finds the version a GET/HEAD addresses, with S3's errors for delete markers:
/// the latest one is 404 NoSuchKey; one named by versionId is 405 with
/// `Allow: DELETE`, the only method that applies to it (GetObject, HeadObject).
fn find<'a>(b: &'a Bucket, key: &str, version_id: Option<&str>) -> Result<&'a Version, S3Error> {
    let marker = |e: ApiError, v: &Version| {
        S3Error::from(e)
            .header("x-amz-delete-marker", "true")
            .header("x-amz-version-id", v.version_id.clone())
            .header("last-modified", http_date(v.last_modified))
    };
    let versions = b.objects.get(key);
    let no_key = || ApiError::new(404, "NoSuchKey", "The specified key does not exist.");
    match version_id {
        None => match versions.and_then(|v| v.last()) {
            None => Err(no_key().into()),
            Some(v) if v.delete_marker => Err(marker(no_key(), v)),
            Some(v) => Ok(v),
        },
        Some(id) => match versions.and_then(|vs| vs.iter().find(|v| v.version_id == id)) {
            None => Err(ApiError::new(404, "NoSuchVersion", "The specified version does not exist.").into()),
            Some(v) if v.delete_marker => {
                let e = ApiError::new(
                    405,
                    "MethodNotAllowed",
                    "The specified method is not allowed against this resource.",
                );
                Err(marker(e, v)
                    .header("allow", "DELETE")
                    .detail("Method", "GET")
                    .detail("ResourceType", "DeleteMarker"))
            }
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
    range.map(Some).ok_or_else(|| invalid_range(header.unwrap_or(""), size))
}

/// The bytes `partNumber` selects (S3 API Reference, GetObject and HeadObject,
/// "partNumber": a ranged request for that part). An object not uploaded in
/// parts has one part, itself. Returns (start, end inclusive); None for an
/// empty object.
fn part_range(version: &Version, number: u32) -> Result<Option<(u64, u64)>, S3Error> {
    let single = [version.size];
    let sizes = version.parts.as_deref().unwrap_or(&single);
    let index = number as usize - 1;
    let Some(len) = sizes.get(index) else {
        let e = ApiError::new(416, "InvalidPartNumber", "The requested partnumber is not satisfiable");
        return Err(S3Error::from(e)
            .detail("PartNumberRequested", number.to_string())
            .detail("ActualPartCount", sizes.len().to_string()));
    };
    let start: u64 = sizes[..index].iter().sum();
    Ok((*len > 0).then(|| (start, start + len - 1)))
}

/// S3 API Reference, GetObject and HeadObject, "Permissions": a missing object
/// is 404 only to a caller allowed s3:ListBucket; anyone else gets 403, so
/// that absence cannot be told from a lack of permission.
fn hide_missing(shared: &Shared, e: S3Error) -> S3Error {
    let missing = e.api.status == 404 && (e.api.code == "NoSuchKey" || e.api.code == "NoSuchVersion");
    if missing && !shared.limits.allows("s3:ListBucket") {
        ApiError::new(403, "AccessDenied", "Access Denied").into()
    } else {
        e
    }
}

/// HTTP's entity-tag match: `*` or any of a comma-separated list, quotes optional.
fn etag_matches(header: &str, etag: &str) -> bool {
    header.split(',').map(|t| t.trim().trim_start_matches("W/").trim_matches('"')).any(|t| t == "*" || t == etag)
}

pub async fn get(shared: &Arc<Shared>, req: &S3Request, bucket: &str, key: &str, head: bool) -> S3Result {
    let version_id = requested_version(req)?;
    let part = match req.param("partNumber") {
        Some(_) => Some(multipart::part_number(req)?),
        None => None,
    };
    if part.is_some() && req.headers.contains_key("range") {
        let message = "Cannot specify both Range header and partNumber query parameter";
        return Err(ApiError::client("InvalidRequest", message).into());
    }
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
    })
    .map_err(|e| hide_missing(shared, e))?;
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
    let range = match part {
        Some(n) => {
            // "PartsCount ... is only returned if you specify partNumber in your
            // request and the object was uploaded as a multipart upload."
            if let Some(sizes) = &version.parts {
                headers.push(("x-amz-mp-parts-count".into(), sizes.len().to_string()));
            }
            part_range(&version, n)?
        }
        None => parse_range(req.header("range"), version.size)?,
    };
    let (start, len, status) = match range {
        Some((start, end)) => {
            headers.push(("content-range".into(), format!("bytes {start}-{end}/{}", version.size)));
            (start, end - start + 1, 206)
        }
        None => {
            // The checksum is of the whole object: not sent with a part.
            if part.is_none()
                && req.header("x-amz-checksum-mode").is_some_and(|m| m.eq_ignore_ascii_case("ENABLED"))
                && let Some(checksum) = &version.checksum
            {
                headers.extend(checksum.headers());
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

#[cfg(test)]
mod tests {
    use super::*;

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
