//! Starting the monitor: clients (AWS or the in-process sandbox), workers,
//! the terminal, then the loop. Everything is torn down in reverse order.

use std::sync::Arc;

use chrono::Utc;
use color_eyre::eyre::{Result, eyre};

use crate::app::control::ControlDriver;
use crate::app::event_loop::{Driver, run_loop};
use crate::app::osc;
use crate::app::push::PushDriver;
use crate::app::switch::{self, Ready, Switcher};
use crate::app::terminal::TerminalGuard;
use crate::aws::{self, AwsClients};
use crate::cli::MonitorArgs;
use crate::config::Intervals;
use crate::config::{Config, Theme};
use crate::model::{Connection, Model};
use crate::msg::Msg;
use crate::update::Effect;
use crate::workers::Workers;
use tokio::sync::mpsc::UnboundedSender;

/// The sandbox's demo pipeline, shown first with `--sandbox`.
const DEMO_PIPELINE: &str = "mlops-demo";

/// The monitor's driver: pollers for what is shown, the push, and control requests.
pub struct Running {
    workers: Workers,
    push: PushDriver,
    control: ControlDriver,
    // command line
    /// Builds the connection `:profile`/`:region` ask for (none in tests).
    switch: Option<Switcher>,
    /// What `p` packs (kept for the push driver of a new connection).
    workspace: Option<std::path::PathBuf>,
    /// The region shown, for a switched-to profile that names none.
    region: String,
    intervals: Intervals,
}

impl Running {
    /// The drivers for one connection; starts the general workers (identity,
    /// pipeline list) at once. `tx` is the channel the app reads.
    pub fn new(
        clients: Arc<AwsClients>,
        tx: UnboundedSender<Msg>,
        workspace: Option<std::path::PathBuf>,
        intervals: Intervals,
    ) -> Self {
        let region = clients.region.clone();
        let (workers, push, control) = Self::connect(Ready { clients, tx }, workspace.clone(), intervals);
        Running { workers, push, control, switch: None, workspace, region, intervals }
    }

    /// Everything that talks to AWS, for one connection; starts the pollers.
    fn connect(
        ready: Ready,
        workspace: Option<std::path::PathBuf>,
        intervals: Intervals,
    ) -> (Workers, PushDriver, ControlDriver) {
        let push = PushDriver::new(ready.clients.clone(), ready.tx.clone(), workspace);
        let control = ControlDriver::new(ready.clients.clone(), ready.tx.clone());
        let mut workers = Workers::new(ready.clients, ready.tx, intervals);
        workers.start();
        (workers, push, control)
    }
}

impl Driver for Running {
    fn run(&mut self, effect: &Effect) {
        match effect {
            Effect::Control(request) => self.control.send(request.clone()),
            Effect::PlanPush { pipeline, source_action } => self.push.plan(pipeline, source_action.clone()),
            Effect::ExecutePush => self.push.execute(),
            Effect::CancelPush => self.push.cancel(),
            Effect::StartPushedRun { version_id } => self.push.start_run(version_id),
            Effect::Copy(_) | Effect::Notify(_) | Effect::SetTitle(_) => osc::run(effect),
            Effect::SwitchConnection { profile, region } => {
                if let Some(switch) = self.switch.as_mut() {
                    switch.start(profile.clone(), region.clone(), self.region.clone());
                }
            }
            Effect::UseConnection => {
                if let Some(ready) = self.switch.as_mut().and_then(Switcher::take_ready) {
                    self.region = ready.clients.region.clone();
                    // The old workers, push and control drivers are dropped (cancelled) here.
                    (self.workers, self.push, self.control) =
                        Self::connect(ready, self.workspace.clone(), self.intervals);
                }
            }
            other => self.workers.run(other),
        }
    }
}

/// The pollers alone (push effects need a `PushDriver`: see `Running`).
impl Driver for Workers {
    fn run(&mut self, effect: &Effect) {
        match effect {
            Effect::WatchPipeline(name) => self.watch_pipeline(name),
            Effect::WatchBuild(id) => self.watch_build(id),
            Effect::WatchRows(names) => self.watch_rows(names.clone()),
            Effect::SetFocus(focused) => self.set_focus(*focused),
            Effect::RefreshNow => self.refresh_now(),
            Effect::PlanPush { .. }
            | Effect::ExecutePush
            | Effect::CancelPush
            | Effect::StartPushedRun { .. }
            | Effect::Control(_) => {}
            Effect::Quit => {}
            // The terminal's own sequences are the `Running` driver's.
            Effect::Copy(_) | Effect::Notify(_) | Effect::SetTitle(_) => {}
            Effect::SwitchConnection { .. } | Effect::UseConnection | Effect::RunInTerminal(_) => {}
            // history
            Effect::FetchPastExecution { pipeline, execution_id } => self.fetch_past_execution(pipeline, execution_id),
            Effect::FetchStageMedians { pipeline } => self.fetch_stage_medians(pipeline),
            Effect::CancelHistory => self.cancel_history(),
            Effect::HistoryOpen { pipeline, open } => self.set_history_open(pipeline, *open),
        }
    }
}

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
        let opts = args.connect.options();
        (None, aws::connect(&opts).await?)
    };
    let pipeline = args.pipeline.clone().or_else(|| sandbox.as_ref().map(|_| DEMO_PIPELINE.to_string()));
    // What `p` packs: --workspace, the demo workspace in the sandbox, else
    // the git root or current directory (resolved by pack).
    let workspace = args.workspace.clone().or_else(|| args.sandbox.then(aws::default_workspace));
    let started = Started { clients, opts: args.connect.options(), sandbox: args.sandbox };
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
}

async fn monitor(
    config: Config,
    started: Started,
    pipeline: Option<String>,
    workspace: Option<std::path::PathBuf>,
) -> Result<()> {
    let Started { clients, opts, sandbox } = started;
    let connection = Connection {
        account: None,
        region: clients.region.clone(),
        profile: clients.profile.clone(),
        endpoint: clients.endpoint.clone(),
    };
    let (main_tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let (tx, gate) = switch::gated(&main_tx);
    let mut running = Running::new(Arc::new(clients), tx, workspace, config.intervals);
    running.switch = Some(Switcher::new(main_tx, opts, gate));
    let mut model = Model::new(config, connection, pipeline, Utc::now());
    model.sandbox = sandbox;
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

// The config file
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
