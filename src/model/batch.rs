//! A CodeBuild batch followed in the phases pane: a CodeBuild action with
//! `BatchEnabled` has a batch id as its external execution id, not a build's
//! (CodePipeline User Guide, "AWS CodeBuild build and test action
//! reference"). The pane lists the batch's build groups (BatchGetBuildBatches
//! `buildGroups`: identifier, dependsOn, ignoreFailure, currentBuildSummary);
//! the chosen group's build is followed like any build (phases and log).

use crate::model::snapshot::Status;

/// BatchGetBuildBatches, flattened.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchSnapshot {
    pub id: String,
    pub project: String,
    pub number: Option<i64>,
    pub status: Status,
    pub current_phase: Option<String>,
    pub complete: bool,
    pub groups: Vec<GroupSnapshot>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GroupSnapshot {
    pub identifier: String,
    pub depends_on: Vec<String>,
    pub ignore_failure: bool,
    /// The current build's id (from its ARN), once the group has started.
    pub build_id: Option<String>,
    pub status: Option<Status>,
}

/// The followed batch and which group the phase and log panes show.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchView {
    /// The batch id (the action's external execution id).
    pub id: String,
    pub snapshot: Option<BatchSnapshot>,
    /// The cursor in the group list.
    pub cursor: usize,
    /// The group chosen with Enter; None follows the running group.
    pub chosen: Option<String>,
}

impl BatchView {
    pub fn new(id: String) -> Self {
        Self { id, snapshot: None, cursor: 0, chosen: None }
    }

    pub fn groups(&self) -> &[GroupSnapshot] {
        self.snapshot.as_ref().map_or(&[], |s| s.groups.as_slice())
    }

    /// The group shown: the chosen one, else the first running group, else
    /// the last one that has started.
    pub fn shown(&self) -> Option<&GroupSnapshot> {
        let groups = self.groups();
        if let Some(chosen) = &self.chosen {
            return groups.iter().find(|g| &g.identifier == chosen);
        }
        groups
            .iter()
            .find(|g| g.build_id.is_some() && g.status == Some(Status::InProgress))
            .or_else(|| groups.iter().rev().find(|g| g.build_id.is_some()))
    }

    /// The build the phase and log panes follow, if its group has started.
    pub fn shown_build(&self) -> Option<String> {
        self.shown().and_then(|g| g.build_id.clone())
    }

    /// Moves the cursor by `delta` within the groups.
    pub fn move_cursor(&mut self, delta: isize) {
        let last = self.groups().len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
    }

    /// Enter: shows the group under the cursor; on the chosen group again,
    /// back to following the running one.
    pub fn choose(&mut self) {
        let Some(g) = self.groups().get(self.cursor) else { return };
        let id = g.identifier.clone();
        self.chosen = if self.chosen.as_ref() == Some(&id) { None } else { Some(id) };
    }

    /// A new snapshot; the cursor starts on the shown group.
    pub fn update(&mut self, snapshot: BatchSnapshot) {
        let first = self.snapshot.is_none();
        self.snapshot = Some(snapshot);
        if first && let Some(i) = self.shown().and_then(|s| self.groups().iter().position(|g| g == s)) {
            self.cursor = i;
        }
        self.move_cursor(0);
    }
}

/// A build id from its ARN (`arn:aws:codebuild:REGION:ACCOUNT:build/ID`).
pub fn build_id_of(arn: &str) -> Option<String> {
    arn.split_once(":build/").map(|(_, id)| id.to_string()).filter(|id| !id.is_empty())
}

/// Batches for the update and render tests.
#[cfg(test)]
pub mod samples {
    use super::*;

    pub const BATCH_ID: &str = "mlops-demo-build:batch-1";

    /// A group; its build is `p:<id>` once it has a status.
    pub fn group(id: &str, deps: &[&str], status: Option<Status>) -> GroupSnapshot {
        GroupSnapshot {
            identifier: id.into(),
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
            ignore_failure: false,
            build_id: status.as_ref().map(|_| format!("p:{id}")),
            status,
        }
    }

    pub fn snapshot(groups: Vec<GroupSnapshot>) -> BatchSnapshot {
        BatchSnapshot {
            id: BATCH_ID.into(),
            project: "mlops-demo-build".into(),
            number: Some(3),
            status: Status::InProgress,
            current_phase: Some("IN_PROGRESS".into()),
            complete: false,
            groups,
        }
    }

    /// `unit` done, `lint` running, `package` waiting on both.
    pub fn running() -> BatchSnapshot {
        snapshot(vec![
            group("unit", &[], Some(Status::Succeeded)),
            group("lint", &[], Some(Status::InProgress)),
            group("package", &["unit", "lint"], None),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::samples::{group, snapshot};
    use super::*;

    #[test]
    fn the_running_group_is_shown_until_one_is_chosen() {
        let mut v = BatchView::new("p:batch".into());
        v.update(snapshot(vec![
            group("unit", &[], Some(Status::Succeeded)),
            group("lint", &[], Some(Status::InProgress)),
            group("package", &["unit", "lint"], None),
        ]));
        assert_eq!(v.shown_build().as_deref(), Some("p:lint"));
        assert_eq!(v.cursor, 1, "the cursor starts on the shown group");
        v.move_cursor(-5);
        assert_eq!(v.cursor, 0);
        v.choose();
        assert_eq!(v.shown_build().as_deref(), Some("p:unit"));
        v.move_cursor(9);
        assert_eq!(v.cursor, 2);
        v.choose();
        assert_eq!(v.shown_build(), None, "a group that has not started has no build yet");
        v.choose();
        assert_eq!(v.chosen, None, "Enter again goes back to following the running group");
    }

    #[test]
    fn build_ids_come_from_arns() {
        assert_eq!(build_id_of("arn:aws:codebuild:us-east-1:1:build/p:u-1").as_deref(), Some("p:u-1"));
        assert_eq!(build_id_of("arn:aws:codebuild:us-east-1:1:build-batch/p:u"), None);
    }
}
