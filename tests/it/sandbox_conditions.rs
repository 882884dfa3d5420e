//! Stage conditions through the real SDK: CodePipeline User Guide, "Configure
//! conditions for a stage" (entry conditions FAIL or SKIP the stage, success
//! conditions roll back), "Rule reference: VariableCheck" and
//! "DeploymentWindow"; API Reference, StageState.beforeEntryConditionState /
//! onSuccessConditionState, ListRuleExecutions, OverrideStageCondition
//! (ConditionNotOverridableException), StageExecutionStatus `Skipped`.

use std::time::Duration;

use aws_sdk_codepipeline::types::{ConditionType, PipelineVariable, RuleExecutionFilter};
use serde_json::{Value, json};

use crate::harness::{self, Env, eventually};
use crate::sandbox_v2_rollback::{DEPLOY, start, upload};

fn rule(name: &str, provider: &str, configuration: Value) -> Value {
    json!({ "name": name, "ruleTypeId": { "category": "Rule", "owner": "AWS", "provider": provider, "version": "1" },
            "configuration": configuration })
}

/// `#{variables.ENV}` compared with `value` by `op`.
pub(crate) fn env_check(op: &str, value: &str) -> Value {
    rule("CheckEnv", "VariableCheck", json!({ "Variable": "#{variables.ENV}", "Operator": op, "Value": value }))
}

/// Source, Deploy (with `conditions` merged into its declaration), Notify;
/// pipeline variable ENV defaults to dev.
pub(crate) fn config(name: &str, conditions: Value) -> String {
    let build = |stage: &str| {
        json!({ "name": stage,
            "actionTypeId": { "category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1" },
            "configuration": { "ProjectName": format!("{name}-deploy") },
            "inputArtifacts": [{ "name": "Src" }] })
    };
    let mut deploy = json!({ "name": "Deploy", "actions": [build("Deploy")] });
    if let (Some(d), Some(c)) = (deploy.as_object_mut(), conditions.as_object()) {
        d.extend(c.clone());
    }
    json!({
        "pipelines": [{
            "name": name, "pipelineType": "V2", "executionMode": "QUEUED",
            "variables": [{ "name": "ENV", "defaultValue": "dev" }],
            "artifactStore": { "type": "S3", "location": format!("{name}-artifacts") },
            "stages": [
                { "name": "Source", "actions": [{
                    "name": "Source",
                    "actionTypeId": { "category": "Source", "owner": "AWS", "provider": "S3", "version": "1" },
                    "configuration": { "S3Bucket": format!("{name}-src"), "S3ObjectKey": "src.zip", "PollForSourceChanges": "false" },
                    "outputArtifacts": [{ "name": "Src" }]
                }]},
                deploy,
                { "name": "Notify", "actions": [build("Notify")] }
            ]
        }],
        "projects": [{
            "name": format!("{name}-deploy"),
            "source": { "type": "CODEPIPELINE", "buildspec": DEPLOY },
            "environment": { "type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL" },
            "timeoutInMinutes": 5
        }]
    })
    .to_string()
}

fn cp(env: &Env) -> aws_sdk_codepipeline::Client {
    aws_sdk_codepipeline::Client::new(&harness::retrying(&env.sdk))
}

/// Starts a run with ENV=`value`; its id.
async fn start_with_env(env: &Env, name: &str, value: &str) -> String {
    start_with_var(env, name, "ENV", value).await
}

async fn start_with_var(env: &Env, name: &str, var: &str, value: &str) -> String {
    let var = PipelineVariable::builder().name(var).value(value).build().unwrap();
    let out = cp(env).start_pipeline_execution().name(name).variables(var).send().await.unwrap();
    out.pipeline_execution_id().unwrap().to_string()
}

async fn ended(env: &Env, name: &str, id: &str) -> String {
    eventually("the execution to end", Duration::from_secs(60), || async {
        let out = cp(env).get_pipeline_execution().pipeline_name(name).pipeline_execution_id(id).send().await.ok()?;
        let status = out.pipeline_execution()?.status()?.as_str().to_string();
        (status != "InProgress" && status != "Stopping").then_some(status)
    })
    .await
}

/// The id of the run the upload started.
async fn uploaded_run(env: &Env, name: &str) -> String {
    upload(env, name, "good").await;
    uploaded_run_of(env, name).await
}

async fn uploaded_run_of(env: &Env, name: &str) -> String {
    eventually("the uploaded run", Duration::from_secs(30), || async {
        let out = cp(env).list_pipeline_executions().pipeline_name(name).send().await.ok()?;
        out.pipeline_execution_summaries().first()?.pipeline_execution_id().map(str::to_string)
    })
    .await
}

