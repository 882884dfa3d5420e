//! Command-line interface (clap types only; dispatch lives in main.rs).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::sandbox::chaos::Chaos;
use crate::sandbox::realism::Realism;

#[derive(Debug, Parser)]
#[command(name = "pipewatch", version, about = "A terminal monitor for AWS CodePipeline")]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// Without a subcommand, pipewatch runs the monitor.
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub monitor: MonitorArgs,
}

/// The monitor (TUI): `pipewatch [--pipeline NAME] [--profile P] [--region R] ...`.
#[derive(Debug, Default, clap::Args)]
pub struct MonitorArgs {
    /// The pipeline to show first (default: the first one listed).
    #[arg(long, value_name = "NAME")]
    pub pipeline: Option<String>,
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Start the local sandbox in-process and watch its demo pipeline run.
    #[arg(long)]
    pub sandbox: bool,
    /// The workspace `p` pushes, also uploaded at start with --sandbox
    /// (default: the demo workspace with --sandbox, else the git root or current directory).
    #[arg(long, value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    /// Where tracing goes (default: $XDG_STATE_HOME/pipewatch/pipewatch.log).
    #[arg(long, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// Draw with ASCII only (default: when the locale is not UTF-8).
    #[arg(long)]
    pub ascii: bool,
    /// Send no mutating request: start, retry, stop, approve, transitions and push are off.
    #[arg(long)]
    pub read_only: bool,
    /// Log lines kept for the shown build (default: 100000, or `log_lines` in the config file).
    #[arg(long, value_name = "N")]
    pub log_lines: Option<usize>,
    /// Read settings from FILE (default: $XDG_CONFIG_HOME/pipewatch/config.toml, if it exists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a local AWS-compatible endpoint (CodePipeline, CodeBuild, Logs, S3, STS)
    /// that runs pipelines and buildspecs for real.
    Sandbox(SandboxArgs),
    /// Package the workspace, upload it to the pipeline's S3 source and follow the run.
    Push(PushArgs),
    /// Print every pipeline's latest status, or one pipeline's stages and actions.
    Status(StatusArgs),
    /// Print one line per stage and action status change until an execution ends.
    Watch(WatchArgs),
    /// Print a build's log as plain text, escape sequences removed.
    Logs(LogsArgs),
    /// Print a build's test reports and its failed tests.
    Tests(TestsArgs),
    /// Approve or reject a manual approval that is waiting.
    Approve(ApproveArgs),
    /// Print a shell completion script: `pipewatch completions bash > ~/.local/share/bash-completion/completions/pipewatch`.
    Completions(CompletionsArgs),
    /// Print the commented default config file, where pipewatch looks for it, or check it.
    Config(ConfigArgs),
}

