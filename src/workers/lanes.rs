//! PARALLEL lanes for the pipeline poller: while more than one execution of a
//! PARALLEL pipeline is in progress, each one's actions (ListActionExecutions
//! filtered by its id) at the state's pace. Otherwise no request at all, so
//! the idle budget is unchanged.

use std::time::Duration;

use super::Ctx;
use super::pace::Backoff;
use crate::model::snapshot::ExecutionSummary;
use crate::model::v2::{Lane, wants_lanes};
use crate::msg::Msg;

pub(super) struct LaneWatch {
    /// Executions to draw a lane for (empty: no lanes).
    ids: Vec<String>,
    /// Lanes were sent and must be cleared once they are no longer wanted.
    shown: bool,
    backoff: Backoff,
}

impl LaneWatch {
    pub(super) fn new(ctx: &Ctx) -> Self {
        LaneWatch { ids: Vec::new(), shown: false, backoff: ctx.new_backoff() }
    }

    /// The newest ListPipelineExecutions answer decides which lanes to draw.
    pub(super) fn executions(&mut self, executions: &[ExecutionSummary]) {
        self.ids = wants_lanes(executions);
    }

    /// Fetches and sends the lanes (or clears them once); the backoff delay on failure.
    pub(super) async fn poll(&mut self, ctx: &Ctx, pipeline: &str) -> Option<Duration> {
        if self.ids.is_empty() {
            if self.shown {
                self.shown = false;
                ctx.send(Msg::Lanes { pipeline: pipeline.to_string(), result: Ok(Vec::new()) });
            }
            return None;
        }
        let mut lanes = Vec::new();
        // Oldest first: the order they were started in.
        for id in self.ids.iter().rev() {
            match ctx.clients.action_executions(pipeline, id).await {
                Ok(actions) => lanes.push(Lane { execution_id: id.clone(), actions }),
                Err(failure) => {
                    let (failure, delay) = ctx.failed(&mut self.backoff, failure);
                    ctx.send(Msg::Lanes { pipeline: pipeline.to_string(), result: Err(failure) });
                    return Some(delay);
                }
            }
        }
        ctx.succeeded(&mut self.backoff);
        self.shown = true;
        ctx.send(Msg::Lanes { pipeline: pipeline.to_string(), result: Ok(lanes) });
        None
    }
}
