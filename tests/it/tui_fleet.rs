//! `pipewatch --fleet` in a real terminal (tmux) against the sandbox: two
//! profiles (two accounts) × two Regions in one list. Profile b's session
//! ends mid-test (the sandbox revokes its key): only b's rows say "login
//! needed (L)", a's keep their statuses; `L` runs `aws sso login --profile b`
//! (a stand-in `aws` that writes b's new credentials, as an SSO login
//! refreshes its cache) and b's rows come back.
//! Documents: AWS SDKs and Tools Reference Guide, "Process credential
//! provider" (credential_process JSON: Version, AccessKeyId, SecretAccessKey)
//! and "Service-specific endpoints" (endpoint_url in a profile); Common Errors
//! (ExpiredTokenException).

use std::path::Path;

use pipewatch::sandbox::Options;

use crate::harness;
use crate::sandbox_accounts::{B_ACCOUNT, B_KEY, B_SECRET};
use crate::tui_pty::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_pipewatch");
const B_NEW_KEY: &str = "AKIASBXACCOUNTB00002";

fn sandbox_config(dir: &Path) -> std::path::PathBuf {
    let config = serde_json::json!({
        "pipelines": [],
        "accounts": [
            { "accountId": B_ACCOUNT, "accessKeyId": B_KEY, "secretAccessKey": B_SECRET },
            { "accountId": B_ACCOUNT, "accessKeyId": B_NEW_KEY, "secretAccessKey": "renewed" }
        ],
        "generate": [
            { "count": 8, "running": 1, "waiting": 1, "failed": 1, "prefix": "alpha-" },
            { "account": B_ACCOUNT, "count": 6, "running": 0, "waiting": 1, "failed": 1, "prefix": "beta-" }
        ]
    });
    let path = dir.join("sandbox.json");
    std::fs::write(&path, config.to_string()).unwrap();
    path
}

fn process_json(key: &str, secret: &str) -> String {
    serde_json::json!({ "Version": 1, "AccessKeyId": key, "SecretAccessKey": secret }).to_string()
}

/// AWS config and credentials files, the pipewatch config, and a stand-in
/// `aws` on PATH; returns the shell line that runs the app.
fn setup(dir: &Path, endpoint: &str, creds: &pipewatch::sandbox::Credentials) -> String {
    let b_json = dir.join("b.json");
    std::fs::write(&b_json, process_json(B_KEY, B_SECRET)).unwrap();
    let aws_config = format!(
        "[profile a]\nendpoint_url = {endpoint}\n\n[profile b]\nendpoint_url = {endpoint}\ncredential_process = cat {}\n",
        b_json.display()
    );
    std::fs::write(dir.join("aws_config"), aws_config).unwrap();
    let credentials = format!(
        "[a]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        creds.access_key_id, creds.secret_access_key
    );
    std::fs::write(dir.join("aws_credentials"), credentials).unwrap();
    let fleet = "[intervals]\nrows = 1\n\n[[fleet]]\nname = \"all\"\nprofile = \"a\"\nregions = [\"us-east-1\", \"eu-west-1\"]\n\n\
                 [[fleet]]\nname = \"all\"\nprofile = \"b\"\nregions = [\"us-east-1\", \"eu-west-1\"]\n";
    std::fs::write(dir.join("config.toml"), fleet).unwrap();
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = format!(
        "#!/bin/sh\necho \"$*\" >> {log}\nif [ \"$*\" = \"sso login --profile b\" ]; then printf '%s' '{json}' > {b}; fi\n",
        log = dir.join("aws-calls.log").display(),
        json = process_json(B_NEW_KEY, "renewed"),
        b = b_json.display()
    );
    std::fs::write(bin.join("aws"), script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(bin.join("aws"), std::fs::Permissions::from_mode(0o755)).unwrap();
    format!(
        "env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE -u AWS_REGION \
         -u AWS_DEFAULT_REGION -u AWS_ENDPOINT_URL PATH={bin}:$PATH AWS_CONFIG_FILE={d}/aws_config \
         AWS_SHARED_CREDENTIALS_FILE={d}/aws_credentials XDG_CONFIG_HOME=/nonexistent \
         {BIN} --config {d}/config.toml --fleet all --log-file {d}/pipewatch.log; echo EXITED $?; sleep 120",
        bin = bin.display(),
        d = dir.display()
    )
}

/// The group header lines of a profile.
fn headers<'a>(screen: &'a str, profile: &str) -> Vec<&'a str> {
    screen.lines().filter(|l| l.starts_with(&format!("▾ {profile} · "))).collect()
}

