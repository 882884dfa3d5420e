//! pipewatch: a terminal monitor for AWS CodePipeline, and `pipewatch sandbox`,
//! a local AWS-compatible pipeline engine to try it and to test it against.

// Tests may unwrap and panic; the code they test may not (Cargo.toml [lints]).
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod app;
pub mod aws;
pub mod buildspec;
pub mod cli;
pub mod config;
pub mod follow;
pub mod headless;
pub mod keymap;
#[cfg(test)]
mod layering_tests;
pub mod layout;
pub mod model;
pub mod msg;
pub mod pack;
pub mod partition;
pub mod push;
pub mod sandbox;
pub mod sanitize;
pub mod ui;
pub mod update;
pub mod workers;
