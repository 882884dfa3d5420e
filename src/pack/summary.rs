//! The short "pushed by USER@HOST: <git subject or dir>" line stored as the
//! object's revision summary, so the console and our execution list show who
//! pushed what.

use std::path::Path;
use std::process::Command;

/// S3 user metadata travels in HTTP headers: keep it short and ASCII.
const MAX_SUMMARY: usize = 120;

/// `$USER@hostname`, with "unknown" for either part that cannot be read.
pub fn user_at_host() -> String {
    let user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "unknown".into());
    let host = hostname().unwrap_or_else(|| "unknown".into());
    format!("{user}@{host}")
}

fn hostname() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most buf.len() bytes into buf.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return None;
    }
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    let name = String::from_utf8_lossy(&buf[..end]).trim().to_string();
    (!name.is_empty()).then_some(name)
}

/// The last commit's subject when the workspace is in a git repository.
fn git_subject(workspace: &Path) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(workspace).args(["log", "-1", "--format=%s"]).output().ok()?;
    let subject = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !subject.is_empty()).then_some(subject)
}

/// "pushed by USER@HOST: <git subject or workspace dir name>", ASCII, at most 120 chars.
pub fn revision_summary(workspace: &Path) -> String {
    let what = git_subject(workspace).unwrap_or_else(|| {
        workspace.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "workspace".into())
    });
    ascii_line(&format!("pushed by {}: {what}", user_at_host()), MAX_SUMMARY)
}

/// Printable ASCII only (other characters become '?'), cut at `max` chars.
pub fn ascii_line(s: &str, max: usize) -> String {
    s.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '?' }).take(max).collect()
}
