//! Headless subcommands: the same aws/ and pack/ underneath, no TUI.

pub mod push;
