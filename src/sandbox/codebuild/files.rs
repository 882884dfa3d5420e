//! The build's files: unpacking the source zip (refusing entries that would land
//! outside the source dir) and zipping the declared artifacts. Blocking I/O:
//! the runner calls these from spawn_blocking.

use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobSetBuilder};

use crate::buildspec::ArtifactsSpec;

/// Unpacks `zip` into `dest` (which must exist). The error is the
/// CLIENT_ERROR message.
pub fn unzip(zip: &Path, dest: &Path) -> Result<usize, String> {
    let file = File::open(zip).map_err(|e| format!("cannot read source archive: {e}"))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| format!("source archive is not a valid zip file: {e}"))?;
    // Check every name before writing anything, so a bad archive leaves no files.
    let mut entries = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| format!("cannot read zip entry {i}: {e}"))?;
        let name = entry.name().map_err(|e| format!("cannot read zip entry {i} name: {e}"))?.into_owned();
        let rel = safe_relative(&name)
            .ok_or_else(|| format!("zip entry '{name}' would be written outside the source directory"))?;
        entries.push(rel);
    }
    let mut written = 0;
    for (i, rel) in entries.into_iter().enumerate() {
        let mut entry = archive.by_index(i).map_err(|e| format!("cannot read zip entry {i}: {e}"))?;
        let path = dest.join(&rel);
        if rel.as_os_str().is_empty() {
            continue;
        }
        if entry.is_dir() {
            fs::create_dir_all(&path).map_err(|e| format!("cannot create {}: {e}", rel.display()))?;
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        if entry.is_symlink() {
            let mut target = String::new();
            io::Read::read_to_string(&mut entry, &mut target)
                .map_err(|e| format!("cannot read zip entry {}: {e}", rel.display()))?;
            // A link may only point down into the tree: no absolute target and
            // no `..`, so nothing written through it can leave the source dir.
            let ok = !target.starts_with('/')
                && Path::new(&target).components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
            if !ok {
                return Err(format!(
                    "zip entry '{}' is a symbolic link to '{target}', outside the source directory",
                    rel.display()
                ));
            }
            std::os::unix::fs::symlink(&target, &path)
                .map_err(|e| format!("cannot create link {}: {e}", rel.display()))?;
            written += 1;
            continue;
        }
        let mut out = File::create(&path).map_err(|e| format!("cannot write {}: {e}", rel.display()))?;
        io::copy(&mut entry, &mut out).map_err(|e| format!("cannot unpack {}: {e}", rel.display()))?;
        if let Some(mode) = entry.unix_mode() {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode & 0o777))
                .map_err(|e| format!("cannot set mode of {}: {e}", rel.display()))?;
        }
        written += 1;
    }
    Ok(written)
}

/// The entry's path relative to the destination, or None if it is absolute or
/// climbs out with `..` (zip-slip).
fn safe_relative(name: &str) -> Option<PathBuf> {
    if name.contains('\0') || name.starts_with('/') || name.starts_with('\\') || name.get(1..2) == Some(":") {
        return None;
    }
    let mut out = PathBuf::new();
    for part in name.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => return None,
            p => out.push(p),
        }
    }
    Some(out)
}

/// Zips the files under the base directory that match the globs into `out`.
/// Returns how many files were written; the error is the CLIENT_ERROR message.
pub fn zip_artifacts(src: &Path, spec: &ArtifactsSpec, out: &Path) -> Result<usize, String> {
    let base = match &spec.base_directory {
        Some(b) => {
            let rel =
                safe_relative(b).ok_or_else(|| format!("base-directory '{b}' is outside the source directory"))?;
            src.join(rel)
        }
        None => src.to_path_buf(),
    };
    let mut set = GlobSetBuilder::new();
    for pattern in &spec.files {
        let pattern = pattern.trim_start_matches("./");
        let glob = GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("invalid artifact path '{pattern}': {e}"))?;
        set.add(glob);
    }
    let set = set.build().map_err(|e| format!("invalid artifact paths: {e}"))?;
    let mut files = Vec::new();
    walk(&base, &base, &mut files);
    files.sort();
    let mut chosen: Vec<(String, PathBuf)> = Vec::new();
    for rel in files {
        if !set.is_match(&rel) {
            continue;
        }
        let name = if spec.discard_paths { rel.rsplit('/').next().unwrap_or(&rel).to_string() } else { rel.clone() };
        if !chosen.iter().any(|(n, _)| *n == name) {
            chosen.push((name, base.join(&rel)));
        }
    }
    if chosen.is_empty() {
        return Err("no matching artifact paths found".into());
    }
    if let Some(parent) = out.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let file = File::create(out).map_err(|e| format!("cannot write artifact zip: {e}"))?;
    let mut zip = zip::ZipWriter::new(file);
    for (name, path) in &chosen {
        let mode = fs::metadata(path).map(|m| m.permissions().mode() & 0o777).unwrap_or(0o644);
        let opts = zip::write::SimpleFileOptions::default().unix_permissions(mode);
        zip.start_file(name.as_str(), opts).map_err(|e| format!("cannot add {name} to the artifact zip: {e}"))?;
        let mut f = File::open(path).map_err(|e| format!("cannot read {name}: {e}"))?;
        io::copy(&mut f, &mut zip).map_err(|e| format!("cannot add {name} to the artifact zip: {e}"))?;
    }
    let mut file = zip.finish().map_err(|e| format!("cannot finish the artifact zip: {e}"))?;
    file.flush().map_err(|e| format!("cannot write artifact zip: {e}"))?;
    Ok(chosen.len())
}

