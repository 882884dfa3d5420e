//! The one integration-test crate: every module here links the AWS SDK once.

mod harness;
mod sandbox_auth;
mod sandbox_pipeline;
mod awscli;
