//! Headless subcommands: the same aws/ and pack/ underneath, no TUI.

pub mod approve;
pub mod completions;
pub mod config;
mod dry_run;
pub mod fleet_status;
pub mod logs;
pub mod push;
pub mod retry;
pub mod status;
mod status_details;
pub mod tests;
pub mod watch;
