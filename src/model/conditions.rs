//! Stage conditions as plain data (CodePipeline API Reference,
//! StageConditionState, RuleExecutionDetail): what GetPipelineState says of a
//! stage's beforeEntry and onSuccess conditions, what ListRuleExecutions adds
//! (the rule's type and error), and the line the graph writes for a stage
//! that waits on or was failed by a condition.

use super::snapshot::{PipelineSnapshot, StageSnapshot};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConditionKind {
    BeforeEntry,
    OnSuccess,
    /// Checked when the stage fails: met, its result (a rollback) engages.
    OnFailure,
}

impl ConditionKind {
    /// How the graph names it: "entry", "success", "on failure".
    pub fn word(self) -> &'static str {
        match self {
            ConditionKind::BeforeEntry => "entry",
            ConditionKind::OnSuccess => "success",
            ConditionKind::OnFailure => "on failure",
        }
    }
}

/// One rule of a condition: its latest evaluation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleStatus {
    pub name: String,
    /// InProgress, Succeeded, Failed, Abandoned (None: never ran).
    pub status: Option<String>,
    pub summary: Option<String>,
    pub rule_execution_id: Option<String>,
}

/// A stage's condition of one kind, as GetPipelineState shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct StageCondition {
    pub kind: ConditionKind,
    /// InProgress, Succeeded, Failed, Overridden, ... (None: never evaluated).
    pub status: Option<String>,
    pub summary: Option<String>,
    pub rules: Vec<RuleStatus>,
}

/// One ListRuleExecutions entry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleRun {
    pub rule_execution_id: String,
    pub execution_id: String,
    pub stage: String,
    pub rule: String,
    /// The rule type's provider, e.g. VariableCheck, DeploymentWindow.
    pub provider: Option<String>,
    pub status: Option<String>,
    /// The error message, else the execution summary.
    pub message: Option<String>,
}

impl StageCondition {
    /// Waiting on its rules, or failed: worth a line in the graph. A met
    /// onFailure condition is too: it rolls the stage back.
    pub fn holds(&self) -> bool {
        let met_on_failure = self.kind == ConditionKind::OnFailure && self.status.as_deref() == Some("Succeeded");
        met_on_failure || matches!(self.status.as_deref(), Some("InProgress" | "Failed"))
    }
}

/// The condition of `stage` that holds it now, if any (entry first).
pub fn holding(stage: &StageSnapshot) -> Option<&StageCondition> {
    stage.v2.conditions.iter().find(|c| c.holds())
}

/// Any condition in progress: ListRuleExecutions is worth polling.
pub fn any_in_progress(state: &PipelineSnapshot) -> bool {
    state.stages.iter().flat_map(|s| &s.v2.conditions).any(|c| c.status.as_deref() == Some("InProgress"))
}

/// What the conditions look like now: when it changes, a condition started
/// or ended, and ListRuleExecutions is asked once more.
pub fn fingerprint(state: &PipelineSnapshot) -> Vec<(String, Option<String>, Vec<Option<String>>)> {
    state
        .stages
        .iter()
        .flat_map(|s| s.v2.conditions.iter().map(move |c| (s, c)))
        .filter(|(_, c)| c.status.is_some())
        .map(|(s, c)| {
            let ids = c.rules.iter().map(|r| r.rule_execution_id.clone()).collect();
            (format!("{}/{}", s.name, c.kind.word()), c.status.clone(), ids)
        })
        .collect()
}

/// "Deploy entry: rule CheckEnv (VariableCheck) failed: …" or "Deploy entry:
/// waiting on rule Window: …", the rule's detail from ListRuleExecutions
/// when it has one.
pub fn describe(stage: &StageSnapshot, cond: &StageCondition, runs: &[RuleRun]) -> String {
    let head = format!("{} {}", stage.name, cond.kind.word());
    let rule = cond
        .rules
        .iter()
        .find(|r| r.status.as_deref() == Some("Failed"))
        .or_else(|| cond.rules.iter().find(|r| r.status.as_deref() == Some("InProgress")))
        .or(cond.rules.first());
    let Some(rule) = rule else {
        return format!("{head}: {}", cond.summary.clone().unwrap_or_else(|| "condition".into()));
    };
    let run = runs.iter().find(|r| Some(&r.rule_execution_id) == rule.rule_execution_id.as_ref());
    let provider = run.and_then(|r| r.provider.as_deref()).map(|p| format!(" ({p})")).unwrap_or_default();
    let why = run.and_then(|r| r.message.clone()).or_else(|| rule.summary.clone()).unwrap_or_default();
    if cond.kind == ConditionKind::OnFailure {
        // A failure condition's outcome is the rollback or its absence; the
        // rule's own reason would not fit 80 columns beside it.
        return match cond.status.as_deref() {
            Some("Succeeded") => format!("{head}: rule {}{provider} succeeded: rolling back", rule.name),
            Some("Failed") => format!("{head}: rule {}{provider} failed: no rollback", rule.name),
            _ => format!("{head}: waiting on rule {}{provider}", rule.name),
        };
    }
    let verb = match cond.status.as_deref() {
        // A SKIP result: the stage was skipped, not failed.
        Some("Failed") if skipped(stage) => format!("skipped: rule {}{provider} did not pass", rule.name),
        Some("Failed") => format!("rule {}{provider} failed", rule.name),
        _ => format!("waiting on rule {}{provider}", rule.name),
    };
    if why.is_empty() { format!("{head}: {verb}") } else { format!("{head}: {verb}: {why}") }
}

