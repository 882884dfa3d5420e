//! `status --pipeline P --json`'s `latestExecution`: what the details view
//! (`d`) shows about the latest run, fetched with the same calls, once.
//! Keys are only ever added (README, "Headless").

use serde_json::{Map, Value, json};

use crate::aws::AwsClients;
use crate::model::details::Details;
use crate::model::snapshot::{ExecutionSummary, PipelineSnapshot, Status};
use crate::model::tests_report::TestReport;

use super::retry::Retry;
use super::status::{status_name, with_retry};

/// The latest execution's object, or None when there is none. A failed
/// read is reported in the object (`error`) rather than failing `status`.
pub async fn latest_json(clients: &AwsClients, state: &PipelineSnapshot) -> Option<Value> {
    let latest = match with_retry(Retry::new(), || clients.list_executions(&state.name, 1)).await {
        Ok(mut list) if !list.is_empty() => list.remove(0),
        Ok(_) => return None,
        Err(e) => return Some(json!({ "error": e.message })),
    };
    let build = shown_build(state, &latest.id);
    let details = with_retry(Retry::new(), || clients.details(&state.name, &latest.id, build.as_deref())).await;
    Some(match details {
        Ok(d) => {
            let mut v = execution_json(&latest, &d, state);
            // BatchGetBuilds did not know the id: a BatchEnabled action's batch.
            let batch = match (&build, &d.build) {
                (Some(id), None) => super::status_batch::batch_json(clients, id).await,
                _ => None,
            };
            if let (Some(obj), Some(batch)) = (v.as_object_mut(), batch) {
                obj.insert("batch".into(), batch);
            }
            v
        }
        Err(e) => {
            let mut v = summary_json(&latest);
            if let Some(obj) = v.as_object_mut() {
                obj.insert("error".into(), json!(e.message));
            }
            v
        }
    })
}

/// The build the details view would show for this execution: its failed
/// CodeBuild action's build, else its last one.
fn shown_build(state: &PipelineSnapshot, execution: &str) -> Option<String> {
    let builds: Vec<(&Option<Status>, &String)> = state
        .stages
        .iter()
        .filter(|s| s.latest_execution.as_ref().is_some_and(|(id, _)| id == execution))
        .flat_map(|s| s.actions.iter())
        .filter(|a| a.provider.as_deref() == Some("CodeBuild"))
        .filter_map(|a| a.external_id.as_ref().map(|id| (&a.status, id)))
        .collect();
    let failed = builds.iter().find(|(st, _)| matches!(st, Some(Status::Failed)));
    failed.or(builds.last()).map(|(_, id)| (*id).clone())
}

fn summary_json(e: &ExecutionSummary) -> Value {
    let mut v = json!({ "executionId": e.id, "status": status_name(&e.status) });
    if let (Some(obj), true) = (v.as_object_mut(), e.v2.rollback) {
        obj.insert("executionType".into(), json!("ROLLBACK"));
        obj.insert("rollbackTarget".into(), json!(e.v2.rollback_target));
    }
    v
}

fn pairs(list: &[(String, String)]) -> Value {
    Value::Object(list.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<Map<_, _>>())
}

fn execution_json(e: &ExecutionSummary, d: &Details, state: &PipelineSnapshot) -> Value {
    let mut v = summary_json(e);
    let Some(obj) = v.as_object_mut() else { return v };
    obj.insert("trigger".into(), json!(d.trigger));
    let revisions: Vec<Value> = d
        .revisions
        .iter()
        .map(|r| json!({ "artifact": r.artifact, "revisionId": r.revision_id, "summary": r.summary }))
        .collect();
    obj.insert("sourceRevisions".into(), json!(revisions));
    obj.insert("variables".into(), pairs(&d.variables));
    let actions: Vec<Value> = d
        .actions
        .iter()
        .map(|a| {
            let mut row =
                json!({ "stage": a.stage, "action": a.action, "outputVariables": pairs(&a.output_variables) });
            // A Commands action has no build: its log is named here.
            let commands = state
                .stages
                .iter()
                .filter(|s| s.name == a.stage)
                .flat_map(|s| s.actions.iter())
                .any(|x| x.name == a.action && x.provider.as_deref() == Some("Commands"));
            if let (true, Some(obj)) = (commands, row.as_object_mut()) {
                obj.insert("logStreamArn".into(), json!(a.log_stream_arn));
            }
            row
        })
        .collect();
    obj.insert("actions".into(), json!(actions));
    let builds: Vec<Value> = d
        .build
        .iter()
        .map(|b| {
            let mut row = json!({ "id": b.id, "exportedVariables": pairs(&b.exported) });
            let tests = d.tests.as_ref().filter(|t| t.build_id == b.id);
            if let (Some(t), Some(obj)) = (tests, row.as_object_mut()) {
                obj.insert("tests".into(), tests_json(t));
            }
            row
        })
        .collect();
    obj.insert("builds".into(), json!(builds));
    v
}

/// Totals by case status over the TEST reports, and the failed cases' names.
fn tests_json(t: &TestReport) -> Value {
    let mut by_status = Map::new();
    for r in t.reports.iter().filter(|r| r.kind == "TEST") {
        for (status, n) in &r.counts {
            let sum = by_status.get(status).and_then(Value::as_i64).unwrap_or(0) + i64::from(*n);
            by_status.insert(status.clone(), json!(sum));
        }
    }
    let failed: Vec<&str> = t.failed.iter().map(|c| c.name.as_str()).collect();
    json!({ "total": t.total(), "byStatus": by_status, "failed": failed })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::samples;

    #[test]
    fn a_rollback_names_its_type_and_target_and_a_plain_run_neither() {
        let mut e = samples::executions().remove(0);
        assert!(summary_json(&e).get("executionType").is_none());
        e.v2.rollback = true;
        e.v2.rollback_target = Some("a1b2".into());
        let v = summary_json(&e);
        assert_eq!((&v["executionType"], &v["rollbackTarget"]), (&json!("ROLLBACK"), &json!("a1b2")));
    }

    #[test]
    fn tests_sum_case_counts_over_test_reports_only() {
        let t = crate::model::tests_report::sample_failed("b");
        let v = tests_json(&t);
        assert_eq!(
            (&v["total"], &v["byStatus"]["FAILED"], &v["byStatus"]["ERROR"]),
            (&json!(41), &json!(2), &json!(1))
        );
        assert_eq!(v["failed"], json!(["test_baseline_accuracy", "test_f1", "test_rows_usable"]));
    }
}
