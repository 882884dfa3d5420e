//! `--deny s3:ListBucket,codebuild:BatchGetBuilds`: the caller's IAM policy
//! lacks these actions, so AWS refuses the calls that need them. Messages follow
//! the IAM User Guide, "Troubleshoot access denied error messages" (implicit deny).

use serde_json::Value;

use crate::sandbox::ACCOUNT_ID;
use crate::sandbox::http::ApiError;

/// The identity every sandbox request is made as (STS GetCallerIdentity says so too).
pub fn caller_arn() -> String {
    format!("arn:aws:iam::{ACCOUNT_ID}:user/sandbox")
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DenyList(pub Vec<String>);

impl std::str::FromStr for DenyList {
    type Err = String;
    fn from_str(spec: &str) -> Result<Self, String> {
        let mut out = Vec::new();
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (service, action) =
                item.split_once(':').ok_or_else(|| format!("'{item}' is not an IAM action like s3:ListBucket"))?;
            if !["s3", "codepipeline", "codebuild", "logs"].contains(&service) || action.is_empty() {
                return Err(format!("'{item}': use s3:, codepipeline:, codebuild: or logs: and an action name"));
            }
            out.push(item.to_string());
        }
        Ok(Self(out))
    }
}

impl DenyList {
    /// True when `action` (e.g. `s3:GetObject`) is denied. IAM action names are
    /// case-insensitive, and `*` in a listed name matches any run of characters.
    pub fn denies(&self, action: &str) -> bool {
        let action = action.to_ascii_lowercase();
        self.0.iter().any(|pattern| glob(&pattern.to_ascii_lowercase(), &action))
    }
}

fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(tail) = text.strip_prefix(head) else { return false };
            (0..=tail.len()).filter(|&i| tail.is_char_boundary(i)).any(|i| glob(rest, &tail[i..]))
        }
    }
}

fn message(action: &str, resource: &str) -> String {
    format!(
        "User: {} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action",
        caller_arn()
    )
}

/// JSON 1.1 services: `AccessDeniedException`, HTTP 400.
pub fn json_denied(action: &str, resource: &str) -> ApiError {
    ApiError::client("AccessDeniedException", message(action, resource))
}

/// S3: 403 `AccessDenied` (REST-XML).
pub fn s3_denied(action: &str, resource: &str) -> ApiError {
    ApiError::new(403, "AccessDenied", message(action, resource))
}

/// The resource a JSON call acts on, as IAM names it in the message.
pub fn json_resource(service: &str, op: &str, region: &str, input: &Value) -> String {
    let s = |k: &str| input.get(k).and_then(Value::as_str);
    let first = |k: &str| input.get(k).and_then(Value::as_array).and_then(|a| a.first()).and_then(Value::as_str);
    match service {
        // CreatePipeline and UpdatePipeline name the pipeline in their declaration.
        "codepipeline" => match s("name")
            .or_else(|| s("pipelineName"))
            .or_else(|| input.pointer("/pipeline/name").and_then(Value::as_str))
        {
            Some(name) if op != "ListPipelines" => format!("arn:aws:codepipeline:{region}:{ACCOUNT_ID}:{name}"),
            _ => "*".into(),
        },
        "codebuild" => {
            // Build ids are `project:uuid`; build calls are authorized on the project.
            // CreateProject, UpdateProject and DeleteProject take `name`.
            let project = s("projectName")
                .or_else(|| s("name"))
                .or_else(|| first("names"))
                .or_else(|| first("ids").or_else(|| s("id")).map(|id| id.rsplit_once(':').map_or(id, |(p, _)| p)));
            match project {
                Some(p) if p.starts_with("arn:") => p.to_string(),
                Some(p) => format!("arn:aws:codebuild:{region}:{ACCOUNT_ID}:project/{p}"),
                None => "*".into(),
            }
        }
        "logs" => match (s("logGroupName"), s("logStreamName")) {
            (Some(g), Some(st)) => format!("arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:{g}:log-stream:{st}"),
            (Some(g), None) => format!("arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:{g}"),
            _ => s("logGroupIdentifier").map_or_else(|| "*".into(), str::to_string),
        },
        _ => "*".into(),
    }
}

