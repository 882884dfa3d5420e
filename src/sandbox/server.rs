//! HTTP front door: classify each request by protocol, apply chaos, check the
//! SigV4 signature, dispatch to the service, and write the request log.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

use http_body_util::{BodyExt, Limited};
use hyper::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::chaos::Fault;
use super::http::{self, ApiError, ApiResult, Response};
use super::protocol::{Protocol, classify, service_and_op, unknown_json_service, unknown_query_service};
use super::sigv4::{self, AuthError, RequestParts, presign};
use super::{Shared, codebuild, codepipeline, generated, logs, rpcv2, s3, sts};

/// JSON and query bodies are small; anything bigger is a client bug.
const MAX_SMALL_BODY: usize = 16 * 1024 * 1024;

/// Accepts connections until `shutdown` is cancelled. Each connection is its
/// own task holding the shared state; it ends with the token too, so a dropped
/// in-process sandbox leaves no task (and no open socket) behind.
pub async fn serve(listener: TcpListener, shared: Arc<Shared>, shutdown: CancellationToken) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.cancelled() => return,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors or similar: wait instead of spinning.
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            continue;
        };
        let shared = shared.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req| {
                let shared = shared.clone();
                async move { Ok::<_, Infallible>(handle(shared, req).await) }
            });
            let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), svc);
            // Dropping the connection closes the socket and any request in flight.
            tokio::select! {
                _ = conn => {}
                _ = shutdown.cancelled() => {}
            }
        });
    }
}

