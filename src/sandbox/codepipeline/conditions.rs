//! Stage conditions (CodePipeline User Guide, "Configure conditions for a
//! stage" and "How do stage conditions work?"; API Reference, StageDeclaration,
//! BeforeEntryConditions, SuccessConditions, Condition, RuleDeclaration,
//! StageConditionState). A condition is met when all its rules succeed; when
//! one fails, the condition's result engages: a beforeEntry condition FAILs the
//! stage or SKIPs it, an onSuccess condition FAILs the stage or ROLLs it BACK.
//! An onFailure condition is checked when the stage fails, the other way
//! round: met, its result (ROLLBACK) engages; not met, the stage only fails.
//! A rule still in progress (a closed deployment window) holds the execution
//! until it decides or OverrideStageCondition lets the stage go on.

use chrono::Utc;
use serde_json::Value;

use super::rules::{self, Verdict};
use super::{Execution, Pipeline, Store, Time, new_id};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    BeforeEntry,
    OnSuccess,
    /// Checked when the stage fails: met (all rules succeed), the declared
    /// result (ROLLBACK) engages; not met, the stage just fails.
    OnFailure,
}

impl Kind {
    /// The StageDeclaration member.
    pub fn member(self) -> &'static str {
        match self {
            Kind::BeforeEntry => "beforeEntry",
            Kind::OnSuccess => "onSuccess",
            Kind::OnFailure => "onFailure",
        }
    }
    /// The StageState member.
    pub fn state_member(self) -> &'static str {
        match self {
            Kind::BeforeEntry => "beforeEntryConditionState",
            Kind::OnSuccess => "onSuccessConditionState",
            Kind::OnFailure => "onFailureConditionState",
        }
    }
    /// OverrideStageCondition's conditionType (ConditionType has no
    /// ON_FAILURE: an onFailure condition cannot be overridden).
    pub fn from_api(t: &str) -> Option<Kind> {
        match t {
            "BEFORE_ENTRY" => Some(Kind::BeforeEntry),
            "ON_SUCCESS" => Some(Kind::OnSuccess),
            _ => None,
        }
    }
}

/// One evaluation of one rule (a `ruleExecutionId`).
#[derive(Clone, Debug)]
pub struct RuleExec {
    pub id: String,
    pub decl: Value,
    pub status: String,
    pub started: Time,
    pub updated: Time,
    pub summary: Option<String>,
    pub resolved: std::collections::BTreeMap<String, String>,
    pub updated_by: Option<String>,
}

impl RuleExec {
    pub fn name(&self) -> &str {
        self.decl.get("name").and_then(Value::as_str).unwrap_or_default()
    }
}

/// One evaluation of a stage's condition in one execution.
#[derive(Clone, Debug)]
pub struct CondExec {
    pub stage: usize,
    pub kind: Kind,
    /// InProgress, Succeeded, Failed, Overridden.
    pub status: String,
    pub summary: Option<String>,
    pub updated: Time,
    pub rules: Vec<RuleExec>,
}

/// What the gate says about an execution at a condition.
#[derive(Debug, PartialEq)]
pub enum Gate {
    /// No such condition, or it is met or overridden: go on.
    Open,
    /// Rules still in progress; true if anything changed.
    Waiting(bool),
    /// A rule failed: the condition's result and why.
    Engage { result: String, why: String },
}

/// The stage's declared condition of `kind` (at most one, as the model says).
pub fn declared(p: &Pipeline, s: usize, kind: Kind) -> Option<&Value> {
    p.raw.pointer(&format!("/stages/{s}/{}/conditions/0", kind.member()))
}

