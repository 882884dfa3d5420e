//! The fleet poller: one task for every place (profile × Region) of a fleet.
//! Each place has its own clients (its own credentials); requests go out one
//! at a time, paced (see `fleet_schedule`), so the whole fleet costs a fixed
//! budget however many pipelines it has. An expired login pauses only its
//! profile's rows until `resume` rebuilds that profile's clients.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use super::fleet_schedule::{Cadence, Heat, Schedule};
use crate::aws::{self, AwsClients, ConnectOptions};
use crate::model::fleet::{Latest, Place, RowKey};
use crate::model::health::{ApiFailure, FailureKind};
use crate::model::snapshot::Status;
use crate::msg::Msg;

enum Command {
    Visible(Vec<RowKey>),
    Resume(String),
}

pub struct FleetPoller {
    commands: UnboundedSender<Command>,
    task: JoinHandle<()>,
    /// Each place's clients once connected: the inbox reads and answers the
    /// fleet's approvals with them (see [`FleetPoller::connected`]).
    connected: Connected,
}

type Connected = Arc<std::sync::Mutex<BTreeMap<Place, Arc<AwsClients>>>>;

impl FleetPoller {
    /// Starts polling `places`; `base` gives the endpoint (profiles give the rest).
    /// A place given clients in `known` uses them instead of connecting with
    /// its profile (until `resume` asks for new ones).
    pub fn start(
        places: Vec<Place>,
        known: Vec<(Place, Arc<AwsClients>)>,
        base: ConnectOptions,
        cadence: Cadence,
        list_every: std::time::Duration,
        tx: UnboundedSender<Msg>,
    ) -> Self {
        let (commands, rx) = unbounded_channel();
        let mut places: BTreeMap<Place, Conn> = places.into_iter().map(|p| (p, Conn::default())).collect();
        let mut given = BTreeMap::new();
        for (place, clients) in known {
            if let Some(conn) = places.get_mut(&place) {
                conn.clients = Some(clients.clone());
                given.insert(place, clients);
            }
        }
        let connected = Connected::new(std::sync::Mutex::new(given));
        let state = State {
            connected: connected.clone(),
            places,
            base,
            schedule: Schedule::new(cadence),
            list_every,
            tx,
            started: Instant::now(),
            milestones: (false, false),
        };
        let task = tokio::spawn(state.run(rx));
        FleetPoller { commands, task, connected }
    }

    /// The places connected so far, with their clients.
    pub fn connected(&self) -> Vec<(Place, Arc<AwsClients>)> {
        let map = self.connected.lock().unwrap_or_else(|p| p.into_inner());
        map.iter().map(|(p, c)| (p.clone(), c.clone())).collect()
    }

    /// The rows on screen, asked about before the rest.
    pub fn set_visible(&self, keys: Vec<RowKey>) {
        let _ = self.commands.send(Command::Visible(keys));
    }

    /// `profile` logged in again: new clients, its rows polled again.
    pub fn resume(&self, profile: &str) {
        let _ = self.commands.send(Command::Resume(profile.to_string()));
    }
}

impl Drop for FleetPoller {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Default)]
struct Conn {
    clients: Option<Arc<AwsClients>>,
    /// When ListPipelines is due again (None: now).
    list_due: Option<Instant>,
    /// GetCallerIdentity answered for these clients.
    identified: bool,
}

struct State {
    places: BTreeMap<Place, Conn>,
    connected: Connected,
    base: ConnectOptions,
    schedule: Schedule,
    list_every: std::time::Duration,
    tx: UnboundedSender<Msg>,
    started: Instant,
    /// Logged once each (for scripts/bench_fleet.sh): every place listed, every row known.
    milestones: (bool, bool),
}

/// After a failed list or connect, try the place again this much later.
const PLACE_RETRY: std::time::Duration = std::time::Duration::from_secs(30);

impl State {
    async fn run(mut self, mut rx: UnboundedReceiver<Command>) {
        loop {
            while let Ok(cmd) = rx.try_recv() {
                self.command(cmd);
            }
            let now = Instant::now();
            let spent = if let Some(place) = self.place_due(now) {
                self.list(&place).await
            } else if let Some(key) = self.schedule.next_due(now) {
                self.fetch(&key).await
            } else {
                0
            };
            self.log_milestones();
            let wait = if spent > 0 {
                self.schedule.gap() * spent
            } else {
                let wake = [self.schedule.next_wake(), self.next_list()].into_iter().flatten().min();
                wake.map_or(std::time::Duration::from_secs(3600), |w| w.saturating_duration_since(now))
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                cmd = rx.recv(), if spent == 0 => match cmd {
                    Some(cmd) => self.command(cmd),
                    None => return,
                },
            }
        }
    }

    fn log_milestones(&mut self) {
        let ms = self.started.elapsed().as_millis() as u64;
        if !self.milestones.0 && self.places.values().all(|c| c.list_due.is_some()) {
            self.milestones.0 = true;
            tracing::info!(ms, rows = self.schedule.len(), "fleet: every place listed");
        }
        if self.milestones.0 && !self.milestones.1 && self.schedule.gap() == self.schedule.cadence.gap {
            self.milestones.1 = true;
            tracing::info!(ms, rows = self.schedule.len(), "fleet: every row's latest run known");
        }
    }

