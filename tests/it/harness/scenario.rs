//! One scenario API over the demo pipeline of a sandbox: upload a workspace,
//! find the execution it started, wait for a stage, approve. Every wait is
//! bounded and retries through errors, so a harsher sandbox (chaos,
//! throttling) slows a test down without failing it.

use std::time::Duration;

use aws_sdk_codebuild::types::Build;
use aws_sdk_codepipeline::types::{ApprovalResult, ApprovalStatus, PipelineExecutionSummary, StageState};
use aws_sdk_s3::primitives::ByteStream;
use pipewatch::aws::{self, AwsClients};

use super::{Env, eventually, zip_of};

pub const PIPELINE: &str = "mlops-demo";
pub const BUCKET: &str = "pipewatch-demo-source";
pub const KEY: &str = "workspace.zip";
/// How long a step of the pipeline may take before a test gives up.
pub const LONG: Duration = Duration::from_secs(60);

/// A buildspec running `commands` in the build phase, keeping every file as
/// the artifact.
pub fn buildspec(commands: &[&str]) -> String {
    let mut s = String::from("version: 0.2\nphases:\n  build:\n    commands:\n");
    for c in commands {
        s.push_str(&format!("      - {c}\n"));
    }
    s.push_str("artifacts:\n  files:\n    - '**/*'\n");
    s
}

/// A workspace on disk: `spec` where the demo project reads its buildspec
/// (model/), a file, and a secret that packing must leave out.
pub fn workspace(spec: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("model")).expect("model dir");
    std::fs::write(dir.path().join("model/buildspec.yml"), spec).expect("write buildspec");
    std::fs::write(dir.path().join("hello.txt"), "hello\n").expect("write file");
    std::fs::write(dir.path().join(".env"), "TOKEN=secret\n").expect("write secret");
    dir
}

impl Env {
    /// pipewatch's own clients, as the app builds them for an endpoint.
    pub async fn clients(&self) -> AwsClients {
        let c = self.sandbox.credentials();
        aws::for_endpoint(&self.sandbox.endpoint(), &c.access_key_id, &c.secret_access_key, "us-east-1").await
    }

    /// Uploads a workspace with `spec` as the pipeline's source; returns the
    /// object version.
    pub async fn upload(&self, spec: &str) -> String {
        self.upload_zip(zip_of(&[("model/buildspec.yml", spec), ("hello.txt", "hello\n")])).await
    }

    /// Uploads `zip` as the pipeline's source, retrying what the sandbox
    /// refuses; returns the object version.
    pub async fn upload_zip(&self, zip: Vec<u8>) -> String {
        let s3 = self.s3();
        eventually("the upload", LONG, || {
            let put = s3.put_object().bucket(BUCKET).key(KEY);
            let put = put.metadata("codepipeline-artifact-revision-summary", "pushed by test");
            let put = put.body(ByteStream::from(zip.clone()));
            async move { put.send().await.ok()?.version_id().map(str::to_string) }
        })
        .await
    }

    /// The execution whose source revision is `version`.
    pub async fn execution_for(&self, version: &str) -> String {
        eventually("an execution for the upload", LONG, || async {
            let out = self.codepipeline().list_pipeline_executions().pipeline_name(PIPELINE).send().await.ok()?;
            out.pipeline_execution_summaries()
                .iter()
                .find(|s| s.source_revisions().iter().any(|r| r.revision_id() == Some(version)))
                .and_then(|s| s.pipeline_execution_id().map(str::to_string))
        })
        .await
    }

    /// The status of execution `id` (GetPipelineExecution).
    pub async fn execution_status(&self, id: &str) -> String {
        let get = self.codepipeline().get_pipeline_execution().pipeline_name(PIPELINE).pipeline_execution_id(id);
        let out = get.send().await.expect("get execution");
        out.pipeline_execution().and_then(|e| e.status()).map(|s| s.as_str().to_string()).unwrap_or_default()
    }

