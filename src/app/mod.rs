//! The running app: terminal guard, event loop, and the driver that turns
//! effects into worker calls.

mod event_loop;
pub mod logfile;
mod push;
mod start;
mod suspend;
mod switch;
pub mod terminal;

pub use event_loop::{Driver, run_loop};
pub use push::PushDriver;
pub use start::run_monitor;
