//! The runner's non-command phases: DOWNLOAD_SOURCE (unpack, find and parse
//! the buildspec, set up the environment), UPLOAD_ARTIFACTS and FINALIZING.

use std::path::{Path, PathBuf};

use std::sync::Arc;

use super::{PhaseEnd, Runner, SourceInput};
use crate::buildspec::{self, OnFailure};
use crate::sandbox::Shared;
use crate::sandbox::codebuild::files;
use crate::sandbox::codebuild::logtarget::S3Log;

impl Runner {
    pub(super) async fn download_source(&mut self) -> PhaseEnd {
        let abort = OnFailure::Abort;
        self.log("Phase is DOWNLOAD_SOURCE");
        let src = self.shell.src.clone();
        let state = self.shell.state.clone();
        let source = self.job.source.clone();
        let unpacked = tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&src).map_err(|e| format!("cannot create the source directory: {e}"))?;
            std::fs::create_dir_all(&state).map_err(|e| format!("cannot create the shell state directory: {e}"))?;
            match source {
                SourceInput::Zip(zip) | SourceInput::Snapshot(zip) => files::unzip(&zip, &src).map(|_| ()),
                SourceInput::Missing(msg) => Err(msg),
                SourceInput::Empty => Ok(()),
            }
        })
        .await
        .unwrap_or_else(|e| Err(format!("source download failed: {e}")));
        if let Err(msg) = unpacked {
            return PhaseEnd::failed("CLIENT_ERROR", msg, abort);
        }
        let src_dir = self.shell.src.display().to_string();
        self.log(&format!("CODEBUILD_SRC_DIR={src_dir}"));
        let text = match self.buildspec_text() {
            Ok(t) => t,
            Err(msg) => return PhaseEnd::failed("YAML_FILE_ERROR", msg, abort),
        };
        self.spec = match buildspec::parse(&text) {
            Ok(s) => s,
            Err(msg) => return PhaseEnd::failed("YAML_FILE_ERROR", msg, abort),
        };
        self.log("Processing environment variables");
        for (name, version) in self.spec.runtime_versions.clone() {
            self.log(&format!(
                "Runtime version selection is not supported by the sandbox: ignoring '{name}' version '{version}'"
            ));
        }
        self.shell.env = self.environment();
        self.log(&format!("Moving to directory {src_dir}"));
        self.log("Registering with agent");
        let declared = self.spec.declared();
        self.log(&format!("Phases found in YAML: {}", declared.len()));
        for (phase, n) in declared {
            self.log(&format!(" {phase}: {n} commands"));
        }
        PhaseEnd::ok()
    }

    /// The buildspec's text: inline from the project, or a file in the source.
    fn buildspec_text(&mut self) -> Result<String, String> {
        let declared = self.job.buildspec.clone().filter(|s| !s.trim().is_empty());
        if let Some(text) = declared.as_deref().filter(|s| s.contains('\n') || s.contains("version:")) {
            self.log("YAML location is the project's inline buildspec");
            return Ok(text.to_string());
        }
        let rel = declared.unwrap_or_else(|| "buildspec.yml".into());
        let path = safe_join(&self.shell.src, &rel)
            .ok_or_else(|| format!("buildspec path '{rel}' is outside the source directory"))?;
        self.log(&format!("YAML location is {}", path.display()));
        match std::fs::read(&path) {
            Ok(bytes) => {
                String::from_utf8(bytes).map_err(|_| format!("{}: the buildspec is not valid UTF-8", path.display()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(format!("stat {}: no such file or directory", path.display()))
            }
            Err(e) => Err(format!("read {}: {e}", path.display())),
        }
    }

    /// Buildspec variables, then project and override variables, then
    /// CodeBuild's own: on a clash the later one wins.
    fn environment(&self) -> Vec<(String, String)> {
        let j = &self.job;
        let mut env = self.spec.variables.clone();
        env.extend(j.env.iter().cloned());
        let own = [
            ("CODEBUILD_BUILD_ID", j.id.clone()),
            ("CODEBUILD_BUILD_ARN", j.arn.clone()),
            ("CODEBUILD_BUILD_NUMBER", j.number.to_string()),
            ("CODEBUILD_SRC_DIR", self.shell.src.display().to_string()),
            ("CODEBUILD_SOURCE_VERSION", j.source_version.clone()),
            ("CODEBUILD_RESOLVED_SOURCE_VERSION", j.source_version.clone()),
            ("CODEBUILD_INITIATOR", j.initiator.clone()),
            ("CODEBUILD_BUILD_IMAGE", j.image.clone()),
            ("CODEBUILD_BUILD_SUCCEEDING", "1".into()),
            ("CODEBUILD_START_TIME", j.start_ms.to_string()),
            ("CODEBUILD_LOG_PATH", j.uuid.clone()),
            ("AWS_REGION", j.log.region.clone()),
            ("AWS_DEFAULT_REGION", j.log.region.clone()),
        ];
        env.extend(own.into_iter().map(|(k, v)| (k.to_string(), v)));
        env
    }

    pub(super) async fn upload_artifacts(&mut self) -> PhaseEnd {
        self.log("Entering phase UPLOAD_ARTIFACTS");
        self.upload_reports().await;
        let (Some(spec), Some(out)) = (self.spec.artifacts.clone(), self.job.artifact_zip.clone()) else {
            return PhaseEnd::ok();
        };
        let src = self.shell.src.clone();
        let zipped = tokio::task::spawn_blocking(move || files::zip_artifacts(&src, &spec, &out))
            .await
            .unwrap_or_else(|e| Err(format!("artifact upload failed: {e}")));
        match zipped {
            Ok(n) => {
                self.log(&format!("Expanding base directory path: {} files", n));
                PhaseEnd::ok()
            }
            Err(msg) => PhaseEnd::failed("CLIENT_ERROR", msg, OnFailure::Abort),
        }
    }

    /// Removes the build's files; leftover processes die first.
    pub(super) async fn finalize(&mut self) -> PhaseEnd {
        self.job.control.kill_all_groups();
        let dir = self.job.dir.clone();
        let snapshot = match &self.job.source {
            SourceInput::Snapshot(zip) => Some(zip.clone()),
            _ => None,
        };
        let _ = tokio::task::spawn_blocking(move || {
            let _ = std::fs::remove_dir_all(dir);
            snapshot.map(std::fs::remove_file)
        })
        .await;
        PhaseEnd::ok()
    }
}

/// Writes the build's log, gzipped, to the sandbox's S3 at the key AWS uses
/// (`<location>/<build uuid>.gz`). A failure is reported, not fatal: the
/// build's outcome does not depend on it.
pub(super) async fn write_s3_log(shared: &Arc<Shared>, s3: &S3Log, lines: &[String]) {
    use std::io::Write;
    let mut text = lines.join("\n");
    text.push('\n');
    let object = format!("s3://{}/{}", s3.bucket, s3.key);
    let (shared, s3) = (shared.clone(), s3.clone());
    let written = tokio::task::spawn_blocking(move || {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
        let bytes = gz.finish().map_err(|e| e.to_string())?;
        crate::sandbox::s3::put_bytes(&shared, &s3.bucket, &s3.key, &bytes, "application/gzip")
            .map_err(|e| format!("{}: {}", e.code, e.message))
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()));
    if let Err(e) = written {
        tracing::warn!("cannot write the S3 build log {object}: {e}");
    }
}

/// `base/rel` if `rel` stays inside `base`.
fn safe_join(base: &Path, rel: &str) -> Option<PathBuf> {
    let mut out = base.to_path_buf();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p => out.push(p),
        }
    }
    (!rel.starts_with('/')).then_some(out)
}
