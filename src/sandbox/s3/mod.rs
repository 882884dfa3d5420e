//! S3 (REST-XML, path-style): `/bucket` and `/bucket/key`. Buckets, versioning,
//! objects streamed to and from disk, multipart uploads.

mod body;
mod buckets;
mod checksum;
mod chunked;
mod complete;
mod errors;
mod get;
mod list;
mod listing;
mod multipart;
mod objects;
mod store;
mod uploads;
mod xml;

use std::sync::Arc;

use hyper::header::{HeaderName, HeaderValue};
use hyper::{HeaderMap, Method, body::Incoming};

pub use errors::{S3Error, auth_error, presign_error};
pub use objects::put_bytes;
pub use store::{Store, Version, Versioning};

use super::Shared;
use super::http::{self, ApiError, Body, Response};

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

impl S3Request {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    pub fn has(&self, name: &str) -> bool {
        self.param(name).is_some()
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        http::header_str(&self.headers, name)
    }
}

pub type S3Result = Result<Response, S3Error>;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    ListBuckets,
    CreateBucket,
    DeleteBucket,
    HeadBucket,
    GetBucketLocation,
    PutBucketVersioning,
    GetBucketVersioning,
    ListObjectVersions,
    ListObjects,
    ListObjectsV2,
    DeleteObjects,
    PutObject,
    GetObject,
    HeadObject,
    DeleteObject,
    CreateMultipartUpload,
    UploadPart,
    CompleteMultipartUpload,
    AbortMultipartUpload,
    CopyObject,
    UploadPartCopy,
    Unsupported,
    NotAllowed,
}

/// Subresources of real S3 this sandbox does not emulate.
const UNSUPPORTED: &[&str] = &[
    "acl",
    "policy",
    "policyStatus",
    "tagging",
    "cors",
    "lifecycle",
    "website",
    "encryption",
    "notification",
    "replication",
    "logging",
    "ownershipControls",
    "publicAccessBlock",
    "object-lock",
    "accelerate",
    "requestPayment",
    "analytics",
    "inventory",
    "metrics",
    "intelligent-tiering",
    "retention",
    "legal-hold",
    "attributes",
    "torrent",
    "restore",
    "select",
    "session",
];

fn route(req: &S3Request, has_bucket: bool, has_key: bool) -> Op {
    if req.query.iter().any(|(k, _)| UNSUPPORTED.contains(&k.as_str())) {
        return Op::Unsupported;
    }
    let m = &req.method;
    match (has_bucket, has_key) {
        (false, _) if m == Method::GET => Op::ListBuckets,
        (false, _) => Op::NotAllowed,
        (true, false) => match *m {
            Method::PUT if req.has("versioning") => Op::PutBucketVersioning,
            Method::PUT => Op::CreateBucket,
            Method::GET if req.has("versioning") => Op::GetBucketVersioning,
            Method::GET if req.has("versions") => Op::ListObjectVersions,
            Method::GET if req.has("location") => Op::GetBucketLocation,
            Method::GET if req.has("uploads") => Op::Unsupported,
            Method::GET if req.param("list-type") == Some("2") => Op::ListObjectsV2,
            Method::GET => Op::ListObjects,
            Method::HEAD => Op::HeadBucket,
            Method::DELETE => Op::DeleteBucket,
            Method::POST if req.has("delete") => Op::DeleteObjects,
            _ => Op::NotAllowed,
        },
        (true, true) => match *m {
            // The copy source decides first: UploadPartCopy also carries uploadId.
            Method::PUT if req.headers.contains_key("x-amz-copy-source") && req.has("uploadId") => Op::UploadPartCopy,
            Method::PUT if req.headers.contains_key("x-amz-copy-source") => Op::CopyObject,
            Method::PUT if req.has("uploadId") => Op::UploadPart,
            Method::PUT => Op::PutObject,
            Method::GET if req.has("uploadId") => Op::Unsupported,
            Method::GET => Op::GetObject,
            Method::HEAD => Op::HeadObject,
            Method::POST if req.has("uploads") => Op::CreateMultipartUpload,
            Method::POST if req.has("uploadId") => Op::CompleteMultipartUpload,
            Method::DELETE if req.has("uploadId") => Op::AbortMultipartUpload,
            Method::DELETE => Op::DeleteObject,
            _ => Op::NotAllowed,
        },
    }
}

/// Splits `/bucket/key` and decodes the key (`+` is a literal plus in paths).
fn split_path(raw: &str) -> (String, String) {
    let trimmed = raw.strip_prefix('/').unwrap_or(raw);
    let (bucket, key) = trimmed.split_once('/').unwrap_or((trimmed, ""));
    let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
    (decode(bucket), decode(key))
}

