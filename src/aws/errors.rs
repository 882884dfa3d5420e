//! Turns an SDK error into an `ApiFailure`: throttled, offline, auth or a
//! service error, with one line a user can act on.

use std::error::Error;

use aws_sdk_codepipeline::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use super::credential_errors::credential_problem;
use crate::model::health::{ApiFailure, FailureKind};

const THROTTLE_CODES: [&str; 7] = [
    "ThrottlingException",
    "Throttling",
    "SlowDown",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "ProvisionedThroughputExceededException",
];
const EXPIRED_CODES: [&str; 4] = ["ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"];
const BAD_CREDENTIAL_CODES: [&str; 7] = [
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "InvalidSignatureException",
    "IncompleteSignature",
    "MissingAuthenticationToken",
];
const DENIED_CODES: [&str; 3] = ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"];
/// A 503 from the service itself: shown as offline, like an unreachable endpoint.
const UNAVAILABLE_CODES: [&str; 2] = ["ServiceUnavailable", "ServiceUnavailableException"];

/// Marks a failure on the service's side (HTTP 5xx): worth retrying.
pub const SERVER_ERROR: &str = "server error";

/// `api` is the IAM action name, e.g. "codepipeline:GetPipelineState".
pub(crate) fn classify<E>(api: &str, err: &SdkError<E>) -> ApiFailure
where
    E: ProvideErrorMetadata + Error + 'static,
{
    let failure = |kind, message: String| ApiFailure { api: api.to_string(), kind, message, retry_in_secs: None };
    if let Some((kind, message)) = credential_problem(err) {
        return failure(kind, message);
    }
    match err {
        SdkError::ServiceError(_) | SdkError::ResponseError(_) => {}
        SdkError::TimeoutError(_) => return failure(FailureKind::Offline, format!("{api}: timed out; retrying")),
        SdkError::DispatchFailure(_) => {
            return failure(FailureKind::Offline, format!("{api}: endpoint unreachable ({})", root_cause(err)));
        }
        _ => {
            return failure(
                FailureKind::Service,
                format!("{api}: {}", one_line(&DisplayErrorContext(err).to_string())),
            );
        }
    }
    let code = err.code().unwrap_or("");
    let message = err.message().unwrap_or("").to_string();
    let status = raw_status(err);
    if THROTTLE_CODES.contains(&code) || status == Some(429) {
        failure(FailureKind::Throttled, format!("{api}: throttled ({code})"))
    } else if EXPIRED_CODES.contains(&code) {
        failure(
            FailureKind::Expired,
            format!("AWS credentials expired ({code}): refresh them (e.g. `aws sso login`); pipewatch retries"),
        )
    } else if BAD_CREDENTIAL_CODES.contains(&code) {
        failure(
            FailureKind::Auth,
            format!(
                "AWS rejected the credentials ({code}): check the access key, secret and --profile for this account"
            ),
        )
    } else if DENIED_CODES.contains(&code) {
        failure(FailureKind::Auth, format!("access denied for {api}: allow {api} in this identity's IAM policy"))
    } else if UNAVAILABLE_CODES.contains(&code) {
        failure(FailureKind::Offline, format!("{api}: service unavailable ({code})"))
    } else if let Some(s) = status.filter(|s| *s >= 500) {
        let what = if code.is_empty() { String::new() } else { format!("{code}, ") };
        failure(FailureKind::Service, format!("{api}: {SERVER_ERROR} ({what}HTTP {s}); retrying"))
    } else if code.is_empty() {
        let what = status.map(|s| format!("HTTP {s}")).unwrap_or_else(|| root_cause(err));
        failure(FailureKind::Service, format!("{api}: {what}"))
    } else {
        failure(FailureKind::Service, one_line(&format!("{code}: {message}")))
    }
}

fn raw_status<E>(err: &SdkError<E>) -> Option<u16> {
    err.raw_response().map(|r| r.status().as_u16())
}

/// The innermost cause, e.g. "Connection refused (os error 111)".
pub(super) fn root_cause(err: &(dyn Error + 'static)) -> String {
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    one_line(&cur.to_string())
}

pub(super) fn one_line(s: &str) -> String {
    let line = s.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
    if line.chars().count() > 200 { line.chars().take(199).chain(['…']).collect() } else { line }
}

#[cfg(test)]
mod tests {
    use aws_credential_types::provider::{ProvideCredentials, error::CredentialsError, future};

    use super::*;

    #[derive(Debug)]
    struct NoCredentials;

    impl ProvideCredentials for NoCredentials {
        fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            future::ProvideCredentials::ready(Err(CredentialsError::not_loaded("no profile, no env, no IMDS")))
        }
    }

    #[tokio::test]
    async fn a_credentials_provider_failure_is_auth_with_the_fix() {
        let conf = aws_sdk_codepipeline::Config::builder()
            .behavior_version(aws_sdk_codepipeline::config::BehaviorVersion::latest())
            .region(aws_sdk_codepipeline::config::Region::new("us-east-1"))
            // Credentials are resolved before connecting: nothing listens here.
            .endpoint_url("http://127.0.0.1:9")
            .credentials_provider(NoCredentials)
            .build();
        let err = aws_sdk_codepipeline::Client::from_conf(conf).list_pipelines().send().await.unwrap_err();
        let failure = classify("codepipeline:ListPipelines", &err);
        assert_eq!(failure.kind, FailureKind::Auth, "{failure:?}");
        assert!(failure.message.contains("--profile"), "{failure:?}");
    }

    #[derive(Debug)]
    struct ExpiredSso;

    impl ProvideCredentials for ExpiredSso {
        fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            // The text aws-config's SSO token provider gives for an expired cached token.
            let source: Box<dyn Error + Send + Sync> = "the SSO token has expired and cannot be refreshed".into();
            future::ProvideCredentials::ready(Err(CredentialsError::provider_error(source)))
        }
    }

    async fn failure_with(provider: impl ProvideCredentials + 'static) -> ApiFailure {
        let conf = aws_sdk_codepipeline::Config::builder()
            .behavior_version(aws_sdk_codepipeline::config::BehaviorVersion::latest())
            .region(aws_sdk_codepipeline::config::Region::new("us-east-1"))
            .endpoint_url("http://127.0.0.1:9")
            .credentials_provider(provider)
            .build();
        let err = aws_sdk_codepipeline::Client::from_conf(conf).list_pipelines().send().await.unwrap_err();
        classify("codepipeline:ListPipelines", &err)
    }

    #[tokio::test]
    async fn an_expired_sso_token_is_expired_not_just_denied() {
        let failure = failure_with(ExpiredSso).await;
        assert_eq!(failure.kind, FailureKind::Expired, "{failure:?}");
        assert!(failure.message.contains("aws sso login"), "{failure:?}");
        assert_eq!(failure_with(NoCredentials).await.kind, FailureKind::Auth, "no credentials at all is not a login");
    }

    #[test]
    fn sso_is_found_as_a_word_only() {
        use super::super::credential_errors::is_sso_problem;
        assert!(is_sso_problem("failed to load the cached SSO token"));
        assert!(is_sso_problem("sso_session `corp` not found"));
        assert!(!is_sso_problem("no profile named `lasso`"));
    }

    #[test]
    fn long_messages_become_one_short_line() {
        let s = one_line(&format!("first\n  second\n{}", "x".repeat(500)));
        assert!(s.starts_with("first second x") && s.chars().count() == 200 && !s.contains('\n'));
    }
}
