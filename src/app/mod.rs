//! The running app: terminal guard, event loop, and the driver that turns
//! effects into worker calls.

mod control;
mod event_loop;
pub mod logfile;
pub mod osc;
mod push;
mod start;
mod suspend;
mod switch;
pub mod terminal;

pub use control::ControlDriver;
pub use event_loop::{Driver, run_loop};
pub use push::PushDriver;
pub use start::Running;
pub use start::run_monitor;
