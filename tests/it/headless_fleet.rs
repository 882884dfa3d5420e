//! `pipewatch status --fleet NAME [--json]` through the binary against the
//! sandbox: two profiles (two accounts) × two Regions, a name filter on one
//! member, rows sorted attention first; a profile whose session expired is
//! reported and the others still listed (exit 1); an unknown fleet is a usage
//! error (exit 2). Documents: CodePipeline API Reference, ListPipelines and
//! ListPipelineExecutions; Common Errors (ExpiredTokenException).

use pipewatch::sandbox::Options;

use crate::harness::{self, json_of, pipewatch, stderr, stdout};
use crate::sandbox_accounts::{B_ACCOUNT, B_KEY, B_SECRET};

async fn env_and_files(dir: &std::path::Path) -> harness::Env {
    let config = serde_json::json!({
        "pipelines": [],
        "accounts": [{ "accountId": B_ACCOUNT, "accessKeyId": B_KEY, "secretAccessKey": B_SECRET }],
        "generate": [
            { "count": 10, "running": 2, "waiting": 1, "failed": 2, "prefix": "alpha-" },
            { "account": B_ACCOUNT, "count": 8, "running": 0, "waiting": 1, "failed": 1, "prefix": "beta-" }
        ]
    });
    std::fs::write(dir.join("sandbox.json"), config.to_string()).unwrap();
    let env = harness::start_with(Options { config: Some(dir.join("sandbox.json")), ..Options::ephemeral() }).await;
    let endpoint = env.sandbox.endpoint();
    let home = env.sandbox.credentials();
    std::fs::write(
        dir.join("aws_config"),
        format!("[profile a]\nendpoint_url = {endpoint}\n[profile b]\nendpoint_url = {endpoint}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("aws_credentials"),
        format!(
            "[a]\naws_access_key_id = {}\naws_secret_access_key = {}\n[b]\naws_access_key_id = {B_KEY}\naws_secret_access_key = {B_SECRET}\n",
            home.access_key_id, home.secret_access_key
        ),
    )
    .unwrap();
    // b only shows its payments and search pipelines.
    let fleet = "[[fleet]]\nname = \"all\"\nprofile = \"a\"\nregions = [\"us-east-1\", \"eu-west-1\"]\n\n\
                 [[fleet]]\nname = \"all\"\nprofile = \"b\"\nregions = [\"us-east-1\", \"eu-west-1\"]\nfilter = [\"beta-payments-*\", \"beta-search-*\"]\n";
    std::fs::write(dir.join("config.toml"), fleet).unwrap();
    env
}

fn status(dir: &std::path::Path, extra: &[&str]) -> harness::Cli {
    let config = dir.join("config.toml");
    let mut args = vec!["status", "--config", config.to_str().unwrap(), "--fleet", "all"];
    args.extend_from_slice(extra);
    pipewatch(args)
        .env("AWS_CONFIG_FILE", dir.join("aws_config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("aws_credentials"))
}

#[tokio::test]
async fn status_fleet_lists_every_profile_and_region_attention_first() {
    let dir = tempfile::tempdir().unwrap();
    let _env = env_and_files(dir.path()).await;
    let out = status(dir.path(), &["--json"]).output().await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["fleet"], "all");
    assert_eq!(v["places"].as_array().unwrap().len(), 4);
    let rows = v["pipelines"].as_array().unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names.iter().filter(|n| n.starts_with("alpha-")).count(), 10, "{names:?}");
    // 8 beta pipelines, of which the filter keeps payments (0) and search (1).
    let mut beta: Vec<&str> = names.iter().copied().filter(|n| n.starts_with("beta-")).collect();
    beta.sort();
    assert_eq!(beta, ["beta-payments-api-000", "beta-search-indexer-001"]);
    for r in rows.iter().filter(|r| r["name"].as_str().unwrap().starts_with("beta-")) {
        assert_eq!(r["account"], B_ACCOUNT);
        assert_eq!(r["profile"], "b");
    }
    // Attention first inside each place: no failed or waiting row after a settled one.
    let rank =
        |r: &serde_json::Value| match (r["latest"]["status"].as_str(), r["latest"]["waitingForApproval"].as_bool()) {
            (Some("Failed"), _) => 0,
            (_, Some(true)) => 1,
            (Some("InProgress"), _) => 2,
            _ => 3,
        };
    for place in v["places"].as_array().unwrap() {
        let in_place: Vec<i32> = rows
            .iter()
            .filter(|r| r["profile"] == place["profile"] && r["region"] == place["region"])
            .map(rank)
            .collect();
        assert!(in_place.windows(2).all(|w| w[0] <= w[1]), "{place}: {in_place:?}");
    }
    assert_eq!(rows.iter().filter(|r| rank(r) == 0).count(), 2, "alpha's two failures (beta's is filtered out)");
    let waiting = rows.iter().find(|r| r["name"] == "beta-payments-api-000").unwrap();
    assert_eq!(waiting["latest"]["waitingForApproval"], true, "{waiting}");
    let text = status(dir.path(), &[]).output().await;
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    let t = stdout(&text);
    assert!(t.contains(&format!("b · {B_ACCOUNT} · us-east-1")), "{t}");
    assert!(t.contains("WaitingForApproval") || t.contains("Failed"), "{t}");
}

#[tokio::test]
async fn an_expired_profile_is_reported_and_the_others_still_listed() {
    let dir = tempfile::tempdir().unwrap();
    let env = env_and_files(dir.path()).await;
    env.sandbox.shared.accounts.revoke(B_KEY);
    let out = status(dir.path(), &["--json"]).output().await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json_of(&out);
    let b: Vec<&serde_json::Value> = v["places"].as_array().unwrap().iter().filter(|p| p["profile"] == "b").collect();
    assert_eq!(b.len(), 2);
    assert!(b.iter().all(|p| p["loginNeeded"] == true), "{v}");
    assert_eq!(v["pipelines"].as_array().unwrap().len(), 10, "a's rows are all there");
    assert!(stderr(&out).contains("b in us-east-1"), "{}", stderr(&out));
}

#[tokio::test]
async fn an_unknown_fleet_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let _env = env_and_files(dir.path()).await;
    let config = dir.path().join("config.toml");
    let out = pipewatch(["status", "--config", config.to_str().unwrap(), "--fleet", "nope"]).output().await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no fleet `nope` in the config file (known: all)"), "{}", stderr(&out));
}
