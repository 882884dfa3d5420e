//! The Smithy RPC v2 CBOR protocol ("Smithy RPC v2 CBOR protocol", smithy.io),
//! which current API models list for CodePipeline and CodeBuild beside JSON
//! 1.1: `POST {prefix}/service/{ServiceName}/operation/{Operation}` with
//! `Smithy-Protocol: rpc-v2-cbor`, CBOR bodies both ways, errors as a CBOR
//! map with `__type` (the error's shape ID) and `message`. The operations and
//! errors are the JSON 1.1 handlers'; only the wire differs.

use bytes::Bytes;
use hyper::{HeaderMap, StatusCode};
use serde_json::Value;

use super::cbor;
use super::http::{self, ApiError, Response};
use super::protocol::SERVED;

pub const HEADER: &str = "smithy-protocol";
pub const CBOR: &str = "rpc-v2-cbor";
const CONTENT_TYPE: &str = "application/cbor";

/// A service served over RPC v2 CBOR.
struct Service {
    /// The service shape's name, the path's `{ServiceName}`.
    shape: &'static str,
    /// Its namespace, for the absolute shape IDs of errors.
    namespace: &'static str,
    /// The sandbox's name for it (the JSON 1.1 dispatch key).
    name: &'static str,
    /// Structure members the model types as timestamps (tag 1 on the wire).
    timestamps: &'static [&'static str],
    /// Operations with no output (Unit): their responses have no body.
    unit_output: &'static [&'static str],
}

/// From the codepipeline 2015-07-09 and codebuild 2016-10-06 models; a test
/// (tests/it/protocols.rs) compares these lists with botocore's models.
const SERVICES: [Service; 2] = [
    Service {
        shape: "CodePipeline_20150709",
        namespace: "com.amazonaws.codepipeline",
        name: "codepipeline",
        timestamps: &[
            "approvedAt",
            "created",
            "endTime",
            "lastChangedAt",
            "lastStatusChange",
            "lastTriggered",
            "lastUpdateTime",
            "pollingDisabledAt",
            "startTime",
            "updated",
        ],
        unit_output: &[
            "DeleteCustomActionType",
            "DeletePipeline",
            "DisableStageTransition",
            "EnableStageTransition",
            "OverrideStageCondition",
            "PutJobFailureResult",
            "PutJobSuccessResult",
            "PutThirdPartyJobFailureResult",
            "PutThirdPartyJobSuccessResult",
            "UpdateActionType",
        ],
    },
    Service {
        shape: "CodeBuild_20161006",
        namespace: "com.amazonaws.codebuild",
        name: "codebuild",
        timestamps: &[
            "created",
            "endTime",
            "expired",
            "lastModified",
            "lastModifiedSecret",
            "requestTime",
            "requestedOn",
            "startTime",
            "submitTime",
        ],
        unit_output: &[],
    },
];

fn service(name: &str) -> Option<&'static Service> {
    SERVICES.iter().find(|s| s.name == name)
}

/// The (timestamp members, unit-output operations) the sandbox uses for
/// `service`, for the test that compares them with the models.
pub fn model_facts(service: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
    self::service(service).map(|s| (s.timestamps, s.unit_output))
}

fn unknown(message: String) -> ApiError {
    ApiError::new(404, "UnknownOperationException", message)
}

/// Routes a request that carries `Smithy-Protocol` to (service, operation),
/// or says why it cannot be served, as the protocol's servers do (a routing
/// failure is a 404 UnknownOperationException).
pub fn route(method: &hyper::Method, path: &str, headers: &HeaderMap) -> Result<(&'static str, String), ApiError> {
    if method != hyper::Method::POST {
        return Err(ApiError::new(405, "MethodNotAllowedException", "RPC v2 CBOR requests use POST"));
    }
    // The protocol forbids these headers; a server must refuse them.
    if headers.contains_key("x-amz-target") || headers.contains_key("x-amzn-target") {
        return Err(unknown("An rpc-v2-cbor request must not carry X-Amz-Target or X-Amzn-Target".into()));
    }
    let protocol = http::header_str(headers, HEADER).unwrap_or("");
    if protocol != CBOR {
        return Err(unknown(format!("Smithy-Protocol {protocol:?} is not served: {SERVED}")));
    }
    // Only the last four segments route: {prefix}/service/S/operation/O.
    let segments: Vec<&str> = path.rsplitn(5, '/').collect();
    let (op, kw_op, svc, kw_svc) = match segments.as_slice() {
        [op, kw_op, svc, kw_svc, ..] => (*op, *kw_op, *svc, *kw_svc),
        _ => return Err(unknown(format!("{path} is not /service/<ServiceName>/operation/<Operation>"))),
    };
    if kw_svc != "service" || kw_op != "operation" || !identifier(op) {
        return Err(unknown(format!("{path} is not /service/<ServiceName>/operation/<Operation>")));
    }
    // An absolute shape ID with '#' as '.' names the service too.
    let shape = svc.rsplit('.').next().unwrap_or(svc);
    let namespace = svc.strip_suffix(shape).and_then(|n| n.strip_suffix('.'));
    let found = SERVICES.iter().find(|s| s.shape == shape && namespace.is_none_or(|n| n == s.namespace));
    match found {
        Some(s) => Ok((s.name, op.to_string())),
        None => Err(unknown(format!("Service {svc} is not served: {SERVED}"))),
    }
}