/// The stage's latest execution skipped it (an entry condition's SKIP).
pub fn skipped(stage: &StageSnapshot) -> bool {
    matches!(stage.latest_execution, Some((_, super::snapshot::Status::Skipped)))
}

/// The lines for every stage a condition holds, in stage order.
pub fn lines(state: &PipelineSnapshot, runs: &[RuleRun]) -> Vec<String> {
    state.stages.iter().filter_map(|s| holding(s).map(|c| describe(s, c, runs))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(status: &str, rule_status: &str, summary: &str) -> StageCondition {
        StageCondition {
            kind: ConditionKind::BeforeEntry,
            status: Some(status.into()),
            summary: None,
            rules: vec![RuleStatus {
                name: "CheckEnv".into(),
                status: Some(rule_status.into()),
                summary: Some(summary.into()),
                rule_execution_id: Some("r1".into()),
            }],
        }
    }

    fn stage(c: StageCondition) -> StageSnapshot {
        let mut s = crate::model::samples::pipeline(crate::model::snapshot::Status::Succeeded).stages[3].clone();
        s.v2.conditions = vec![c];
        s
    }

    #[test]
    fn a_failed_rule_is_named_with_its_reason_and_type_once_known() {
        let s = stage(cond("Failed", "Failed", "ENV is 'dev', checked EQ 'prod'"));
        let c = holding(&s).unwrap();
        assert_eq!(describe(&s, c, &[]), "Deploy entry: rule CheckEnv failed: ENV is 'dev', checked EQ 'prod'");
        let run = RuleRun {
            rule_execution_id: "r1".into(),
            provider: Some("VariableCheck".into()),
            message: Some("ENV is 'dev'".into()),
            ..Default::default()
        };
        assert_eq!(describe(&s, c, &[run]), "Deploy entry: rule CheckEnv (VariableCheck) failed: ENV is 'dev'");
    }

    #[test]
    fn only_waiting_and_failed_conditions_hold_a_stage() {
        let waiting = stage(cond("InProgress", "InProgress", "waiting for the deployment window"));
        assert!(
            describe(&waiting, holding(&waiting).unwrap(), &[]).starts_with("Deploy entry: waiting on rule CheckEnv")
        );
        let mut skipped = stage(cond("Failed", "Failed", "ENV is 'dev'"));
        skipped.latest_execution = Some(("e1".into(), crate::model::snapshot::Status::Skipped));
        let said = describe(&skipped, holding(&skipped).unwrap(), &[]);
        assert_eq!(said, "Deploy entry: skipped: rule CheckEnv did not pass: ENV is 'dev'");
        for status in ["Succeeded", "Overridden"] {
            assert!(holding(&stage(cond(status, "Succeeded", ""))).is_none(), "{status}");
        }
    }

    #[test]
    fn a_failure_condition_says_whether_the_stage_rolls_back() {
        // API Reference, Condition: "result — The action to be done when the
        // condition is met. For example, rolling back an execution for a
        // failure condition"; StageState.onFailureConditionState.
        let run =
            RuleRun { rule_execution_id: "r1".into(), provider: Some("VariableCheck".into()), ..Default::default() };
        let mut met = cond("Succeeded", "Succeeded", "ENV is 'dev'");
        met.kind = ConditionKind::OnFailure;
        let s = stage(met.clone());
        let c = holding(&s).expect("a met failure condition holds a line");
        let said = describe(&s, c, std::slice::from_ref(&run));
        assert_eq!(said, "Deploy on failure: rule CheckEnv (VariableCheck) succeeded: rolling back");
        assert!(said.chars().count() <= 78, "fits 80 columns: {said}");
        let mut unmet = cond("Failed", "Failed", "ENV is 'dev'");
        unmet.kind = ConditionKind::OnFailure;
        let s = stage(unmet);
        assert_eq!(
            describe(&s, holding(&s).unwrap(), &[run]),
            "Deploy on failure: rule CheckEnv (VariableCheck) failed: no rollback"
        );
        // A met entry condition still holds no line.
        met.kind = ConditionKind::BeforeEntry;
        assert!(holding(&stage(met)).is_none());
    }
}