    fn command(&mut self, cmd: Command) {
        match cmd {
            Command::Visible(keys) => self.schedule.set_visible(keys),
            Command::Resume(profile) => {
                self.schedule.pause(&profile, false);
                // New clients read the credentials anew (an SSO cache, a credential_process).
                for (_, conn) in self.places.iter_mut().filter(|(p, _)| p.profile == profile) {
                    *conn = Conn::default();
                }
            }
        }
    }

    fn place_due(&self, now: Instant) -> Option<Place> {
        self.places
            .iter()
            .filter(|(p, _)| !self.schedule.is_paused(&p.profile))
            .find(|(_, c)| c.list_due.is_none_or(|d| d <= now))
            .map(|(p, _)| p.clone())
    }

    fn next_list(&self) -> Option<Instant> {
        self.places.iter().filter(|(p, _)| !self.schedule.is_paused(&p.profile)).filter_map(|(_, c)| c.list_due).min()
    }

    async fn clients(&mut self, place: &Place) -> Result<Arc<AwsClients>, String> {
        if let Some(c) = self.places.get(place).and_then(|c| c.clients.clone()) {
            return Ok(c);
        }
        let opts = ConnectOptions {
            profile: Some(place.profile.clone()),
            region: Some(place.region.clone()),
            endpoint_url: self.base.endpoint_url.clone(),
            sdk_retries: false,
        };
        let clients = Arc::new(aws::connect(&opts).await.map_err(|e| e.to_string())?);
        if let Some(conn) = self.places.get_mut(place) {
            conn.clients = Some(clients.clone());
        }
        self.connected.lock().unwrap_or_else(|p| p.into_inner()).insert(place.clone(), clients.clone());
        Ok(clients)
    }

    /// Lists the place's pipelines (all pages), and its account the first time.
    async fn list(&mut self, place: &Place) -> u32 {
        let clients = match self.clients(place).await {
            Ok(c) => c,
            Err(message) => {
                self.set_list_due(place, PLACE_RETRY);
                let failure =
                    ApiFailure { api: "connect".into(), kind: FailureKind::Auth, message, retry_in_secs: None };
                let _ = self.tx.send(Msg::FleetListed { place: place.clone(), result: Err(failure) });
                return 0;
            }
        };
        let mut spent = 0;
        if !self.places.get(place).is_some_and(|c| c.identified) {
            spent += 1;
            match clients.identity().await {
                Ok(account) => {
                    if let Some(conn) = self.places.get_mut(place) {
                        conn.identified = true;
                    }
                    let _ = self.tx.send(Msg::FleetAccount { place: place.clone(), account });
                }
                Err(f) if self.login_failure(place, &f) => return spent,
                Err(_) => {}
            }
        }
        let result = clients.list_pipelines().await;
        spent += 1;
        match &result {
            Ok(list) => {
                let names: Vec<String> = list.iter().map(|p| p.name.clone()).collect();
                self.schedule.listed(place, &names);
                self.set_list_due(place, self.list_every);
                let _ = self.tx.send(Msg::FleetListed { place: place.clone(), result: Ok(names) });
            }
            Err(f) if self.login_failure(place, f) => {}
            Err(f) => {
                self.set_list_due(place, PLACE_RETRY);
                let _ = self.tx.send(Msg::FleetListed { place: place.clone(), result: Err(f.clone()) });
            }
        }
        spent
    }

    fn set_list_due(&mut self, place: &Place, after: std::time::Duration) {
        if let Some(conn) = self.places.get_mut(place) {
            conn.list_due = Some(Instant::now() + after);
        }
    }

    /// An expired login pauses the whole profile and tells the model.
    fn login_failure(&mut self, place: &Place, f: &ApiFailure) -> bool {
        if f.kind != FailureKind::Expired {
            return false;
        }
        self.schedule.pause(&place.profile, true);
        let _ = self.tx.send(Msg::FleetLogin { profile: place.profile.clone(), message: f.message.clone() });
        true
    }

    async fn fetch(&mut self, key: &RowKey) -> u32 {
        let clients = match self.clients(&key.place).await {
            Ok(c) => c,
            Err(_) => {
                self.schedule.fetched(key, Instant::now(), Heat::Idle);
                return 0;
            }
        };
        let (result, spent) = clients.fleet_latest(&key.pipeline).await;
        let heat = match &result {
            Ok(Latest::Run { waiting_approval: true, .. }) => Heat::Waiting,
            Ok(Latest::Run { status: Status::InProgress, .. }) => Heat::Running,
            _ => Heat::Idle,
        };
        self.schedule.fetched(key, Instant::now(), heat);
        if let Err(f) = &result
            && self.login_failure(&key.place, f)
        {
            return spent;
        }
        let _ = self.tx.send(Msg::FleetLatest { key: key.clone(), result });
        spent
    }
}