/// A Smithy identifier: a letter, or underscores then a letter or digit,
/// then letters, digits and underscores.
fn identifier(s: &str) -> bool {
    let rest = s.trim_start_matches('_');
    let lead_ok = match rest.chars().next() {
        Some(c) if rest.len() < s.len() => c.is_ascii_alphanumeric(),
        Some(c) => c.is_ascii_alphabetic(),
        None => false,
    };
    lead_ok && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A body needs `Content-Type: application/cbor`.
pub fn check_body(headers: &HeaderMap, body: &[u8]) -> Result<Value, ApiError> {
    let content_type = http::header_str(headers, "content-type").unwrap_or("");
    if !body.is_empty() && !content_type.starts_with(CONTENT_TYPE) {
        return Err(ApiError::new(
            415,
            "UnsupportedMediaTypeException",
            format!("An rpc-v2-cbor request body is {CONTENT_TYPE}, not {content_type:?}"),
        ));
    }
    let input = cbor::decode(body)
        .map_err(|e| ApiError::client("SerializationException", format!("Malformed CBOR request body: {e}")))?;
    if input.is_object() { Ok(input) } else { Err(ApiError::client("SerializationException", "Input must be a map")) }
}

fn builder(status: u16, rid: &str) -> hyper::http::response::Builder {
    hyper::Response::builder().status(status).header(HEADER, CBOR).header("x-amzn-requestid", rid)
}

/// A successful answer: the output document in CBOR, or no body for an
/// operation whose output is Unit.
pub fn response(service_name: &str, op: &str, output: &Value, rid: &str) -> Response {
    let Some(s) = service(service_name) else {
        return error(&ApiError::internal("not an rpc-v2-cbor service"), None, rid);
    };
    if s.unit_output.contains(&op) {
        return builder(200, rid).body(http::empty()).unwrap_or_else(|_| hyper::Response::new(http::empty()));
    }
    match cbor::encode(output, &|member| s.timestamps.contains(&member)) {
        Ok(body) => builder(200, rid)
            .header("content-type", CONTENT_TYPE)
            .body(http::full(Bytes::from(body)))
            .unwrap_or_else(|_| hyper::Response::new(http::empty())),
        Err(e) => error(&ApiError::internal(format!("cannot encode the response: {e}")), Some(service_name), rid),
    }
}

/// An error: `__type` is the error's absolute shape ID in the service's
/// namespace (a routing failure, with no service, has the bare name).
pub fn error(err: &ApiError, service_name: Option<&str>, rid: &str) -> Response {
    let kind = match service_name.and_then(service) {
        Some(s) => format!("{}#{}", s.namespace, err.code),
        None => err.code.clone(),
    };
    let doc = serde_json::json!({ "__type": kind, "message": err.message });
    let body = cbor::encode(&doc, &|_| false).unwrap_or_default();
    let status = StatusCode::from_u16(err.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    builder(status.as_u16(), rid)
        .header("content-type", CONTENT_TYPE)
        .extension(http::ErrorCode(err.code.clone()))
        .body(http::full(Bytes::from(body)))
        .unwrap_or_else(|_| hyper::Response::new(http::empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routed(
        method: hyper::Method,
        path: &str,
        headers: &[(&'static str, &'static str)],
    ) -> Result<(String, String), u16> {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, hyper::header::HeaderValue::from_static(v));
        }
        route(&method, path, &map).map(|(s, o)| (s.to_string(), o)).map_err(|e| e.status)
    }

    #[test]
    fn routes_by_the_last_four_segments_as_the_protocol_says() {
        let cbor = [(HEADER, CBOR)];
        let post = |path: &str| routed(hyper::Method::POST, path, &cbor);
        let ok = |s: &str, o: &str| Ok((s.to_string(), o.to_string()));
        assert_eq!(post("/service/CodePipeline_20150709/operation/GetPipeline"), ok("codepipeline", "GetPipeline"));
        assert_eq!(post("/a/b/service/CodeBuild_20161006/operation/ListBuilds"), ok("codebuild", "ListBuilds"));
        assert_eq!(post("/service/com.amazonaws.codebuild.CodeBuild_20161006/operation/X_1"), ok("codebuild", "X_1"));
        for bad in [
            "/service/CodePipeline_20150709/operation/",
            "/service/CodePipeline_20150709/operation/Get.Pipeline",
            "/service/CodePipeline_20150709/operation/1Op",
            "/services/CodePipeline_20150709/operation/GetPipeline",
            "/service/com.amazonaws.codebuild.CodePipeline_20150709/operation/GetPipeline",
            "/service/Logs_20140328/operation/GetLogEvents",
            "/operation/GetPipeline",
        ] {
            assert_eq!(post(bad), Err(404), "{bad}");
        }
        assert_eq!(routed(hyper::Method::GET, "/service/CodeBuild_20161006/operation/ListBuilds", &cbor), Err(405));
        let json = [(HEADER, "rpc-v2-json")];
        assert_eq!(routed(hyper::Method::POST, "/service/CodeBuild_20161006/operation/ListBuilds", &json), Err(404));
    }
}
