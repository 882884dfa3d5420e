//! Generated pipelines: hundreds of pipelines across accounts and Regions, for
//! a fleet view and its request budget, at no CPU cost. Unlike the engine's
//! pipelines they run nothing: each execution is a start time and a build
//! length, and its stages are worked out from the clock when asked. A running
//! one builds for minutes, then waits at its manual approval; PutApprovalResult
//! and StartPipelineExecution act on them as on AWS.

pub mod api;
mod view;

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use serde::Deserialize;

use super::codepipeline::Time;

/// The stages every generated pipeline has, in order.
pub const STAGES: [&str; 4] = ["Source", "Build", "Approve", "Deploy"];
const SOURCE_SECS: i64 = 5;
const DEPLOY_SECS: i64 = 20;
/// How long a build started with StartPipelineExecution takes.
const STARTED_BUILD_SECS: i64 = 60;

/// One `generate` entry of the sandbox config (or `--generate-pipelines`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenerateSpec {
    #[serde(default = "home_account")]
    pub account: String,
    #[serde(default = "two_regions")]
    pub regions: Vec<String>,
    pub count: usize,
    /// Building now (default: one in 25).
    #[serde(default)]
    pub running: Option<usize>,
    /// Waiting at their manual approval (default: one in 50).
    #[serde(default)]
    pub waiting: Option<usize>,
    /// Latest run failed (default: one in 20).
    #[serde(default)]
    pub failed: Option<usize>,
    /// Put before every name, e.g. "b-" for a second account.
    #[serde(default)]
    pub prefix: String,
}

fn home_account() -> String {
    super::ACCOUNT_ID.to_string()
}
fn two_regions() -> Vec<String> {
    vec![super::regions::HOME.to_string(), "eu-west-1".to_string()]
}

impl GenerateSpec {
    /// `count` pipelines in the home account, us-east-1 and eu-west-1.
    pub fn home(count: usize, running: Option<usize>) -> Self {
        Self {
            account: home_account(),
            regions: two_regions(),
            count,
            running,
            waiting: None,
            failed: None,
            prefix: String::new(),
        }
    }
}

/// What a generated execution's decision at the approval was.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub approved: bool,
    pub at: Time,
    pub summary: Option<String>,
}

#[derive(Clone, Debug)]
pub struct GenExec {
    pub id: String,
    pub started: Time,
    pub build_secs: i64,
    pub build_fails: bool,
    pub decision: Option<Decision>,
    pub trigger: &'static str,
}

/// One stage an execution has entered, as of some time.
#[derive(Clone, Debug, PartialEq)]
pub struct Phase {
    pub stage: usize,
    pub status: &'static str,
    pub started: Time,
    pub updated: Time,
}

impl GenExec {
    fn build_end(&self) -> Time {
        self.started + Duration::seconds(SOURCE_SECS + self.build_secs)
    }

    /// The stages entered by `now`, in order.
    pub fn phases(&self, now: Time) -> Vec<Phase> {
        let source_end = self.started + Duration::seconds(SOURCE_SECS);
        let build_end = self.build_end();
        let mut out = Vec::new();
        let mut push = |stage, status, started, updated| out.push(Phase { stage, status, started, updated });
        if now < source_end {
            push(0, "InProgress", self.started, self.started);
            return out;
        }
        push(0, "Succeeded", self.started, source_end);
        if now < build_end {
            push(1, "InProgress", source_end, source_end);
            return out;
        }
        if self.build_fails {
            push(1, "Failed", source_end, build_end);
            return out;
        }
        push(1, "Succeeded", source_end, build_end);
        let Some(d) = self.decision.as_ref().filter(|d| d.at <= now) else {
            push(2, "InProgress", build_end, build_end);
            return out;
        };
        push(2, if d.approved { "Succeeded" } else { "Failed" }, build_end, d.at);
        if d.approved {
            let deploy_end = d.at + Duration::seconds(DEPLOY_SECS);
            if now < deploy_end {
                push(3, "InProgress", d.at, d.at);
            } else {
                push(3, "Succeeded", d.at, deploy_end);
            }
        }
        out
    }

    /// The execution's status and when it last changed.
    pub fn status(&self, now: Time) -> (&'static str, Time) {
        let phases = self.phases(now);
        let last = phases.last().map(|p| (p.status, p.updated)).unwrap_or(("InProgress", self.started));
        match last.0 {
            "InProgress" => ("InProgress", last.1),
            "Failed" => ("Failed", last.1),
            // Succeeded: only the last stage's success ends the run.
            _ if phases.len() == STAGES.len() => ("Succeeded", last.1),
            _ => ("InProgress", last.1),
        }
    }