/// The IAM action an S3 operation needs (S3 API Reference, each operation's
/// "Permissions" section). `versioned`: the request names a versionId.
pub fn s3_action(op: &str, versioned: bool) -> &'static str {
    match op {
        "ListBuckets" => "s3:ListAllMyBuckets",
        "CreateBucket" => "s3:CreateBucket",
        "DeleteBucket" => "s3:DeleteBucket",
        "HeadBucket" | "ListObjects" | "ListObjectsV2" => "s3:ListBucket",
        "ListObjectVersions" => "s3:ListBucketVersions",
        "GetBucketLocation" => "s3:GetBucketLocation",
        "PutBucketVersioning" => "s3:PutBucketVersioning",
        "GetBucketVersioning" => "s3:GetBucketVersioning",
        "GetObject" | "HeadObject" if versioned => "s3:GetObjectVersion",
        "GetObject" | "HeadObject" => "s3:GetObject",
        "DeleteObject" if versioned => "s3:DeleteObjectVersion",
        "DeleteObject" | "DeleteObjects" => "s3:DeleteObject",
        "AbortMultipartUpload" => "s3:AbortMultipartUpload",
        // CreateMultipartUpload, UploadPart and CompleteMultipartUpload need s3:PutObject.
        _ => "s3:PutObject",
    }
}

/// `arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/key`, as IAM names S3 resources.
pub fn s3_resource(action: &str, bucket: &str, key: &str) -> String {
    let bucket_level = matches!(
        action,
        "s3:ListBucket"
            | "s3:ListBucketVersions"
            | "s3:CreateBucket"
            | "s3:DeleteBucket"
            | "s3:GetBucketLocation"
            | "s3:PutBucketVersioning"
            | "s3:GetBucketVersioning"
    );
    match (bucket.is_empty(), bucket_level || key.is_empty()) {
        (true, _) => "*".into(),
        (false, true) => format!("arn:aws:s3:::{bucket}"),
        (false, false) => format!("arn:aws:s3:::{bucket}/{key}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn actions_match_case_insensitively_and_with_wildcards() {
        let d: DenyList = "s3:ListBucket,codebuild:BatchGet*".parse().unwrap();
        assert!(d.denies("s3:listbucket"));
        assert!(!d.denies("s3:ListBucketVersions"));
        assert!(d.denies("codebuild:BatchGetBuilds"));
        assert!(!d.denies("codebuild:StartBuild"));
        assert!("ListBucket".parse::<DenyList>().unwrap_err().contains("IAM action"));
        assert!("ec2:RunInstances".parse::<DenyList>().unwrap_err().contains("use s3:"));
    }

    #[test]
    fn resources_are_named_as_iam_names_them() {
        let r = json_resource("codebuild", "BatchGetBuilds", "eu-west-1", &json!({"ids": ["p:1234"]}));
        assert_eq!(r, format!("arn:aws:codebuild:eu-west-1:{ACCOUNT_ID}:project/p"));
        let r = json_resource("codepipeline", "GetPipelineState", "us-east-1", &json!({"name": "demo"}));
        assert_eq!(r, format!("arn:aws:codepipeline:us-east-1:{ACCOUNT_ID}:demo"));
        let r = json_resource("codepipeline", "CreatePipeline", "us-east-1", &json!({"pipeline": {"name": "new"}}));
        assert_eq!(r, format!("arn:aws:codepipeline:us-east-1:{ACCOUNT_ID}:new"));
        let r = json_resource("codebuild", "DeleteProject", "us-east-1", &json!({"name": "gone"}));
        assert_eq!(r, format!("arn:aws:codebuild:us-east-1:{ACCOUNT_ID}:project/gone"));
        assert_eq!(s3_resource("s3:ListBucket", "b", "k"), "arn:aws:s3:::b");
        assert_eq!(s3_resource("s3:GetObject", "b", "k"), "arn:aws:s3:::b/k");
        assert_eq!(s3_action("HeadObject", true), "s3:GetObjectVersion");
        assert_eq!(s3_action("UploadPart", false), "s3:PutObject");
    }
}
