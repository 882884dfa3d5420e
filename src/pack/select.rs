//! Which files go into the package: the `ignore` crate's walk (`.gitignore`,
//! `.ignore`, `.pipewatchignore`; never `.git/`), default secret exclusions
//! that a `!pattern` in `.pipewatchignore` re-includes, and symlinks checked
//! to stay inside the workspace.

use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, WrapErr, bail, eyre};
use ignore::WalkBuilder;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Left out unless `.pipewatchignore` re-includes them with `!pattern`.
pub const DEFAULT_SECRET_PATTERNS: [&str; 7] =
    [".env*", "*.pem", "*.key", "id_rsa*", "id_ed25519*", ".aws/", "*credentials*"];

const PIPEWATCH_IGNORE: &str = ".pipewatchignore";

/// One file to pack: its name in the zip and the path to read (a symlink is
/// read through, so its target's content is stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEntry {
    pub name: String,
    pub path: PathBuf,
    pub size: u64,
    pub executable: bool,
}

#[derive(Debug, Default)]
pub struct Selection {
    /// Sorted by name.
    pub files: Vec<FileEntry>,
    /// Secrets left out, sorted.
    pub excluded_secrets: Vec<String>,
}

/// Walks `workspace` and returns the files to pack. A symlink leaving the
/// workspace, a broken one, or an unreadable directory is an error naming it.
pub fn select_files(workspace: &Path) -> Result<Selection> {
    let root = workspace.canonicalize().wrap_err_with(|| format!("workspace {} not found", workspace.display()))?;
    let secrets = secret_matcher(&root)?;
    let reincluded = reinclude_matcher(&root)?;
    let mut out = Selection::default();
    let walker = WalkBuilder::new(&root)
        .hidden(false)
        .parents(false)
        .git_global(false)
        .git_exclude(false)
        .require_git(false)
        .follow_links(true)
        .add_custom_ignore_filename(PIPEWATCH_IGNORE)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for item in walker {
        let entry = item.map_err(|e| eyre!("reading the workspace: {e}"))?;
        if entry.depth() == 0 {
            continue;
        }
        let rel = entry.path().strip_prefix(&root).unwrap_or(entry.path());
        if entry.path_is_symlink() {
            check_link_inside(&root, entry.path(), rel)?;
        }
        let Some(kind) = entry.file_type() else { continue };
        if !kind.is_file() {
            continue;
        }
        let name = zip_name(rel)?;
        // A link is judged by its target too: `config.txt -> .env` is a secret.
        let target_rel = std::fs::canonicalize(entry.path())
            .ok()
            .and_then(|t| t.strip_prefix(&root).ok().map(Path::to_path_buf))
            .unwrap_or_else(|| rel.to_path_buf());
        let is_secret = |p: &Path| {
            secrets.matched_path_or_any_parents(p, false).is_ignore()
                && !reincluded.matched_path_or_any_parents(p, false).is_whitelist()
        };
        if is_secret(rel) || is_secret(&target_rel) {
            out.excluded_secrets.push(name);
            continue;
        }
        let meta = std::fs::metadata(entry.path()).wrap_err_with(|| format!("cannot read {name}"))?;
        out.files.push(FileEntry {
            name,
            path: entry.path().to_path_buf(),
            size: meta.len(),
            executable: is_exec(&meta),
        });
    }
    out.files.sort_by(|a, b| a.name.cmp(&b.name));
    out.excluded_secrets.sort();
    Ok(out)
}

fn check_link_inside(root: &Path, link: &Path, rel: &Path) -> Result<()> {
    let target = std::fs::canonicalize(link)
        .wrap_err_with(|| format!("symlink {} is broken: its target does not exist", rel.display()))?;
    if !target.starts_with(root) {
        bail!(
            "symlink {} points outside the workspace (to {}): refusing to pack it; remove the link or list it in {PIPEWATCH_IGNORE}",
            rel.display(),
            target.display()
        );
    }
    Ok(())
}

/// '/'-separated and UTF-8, as zip readers expect.
fn zip_name(rel: &Path) -> Result<String> {
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    match parts {
        Some(parts) => Ok(parts.join("/")),
        None => bail!("file name {} is not valid UTF-8: rename it or ignore it", rel.display()),
    }
}

#[cfg(unix)]
fn is_exec(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_exec(_meta: &std::fs::Metadata) -> bool {
    false
}

fn secret_matcher(root: &Path) -> Result<Gitignore> {
    let mut b = GitignoreBuilder::new(root);
    for pattern in DEFAULT_SECRET_PATTERNS {
        b.add_line(None, pattern).wrap_err_with(|| format!("secret pattern {pattern}"))?;
    }
    b.build().wrap_err("building the secret patterns")
}

/// The `!pattern` lines of the root `.pipewatchignore` (its other lines are
/// applied by the walk itself).
fn reinclude_matcher(root: &Path) -> Result<Gitignore> {
    let mut b = GitignoreBuilder::new(root);
    let file = root.join(PIPEWATCH_IGNORE);
    if file.is_file()
        && let Some(err) = b.add(&file)
    {
        bail!("reading {PIPEWATCH_IGNORE}: {err}");
    }
    b.build().wrap_err_with(|| format!("reading {PIPEWATCH_IGNORE}"))
}
