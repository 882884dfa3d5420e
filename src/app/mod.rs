//! The running app: terminal guard, event loop, and the driver that turns
//! effects into worker calls.

mod driver;
mod event_loop;
mod fleet_start;
pub mod logfile;
pub mod osc;
pub mod stars;
mod start;
mod suspend;
mod switch;
pub mod terminal;

pub use driver::{Driver, Running};
pub use event_loop::run_loop;
pub use fleet_start::FleetSetup;
pub use start::run_monitor;
