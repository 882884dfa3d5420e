//! Account-wide request-rate token buckets, one per operation and Region, at
//! the rates AWS publishes. A bucket holds as many tokens as its rate (a burst
//! of one second's worth) and refills continuously; a call finding it empty is
//! throttled. AWS does not publish CodePipeline or CodeBuild rates: those get
//! a conservative 10 per second per operation, which `--rates` can change.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Published rates (requests per second per account and Region).
const PUBLISHED: &[(&str, &str, f64)] = &[
    // CloudWatch Logs quotas (archived page: 10, "can't be changed"; design for it).
    ("logs", "GetLogEvents", 10.0),
    // CloudWatch Logs quotas.
    ("logs", "FilterLogEvents", 5.0),
    // CloudWatch Logs API Reference, DescribeLogStreams and CreateLogStream.
    ("logs", "DescribeLogStreams", 25.0),
    ("logs", "CreateLogStream", 50.0),
    // CloudWatch Logs quotas: per account and Region, 800 in most Regions (more in
    // the largest); the sandbox's own builds do not call it over HTTP.
    ("logs", "PutLogEvents", 800.0),
];

/// Operations of a service without a published rate get this one.
const UNPUBLISHED: f64 = 10.0;

/// S3 user guide, "Best practices design patterns: optimizing Amazon S3
/// performance": 3,500 PUT/COPY/POST/DELETE and 5,500 GET/HEAD per second per prefix.
const S3_WRITES: f64 = 3500.0;
const S3_READS: f64 = 5500.0;

/// Rate overrides from `--rates`: `GetLogEvents=25`, `logs:GetLogEvents=25`,
/// `codebuild:*=2`; a rate of 0 means unlimited.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RateOverrides(pub Vec<(String, f64)>);

impl std::str::FromStr for RateOverrides {
    type Err = String;
    fn from_str(spec: &str) -> Result<Self, String> {
        let mut out = Vec::new();
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (key, value) = item.split_once('=').ok_or_else(|| format!("'{item}' is not OPERATION=RATE"))?;
            let rate: f64 =
                value.trim().parse().ok().filter(|r: &f64| r.is_finite() && *r >= 0.0).ok_or_else(|| {
                    format!("{item}: the rate must be a number of requests per second (0: unlimited)")
                })?;
            let key = key.trim();
            if key.is_empty() || key.ends_with(':') {
                return Err(format!("{item}: name an operation, e.g. GetLogEvents or codebuild:*"));
            }
            out.push((key.to_string(), rate));
        }
        Ok(Self(out))
    }
}

struct Bucket {
    tokens: f64,
    last: Instant,
}

pub struct RateBuckets {
    overrides: RateOverrides,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateBuckets {
    pub fn new(overrides: RateOverrides) -> Self {
        Self { overrides, buckets: Mutex::new(HashMap::new()) }
    }

    /// The rate for `service:op`: an override of the operation, then of the
    /// service (`service:*`), then the published figure, then the default.
    pub fn rate(&self, service: &str, op: &str) -> f64 {
        let qualified = format!("{service}:{op}");
        let wildcard = format!("{service}:*");
        let find = |k: &str| self.overrides.0.iter().rev().find(|(key, _)| key == k).map(|(_, r)| *r);
        find(&qualified)
            .or_else(|| find(op))
            .or_else(|| find(&wildcard))
            .or_else(|| PUBLISHED.iter().find(|(s, o, _)| *s == service && *o == op).map(|(_, _, r)| *r))
            .unwrap_or(UNPUBLISHED)
    }

    /// Takes a token for a JSON-protocol call; false when throttled.
    pub fn admit(&self, service: &str, op: &str, region: &str) -> bool {
        let rate = self.rate(service, op);
        self.take(format!("{service}:{op}@{region}"), rate)
    }

    /// Takes a token for an S3 call on `bucket/key`; buckets are per prefix
    /// (the key up to its last `/`), reads and writes apart.
    pub fn admit_s3(&self, write: bool, bucket: &str, key: &str) -> bool {
        let prefix = key.rfind('/').map_or("", |i| &key[..i]);
        let (kind, default) = if write { ("write", S3_WRITES) } else { ("read", S3_READS) };
        let rate = self.overrides.0.iter().rev().find(|(k, _)| k == "s3:*").map_or(default, |(_, r)| *r);
        self.take(format!("s3:{kind}:{bucket}/{prefix}"), rate)
    }

    fn take(&self, key: String, rate: f64) -> bool {
        if rate <= 0.0 {
            return true;
        }
        let now = Instant::now();
        let mut buckets = crate::sandbox::lock(&self.buckets);
        let b = buckets.entry(key).or_insert(Bucket { tokens: rate, last: now });
        b.tokens = (b.tokens + now.duration_since(b.last).as_secs_f64() * rate).min(rate);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_rates_and_overrides() {
        let b = RateBuckets::new("codebuild:*=2,GetLogEvents=25,logs:GetLogEvents=30".parse().unwrap());
        assert_eq!(b.rate("logs", "FilterLogEvents"), 5.0);
        assert_eq!(b.rate("logs", "DescribeLogStreams"), 25.0);
        assert_eq!(b.rate("logs", "GetLogEvents"), 30.0, "the qualified name wins");
        assert_eq!(b.rate("codebuild", "BatchGetBuilds"), 2.0);
        assert_eq!(b.rate("codepipeline", "GetPipelineState"), UNPUBLISHED);
    }

    #[test]
    fn a_burst_of_the_rate_passes_then_calls_are_throttled_per_region() {
        let b = RateBuckets::new(RateOverrides::default());
        let passed = (0..20).filter(|_| b.admit("logs", "GetLogEvents", "us-east-1")).count();
        assert_eq!(passed, 10);
        assert!(b.admit("logs", "GetLogEvents", "eu-west-1"), "another Region has its own bucket");
        assert!(b.admit("logs", "FilterLogEvents", "us-east-1"), "another operation has its own bucket");
    }

    #[test]
    fn zero_means_unlimited_and_bad_specs_say_why() {
        let b = RateBuckets::new("GetLogEvents=0".parse().unwrap());
        assert!((0..100).all(|_| b.admit("logs", "GetLogEvents", "us-east-1")));
        assert!("GetLogEvents".parse::<RateOverrides>().unwrap_err().contains("OPERATION=RATE"));
        assert!("GetLogEvents=-1".parse::<RateOverrides>().unwrap_err().contains("requests per second"));
        assert!("logs:=1".parse::<RateOverrides>().unwrap_err().contains("name an operation"));
    }
}
