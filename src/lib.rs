//! pipewatch: a terminal monitor for AWS CodePipeline, and `pipewatch sandbox`,
//! a local AWS-compatible pipeline engine to try it and to test it against.

pub mod cli;
pub mod sandbox;
