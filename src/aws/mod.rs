//! The only place that names `aws_sdk_*` types: builds the service clients from
//! aws-config and turns SDK responses into our own snapshot types
//! (`crate::model::snapshot`). Every call returns `Result<_, ApiFailure>`, so
//! callers never see an SDK error either.

mod approvals;
mod batch;
mod codebuild;
mod codepipeline;
mod conditions;
mod control;
mod credential_errors;
mod details;
mod errors;
mod fleet;
mod history;
mod logs;
mod pool;
pub mod profiles;
mod push;
mod regions;
mod reports;
mod rollback;
mod sandbox_session;
mod start;
mod sts;
mod upload;

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use color_eyre::eyre::{Result, eyre};

use crate::model::snapshot::{Status, Time};

pub use codebuild::median;
pub use errors::SERVER_ERROR;
pub use logs::LOG_PAGE_LIMIT;
pub use pool::ClientPool;
pub use push::{
    BuildAction, ByteProgress, PipelineSources, ProjectBuildspec, RemoteObject, S3Source, SHA_METADATA,
    SUMMARY_METADATA, Upload, Versioning,
};
pub use regions::{ActionPlace, is_build_not_found};
pub use sandbox_session::{default_workspace, start_sandbox_session};
pub use upload::STALL_TIMEOUT;

/// What the user chose on the command line; `None` means "ask aws-config's
/// default chain" (env, profile files, SSO, IMDS).
#[derive(Clone, Debug, Default)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// The SDK's standard retry mode (headless commands); off for the TUI.
    pub sdk_retries: bool,
}

/// One client per service, plus what the header shows about the connection.
pub struct AwsClients {
    pub codepipeline: aws_sdk_codepipeline::Client,
    pub codebuild: aws_sdk_codebuild::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub s3: aws_sdk_s3::Client,
    pub sts: aws_sdk_sts::Client,
    pub region: String,
    pub profile: Option<String>,
    /// A custom endpoint (from `--endpoint-url` or `AWS_ENDPOINT_URL`), if any.
    pub endpoint: Option<String>,
    /// Pipeline name -> (pipeline version, (stage, action) -> (category, provider)),
    /// from GetPipeline: the declaration rarely changes, the state every poll.
    action_types: Mutex<HashMap<String, codepipeline::ActionTypes>>,
    /// What the clients were built from, for clients in other Regions.
    sdk: SdkConfig,
    forced_endpoint: Option<String>,
    /// This connection's own CodeBuild and Logs, as a `Regional`.
    home: std::sync::Arc<regions::Regional>,
    /// CodeBuild and Logs clients per other Region, built on first use.
    regional: Mutex<HashMap<String, std::sync::Arc<regions::Regional>>>,
    /// Build id -> where its action runs (from GetPipeline), for builds elsewhere.
    build_places: Mutex<HashMap<String, ActionPlace>>,
    /// (log group, stream) -> Region, for the logs of builds found elsewhere.
    stream_regions: Mutex<HashMap<(String, String), String>>,
}

/// The TUI's workers own their backoff and show it in the header, so there
/// the SDK does not retry. Headless commands (`sdk_retries`) use the SDK's
/// standard mode (AWS SDKs and Tools Reference Guide, "Retry behavior": 3
/// attempts, full-jitter exponential backoff up to 20 s, a client-side retry
/// quota): it covers the one-shot calls that have no loop of their own
/// (push's GetPipeline, HeadObject, BatchGetProjects), while their polling
/// loops back off on top (`headless::retry`) through longer spells.
fn retry_config(sdk_retries: bool) -> RetryConfig {
    if sdk_retries { RetryConfig::standard().with_max_attempts(3) } else { RetryConfig::disabled() }
}

/// Short enough that an unreachable endpoint shows as offline within seconds,
/// long enough for a 1 MB log page over a slow bastion link.
fn timeout_config() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .read_timeout(Duration::from_secs(20))
        .operation_attempt_timeout(Duration::from_secs(30))
        .build()
}

/// Builds clients from aws-config's default chain. No network call happens
/// here: credentials are resolved on first use, so their errors arrive as
/// `FailureKind::Auth` from the first request.
pub async fn connect(opts: &ConnectOptions) -> Result<AwsClients> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry_config(opts.sdk_retries))
        .timeout_config(timeout_config());
    if let Some(profile) = &opts.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &opts.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let sdk = loader.load().await;
    let region = sdk.region().map(|r| r.to_string()).ok_or_else(|| {
        eyre!("no AWS region configured: pass --region, set AWS_REGION, or set region in the profile")
    })?;
    let endpoint = opts.endpoint_url.clone().or_else(|| sdk.endpoint_url().map(str::to_string));
    let profile = opts.profile.clone().or_else(|| std::env::var("AWS_PROFILE").ok());
    Ok(AwsClients::from_sdk(&sdk, region, profile, endpoint, opts.endpoint_url.as_deref()))
}

