//! History adapters through the real SDK against the sandbox: two runs of the
//! demo pipeline, the older one rebuilt from ListActionExecutions with its
//! own build id, and per-stage medians over both.

use std::sync::Arc;
use std::time::Duration;

use pipewatch::config::Intervals;
use pipewatch::model::history::{execution_snapshot, stage_medians};
use pipewatch::model::snapshot::Status;
use pipewatch::msg::Msg;
use pipewatch::workers::Workers;

use crate::harness::{self, PIPELINE, buildspec};

#[tokio::test]
async fn an_older_execution_is_rebuilt_from_its_action_executions() {
    let env = harness::start().await;
    let clients = env.clients().await;
    let first_version = env.upload(&buildspec(&["echo first"])).await;
    let first = env.execution_for(&first_version).await;
    env.wait_stage(&first, "Build", "Succeeded").await;
    let first_build = env.build_id(&first).await;
    let second_version = env.upload(&buildspec(&["echo second"])).await;
    let second = env.execution_for(&second_version).await;
    env.wait_stage(&second, "Build", "Succeeded").await;
    let second_build = env.build_id(&second).await;
    assert_ne!(first_build, second_build);

    let executions = clients.list_executions(PIPELINE, 20).await.expect("executions");
    let ids: Vec<&str> = executions.iter().map(|e| e.id.as_str()).collect();
    let at = |id: &str| ids.iter().position(|i| *i == id).unwrap_or_else(|| panic!("{id} not listed: {ids:?}"));
    assert!(at(&second) < at(&first), "newest first: {ids:?}");

    let runs = clients.action_executions(PIPELINE, &first).await.expect("action executions");
    assert!(runs.iter().all(|r| r.pipeline_execution_id == first), "filtered to the older execution: {runs:?}");
    let build = runs.iter().find(|r| r.stage == "Build").expect("its Build action ran");
    assert_eq!(build.external_id.as_deref(), Some(first_build.as_str()));
    assert_eq!((build.status.clone(), build.provider.as_deref()), (Some(Status::Succeeded), Some("CodeBuild")));
    assert!(build.start.is_some() && build.last_update >= build.start, "{build:?}");
    let source = runs.iter().find(|r| r.stage == "Source").expect("its Source action ran");
    assert_eq!(source.category.as_deref(), Some("Source"));

    let declaration = clients.declaration(PIPELINE).await.expect("declaration");
    let snapshot = execution_snapshot(PIPELINE, &first, &declaration, &runs);
    let names: Vec<&str> = snapshot.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Source", "Build", "Approve", "Deploy"]);
    assert_eq!(snapshot.stages[1].actions[0].external_id.as_deref(), Some(first_build.as_str()));
    assert_eq!(snapshot.stages[1].latest_execution, Some((first.clone(), Status::Succeeded)));
    assert_eq!(snapshot.stages[3].latest_execution, None, "Deploy did not run");

    let recent = clients.recent_action_executions(PIPELINE, 2).await.expect("recent action executions");
    assert!(recent.iter().any(|r| r.pipeline_execution_id == second), "both executions are listed");
    let medians = stage_medians(&declaration, &recent);
    let stages: Vec<&str> = medians.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(&stages[..2], ["Source", "Build"], "{medians:?}");
    assert!(medians.iter().all(|(_, secs)| *secs >= 0.0), "{medians:?}");

    // The same through the workers the driver runs for the history effects.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut workers = Workers::new(Arc::new(clients), tx, Intervals::default());
    workers.fetch_past_execution(PIPELINE, &first);
    workers.fetch_stage_medians(PIPELINE);
    workers.set_history_open(PIPELINE, true);
    let (mut past, mut medians, mut listed) = (None, None, None);
    while past.is_none() || medians.is_none() || listed.is_none() {
        let msg = tokio::time::timeout(Duration::from_secs(30), rx.recv()).await.expect("a history message in time");
        match msg.expect("channel open") {
            Msg::PastExecution { execution_id, result, .. } => past = Some((execution_id, result.expect("past"))),
            Msg::StageMedians { result, .. } => medians = Some(result.expect("medians")),
            Msg::Executions { result, .. } => listed = Some(result.expect("executions")),
            _ => {}
        }
    }
    let (id, past) = past.expect("past execution");
    assert_eq!((id.as_str(), past.stages[1].actions[0].external_id.as_deref()), (first.as_str(), Some(&*first_build)));
    assert_eq!(medians.map(|m| m.len() >= 2), Some(true));
    assert!(listed.is_some_and(|l| l.len() >= 2), "opening lists the executions at once");
}
