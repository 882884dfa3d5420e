use std::io::Read;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use super::*;

fn write(root: &Path, rel: &str, body: &str) {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, body).unwrap();
}

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, body) in files {
        write(dir.path(), rel, body);
    }
    dir
}

fn pack(dir: &Path) -> Result<Package> {
    pack_workspace(&PackOptions { workspace: Some(dir.to_path_buf()), temp_dir: None })
}

/// (name, unix mode, content) of every entry, in zip order.
fn read_zip(path: &Path) -> Vec<(String, u32, String)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut body = String::new();
            f.read_to_string(&mut body).unwrap();
            (f.name().unwrap().to_string(), f.unix_mode().unwrap_or(0), body)
        })
        .collect()
}

#[test]
fn ignore_files_are_honoured_and_git_is_never_packed() {
    let dir = tree(&[
        (".gitignore", "build/\n*.log\n"),
        (".ignore", "scratch.txt\n"),
        (".pipewatchignore", "data/\n"),
        (".git/config", "[core]\n"),
        ("src/main.py", "print(1)\n"),
        ("src/.gitignore", "local.cfg\n"),
        ("src/local.cfg", "x\n"),
        ("build/out.bin", "x\n"),
        ("run.log", "x\n"),
        ("scratch.txt", "x\n"),
        ("data/big.csv", "x\n"),
        ("buildspec.yml", "version: 0.2\n"),
    ]);
    let p = pack(dir.path()).unwrap();
    assert_eq!(
        p.entries,
        [".gitignore", ".ignore", ".pipewatchignore", "buildspec.yml", "src/.gitignore", "src/main.py"]
    );
    let names: Vec<String> = read_zip(p.path()).into_iter().map(|e| e.0).collect();
    assert_eq!(names, p.entries);
}

#[test]
fn secrets_are_excluded_and_listed_unless_reincluded() {
    let dir = tree(&[
        (".env", "A=1\n"),
        (".env.example", "A=\n"),
        ("certs/server.pem", "x\n"),
        ("tls.key", "x\n"),
        ("id_rsa", "x\n"),
        ("keys/id_ed25519.pub", "x\n"),
        (".aws/config", "x\n"),
        ("conf/db-credentials.json", "x\n"),
        ("app.py", "x\n"),
        (".pipewatchignore", "!.env.example\n!certs/server.pem\n"),
    ]);
    let p = pack(dir.path()).unwrap();
    assert_eq!(p.entries, [".env.example", ".pipewatchignore", "app.py", "certs/server.pem"]);
    assert_eq!(
        p.excluded_secrets,
        [".aws/config", ".env", "conf/db-credentials.json", "id_rsa", "keys/id_ed25519.pub", "tls.key"]
    );
}

#[test]
fn a_symlink_inside_is_stored_as_its_target_content() {
    let dir = tree(&[("real/data.txt", "payload\n"), ("buildspec.yml", "version: 0.2\n")]);
    symlink("real/data.txt", dir.path().join("link.txt")).unwrap();
    symlink("real", dir.path().join("linked-dir")).unwrap();
    let p = pack(dir.path()).unwrap();
    let entries = read_zip(p.path());
    let link = entries.iter().find(|e| e.0 == "link.txt").expect("link packed");
    assert_eq!(link.2, "payload\n");
    assert!(entries.iter().any(|e| e.0 == "linked-dir/data.txt" && e.2 == "payload\n"), "{entries:?}");
}

#[test]
fn a_symlink_leaving_the_workspace_is_refused_by_name() {
    let outside = tree(&[("secret.txt", "x\n")]);
    let dir = tree(&[("ok.txt", "x\n")]);
    symlink(outside.path().join("secret.txt"), dir.path().join("sneaky")).unwrap();
    let err = format!("{:#}", pack(dir.path()).unwrap_err());
    assert!(err.contains("symlink sneaky points outside the workspace"), "{err}");
}

#[test]
fn the_same_tree_gives_byte_identical_zips() {
    let files = [("b.txt", "bee\n"), ("a/z.txt", "zed\n"), ("a/b.txt", "b\n"), ("c.sh", "#!/bin/sh\n")];
    let one = tree(&files);
    let mut reversed = files;
    reversed.reverse();
    let two = tree(&reversed);
    // A different mtime must not change the bytes.
    std::fs::File::open(two.path().join("b.txt"))
        .unwrap()
        .set_modified(std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000))
        .unwrap();
    let (p1, p2, p3) = (pack(one.path()).unwrap(), pack(two.path()).unwrap(), pack(one.path()).unwrap());
    assert_eq!(std::fs::read(p1.path()).unwrap(), std::fs::read(p2.path()).unwrap());
    assert_eq!(p1.sha256, p3.sha256);
    assert_eq!(p1.sha256, archive::sha256_of(p2.path()).unwrap());
    assert_eq!(p1.entries, ["a/b.txt", "a/z.txt", "b.txt", "c.sh"]);
}

