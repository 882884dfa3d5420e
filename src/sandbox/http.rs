//! Response plumbing shared by every emulated service: body types, the error type
//! handlers return, and the wire shapes of JSON 1.1 and XML errors.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::{HeaderMap, StatusCode};
use serde_json::Value;

/// Response bodies are boxed so S3 can stream objects from disk while JSON
/// services answer from memory.
pub type Body = BoxBody<Bytes, std::io::Error>;
pub type Response = hyper::Response<Body>;

pub fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).map_err(|never| match never {}).boxed()
}

pub fn empty() -> Body {
    full(Bytes::new())
}

/// An error as AWS reports it: HTTP status, error code and message.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self { status, code: code.to_string(), message: message.into() }
    }
    /// 400 with the given code: how JSON services report client errors.
    pub fn client(code: &str, message: impl Into<String>) -> Self {
        Self::new(400, code, message)
    }
    pub fn validation(message: impl Into<String>) -> Self {
        Self::client("ValidationException", message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "InternalFailure", message)
    }
}

pub type ApiResult<T = Value> = Result<T, ApiError>;

/// The error code of an error response, kept in its extensions (never sent)
/// so the request log can say which error each request got.
#[derive(Clone, Debug)]
pub struct ErrorCode(pub String);

pub fn request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// JSON 1.1 success response.
pub fn json_response(value: &Value, request_id: &str) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    hyper::Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amzn-requestid", request_id)
        .body(full(body))
        .unwrap_or_else(|_| hyper::Response::new(empty()))
}

/// JSON 1.1 error response: `__type` in the body and `x-amzn-errortype` header.
pub fn json_error(err: &ApiError, request_id: &str) -> Response {
    let body = serde_json::json!({ "__type": err.code, "message": err.message });
    hyper::Response::builder()
        .status(err.status)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amzn-requestid", request_id)
        .header("x-amzn-errortype", err.code.as_str())
        .extension(ErrorCode(err.code.clone()))
        .body(full(body.to_string()))
        .unwrap_or_else(|_| hyper::Response::new(empty()))
}

/// S3's REST-XML error body. HEAD responses carry no body, as on AWS.
pub fn s3_error(err: &ApiError, resource: &str, request_id: &str, head: bool) -> Response {
    let body = if head { String::new() } else { s3_error_doc(err, &[], resource, request_id) };
    hyper::Response::builder()
        .status(err.status)
        .header("content-type", "application/xml")
        .header("x-amz-request-id", request_id)
        .extension(ErrorCode(err.code.clone()))
        .body(full(body))
        .unwrap_or_else(|_| hyper::Response::new(empty()))
}

/// S3's error document; `details` are the elements S3 adds for some codes
/// (BucketName, UploadId, ArgumentName, ...), after the message.
pub fn s3_error_doc(err: &ApiError, details: &[(&str, String)], resource: &str, request_id: &str) -> String {
    let mut doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message>",
        xml_escape(&err.code),
        xml_escape(&err.message)
    );
    for (name, value) in details {
        doc.push_str(&format!("<{name}>{}</{name}>", xml_escape(value)));
    }
    doc.push_str(&format!("<Resource>{}</Resource><RequestId>{request_id}</RequestId></Error>", xml_escape(resource)));
    doc
}

/// STS (query protocol) error body.
pub fn query_error(err: &ApiError, request_id: &str) -> Response {
    let kind = if err.status >= 500 { "Receiver" } else { "Sender" };
    let body = format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>{kind}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>",
        xml_escape(&err.code),
        xml_escape(&err.message)
    );
    hyper::Response::builder()
        .status(err.status)
        .header("content-type", "text/xml")
        .header("x-amzn-requestid", request_id)
        .extension(ErrorCode(err.code.clone()))
        .body(full(body))
        .unwrap_or_else(|_| hyper::Response::new(empty()))
}

pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // A raw CR would reach the reader as LF (XML end-of-line handling).
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

pub fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Seconds since the epoch as AWS JSON protocols send timestamps.
pub fn epoch_secs(t: chrono::DateTime<chrono::Utc>) -> Value {
    let ms = t.timestamp_millis();
    serde_json::json!(ms as f64 / 1000.0)
}

/// Typed access to a JSON request body, with AWS-style validation errors.
pub trait Input {
    fn req_str(&self, field: &str) -> ApiResult<&str>;
    fn opt_str(&self, field: &str) -> Option<&str>;
}

impl Input for Value {
    fn req_str(&self, field: &str) -> ApiResult<&str> {
        match self.get(field) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s),
            Some(Value::String(_)) | None | Some(Value::Null) => Err(ApiError::validation(format!(
                "1 validation error detected: Value at '{field}' failed to satisfy constraint: Member must not be null"
            ))),
            Some(_) => {
                Err(ApiError::client("SerializationException", format!("Unexpected value type for field '{field}'")))
            }
        }
    }
    fn opt_str(&self, field: &str) -> Option<&str> {
        self.get(field).and_then(Value::as_str)
    }
}