fn rows_with<'a>(screen: &'a str, prefix: &str) -> Vec<&'a str> {
    // Rows are " S NAME ...", S a status symbol of one character (not one byte).
    screen.lines().filter(|l| l.chars().skip(3).collect::<String>().starts_with(prefix)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_profiles_expired_login_pauses_only_its_rows_and_l_brings_them_back() {
    let dir = tempfile::tempdir().unwrap();
    let env = harness::start_with(Options { config: Some(sandbox_config(dir.path())), ..Options::ephemeral() }).await;
    let line = setup(dir.path(), &env.sandbox.endpoint(), env.sandbox.credentials());
    let tmux = Tmux::start("fleet", 120, 40, &line);

    // Both accounts, both Regions, every row with its latest run.
    let screen = tmux.wait_for("all 14 rows known", |s| {
        headers(s, "a").len() == 2
            && headers(s, "b").len() == 2
            && s.contains("14 pipelines")
            && !s.contains('…')
            && s.contains("approval waiting")
    });
    assert!(headers(&screen, "b").iter().all(|h| h.contains(B_ACCOUNT)), "{screen}");
    assert!(headers(&screen, "a").iter().all(|h| h.contains(pipewatch::sandbox::ACCOUNT_ID)), "{screen}");
    assert!(!screen.contains("login needed"), "{screen}");
    // Needs attention first: the first row under the first header is a failure.
    let first_row = screen.lines().skip_while(|l| !l.starts_with('▾')).nth(1).unwrap_or_default();
    assert!(first_row.contains("failed"), "{screen}");

    // b's session ends.
    env.sandbox.shared.accounts.revoke(B_KEY);
    let screen = tmux.wait_for("b's rows to need a login", |s| {
        headers(s, "b").iter().all(|h| h.contains("login needed (L)"))
            && rows_with(s, "beta-").iter().all(|r| r.contains("login needed (L)"))
    });
    assert_eq!(rows_with(&screen, "beta-").len(), 6, "{screen}");
    assert!(headers(&screen, "a").iter().all(|h| !h.contains("login needed")), "{screen}");
    let a_rows = rows_with(&screen, "alpha-");
    assert_eq!(a_rows.len(), 8, "{screen}");
    assert!(a_rows.iter().all(|r| !r.contains("login needed") && !r.contains('…')), "a keeps its statuses:\n{screen}");

    // L on a b row: the login runs for b, and b's rows come back.
    tmux.keys(&["/", "b", "e", "t", "a", "Enter"]);
    tmux.wait_for("only b's rows", |s| rows_with(s, "alpha-").is_empty() && rows_with(s, "beta-").len() == 6);
    tmux.keys(&["L"]);
    let screen = tmux.wait_for("b's rows back", |s| {
        !s.contains("login needed")
            && rows_with(s, "beta-").len() == 6
            && rows_with(s, "beta-").iter().all(|r| !r.contains('…'))
    });
    assert!(screen.contains("approval waiting"), "{screen}");
    let calls = std::fs::read_to_string(dir.path().join("aws-calls.log")).unwrap_or_default();
    assert_eq!(calls.trim(), "sso login --profile b", "one login, for b only");

    // The fleet's approvals inbox: b's waiting approval is answered from it,
    // in b's own account and Region (CodePipeline API Reference,
    // PutApprovalResult; the token comes from b's GetPipelineState).
    tmux.keys(&["Escape"]);
    tmux.wait_for("every row again", |s| rows_with(s, "alpha-").len() == 8);
    tmux.keys(&["A"]);
    tmux.wait_for("both accounts' approvals", |s| {
        s.contains("Approvals waiting") && inbox_rows(s, "│alpha-") == 1 && inbox_rows(s, "│beta-") == 1
    });
    let mut screen = String::new();
    for _ in 0..3 {
        screen = tmux.wait_for("a selected approval", |s| s.contains(" in alpha-") || s.contains(" in beta-"));
        if screen.contains(" in beta-") {
            break;
        }
        tmux.keys(&["j"]);
    }
    let (pipeline, region) =
        selected_approval(&screen, "b").unwrap_or_else(|| panic!("b's approval selected:\n{screen}"));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the confirmation", |s| s.contains(&pipeline) && s.contains("Approve"));
    tmux.keys(&["o", "k", " ", "b", "Enter"]);
    tmux.wait_for("b's approval answered", |s| inbox_rows(s, "│beta-") == 0 && inbox_rows(s, "│alpha-") == 1);
    let b_creds =
        pipewatch::sandbox::Credentials { access_key_id: B_NEW_KEY.into(), secret_access_key: "renewed".into() };
    let b_sdk = harness::sdk_config(&env.sandbox.endpoint(), &b_creds).await;
    let b_sdk = b_sdk.to_builder().region(aws_config::Region::new(region.clone())).build();
    let state = aws_sdk_codepipeline::Client::new(&b_sdk).get_pipeline_state().name(&pipeline).send().await.unwrap();
    let summaries: Vec<_> = state
        .stage_states()
        .iter()
        .flat_map(|s| s.action_states())
        .filter_map(|a| a.latest_execution().and_then(|l| l.summary()))
        .collect();
    assert!(summaries.contains(&"ok b"), "{pipeline} in {region}: {state:?}");
    tmux.keys(&["Escape"]);

    tmux.keys(&["q"]);
    let after = tmux.wait_for("the shell after exit", |s| s.contains("EXITED"));
    assert!(after.contains("EXITED 0"), "{after}");
}

/// Inbox lines naming a pipeline that starts with `prefix` (after the frame's `│`).
fn inbox_rows(screen: &str, prefix: &str) -> usize {
    screen.lines().filter(|l| l.contains(prefix) && l.contains(" (")).count()
}

/// The inbox's selected approval, from its detail line
/// "STAGE/ACTION in PIPELINE (PROFILE/REGION)": (pipeline, Region).
fn selected_approval(screen: &str, profile: &str) -> Option<(String, String)> {
    let line = screen.lines().find(|l| l.contains(" in ") && l.contains(&format!("({profile}/")))?;
    let rest = line.split(" in ").nth(1)?;
    let (name, place) = rest.split_once(" (")?;
    let region = place.split_once(')')?.0.strip_prefix(&format!("{profile}/"))?;
    Some((name.trim().to_string(), region.to_string()))
}
