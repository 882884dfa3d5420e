//! Which wire protocol a request speaks, told by the headers each protocol
//! requires, and the answer for a service the sandbox does not speak.

use hyper::HeaderMap;

use super::http::{self, ApiError};
use super::{rpcv2, sigv4};

/// What the answer to a request for another service says the sandbox serves.
pub const SERVED: &str = "the sandbox serves CodePipeline_20150709 and CodeBuild_20161006 over rpc-v2-cbor; \
     CodePipeline, CodeBuild and CloudWatch Logs over JSON 1.1 (X-Amz-Target); S3 (REST-XML) and STS (query)";

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Protocol {
    /// JSON 1.1 with X-Amz-Target: CodePipeline, CodeBuild, Logs; and any
    /// other request signed for a service the sandbox does not speak that is
    /// not a form (REST-JSON and such): answered with a JSON error.
    Json,
    /// Smithy RPC v2 CBOR (a `Smithy-Protocol` header): CodePipeline, CodeBuild.
    RpcV2,
    /// The query protocol: STS, and forms signed for other query services
    /// (IAM, ...), which get the protocol's InvalidAction.
    Query,
    /// Signed for S3, or unsigned and not a form (anonymous S3).
    S3,
}

/// The protocol, by the headers the protocols require: `Smithy-Protocol`,
/// `X-Amz-Target`, then the service in the signature's scope.
pub fn classify(headers: &HeaderMap) -> Protocol {
    if headers.contains_key(rpcv2::HEADER) {
        return Protocol::RpcV2;
    }
    if headers.contains_key("x-amz-target") {
        return Protocol::Json;
    }
    let form =
        http::header_str(headers, "content-type").is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    match sigv4::scope_of(headers) {
        Some(scope) if scope.service == "s3" => Protocol::S3,
        Some(scope) if scope.service == "sts" || form => Protocol::Query,
        Some(_) => Protocol::Json,
        None if form => Protocol::Query,
        None => Protocol::S3,
    }
}

/// The JSON 1.1 target's service and operation; the service is "unknown"
/// for a prefix the sandbox does not serve (or no target at all).
pub fn service_and_op(headers: &HeaderMap) -> (&'static str, String) {
    let target = http::header_str(headers, "x-amz-target").unwrap_or("");
    let (prefix, op) = target.split_once('.').unwrap_or((target, ""));
    let service = match prefix {
        "CodePipeline_20150709" => "codepipeline",
        "CodeBuild_20161006" => "codebuild",
        "Logs_20140328" => "logs",
        _ => "unknown",
    };
    (service, op.to_string())
}

/// The answer to a JSON request for a service the sandbox does not speak.
pub fn unknown_json_service(headers: &HeaderMap) -> ApiError {
    let what = match http::header_str(headers, "x-amz-target") {
        Some(target) => format!("X-Amz-Target {target}"),
        None => match sigv4::scope_of(headers) {
            Some(scope) => format!("A request signed for {} without X-Amz-Target", scope.service),
            None => "A request without X-Amz-Target".to_string(),
        },
    };
    ApiError::client("UnknownOperationException", format!("{what} is not served: {SERVED}"))
}

/// The answer to a query-protocol request (a form) signed for a service the
/// sandbox does not speak: that protocol's InvalidAction.
pub fn unknown_query_service(service: &str, form: &[(String, String)]) -> ApiError {
    let action = form.iter().find(|(k, _)| k == "Action").map_or("", |(_, v)| v.as_str());
    ApiError::client("InvalidAction", format!("Action {action} of service {service} is not served: {SERVED}"))
}
