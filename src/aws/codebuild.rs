//! CodeBuild: one build's phases and logs location, and the per-phase medians
//! of a project's recent successful builds (for the running phase's ETA).

use aws_sdk_codebuild::types::{Build, BuildPhase, LogsConfigStatusType, LogsLocation, SortOrderType};

use super::errors::classify;
use super::regions::build_not_found;
use super::{AwsClients, status_of, time_of};
use crate::model::health::ApiFailure;
use crate::model::snapshot::{BuildSnapshot, PhaseSnapshot, S3Log, Status};

/// How many successful builds the medians are taken over.
const MEDIAN_OVER: usize = 5;
/// Builds fetched per BatchGetBuilds while looking for successful ones; most
/// recent builds succeed, so one small batch is usually enough.
const MEDIAN_BATCH: usize = 10;
/// Give up after this many recent builds: a project that rarely succeeds gets no ETA.
const MEDIAN_SCAN: usize = 50;

impl AwsClients {
    /// BatchGetBuilds for one id, in the Region its action runs in (as
    /// GetPipelineState last said); an id in buildsNotFound is a final
    /// failure (`is_build_not_found`).
    pub async fn build(&self, id: &str) -> Result<BuildSnapshot, ApiFailure> {
        const API: &str = "codebuild:BatchGetBuilds";
        let place = self.build_place(id);
        let region = place.region.clone().unwrap_or_else(|| self.region.clone());
        let out =
            self.in_region(&region).codebuild.batch_get_builds().ids(id).send().await.map_err(|e| classify(API, &e))?;
        let Some(build) = out.builds().first().map(|b| build_snapshot(b, &region)) else {
            return Err(build_not_found(id, &region, &place));
        };
        if region != self.region
            && let (Some(group), Some(stream)) = (&build.log_group, &build.log_stream)
        {
            self.remember_stream(group, stream, &region);
        }
        Ok(build)
    }

    /// Median seconds per phase (in phase order) over the project's last 5
    /// SUCCEEDED builds; empty when it has none.
    pub async fn phase_medians(&self, project: &str) -> Result<Vec<(String, f64)>, ApiFailure> {
        self.phase_medians_in(project, &self.region).await
    }

    /// `phase_medians` of a project in `region`.
    pub async fn phase_medians_in(&self, project: &str, region: &str) -> Result<Vec<(String, f64)>, ApiFailure> {
        let regional = self.in_region(region);
        let ids = regional
            .codebuild
            .list_builds_for_project()
            .project_name(project)
            .sort_order(SortOrderType::Descending)
            .send()
            .await
            .map_err(|e| classify("codebuild:ListBuildsForProject", &e))?
            .ids()
            .to_vec();
        let mut succeeded: Vec<Build> = Vec::new();
        for chunk in ids.chunks(MEDIAN_BATCH).take(MEDIAN_SCAN / MEDIAN_BATCH) {
            let out = regional
                .codebuild
                .batch_get_builds()
                .set_ids(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| classify("codebuild:BatchGetBuilds", &e))?;
            // BatchGetBuilds does not promise the order of the ids it was given.
            for id in chunk {
                let found = out.builds().iter().find(|b| b.id() == Some(id.as_str()));
                if let Some(b) = found.filter(|b| b.build_status().map(|s| s.as_str()) == Some("SUCCEEDED")) {
                    succeeded.push(b.clone());
                }
            }
            if succeeded.len() >= MEDIAN_OVER {
                break;
            }
        }
        succeeded.truncate(MEDIAN_OVER);
        Ok(medians_of(&succeeded))
    }
}

fn medians_of(builds: &[Build]) -> Vec<(String, f64)> {
    let mut order: Vec<String> = Vec::new();
    let mut samples: Vec<Vec<f64>> = Vec::new();
    for phase in builds.iter().flat_map(|b| b.phases()) {
        let (Some(kind), Some(secs)) = (phase.phase_type(), phase.duration_in_seconds()) else { continue };
        let name = kind.as_str().to_string();
        let i = order.iter().position(|n| *n == name).unwrap_or_else(|| {
            order.push(name);
            samples.push(Vec::new());
            order.len() - 1
        });
        samples[i].push(secs as f64);
    }
    order.into_iter().zip(samples).filter_map(|(name, mut s)| median(&mut s).map(|m| (name, m))).collect()
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] })
}

fn build_snapshot(b: &Build, region: &str) -> BuildSnapshot {
    let logs = b.logs();
    BuildSnapshot {
        id: b.id().unwrap_or("").to_string(),
        project: b.project_name().unwrap_or("").to_string(),
        number: b.build_number(),
        status: b.build_status().map(|s| status_of(s.as_str())).unwrap_or(Status::Other(String::new())),
        current_phase: b.current_phase().map(str::to_string),
        start: b.start_time().and_then(time_of),
        end: b.end_time().and_then(time_of),
        phases: b.phases().iter().map(phase_snapshot).collect(),
        log_group: logs.and_then(|l| l.group_name()).map(str::to_string),
        log_stream: logs.and_then(|l| l.stream_name()).map(str::to_string),
        cloudwatch_logs_disabled: logs
            .and_then(|l| l.cloud_watch_logs())
            .is_some_and(|c| c.status() == &LogsConfigStatusType::Disabled),
        s3_log: logs.and_then(s3_log),
        complete: b.build_complete(),
        region: Some(region.to_string()),
        report_arns: b.report_arns().to_vec(),
    }
}

/// `arn:<partition>:s3:::bucket/key` (CodeBuild API Reference, LogsLocation.s3LogsArn).
fn s3_log(logs: &LogsLocation) -> Option<S3Log> {
    let arn = logs.s3_logs_arn()?;
    let path = arn.split(":::").nth(1)?;
    let (bucket, key) = path.split_once('/')?;
    Some(S3Log { bucket: bucket.into(), key: key.into(), deep_link: logs.s3_deep_link().map(str::to_string) })
}

fn phase_snapshot(p: &BuildPhase) -> PhaseSnapshot {
    PhaseSnapshot {
        phase: p.phase_type().map(|t| t.as_str().to_string()).unwrap_or_default(),
        status: p.phase_status().map(|s| status_of(s.as_str())),
        start: p.start_time().and_then(time_of),
        end: p.end_time().and_then(time_of),
        duration_secs: p.duration_in_seconds(),
        contexts: p
            .contexts()
            .iter()
            .map(|c| (c.status_code().unwrap_or("").to_string(), c.message().unwrap_or("").to_string()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }
}