    /// Waits until execution `id` has status `want`.
    pub async fn wait_status(&self, id: &str, want: &str) {
        eventually(&format!("execution {id} to be {want}"), LONG, || async {
            let get = self.codepipeline().get_pipeline_execution().pipeline_name(PIPELINE).pipeline_execution_id(id);
            let out = get.send().await.ok()?;
            (out.pipeline_execution()?.status()?.as_str() == want).then_some(())
        })
        .await
    }

    /// Waits until `stage` of execution `id` has status `want` in
    /// GetPipelineState; returns that stage's state.
    pub async fn wait_stage(&self, id: &str, stage: &str, want: &str) -> StageState {
        eventually(&format!("stage {stage} of {id} to be {want}"), LONG, || async {
            let st = self.stage_state(stage).await?;
            let latest = st.latest_execution()?;
            (latest.pipeline_execution_id() == id && latest.status().as_str() == want).then_some(st)
        })
        .await
    }

    /// The build id of execution `id`'s Build action, once it has started.
    pub async fn build_id(&self, id: &str) -> String {
        eventually("the build id", LONG, || async {
            let st = self.stage_state("Build").await?;
            if st.latest_execution()?.pipeline_execution_id() != id {
                return None;
            }
            st.action_states().first()?.latest_execution()?.external_execution_id().map(str::to_string)
        })
        .await
    }

    /// The token of execution `id`'s approval, once it waits.
    pub async fn approval_token(&self, id: &str) -> String {
        let st = self.wait_stage(id, "Approve", "InProgress").await;
        let latest = st.action_states()[0].latest_execution();
        latest.and_then(|l| l.token()).expect("a pending approval has a token").to_string()
    }

    /// Answers the approval with `token`; an error is the service's code.
    pub async fn approve(&self, token: &str, status: ApprovalStatus) -> Result<(), String> {
        let result = ApprovalResult::builder().summary("looks good").status(status).build().expect("result");
        let put = self.codepipeline().put_approval_result().pipeline_name(PIPELINE).stage_name("Approve");
        let put = put.action_name("Approve").token(token).result(result);
        put.send().await.map(|_| ()).map_err(|e| e.into_service_error().meta().code().unwrap_or("?").to_string())
    }

    /// Waits for execution `id`'s approval and approves it (for tests that
    /// need the run to go on).
    pub async fn approve_pending(&self, id: &str) {
        let token = self.approval_token(id).await;
        self.approve(&token, ApprovalStatus::Approved).await.expect("approve");
    }

    /// Execution `id` as ListPipelineExecutions lists it.
    pub async fn listed_execution(&self, id: &str) -> PipelineExecutionSummary {
        let listed = self.codepipeline().list_pipeline_executions().pipeline_name(PIPELINE).send().await;
        let listed = listed.expect("list executions");
        let ours = listed.pipeline_execution_summaries().iter().find(|e| e.pipeline_execution_id() == Some(id));
        ours.unwrap_or_else(|| panic!("execution {id} is listed")).clone()
    }

    /// Every message of finished `build`'s log stream, read through CloudWatch
    /// Logs as a client must (lines arrive late, pages may be cut short).
    pub async fn log_lines(&self, build: &Build) -> Vec<String> {
        super::complete_log(self, build).await
    }

    /// Build `id` as BatchGetBuilds returns it.
    pub async fn build(&self, id: &str) -> Build {
        let out = self.codebuild().batch_get_builds().ids(id).send().await.expect("batch get builds");
        out.builds().first().unwrap_or_else(|| panic!("build {id} is found")).clone()
    }

    async fn stage_state(&self, stage: &str) -> Option<StageState> {
        let state = self.codepipeline().get_pipeline_state().name(PIPELINE).send().await.ok()?;
        state.stage_states().iter().find(|s| s.stage_name() == Some(stage)).cloned()
    }
}
