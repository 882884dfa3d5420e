//! Tracing goes to a file, never to the screen the TUI owns.

use std::fs::{File, OpenOptions};
use std::path::PathBuf;
use std::sync::Mutex;

use color_eyre::eyre::{Result, WrapErr};

/// `$XDG_STATE_HOME/pipewatch/pipewatch.log`, else `~/.local/state/...`,
/// else the temp dir.
pub fn default_path() -> PathBuf {
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir);
    state.join("pipewatch").join("pipewatch.log")
}

/// Sends tracing (level from PIPEWATCH_LOG, default info) to `path`, appending.
pub fn init(path: Option<PathBuf>) -> Result<PathBuf> {
    let path = path.unwrap_or_else(default_path);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).wrap_err_with(|| format!("creating {}", dir.display()))?;
    }
    let file: File = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .wrap_err_with(|| format!("opening log file {}", path.display()))?;
    let level = std::env::var("PIPEWATCH_LOG")
        .ok()
        .and_then(|l| l.parse::<tracing::Level>().ok())
        .unwrap_or(tracing::Level::INFO);
    // A second init (tests) keeps the first subscriber; that is fine.
    let _ = tracing_subscriber::fmt().with_writer(Mutex::new(file)).with_ansi(false).with_max_level(level).try_init();
    Ok(path)
}