#[test]
fn modes_are_normalised_keeping_the_exec_bit() {
    let dir = tree(&[("run.sh", "#!/bin/sh\n"), ("private.txt", "x\n"), ("plain.txt", "x\n")]);
    std::fs::set_permissions(dir.path().join("run.sh"), std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::set_permissions(dir.path().join("private.txt"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let p = pack(dir.path()).unwrap();
    let modes: Vec<(String, u32)> = read_zip(p.path()).into_iter().map(|e| (e.0, e.1 & 0o777)).collect();
    assert_eq!(modes, [("plain.txt".into(), 0o644), ("private.txt".into(), 0o644), ("run.sh".into(), 0o755)]);
}

#[test]
fn many_and_large_files_round_trip_in_order() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..700 {
        write(dir.path(), &format!("f/{i:04}.txt"), &format!("file {i}\n"));
    }
    let big = "0123456789abcdef".repeat(600_000);
    write(dir.path(), "f/0350-big.txt", &big);
    let p = pack(dir.path()).unwrap();
    let entries = read_zip(p.path());
    assert_eq!(entries.len(), 701);
    assert!(entries.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(entries[0].2, "file 0\n");
    let stored = entries.iter().find(|e| e.0 == "f/0350-big.txt").expect("big file");
    assert!(stored.2 == big, "the large file's content differs");
    assert_eq!(p.total_bytes, entries.iter().map(|e| e.2.len() as u64).sum::<u64>());
}

#[test]
fn an_empty_workspace_gives_an_empty_valid_zip() {
    let dir = tempfile::tempdir().unwrap();
    let p = pack(dir.path()).unwrap();
    assert!(p.entries.is_empty());
    assert!(read_zip(p.path()).is_empty());
    assert_eq!(p.zip_bytes, std::fs::metadata(p.path()).unwrap().len());
}

#[test]
fn an_unreadable_file_is_named() {
    let dir = tree(&[("ok.txt", "x\n"), ("locked.txt", "x\n")]);
    let locked = dir.path().join("locked.txt");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&locked).is_ok() {
        eprintln!("running as root: every file is readable; nothing to check");
        return;
    }
    let err = format!("{:#}", pack(dir.path()).unwrap_err());
    assert!(err.contains("cannot read locked.txt"), "{err}");
}

#[test]
fn the_temp_zip_is_removed_with_the_package() {
    let dir = tree(&[("a.txt", "x\n")]);
    let p = pack(dir.path()).unwrap();
    let path = p.path().to_path_buf();
    assert!(path.exists());
    drop(p);
    assert!(!path.exists());
}

#[test]
fn the_workspace_defaults_to_the_git_root() {
    let dir = tree(&[(".git/HEAD", "ref\n"), ("sub/deeper/x.txt", "x\n")]);
    assert_eq!(git_root(&dir.path().join("sub/deeper")), Some(dir.path().to_path_buf()));
    let plain = tempfile::tempdir().unwrap();
    assert_eq!(git_root(plain.path()).filter(|r| r.starts_with(plain.path())), None);
}

#[test]
fn the_revision_summary_is_short_ascii() {
    assert_eq!(summary::ascii_line("pushed by é: fix\tit", 200), "pushed by ?: fix?it");
    assert_eq!(summary::ascii_line(&"x".repeat(300), 120).len(), 120);
    let dir = tree(&[("a.txt", "x\n")]);
    let s = revision_summary(dir.path());
    assert!(s.starts_with("pushed by ") && s.contains('@'), "{s}");
}

#[test]
fn a_symlink_to_a_secret_is_a_secret() {
    let dir = tree(&[(".env", "TOKEN=1\n"), ("buildspec.yml", "version: 0.2\n")]);
    symlink(".env", dir.path().join("config.txt")).unwrap();
    let p = pack(dir.path()).unwrap();
    let names: Vec<String> = read_zip(p.path()).into_iter().map(|e| e.0).collect();
    assert_eq!(names, ["buildspec.yml"]);
    assert!(p.excluded_secrets.contains(&"config.txt".to_string()), "{:?}", p.excluded_secrets);
}
