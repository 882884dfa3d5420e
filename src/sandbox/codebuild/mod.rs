//! CodeBuild: projects from the sandbox config, and builds that really run
//! their buildspec (bash in a temp dir) while the API reports their phases.

mod agent;
pub mod api;
pub mod batch;
mod exec;
mod files;
mod flow;
pub(crate) mod logtarget;
pub mod managed;
mod model;
pub mod projects;
mod reports;
mod runner;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};

use super::config::project_home;
use super::http::{ApiError, ApiResult, epoch_secs};
use super::{ACCOUNT_ID, Shared, lock};
use exec::{Control, Halt};
use logtarget::LogTarget;
use model::Build;
pub use runner::SourceInput;

/// What the pipeline engine asks for when a CodeBuild action starts.
#[derive(Clone, Debug)]
pub struct BuildRequest {
    pub project: String,
    /// The action's Region: the project is looked up there.
    pub region: String,
    /// The input artifact: a zip the build unpacks into its source directory.
    pub source_zip: PathBuf,
    /// Shown as sourceVersion / resolvedSourceVersion (e.g. the S3 version id).
    pub source_version: String,
    /// `codepipeline/<pipeline>` when started by a pipeline.
    pub initiator: String,
    /// Where the build's artifacts (artifacts.files) are zipped, if wanted.
    pub artifact_zip: Option<PathBuf>,
    /// Variables over the project's (the action's EnvironmentVariables).
    pub env: Vec<Value>,
}

/// A finished build, as the pipeline engine sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct BuildOutcome {
    /// SUCCEEDED, FAILED, FAULT, TIMED_OUT or STOPPED.
    pub status: String,
    /// The failing phase's context message, for the action's error details.
    pub message: Option<String>,
}