/// Deploy's StageState.
async fn deploy_state(env: &Env, name: &str) -> aws_sdk_codepipeline::types::StageState {
    let state = cp(env).get_pipeline_state().name(name).send().await.unwrap();
    state.stage_states().iter().find(|s| s.stage_name() == Some("Deploy")).cloned().unwrap()
}

#[tokio::test]
async fn a_failed_entry_condition_fails_the_stage_and_says_which_rule() {
    let fail = json!({ "beforeEntry": { "conditions": [{ "result": "FAIL", "rules": [env_check("EQ", "prod")] }] } });
    let (env, _dir) = start(config("cf", fail)).await;
    let dev = uploaded_run(&env, "cf").await;
    assert_eq!(ended(&env, "cf", &dev).await, "Failed");
    let deploy = deploy_state(&env, "cf").await;
    assert_eq!(deploy.latest_execution().map(|e| e.status().as_str()), Some("Failed"));
    let cond = deploy.before_entry_condition_state().expect("beforeEntryConditionState");
    assert_eq!(cond.latest_execution().and_then(|e| e.status()).map(|s| s.as_str()), Some("Failed"));
    let rule = &cond.condition_states()[0].rule_states()[0];
    assert_eq!(rule.rule_name(), Some("CheckEnv"));
    let latest = rule.latest_execution().unwrap();
    assert_eq!(latest.status().map(|s| s.as_str()), Some("Failed"));
    assert!(latest.summary().unwrap().contains("is 'dev', checked EQ 'prod'"), "{latest:?}");
    // Deploy's actions never ran.
    let actions = cp(&env).list_action_executions().pipeline_name("cf").send().await.unwrap();
    assert!(actions.action_execution_details().iter().all(|a| a.stage_name() == Some("Source")));

    // With ENV=prod the rule passes and the run goes through.
    let prod = start_with_env(&env, "cf", "prod").await;
    assert_eq!(ended(&env, "cf", &prod).await, "Succeeded");
    let cond = deploy_state(&env, "cf").await.before_entry_condition_state().cloned().unwrap();
    assert_eq!(cond.latest_execution().and_then(|e| e.status()).map(|s| s.as_str()), Some("Succeeded"));

    // ListRuleExecutions: one per run, newest first, filtered and paged.
    let all = cp(&env).list_rule_executions().pipeline_name("cf").send().await.unwrap();
    let runs: Vec<(&str, &str)> = all
        .rule_execution_details()
        .iter()
        .map(|d| (d.pipeline_execution_id().unwrap(), d.status().unwrap().as_str()))
        .collect();
    assert_eq!(runs, [(prod.as_str(), "Succeeded"), (dev.as_str(), "Failed")]);
    let filter = RuleExecutionFilter::builder().pipeline_execution_id(&dev).build();
    let one = cp(&env).list_rule_executions().pipeline_name("cf").filter(filter).send().await.unwrap();
    let d = &one.rule_execution_details()[0];
    assert_eq!((d.rule_name(), d.stage_name()), (Some("CheckEnv"), Some("Deploy")));
    let input = d.input().unwrap();
    assert_eq!(input.rule_type_id().map(|t| t.provider()), Some("VariableCheck"));
    assert_eq!(input.resolved_configuration().and_then(|c| c.get("Variable")).map(String::as_str), Some("dev"));
    let result = d.output().and_then(|o| o.execution_result()).unwrap();
    assert!(result.external_execution_summary().unwrap().contains("'dev'"));
    assert!(result.error_details().is_some());
    let first = cp(&env).list_rule_executions().pipeline_name("cf").max_results(1).send().await.unwrap();
    let token = first.next_token().expect("a second page").to_string();
    let second = cp(&env).list_rule_executions().pipeline_name("cf").max_results(1).next_token(token).send().await;
    let second = second.unwrap();
    assert_eq!(second.rule_execution_details()[0].pipeline_execution_id(), Some(dev.as_str()));
    assert!(second.next_token().is_none());
}

