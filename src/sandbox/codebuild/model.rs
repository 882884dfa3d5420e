//! The build record the runner updates and BatchGetBuilds returns, in AWS's
//! JSON shape.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::logtarget::LogTarget;
use crate::sandbox::http::epoch_secs;

#[derive(Clone, Debug)]
pub struct Context {
    pub code: String,
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct Phase {
    pub kind: &'static str,
    /// None while the phase runs (AWS omits phaseStatus then).
    pub status: Option<String>,
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    pub contexts: Vec<Context>,
}

#[derive(Clone, Debug)]
pub struct Build {
    pub id: String,
    pub arn: String,
    pub number: u64,
    pub project: String,
    /// Where the project lives; the build's ARNs and links name it.
    pub region: String,
    pub account: String,
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    /// IN_PROGRESS, then SUCCEEDED, FAILED, FAULT, STOPPED or TIMED_OUT.
    pub status: String,
    pub phases: Vec<Phase>,
    pub source: Value,
    pub source_version: Option<String>,
    pub initiator: String,
    pub environment: Value,
    pub service_role: Option<String>,
    pub timeout_minutes: u64,
    pub queued_timeout_minutes: u64,
    pub log: LogTarget,
    /// The build's test and coverage reports (BatchGetBuilds `reportArns`).
    pub report_arns: Vec<String>,
    /// env.exported-variables and their final values (set as the build ends).
    pub exported: Vec<(String, String)>,
    /// The batch this build belongs to (BatchGetBuilds `buildBatchArn`).
    pub batch_arn: Option<String>,
}

impl Build {
    pub fn complete(&self) -> bool {
        self.end.is_some()
    }

    /// Starts a phase; the previous one must already be finished.
    pub fn enter(&mut self, kind: &'static str, now: DateTime<Utc>) {
        self.phases.push(Phase { kind, status: None, start: now, end: None, contexts: Vec::new() });
    }

    /// Ends the running phase with a status and an optional context.
    pub fn finish(&mut self, status: &str, context: Option<Context>, now: DateTime<Utc>) {
        if let Some(p) = self.phases.last_mut().filter(|p| p.end.is_none()) {
            p.status = Some(status.to_string());
            p.end = Some(now);
            p.contexts = context.into_iter().collect();
        }
    }

    /// Enters COMPLETED and fixes the build's final status.
    pub fn close(&mut self, status: &str, now: DateTime<Utc>) {
        self.enter("COMPLETED", now);
        self.status = status.to_string();
        self.end = Some(now);
    }

    /// The first phase that did not succeed: (phase, status code, message).
    pub fn failure(&self) -> Option<(&'static str, &Context)> {
        self.phases.iter().filter(|p| p.status.as_deref().is_some_and(|s| s != "SUCCEEDED")).find_map(|p| {
            p.contexts.first().filter(|c| !c.code.is_empty() || !c.message.is_empty()).map(|c| (p.kind, c))
        })
    }

