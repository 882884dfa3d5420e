//! The fleet list and the approvals inbox (issue 13): two accounts (profiles
//! `prod` and `staging`) in two Regions, made of the sandbox's generated
//! pipelines, so the list has failed, approval-waiting and running rows.
//! Shared by the example and screenshots.rs.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::KeyCode;
use pipewatch::app::FleetSetup;
use pipewatch::aws::{self, AwsClients, ConnectOptions};
use pipewatch::config::{FleetMember, Intervals};
use pipewatch::model::fleet::{Latest, Place};
use pipewatch::sandbox::{self, Options, Sandbox};

use super::capture::App;

/// The second account and its key (the sandbox's `accounts`).
pub const STAGING_ACCOUNT: &str = "210987654321";
const STAGING_KEY: &str = "AKIASBXSTAGING000001";
const STAGING_SECRET: &str = "staging-secret";
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

fn sandbox_config(dir: &std::path::Path) -> std::path::PathBuf {
    let config = serde_json::json!({
        "accounts": [
            { "accountId": STAGING_ACCOUNT, "accessKeyId": STAGING_KEY, "secretAccessKey": STAGING_SECRET }
        ],
        "generate": [
            { "count": 10, "running": 2, "waiting": 1, "failed": 1, "regions": REGIONS },
            { "account": STAGING_ACCOUNT, "count": 6, "running": 1, "waiting": 1, "failed": 1,
              "regions": REGIONS, "prefix": "stg-" }
        ]
    });
    let path = dir.join("sandbox.json");
    std::fs::write(&path, config.to_string()).expect("write the sandbox config");
    path
}

/// The fleet list with every row's latest run known. Keep all three alive while shooting.
pub async fn fleet() -> (App, Sandbox, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let opts = Options { config: Some(sandbox_config(dir.path())), ..Options::ephemeral() };
    let sandbox = sandbox::start(opts).await.expect("sandbox starts");
    let endpoint = sandbox.endpoint();
    let home = sandbox.credentials().clone();
    let mut known = Vec::new();
    let mut members = Vec::new();
    for (profile, key, secret) in [
        ("prod", home.access_key_id.as_str(), home.secret_access_key.as_str()),
        ("staging", STAGING_KEY, STAGING_SECRET),
    ] {
        for region in REGIONS {
            let clients = aws::for_endpoint(&endpoint, key, secret, region).await;
            known.push((Place { profile: profile.into(), region: region.into() }, Arc::new(clients)));
        }
        members.push(FleetMember {
            fleet: "all".into(),
            profile: profile.into(),
            regions: REGIONS.map(String::from).to_vec(),
            filters: Vec::new(),
        });
    }
    let first: AwsClients =
        aws::for_endpoint(&endpoint, &home.access_key_id, &home.secret_access_key, REGIONS[0]).await;
    let base = ConnectOptions { endpoint_url: Some(endpoint.clone()), ..ConnectOptions::default() };
    let setup = FleetSetup { name: "all".into(), members, known, base, intervals: Intervals::default() };
    let mut app = App::start_fleet(first, setup);
    app.run_until("every fleet row's latest run", Duration::from_secs(120), |m| {
        m.fleet.as_ref().is_some_and(|f| {
            f.places.values().all(|p| p.listed && p.account.is_some())
                && f.rows().len() == 16
                && f.rows().iter().all(|r| r.latest != Latest::Unknown)
        })
    })
    .await;
    (app, sandbox, dir)
}

/// `A` on the fleet: the approvals waiting in both accounts.
pub async fn open_inbox(app: &mut App) {
    app.key(KeyCode::Char('A'));
    app.run_until("both accounts' approvals", Duration::from_secs(60), |m| {
        let (read, all) = m.inbox.progress();
        all > 0 && read == all && m.inbox.rows().len() >= 2
    })
    .await;
}
