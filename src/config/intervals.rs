//! Poll intervals: how often each API is asked, set in the config file's
//! `[intervals]` and handed to the workers.

use std::time::Duration;

/// Poll intervals while the terminal is focused (×4 when it is not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Intervals {
    /// GetPipelineState while anything runs.
    pub state_active: Duration,
    /// GetPipelineState while nothing runs.
    pub state_idle: Duration,
    /// BatchGetBuilds while the watched build runs.
    pub build: Duration,
    /// GetLogEvents while the watched build runs and lines are arriving.
    pub log: Duration,
    /// GetLogEvents after a page came back empty (a quiet build).
    pub log_quiet: Duration,
    /// ListPipelines.
    pub pipelines: Duration,
    /// The latest execution of each visible list row.
    pub rows: Duration,
}

impl Default for Intervals {
    fn default() -> Self {
        Self {
            // The request budget while a build runs is 90/min: logs take up to
            // 60 of it, so the graph and the phases poll a little slower than
            // the log (user actions refresh at once anyway).
            state_active: Duration::from_secs(5),
            state_idle: Duration::from_secs(15),
            build: Duration::from_secs(4),
            log: Duration::from_secs(1),
            log_quiet: Duration::from_secs(2),
            pipelines: Duration::from_secs(300),
            rows: Duration::from_secs(30),
        }
    }
}