/// Evaluates execution `i`'s condition of `kind` at stage `s`, starting it if
/// it has not run yet. Rollback executions pass: they redeploy a run that
/// already passed its conditions, and a failed rollback is not retried.
pub fn gate(store: &mut Store, i: usize, s: usize, kind: Kind) -> Gate {
    let Some(p) = store.pipelines.iter().find(|p| p.decl.name == store.executions[i].pipeline) else {
        return Gate::Open;
    };
    let Some(cond) = declared(p, s, kind) else { return Gate::Open };
    let e = &mut store.executions[i];
    if e.rollback_target.is_some() {
        return Gate::Open;
    }
    let result = cond.get("result").and_then(Value::as_str).unwrap_or("FAIL").to_string();
    let now = Utc::now();
    let mut changed = false;
    let at = match e.conditions.iter().position(|c| c.stage == s && c.kind == kind) {
        Some(at) => at,
        None => {
            let decls = cond.get("rules").and_then(Value::as_array).cloned().unwrap_or_default();
            let rules = decls
                .into_iter()
                .map(|decl| RuleExec {
                    id: new_id(),
                    resolved: rules::resolved_configuration(&decl, e),
                    decl,
                    status: "InProgress".into(),
                    started: now,
                    updated: now,
                    summary: None,
                    updated_by: None,
                })
                .collect();
            let c = CondExec { stage: s, kind, status: "InProgress".into(), summary: None, updated: now, rules };
            e.conditions.push(c);
            changed = true;
            e.conditions.len() - 1
        }
    };
    match e.conditions[at].status.as_str() {
        "InProgress" => {}
        "Failed" => {
            let why = e.conditions[at].summary.clone().unwrap_or_default();
            return Gate::Engage { result, why };
        }
        _ => return Gate::Open,
    }
    let verdicts: Vec<(usize, Verdict)> = e.conditions[at]
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.status == "InProgress")
        .map(|(r, x)| (r, rules::evaluate(&x.decl, e, now)))
        .collect();
    let c = &mut e.conditions[at];
    for (r, verdict) in verdicts {
        let rule = &mut c.rules[r];
        let (status, summary) = match verdict {
            Verdict::Pass(s) => ("Succeeded", s),
            Verdict::Fail(s) => ("Failed", s),
            Verdict::Wait(s) => ("InProgress", s),
        };
        if rule.status != status || rule.summary.as_deref() != Some(&summary) {
            rule.status = status.into();
            rule.summary = Some(summary);
            rule.updated = now;
            changed = true;
        }
    }
    if let Some(failed) = c.rules.iter().find(|r| r.status == "Failed") {
        let why = format!("rule {} failed: {}", failed.name(), failed.summary.clone().unwrap_or_default());
        // The condition is decided: rules still waiting are abandoned.
        for r in c.rules.iter_mut().filter(|r| r.status == "InProgress") {
            r.status = "Abandoned".into();
            r.updated = now;
        }
        c.status = "Failed".into();
        c.summary = Some(why.clone());
        c.updated = now;
        return Gate::Engage { result, why };
    }
    if c.rules.iter().all(|r| r.status == "Succeeded") {
        c.status = "Succeeded".into();
        c.summary = Some("all rules succeeded".into());
        c.updated = now;
        return Gate::Open;
    }
    let waiting = c.rules.iter().find(|r| r.status == "InProgress");
    let summary = waiting.map(|r| format!("rule {}: {}", r.name(), r.summary.clone().unwrap_or_default()));
    if c.summary != summary {
        c.summary = summary;
        c.updated = now;
        changed = true;
    }
    Gate::Waiting(changed)
}

/// A beforeEntry result engaged: FAIL ends the execution with the stage
/// Failed; SKIP marks the stage Skipped and moves on to the next one.
pub fn engage_entry(e: &mut Execution, s: usize, result: &str, why: String, last_stage: bool) {
    e.updated = Utc::now();
    if result == "SKIP" {
        e.stage_status[s] = Some("Skipped".into());
        if last_stage {
            e.status = "Succeeded".into();
            e.position = super::Position::Done;
        } else {
            e.position = super::Position::Waiting(s + 1);
        }
        return;
    }
    e.stage_status[s] = Some("Failed".into());
    e.status = "Failed".into();
    e.status_summary = Some(format!("Stage entry condition failed: {why}"));
    e.position = super::Position::Done;
}

/// A retried stage evaluates its onSuccess and onFailure conditions afresh.
pub fn forget_on_success(e: &mut Execution, s: usize) {
    e.conditions.retain(|c| !(c.stage == s && matches!(c.kind, Kind::OnSuccess | Kind::OnFailure)));
}
