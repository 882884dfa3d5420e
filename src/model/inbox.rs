//! The approvals inbox (`A`): every manual approval waiting across a set of
//! pipelines, each named by where it lives (`Target`: profile, Region,
//! pipeline). Today the targets are the current connection's pipeline list;
//! a fleet view hands in targets across profiles and Regions the same way.

use std::collections::HashMap;

use crate::model::snapshot::{PipelineSnapshot, Time};

/// Where a pipeline lives: one account's profile, one Region, one name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Target {
    /// `None`: the default credential chain.
    pub profile: Option<String>,
    pub region: String,
    pub pipeline: String,
}

impl Target {
    /// "mlops-demo" or, away from `home`, "mlops-demo (prod/eu-west-1)".
    pub fn label(&self, home: Option<&Target>) -> String {
        match home {
            Some(h) if h.profile == self.profile && h.region == self.region => self.pipeline.clone(),
            _ => format!("{} ({}/{})", self.pipeline, self.profile.as_deref().unwrap_or("default"), self.region),
        }
    }
}

/// One manual approval waiting for an answer (GetPipelineState's
/// `latestExecution` with a token), with what its declaration says
/// (GetPipeline `configuration.CustomData` and `ExternalEntityLink`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    pub stage: String,
    pub action: String,
    pub token: String,
    pub execution_id: Option<String>,
    /// `latestExecution.lastStatusChange`: when it started waiting.
    pub since: Option<Time>,
    pub custom_data: Option<String>,
    pub external_link: Option<String>,
}

/// The approvals waiting in `state`, in stage order, without their declared
/// configuration (GetPipelineState alone does not carry it).
pub fn approvals_in(state: &PipelineSnapshot) -> Vec<Approval> {
    let mut out = Vec::new();
    for stage in &state.stages {
        for action in &stage.actions {
            if let Some(token) = &action.approval_token {
                out.push(Approval {
                    stage: stage.name.clone(),
                    action: action.name.clone(),
                    token: token.clone(),
                    execution_id: stage.latest_execution.as_ref().map(|(id, _)| id.clone()),
                    since: action.last_change,
                    custom_data: None,
                    external_link: None,
                });
            }
        }
    }
    out
}

/// One inbox row: an approval and where it waits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxRow {
    pub target: Target,
    pub approval: Approval,
}

/// What the inbox knows: per target, the approvals its last read found, or
/// why it could not be read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inbox {
    /// The pipelines swept while the inbox is open.
    pub targets: Vec<Target>,
    read: HashMap<Target, Result<Vec<Approval>, String>>,
    /// The selected row of `rows()`.
    pub selected: usize,
    /// Why the last key did nothing (read-only, nothing selected).
    pub problem: Option<String>,
}

impl Inbox {
    /// Every waiting approval, the longest-waiting first, then by place.
    pub fn rows(&self) -> Vec<InboxRow> {
        let mut rows: Vec<InboxRow> = self
            .targets
            .iter()
            .filter_map(|t| Some((t, self.read.get(t)?.as_ref().ok()?)))
            .flat_map(|(t, list)| list.iter().map(|a| InboxRow { target: t.clone(), approval: a.clone() }))
            .collect();
        rows.sort_by(|a, b| {
            let since = |r: &InboxRow| r.approval.since.map_or(i64::MAX, |t| t.timestamp());
            (since(a), &a.target, &a.approval.stage, &a.approval.action).cmp(&(
                since(b),
                &b.target,
                &b.approval.stage,
                &b.approval.action,
            ))
        });
        rows
    }

    /// The selected row, if any.
    pub fn selected_row(&self) -> Option<InboxRow> {
        self.rows().into_iter().nth(self.selected)
    }

    /// Targets read so far (answered or failed) out of all.
    pub fn progress(&self) -> (usize, usize) {
        (self.targets.iter().filter(|t| self.read.contains_key(t)).count(), self.targets.len())
    }

    /// Targets whose last read failed, with the reason.
    pub fn failures(&self) -> Vec<(&Target, &str)> {
        self.targets.iter().filter_map(|t| Some((t, self.read.get(t)?.as_ref().err()?.as_str()))).collect()
    }

    /// Records one target's read; returns whether anything shown changed.
    pub fn record(&mut self, target: Target, result: Result<Vec<Approval>, String>) -> bool {
        if self.read.get(&target) == Some(&result) {
            return false;
        }
        self.read.insert(target, result);
        self.clamp();
        true
    }

    /// Forgets an approval answered from here (the next read confirms it).
    pub fn forget(&mut self, target: &Target, stage: &str, action: &str) {
        if let Some(Ok(list)) = self.read.get_mut(target) {
            list.retain(|a| !(a.stage == stage && a.action == action));
        }
        self.clamp();
    }

    /// New targets: reads of targets no longer listed are dropped.
    pub fn set_targets(&mut self, targets: Vec<Target>) {
        self.read.retain(|t, _| targets.contains(t));
        self.targets = targets;
        self.clamp();
    }

    fn clamp(&mut self) {
        self.selected = self.selected.min(self.rows().len().saturating_sub(1));
    }
}

pub mod samples;
#[cfg(test)]
mod tests;
