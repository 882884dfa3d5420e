//! The driver: runs the effects `update` returns. One match over every
//! `Effect`: a new effect does not compile until it is handled here.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::app::osc;
use crate::app::switch::{Ready, Switcher};
use crate::aws::AwsClients;
use crate::config::Intervals;
use crate::msg::Msg;
use crate::update::Effect;
use crate::workers::{ControlDriver, FleetPoller, PushDriver, Workers};

/// Runs effects: the only bridge from the pure update to workers and AWS.
pub trait Driver {
    fn run(&mut self, effect: &Effect);
}

/// The monitor's driver: pollers for what is shown, the push, and control requests.
pub struct Running {
    workers: Workers,
    push: PushDriver,
    control: ControlDriver,
    /// Builds the connection `:profile`/`:region` ask for (none in tests).
    pub(super) switch: Option<Switcher>,
    /// `--fleet`: polls every place of the fleet (none otherwise).
    pub(super) fleet: Option<FleetPoller>,
    /// What `p` packs (kept for the push driver of a new connection).
    workspace: Option<PathBuf>,
    /// The region shown, for a switched-to profile that names none.
    region: String,
    intervals: Intervals,
    /// The pollers' backoff (base, cap), when not the workers' default.
    backoff: Option<(Duration, Duration)>,
}

impl Running {
    /// The drivers for one connection; starts the general workers (identity,
    /// pipeline list) at once. `tx` is the channel the app reads.
    pub fn new(
        clients: Arc<AwsClients>,
        tx: UnboundedSender<Msg>,
        workspace: Option<PathBuf>,
        intervals: Intervals,
    ) -> Self {
        Self::build(Ready { clients, tx }, workspace, intervals, None)
    }

    /// As `new`, with the pollers' backoff base and cap (tests shorten it).
    pub fn with_backoff(
        clients: Arc<AwsClients>,
        tx: UnboundedSender<Msg>,
        intervals: Intervals,
        base: Duration,
        cap: Duration,
    ) -> Self {
        Self::build(Ready { clients, tx }, None, intervals, Some((base, cap)))
    }

    fn build(
        ready: Ready,
        workspace: Option<PathBuf>,
        intervals: Intervals,
        backoff: Option<(Duration, Duration)>,
    ) -> Self {
        let region = ready.clients.region.clone();
        let (workers, push, control) = connect(ready, workspace.clone(), intervals, backoff);
        Running { workers, push, control, switch: None, fleet: None, workspace, region, intervals, backoff }
    }
}

/// Everything that talks to AWS, for one connection; starts the pollers.
fn connect(
    ready: Ready,
    workspace: Option<PathBuf>,
    intervals: Intervals,
    backoff: Option<(Duration, Duration)>,
) -> (Workers, PushDriver, ControlDriver) {
    let push = PushDriver::new(ready.clients.clone(), ready.tx.clone(), workspace);
    let control = ControlDriver::new(ready.clients.clone(), ready.tx.clone());
    let mut workers = Workers::new(ready.clients, ready.tx, intervals);
    if let Some((base, cap)) = backoff {
        workers = workers.with_backoff(base, cap);
    }
    workers.start();
    (workers, push, control)
}

impl Running {
    /// A fleet's other accounts answer through the fleet's own clients: the
    /// pool is rebuilt at each connection switch, so they are lent again
    /// before each use.
    fn lend_fleet_clients(&self) {
        if let Some(fleet) = &self.fleet {
            let pool = self.workers.pool();
            for (place, clients) in fleet.connected() {
                pool.add(Some(place.profile), place.region, clients);
            }
        }
    }
}

impl Driver for Running {
    fn run(&mut self, effect: &Effect) {
        let workers = &mut self.workers;
        match effect {
            Effect::WatchPipeline(name) => workers.watch_pipeline(name),
            Effect::WatchBuild(id) => workers.watch_build(id),
            Effect::WatchBatch(id) => workers.watch_batch(id.as_deref()),
            Effect::ActionLogEnded(arn) => workers.action_log_ended(arn),
            Effect::WatchRows(names) => workers.watch_rows(names.clone()),
            Effect::SetFocus(focused) => workers.set_focus(*focused),
            Effect::RefreshNow => workers.refresh_now(),
            Effect::FetchPastExecution { pipeline, execution_id } => {
                workers.fetch_past_execution(pipeline, execution_id)
            }
            Effect::FetchStageMedians { pipeline } => workers.fetch_stage_medians(pipeline),
            Effect::CancelHistory => workers.cancel_history(),
            Effect::FetchDetails { pipeline, execution_id, build_id } => {
                workers.fetch_details(pipeline, execution_id, build_id.as_deref())
            }
            Effect::HistoryOpen { pipeline, open } => workers.set_history_open(pipeline, *open),
            Effect::PlanPush { pipeline, source_action } => self.push.plan(pipeline, source_action.clone()),
            Effect::ExecutePush => self.push.execute(),
            Effect::CancelPush => self.push.cancel(),
            Effect::StartPushedRun { version_id } => self.push.start_run(version_id),
            Effect::Control(request) => self.control.send(request.clone()),
            Effect::ControlAt { target, request } => {
                self.lend_fleet_clients();
                self.control.send_at(&self.workers.pool(), target, request.clone())
            }
            Effect::FindRollbackTarget { pipeline, stage, current } => {
                self.control.find_rollback_target(pipeline, stage, current.clone())
            }
            Effect::WatchInbox(targets) => {
                self.lend_fleet_clients();
                self.workers.watch_inbox(targets.clone())
            }
            Effect::WatchStars(targets) => {
                self.lend_fleet_clients();
                self.workers.watch_stars(targets.clone())
            }
            Effect::Copy(text) => osc::copy(text),
            Effect::Notify(notification) => osc::notify(notification),
            Effect::SetTitle(title) => osc::set_title(title),
            Effect::SaveStars(text) => crate::app::stars::save(&crate::app::stars::default_path(), text),
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
                        connect(ready, self.workspace.clone(), self.intervals, self.backoff);
                }
            }
            Effect::FleetVisible(keys) => {
                if let Some(fleet) = &self.fleet {
                    fleet.set_visible(keys.clone());
                }
            }
            Effect::FleetResume(profile) => {
                if let Some(fleet) = &self.fleet {
                    fleet.resume(profile);
                }
            }
            // The loop's own: it owns the terminal (see `event_loop`).
            Effect::Quit | Effect::RunInTerminal(_) => {}
        }
    }
}
