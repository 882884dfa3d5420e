//! CodeBuild batch builds: BatchGetBuildBatches for the batch a CodeBuild
//! action with `BatchEnabled` started (CodeBuild API Reference,
//! BatchGetBuildBatches, BuildBatch, BuildGroup, BuildSummary).

use aws_sdk_codebuild::types::{BuildBatch, BuildGroup};

use super::errors::classify;
use super::{AwsClients, status_of};
use crate::model::batch::{BatchSnapshot, GroupSnapshot, build_id_of};
use crate::model::health::ApiFailure;

impl AwsClients {
    /// BatchGetBuildBatches for one id, in the Region its action runs in;
    /// None when the id is in buildBatchesNotFound (not a batch). The groups'
    /// builds are remembered in the batch's Region, so BatchGetBuilds and
    /// the log tailer ask there.
    pub async fn build_batch(&self, id: &str) -> Result<Option<BatchSnapshot>, ApiFailure> {
        let place = self.build_place(id);
        let region = place.region.clone().unwrap_or_else(|| self.region.clone());
        let out = self
            .in_region(&region)
            .codebuild
            .batch_get_build_batches()
            .ids(id)
            .send()
            .await
            .map_err(|e| classify("codebuild:BatchGetBuildBatches", &e))?;
        let Some(batch) = out.build_batches().first().map(batch_snapshot) else { return Ok(None) };
        for build in batch.groups.iter().filter_map(|g| g.build_id.as_deref()) {
            self.remember_build(build, place.clone());
        }
        Ok(Some(batch))
    }
}

fn batch_snapshot(b: &BuildBatch) -> BatchSnapshot {
    BatchSnapshot {
        id: b.id().unwrap_or_default().to_string(),
        project: b.project_name().unwrap_or_default().to_string(),
        number: b.build_batch_number(),
        status: b
            .build_batch_status()
            .map(|s| status_of(s.as_str()))
            .unwrap_or(crate::model::snapshot::Status::Other(String::new())),
        current_phase: b.current_phase().map(str::to_string),
        complete: b.complete(),
        groups: b.build_groups().iter().map(group_snapshot).collect(),
    }
}

fn group_snapshot(g: &BuildGroup) -> GroupSnapshot {
    let summary = g.current_build_summary();
    GroupSnapshot {
        identifier: g.identifier().unwrap_or_default().to_string(),
        depends_on: g.depends_on().to_vec(),
        ignore_failure: g.ignore_failure(),
        build_id: summary.and_then(|s| s.arn()).and_then(build_id_of),
        status: summary.and_then(|s| s.build_status()).map(|s| status_of(s.as_str())),
    }
}
