//! Where a build's log goes (the project's `logsConfig`) and the `logs`
//! object BatchGetBuilds reports for it (CodeBuild API Reference, LogsLocation).

use serde_json::{Value, json};

use crate::sandbox::config::project_home;

/// The S3 copy of a build log: `<location>/<build uuid>.gz`, as the
/// s3LogsArn and s3DeepLink in AWS's examples show it (CodeBuild User Guide,
/// sandbox CLI examples: `arn:aws:s3:::<location>/<uuid>.gz`).
#[derive(Clone, Debug, PartialEq)]
pub struct S3Log {
    pub bucket: String,
    pub key: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LogTarget {
    pub cloudwatch: bool,
    pub group: String,
    pub stream: String,
    /// The project names the group itself: AWS then reports the names from
    /// the start; otherwise only once the build is provisioned.
    pub named_upfront: bool,
    pub s3: Option<S3Log>,
    /// Where the project lives: the log is in that Region's CloudWatch Logs.
    pub region: String,
    account: String,
    /// `logsConfig` as the project gives it, echoed in `logs`.
    cloudwatch_config: Value,
    s3_config: Value,
}

fn status_enabled(v: &Value) -> bool {
    v.get("status").and_then(Value::as_str) == Some("ENABLED")
}

/// `bucket/prefix` or `arn:aws:s3:::bucket/prefix` -> (bucket, prefix).
pub fn split_location(location: &str) -> Option<(&str, &str)> {
    let plain = location.strip_prefix("arn:aws:s3:::").unwrap_or(location).trim_matches('/');
    let (bucket, prefix) = plain.split_once('/').unwrap_or((plain, ""));
    (!bucket.is_empty()).then_some((bucket, prefix.trim_matches('/')))
}

impl LogTarget {
    /// From a project object (whose logsConfig the store has defaulted).
    pub fn of_project(project: &Value, name: &str, uuid: &str) -> Self {
        let cfg = project.get("logsConfig");
        let cloudwatch_config =
            cfg.and_then(|c| c.get("cloudWatchLogs")).cloned().unwrap_or_else(|| json!({ "status": "ENABLED" }));
        let s3_config = cfg
            .and_then(|c| c.get("s3Logs"))
            .cloned()
            .unwrap_or_else(|| json!({ "status": "DISABLED", "encryptionDisabled": false }));
        let configured_group = cloudwatch_config.get("groupName").and_then(Value::as_str).filter(|g| !g.is_empty());
        let group = configured_group.map_or_else(|| format!("/aws/codebuild/{name}"), str::to_string);
        // A configured streamName is a prefix: the stream is `<prefix>/<uuid>`.
        let stream = match cloudwatch_config.get("streamName").and_then(Value::as_str).filter(|s| !s.is_empty()) {
            Some(prefix) => format!("{prefix}/{uuid}"),
            None => uuid.to_string(),
        };
        let s3 = status_enabled(&s3_config)
            .then(|| s3_config.get("location").and_then(Value::as_str).and_then(split_location))
            .flatten()
            .map(|(bucket, prefix)| S3Log {
                bucket: bucket.to_string(),
                key: if prefix.is_empty() { format!("{uuid}.gz") } else { format!("{prefix}/{uuid}.gz") },
            });
        let (region, account) = project_home(project);
        Self {
            cloudwatch: !cloudwatch_config.get("status").is_some_and(|s| s == "DISABLED"),
            group,
            stream,
            named_upfront: configured_group.is_some(),
            s3,
            region,
            account,
            cloudwatch_config,
            s3_config,
        }
    }

    /// The `logs` object. Until the build is provisioned (and when CloudWatch
    /// is off) there is no group or stream: AWS's StartBuild and RetryBuild
    /// examples show `group=null;stream=null` links and no names while QUEUED
    /// (AWS CLI Command Reference, codebuild start-build / retry-build).
    pub fn to_json(&self, provisioned: bool) -> Value {
        let named = self.cloudwatch && (provisioned || self.named_upfront);
        let (group, stream) = if named { (self.group.as_str(), self.stream.as_str()) } else { ("null", "null") };
        let (region, account) = (&self.region, &self.account);
        let mut logs = json!({
            "deepLink": format!("https://console.aws.amazon.com/cloudwatch/home?region={region}#logEvent:group={group};stream={stream}"),
            "cloudWatchLogsArn": format!("arn:aws:logs:{region}:{account}:log-group:{group}:log-stream:{stream}"),
            "cloudWatchLogs": self.cloudwatch_config,
            "s3Logs": self.s3_config,
        });
        if named {
            logs["groupName"] = json!(group);
            logs["streamName"] = json!(stream);
        }
        if let Some(s3) = &self.s3 {
            let object = format!("{}/{}", s3.bucket, s3.key);
            logs["s3LogsArn"] = json!(format!("arn:aws:s3:::{object}"));
            logs["s3DeepLink"] = json!(format!("https://s3.console.aws.amazon.com/s3/object/{object}?region={region}"));
        }
        logs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_default_project_logs_to_its_own_group_named_at_provisioning() {
        let t = LogTarget::of_project(&json!({"name": "p"}), "p", "u-1");
        assert!(t.cloudwatch && t.s3.is_none());
        let queued = t.to_json(false);
        assert!(queued.get("groupName").is_none() && queued.get("streamName").is_none());
        assert!(queued["deepLink"].as_str().unwrap().ends_with("#logEvent:group=null;stream=null"));
        let running = t.to_json(true);
        assert_eq!(
            (running["groupName"].as_str(), running["streamName"].as_str()),
            (Some("/aws/codebuild/p"), Some("u-1"))
        );
        assert_eq!(running["cloudWatchLogs"]["status"], "ENABLED");
    }

    #[test]
    fn s3_only_projects_report_the_object_and_no_stream() {
        let project = json!({"logsConfig": {
            "cloudWatchLogs": {"status": "DISABLED"},
            "s3Logs": {"status": "ENABLED", "location": "arn:aws:s3:::logs-bucket/build-logs/", "encryptionDisabled": false}}});
        let t = LogTarget::of_project(&project, "p", "u-2");
        assert_eq!(t.s3, Some(S3Log { bucket: "logs-bucket".into(), key: "build-logs/u-2.gz".into() }));
        let v = t.to_json(true);
        assert!(v.get("groupName").is_none() && v.get("streamName").is_none());
        assert_eq!(v["cloudWatchLogs"]["status"], "DISABLED");
        assert_eq!(v["s3LogsArn"], "arn:aws:s3:::logs-bucket/build-logs/u-2.gz");
        assert_eq!(
            v["s3DeepLink"],
            "https://s3.console.aws.amazon.com/s3/object/logs-bucket/build-logs/u-2.gz?region=us-east-1"
        );
    }

    #[test]
    fn a_configured_group_is_named_from_the_start_and_the_stream_name_is_a_prefix() {
        let project =
            json!({"logsConfig": {"cloudWatchLogs": {"status": "ENABLED", "groupName": "g", "streamName": "s"}}});
        let t = LogTarget::of_project(&project, "p", "u-3");
        let v = t.to_json(false);
        assert_eq!((v["groupName"].as_str(), v["streamName"].as_str()), (Some("g"), Some("s/u-3")));
        assert_eq!(split_location("bucket"), Some(("bucket", "")));
        assert_eq!(split_location("arn:aws:s3:::"), None);
    }
}
