//! `pipewatch --sandbox`: start the sandbox in-process, point clients at it and
//! upload the demo workspace so the first screen already shows a run.

use std::path::{Path, PathBuf};

use aws_sdk_s3::primitives::ByteStream;
use color_eyre::eyre::{Result, eyre};

use super::AwsClients;
use crate::pack::{PackOptions, pack_workspace};
use crate::sandbox::{self, Options, Sandbox};

const DEMO_BUCKET: &str = "pipewatch-demo-source";
const DEMO_KEY: &str = "workspace.zip";
/// The sandbox signs with its own region-agnostic credentials; any region works.
const SANDBOX_REGION: &str = "us-east-1";

/// The demo workspace of the source tree this binary was built from, or
/// `./assets/demo-workspace` when that tree is gone (an installed binary).
pub fn default_workspace() -> PathBuf {
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-workspace");
    if built.is_dir() { built } else { PathBuf::from("assets/demo-workspace") }
}

/// Starts the sandbox on an ephemeral loopback port with random credentials,
/// builds clients for it and uploads `workspace` to start one run. Keep the
/// returned `Sandbox` alive: dropping it stops the server.
pub async fn start_sandbox_session(workspace: &Path) -> Result<(Sandbox, AwsClients)> {
    // The same package a push would upload: ignore rules, no secrets, the
    // same bytes for the same tree.
    let package = pack_workspace(&PackOptions { workspace: Some(workspace.to_path_buf()), temp_dir: None })?;
    let zip = package.bytes()?;
    let sandbox = sandbox::start(Options::ephemeral()).await?;
    let creds = sandbox.credentials().clone();
    let clients =
        super::for_endpoint(&sandbox.endpoint(), &creds.access_key_id, &creds.secret_access_key, SANDBOX_REGION).await;
    clients
        .s3
        .put_object()
        .bucket(DEMO_BUCKET)
        .key(DEMO_KEY)
        .metadata("codepipeline-artifact-revision-summary", format!("pipewatch --sandbox: {}", workspace.display()))
        .body(ByteStream::from(zip))
        .send()
        .await
        .map_err(|e| {
            eyre!(
                "uploading the demo workspace to the sandbox: {}",
                super::errors::classify("s3:PutObject", &e).message
            )
        })?;
    Ok((sandbox, clients))
}
