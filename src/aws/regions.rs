//! Actions in other Regions (CodePipeline User Guide, "Add a cross-Region
//! action"): an action's `region` says where its build runs, so BatchGetBuilds
//! and the build's log go to that Region. Clients for another Region are
//! built on first use from the same configuration (credentials, endpoint,
//! timeouts) and kept; where each build runs is learned from GetPipeline.

use std::sync::Arc;

use aws_config::Region;

use super::{AwsClients, lock};
use crate::msg::{ApiFailure, FailureKind};

/// Words every "build not in its Region" failure carries (`is_build_not_found`).
const NOT_FOUND: &str = "not found in region";
/// Remembered builds beyond this are forgotten (a long session sees many).
const MAX_REMEMBERED: usize = 1000;

/// CodeBuild and Logs for one Region. Calls go through these fields
/// (`in_region(r).codebuild.batch_get_builds()`), so the IAM policy check
/// (tests/it/aws_assets.rs) sees every SDK call.
pub(super) struct Regional {
    pub(super) codebuild: aws_sdk_codebuild::Client,
    pub(super) logs: aws_sdk_cloudwatchlogs::Client,
}

/// Where an action runs, when its declaration says: another Region, and the
/// role it runs as (another account's, for a cross-account action).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionPlace {
    pub region: Option<String>,
    pub role_arn: Option<String>,
}

impl AwsClients {
    /// CodeBuild and Logs in `region`: this connection's own clients for its
    /// own Region, else clients built on first use and kept.
    pub(super) fn in_region(&self, region: &str) -> Arc<Regional> {
        if region == self.region {
            return self.home.clone();
        }
        if let Some(r) = lock(&self.regional).get(region) {
            return r.clone();
        }
        let sdk = self.sdk.to_builder().region(Region::new(region.to_string())).build();
        let mut codebuild = aws_sdk_codebuild::config::Builder::from(&sdk);
        let mut logs = aws_sdk_cloudwatchlogs::config::Builder::from(&sdk);
        if let Some(url) = &self.forced_endpoint {
            codebuild.set_endpoint_url(Some(url.clone()));
            logs.set_endpoint_url(Some(url.clone()));
        }
        let built = Arc::new(Regional {
            codebuild: aws_sdk_codebuild::Client::from_conf(codebuild.build()),
            logs: aws_sdk_cloudwatchlogs::Client::from_conf(logs.build()),
        });
        lock(&self.regional).insert(region.to_string(), built.clone());
        built
    }

    /// The Region of a build's log stream: its build's Region once the build
    /// was found elsewhere, else this connection's. Read it with
    /// `in_region(&region).logs`.
    pub(super) fn stream_region(&self, group: &str, stream: &str) -> String {
        let found = lock(&self.stream_regions).get(&(group.to_string(), stream.to_string())).cloned();
        found.unwrap_or_else(|| self.region.clone())
    }

    /// Where the action that ran `build_id` runs, as far as GetPipeline said.
    pub fn build_place(&self, build_id: &str) -> ActionPlace {
        lock(&self.build_places).get(build_id).cloned().unwrap_or_default()
    }

    pub(super) fn remember_build(&self, build_id: &str, place: ActionPlace) {
        let mut places = lock(&self.build_places);
        if places.len() >= MAX_REMEMBERED {
            places.clear();
        }
        places.insert(build_id.to_string(), place);
    }

    pub(super) fn remember_stream(&self, group: &str, stream: &str, region: &str) {
        let mut streams = lock(&self.stream_regions);
        if streams.len() >= MAX_REMEMBERED {
            streams.clear();
        }
        streams.insert((group.to_string(), stream.to_string()), region.to_string());
    }
}

/// BatchGetBuilds listed the id in buildsNotFound: the build is not in the
/// Region asked (or not visible to these credentials). Final: asking again
/// gives the same answer.
pub(super) fn build_not_found(id: &str, region: &str, place: &ActionPlace) -> ApiFailure {
    let mut message = format!("build {id} {NOT_FOUND} {region}");
    match (&place.role_arn, &place.region) {
        (Some(role), _) => message.push_str(&format!(
            ": its action runs as {role}{}; these credentials may not see that account's builds",
            account_of(role).map(|a| format!(" (account {a})")).unwrap_or_default()
        )),
        (None, Some(_)) => {}
        (None, None) => message.push_str(": if its action runs in another Region, its declaration should say so"),
    }
    ApiFailure { api: "codebuild:BatchGetBuilds".into(), kind: FailureKind::Service, message, retry_in_secs: None }
}

/// A build BatchGetBuilds does not know in the Region asked (final).
pub fn is_build_not_found(f: &ApiFailure) -> bool {
    f.api == "codebuild:BatchGetBuilds" && f.message.contains(NOT_FOUND)
}

/// The account id of an IAM ARN (`arn:aws:iam::123456789012:role/x`).
fn account_of(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_names_the_region_and_the_role_of_a_cross_account_action() {
        let place = ActionPlace {
            region: Some("eu-west-1".into()),
            role_arn: Some("arn:aws:iam::210987654321:role/cross".into()),
        };
        let f = build_not_found("p:1", "eu-west-1", &place);
        assert!(is_build_not_found(&f), "{f:?}");
        assert!(f.message.starts_with("build p:1 not found in region eu-west-1: its action runs as"), "{f:?}");
        assert!(f.message.contains("(account 210987654321)"), "{f:?}");
        let plain = build_not_found("p:2", "us-east-1", &ActionPlace::default());
        assert!(plain.message.contains("another Region"), "{plain:?}");
        let other = ApiFailure { message: "build x not found".into(), ..plain };
        assert!(!is_build_not_found(&other));
    }
}