/// Runs a CodePipeline, CodeBuild or Logs operation on its input document,
/// whichever protocol carried it, in the request's signing Region (after the
/// rate and access limits), and records the answer.
fn call_service(
    shared: &Arc<Shared>,
    protocol: &str,
    service: &str,
    op: &str,
    input: &Value,
    scope: &sigv4::Scope,
) -> ApiResult<Value> {
    let region = scope.region.as_str();
    let account = shared.accounts.account_of(&scope.access_key);
    let outcome = shared.limits.admit_json(service, op, region, input).and_then(|()| match service {
        "codepipeline" => generated::api::dispatch(shared, op, input, region, account)
            .unwrap_or_else(|| codepipeline::api::dispatch(shared, op, input, region)),
        "codebuild" => codebuild::api::dispatch(shared, op, input, region),
        "logs" => logs::dispatch(shared, op, input, region),
        _ => Err(ApiError::client("UnknownOperationException", format!("Service {service} is not served"))),
    });
    if let Some(recorder) = &shared.recorder {
        recorder.record(protocol, service, op, &outcome);
    }
    outcome
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Response {
    let started = Instant::now();
    let rid = http::request_id();
    let protocol = classify(req.headers());
    let (service, mut op) = match protocol {
        Protocol::Json => service_and_op(req.headers()),
        Protocol::RpcV2 => match rpcv2::route(req.method(), req.uri().path(), req.headers()) {
            Ok(routed) => routed,
            Err(e) => {
                let resp = rpcv2::error(&e, None, &rid);
                log(&shared, "unknown", "", &resp, started);
                return resp;
            }
        },
        Protocol::Query => match sigv4::scope_of(req.headers()) {
            Some(scope) if scope.service != "sts" => ("unknown", String::new()),
            _ => ("sts", String::new()),
        },
        Protocol::S3 => ("s3", String::new()),
    };
    if let Some(chaos) = &shared.chaos {
        let decision = chaos.decide(shared.started.elapsed());
        if let Some(delay) = decision.delay {
            tokio::time::sleep(delay).await;
        }
        if let Some(fault) = decision.fault {
            let resp = fault_response(protocol, fault, &rid);
            log(&shared, service, &op, &resp, started);
            return resp;
        }
    }
    let resp = match protocol {
        Protocol::Json if service == "unknown" => http::json_error(&unknown_json_service(req.headers()), &rid),
        Protocol::Json => {
            let (resp, _) = small_request(&shared, req, |shared, body, scope| {
                let input: Value = if body.is_empty() {
                    Value::Object(Default::default())
                } else {
                    serde_json::from_slice(&body).map_err(|e| {
                        ApiError::client("SerializationException", format!("Malformed JSON request body: {e}"))
                    })?
                };
                if !input.is_object() {
                    return Err(ApiError::client("SerializationException", "Request body must be a JSON object"));
                }
                call_service(shared, "json", service, &op, &input, scope).map(|v| http::json_response(&v, &rid))
            })
            .await;
            resp.unwrap_or_else(|e| http::json_error(&e, &rid))
        }
        Protocol::RpcV2 => {
            let headers = req.headers().clone();
            let (resp, _) = small_request(&shared, req, |shared, body, scope| {
                let input = rpcv2::check_body(&headers, &body)?;
                let output = call_service(shared, rpcv2::CBOR, service, &op, &input, scope)?;
                Ok(rpcv2::response(service, &op, &output, &rid))
            })
            .await;
            resp.unwrap_or_else(|e| rpcv2::error(&e, Some(service), &rid))
        }
        Protocol::Query => {
            let (resp, action) = small_request(&shared, req, |shared, body, scope| {
                let form: Vec<(String, String)> = form_pairs(&String::from_utf8_lossy(&body));
                if scope.service != "sts" {
                    return Err(unknown_query_service(&scope.service, &form));
                }
                sts::dispatch(shared, &form, scope, &rid)
            })
            .await;
            op = action.unwrap_or_default();
            resp.unwrap_or_else(|e| http::query_error(&e, &rid))
        }
        Protocol::S3 => {
            let (name, resp) = s3_request(&shared, req, &rid).await;
            op = name;
            resp
        }
    };
    log(&shared, service, &op, &resp, started);
    resp
}

/// Reads a small body, verifies the signature over its hash, then calls `f`.
/// Returns the response and, for STS, the action name for the request log.
async fn small_request<F>(
    shared: &Arc<Shared>,
    req: Request<Incoming>,
    f: F,
) -> (Result<Response, ApiError>, Option<String>)
where
    F: FnOnce(&Arc<Shared>, bytes::Bytes, &sigv4::Scope) -> Result<Response, ApiError>,
{
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_SMALL_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return (
                Err(ApiError::client("SerializationException", "Request body could not be read or is too large")),
                None,
            );
        }
    };
    let action = form_pairs(&String::from_utf8_lossy(&body)).into_iter().find(|(k, _)| k == "Action").map(|(_, v)| v);
    let hash = hex::encode(Sha256::digest(&body));
    let raw_query = parts.uri.query().unwrap_or("");
    let request = RequestParts {
        method: parts.method.as_str(),
        raw_path: parts.uri.path(),
        raw_query,
        headers: &parts.headers,
        payload_hash: &hash,
    };
    let scope = match sigv4::verify(&shared.accounts.credentials_for(&parts.headers), &request) {
        Ok(scope) => scope,
        Err(e) => return (Err(auth_error(e, action.is_some())), action),
    };
    if let Err(e) = shared.accounts.check_expiry(&scope.access_key, action.is_some()) {
        return (Err(e), action);
    }
    (f(shared, body, &scope), action)
}

async fn s3_request(shared: &Arc<Shared>, req: Request<Incoming>, rid: &str) -> (String, Response) {
    let (parts, body) = req.into_parts();
    let head = parts.method == hyper::Method::HEAD;
    let resource = parts.uri.path().to_string();
    let raw_query = parts.uri.query().unwrap_or("");
    let authenticated = if !parts.headers.contains_key("authorization") && presign::is_presigned(raw_query) {
        let now = chrono::Utc::now();
        let creds = shared
            .accounts
            .credentials_for_key(&presign::scope_of_query(raw_query).map(|s| s.access_key).unwrap_or_default());
        presign::verify(&creds, parts.method.as_str(), parts.uri.path(), raw_query, &parts.headers, now)
            .map(|p| (p.scope, p.payload_hash))
            .map_err(s3::presign_error)
    } else {
        s3_header_auth(shared, &parts).map_err(s3::S3Error::from)
    };
    let (scope, payload_hash) = match authenticated {
        Ok(ok) => ok,
        Err(e) => return (String::new(), s3::error_response(&e, &resource, rid, head)),
    };
    let expected_sha256 =
        (payload_hash.len() == 64 && payload_hash.bytes().all(|b| b.is_ascii_hexdigit())).then_some(payload_hash);
    let query = form_pairs(raw_query);
    let request = s3::S3Request {
        method: parts.method,
        raw_path: parts.uri.path().to_string(),
        query,
        headers: parts.headers,
        body,
        expected_sha256,
        request_id: rid.to_string(),
        region: scope.region,
    };
    s3::handle(shared, request).await
}