    pub fn to_json(&self) -> Value {
        let phases: Vec<Value> = self.phases.iter().map(phase_json).collect();
        let current = self.phases.last().map(|p| p.kind).unwrap_or("SUBMITTED");
        let provisioned = self.phases.iter().any(|p| p.kind == "PROVISIONING");
        let mut b = json!({
            "id": self.id,
            "arn": self.arn,
            "buildNumber": self.number,
            "startTime": epoch_secs(self.start),
            "currentPhase": current,
            "buildStatus": self.status,
            "projectName": self.project,
            "phases": phases,
            "source": self.source,
            "secondarySources": [],
            "secondarySourceVersions": [],
            "secondaryArtifacts": [],
            "artifacts": { "location": "" },
            "environment": self.environment,
            "logs": self.log.to_json(provisioned),
            "timeoutInMinutes": self.timeout_minutes,
            "queuedTimeoutInMinutes": self.queued_timeout_minutes,
            "buildComplete": self.complete(),
            "initiator": self.initiator,
            "encryptionKey": format!("arn:aws:kms:{}:{}:alias/aws/s3", self.region, self.account),
        });
        if let Some(batch) = &self.batch_arn {
            b["buildBatchArn"] = json!(batch);
        }
        if !self.report_arns.is_empty() {
            b["reportArns"] = json!(self.report_arns);
        }
        if let Some(end) = self.end {
            b["endTime"] = epoch_secs(end);
        }
        if let Some(v) = &self.source_version {
            b["sourceVersion"] = json!(v);
            b["resolvedSourceVersion"] = json!(v);
        }
        if let Some(role) = &self.service_role {
            b["serviceRole"] = json!(role);
        }
        if !self.exported.is_empty() {
            let vars: Vec<Value> = self.exported.iter().map(|(k, v)| json!({ "name": k, "value": v })).collect();
            b["exportedEnvironmentVariables"] = json!(vars);
        }
        b
    }
}

pub(super) fn phase_json(p: &Phase) -> Value {
    let mut v = json!({ "phaseType": p.kind, "startTime": epoch_secs(p.start) });
    if let Some(end) = p.end {
        v["endTime"] = epoch_secs(end);
        v["durationInSeconds"] = json!((end - p.start).num_seconds());
    }
    if let Some(status) = &p.status {
        v["phaseStatus"] = json!(status);
    }
    // AWS lists an empty context on finished phases after SUBMITTED.
    if p.end.is_some() && p.kind != "SUBMITTED" {
        let contexts: Vec<Value> = if p.contexts.is_empty() {
            vec![json!({ "statusCode": "", "message": "" })]
        } else {
            p.contexts.iter().map(|c| json!({ "statusCode": c.code, "message": c.message })).collect()
        };
        v["contexts"] = json!(contexts);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build() -> Build {
        let t = Utc::now();
        Build {
            id: "p:u".into(),
            arn: "arn".into(),
            number: 1,
            project: "p".into(),
            region: "us-east-1".into(),
            account: "123456789012".into(),
            start: t,
            end: None,
            status: "IN_PROGRESS".into(),
            phases: Vec::new(),
            source: json!({"type": "NO_SOURCE"}),
            source_version: None,
            initiator: "me".into(),
            environment: json!({}),
            service_role: None,
            timeout_minutes: 60,
            queued_timeout_minutes: 480,
            log: LogTarget::of_project(&json!({}), "p", "u"),
            report_arns: Vec::new(),
            exported: Vec::new(),
            batch_arn: None,
        }
    }

    #[test]
    fn phases_serialize_as_aws_does() {
        let mut b = build();
        let t = b.start;
        b.enter("SUBMITTED", t);
        b.finish("SUCCEEDED", None, t);
        b.enter("BUILD", t);
        let running = b.to_json();
        assert_eq!(running["currentPhase"], "BUILD");
        assert!(running["phases"][1].get("phaseStatus").is_none());
        assert!(running["phases"][0].get("contexts").is_none());
        assert_eq!(running["buildComplete"], false);
        let ctx = Context {
            code: "COMMAND_EXECUTION_ERROR".into(),
            message: "Error while executing command: x. Reason: exit status 1".into(),
        };
        b.finish("FAILED", Some(ctx), t + chrono::Duration::seconds(2));
        b.close("FAILED", t + chrono::Duration::seconds(2));
        let done = b.to_json();
        assert_eq!(done["phases"][1]["durationInSeconds"], 2);
        assert_eq!(done["phases"][1]["contexts"][0]["statusCode"], "COMMAND_EXECUTION_ERROR");
        assert_eq!(done["phases"][2]["phaseType"], "COMPLETED");
        assert!(done["phases"][2].get("endTime").is_none());
        assert_eq!(done["buildStatus"], "FAILED");
        assert_eq!(done["buildComplete"], true);
        assert_eq!(b.failure().map(|(p, c)| (p, c.code.as_str())), Some(("BUILD", "COMMAND_EXECUTION_ERROR")));
    }
}
