//! Workspace -> deterministic zip: which files go in (ignore rules, secrets,
//! symlinks), how they are written (sorted, fixed times, normalised modes,
//! compressed on every core) and the package's SHA-256. Nothing in the
//! workspace is modified; the zip lives in a temp file removed on drop.

mod archive;
pub mod preflight;
mod select;
mod summary;

use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, WrapErr};
use tempfile::NamedTempFile;

pub use select::{DEFAULT_SECRET_PATTERNS, Selection, select_files};
pub use summary::{revision_summary, user_at_host};

/// What to pack. `workspace: None` resolves to the git root of the current
/// directory, else the current directory.
#[derive(Clone, Debug, Default)]
pub struct PackOptions {
    pub workspace: Option<PathBuf>,
    /// Where the temp zip is created (default: the system temp dir).
    pub temp_dir: Option<PathBuf>,
}

/// A packed workspace: the zip in a temp file (deleted when this is dropped)
/// and what the confirmation shows.
#[derive(Debug)]
pub struct Package {
    pub workspace: PathBuf,
    /// Entry names in the zip, sorted, '/'-separated.
    pub entries: Vec<String>,
    /// Uncompressed bytes of all entries.
    pub total_bytes: u64,
    /// Size of the zip file.
    pub zip_bytes: u64,
    /// Lowercase hex SHA-256 of the zip.
    pub sha256: String,
    /// Secret files left out (relative paths), sorted.
    pub excluded_secrets: Vec<String>,
    file: NamedTempFile,
}

impl Package {
    /// The zip on disk; valid while the package lives.
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// The zip's bytes (for an upload small enough to hold in memory).
    pub fn bytes(&self) -> Result<Vec<u8>> {
        std::fs::read(self.path()).wrap_err_with(|| format!("reading the package {}", self.path().display()))
    }

    /// Copies the zip to `dest` (for `--zip-out`).
    pub fn save_as(&self, dest: &Path) -> Result<()> {
        std::fs::copy(self.path(), dest).wrap_err_with(|| format!("writing the package to {}", dest.display()))?;
        Ok(())
    }
}

/// `--workspace` when given, else the git root above the current directory,
/// else the current directory.
pub fn resolve_workspace(given: Option<&Path>) -> Result<PathBuf> {
    let start = match given {
        Some(p) => return p.canonicalize().wrap_err_with(|| format!("workspace {} not found", p.display())),
        None => std::env::current_dir().wrap_err("reading the current directory")?,
    };
    Ok(git_root(&start).unwrap_or(start))
}

/// The nearest ancestor holding `.git` (a directory, or a file in worktrees).
pub fn git_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|dir| dir.join(".git").exists()).map(Path::to_path_buf)
}

/// Selects, zips and hashes the workspace.
pub fn pack_workspace(opts: &PackOptions) -> Result<Package> {
    let workspace = resolve_workspace(opts.workspace.as_deref())?;
    if !workspace.is_dir() {
        color_eyre::eyre::bail!("workspace {} is not a directory", workspace.display());
    }
    let selection = select_files(&workspace)?;
    let temp_dir = opts.temp_dir.clone().unwrap_or_else(std::env::temp_dir);
    let mut file = tempfile::Builder::new()
        .prefix("pipewatch-package-")
        .suffix(".zip")
        .tempfile_in(&temp_dir)
        .wrap_err_with(|| format!("creating a temp file in {}", temp_dir.display()))?;
    let written = archive::write_zip(&selection.files, file.as_file_mut())?;
    let sha256 = archive::sha256_of(file.path())?;
    Ok(Package {
        workspace,
        entries: selection.files.iter().map(|f| f.name.clone()).collect(),
        total_bytes: written.total_bytes,
        zip_bytes: written.zip_bytes,
        sha256,
        excluded_secrets: selection.excluded_secrets,
        file,
    })
}

#[cfg(test)]
mod preflight_reports_tests;
#[cfg(test)]
mod preflight_tests;
#[cfg(test)]
mod tests;
