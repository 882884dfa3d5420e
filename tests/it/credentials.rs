//! Credential failures through the real binary: each keeps its own cause and
//! names its own fix, instead of one "run aws configure" for all.
//! Documents: AWS SDKs and Tools Reference Guide, "Process credential
//! provider" (credential_process) and "Assume role credential provider"
//! (role_arn, source_profile); IAM User Guide, "Troubleshooting IAM roles"
//! (AccessDenied: "... is not authorized to perform: sts:AssumeRole on
//! resource ..."); EC2 User Guide, "Use instance metadata to manage your EC2
//! instance" (IMDS at 169.254.169.254; AWS_EC2_METADATA_SERVICE_ENDPOINT).

use std::process::Output;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::harness::{pipewatch, stderr};

/// `pipewatch status` with only the given AWS config file and variables
/// (the harness keeps everything else of the machine's AWS set-up out).
async fn status(config: &str, envs: &[(&str, &str)], profile: Option<&str>) -> Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let config_path = dir.path().join("config");
    std::fs::write(&config_path, config).expect("config");
    let mut cli = pipewatch(["status", "--region", "us-east-1"]).env("AWS_CONFIG_FILE", &config_path);
    if let Some(p) = profile {
        cli = cli.args(["--profile", p]);
    }
    for (k, v) in envs {
        cli = cli.env(k, v);
    }
    cli.output().await
}

/// A port nothing listens on.
async fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    l.local_addr().expect("addr").port()
}

#[tokio::test]
async fn a_failing_credential_process_shows_its_own_error_and_the_fix() {
    let port = closed_port().await;
    let config = format!(
        "[profile corp]\ncredential_process = sh -c \"echo 'corp-idp: token for alice expired' >&2; exit 3\"\nendpoint_url = http://127.0.0.1:{port}\n"
    );
    let out = status(&config, &[], Some("corp")).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("credential_process failed"), "{err}");
    assert!(err.contains("corp-idp: token for alice expired"), "the process's own stderr is kept: {err}");
    assert!(!err.contains("aws configure"), "not the generic advice: {err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

/// Answers every request with STS's AccessDenied for AssumeRole, counting them.
async fn refusing_sts() -> (u16, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 << 10];
                let mut seen = Vec::new();
                // The whole request: headers, then content-length bytes of form.
                loop {
                    let Ok(n) = stream.read(&mut buf).await else { return };
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&seen).to_string();
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let len = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string())
                            })
                            .and_then(|v| v.parse::<usize>().ok())
                            .unwrap_or(0);
                        if body.len() >= len {
                            break;
                        }
                    }
                }
                let body = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/deploy</Message></Error><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ErrorResponse>";
                let resp = format!(
                    "HTTP/1.1 403 Forbidden\r\ncontent-type: text/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(resp.as_bytes()).await;
            });
        }
    });
    (port, task)
}

#[tokio::test]
async fn an_assume_role_access_denied_names_the_trust_policy() {
    let (port, server) = refusing_sts().await;
    // endpoint_url in the profile applies to every service, the STS client
    // that assumes the role included.
    let config = format!(
        "[profile base]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n\n[profile deploy]\nrole_arn = arn:aws:iam::222222222222:role/deploy\nsource_profile = base\nendpoint_url = http://127.0.0.1:{port}\n"
    );
    let out = status(&config, &[], Some("deploy")).await;
    server.abort();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("sts:AssumeRole was refused"), "{err}");
    assert!(err.contains("AccessDenied"), "{err}");
    assert!(err.contains("arn:aws:iam::222222222222:role/deploy"), "the role is named: {err}");
    assert!(err.contains("trust policy"), "the fix: {err}");
    assert!(!err.contains("aws configure"), "{err}");
}

#[tokio::test]
async fn an_unreachable_instance_metadata_service_is_named() {
    let port = closed_port().await;
    let imds = format!("http://127.0.0.1:{}", closed_port().await);
    let config = format!("[default]\nendpoint_url = http://127.0.0.1:{port}\n");
    let envs = [("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.as_str()), ("AWS_EC2_METADATA_DISABLED", "false")];
    let out = status(&config, &envs, None).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("IMDS"), "{err}");
    assert!(err.contains("could not be reached"), "{err}");
    assert!(err.contains("instance role"), "the EC2 fix: {err}");
    assert!(err.contains("aws configure"), "and the fix elsewhere: {err}");
}

/// AWS SDKs and Tools Reference Guide, "Login credentials provider"
/// (`login_session`, tokens cached under ~/.aws/login/cache by `aws login`):
/// aws-config reads it only with its `credentials-login` feature, which
/// would otherwise answer "the `credentials-login` feature must be enabled".
#[tokio::test]
async fn a_login_session_profile_without_a_session_says_aws_login() {
    let port = closed_port().await;
    let config = format!(
        "[profile console]\nlogin_session = arn:aws:iam::0123456789012:user/Admin\nendpoint_url = http://127.0.0.1:{port}\n"
    );
    let out = status(&config, &[], Some("console")).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("run `aws login`"), "{err}");
    assert!(!err.contains("feature"), "the login provider is compiled in: {err}");
}

#[tokio::test]
async fn a_missing_profile_is_named() {
    let port = closed_port().await;
    let config = format!("[profile dev]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:{port}\n");
    let out = status(&config, &[], Some("prod")).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("the profile prod is not in the AWS config files"), "{err}");
}
