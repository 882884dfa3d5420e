//! Stage conditions for the pipeline poller: ListRuleExecutions while a
//! condition is in progress (at the state's pace, which a waiting condition
//! slows), and once when a condition starts or ends. A pipeline whose
//! conditions do not change costs no request, so the idle budget is unchanged.

use std::time::Duration;

use super::Ctx;
use super::pace::Backoff;
use crate::model::conditions::{any_in_progress, fingerprint};
use crate::model::snapshot::PipelineSnapshot;
use crate::msg::Msg;

pub(super) struct RuleWatch {
    /// The conditions as last fetched for.
    fetched: Vec<(String, Option<String>, Vec<Option<String>>)>,
    /// Conditions as the newest state shows them.
    now: Vec<(String, Option<String>, Vec<Option<String>>)>,
    in_progress: bool,
    backoff: Backoff,
}

impl RuleWatch {
    pub(super) fn new(ctx: &Ctx) -> Self {
        RuleWatch { fetched: Vec::new(), now: Vec::new(), in_progress: false, backoff: ctx.new_backoff() }
    }

    /// The newest GetPipelineState answer decides whether to ask.
    pub(super) fn state(&mut self, state: &PipelineSnapshot) {
        self.now = fingerprint(state);
        self.in_progress = any_in_progress(state);
    }

    /// Wanted: a condition in progress, or one that changed since the last fetch.
    pub(super) fn wanted(&self) -> bool {
        self.in_progress || self.now != self.fetched
    }

    /// Fetches and sends the rule runs when wanted; the backoff delay on failure.
    pub(super) async fn poll(&mut self, ctx: &Ctx, pipeline: &str) -> Option<Duration> {
        if !self.wanted() {
            return None;
        }
        let result = ctx.clients.rule_runs(pipeline).await;
        let pipeline = pipeline.to_string();
        match result {
            Ok(runs) => {
                ctx.succeeded(&mut self.backoff);
                self.fetched = self.now.clone();
                ctx.send(Msg::RuleRuns { pipeline, result: Ok(runs) });
                None
            }
            Err(failure) => {
                let (failure, delay) = ctx.failed(&mut self.backoff, failure);
                ctx.send(Msg::RuleRuns { pipeline, result: Err(failure) });
                Some(delay)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::conditions::{any_in_progress, fingerprint};
    use crate::model::samples;
    use crate::model::snapshot::Status;

    fn with_condition(status: Option<&str>) -> crate::model::snapshot::PipelineSnapshot {
        let mut state = samples::pipeline(Status::Succeeded);
        state.stages[3].v2.conditions = vec![samples::entry_condition("R", status, None)];
        state
    }

    #[test]
    fn only_a_condition_that_runs_or_changed_is_worth_a_request() {
        // Never evaluated: nothing to fetch, and no request while idle.
        assert!(fingerprint(&with_condition(None)).is_empty());
        assert!(!any_in_progress(&with_condition(None)));
        assert!(any_in_progress(&with_condition(Some("InProgress"))));
        // An end changes the fingerprint once; the same end again does not.
        let waiting = fingerprint(&with_condition(Some("InProgress")));
        let failed = fingerprint(&with_condition(Some("Failed")));
        assert_ne!(waiting, failed);
        assert_eq!(failed, fingerprint(&with_condition(Some("Failed"))));
    }

    #[test]
    fn rules_in_progress_alone_are_polled_at_the_idle_pace() {
        use crate::workers::pollers::{Activity, activity};
        // "polled at the rule's pace, not every 5 s": a deployment window may
        // stay closed for hours, like a transition a person disabled.
        assert_eq!(activity(&with_condition(Some("InProgress"))), Activity::AwaitingPerson);
        assert_eq!(activity(&with_condition(Some("Failed"))), Activity::Idle);
    }
}