/// A build as StartBuild or the engine describe it, before it has an id.
struct Launch {
    project: String,
    region: String,
    source: SourceInput,
    source_version: Option<String>,
    initiator: String,
    artifact_zip: Option<PathBuf>,
    /// StartBuild's sourceTypeOverride / sourceLocationOverride / buildspecOverride.
    source_override: Vec<(&'static str, String)>,
    env_override: Vec<Value>,
    timeout_minutes: Option<u64>,
    /// A project CodePipeline manages (a Commands action's compute): used
    /// instead of a project of the account.
    managed: Option<Value>,
    /// Set for a build of a batch: its ARN, and the task's image / computeType.
    batch_arn: Option<String>,
    environment_override: Vec<(&'static str, String)>,
}

pub struct Store {
    /// Project objects as BatchGetProjects returns them.
    pub projects: Vec<Value>,
    /// Builds unpack their source under `<dir>/<uuid>`.
    pub dir: PathBuf,
    /// In start order.
    builds: Vec<Build>,
    numbers: HashMap<String, u64>,
    running: HashMap<String, Arc<Control>>,
    /// Test and coverage reports of every build, in creation order.
    reports: Vec<reports::Report>,
    /// Batch builds, in start order.
    batches: Vec<batch::BuildBatch>,
    /// Replaces every project's timeout (tests: a timeout in minutes is too slow).
    pub(crate) timeout_override: Option<Duration>,
}

/// A project as BatchGetProjects returns it: its `arn` (from its own, naming
/// another Region or account, or the sandbox's) and the members AWS fills in.
pub(crate) fn with_defaults(mut p: Value, now: &Value) -> Value {
    let name = p.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
    let (region, account) = project_home(&p);
    if let Some(obj) = p.as_object_mut() {
        obj.insert("arn".into(), json!(format!("arn:aws:codebuild:{region}:{account}:project/{name}")));
        obj.entry("created").or_insert(now.clone());
        obj.entry("lastModified").or_insert(now.clone());
        obj.entry("timeoutInMinutes").or_insert(json!(60));
        obj.entry("queuedTimeoutInMinutes").or_insert(json!(480));
        obj.entry("encryptionKey").or_insert(json!(format!("arn:aws:kms:{region}:{account}:alias/aws/s3")));
        obj.entry("logsConfig").or_insert(json!({
            "cloudWatchLogs": { "status": "ENABLED" },
            "s3Logs": { "status": "DISABLED", "encryptionDisabled": false }
        }));
        obj.entry("projectVisibility").or_insert(json!("PRIVATE"));
    }
    p
}

impl Store {
    pub fn new(projects: Vec<Value>, dir: PathBuf) -> Self {
        let now = epoch_secs(Utc::now());
        let projects = projects.into_iter().map(|p| with_defaults(p, &now)).collect();
        Self {
            projects,
            dir,
            builds: Vec::new(),
            numbers: HashMap::new(),
            running: HashMap::new(),
            reports: Vec::new(),
            batches: Vec::new(),
            timeout_override: None,
        }
    }

    /// A project of `region` by name or ARN.
    pub fn project(&self, region: &str, name: &str) -> Option<&Value> {
        self.projects.iter().filter(|p| project_home(p).0 == region).find(|p| {
            p.get("name").and_then(Value::as_str) == Some(name) || p.get("arn").and_then(Value::as_str) == Some(name)
        })
    }

    /// The projects of one Region, in config order.
    pub fn projects_in<'a>(&'a self, region: &'a str) -> impl Iterator<Item = &'a Value> {
        self.projects.iter().filter(move |p| project_home(p).0 == region)
    }

    /// Any build by id or ARN (the engine's view: it knows the ids it started).
    fn build(&self, id: &str) -> Option<&Build> {
        self.builds.iter().find(|b| b.id == id || b.arn == id)
    }

    /// A build of `region` by id or ARN: what a client signing for it may see
    /// (not CodePipeline's managed compute, which runs outside the account).
    fn build_in(&self, region: &str, id: &str) -> Option<&Build> {
        self.build(id).filter(|b| b.region == region && !managed::is_managed(&b.project))
    }

    /// A finished build's exported variables (empty while it runs).
    pub fn exported(&self, id: &str) -> Vec<(String, String)> {
        self.build(id).filter(|b| b.complete()).map(|b| b.exported.clone()).unwrap_or_default()
    }

    fn build_mut(&mut self, id: &str) -> Option<&mut Build> {
        self.builds.iter_mut().find(|b| b.id == id)
    }

    /// Called by the runner once the build is closed.
    fn finished(&mut self, id: &str) {
        self.running.remove(id);
    }

    /// None while the build runs (or if unknown).
    pub fn outcome(&self, id: &str) -> Option<BuildOutcome> {
        let b = self.build(id).filter(|b| b.complete())?;
        let message = if b.status == "SUCCEEDED" { None } else { b.failure().map(|(_, c)| c.message.clone()) };
        Some(BuildOutcome { status: b.status.clone(), message })
    }

    /// The failing phase of a finished build: (phase, status code, message),
    /// for error details in AWS's "Phase: BUILD, Code: ..., Message: ..." form.
    pub fn failure(&self, id: &str) -> Option<(String, String, String)> {
        let b = self.build(id).filter(|b| b.complete() && b.status != "SUCCEEDED")?;
        b.failure().map(|(p, c)| (p.to_string(), c.code.clone(), c.message.clone()))
    }

    /// Kills every running build's process group (sandbox shutdown).
    pub fn kill_all(&mut self) {
        for control in self.running.values() {
            control.halt(Halt::Stopped);
            control.kill_all_groups();
        }
    }
}

/// Starts a build; returns its id (`project:uuid`).
pub fn start_build(shared: &Arc<Shared>, req: BuildRequest) -> ApiResult<String> {
    launch(
        shared,
        Launch {
            project: req.project,
            region: req.region,
            source: SourceInput::Zip(req.source_zip),
            source_version: Some(req.source_version).filter(|v| !v.is_empty()),
            initiator: req.initiator,
            artifact_zip: req.artifact_zip,
            source_override: Vec::new(),
            env_override: req.env,
            timeout_minutes: None,
            managed: None,
            batch_arn: None,
            environment_override: Vec::new(),
        },
    )
    .map(|(id, _)| id)
}

/// Stops a running build (StopBuild, or a pipeline stop), or a batch's builds.
pub fn stop_build(shared: &Arc<Shared>, id: &str) {
    if lock(&shared.builds).batch(id).is_some() {
        return batch::stop_batch(shared, id);
    }
    let control = lock(&shared.builds).running.get(id).cloned();
    if let Some(c) = control {
        c.halt(Halt::Stopped);
    }
}

/// Queues a build and starts its runner; returns the id and the build as
/// StartBuild reports it (still QUEUED, whatever the runner does next).
fn launch(shared: &Arc<Shared>, l: Launch) -> ApiResult<(String, Value)> {
    let uuid = uuid::Uuid::new_v4().to_string();
    let now = Utc::now();
    let control = Arc::new(Control::default());
    let (job, queued) = {
        let mut store = lock(&shared.builds);
        let project = l.managed.clone().or_else(|| store.project(&l.region, &l.project).cloned()).ok_or_else(|| {
            ApiError::client(
                "ResourceNotFoundException",
                format!("Project cannot be found: arn:aws:codebuild:{}:{ACCOUNT_ID}:project/{}", l.region, l.project),
            )
        })?;
        let name = project.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        let (region, account) = project_home(&project);
        let number = {
            let n = store.numbers.entry(name.clone()).or_insert(0);
            *n += 1;
            *n
        };
        let id = format!("{name}:{uuid}");
        let arn = format!("arn:aws:codebuild:{region}:{account}:build/{id}");
        let mut source =
            project.get("source").filter(|s| s.is_object()).cloned().unwrap_or_else(|| json!({ "type": "NO_SOURCE" }));
        for (k, v) in &l.source_override {
            source[*k] = json!(v);
        }
        let mut environment =
            project.get("environment").filter(|e| e.is_object()).cloned().unwrap_or_else(|| json!({}));
        let vars = merge_variables(environment.get("environmentVariables"), &l.env_override);
        let env: Vec<(String, String)> = vars
            .iter()
            .filter_map(|v| Some((v.get("name")?.as_str()?.to_string(), v.get("value")?.as_str()?.to_string())))
            .collect();
        environment["environmentVariables"] = json!(vars);
        for (k, v) in &l.environment_override {
            environment[*k] = json!(v);
        }
        let timeout_minutes =
            l.timeout_minutes.or_else(|| project.get("timeoutInMinutes").and_then(Value::as_u64)).unwrap_or(60);
        let mut build = Build {
            id: id.clone(),
            arn: arn.clone(),
            number,
            project: name.clone(),
            region: region.clone(),
            account: account.clone(),
            start: now,
            end: None,
            status: "IN_PROGRESS".into(),
            phases: Vec::new(),
            source: source.clone(),
            source_version: l.source_version.clone(),
            initiator: l.initiator.clone(),
            environment: environment.clone(),
            service_role: project.get("serviceRole").and_then(Value::as_str).map(str::to_string),
            timeout_minutes,
            queued_timeout_minutes: project.get("queuedTimeoutInMinutes").and_then(Value::as_u64).unwrap_or(480),
            log: LogTarget::of_project(&project, &name, &uuid),
            report_arns: Vec::new(),
            exported: Vec::new(),
            batch_arn: l.batch_arn.clone(),
        };
        build.enter("SUBMITTED", now);
        build.finish("SUCCEEDED", None, now);
        build.enter("QUEUED", now);
        let log = build.log.clone();
        let queued = build.to_json();
        store.builds.push(build);
        store.running.insert(id.clone(), control.clone());
        let job = runner::Job {
            id,
            uuid: uuid.clone(),
            arn,
            number,
            source: l.source,
            buildspec: source.get("buildspec").and_then(Value::as_str).map(str::to_string),
            env,
            artifact_zip: l.artifact_zip,
            dir: store.dir.join(&uuid),
            timeout: store.timeout_override.unwrap_or(Duration::from_secs(timeout_minutes * 60)),
            control,
            source_version: l.source_version.unwrap_or_default(),
            initiator: l.initiator,
            image: environment.get("image").and_then(Value::as_str).unwrap_or("aws/codebuild/standard:7.0").to_string(),
            log,
            start_ms: now.timestamp_millis(),
        };
        (job, queued)
    };
    let id = job.id.clone();
    tokio::spawn(runner::run(shared.clone(), job));
    Ok((id, queued))
}

/// Project variables with StartBuild's overrides replacing same-named ones.
fn merge_variables(project: Option<&Value>, overrides: &[Value]) -> Vec<Value> {
    let mut vars: Vec<Value> = project.and_then(Value::as_array).cloned().unwrap_or_default();
    for o in overrides {
        let name = o.get("name").and_then(Value::as_str);
        vars.retain(|v| v.get("name").and_then(Value::as_str) != name);
        let mut o = o.clone();
        if o.get("type").is_none() {
            o["type"] = json!("PLAINTEXT");
        }
        vars.push(o);
    }
    vars
}

#[cfg(test)]
mod tests;
