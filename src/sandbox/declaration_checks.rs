//! Whole-pipeline checks of a sandbox config's declarations that AWS makes
//! at CreatePipeline: artifact stores for cross-Region actions, and Commands
//! actions only in V2.

use super::config::{ActionDecl, PipelineDecl};

impl PipelineDecl {
    /// Commands actions run only in V2 pipelines and need 1 to 50 commands
    /// (CodePipeline User Guide, "Commands action reference"; API model,
    /// ActionDeclaration.commands).
    pub(super) fn check_commands(&self) -> Result<(), String> {
        for a in self.stages.iter().flat_map(|s| &s.actions).filter(|a| a.is_commands()) {
            let (p, n) = (&self.name, &a.name);
            if self.pipeline_type != "V2" {
                return Err(format!(
                    "pipeline {p}: action {n}: the Commands action is only available for V2 pipelines"
                ));
            }
            if a.commands.is_empty() || a.commands.len() > 50 {
                return Err(format!("pipeline {p}: action {n}: a Commands action needs 1 to 50 commands"));
            }
        }
        Ok(())
    }

    /// CodePipeline API Reference, PipelineDeclaration: artifactStore or
    /// artifactStores, not both; with a cross-Region action, artifactStores with
    /// a store for the pipeline's Region and for each action's.
    pub(super) fn check_artifact_stores(&self) -> Result<(), String> {
        let name = &self.name;
        if self.artifact_store.is_some() && !self.artifact_stores.is_empty() {
            return Err(format!("pipeline {name}: give artifactStore or artifactStores, not both"));
        }
        let home = super::regions::HOME;
        let mut regions: Vec<&str> = self.stages.iter().flat_map(|s| &s.actions).map(ActionDecl::region).collect();
        if regions.iter().all(|r| *r == home) {
            return Ok(());
        }
        if self.artifact_stores.is_empty() {
            return Err(format!("pipeline {name}: a cross-Region action needs artifactStores (one per Region)"));
        }
        regions.push(home);
        match regions.into_iter().find(|r| !self.artifact_stores.contains_key(*r)) {
            Some(r) => Err(format!("pipeline {name}: artifactStores has no store for {r}")),
            None => Ok(()),
        }
    }
}
