//! `pipewatch sandbox`: a local server that speaks the AWS wire protocols of
//! CodePipeline, CodeBuild, CloudWatch Logs, S3 and STS, and runs pipelines and
//! buildspecs for real. It is a sibling of the app, not a layer under it: the app
//! reaches it only over HTTP through the real SDK clients.

pub mod accounts;
pub mod cbor;
pub mod chaos;
pub mod codebuild;
pub mod codepipeline;
pub mod config;
pub mod constraints;
mod declaration_checks;
pub mod generated;
pub mod http;
pub mod limits;
pub mod logs;
pub mod paging;
mod protocol;
pub mod realism;
pub mod recorder;
pub mod regions;
pub mod reqlog;
pub mod rpcv2;
pub mod s3;
mod server;
pub mod sigv4;
pub mod sts;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use color_eyre::eyre::{Result, WrapErr, bail};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

pub use sigv4::Credentials;

/// Under the state dir: each build's source tree and shell state (removed when
/// the build ends).
const BUILDS_DIR: &str = "builds";
/// Under the state dir: each pipeline execution's artifacts, one directory per
/// execution (kept for the newest executions, see `codepipeline::Store`).
pub const ARTIFACTS_DIR: &str = "artifacts";

/// The account id every sandbox reports; ARNs are built with it.
pub const ACCOUNT_ID: &str = "123456789012";

#[derive(Clone, Debug)]
pub struct Options {
    pub addr: SocketAddr,
    pub allow_remote: bool,
    pub config: Option<PathBuf>,
    pub state_dir: Option<PathBuf>,
    pub chaos: Option<chaos::Chaos>,
    pub request_log: Option<PathBuf>,
    /// Record every JSON service answer here (see `recorder`); tests only.
    pub record_responses: Option<PathBuf>,
    pub credentials: Credentials,
    /// AWS's harshness (log delays, partial pages, token expiry); see `realism`.
    pub realism: realism::Realism,
    /// Turns off what makes the sandbox as harsh as AWS: the timing parts of
    /// `realism` and the request-rate buckets (`--lenient`).
    pub lenient: bool,
    /// `--deny`: IAM actions the caller lacks.
    pub deny: limits::DenyList,
    /// `--rates`: request-rate overrides per operation.
    pub rates: limits::RateOverrides,
    /// How often polling S3 sources (PollForSourceChanges absent or true) look for a new version.
    pub poll_interval: Duration,
    /// `--generate-pipelines`: generated pipelines in the home account.
    pub generate: Option<generated::GenerateSpec>,
}

/// AWS does not publish how often CodePipeline polls a source; a minute keeps
/// a client from expecting a run at once.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(60);

impl Options {
    /// Loopback on an ephemeral port with random credentials: what tests and
    /// `pipewatch --sandbox` use.
    pub fn ephemeral() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            allow_remote: false,
            config: None,
            state_dir: None,
            chaos: None,
            request_log: None,
            record_responses: None,
            credentials: random_credentials(),
            realism: realism::Realism::default(),
            lenient: false,
            deny: Default::default(),
            rates: Default::default(),
            poll_interval: DEFAULT_POLL_INTERVAL,
            generate: None,
        }
    }
}

pub fn random_credentials() -> Credentials {
    let id = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
    let secret = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    Credentials { access_key_id: format!("AKIASBX{}", &id[..13]), secret_access_key: secret }
}

/// State every service handler and the engine share. Each store has its own
/// lock; when two are needed the order is pipelines, builds, logs, s3.
pub struct Shared {
    pub credentials: Credentials,
    /// Every key the sandbox accepts and its account.
    pub accounts: accounts::Accounts,
    /// Generated pipelines per account and Region; locked alone.
    pub generated: Mutex<generated::Store>,
    pub state_dir: PathBuf,
    pub started: Instant,
    pub chaos: Option<chaos::Chaos>,
    pub request_log: Option<reqlog::RequestLog>,
    pub recorder: Option<recorder::ResponseRecorder>,
    pub limits: limits::Limits,
    /// What the sandbox runs with (lenient already applied).
    pub realism: realism::Realism,
    pub s3: Mutex<s3::Store>,
    /// Per Region, as CloudWatch Logs keeps them.
    pub logs: Mutex<regions::Regions<logs::Store>>,
    pub builds: Mutex<codebuild::Store>,
    pub pipelines: Mutex<codepipeline::Store>,
    /// Wakes the pipeline engine when something it waits for has changed.
    pub kick: Notify,
}

