//! CodeBuild: projects, builds that really run buildspecs. STUB.

pub mod api;

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

use super::Shared;
use super::http::ApiResult;

/// What the pipeline engine asks for when a CodeBuild action starts.
#[derive(Clone, Debug)]
pub struct BuildRequest {
    pub project: String,
    /// The input artifact: a zip the build unpacks into its source directory.
    pub source_zip: PathBuf,
    /// Shown as sourceVersion / resolvedSourceVersion (e.g. the S3 version id).
    pub source_version: String,
    /// `codepipeline/<pipeline>` when started by a pipeline.
    pub initiator: String,
    /// Where the build's artifacts (artifacts.files) are zipped, if wanted.
    pub artifact_zip: Option<PathBuf>,
}

/// A finished build, as the pipeline engine sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct BuildOutcome {
    /// SUCCEEDED, FAILED, FAULT, TIMED_OUT or STOPPED.
    pub status: String,
    /// The failing phase's context message, for the action's error details.
    pub message: Option<String>,
}

pub struct Store {
    pub projects: Vec<Value>,
    pub dir: PathBuf,
}

impl Store {
    pub fn new(projects: Vec<Value>, dir: PathBuf) -> Self {
        Self { projects, dir }
    }
    /// None while the build runs (or if unknown).
    pub fn outcome(&self, _id: &str) -> Option<BuildOutcome> {
        None
    }
    /// Kills every running build's process group (sandbox shutdown).
    pub fn kill_all(&mut self) {}
}

/// Starts a build; returns its id (`project:uuid`).
pub fn start_build(_shared: &Arc<Shared>, _req: BuildRequest) -> ApiResult<String> {
    Err(super::http::ApiError::internal("not yet"))
}

/// Stops a running build (StopBuild, or a pipeline stop).
pub fn stop_build(_shared: &Arc<Shared>, _id: &str) {}
