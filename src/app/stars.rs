//! The starred pipelines' file, `$XDG_STATE_HOME/pipewatch/starred` (next to
//! the log): read once at start, written whole on each `*`. A missing or
//! unreadable file is no stars; a failed write is logged, never fatal.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::model::alerts::parse_stars;
use crate::model::inbox::Target;

pub fn default_path() -> PathBuf {
    crate::app::logfile::default_path().with_file_name("starred")
}

pub fn load(path: &Path) -> BTreeSet<Target> {
    std::fs::read_to_string(path).map(|text| parse_stars(&text)).unwrap_or_default()
}

/// Writes `text` through a temp file and a rename, so a crash leaves the old file.
pub fn save(path: &Path, text: &str) {
    let result = (|| {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    })();
    match result {
        Ok(()) => tracing::info!(path = %path.display(), "saved the starred pipelines"),
        Err(e) => tracing::warn!(path = %path.display(), error = %e, "could not save the starred pipelines"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_saved_are_loaded_back_and_a_missing_file_is_none() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("state/pipewatch/starred");
        assert!(load(&path).is_empty());
        save(&path, "prod\teu-west-1\tpayments\n");
        let want = Target { profile: Some("prod".into()), region: "eu-west-1".into(), pipeline: "payments".into() };
        assert_eq!(load(&path).into_iter().collect::<Vec<_>>(), [want]);
    }
}