/// `pipewatch config`: exits 0, or 2 when the file is bad (`--check`).
#[derive(Debug, Default, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["print_default", "path", "check"])))]
pub struct ConfigArgs {
    /// Print the default config file, every setting explained.
    #[arg(long)]
    pub print_default: bool,
    /// Print the config file's path (whether it exists or not).
    #[arg(long)]
    pub path: bool,
    /// Read the config file and report the first error with its line and column.
    #[arg(long)]
    pub check: bool,
    /// The config file (default: $XDG_CONFIG_HOME/pipewatch/config.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `pipewatch status`: exits 0, or 2 on usage or setup errors.
#[derive(Debug, Default, clap::Args)]
pub struct StatusArgs {
    /// Show this pipeline's stages and actions instead of the list of pipelines.
    #[arg(long, value_name = "NAME")]
    pub pipeline: Option<String>,
    /// Print one JSON object on stdout (fields in README, "Headless commands").
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `pipewatch watch`: exits 0 when the execution ends (with --exit-status: only
/// when it Succeeded, else 1), 2 on usage or setup errors.
#[derive(Debug, Default, clap::Args)]
pub struct WatchArgs {
    /// The pipeline to watch (default: the only pipeline in the region).
    #[arg(long, value_name = "NAME")]
    pub pipeline: Option<String>,
    /// The execution to watch (default: the pipeline's latest).
    #[arg(long, value_name = "ID")]
    pub execution: Option<String>,
    /// Exit 0 only when the execution Succeeded, 1 otherwise.
    #[arg(long)]
    pub exit_status: bool,
    /// Seconds between polls.
    #[arg(long, value_name = "SECS", default_value_t = 2.0)]
    pub interval: f64,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `pipewatch tests`: exits 0 when no test failed, 1 when some failed, 2 on
/// usage or setup errors.
#[derive(Debug, Default, clap::Args)]
pub struct TestsArgs {
    /// The CodeBuild build id (project:uuid).
    #[arg(value_name = "BUILD_ID")]
    pub build_id: String,
    /// Print one JSON object on stdout: the reports and the failed cases.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `pipewatch logs`: exits 0, 1 when reading the log fails midway, 2 on usage or setup errors.
#[derive(Debug, Default, clap::Args)]
pub struct LogsArgs {
    /// The CodeBuild build id (project:uuid).
    #[arg(value_name = "BUILD_ID", required_unless_present = "pipeline", conflicts_with = "pipeline")]
    pub build_id: Option<String>,
    /// Show the latest build of this pipeline instead.
    #[arg(long, value_name = "NAME")]
    pub pipeline: Option<String>,
    /// Keep printing until the build ends.
    #[arg(long, short = 'f')]
    pub follow: bool,
    /// Seconds between polls with --follow.
    #[arg(long, value_name = "SECS", default_value_t = 1.0)]
    pub interval: f64,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `pipewatch approve`: exits 0 when AWS accepted the answer, 1 when it
/// refused it or nothing waits, 2 on usage or setup errors.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("answer").required(true).args(["approve", "reject"])))]
pub struct ApproveArgs {
    /// The pipeline whose approval to answer.
    #[arg(long, value_name = "NAME")]
    pub pipeline: String,
    /// The approval's stage, when several wait.
    #[arg(long, value_name = "STAGE")]
    pub stage: Option<String>,
    /// The approval action's name, when several wait.
    #[arg(long, value_name = "ACTION")]
    pub action: Option<String>,
    /// Approve: the run goes on.
    #[arg(long)]
    pub approve: bool,
    /// Reject: the stage fails.
    #[arg(long)]
    pub reject: bool,
    /// Why (up to 512 characters; default: "Approved/Rejected with pipewatch approve").
    #[arg(long, value_name = "TEXT")]
    pub summary: Option<String>,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to generate for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `pipewatch push`: exits 0 on success (or Succeeded with --wait), 1 when the
/// run fails or stops or the upload fails, 2 on usage or setup errors.
#[derive(Debug, Default, clap::Args)]
pub struct PushArgs {
    /// The pipeline to push to (default: the only pipeline in the region).
    #[arg(long, value_name = "NAME")]
    pub pipeline: Option<String>,
    /// The S3 source action to push to, when the pipeline has several.
    #[arg(long, value_name = "ACTION")]
    pub source_action: Option<String>,
    /// The directory to pack (default: the git root of the current directory, else it).
    #[arg(long, value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    /// Pack and preflight only; upload nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Also write the package to FILE.
    #[arg(long, value_name = "FILE")]
    pub zip_out: Option<PathBuf>,
    /// Push despite buildspec preflight errors, and an unchanged package without asking.
    #[arg(long)]
    pub force: bool,
    /// Follow the run to its end; the exit code tells how it ended.
    #[arg(long)]
    pub wait: bool,
    /// Print one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Answer yes to every question.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Seconds to wait for the execution the upload starts.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub execution_timeout: u64,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Debug, clap::Args)]
pub struct SandboxArgs {
    /// Address to listen on. Loopback only unless --allow-remote.
    #[arg(long, default_value = "127.0.0.1:4599")]
    pub addr: SocketAddr,
    /// Listen on a non-loopback address. The sandbox runs commands from uploaded
    /// zips: anyone holding its credentials can run code as you.
    #[arg(long)]
    pub allow_remote: bool,
    /// Pipelines and projects in AWS's JSON shapes (default: the demo pipeline).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Keep uploads, builds and artifacts here (default: a temp dir removed on exit).
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Inject faults, e.g. throttle=0.3,latency=100ms-500ms,outage=30s@60s,error=0.05
    #[arg(long, value_name = "SPEC", value_parser = parse_chaos)]
    pub chaos: Option<Chaos>,
    /// Append one JSON line per request (time, service, operation, status, ms, error).
    #[arg(long, value_name = "FILE")]
    pub request_log: Option<PathBuf>,
    /// Kinder than AWS: no request-rate limits, and no log timing (lines
    /// readable at once, full pages, short PROVISIONING).
    #[arg(long)]
    pub lenient: bool,
    /// Tune AWS's harshness, e.g. ingest=0.5s-5s,partial=0.05,token-ttl=24h,provisioning=3s
    /// (the defaults). --lenient wins over the timing keys.
    #[arg(long, value_name = "SPEC", value_parser = parse_realism)]
    pub realism: Option<Realism>,
    /// IAM actions the caller lacks, answered AccessDenied as AWS does,
    /// e.g. s3:ListBucket,codebuild:BatchGetBuilds
    #[arg(long, value_name = "ACTIONS", value_parser = parse_deny)]
    pub deny: Option<crate::sandbox::limits::DenyList>,
    /// Request-rate overrides in requests per second (0: unlimited), e.g. GetLogEvents=25,codebuild:*=2
    #[arg(long, value_name = "SPEC", value_parser = parse_rates)]
    pub rates: Option<crate::sandbox::limits::RateOverrides>,
    /// How often S3 sources that poll (PollForSourceChanges absent or true) look for a new version.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = crate::sandbox::chaos::parse_duration)]
    pub poll_interval: std::time::Duration,
}

fn parse_realism(s: &str) -> Result<Realism, String> {
    s.parse()
}

fn parse_chaos(s: &str) -> Result<Chaos, String> {
    s.parse()
}

fn parse_deny(s: &str) -> Result<crate::sandbox::limits::DenyList, String> {
    s.parse()
}

fn parse_rates(s: &str) -> Result<crate::sandbox::limits::RateOverrides, String> {
    s.parse()
}

/// Where and as whom to talk to AWS; shared by the monitor and the headless commands.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct ConnectArgs {
    /// AWS profile (default: the default credential chain).
    #[arg(long, value_name = "P")]
    pub profile: Option<String>,
    /// AWS region (default: from the profile or AWS_REGION).
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// Send every request to this endpoint (AWS_ENDPOINT_URL is honoured too).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
}

impl ConnectArgs {
    pub fn options(&self) -> crate::aws::ConnectOptions {
        crate::aws::ConnectOptions {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            sdk_retries: false,
        }
    }
}
