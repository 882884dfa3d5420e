//! The approvals inbox's reads: one GetPipelineState per target (GetPipeline
//! only when a declaration changed), now and then again at a slow pace while
//! the inbox is open. A sweep of N targets comes at most every
//! `max(SWEEP_MIN, N × PER_TARGET)` (4× that unfocused), so the inbox costs
//! at most one request every `PER_TARGET` however many pipelines it covers.

use std::sync::Arc;
use std::time::Duration;

use super::Ctx;
use crate::aws::ClientPool;
use crate::model::health::FailureKind;
use crate::model::inbox::Target;
use crate::msg::{ApiFailure, Msg};

/// The shortest time between two sweeps.
pub const SWEEP_MIN: Duration = Duration::from_secs(30);
/// The sweep interval grows with the targets: this much per target.
pub const PER_TARGET: Duration = Duration::from_secs(2);
/// Starred pipelines read for their approvals alone, with the inbox closed:
/// an approval waits for minutes to days, so a slower sweep is enough.
pub const STARS_SWEEP_MIN: Duration = Duration::from_secs(120);

/// The pause after a sweep of `targets` pipelines.
pub fn sweep_interval(targets: usize) -> Duration {
    SWEEP_MIN.max(per_target(targets))
}

/// The pause after a sweep of `targets` starred pipelines.
pub fn stars_interval(targets: usize) -> Duration {
    STARS_SWEEP_MIN.max(per_target(targets))
}

fn per_target(targets: usize) -> Duration {
    PER_TARGET.saturating_mul(u32::try_from(targets).unwrap_or(u32::MAX))
}

/// Reads every target, then waits; a throttle or an outage ends the sweep
/// early and backs off (the rest are read in the next one).
pub(super) async fn sweep(mut ctx: Ctx, targets: Vec<Target>, pool: Arc<ClientPool>, interval: fn(usize) -> Duration) {
    let mut backoff = ctx.new_backoff();
    loop {
        let mut retry = None;
        for target in &targets {
            let result = match pool.get(target.profile.as_deref(), &target.region) {
                Ok(clients) => clients.waiting_approvals(&target.pipeline).await,
                Err(line) => Err(not_connected(line)),
            };
            match result {
                Ok(list) => {
                    ctx.succeeded(&mut backoff);
                    ctx.send(Msg::Approvals { target: target.clone(), result: Ok(list) });
                }
                Err(f) if matches!(f.kind, FailureKind::Throttled | FailureKind::Offline) => {
                    retry = Some(ctx.failed(&mut backoff, f).1);
                    break;
                }
                Err(f) => ctx.send(Msg::Approvals { target: target.clone(), result: Err(f) }),
            }
        }
        let go_on = match retry {
            Some(delay) => ctx.pacer.backoff(delay).await,
            None => ctx.pacer.interval(interval(targets.len())).await,
        };
        if !go_on {
            return;
        }
    }
}

fn not_connected(message: String) -> ApiFailure {
    ApiFailure { api: "codepipeline:GetPipelineState".into(), kind: FailureKind::Auth, message, retry_in_secs: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_costs_at_most_one_request_per_per_target_interval() {
        assert_eq!(sweep_interval(0), SWEEP_MIN);
        assert_eq!(sweep_interval(3), SWEEP_MIN);
        assert_eq!(sweep_interval(500), Duration::from_secs(1000));
        assert_eq!(stars_interval(3), STARS_SWEEP_MIN);
        assert!(stars_interval(500) >= sweep_interval(500));
    }
}
