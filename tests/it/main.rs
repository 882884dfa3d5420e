//! The one integration-test crate: every module here links the AWS SDK once.

// A test crate: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod aws_adapters;
mod aws_assets;
mod aws_history;
mod awscli;
mod awscli_define;
mod config_file;
mod conformance;
mod credentials;
mod cross_region;
mod demo_workspace;
mod harness;
mod headless_approve;
mod headless_cmds;
mod headless_retry;
mod logs_manage;
mod moto_compare;
mod pipeline_api;
mod pipeline_api_buckets;
mod pipeline_api_rules;
mod pipeline_errors;
mod protocols;
mod push;
mod push_preflight;
mod push_triggers;
mod push_upload;
mod readme;
mod s3_conformance;
mod sandbox_auth;
mod sandbox_cli;
mod sandbox_codebuild;
mod sandbox_limits;
mod sandbox_list_pages;
mod sandbox_logs;
mod sandbox_modes;
mod sandbox_paging;
mod sandbox_pipeline;
mod sandbox_realism;
mod sandbox_regions;
mod sandbox_s3;
mod sandbox_state;
mod sandbox_triggers;
mod screenshots;
mod soak;
mod tui_chaos;
mod tui_control;
mod tui_inbox;
mod tui_pty;
mod tui_push;
mod workers_tail;
