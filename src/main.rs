// Tests may unwrap and panic; the code they test may not (Cargo.toml [lints]).
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

use clap::Parser;
use color_eyre::eyre::Result;
use pipewatch::cli::{Cli, Command, SandboxArgs};
use pipewatch::sandbox;

fn main() -> Result<()> {
    color_eyre::install()?;
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let result = match cli.command {
        Some(Command::Sandbox(args)) => runtime.block_on(run_sandbox(args)),
        Some(Command::Push(args)) => {
            let code = runtime.block_on(pipewatch::headless::push::run(args));
            drop(runtime);
            std::process::exit(code)
        }
        Some(Command::Status(args)) => {
            let code = runtime.block_on(pipewatch::headless::status::run(args));
            drop(runtime);
            std::process::exit(code)
        }
        Some(Command::Watch(args)) => {
            let code = runtime.block_on(pipewatch::headless::watch::run(args));
            drop(runtime);
            std::process::exit(code)
        }
        Some(Command::Logs(args)) => {
            let code = runtime.block_on(pipewatch::headless::logs::run(args));
            drop(runtime);
            std::process::exit(code)
        }
        Some(Command::Tests(args)) => {
            let code = runtime.block_on(pipewatch::headless::tests::run(args));
            drop(runtime);
            std::process::exit(code)
        }
        Some(Command::Approve(args)) => {
            let code = runtime.block_on(pipewatch::headless::approve::run(args));
            drop(runtime);
            std::process::exit(code)
        }
        Some(Command::Completions(args)) => std::process::exit(pipewatch::headless::completions::run(args.shell)),
        Some(Command::Config(args)) => std::process::exit(pipewatch::headless::config::run(&args)),
        None => runtime.block_on(pipewatch::app::run_monitor(cli.monitor)),
    };
    // Setup errors (no region, a port in use, a bad config file) are for a
    // user, not a developer: one line naming the fix, no backtrace.
    if let Err(e) = result {
        let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
        eprintln!("pipewatch: {}", chain.join(": "));
        std::process::exit(2);
    }
    Ok(())
}

async fn run_sandbox(args: SandboxArgs) -> Result<()> {
    let credentials = match (
        std::env::var("PIPEWATCH_SANDBOX_ACCESS_KEY_ID"),
        std::env::var("PIPEWATCH_SANDBOX_SECRET_ACCESS_KEY"),
    ) {
        (Ok(id), Ok(secret)) if !id.is_empty() && !secret.is_empty() => {
            sandbox::Credentials { access_key_id: id, secret_access_key: secret }
        }
        _ => sandbox::random_credentials(),
    };
    let opts = sandbox::Options {
        addr: args.addr,
        allow_remote: args.allow_remote,
        config: args.config,
        state_dir: args.state_dir,
        chaos: args.chaos,
        request_log: args.request_log,
        record_responses: None,
        credentials,
        deny: args.deny.unwrap_or_default(),
        rates: args.rates.unwrap_or_default(),
        poll_interval: args.poll_interval,
        realism: args.realism.unwrap_or_default(),
        lenient: args.lenient,
    };
    let sb = sandbox::start(opts).await?;
    let c = sb.credentials();
    println!("export AWS_ACCESS_KEY_ID={}", c.access_key_id);
    println!("export AWS_SECRET_ACCESS_KEY={}", c.secret_access_key);
    println!("export AWS_REGION=us-east-1");
    println!("export AWS_DEFAULT_REGION=us-east-1");
    println!("export AWS_ENDPOINT_URL={}", sb.endpoint());
    println!("listening on {}", sb.endpoint());
    wait_for_shutdown().await;
    drop(sb);
    Ok(())
}

async fn wait_for_shutdown() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).ok();
    let mut hup = signal(SignalKind::hangup()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = async { match term.as_mut() { Some(s) => { s.recv().await; } None => std::future::pending().await } } => {}
        _ = async { match hup.as_mut() { Some(s) => { s.recv().await; } None => std::future::pending().await } } => {}
    }
}