#[tokio::test]
async fn a_skip_entry_condition_skips_the_stage_and_the_run_goes_on() {
    let skip = json!({ "beforeEntry": { "conditions": [{ "result": "SKIP", "rules": [env_check("EQ", "prod")] }] } });
    let (env, _dir) = start(config("cs", skip)).await;
    let run = uploaded_run(&env, "cs").await;
    assert_eq!(ended(&env, "cs", &run).await, "Succeeded");
    let state = cp(&env).get_pipeline_state().name("cs").send().await.unwrap();
    let status = |stage: &str| {
        let s = state.stage_states().iter().find(|s| s.stage_name() == Some(stage)).unwrap();
        s.latest_execution().map(|e| e.status().as_str().to_string())
    };
    assert_eq!(status("Deploy").as_deref(), Some("Skipped"));
    assert_eq!(status("Notify").as_deref(), Some("Succeeded"));
}

#[tokio::test]
async fn override_lets_a_stage_held_by_a_closed_deployment_window_enter() {
    let window = rule("Window", "DeploymentWindow", json!({ "Cron": "* * * * ? 2099" }));
    let held = json!({ "beforeEntry": { "conditions": [{ "result": "FAIL", "rules": [window] }] } });
    let (env, _dir) = start(config("cw", held)).await;
    let run = uploaded_run(&env, "cw").await;
    let waiting = eventually("Deploy's condition in progress", Duration::from_secs(30), || async {
        let cond = deploy_state(&env, "cw").await.before_entry_condition_state().cloned()?;
        let status = cond.latest_execution().and_then(|e| e.status()).map(|s| s.as_str().to_string());
        (status.as_deref() == Some("InProgress")).then_some(cond)
    })
    .await;
    let rule_state = &waiting.condition_states()[0].rule_states()[0];
    assert!(rule_state.latest_execution().and_then(|e| e.summary()).unwrap().contains("deployment window"));
    let listed = cp(&env).list_rule_executions().pipeline_name("cw").send().await.unwrap();
    assert_eq!(listed.rule_execution_details()[0].status().map(|s| s.as_str()), Some("InProgress"));

    let call = |kind: ConditionType| {
        let cp = cp(&env);
        let run = run.clone();
        async move {
            let req = cp.override_stage_condition().pipeline_name("cw").stage_name("Deploy");
            req.pipeline_execution_id(run).condition_type(kind).send().await
        }
    };
    // Deploy declares no success condition.
    let err = call(ConditionType::OnSuccess).await.unwrap_err().into_service_error();
    assert_eq!(err.meta().code(), Some("ConditionNotOverridableException"));
    call(ConditionType::BeforeEntry).await.expect("override");
    assert_eq!(ended(&env, "cw", &run).await, "Succeeded");
    let cond = deploy_state(&env, "cw").await.before_entry_condition_state().cloned().unwrap();
    assert_eq!(cond.latest_execution().and_then(|e| e.status()).map(|s| s.as_str()), Some("Overridden"));
    let rule = cond.condition_states()[0].rule_states()[0].latest_execution().cloned().unwrap();
    assert_eq!(rule.status().map(|s| s.as_str()), Some("Abandoned"));
    // Decided now: a second override is refused.
    let err = call(ConditionType::BeforeEntry).await.unwrap_err().into_service_error();
    assert_eq!(err.meta().code(), Some("NotLatestPipelineExecutionException"));
}

#[tokio::test]
async fn a_failed_success_condition_rolls_the_stage_back() {
    let guard =
        json!({ "onSuccess": { "conditions": [{ "result": "ROLLBACK", "rules": [env_check("NE", "broken")] }] } });
    let (env, _dir) = start(config("co", guard)).await;
    let good = uploaded_run(&env, "co").await;
    assert_eq!(ended(&env, "co", &good).await, "Succeeded");
    let bad = start_with_env(&env, "co", "broken").await;
    assert_eq!(ended(&env, "co", &bad).await, "Failed");
    let rollback = eventually("the rollback run", Duration::from_secs(60), || async {
        let out = cp(&env).list_pipeline_executions().pipeline_name("co").send().await.ok()?;
        let newest = out.pipeline_execution_summaries().first()?.clone();
        let done = newest.status().is_some_and(|s| s.as_str() == "Succeeded");
        (newest.execution_type().map(|t| t.as_str()) == Some("ROLLBACK") && done).then_some(newest)
    })
    .await;
    let target = rollback.rollback_metadata().and_then(|m| m.rollback_target_pipeline_execution_id());
    assert_eq!(target, Some(good.as_str()));
    let cond = deploy_state(&env, "co").await.on_success_condition_state().cloned().expect("onSuccessConditionState");
    assert_eq!(cond.latest_execution().and_then(|e| e.status()).map(|s| s.as_str()), Some("Failed"));
}

