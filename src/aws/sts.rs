//! STS: who we are, for the header.

use super::AwsClients;
use super::errors::classify;
use crate::model::health::{ApiFailure, FailureKind};

impl AwsClients {
    /// The account id of the caller (GetCallerIdentity).
    pub async fn identity(&self) -> Result<String, ApiFailure> {
        const API: &str = "sts:GetCallerIdentity";
        let out = self.sts.get_caller_identity().send().await.map_err(|e| classify(API, &e))?;
        out.account().map(str::to_string).ok_or_else(|| ApiFailure {
            api: API.into(),
            kind: FailureKind::Service,
            message: "GetCallerIdentity returned no account id".into(),
            retry_in_secs: None,
        })
    }
}
