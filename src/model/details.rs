//! The details view: why this run started and what it produced, fetched when
//! the view opens (GetPipelineExecution, ListActionExecutions, BatchGetBuilds
//! and the build's test reports), never polled.

use serde::Serialize;

use crate::model::tests_report::TestReport;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Details {
    pub execution_id: String,
    /// GetPipelineExecution `trigger`: type and detail.
    pub trigger: Option<String>,
    /// `artifactRevisions`: S3 version id or commit id, and its summary.
    pub revisions: Vec<Revision>,
    /// Pipeline variables resolved for this execution.
    pub variables: Vec<(String, String)>,
    /// Per action execution: output variables and resolved configuration.
    pub actions: Vec<ActionDetails>,
    pub build: Option<BuildDetails>,
    pub tests: Option<TestReport>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Revision {
    pub artifact: String,
    pub revision_id: Option<String>,
    pub summary: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ActionDetails {
    pub stage: String,
    pub action: String,
    pub namespace: Option<String>,
    pub output_variables: Vec<(String, String)>,
    pub configuration: Vec<(String, String)>,
    /// `executionResult.logStreamARN`: a Commands action's log.
    pub log_stream_arn: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BuildDetails {
    pub id: String,
    pub environment: Vec<EnvVar>,
    pub exported: Vec<(String, String)>,
    pub artifacts: Vec<Artifact>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EnvVar {
    pub name: String,
    /// PLAINTEXT: the value; PARAMETER_STORE / SECRETS_MANAGER: the
    /// reference (parameter name or secret id), never the secret.
    pub value: String,
    pub kind: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Artifact {
    /// "primary" or the secondary artifact's identifier.
    pub identifier: String,
    pub location: Option<String>,
    pub sha256: Option<String>,
}

impl EnvVar {
    /// What the view shows: the value, or what a secret refers to.
    pub fn shown(&self) -> String {
        match self.kind.as_str() {
            "PARAMETER_STORE" => format!("(parameter {})", self.value),
            "SECRETS_MANAGER" => format!("(secret {})", self.value),
            _ => self.value.clone(),
        }
    }
}

/// The view's state: open or not, what was fetched, where it is scrolled.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DetailsView {
    pub open: bool,
    pub loading: bool,
    pub data: Option<Details>,
    pub error: Option<String>,
    pub scroll: u16,
}
