//! Starting the monitor: clients (AWS or the in-process sandbox), workers,
//! the terminal, then the loop. Everything is torn down in reverse order.

use std::sync::Arc;

use chrono::Utc;
use color_eyre::eyre::{Result, eyre};

use crate::app::event_loop::{Driver, run_loop};
use crate::app::push::PushDriver;
use crate::app::terminal::TerminalGuard;
use crate::aws::{self, AwsClients};
use crate::cli::MonitorArgs;
use crate::config::Config;
use crate::model::{Connection, Model};
use crate::update::Effect;
use crate::workers::{Intervals, Workers};

/// The sandbox's demo pipeline, shown first with `--sandbox`.
const DEMO_PIPELINE: &str = "mlops-demo";

/// The monitor's driver: pollers for what is shown, and the push.
struct Running {
    workers: Workers,
    push: PushDriver,
}

impl Driver for Running {
    fn run(&mut self, effect: &Effect) {
        match effect {
            Effect::PlanPush { pipeline, source_action } => self.push.plan(pipeline, source_action.clone()),
            Effect::ExecutePush => self.push.execute(),
            Effect::CancelPush => self.push.cancel(),
            Effect::StartPushedRun { version_id } => self.push.start_run(version_id),
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
            Effect::PlanPush { .. } | Effect::ExecutePush | Effect::CancelPush | Effect::StartPushedRun { .. } => {}
            Effect::Quit => {}
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
    let config = Config {
        log_capacity: args.log_lines.max(1),
        ascii: args.ascii || Config::ascii_from_env(),
        read_only: args.read_only,
        ..Config::default()
    };
    // What `p` packs: --workspace, the demo workspace in the sandbox, else
    // the git root or current directory (resolved by pack).
    let workspace = args.workspace.clone().or_else(|| args.sandbox.then(aws::default_workspace));
    let result = monitor(config, clients, pipeline, workspace).await;
    drop(sandbox);
    if let Err(e) = &result {
        tracing::error!(error = %e, "pipewatch failed");
    }
    result
}

async fn monitor(
    config: Config,
    clients: AwsClients,
    pipeline: Option<String>,
    workspace: Option<std::path::PathBuf>,
) -> Result<()> {
    let connection = Connection {
        account: None,
        region: clients.region.clone(),
        profile: clients.profile.clone(),
        endpoint: clients.endpoint.clone(),
    };
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let clients = Arc::new(clients);
    let push = PushDriver::new(clients.clone(), tx.clone(), workspace);
    let mut workers = Workers::new(clients, tx, Intervals::default());
    workers.start();
    let mut running = Running { workers, push };
    let mut model = Model::new(config, connection, pipeline, Utc::now());
    let (guard, mut terminal) = TerminalGuard::enter()?;
    let size = terminal.size()?;
    model.size = (size.width, size.height);
    let result = run_loop(model, &mut running, rx, &mut terminal).await;
    drop(terminal);
    drop(guard);
    drop(running);
    result
}