    /// The approval token while the approval waits.
    pub fn token(&self) -> String {
        format!("{}-approval", self.id)
    }
}

pub struct GenPipeline {
    pub name: String,
    pub created: Time,
    /// Oldest first.
    pub executions: Vec<GenExec>,
}

/// Generated pipelines per (account, Region).
#[derive(Default)]
pub struct Store {
    places: BTreeMap<(String, String), Vec<GenPipeline>>,
}

/// Service names a generated pipeline is called after (a name filter has
/// something to match).
const WORDS: [&str; 8] = [
    "payments-api",
    "search-indexer",
    "auth-service",
    "billing-worker",
    "checkout-web",
    "catalog-sync",
    "ledger-batch",
    "notify-gateway",
];

impl Store {
    pub fn new(specs: &[GenerateSpec], now: Time) -> Self {
        let mut store = Store::default();
        for spec in specs {
            store.generate(spec, now);
        }
        store
    }

    fn generate(&mut self, spec: &GenerateSpec, now: Time) {
        let n = spec.count;
        let running = spec.running.unwrap_or(n / 25);
        let waiting = spec.waiting.unwrap_or(n / 50);
        let failed = spec.failed.unwrap_or(n / 20);
        // A fixed shuffle spreads each kind over the names and Regions.
        let stride = if n.is_multiple_of(7919) { 1 } else { 7919 };
        let regions = if spec.regions.is_empty() { two_regions() } else { spec.regions.clone() };
        for i in 0..n {
            let p = (i * stride) % n.max(1);
            let name = format!("{}{}-{:03}", spec.prefix, WORDS[i % WORDS.len()], i);
            let secs = |s: usize| Duration::seconds(s as i64);
            let long_ago = now - Duration::days(1) - secs(p * 131);
            let mut executions = vec![finished(long_ago, 240, true)];
            let latest = if p < running {
                // Started within the last 3 minutes, builds for 10 to 25 minutes.
                GenExec {
                    build_secs: 600 + (p * 37 % 900) as i64,
                    ..fresh(now - secs(p * 11 % 180), "CloudWatchEvent")
                }
            } else if p < running + waiting {
                GenExec { build_secs: 120, ..fresh(now - Duration::minutes(15) - secs(p * 29), "CloudWatchEvent") }
            } else if p < running + waiting + failed {
                let mut e = fresh(now - Duration::minutes(10) - secs(p * 13), "CloudWatchEvent");
                e.build_secs = 120;
                e.build_fails = true;
                e
            } else {
                finished(now - Duration::hours(1) - secs(p * 137), 180 + (p % 120) as i64, true)
            };
            executions.push(latest);
            let place = (spec.account.clone(), regions[i % regions.len()].clone());
            self.places.entry(place).or_default().push(GenPipeline {
                name,
                created: now - Duration::days(30),
                executions,
            });
        }
    }

    pub fn pipelines(&self, account: &str, region: &str) -> &[GenPipeline] {
        self.places.get(&(account.to_string(), region.to_string())).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn pipeline_mut(&mut self, account: &str, region: &str, name: &str) -> Option<&mut GenPipeline> {
        self.places.get_mut(&(account.to_string(), region.to_string()))?.iter_mut().find(|p| p.name == name)
    }

    pub fn total(&self) -> usize {
        self.places.values().map(Vec::len).sum()
    }
}

fn fresh(started: Time, trigger: &'static str) -> GenExec {
    GenExec {
        id: uuid::Uuid::new_v4().to_string(),
        started,
        build_secs: STARTED_BUILD_SECS,
        build_fails: false,
        decision: None,
        trigger,
    }
}

/// A run that went all the way (approved ten minutes after its build).
fn finished(started: Time, build_secs: i64, approved: bool) -> GenExec {
    let mut e = GenExec { build_secs, ..fresh(started, "CloudWatchEvent") };
    let at = e.build_end() + Duration::minutes(10);
    e.decision = Some(Decision { approved, at, summary: Some("looks good".into()) });
    e
}

/// A run started now by StartPipelineExecution.
pub fn started_now() -> GenExec {
    fresh(Utc::now(), "StartPipelineExecution")
}

#[cfg(test)]
mod tests;