/// Returns the operation name (for the request log) and the response.
pub async fn handle(shared: &Arc<Shared>, req: S3Request) -> (String, Response) {
    let head = req.method == Method::HEAD;
    let resource = req.raw_path.clone();
    let rid = req.request_id.clone();
    let upload_id = req.param("uploadId").map(str::to_string);
    let version_id = req.param("versionId").map(str::to_string);
    let (bucket, key) = split_path(&req.raw_path);
    let op = route(&req, !bucket.is_empty(), !key.is_empty());
    let name = format!("{op:?}");
    let admitted = match op {
        Op::Unsupported | Op::NotAllowed => Ok(()),
        _ => shared.limits.admit_s3(&name, req.has("versionId"), &bucket, &key),
    };
    if let Err(e) = admitted {
        return (name, http::s3_error(&e, &resource, &rid, head));
    }
    let result = match op {
        Op::ListBuckets => buckets::list_buckets(shared, &req),
        Op::CreateBucket => buckets::create(shared, req, &bucket).await,
        Op::DeleteBucket => buckets::delete(shared, &req, &bucket),
        Op::HeadBucket => buckets::head(shared, &req, &bucket),
        Op::GetBucketLocation => buckets::location(shared, &req, &bucket),
        Op::PutBucketVersioning => buckets::put_versioning(shared, req, &bucket).await,
        Op::GetBucketVersioning => buckets::get_versioning(shared, &req, &bucket),
        Op::ListObjectVersions => listing::versions(shared, &req, &bucket),
        Op::ListObjects => listing::objects(shared, &req, &bucket, false),
        Op::ListObjectsV2 => listing::objects(shared, &req, &bucket, true),
        Op::DeleteObjects => buckets::delete_objects(shared, req, &bucket).await,
        Op::PutObject => objects::put(shared, req, &bucket, &key).await,
        Op::GetObject | Op::HeadObject => get::get(shared, &req, &bucket, &key, head).await,
        Op::DeleteObject => objects::delete(shared, &req, &bucket, &key),
        Op::CreateMultipartUpload => multipart::create(shared, &req, &bucket, &key),
        Op::UploadPart => multipart::upload_part(shared, req, &bucket, &key).await,
        Op::CompleteMultipartUpload => complete::complete(shared, req, &bucket, &key).await,
        Op::AbortMultipartUpload => multipart::abort(shared, &req, &bucket, &key),
        Op::CopyObject => Err(errors::not_implemented("CopyObject", "x-amz-copy-source")),
        Op::UploadPartCopy => Err(errors::not_implemented("UploadPartCopy", "x-amz-copy-source")),
        Op::Unsupported => Err(ApiError::new(
            501,
            "NotImplemented",
            "A header or query you provided implies functionality that is not implemented",
        )
        .into()),
        Op::NotAllowed => {
            Err(ApiError::new(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")
                .into())
        }
    };
    let resp = result.unwrap_or_else(|e| {
        let e = e.with_context(&bucket, &key, upload_id.as_deref(), version_id.as_deref());
        error_response(&e, &resource, &rid, head)
    });
    (name, resp)
}

/// An error as S3 sends it: the document with its details (none for HEAD)
/// and the headers that go with it.
pub fn error_response(e: &S3Error, resource: &str, rid: &str, head: bool) -> Response {
    let mut resp = http::s3_error(&e.api, resource, rid, head);
    if !head && !e.details.is_empty() {
        *resp.body_mut() = http::full(http::s3_error_doc(&e.api, &e.details, resource, rid));
    }
    add_headers(resp.headers_mut(), e.headers.iter().map(|(k, v)| (*k, v.as_str())));
    resp
}

fn add_headers<'a>(map: &mut HeaderMap, headers: impl IntoIterator<Item = (&'a str, &'a str)>) {
    for (name, value) in headers {
        // Values come from our own store or parsed headers; skip any that cannot be sent.
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            map.append(name, value);
        }
    }
}

/// A success response with S3's request-id headers.
pub fn respond(status: u16, headers: &[(String, String)], body: Body, rid: &str) -> Response {
    let mut resp = hyper::Response::new(body);
    *resp.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::OK);
    let map = resp.headers_mut();
    add_headers(map, [("x-amz-request-id", rid), ("x-amz-id-2", rid)]);
    add_headers(map, headers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    resp
}

pub fn xml_response(doc: String, rid: &str) -> Response {
    respond(200, &[("content-type".into(), "application/xml".into())], http::full(doc), rid)
}

/// Runs `f` on the store under its lock.
pub fn with_store<T>(shared: &Shared, f: impl FnOnce(&mut Store) -> T) -> T {
    f(&mut super::lock(&shared.s3))
}

#[cfg(test)]
mod tests {
    use super::split_path;

    #[test]
    fn splits_and_decodes_path_style_urls() {
        assert_eq!(split_path("/b"), ("b".into(), "".into()));
        assert_eq!(split_path("/b/"), ("b".into(), "".into()));
        assert_eq!(split_path("/b/dir/a%20b%2Bc+d"), ("b".into(), "dir/a b+c+d".into()));
        assert_eq!(split_path("/"), ("".into(), "".into()));
    }
}
