//! Several accounts and generated pipelines (issue 13, part 4): each access key
//! belongs to its own account and sees that account's pipelines in the Region
//! it signs for; 500 generated pipelines list fully through paging; a key can
//! expire; an approval waits in the second account and PutApprovalResult
//! answers it.
//! Documents: STS API Reference, GetCallerIdentity (Account); CodePipeline API
//! Reference, ListPipelines (nextToken, maxResults 1-1000), PutApprovalResult
//! (InvalidApprovalTokenException, ApprovalAlreadyCompletedException);
//! "Common Errors" (ExpiredTokenException, HTTP 403).

use aws_sdk_codepipeline::types::{ApprovalResult, ApprovalStatus};
use pipewatch::sandbox::{self, Options};

use crate::harness::{self, Env, in_region, retrying};

pub const B_ACCOUNT: &str = "210987654321";
pub const B_KEY: &str = "AKIASBXACCOUNTB00001";
pub const B_SECRET: &str = "account-b-secret";
const C_KEY: &str = "AKIASBXACCOUNTC00001";

/// A config with no engine pipelines: 500 generated in the home account and
/// 6 in account B (two waiting for approval), and a key of account C that has
/// already expired.
pub fn fleet_config(dir: &std::path::Path) -> std::path::PathBuf {
    let config = serde_json::json!({
        "pipelines": [],
        "accounts": [
            { "accountId": B_ACCOUNT, "accessKeyId": B_KEY, "secretAccessKey": B_SECRET },
            { "accountId": "333333333333", "accessKeyId": C_KEY, "secretAccessKey": "c", "expiresAfterSeconds": 0 }
        ],
        "generate": [
            { "count": 500, "running": 20 },
            { "account": B_ACCOUNT, "count": 6, "waiting": 2, "running": 0, "failed": 1, "prefix": "b-" }
        ]
    });
    let path = dir.join("fleet.json");
    std::fs::write(&path, config.to_string()).unwrap();
    path
}

async fn start(dir: &std::path::Path) -> Env {
    harness::start_with(Options { config: Some(fleet_config(dir)), ..Options::ephemeral() }).await
}

async fn as_key(env: &Env, key: &str, secret: &str) -> aws_config::SdkConfig {
    let creds = sandbox::Credentials { access_key_id: key.into(), secret_access_key: secret.into() };
    retrying(&harness::sdk_config(&env.sandbox.endpoint(), &creds).await)
}

async fn names(sdk: &aws_config::SdkConfig) -> Vec<String> {
    let client = aws_sdk_codepipeline::Client::new(sdk);
    let pages: Vec<_> = client.list_pipelines().into_paginator().send().collect().await;
    pages.into_iter().flat_map(|p| p.unwrap().pipelines.unwrap_or_default()).filter_map(|p| p.name).collect()
}

#[tokio::test]
async fn each_key_is_its_own_account() {
    let dir = tempfile::tempdir().unwrap();
    let env = start(dir.path()).await;
    let home = env.sts().get_caller_identity().send().await.unwrap();
    assert_eq!(home.account(), Some(sandbox::ACCOUNT_ID));
    let b = aws_sdk_sts::Client::new(&as_key(&env, B_KEY, B_SECRET).await).get_caller_identity().send().await.unwrap();
    assert_eq!(b.account(), Some(B_ACCOUNT));
    assert_eq!(b.arn(), Some("arn:aws:iam::210987654321:user/sandbox"));
}

#[tokio::test]
async fn five_hundred_pipelines_list_fully_per_region_and_account() {
    let dir = tempfile::tempdir().unwrap();
    let env = start(dir.path()).await;
    let home = retrying(&env.sdk);
    let us = names(&home).await;
    let eu = names(&in_region(&home, "eu-west-1")).await;
    assert_eq!((us.len(), eu.len()), (250, 250), "100 a page: three pages each");
    assert!(us.iter().all(|n| !eu.contains(n)), "a pipeline lives in one Region");
    let b = as_key(&env, B_KEY, B_SECRET).await;
    let mut b_names = names(&b).await;
    b_names.extend(names(&in_region(&b, "eu-west-1")).await);
    assert_eq!(b_names.len(), 6, "{b_names:?}");
    assert!(b_names.iter().all(|n| n.starts_with("b-")), "B sees only its own: {b_names:?}");
    // A home pipeline is not found with B's key, and the error names B's account.
    let err = aws_sdk_codepipeline::Client::new(&b).get_pipeline_state().name(&us[0]).send().await.unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_pipeline_not_found_exception(), "{err:?}");
    assert!(err.to_string().contains(B_ACCOUNT), "{err}");
}

#[tokio::test]
async fn an_expired_key_is_refused_with_expired_token() {
    let dir = tempfile::tempdir().unwrap();
    let env = start(dir.path()).await;
    let c = as_key(&env, C_KEY, "c").await;
    let err = aws_sdk_codepipeline::Client::new(&c).list_pipelines().send().await.unwrap_err();
    let raw = err.raw_response().map(|r| r.status().as_u16());
    assert_eq!(raw, Some(403));
    assert_eq!(aws_sdk_codepipeline::error::ProvideErrorMetadata::code(&err), Some("ExpiredTokenException"));
}

#[tokio::test]
async fn an_approval_waiting_in_the_second_account_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let env = start(dir.path()).await;
    let b = as_key(&env, B_KEY, B_SECRET).await;
    let mut waiting = None;
    for region in ["us-east-1", "eu-west-1"] {
        let sdk = in_region(&b, region);
        let cp = aws_sdk_codepipeline::Client::new(&sdk);
        for name in names(&sdk).await {
            let state = cp.get_pipeline_state().name(&name).send().await.unwrap();
            let approve = state.stage_states().iter().find(|s| s.stage_name() == Some("Approve")).unwrap();
            let latest = approve.action_states()[0].latest_execution();
            if let Some(token) =
                latest.filter(|l| l.status().map(|s| s.as_str()) == Some("InProgress")).and_then(|l| l.token())
            {
                waiting = Some((cp.clone(), name.clone(), token.to_string()));
            }
        }
    }
    let (cp, name, token) = waiting.expect("B has an approval waiting");
    let result = ApprovalResult::builder().summary("ship it").status(ApprovalStatus::Approved).build().unwrap();
    let put = || {
        cp.put_approval_result()
            .pipeline_name(&name)
            .stage_name("Approve")
            .action_name("Approve")
            .token(&token)
            .result(result.clone())
            .send()
    };
    assert!(put().await.unwrap().approved_at().is_some());
    let again = put().await.unwrap_err().into_service_error();
    assert!(again.is_approval_already_completed_exception(), "{again:?}");
    let state = cp.get_pipeline_state().name(&name).send().await.unwrap();
    let approve = state.stage_states().iter().find(|s| s.stage_name() == Some("Approve")).unwrap();
    assert_eq!(approve.latest_execution().map(|l| l.status().as_str()), Some("Succeeded"));
    let wrong = cp
        .put_approval_result()
        .pipeline_name(&name)
        .stage_name("Approve")
        .action_name("Approve")
        .token("not-a-token")
        .result(result.clone())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(wrong.is_invalid_approval_token_exception(), "{wrong:?}");
}
