//! `latestExecution.batch`: a CodeBuild action with `BatchEnabled` names a
//! batch, not a build, so BatchGetBuilds does not know its id; as the TUI's
//! build poller does, BatchGetBuildBatches is asked then (CodeBuild API
//! Reference, BuildBatch: id, buildBatchStatus, phases, buildGroups;
//! BuildGroup: identifier, dependsOn, ignoreFailure, currentBuildSummary).

use serde_json::{Value, json};

use crate::aws::AwsClients;
use crate::model::batch::BatchSnapshot;

use super::retry::Retry;
use super::status::{status_name, with_retry};

/// The batch object for `id`, None when it is no batch either; a failed
/// read is reported in the object (`error`) rather than failing `status`.
pub async fn batch_json(clients: &AwsClients, id: &str) -> Option<Value> {
    match with_retry(Retry::new(), || clients.build_batch(id)).await {
        Ok(batch) => batch.as_ref().map(snapshot_json),
        Err(e) => Some(json!({ "id": id, "error": e.message })),
    }
}

/// Statuses in CodePipeline's spelling like the rest of `status --json`
/// (`Succeeded`, `InProgress`); phases as CodeBuild names them.
pub fn snapshot_json(b: &BatchSnapshot) -> Value {
    let phases: Vec<Value> =
        b.phases.iter().map(|(kind, status)| json!({ "phaseType": kind, "phaseStatus": status })).collect();
    let groups: Vec<Value> = b
        .groups
        .iter()
        .map(|g| {
            json!({
                "identifier": g.identifier,
                "dependsOn": g.depends_on,
                "ignoreFailure": g.ignore_failure,
                "buildId": g.build_id,
                "buildStatus": g.status.as_ref().map(status_name),
            })
        })
        .collect();
    json!({
        "id": b.id,
        "status": status_name(&b.status),
        "complete": b.complete,
        "currentPhase": b.current_phase,
        "phases": phases,
        "groups": groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::batch::samples;

    #[test]
    fn groups_carry_their_dependencies_and_builds_once_started() {
        let v = snapshot_json(&samples::running());
        assert_eq!((&v["id"], &v["status"]), (&json!(samples::BATCH_ID), &json!("InProgress")));
        assert_eq!(v["phases"][0], json!({ "phaseType": "SUBMITTED", "phaseStatus": "SUCCEEDED" }));
        assert_eq!(v["phases"][1]["phaseStatus"], Value::Null, "the running phase has no status yet");
        let groups = v["groups"].as_array().expect("groups");
        assert_eq!(groups.len(), 3);
        assert_eq!(
            groups[0],
            json!({ "identifier": "unit", "dependsOn": [], "ignoreFailure": false,
                    "buildId": "p:unit", "buildStatus": "Succeeded" })
        );
        assert_eq!(groups[1]["buildStatus"], "InProgress");
        assert_eq!(groups[2]["dependsOn"], json!(["unit", "lint"]));
        assert_eq!((&groups[2]["buildId"], &groups[2]["buildStatus"]), (&Value::Null, &Value::Null), "not started");
    }
}
