//! Starting the monitor: clients (AWS or the in-process sandbox), workers,
//! the terminal, then the loop. Everything is torn down in reverse order.

use std::sync::Arc;

use chrono::Utc;
use color_eyre::eyre::{Result, eyre};

use crate::app::driver::Running;
use crate::app::event_loop::run_loop;
use crate::app::fleet_start::FleetSetup;
use crate::app::switch::{self, Switcher};
use crate::app::terminal::TerminalGuard;
use crate::aws::{self, AwsClients};
use crate::cli::MonitorArgs;
use crate::config::{Config, Theme};
use crate::model::fleet::Place;
use crate::model::{Connection, Model};

/// The sandbox's demo pipeline, shown first with `--sandbox`.
const DEMO_PIPELINE: &str = "mlops-demo";

pub async fn run_monitor(args: MonitorArgs) -> Result<()> {
    use std::io::IsTerminal;
    // A bad config file stops the app before anything starts.
    let config = settings(&args)?;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(eyre!("the monitor needs a terminal on stdin and stdout (for a server, see `pipewatch sandbox`)"));
    }
    let log_path = crate::app::logfile::init(args.log_file.clone())?;
    tracing::info!(log = %log_path.display(), sandbox = args.sandbox, "pipewatch starting");
    let (sandbox, clients) = if args.sandbox {
        let workspace = args.workspace.clone().unwrap_or_else(aws::default_workspace);
        let (sandbox, clients) = aws::start_sandbox_session(&workspace).await?;
        (Some(sandbox), clients)
    } else {
        let mut opts = args.connect.options();
        // A fleet starts on its first place (a switch moves to the others).
        if let Some(first) = fleet_start(&config, args.fleet.as_deref())? {
            opts.profile = Some(first.profile);
            opts.region = Some(first.region);
        }
        (None, aws::connect(&opts).await?)
    };
    let pipeline = args.pipeline.clone().or_else(|| sandbox.as_ref().map(|_| DEMO_PIPELINE.to_string()));
    // What `p` packs: --workspace, the demo workspace in the sandbox, else
    // the git root or current directory (resolved by pack).
    let workspace = args.workspace.clone().or_else(|| args.sandbox.then(aws::default_workspace));
    let started = Started { clients, opts: args.connect.options(), sandbox: args.sandbox, fleet: args.fleet.clone() };
    let result = monitor(config, started, pipeline, workspace).await;
    drop(sandbox);
    if let Err(e) = &result {
        tracing::error!(error = %e, "pipewatch failed");
    }
    result
}

/// The config file's settings, the command line's flags over them.
fn settings(args: &MonitorArgs) -> Result<Config> {
    let mut config = crate::config::load(args.config.as_deref())?;
    if let Some(n) = args.log_lines {
        config.log_capacity = n.max(1);
    }
    config.ascii = config.ascii || args.ascii || Config::ascii_from_env();
    config.read_only = config.read_only || args.read_only;
    config.theme.no_color = Theme::no_color_from_env();
    Ok(config)
}

/// The first connection and what it was built from.
struct Started {
    clients: AwsClients,
    opts: aws::ConnectOptions,
    sandbox: bool,
    /// `--fleet NAME`.
    fleet: Option<String>,
}

/// The fleet's first place, checking the fleet exists (a bad name stops the app before the terminal).
fn fleet_start(config: &Config, name: Option<&str>) -> Result<Option<Place>> {
    let Some(name) = name else { return Ok(None) };
    let members = crate::config::fleet_members(&config.fleets, name).map_err(|e| eyre!(e))?;
    Ok(members.first().and_then(|m| m.regions.first().map(|r| Place { profile: m.profile.clone(), region: r.clone() })))
}

async fn monitor(
    config: Config,
    started: Started,
    pipeline: Option<String>,
    workspace: Option<std::path::PathBuf>,
) -> Result<()> {
    let Started { clients, opts, sandbox, fleet } = started;
    let connection = Connection {
        account: None,
        region: clients.region.clone(),
        profile: clients.profile.clone(),
        endpoint: clients.endpoint.clone(),
    };
    let (main_tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let (tx, gate) = switch::gated(&main_tx);
    let mut running = Running::new(Arc::new(clients), tx, workspace, config.intervals);
    let fleet = match fleet {
        Some(name) => {
            let members = crate::config::fleet_members(&config.fleets, &name).map_err(|e| eyre!(e))?;
            let setup =
                FleetSetup { name, members, known: Vec::new(), base: opts.clone(), intervals: config.intervals };
            Some(running.start_fleet(setup, main_tx.clone()))
        }
        None => None,
    };
    running.switch = Some(Switcher::new(main_tx, opts, gate));
    let mut model = Model::new(config, connection, pipeline, Utc::now());
    model.fleet = fleet;
    model.sandbox = sandbox;
    model.alerts.starred = crate::app::stars::load(&crate::app::stars::default_path());
    model.profiles = if sandbox { Vec::new() } else { aws::profiles::profile_names() };
    let (guard, mut terminal) = TerminalGuard::enter()?;
    let size = terminal.size()?;
    model.size = (size.width, size.height);
    let result = run_loop(model, &mut running, rx, &mut terminal).await;
    drop(terminal);
    drop(guard);
    drop(running);
    result
}

#[cfg(test)]
mod settings_tests {
    use super::*;

    #[test]
    fn flags_given_win_over_the_file_and_the_file_over_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "log_lines = 7\nascii = true\n[intervals]\nlog = 3\n").expect("write");
        let args = |log_lines, read_only| MonitorArgs {
            config: Some(file.clone()),
            log_lines,
            read_only,
            ..MonitorArgs::default()
        };
        let from_file = settings(&args(None, false)).expect("valid file");
        assert_eq!(from_file.log_capacity, 7);
        assert!(from_file.ascii, "the file turns ASCII on; no flag turns it off");
        assert!(!from_file.read_only);
        assert_eq!(from_file.intervals.log, std::time::Duration::from_secs(3));
        let flags = settings(&args(Some(3), true)).expect("valid file");
        assert_eq!(flags.log_capacity, 3);
        assert!(flags.read_only);
        let no_file = MonitorArgs { config: Some(dir.path().join("missing.toml")), ..MonitorArgs::default() };
        assert!(settings(&no_file).is_err(), "a missing --config file is an error");
    }
}
