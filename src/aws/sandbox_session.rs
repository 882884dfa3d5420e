//! `pipewatch --sandbox`: start the sandbox in-process, point clients at it and
//! upload the demo workspace so the first screen already shows a run.

use std::io::Write;
use std::path::{Path, PathBuf};

use aws_sdk_s3::primitives::ByteStream;
use color_eyre::eyre::{Result, WrapErr, eyre};

use super::AwsClients;
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
    let zip = zip_workspace(workspace)?;
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

/// Zips a directory: files in sorted walk order, `.git` skipped, fixed timestamps,
/// so the same tree always gives the same bytes. Symlinks and other special
/// files are skipped.
pub fn zip_workspace(dir: &Path) -> Result<Vec<u8>> {
    if !dir.is_dir() {
        return Err(eyre!("workspace {} is not a directory", dir.display()));
    }
    let mut files = Vec::new();
    collect_files(dir, dir, &mut files)?;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (rel, path) in &files {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path).wrap_err_with(|| format!("reading {}", path.display()))?;
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(meta.permissions().mode() & 0o777);
        let body = std::fs::read(path).wrap_err_with(|| format!("reading {}", path.display()))?;
        zip.start_file(rel.as_str(), opts)?;
        zip.write_all(&body)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// (path relative to `base` with '/' separators, full path), each directory's
/// entries in name order.
fn collect_files(dir: &Path, base: &Path, out: &mut Vec<(String, PathBuf)>) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .wrap_err_with(|| format!("reading {}", dir.display()))?
        .collect::<std::io::Result<_>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() && entry.file_name() != ".git" {
            collect_files(&path, base, out)?;
        } else if kind.is_file() {
            let rel = path.strip_prefix(base).unwrap_or(&path);
            let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            out.push((rel.join("/"), path));
        }
    }
    Ok(())
}