/// The V2 demo pipeline's entry condition (assets/sandbox/demo.json): Build is
/// skipped when DEPLOY_ENV is none, and runs by default. Also run inside the
/// conformance test, so these answers are checked against the API model.
pub(crate) async fn demo_v2_condition(env: &Env) {
    const V2: &str = "mlops-demo-v2";
    let zip = harness::zip_of(&[("README", "demo")]);
    let put = env.s3().put_object().bucket("pipewatch-demo-source").key("workspace-v2.zip");
    put.body(zip.into()).send().await.unwrap();
    let staging = uploaded_run_of(env, V2).await;
    let none = start_with_var(env, V2, "DEPLOY_ENV", "none").await;
    assert_eq!(ended(env, V2, &staging).await, "Succeeded");
    assert_eq!(ended(env, V2, &none).await, "Succeeded");
    let state = cp(env).get_pipeline_state().name(V2).send().await.unwrap();
    let build = state.stage_states().iter().find(|s| s.stage_name() == Some("Build")).unwrap();
    assert_eq!(build.latest_execution().map(|e| e.status().as_str()), Some("Skipped"));
    let cond = build.before_entry_condition_state().expect("the demo's entry condition");
    assert_eq!(cond.condition_states()[0].rule_states()[0].rule_name(), Some("SkipWhenNone"));
    let rules = cp(env).list_rule_executions().pipeline_name(V2).send().await.unwrap();
    let statuses: Vec<&str> =
        rules.rule_execution_details().iter().filter_map(|d| d.status()).map(|s| s.as_str()).collect();
    assert_eq!(statuses, ["Failed", "Succeeded"], "newest first: none failed the rule, staging passed it");
    let filter = RuleExecutionFilter::builder().pipeline_execution_id(&none).build();
    let one = cp(env).list_rule_executions().pipeline_name(V2).filter(filter).max_results(1).send().await.unwrap();
    assert_eq!(one.rule_execution_details().len(), 1);
    let over = cp(env).override_stage_condition().pipeline_name(V2).stage_name("Build").pipeline_execution_id(&none);
    let err = over.condition_type(ConditionType::BeforeEntry).send().await.unwrap_err().into_service_error();
    assert_eq!(err.meta().code(), Some("NotLatestPipelineExecutionException"), "the run has ended");
}

#[tokio::test]
async fn the_demo_v2_pipeline_skips_build_when_deploy_env_is_none() {
    let env = harness::start().await;
    demo_v2_condition(&env).await;
    demo_v2_override(&env).await;
}

/// UpdatePipeline gives the demo V2 pipeline's Build a closed deployment
/// window, a run waits at it, and OverrideStageCondition lets it in (so the
/// conformance run sees the operation succeed).
pub(crate) async fn demo_v2_override(env: &Env) {
    use aws_sdk_codepipeline::types::{
        BeforeEntryConditions, Condition, Result as ConditionResult, RuleCategory, RuleDeclaration, RuleOwner,
        RuleTypeId,
    };
    const V2: &str = "mlops-demo-v2";
    let got = cp(env).get_pipeline().name(V2).send().await.unwrap();
    let mut decl = got.pipeline().cloned().unwrap();
    let type_id = RuleTypeId::builder().category(RuleCategory::Rule).owner(RuleOwner::Aws).provider("DeploymentWindow");
    let window = RuleDeclaration::builder()
        .name("Window")
        .rule_type_id(type_id.version("1").build().unwrap())
        .configuration("Cron", "* * * * ? 2099")
        .build()
        .unwrap();
    let cond = Condition::builder().result(ConditionResult::Fail).rules(window).build();
    decl.stages[1].before_entry = Some(BeforeEntryConditions::builder().conditions(cond).build().unwrap());
    cp(env).update_pipeline().pipeline(decl).send().await.unwrap();
    let run = start_with_var(env, V2, "DEPLOY_ENV", "staging").await;
    eventually("Build's entry condition in progress", Duration::from_secs(30), || async {
        let state = cp(env).get_pipeline_state().name(V2).send().await.ok()?;
        let build = state.stage_states().iter().find(|s| s.stage_name() == Some("Build"))?;
        let status = build.before_entry_condition_state()?.latest_execution()?.status()?.as_str().to_string();
        (status == "InProgress").then_some(())
    })
    .await;
    let over = cp(env).override_stage_condition().pipeline_name(V2).stage_name("Build").pipeline_execution_id(&run);
    over.condition_type(ConditionType::BeforeEntry).send().await.expect("override");
    assert_eq!(ended(env, V2, &run).await, "Succeeded");
}
