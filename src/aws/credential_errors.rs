//! Why aws-config's credential chain gave no credentials, as one line that
//! keeps the cause and names the fix: a failing `credential_process`, an
//! AssumeRole refusal, an unreachable instance metadata service, an expired
//! SSO or `aws login` session each read differently.

use std::error::Error;

use aws_config::meta::ProviderChainError;
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_sts::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_sts::operation::assume_role::AssumeRoleError;

use super::errors::{one_line, root_cause};
use crate::msg::FailureKind;

/// The fix when nothing more specific is known.
const CONFIGURE: &str = "run `aws configure` or `aws sso login`, set AWS_PROFILE, or pass --profile";

/// The credentials provider's failure inside `err`, if that is what failed
/// (it comes wrapped as a dispatch or construction failure).
pub(super) fn credential_problem(err: &(dyn Error + 'static)) -> Option<(FailureKind, String)> {
    let cred = chain(err).find(|e| e.downcast_ref::<CredentialsError>().is_some())?;
    let links: Vec<&(dyn Error + 'static)> = chain(cred).collect();
    if let Some(assume) = links.iter().find_map(|e| e.downcast_ref::<SdkError<AssumeRoleError>>()) {
        return Some(assume_role_problem(assume));
    }
    if let Some(process) = links.iter().map(|e| e.to_string()).find(|t| t.contains("external process")) {
        let detail = process.trim_start_matches("Error retrieving credentials").trim_start_matches([':', ' ']);
        return Some((
            FailureKind::Auth,
            format!(
                "the profile's credential_process failed ({}): run that command in a shell to see why, then fix it or the credential_process line in the AWS config file",
                short(detail)
            ),
        ));
    }
    let text = DisplayErrorContext(cred).to_string();
    if let Some(chain_error) = links.iter().find_map(|e| e.downcast_ref::<ProviderChainError<CredentialsError>>()) {
        return Some((FailureKind::Auth, default_chain_problem(chain_error)));
    }
    // aws-config's login provider: "cached Login token is expired", or no
    // token file under ~/.aws/login/cache yet.
    if text.contains("Login token") || text.contains("login/cache") {
        return Some((
            FailureKind::Auth,
            format!(
                "the `aws login` session of this profile is missing or expired ({}): run `aws login` (with --profile if you use one)",
                short(&root_cause(cred))
            ),
        ));
    }
    if is_sso_problem(&text) {
        return Some((
            FailureKind::Expired,
            "no usable AWS credentials: the SSO session expired or was never started: run `aws sso login` (with --profile if you use one)".into(),
        ));
    }
    if text.contains("IMDS") {
        return Some((FailureKind::Auth, imds_problem(&root_cause(cred))));
    }
    Some((FailureKind::Auth, format!("no usable AWS credentials ({}): {CONFIGURE}", short(&root_cause(cred)))))
}

/// The default chain tried every source: name the instance metadata
/// service when it was the last hope and could not answer.
fn default_chain_problem(e: &ProviderChainError<CredentialsError>) -> String {
    let said =
        |name: &str| e.attempts().iter().find(|a| a.name() == name).map(|a| DisplayErrorContext(a.error()).to_string());
    if let Some(profile) = said("Profile").filter(|t| t.contains("was not defined")) {
        let name = profile.split('`').nth(1).unwrap_or("");
        return format!(
            "no AWS credentials: the profile {name} is not in the AWS config files (~/.aws/config, ~/.aws/credentials, or AWS_CONFIG_FILE): check --profile or AWS_PROFILE (`aws configure list-profiles` lists them)"
        );
    }
    let imds = e.attempts().iter().find(|a| a.name() == "Ec2InstanceMetadata");
    match imds {
        Some(attempt) if DisplayErrorContext(attempt.error()).to_string().contains("404 from IMDS") => {
            "no AWS credentials: none in the environment or the profile files, and this EC2 instance has no IAM role (IMDS answered 404): attach an instance profile, or pass --profile".into()
        }
        Some(attempt) => format!(
            "no AWS credentials: none in the environment or the profile files, and no EC2 instance role (the instance metadata service, IMDS, could not be reached: {}): {CONFIGURE}; on EC2 or in a container, check the instance role and the IMDS hop limit (2 for containers)",
            short(&root_cause(attempt.error()))
        ),
        None => format!("no usable AWS credentials: {CONFIGURE}"),
    }
}

fn imds_problem(cause: &str) -> String {
    format!(
        "no AWS credentials: the instance metadata service (IMDS) could not give the instance role's credentials ({}): on EC2 check the instance role and the IMDS hop limit (2 for containers); elsewhere {CONFIGURE}",
        short(cause)
    )
}

/// A profile's `role_arn`: the AssumeRole call itself failed.
fn assume_role_problem(e: &SdkError<AssumeRoleError>) -> (FailureKind, String) {
    match e {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => (
            FailureKind::Offline,
            format!("could not reach STS to assume the profile's role ({})", short(&root_cause(e))),
        ),
        _ => {
            let code = e.code().unwrap_or("unknown error");
            // STS names both the identity and the role here: keep the whole line.
            let message = one_line(e.message().unwrap_or(""));
            match code {
                "AccessDenied" => (
                    FailureKind::Auth,
                    format!(
                        "sts:AssumeRole was refused for the profile's role_arn (AccessDenied: {message}): the role's trust policy must trust the source identity, and the source identity's IAM policy must allow sts:AssumeRole on the role"
                    ),
                ),
                "ExpiredToken" | "ExpiredTokenException" => (
                    FailureKind::Expired,
                    format!("the source_profile's credentials expired before sts:AssumeRole ({message}): refresh them"),
                ),
                _ => (
                    FailureKind::Auth,
                    format!(
                        "sts:AssumeRole failed for the profile's role_arn ({code}: {message}): check role_arn and source_profile"
                    ),
                ),
            }
        }
    }
}

/// The SSO credentials and token providers name SSO in their errors ("the
/// SSO token has expired and cannot be refreshed", "failed to load the
/// cached SSO token").
pub(super) fn is_sso_problem(reason: &str) -> bool {
    reason.to_ascii_lowercase().split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == "sso")
}

fn chain<'a>(err: &'a (dyn Error + 'static)) -> impl Iterator<Item = &'a (dyn Error + 'static)> {
    std::iter::successors(Some(err), |e: &&'a (dyn Error + 'static)| (*e).source())
}

/// A cause inside a message: one line, at most 120 characters.
fn short(s: &str) -> String {
    let line = one_line(s);
    if line.chars().count() > 120 { line.chars().take(119).chain(['…']).collect() } else { line }
}
