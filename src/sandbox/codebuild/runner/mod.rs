//! Runs one build: the phases in CodeBuild's order, each recorded on the build
//! record and logged to CloudWatch Logs as it happens.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use super::agent::Agent;
use super::exec::{self, Control, Exit, Halt, Shell};
use super::flow::{self, Ended, Step};
use super::logtarget::LogTarget;
use super::model::{Build, Context};
use crate::buildspec::{Buildspec, OnFailure, PhaseSpec};
use crate::sandbox::{Shared, lock};

mod reports;
mod steps;

/// Where the build's source comes from.
#[derive(Clone, Debug)]
pub enum SourceInput {
    /// A zip the build only reads (a pipeline artifact).
    Zip(PathBuf),
    /// The build's own copy of an S3 object; removed when the build ends.
    Snapshot(PathBuf),
    /// The source could not be found; DOWNLOAD_SOURCE fails with this message.
    Missing(String),
    /// NO_SOURCE projects: an empty source directory.
    Empty,
}

/// Everything the runner needs, fixed when the build starts.
pub struct Job {
    pub id: String,
    pub uuid: String,
    pub arn: String,
    pub number: u64,
    pub source: SourceInput,
    /// source.buildspec (or the override): inline YAML or a path.
    pub buildspec: Option<String>,
    /// Project variables then StartBuild overrides (later ones win).
    pub env: Vec<(String, String)>,
    pub artifact_zip: Option<PathBuf>,
    /// `<store dir>/<uuid>`: removed when the build ends.
    pub dir: PathBuf,
    pub timeout: Duration,
    pub control: Arc<Control>,
    pub source_version: String,
    pub initiator: String,
    pub image: String,
    pub log: LogTarget,
    pub start_ms: i64,
}

struct PhaseEnd {
    status: &'static str,
    context: Option<Context>,
    ended: Ended,
}

impl PhaseEnd {
    fn ok() -> Self {
        Self { status: "SUCCEEDED", context: None, ended: Ended::Succeeded }
    }
    fn failed(code: &str, message: String, on_failure: OnFailure) -> Self {
        Self {
            status: "FAILED",
            context: Some(Context { code: code.into(), message }),
            ended: Ended::Failed(on_failure),
        }
    }
    fn halted(h: Halt) -> Self {
        match h {
            Halt::Stopped => Self { status: "STOPPED", context: None, ended: Ended::Halted },
            Halt::TimedOut => Self {
                status: "TIMED_OUT",
                context: Some(Context { code: "BUILD_TIMED_OUT".into(), message: "Build has timed out. ".into() }),
                ended: Ended::Halted,
            },
        }
    }
}

struct Runner {
    shared: Arc<Shared>,
    job: Job,
    spec: Buildspec,
    shell: Shell,
    succeeding: bool,
    agent: Arc<Agent>,
}

pub async fn run(shared: Arc<Shared>, job: Job) {
    let control = job.control.clone();
    let timeout = job.timeout;
    let watchdog = tokio::spawn({
        let control = control.clone();
        async move {
            tokio::time::sleep(timeout).await;
            control.halt(Halt::TimedOut);
        }
    });
    let shell = Shell { state: job.dir.join("shell"), src: job.dir.join("src"), env: Vec::new() };
    let agent = Agent::start(shared.clone(), job.log.clone());
    let mut r = Runner { shared: shared.clone(), job, spec: Buildspec::default(), shell, succeeding: true, agent };
    r.phases().await;
    watchdog.abort();
    control.kill_all_groups();
    // The agent may still be shipping the last lines after the build is
    // closed, as on AWS; the S3 copy is written before.
    let lines = r.agent.finish();
    if let Some(s3) = &r.job.log.s3 {
        steps::write_s3_log(&shared, s3, &lines).await;
    }
    let status = match control.halted() {
        Some(Halt::Stopped) => "STOPPED",
        Some(Halt::TimedOut) => "TIMED_OUT",
        None if r.succeeding => "SUCCEEDED",
        None => "FAILED",
    };
    {
        let mut store = lock(&shared.builds);
        if let Some(b) = store.build_mut(&r.job.id) {
            b.close(status, Utc::now());
        }
        store.finished(&r.job.id);
    }
    shared.kick.notify_one();
}

