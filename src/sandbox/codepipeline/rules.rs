//! The rule types a stage condition can hold (CodePipeline User Guide, "Rule
//! reference"): VariableCheck and DeploymentWindow run for real; any other
//! provider fails its rule saying the sandbox does not run it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::Execution;
use super::variables::resolve;

/// What one evaluation of a rule says.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Pass(String),
    Fail(String),
    /// Not decided yet: evaluated again on the next engine step.
    Wait(String),
}

/// The rule's configuration with `#{...}` references resolved (unresolvable
/// ones kept as written, and reported by the rule).
pub fn resolved_configuration(rule: &Value, e: &Execution) -> BTreeMap<String, String> {
    let Some(config) = rule.get("configuration").and_then(Value::as_object) else { return BTreeMap::new() };
    config
        .iter()
        .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), resolve(v, e).unwrap_or_else(|_| v.to_string()))))
        .collect()
}

pub fn provider(rule: &Value) -> &str {
    rule.pointer("/ruleTypeId/provider").and_then(Value::as_str).unwrap_or_default()
}

pub fn evaluate(rule: &Value, e: &Execution, now: DateTime<Utc>) -> Verdict {
    let config = |k: &str| rule.pointer(&format!("/configuration/{k}")).and_then(Value::as_str);
    match provider(rule) {
        "VariableCheck" => variable_check(config("Variable"), config("Operator"), config("Value"), e),
        "DeploymentWindow" => deployment_window(config("Cron"), config("TimeZone"), now),
        other => Verdict::Fail(format!(
            "the sandbox does not run {other} rules (it runs VariableCheck and DeploymentWindow)"
        )),
    }
}

/// "Rule reference: VariableCheck": Operator EQ, NE, CONTAINS or MATCHES
/// (a regular expression) between the resolved Variable and Value.
fn variable_check(variable: Option<&str>, operator: Option<&str>, value: Option<&str>, e: &Execution) -> Verdict {
    let (Some(variable), Some(operator), Some(expected)) = (variable, operator, value) else {
        return Verdict::Fail("VariableCheck needs Variable, Operator and Value".into());
    };
    let actual = match resolve(variable, e) {
        Ok(v) => v,
        Err(reference) => return Verdict::Fail(format!("{reference} resolves to no value in this execution")),
    };
    let held = match operator {
        "EQ" => actual == expected,
        "NE" => actual != expected,
        "CONTAINS" => actual.contains(expected),
        "MATCHES" => match regex_lite::Regex::new(&format!("^(?:{expected})$")) {
            Ok(re) => re.is_match(&actual),
            Err(err) => return Verdict::Fail(format!("Value `{expected}` is not a regular expression: {err}")),
        },
        other => return Verdict::Fail(format!("Operator {other} is not one of EQ, NE, CONTAINS, MATCHES")),
    };
    let said = format!("{variable} is '{actual}', checked {operator} '{expected}'");
    if held { Verdict::Pass(said) } else { Verdict::Fail(said) }
}

/// "Rule reference: DeploymentWindow": passes while the current time is inside
/// the cron window; until then the rule stays in progress. The sandbox keeps
/// UTC only (TimeZone absent or UTC).
fn deployment_window(cron: Option<&str>, zone: Option<&str>, now: DateTime<Utc>) -> Verdict {
    let Some(cron) = cron else { return Verdict::Fail("DeploymentWindow needs Cron".into()) };
    if zone.is_some_and(|z| !z.eq_ignore_ascii_case("UTC")) {
        return Verdict::Fail(format!("TimeZone {} is not supported by the sandbox: use UTC", zone.unwrap_or("")));
    }
    match super::cron::matches(cron, now) {
        Ok(true) => Verdict::Pass(format!("inside the deployment window {cron}")),
        Ok(false) => Verdict::Wait(format!("waiting for the deployment window {cron}")),
        Err(err) => Verdict::Fail(format!("Cron {cron}: {err}")),
    }
}

