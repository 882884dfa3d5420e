//! Moves executions through stages: entering stages as execution mode and
//! transitions allow, starting actions by run order, finishing stages, and
//! honouring stop requests. Runs on every kick and at least every 200 ms.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use super::conditions::{self, Gate, Kind};
use super::rollback::{self, OnFailure};
use super::{Execution, Position, SourceEvent, SourceRevision, Store, new_id};
use super::{actions, polling};
use crate::sandbox::{Shared, lock};

pub async fn run(shared: Arc<Shared>) {
    loop {
        tokio::select! {
            _ = shared.kick.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(200)) => {}
        }
        advance(&shared);
    }
}

/// Records what polling sources hold at start, before any request arrives.
pub fn prepare(shared: &Arc<Shared>) {
    polling::baseline(shared, &mut lock(&shared.pipelines), None);
}

pub fn advance(shared: &Arc<Shared>) {
    let mut store = lock(&shared.pipelines);
    for event in std::mem::take(&mut store.pending) {
        start_from_upload(shared, &mut store, &event);
    }
    polling::poll(shared, &mut store);
    // A step can unblock another execution (a stage freed), so repeat until calm.
    for _ in 0..32 {
        let mut changed = false;
        for i in 0..store.executions.len() {
            if store.executions[i].is_active() {
                changed |= step(shared, &mut store, i);
            }
        }
        if !changed {
            break;
        }
    }
    let old = store.prune_artifacts(&shared.state_dir.join(crate::sandbox::ARTIFACTS_DIR));
    drop(store);
    for dir in old {
        // Already gone is fine: nothing refers to it any more.
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// An upload to an event-driven S3 source (`PollForSourceChanges: false`)
/// starts a run, as the EventBridge rule AWS recommends would: trigger
/// CloudWatchEvent, revision = VersionId. Polling sources wait for their poll.
fn start_from_upload(shared: &Arc<Shared>, store: &mut Store, ev: &SourceEvent) {
    let targets: Vec<(String, String)> = store
        .pipelines
        .iter()
        .flat_map(|p| {
            p.decl
                .stages
                .iter()
                .flat_map(|s| &s.actions)
                .filter(|a| {
                    a.is_s3_source()
                        && !a.polls()
                        && a.configuration.get("S3Bucket") == Some(&ev.bucket)
                        && a.configuration.get("S3ObjectKey") == Some(&ev.key)
                })
                .map(|a| (p.decl.name.clone(), a.name.clone()))
        })
        .collect();
    for (pipeline, action) in targets {
        let rev = revision(shared, &action, &ev.bucket, &ev.key, &ev.version_id);
        let rule = format!("arn:aws:events:us-east-1:{}:rule/codepipeline-{pipeline}-s3", crate::sandbox::ACCOUNT_ID);
        create_execution(store, &pipeline, vec![rev], "CloudWatchEvent", &rule, None, Vec::new());
    }
}

pub fn revision(shared: &Arc<Shared>, action: &str, bucket: &str, key: &str, version_id: &str) -> SourceRevision {
    let summary = lock(&shared.s3).object_metadata(bucket, key, Some(version_id)).and_then(|m| {
        m.into_iter().find(|(k, _)| k.eq_ignore_ascii_case("codepipeline-artifact-revision-summary")).map(|(_, v)| v)
    });
    SourceRevision {
        action_name: action.to_string(),
        revision_id: version_id.to_string(),
        summary,
        created: Utc::now(),
        object: (bucket.to_string(), key.to_string()),
    }
}

pub fn create_execution(
    store: &mut Store,
    pipeline: &str,
    sources: Vec<SourceRevision>,
    trigger_type: &str,
    trigger_detail: &str,
    client_token: Option<String>,
    variables: Vec<(String, String)>,
) -> String {
    let Ok(p) = store.pipeline(pipeline) else { return String::new() };
    let (mode, stages) = (p.decl.execution_mode.clone(), p.decl.stages.len());
    // Defaults fill what the start did not give (StartPipelineExecution has
    // already refused what it cannot run).
    let variables = super::variables::for_execution(&p.decl, &variables).unwrap_or(variables);
    let now = Utc::now();
    let id = new_id();
    store.executions.push(Execution {
        id: id.clone(),
        pipeline: pipeline.to_string(),
        status: "InProgress".into(),
        status_summary: None,
        trigger_type: trigger_type.into(),
        trigger_detail: trigger_detail.into(),
        mode,
        started: now,
        updated: now,
        position: Position::Waiting(0),
        stage_status: vec![None; stages],
        actions: Vec::new(),
        sources,
        artifacts: Default::default(),
        stop: None,
        client_token,
        variables,
        rollback_target: None,
        retries: Default::default(),
        conditions: Vec::new(),
    });
    id
}

/// Advances execution `i` as far as it can go now; true if anything changed.
fn step(shared: &Arc<Shared>, store: &mut Store, i: usize) -> bool {
    if store.executions[i].stop.is_some() {
        // Stop-and-wait lets running actions finish, so keep polling them.
        let polled = match store.executions[i].position {
            Position::InStage(s) => actions::poll(shared, &mut store.executions[i], s),
            _ => false,
        };
        return handle_stop(store, i) || polled;
    }
    match store.executions[i].position {
        Position::Waiting(s) => try_enter(shared, store, i, s),
        Position::InStage(s) => run_stage(shared, store, i, s),
        Position::Done => false,
    }
}

fn try_enter(shared: &Arc<Shared>, store: &mut Store, i: usize, s: usize) -> bool {
    let e = &store.executions[i];
    let pipeline = e.pipeline.clone();
    let mode = e.mode.clone();
    let newer_waiting = store.executions[i + 1..]
        .iter()
        .any(|o| o.pipeline == pipeline && o.is_active() && o.position == Position::Waiting(s));
    if mode == "SUPERSEDED" && newer_waiting {
        let e = &mut store.executions[i];
        e.status = "Superseded".into();
        e.status_summary = Some("A newer execution advanced and continued through the pipeline instead.".into());
        e.position = Position::Done;
        e.updated = Utc::now();
        return true;
    }
    let Ok(p) = store.pipeline(&pipeline) else { return false };
    let open = p.inbound[s].enabled && (s == 0 || p.outbound[s - 1].enabled);
    let busy = mode != "PARALLEL"
        && store
            .executions
            .iter()
            .enumerate()
            .any(|(j, o)| j != i && o.pipeline == pipeline && o.is_active() && o.position == Position::InStage(s));
    let older_waiting = mode == "QUEUED"
        && store.executions[..i]
            .iter()
            .any(|o| o.pipeline == pipeline && o.is_active() && o.position == Position::Waiting(s));
    if !open || busy || older_waiting {
        return false;
    }
    match conditions::gate(store, i, s, Kind::BeforeEntry) {
        Gate::Open => {}
        Gate::Waiting(changed) => return changed,
        Gate::Engage { result, why } => {
            let last = store.pipeline(&pipeline).map(|p| s + 1 == p.decl.stages.len()).unwrap_or(true);
            conditions::engage_entry(&mut store.executions[i], s, &result, why, last);
            return true;
        }
    }
    let e = &mut store.executions[i];
    e.position = Position::InStage(s);
    e.stage_status[s] = Some("InProgress".into());
    e.updated = Utc::now();
    run_stage(shared, store, i, s);
    true
}

fn run_stage(shared: &Arc<Shared>, store: &mut Store, i: usize, s: usize) -> bool {
    let Ok(p) = store.pipeline(&store.executions[i].pipeline) else { return false };
    let stage = p.decl.stages[s].clone();
    let pipeline_name = p.decl.name.clone();
    let on_failure = OnFailure::of(p, s);
    // A rollback execution runs only the stage it rolls back.
    let last_stage = s + 1 == p.decl.stages.len() || store.executions[i].rollback_target.is_some();
    let mut changed = actions::poll(shared, &mut store.executions[i], s);
    let e = &mut store.executions[i];
    let current: Vec<(usize, String)> = e.current_actions(s).map(|a| (a.action, a.status.clone())).collect();
    let status_of = |a: usize| current.iter().find(|(x, _)| *x == a).map(|(_, st)| st.as_str());
    let running = current.iter().any(|(_, st)| st == "InProgress");
    let failed = current.iter().find(|(_, st)| st == "Failed" || st == "Abandoned").map(|(a, _)| *a);
    if let Some(a) = failed {
        if running {
            return changed;
        }
        if let OnFailure::Retry { all } = on_failure
            && rollback::auto_retry(e, s, all)
        {
            return true;
        }
        let reason = e.current_actions(s).find(|x| x.action == a).and_then(|x| x.error.clone());
        // Failure conditions decide whether the result engages: met (all
        // rules succeed) it does, not met the stage only fails.
        let rollback = match conditions::gate(store, i, s, Kind::OnFailure) {
            Gate::Waiting(more) => return changed || more,
            Gate::Open => failure_result(store, &pipeline_name, s).unwrap_or(on_failure) == OnFailure::Rollback,
            Gate::Engage { .. } => false,
        };
        let e = &mut store.executions[i];
        e.stage_status[s] = Some("Failed".into());
        e.status = "Failed".into();
        e.status_summary = reason.map(|(_, m)| m);
        e.position = Position::Done;
        e.updated = Utc::now();
        let failed_id = e.id.clone();
        // A rollback that fails is not rolled back again.
        if rollback
            && e.rollback_target.is_none()
            && let Some(target) = rollback::last_success(store, &pipeline_name, s, &failed_id)
        {
            let detail = format!("Stage {} failed in execution {failed_id}", stage.name);
            rollback::start(store, &pipeline_name, s, &target, "AutomatedRollback", &detail);
        }
        return true;
    }
    let mut orders: Vec<u32> = stage.actions.iter().map(|a| a.run_order).collect();
    orders.sort_unstable();
    orders.dedup();
    for order in orders {
        let group: Vec<usize> = (0..stage.actions.len()).filter(|&a| stage.actions[a].run_order == order).collect();
        if group.iter().all(|&a| status_of(a) == Some("Succeeded")) {
            continue;
        }
        for a in group.into_iter().filter(|&a| status_of(a).is_none()) {
            actions::start(shared, &pipeline_name, e, s, a, &stage.actions[a]);
            changed = true;
        }
        return changed;
    }
    match conditions::gate(store, i, s, Kind::OnSuccess) {
        Gate::Open => {}
        Gate::Waiting(more) => return changed || more,
        Gate::Engage { result, why } => {
            fail_on_success(store, i, s, &pipeline_name, &stage.name, &result, why);
            return true;
        }
    }
    let e = &mut store.executions[i];
    e.stage_status[s] = Some("Succeeded".into());
    e.updated = Utc::now();
    if last_stage {
        e.status = "Succeeded".into();
        e.position = Position::Done;
    } else {
        e.position = Position::Waiting(s + 1);
    }
    true
}

/// The result an onFailure condition declares, when the stage has one.
fn failure_result(store: &Store, pipeline: &str, s: usize) -> Option<OnFailure> {
    let p = store.pipeline(pipeline).ok()?;
    let result = conditions::declared(p, s, Kind::OnFailure)?.get("result")?.as_str()?;
    Some(if result == "ROLLBACK" { OnFailure::Rollback } else { OnFailure::Fail })
}

/// An onSuccess condition failed: the stage fails, and with a ROLLBACK
/// result the stage is rolled back to its last successful execution.
fn fail_on_success(store: &mut Store, i: usize, s: usize, pipeline: &str, stage: &str, result: &str, why: String) {
    let e = &mut store.executions[i];
    e.stage_status[s] = Some("Failed".into());
    e.status = "Failed".into();
    e.status_summary = Some(format!("Stage success condition failed: {why}"));
    e.position = Position::Done;
    e.updated = Utc::now();
    let failed_id = e.id.clone();
    if result == "ROLLBACK"
        && let Some(target) = rollback::last_success(store, pipeline, s, &failed_id)
    {
        let detail = format!("Stage {stage} failed its success condition in execution {failed_id}");
        rollback::start(store, pipeline, s, &target, "AutomatedRollback", &detail);
    }
}

fn handle_stop(store: &mut Store, i: usize) -> bool {
    let e = &mut store.executions[i];
    let Some((abandon, reason)) = e.stop.clone() else { return false };
    let now = Utc::now();
    let stage = match e.position {
        Position::InStage(s) => Some(s),
        _ => None,
    };
    let mut running = false;
    for a in e.actions.iter_mut().filter(|a| !a.stale && a.status == "InProgress") {
        // A pending approval would never finish on its own, so it is abandoned
        // even when the caller chose to wait.
        if abandon || a.token.is_some() {
            a.status = "Abandoned".into();
            a.updated = now;
        } else {
            running = true;
        }
    }
    if running {
        let changed = e.status != "Stopping";
        e.status = "Stopping".into();
        return changed;
    }
    if let Some(s) = stage {
        e.stage_status[s] = Some("Stopped".into());
    }
    e.status = "Stopped".into();
    e.status_summary = reason;
    e.position = Position::Done;
    e.updated = now;
    true
}
