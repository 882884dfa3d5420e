//! Command-line interface (clap types only; dispatch lives in main.rs).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::sandbox::chaos::Chaos;

#[derive(Debug, Parser)]
#[command(name = "pipewatch", version, about = "A terminal monitor for AWS CodePipeline")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a local AWS-compatible endpoint (CodePipeline, CodeBuild, Logs, S3, STS)
    /// that runs pipelines and buildspecs for real.
    Sandbox(SandboxArgs),
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
    /// Append one JSON line per request (time, service, operation, status, ms).
    #[arg(long, value_name = "FILE")]
    pub request_log: Option<PathBuf>,
}

fn parse_chaos(s: &str) -> Result<Chaos, String> {
    s.parse()
}