/// SigV4 in the Authorization header; S3 also wants x-amz-content-sha256.
/// Returns the scope and the payload hash the client signed.
fn s3_header_auth(shared: &Shared, parts: &hyper::http::request::Parts) -> Result<(sigv4::Scope, String), ApiError> {
    let Some(claimed) = http::header_str(&parts.headers, "x-amz-content-sha256").map(str::to_string) else {
        return Err(if parts.headers.contains_key("authorization") {
            ApiError::client("InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
        } else {
            ApiError::new(403, "AccessDenied", "Access Denied")
        });
    };
    let request = RequestParts {
        method: parts.method.as_str(),
        raw_path: parts.uri.path(),
        raw_query: parts.uri.query().unwrap_or(""),
        headers: &parts.headers,
        payload_hash: &claimed,
    };
    let scope = sigv4::verify(&shared.accounts.credentials_for(&parts.headers), &request).map_err(s3::auth_error)?;
    shared.accounts.check_expiry(&scope.access_key, false)?;
    Ok((scope, claimed))
}

fn auth_error(e: AuthError, query: bool) -> ApiError {
    match e {
        AuthError::Missing if query => {
            ApiError::client("MissingAuthenticationToken", "Request is missing Authentication Token")
        }
        AuthError::Missing => ApiError::client("MissingAuthenticationTokenException", "Missing Authentication Token"),
        AuthError::UnknownKey if query => {
            ApiError::new(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
        }
        AuthError::UnknownKey => {
            ApiError::client("UnrecognizedClientException", "The security token included in the request is invalid.")
        }
        AuthError::Skewed if query => ApiError::new(
            403,
            "SignatureDoesNotMatch",
            "Signature expired: the request time is too far from the server time.",
        ),
        AuthError::Skewed => ApiError::client(
            "InvalidSignatureException",
            "Signature expired: the request time is too far from the server time.",
        ),
        AuthError::Malformed(m) if query => ApiError::client("IncompleteSignature", m),
        AuthError::Malformed(m) => ApiError::client("IncompleteSignatureException", m),
        AuthError::BadSignature if query => ApiError::new(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        ),
        AuthError::BadSignature => ApiError::client(
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided.",
        ),
    }
}

fn fault_response(protocol: Protocol, fault: Fault, rid: &str) -> Response {
    let err = match (protocol, fault) {
        (Protocol::S3, Fault::Throttle) => ApiError::new(503, "SlowDown", "Please reduce your request rate."),
        (Protocol::Query, Fault::Throttle) => ApiError::client("Throttling", "Rate exceeded"),
        (_, Fault::Throttle) => ApiError::client("ThrottlingException", "Rate exceeded"),
        (Protocol::S3, Fault::Outage) => {
            ApiError::new(503, "ServiceUnavailable", "Service is unable to handle request.")
        }
        (_, Fault::Outage) => {
            ApiError::new(503, "ServiceUnavailableException", "Service is unavailable (sandbox chaos outage).")
        }
        (Protocol::S3, Fault::Error) => {
            ApiError::new(500, "InternalError", "We encountered an internal error. Please try again.")
        }
        (_, Fault::Error) => ApiError::internal("Internal failure (sandbox chaos)."),
    };
    match protocol {
        Protocol::Json => http::json_error(&err, rid),
        Protocol::RpcV2 => rpcv2::error(&err, None, rid),
        Protocol::Query => http::query_error(&err, rid),
        Protocol::S3 => http::s3_error(&err, "", rid, false),
    }
}

/// Splits `a=1&b=x%20y` into decoded pairs; `+` is a space, as in forms.
pub fn form_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let dec =
                |x: &str| percent_encoding::percent_decode_str(&x.replace('+', " ")).decode_utf8_lossy().into_owned();
            (dec(k), dec(v))
        })
        .collect()
}

fn log(shared: &Shared, service: &str, op: &str, resp: &Response, started: Instant) {
    if let Some(log) = &shared.request_log {
        let error = resp.extensions().get::<http::ErrorCode>().map(|c| c.0.as_str());
        log.write(service, op, resp.status().as_u16(), started.elapsed(), error);
    }
}