impl Runner {
    async fn phases(&mut self) {
        self.log("Running on CodeBuild On-demand");
        self.log("Waiting for agent ping");
        self.update(|b| {
            let now = Utc::now();
            b.finish("SUCCEEDED", None, now);
            b.enter("PROVISIONING", now);
        });
        let halted = tokio::select! {
            _ = tokio::time::sleep(self.shared.realism.provisioning) => self.job.control.halted(),
            _ = self.job.control.wake.notified() => self.job.control.halted(),
        };
        // "The CloudWatch Logs stream is created during the PROVISIONING phase"
        // (CodeBuild API Reference, LogsLocation): the agent ships from now on.
        if self.job.log.cloudwatch {
            lock(&self.shared.logs)
                .region(&self.job.log.region)
                .create_stream(&self.job.log.group, &self.job.log.stream);
        }
        self.agent.stream_created();
        let mut step = Some(Step::DownloadSource);
        if let Some(h) = halted {
            self.end_phase("PROVISIONING", PhaseEnd::halted(h), false);
            step = Some(Step::Finalizing);
        } else {
            self.end_phase("PROVISIONING", PhaseEnd::ok(), false);
            self.log("Waiting for DOWNLOAD_SOURCE");
        }
        while let Some(s) = step {
            self.update(|b| b.enter(s.phase_type(), Utc::now()));
            let end = match s {
                Step::DownloadSource => self.download_source().await,
                Step::Install => self.commands(s, self.spec.install.clone()).await,
                Step::PreBuild => self.commands(s, self.spec.pre_build.clone()).await,
                Step::Build => self.commands(s, self.spec.build.clone()).await,
                Step::PostBuild => self.commands(s, self.spec.post_build.clone()).await,
                Step::UploadArtifacts => self.upload_artifacts().await,
                Step::Finalizing => self.finalize().await,
            };
            let end = match (self.job.control.halted(), end.ended) {
                (Some(h), Ended::Succeeded) if s != Step::Finalizing => PhaseEnd::halted(h),
                _ => end,
            };
            let ended = end.ended;
            self.end_phase(s.phase_type(), end, s != Step::Finalizing);
            step = flow::next(s, ended);
        }
    }

    /// Records the phase's end and logs it as CodeBuild does.
    fn end_phase(&mut self, phase: &str, end: PhaseEnd, log: bool) {
        if end.status != "SUCCEEDED" {
            self.succeeding = false;
        }
        if log {
            self.log(&format!("Phase complete: {phase} State: {}", end.status));
            let (code, msg) = end.context.as_ref().map(|c| (c.code.as_str(), c.message.as_str())).unwrap_or(("", ""));
            self.log(&format!("Phase context status code: {code} Message: {msg}"));
        }
        self.update(|b| b.finish(end.status, end.context, Utc::now()));
    }

    async fn commands(&mut self, step: Step, phase: PhaseSpec) -> PhaseEnd {
        self.log(&format!("Entering phase {}", step.phase_type()));
        let mut failure = None;
        for cmd in &phase.commands {
            match self.exec(cmd).await {
                Ok(()) => {}
                Err(Some(ctx)) => {
                    failure = Some(ctx);
                    break;
                }
                Err(None) => return self.halted(),
            }
        }
        // `finally` runs even after a failed command.
        for cmd in &phase.finally {
            match self.exec(cmd).await {
                Ok(()) => {}
                Err(Some(ctx)) => {
                    failure.get_or_insert(ctx);
                    break;
                }
                Err(None) => return self.halted(),
            }
        }
        match failure {
            Some(ctx) => PhaseEnd::failed(&ctx.code, ctx.message, phase.on_failure),
            None => PhaseEnd::ok(),
        }
    }

    fn halted(&self) -> PhaseEnd {
        PhaseEnd::halted(self.job.control.halted().unwrap_or(Halt::Stopped))
    }

    /// Runs one command; Err(None) when the build was halted.
    async fn exec(&mut self, cmd: &str) -> Result<(), Option<Context>> {
        self.log(&format!("Running command {cmd}"));
        let exit = exec::run(&self.shell, cmd, self.succeeding, &self.job.control, |line| self.append(line)).await;
        let reason = match exit {
            Exit::Code(0) => return Ok(()),
            Exit::Halted(_) => return Err(None),
            Exit::Code(n) => format!("exit status {n}"),
            Exit::SpawnFailed(e) => e,
        };
        self.log(&format!("Command did not exit successfully {cmd} {reason}"));
        self.succeeding = false;
        Err(Some(Context {
            code: "COMMAND_EXECUTION_ERROR".into(),
            message: format!("Error while executing command: {cmd}. Reason: {reason}"),
        }))
    }

    fn update(&self, f: impl FnOnce(&mut Build)) {
        if let Some(b) = lock(&self.shared.builds).build_mut(&self.job.id) {
            f(b);
        }
    }

    fn log(&self, line: &str) {
        let stamp = Utc::now().format("%Y/%m/%d %H:%M:%S%.6f");
        self.append(format!("[Container] {stamp} {line}"));
    }

    fn append(&self, line: String) {
        self.agent.print(Utc::now().timestamp_millis(), line);
    }
}