/// Clients for a known endpoint and static credentials (the sandbox). Reads
/// nothing from the environment or profile files.
pub async fn for_endpoint(endpoint: &str, access_key: &str, secret: &str, region: &str) -> AwsClients {
    let creds = aws_sdk_sts::config::Credentials::new(access_key, secret, None, None, "pipewatch-static");
    let sdk = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_sts::config::SharedCredentialsProvider::new(creds))
        .retry_config(retry_config(false))
        .timeout_config(timeout_config())
        .build();
    AwsClients::from_sdk(&sdk, region.to_string(), None, Some(endpoint.to_string()), Some(endpoint))
}

impl AwsClients {
    /// `forced_endpoint` (an explicit `--endpoint-url`) wins over the
    /// per-service `AWS_ENDPOINT_URL_<SERVICE>` variables, which the service
    /// configs would otherwise prefer.
    fn from_sdk(
        sdk: &SdkConfig,
        region: String,
        profile: Option<String>,
        endpoint: Option<String>,
        forced_endpoint: Option<&str>,
    ) -> Self {
        let mut codepipeline = aws_sdk_codepipeline::config::Builder::from(sdk);
        let mut codebuild = aws_sdk_codebuild::config::Builder::from(sdk);
        let mut logs = aws_sdk_cloudwatchlogs::config::Builder::from(sdk);
        let mut sts = aws_sdk_sts::config::Builder::from(sdk);
        let mut s3 = aws_sdk_s3::config::Builder::from(sdk);
        if let Some(url) = forced_endpoint {
            codepipeline.set_endpoint_url(Some(url.to_string()));
            codebuild.set_endpoint_url(Some(url.to_string()));
            logs.set_endpoint_url(Some(url.to_string()));
            sts.set_endpoint_url(Some(url.to_string()));
            s3.set_endpoint_url(Some(url.to_string()));
        }
        // Local S3 emulators serve buckets as paths, not as virtual hosts.
        if endpoint.is_some() || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some() {
            s3.set_force_path_style(Some(true));
        }
        let codebuild = aws_sdk_codebuild::Client::from_conf(codebuild.build());
        let logs = aws_sdk_cloudwatchlogs::Client::from_conf(logs.build());
        let home = std::sync::Arc::new(regions::Regional { codebuild: codebuild.clone(), logs: logs.clone() });
        AwsClients {
            codepipeline: aws_sdk_codepipeline::Client::from_conf(codepipeline.build()),
            codebuild,
            logs,
            home,
            s3: aws_sdk_s3::Client::from_conf(s3.build()),
            sts: aws_sdk_sts::Client::from_conf(sts.build()),
            region,
            profile,
            endpoint,
            action_types: Mutex::new(HashMap::new()),
            sdk: sdk.clone(),
            forced_endpoint: forced_endpoint.map(str::to_string),
            regional: Mutex::new(HashMap::new()),
            build_places: Mutex::new(HashMap::new()),
            stream_regions: Mutex::new(HashMap::new()),
        }
    }
}

/// A poisoned cache lock is used as is: the cache is only an optimisation.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Maps CodePipeline (`InProgress`) and CodeBuild (`IN_PROGRESS`) spellings onto one enum.
pub(crate) fn status_of(s: &str) -> Status {
    let norm: String = s.chars().filter(|c| *c != '_').collect::<String>().to_ascii_lowercase();
    match norm.as_str() {
        "inprogress" => Status::InProgress,
        "succeeded" => Status::Succeeded,
        "failed" => Status::Failed,
        "stopped" => Status::Stopped,
        "stopping" => Status::Stopping,
        "superseded" => Status::Superseded,
        "cancelled" => Status::Cancelled,
        "abandoned" => Status::Abandoned,
        "timedout" => Status::TimedOut,
        "fault" => Status::Fault,
        "queued" => Status::Queued,
        "skipped" => Status::Skipped,
        _ => Status::Other(s.to_string()),
    }
}

/// Every SDK crate shares aws-smithy-types' DateTime.
pub(crate) fn time_of(t: &aws_sdk_codepipeline::primitives::DateTime) -> Option<Time> {
    chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_of_both_services_normalise() {
        assert_eq!(status_of("InProgress"), Status::InProgress);
        assert_eq!(status_of("IN_PROGRESS"), Status::InProgress);
        assert_eq!(status_of("TIMED_OUT"), Status::TimedOut);
        // V2's StageExecutionStatus Skipped (a stage an entry condition skipped).
        assert_eq!(status_of("Skipped"), Status::Skipped);
        assert_eq!(status_of("Unheard"), Status::Other("Unheard".into()));
    }
}
