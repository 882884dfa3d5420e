//! Where AWS refuses or slows a caller on purpose, and so does the sandbox by
//! default: request-rate buckets per operation (off with `--lenient`), IAM
//! denials (`--deny`) and an upload bandwidth cap (`--chaos bandwidth=`).

mod deny;
mod rates;
mod uplink;

use serde_json::Value;

pub use deny::{DenyList, caller_arn, s3_action, s3_resource};
pub use rates::RateOverrides;
pub use uplink::Uplink;

use super::http::ApiError;

pub struct Limits {
    /// None with `--lenient`.
    rates: Option<rates::RateBuckets>,
    deny: DenyList,
    pub uplink: Option<Uplink>,
}

impl Limits {
    pub fn new(opts: &super::Options) -> Self {
        Self {
            rates: (!opts.lenient).then(|| rates::RateBuckets::new(opts.rates.clone())),
            deny: opts.deny.clone(),
            uplink: opts.chaos.as_ref().and_then(|c| c.bandwidth).map(Uplink::new),
        }
    }

    /// A JSON 1.1 call (CodePipeline, CodeBuild, Logs): throttled first, as
    /// AWS's front door counts every request, then checked against `--deny`.
    pub fn admit_json(&self, service: &str, op: &str, region: &str, input: &Value) -> Result<(), ApiError> {
        if let Some(rates) = &self.rates
            && !rates.admit(service, op, region)
        {
            // JSON 1.1 services answer ThrottlingException with HTTP 400.
            return Err(ApiError::client("ThrottlingException", "Rate exceeded"));
        }
        let action = format!("{service}:{op}");
        if self.deny.denies(&action) {
            return Err(deny::json_denied(&action, &deny::json_resource(service, op, region, input)));
        }
        Ok(())
    }

    /// An S3 call: 503 SlowDown when the prefix's bucket is empty, 403 when the
    /// operation's IAM action is denied.
    pub fn admit_s3(&self, op: &str, versioned: bool, bucket: &str, key: &str) -> Result<(), ApiError> {
        let action = s3_action(op, versioned);
        // S3 counts PUT/COPY/POST/DELETE as writes, GET/HEAD as reads.
        let write = matches!(
            op,
            "PutObject"
                | "UploadPart"
                | "CreateMultipartUpload"
                | "CompleteMultipartUpload"
                | "AbortMultipartUpload"
                | "DeleteObject"
                | "DeleteObjects"
                | "CreateBucket"
                | "DeleteBucket"
                | "PutBucketVersioning"
        );
        if let Some(rates) = &self.rates
            && !rates.admit_s3(write, bucket, key)
        {
            return Err(ApiError::new(503, "SlowDown", "Please reduce your request rate."));
        }
        if self.deny.denies(action) {
            return Err(deny::s3_denied(action, &s3_resource(action, bucket, key)));
        }
        Ok(())
    }

    /// Whether the caller holds `action` (e.g. `s3:ListBucket`).
    pub fn allows(&self, action: &str) -> bool {
        !self.deny.denies(action)
    }
}