/// Locks a mutex of the sandbox (a store, a build's control); a panic in
/// another handler must not take the sandbox down, so a poisoned lock is used
/// as is. The one way the sandbox locks.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    /// Called by S3 after a new object version is stored: CodePipeline's
    /// EventBridge rule, in effect.
    pub fn object_created(&self, bucket: &str, key: &str, version_id: &str) {
        lock(&self.pipelines).object_created(bucket, key, version_id);
        self.kick.notify_one();
    }
}

/// A running sandbox. Dropping it stops the server, the engine and any build.
pub struct Sandbox {
    pub addr: SocketAddr,
    pub shared: Arc<Shared>,
    tasks: Vec<tokio::task::AbortHandle>,
    /// Cancelled on drop: the server stops accepting and every connection ends.
    shutdown: CancellationToken,
    _temp: Option<tempfile::TempDir>,
}

impl Sandbox {
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn credentials(&self) -> &Credentials {
        &self.shared.credentials
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shutdown.cancel();
        for t in &self.tasks {
            t.abort();
        }
        lock(&self.shared.builds).kill_all();
    }
}

pub async fn start(opts: Options) -> Result<Sandbox> {
    if !opts.addr.ip().is_loopback() && !opts.allow_remote {
        bail!(
            "refusing to listen on {}: the sandbox runs commands from uploaded zips; use a loopback address or pass --allow-remote",
            opts.addr
        );
    }
    let mut cfg = match &opts.config {
        Some(path) => config::SandboxConfig::load(path)?,
        None => config::SandboxConfig::demo()?,
    };
    cfg.generate.extend(opts.generate.clone());
    let started = Instant::now();
    let (state_dir, temp) = match &opts.state_dir {
        Some(dir) => (dir.clone(), None),
        None => {
            let t = tempfile::Builder::new().prefix("pipewatch-sandbox-").tempdir()?;
            (t.path().to_path_buf(), Some(t))
        }
    };
    prepare_state_dir(&state_dir)?;
    let request_log = match &opts.request_log {
        Some(path) => Some(reqlog::RequestLog::open(path)?),
        None => None,
    };
    let recorder = match &opts.record_responses {
        Some(path) => Some(recorder::ResponseRecorder::open(path)?),
        None => None,
    };
    let realism = if opts.lenient { opts.realism.lenient() } else { opts.realism.clone() };
    let mut s3 = s3::Store::new(state_dir.join("s3"))?;
    for (bucket, versioned) in cfg.buckets() {
        s3.ensure_bucket(&bucket, versioned);
    }
    let shared = Arc::new(Shared {
        credentials: opts.credentials.clone(),
        accounts: accounts::Accounts::new(opts.credentials.clone(), cfg.accounts.clone(), started),
        generated: Mutex::new(generated::Store::new(&cfg.generate, chrono::Utc::now())),
        state_dir: state_dir.clone(),
        started,
        chaos: opts.chaos.clone(),
        request_log,
        recorder,
        limits: limits::Limits::new(&opts),
        s3: Mutex::new(s3),
        logs: Mutex::new(regions::Regions::new({
            let realism = realism.clone();
            move |region| logs::Store::new(&realism).in_region(region)
        })),
        realism,
        builds: Mutex::new(codebuild::Store::new(cfg.projects.clone(), state_dir.join(BUILDS_DIR))),
        pipelines: Mutex::new(codepipeline::Store::new(&cfg, opts.poll_interval)),
        kick: Notify::new(),
    });
    let listener =
        tokio::net::TcpListener::bind(opts.addr).await.wrap_err_with(|| format!("cannot listen on {}", opts.addr))?;
    let addr = listener.local_addr()?;
    codepipeline::engine::prepare(&shared);
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(server::serve(listener, shared.clone(), shutdown.clone()));
    let engine = tokio::spawn(codepipeline::engine::run(shared.clone()));
    let tasks = vec![server.abort_handle(), engine.abort_handle()];
    Ok(Sandbox { addr, shared, tasks, shutdown, _temp: temp })
}

fn prepare_state_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).wrap_err_with(|| format!("cannot create state dir {}", dir.display()))?;
    // Uploaded code lives here: keep other local users out.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    // A long-lived --state-dir must not grow with every restart. The build
    // and pipeline records live in memory only, so whatever an earlier run
    // left here (a build's source tree after a crash, execution artifacts)
    // belongs to nothing: clear it, as the S3 store clears its bodies.
    for leftover in [BUILDS_DIR, ARTIFACTS_DIR] {
        let path = dir.join(leftover);
        if path.exists() {
            std::fs::remove_dir_all(&path).wrap_err_with(|| format!("cannot clear {}", path.display()))?;
        }
    }
    Ok(())
}
