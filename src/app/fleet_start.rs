//! Starting a fleet on the driver: its model and the poller of its places.
//! `--fleet NAME` connects each place with its profile; a caller that built
//! clients itself (the screenshots example, on the sandbox's accounts) hands
//! them in, so no AWS config files are needed.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::app::driver::Running;
use crate::aws::{AwsClients, ConnectOptions};
use crate::config::{FleetMember, Intervals};
use crate::model::fleet::{Fleet, Place};
use crate::msg::Msg;
use crate::workers::FleetPoller;
use crate::workers::fleet_schedule::Cadence;

/// What a fleet starts from.
pub struct FleetSetup {
    pub name: String,
    pub members: Vec<FleetMember>,
    /// Clients already built for some places; the others connect with their
    /// profile over `base` (its endpoint).
    pub known: Vec<(Place, Arc<AwsClients>)>,
    pub base: ConnectOptions,
    pub intervals: Intervals,
}

impl Running {
    /// Starts polling the fleet's places (answers go to `tx`, the app's
    /// channel) and returns the fleet for the model (`Model::fleet`).
    pub fn start_fleet(&mut self, setup: FleetSetup, tx: UnboundedSender<Msg>) -> Fleet {
        let fleet = Fleet::new(&setup.name, setup.members);
        let places: Vec<Place> = fleet.places.keys().cloned().collect();
        let cadence = Cadence::from_intervals(&setup.intervals);
        self.fleet = Some(FleetPoller::start(places, setup.known, setup.base, cadence, setup.intervals.pipelines, tx));
        fleet
    }
}
