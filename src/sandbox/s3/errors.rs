//! S3's errors: the code and message, the headers S3 sends with some of them
//! (delete markers, ranges) and the extra elements of the error document (S3
//! API Reference, "Error responses": BucketName, UploadId, ArgumentName, ...).

use chrono::{DateTime, Utc};

use crate::sandbox::http::ApiError;
use crate::sandbox::sigv4::AuthError;
use crate::sandbox::sigv4::presign::PresignError;

/// An error plus what S3 sends with it.
#[derive(Debug)]
pub struct S3Error {
    pub api: ApiError,
    pub headers: Vec<(&'static str, String)>,
    /// Elements after `<Message>`, in order.
    pub details: Vec<(&'static str, String)>,
}

impl From<ApiError> for S3Error {
    fn from(api: ApiError) -> Self {
        Self { api, headers: Vec::new(), details: Vec::new() }
    }
}

impl S3Error {
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
    pub fn detail(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.details.push((name, value.into()));
        self
    }
    /// Adds what S3 names for this code when the handler did not: the bucket,
    /// key, version or upload the request addressed.
    pub fn with_context(mut self, bucket: &str, key: &str, upload_id: Option<&str>, version_id: Option<&str>) -> Self {
        let has = |d: &Self, name: &str| d.details.iter().any(|(n, _)| *n == name);
        let wanted: &[&'static str] = match self.api.code.as_str() {
            "NoSuchBucket" | "BucketNotEmpty" | "BucketAlreadyOwnedByYou" | "BucketAlreadyExists" => &["BucketName"],
            "NoSuchKey" => &["Key"],
            "NoSuchVersion" => &["Key", "VersionId"],
            "NoSuchUpload" => &["UploadId"],
            _ => &[],
        };
        for name in wanted {
            let value = match *name {
                "BucketName" => Some(bucket),
                "Key" => Some(key),
                "VersionId" => version_id,
                _ => upload_id,
            };
            if let Some(value) = value
                && !has(&self, name)
            {
                self = self.detail(name, value);
            }
        }
        self
    }
}

/// 400 InvalidArgument naming the offending parameter and its value.
pub fn invalid_argument(message: &str, name: &str, value: &str) -> S3Error {
    S3Error::from(ApiError::client("InvalidArgument", message))
        .detail("ArgumentName", name)
        .detail("ArgumentValue", value)
}

/// 416 InvalidRange with the range asked for and the object's size.
pub fn invalid_range(requested: &str, size: u64) -> S3Error {
    S3Error::from(ApiError::new(416, "InvalidRange", "The requested range is not satisfiable"))
        .header("content-range", format!("bytes */{size}"))
        .detail("RangeRequested", requested)
        .detail("ActualObjectSize", size.to_string())
}

/// 501 NotImplemented for an operation the sandbox does not serve, saying
/// which one and which header or parameter selected it.
pub fn not_implemented(operation: &str, header: &str) -> S3Error {
    let message = format!(
        "A header you provided implies functionality that is not implemented: {operation} ({header}) is not served by the pipewatch sandbox"
    );
    S3Error::from(ApiError::new(501, "NotImplemented", message)).detail("Header", header)
}

/// A failed SigV4 check of the Authorization header, as S3 reports it.
pub fn auth_error(e: AuthError) -> ApiError {
    match e {
        AuthError::Missing => ApiError::new(403, "AccessDenied", "Access Denied"),
        AuthError::UnknownKey => ApiError::new(
            403,
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
        ),
        AuthError::Skewed => ApiError::new(
            403,
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
        ),
        AuthError::Malformed(m) => ApiError::client("AuthorizationHeaderMalformed", m),
        AuthError::BadSignature => ApiError::new(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
        ),
    }
}

fn iso_seconds(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A failed presigned URL: an expired one is 403 AccessDenied "Request has
/// expired" naming X-Amz-Expires, Expires and ServerTime, as S3 sends it.
pub fn presign_error(e: PresignError) -> S3Error {
    let now = iso_seconds(Utc::now());
    match e {
        PresignError::Auth(e) => auth_error(e).into(),
        PresignError::Query(m) => ApiError::client("AuthorizationQueryParametersError", m).into(),
        PresignError::SigV2 => ApiError::client(
            "InvalidRequest",
            "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.",
        )
        .into(),
        PresignError::Expired { expires_secs, expires_at } => {
            S3Error::from(ApiError::new(403, "AccessDenied", "Request has expired"))
                .detail("X-Amz-Expires", expires_secs.to_string())
                .detail("Expires", iso_seconds(expires_at))
                .detail("ServerTime", now)
        }
        PresignError::NotYetValid { signed_at, expires_at } => {
            S3Error::from(ApiError::new(403, "AccessDenied", "Request is not yet valid"))
                .detail("X-Amz-Date", signed_at.timestamp_millis().to_string())
                .detail("Expires", iso_seconds(expires_at))
                .detail("ServerTime", now)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_adds_only_what_s3_names_for_the_code() {
        let e = S3Error::from(ApiError::new(404, "NoSuchBucket", "x")).with_context("b", "k", Some("u"), None);
        assert_eq!(e.details, vec![("BucketName", "b".to_string())]);
        let e = S3Error::from(ApiError::new(404, "NoSuchVersion", "x")).with_context("b", "k", None, Some("v"));
        assert_eq!(e.details, vec![("Key", "k".to_string()), ("VersionId", "v".to_string())]);
        let e = S3Error::from(ApiError::new(404, "NoSuchUpload", "x")).with_context("b", "k", Some("u"), None);
        assert_eq!(e.details, vec![("UploadId", "u".to_string())]);
        let e = S3Error::from(ApiError::client("MalformedXML", "x")).with_context("b", "k", Some("u"), None);
        assert!(e.details.is_empty());
        let e = invalid_argument("m", "max-keys", "-1").with_context("b", "k", None, None);
        assert_eq!(e.details.len(), 2, "an argument error keeps its own details only");
    }
}