/// The results each kind of condition takes ("Configure conditions for a
/// stage": entry conditions FAIL or SKIP, success conditions ROLLBACK, and
/// FAIL as the API's Condition allows, failure conditions only ROLLBACK:
/// "Rules are engaged with the following result option: Rollback"), one
/// condition per kind (onFailure may declare none: a plain result), and 1 to 5
/// rules of category Rule, each named, with a provider (API model,
/// ConditionList, RuleDeclarationList, RuleTypeId).
pub fn check_conditions(stage: &Value) -> Result<(), String> {
    let kinds =
        [("beforeEntry", &["FAIL", "SKIP"][..]), ("onSuccess", &["ROLLBACK", "FAIL"]), ("onFailure", &["ROLLBACK"])];
    for (member, results) in kinds {
        let Some(block) = stage.get(member) else { continue };
        if member == "onFailure" && block.get("conditions").is_none() {
            continue;
        }
        let conditions = block.get("conditions").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        if conditions.len() != 1 {
            return Err(format!("{member} needs exactly one condition, it has {}", conditions.len()));
        }
        let cond = &conditions[0];
        let result = cond.get("result").and_then(Value::as_str).unwrap_or("FAIL");
        if !results.contains(&result) {
            return Err(format!("{member}: result {result} is not one of {}", results.join(", ")));
        }
        let rules = cond.get("rules").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        if rules.is_empty() || rules.len() > 5 {
            return Err(format!("{member}: a condition needs 1 to 5 rules, it has {}", rules.len()));
        }
        for rule in rules {
            let named = rule.get("name").and_then(Value::as_str).is_some_and(|n| !n.is_empty());
            let category = rule.pointer("/ruleTypeId/category").and_then(Value::as_str);
            if !named || category != Some("Rule") || provider(rule).is_empty() {
                return Err(format!(
                    "{member}: each rule needs a name and a ruleTypeId of category Rule with a provider"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn execution(vars: &[(&str, &str)]) -> Execution {
        let now = Utc::now();
        Execution {
            id: "e1".into(),
            pipeline: "p".into(),
            status: "InProgress".into(),
            status_summary: None,
            trigger_type: "StartPipelineExecution".into(),
            trigger_detail: String::new(),
            mode: "QUEUED".into(),
            started: now,
            updated: now,
            position: super::super::Position::Waiting(1),
            stage_status: vec![None, None],
            actions: Vec::new(),
            sources: Vec::new(),
            artifacts: Default::default(),
            stop: None,
            client_token: None,
            variables: vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            rollback_target: None,
            retries: Default::default(),
            conditions: Vec::new(),
        }
    }

    fn check(op: &str, value: &str) -> Verdict {
        let rule = json!({"name": "R", "ruleTypeId": {"category": "Rule", "provider": "VariableCheck"},
            "configuration": {"Variable": "#{variables.ENV}", "Operator": op, "Value": value}});
        evaluate(&rule, &execution(&[("ENV", "prod-eu")]), Utc::now())
    }

    #[test]
    fn variable_check_compares_as_documented() {
        assert!(matches!(check("EQ", "prod-eu"), Verdict::Pass(_)));
        assert!(matches!(check("EQ", "prod"), Verdict::Fail(s) if s.contains("is 'prod-eu', checked EQ 'prod'")));
        assert!(matches!(check("NE", "dev"), Verdict::Pass(_)));
        assert!(matches!(check("CONTAINS", "prod"), Verdict::Pass(_)));
        assert!(matches!(check("MATCHES", "prod-[a-z]+"), Verdict::Pass(_)));
        assert!(matches!(check("MATCHES", "prod"), Verdict::Fail(_)));
        assert!(matches!(check("GT", "1"), Verdict::Fail(s) if s.contains("not one of")));
    }

    #[test]
    fn an_unknown_variable_and_an_unknown_provider_fail_their_rule() {
        let rule = json!({"name": "R", "ruleTypeId": {"provider": "VariableCheck"},
            "configuration": {"Variable": "#{variables.NOPE}", "Operator": "EQ", "Value": "x"}});
        assert!(
            matches!(evaluate(&rule, &execution(&[]), Utc::now()), Verdict::Fail(s) if s.contains("#{variables.NOPE}"))
        );
        let lambda = json!({"name": "L", "ruleTypeId": {"provider": "LambdaInvoke"}});
        assert!(
            matches!(evaluate(&lambda, &execution(&[]), Utc::now()), Verdict::Fail(s) if s.contains("LambdaInvoke"))
        );
    }

    #[test]
    fn a_deployment_window_waits_until_it_opens() {
        let rule = |cron: &str| json!({"name": "W", "ruleTypeId": {"provider": "DeploymentWindow"}, "configuration": {"Cron": cron}});
        assert!(matches!(evaluate(&rule("* * * * ? *"), &execution(&[]), Utc::now()), Verdict::Pass(_)));
        assert!(matches!(evaluate(&rule("* * * * ? 2099"), &execution(&[]), Utc::now()), Verdict::Wait(_)));
    }

    #[test]
    fn a_failure_condition_takes_only_the_rollback_result() {
        // User Guide, "Configure conditions for a stage": On Failure "Rules
        // are engaged with the following result option: Rollback".
        let rule = json!({"name": "R", "ruleTypeId": {"category": "Rule", "provider": "VariableCheck"}});
        let stage = |result: &str| json!({"onFailure": {"result": "ROLLBACK", "conditions": [{"result": result, "rules": [rule]}]}});
        assert_eq!(check_conditions(&stage("ROLLBACK")), Ok(()));
        for other in ["FAIL", "SKIP", "RETRY"] {
            let err = check_conditions(&stage(other)).unwrap_err();
            assert_eq!(err, format!("onFailure: result {other} is not one of ROLLBACK"));
        }
        // A plain failure result without conditions stays allowed.
        assert_eq!(check_conditions(&json!({"onFailure": {"result": "RETRY"}})), Ok(()));
    }
}