/// Files under the base directory matching the globs, sorted: (path relative
/// to `src`, full path). For report files, which are read, not zipped.
pub fn matching(
    src: &Path,
    base_directory: Option<&str>,
    patterns: &[String],
) -> Result<Vec<(String, PathBuf)>, String> {
    let (base, prefix) = match base_directory {
        Some(b) => {
            let rel =
                safe_relative(b).ok_or_else(|| format!("base-directory '{b}' is outside the source directory"))?;
            let prefix = format!("{}/", rel.to_string_lossy().trim_end_matches('/'));
            (src.join(rel), prefix)
        }
        None => (src.to_path_buf(), String::new()),
    };
    let mut set = GlobSetBuilder::new();
    for pattern in patterns {
        let pattern = pattern.trim_start_matches("./");
        let glob = GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("invalid report file path '{pattern}': {e}"))?;
        set.add(glob);
    }
    let set = set.build().map_err(|e| format!("invalid report file paths: {e}"))?;
    let mut files = Vec::new();
    walk(&base, &base, &mut files);
    files.sort();
    Ok(files
        .into_iter()
        .filter(|rel| set.is_match(rel))
        .map(|rel| (format!("{prefix}{rel}"), base.join(&rel)))
        .collect())
}

/// Regular files under `dir`, relative to `base` with `/` separators; symbolic
/// links are not followed.
fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else { continue };
        let path = entry.path();
        if kind.is_dir() {
            walk(&path, base, out);
        } else if kind.is_file()
            && let Ok(rel) = path.strip_prefix(base)
        {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_zip(path: &Path, entries: &[(&str, &str, u32)]) {
        let mut zip = zip::ZipWriter::new(File::create(path).unwrap());
        for (name, body, mode) in entries {
            zip.start_file(*name, zip::write::SimpleFileOptions::default().unix_permissions(*mode)).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }

    #[test]
    fn unzip_keeps_exec_bits_and_nesting() {
        let tmp = tempfile::tempdir().unwrap();
        let z = tmp.path().join("a.zip");
        write_zip(&z, &[("run.sh", "#!/bin/sh\necho hi\n", 0o755), ("dir/data.txt", "x", 0o644)]);
        let dest = tmp.path().join("src");
        fs::create_dir(&dest).unwrap();
        assert_eq!(unzip(&z, &dest).unwrap(), 2);
        assert_eq!(fs::metadata(dest.join("run.sh")).unwrap().permissions().mode() & 0o777, 0o755);
        assert_eq!(fs::read_to_string(dest.join("dir/data.txt")).unwrap(), "x");
    }

    #[test]
    fn unzip_refuses_zip_slip_and_writes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        for bad in ["../evil.txt", "/abs/evil.txt", "ok/../../evil.txt"] {
            let z = tmp.path().join("bad.zip");
            write_zip(&z, &[("good.txt", "g", 0o644), (bad, "e", 0o644)]);
            let dest = tmp.path().join("src");
            fs::create_dir_all(&dest).unwrap();
            let err = unzip(&z, &dest).unwrap_err();
            assert!(err.contains("outside the source directory"), "{err}");
            assert!(!dest.join("good.txt").exists());
            assert!(!tmp.path().join("evil.txt").exists());
        }
    }

    #[test]
    fn artifacts_match_globs_under_the_base_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path();
        fs::create_dir_all(src.join("dist/sub")).unwrap();
        fs::write(src.join("dist/a.txt"), "a").unwrap();
        fs::write(src.join("dist/sub/b.txt"), "b").unwrap();
        fs::write(src.join("top.txt"), "t").unwrap();
        let out = src.join("out/art.zip");
        let spec =
            ArtifactsSpec { files: vec!["**/*".into()], base_directory: Some("dist".into()), discard_paths: false };
        assert_eq!(zip_artifacts(src, &spec, &out).unwrap(), 2);
        let names: Vec<String> = zip::ZipArchive::new(File::open(&out).unwrap())
            .unwrap()
            .file_names()
            .map(|n| n.unwrap().into_owned())
            .collect();
        assert_eq!(names.len(), 2);
        assert!(names.contains(&"sub/b.txt".to_string()));
        let spec = ArtifactsSpec { files: vec!["*.txt".into()], base_directory: None, discard_paths: false };
        assert_eq!(zip_artifacts(src, &spec, &out).unwrap(), 1, "* does not cross directories");
        let spec = ArtifactsSpec { files: vec!["dist/**/*".into()], base_directory: None, discard_paths: true };
        zip_artifacts(src, &spec, &out).unwrap();
        let mut names: Vec<String> = zip::ZipArchive::new(File::open(&out).unwrap())
            .unwrap()
            .file_names()
            .map(|n| n.unwrap().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["a.txt", "b.txt"]);
        let spec = ArtifactsSpec { files: vec!["*.jar".into()], base_directory: None, discard_paths: false };
        assert_eq!(zip_artifacts(src, &spec, &out).unwrap_err(), "no matching artifact paths found");
    }
}
