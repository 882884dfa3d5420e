//! Multipart uploads: create, parts streamed to their own files, abort
//! (completion is in `complete`).

use std::sync::Arc;

use super::checksum::Algorithm;
use super::errors::invalid_argument;
use super::objects::{check_length, meta_from_headers};
use super::store;
use super::xml::Xml;
use super::{S3Error, S3Request, S3Result, body, respond, with_store, xml_response};
use crate::sandbox::Shared;
use crate::sandbox::http::{self, ApiError};

const MAX_PART: u64 = 5 * 1024 * 1024 * 1024;
const MAX_PARTS: u32 = 10_000;

fn upload_id(req: &S3Request) -> &str {
    req.param("uploadId").unwrap_or("")
}

/// The `partNumber` parameter: 1 to 10,000.
pub fn part_number(req: &S3Request) -> Result<u32, S3Error> {
    let raw = req.param("partNumber").unwrap_or("");
    raw.parse::<u32>().ok().filter(|n| (1..=MAX_PARTS).contains(n)).ok_or_else(|| {
        invalid_argument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", raw)
    })
}

pub fn create(shared: &Arc<Shared>, req: &S3Request, bucket: &str, key: &str) -> S3Result {
    let meta = meta_from_headers(&req.headers)?;
    let algorithm = req.header("x-amz-checksum-algorithm").and_then(Algorithm::parse);
    let id = with_store(shared, |s| s.create_upload(bucket, key, meta, algorithm))?;
    let mut doc = Xml::new("InitiateMultipartUploadResult");
    doc.elem("Bucket", bucket).elem("Key", key).elem("UploadId", &id);
    let mut resp = xml_response(doc.finish(), &req.request_id);
    if let Some(a) = algorithm.filter(|a| *a != Algorithm::Crc32) {
        let headers = [("x-amz-checksum-algorithm", a.name()), ("x-amz-checksum-type", "COMPOSITE")];
        for (name, value) in headers {
            resp.headers_mut().insert(name, hyper::header::HeaderValue::from_static(value));
        }
    }
    Ok(resp)
}

pub async fn upload_part(shared: &Arc<Shared>, req: S3Request, bucket: &str, key: &str) -> S3Result {
    let number = part_number(&req)?;
    check_length(&req, MAX_PART)?;
    let id = upload_id(&req).to_string();
    let (tmp_dir, algorithm) = with_store(shared, |s| s.upload(&id, bucket, key).map(|u| (s.tmp_dir(), u.algorithm)))?;
    let sha = algorithm.filter(|a| *a != Algorithm::Crc32);
    let (received, tmp) = body::to_file(
        req.body,
        &req.headers,
        req.expected_sha256.as_deref(),
        &tmp_dir,
        MAX_PART,
        shared.limits.uplink.as_ref(),
        sha,
    )
    .await?;
    // S3 API Reference, PutObject and UploadPart, InvalidRequest: a part's
    // checksum must be of the upload's algorithm.
    if let Some(expected) = sha
        && let Some(actual) = received.verified.iter().find(|a| **a != expected)
    {
        let message = format!(
            "Checksum Type mismatch occurred, expected checksum Type: {}, actual checksum Type: {}",
            expected.name().to_ascii_lowercase(),
            actual.name().to_ascii_lowercase()
        );
        return Err(ApiError::client("InvalidRequest", message).into());
    }
    let garbage = with_store(shared, |s| s.put_part(&id, bucket, key, number, (tmp, &received)))?;
    store::collect(garbage);
    let shown = sha.or_else(|| received.verified.first().copied()).unwrap_or(Algorithm::Crc32);
    let mut headers = vec![("etag".to_string(), format!("\"{}\"", received.md5_hex()))];
    headers.extend(received.digest(shown).map(|d| (shown.header().to_string(), d)));
    Ok(respond(200, &headers, http::empty(), &req.request_id))
}

pub fn abort(shared: &Arc<Shared>, req: &S3Request, bucket: &str, key: &str) -> S3Result {
    let id = upload_id(req);
    let garbage = with_store(shared, |s| {
        s.upload(id, bucket, key)?;
        Ok::<_, ApiError>(s.remove_upload(id).map(|(_, g)| g).unwrap_or_default())
    })?;
    store::collect(garbage);
    Ok(respond(204, &[], http::empty(), &req.request_id))
}
