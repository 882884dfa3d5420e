//! STS (query protocol): GetCallerIdentity, so the app can show an account id.

use std::sync::Arc;

use super::Shared;
use super::http::{self, ApiError, Response};
use super::sigv4::Scope;

pub fn dispatch(
    shared: &Arc<Shared>,
    form: &[(String, String)],
    scope: &Scope,
    rid: &str,
) -> Result<Response, ApiError> {
    let action = form.iter().find(|(k, _)| k == "Action").map(|(_, v)| v.as_str()).unwrap_or("");
    match action {
        "GetCallerIdentity" => {
            // Each key belongs to its own account (see `accounts`).
            let account = shared.accounts.account_of(&scope.access_key);
            let body = format!(
                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::{account}:user/sandbox</Arn><UserId>{}</UserId><Account>{account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>{rid}</RequestId></ResponseMetadata></GetCallerIdentityResponse>",
                http::xml_escape(&scope.access_key)
            );
            Ok(hyper::Response::builder()
                .status(200)
                .header("content-type", "text/xml")
                .header("x-amzn-requestid", rid)
                .body(http::full(body))
                .map_err(|e| ApiError::internal(e.to_string()))?)
        }
        "" => Err(ApiError::client("MissingAction", "Missing Action parameter")),
        other => {
            Err(ApiError::client("InvalidAction", format!("Could not find operation {other} for version 2011-06-15")))
        }
    }
}
