//! The checks CreatePipeline and UpdatePipeline make, on declarations built
//! from the README's example (CodePipeline API Reference, CreatePipeline).

use serde_json::{Value, json};

use super::check;

fn example() -> Value {
    let text = include_str!("../../../../assets/sandbox/api/pipeline.json");
    serde_json::from_str::<Value>(text).unwrap()["pipeline"].clone()
}

/// The code and message `check` answers `edit`ed example with.
fn refused(edit: impl FnOnce(&mut Value)) -> (String, String) {
    let mut p = example();
    edit(&mut p);
    let err = check(Some(&p)).unwrap_err();
    (err.code, err.message)
}

fn codebuild(name: &str, order: u32, inputs: &[&str], outputs: &[&str]) -> Value {
    let names = |list: &[&str]| list.iter().map(|n| json!({ "name": n })).collect::<Vec<_>>();
    json!({
        "name": name, "runOrder": order,
        "actionTypeId": { "category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1" },
        "configuration": { "ProjectName": "p" },
        "inputArtifacts": names(inputs), "outputArtifacts": names(outputs)
    })
}

#[test]
fn the_readme_examples_pass() {
    assert!(check(Some(&example())).is_ok());
    let update: Value =
        serde_json::from_str(include_str!("../../../../assets/sandbox/api/pipeline-update.json")).unwrap();
    assert!(check(update.get("pipeline")).is_ok());
    let (code, message) = (check(None).unwrap_err().code, check(None).unwrap_err().message);
    assert_eq!(code, "ValidationException");
    assert!(message.contains("Value null at 'pipeline'"), "{message}");
}

#[test]
fn an_artifact_is_read_only_after_an_earlier_run_order_wrote_it() {
    let mut p = example();
    p["stages"][1]["actions"] = json!([codebuild("Build", 1, &["Src"], &["Out"]), codebuild("Test", 2, &["Out"], &[])]);
    assert!(check(Some(&p)).is_ok());
    let (code, message) = refused(|p| {
        p["stages"][1]["actions"] =
            json!([codebuild("Build", 1, &["Src"], &["Out"]), codebuild("Test", 1, &["Out"], &[])]);
    });
    assert_eq!(code, "InvalidStructureException");
    assert!(message.contains("'Out'"), "{message}");
    let (code, message) = refused(|p| {
        p["stages"][1]["actions"] = json!([codebuild("Build", 1, &["Src"], &["Src"])]);
    });
    assert_eq!(code, "InvalidStructureException");
    assert!(message.contains("'Src' is used by more than one action"), "{message}");
}

#[test]
fn every_constraint_failure_is_reported_at_once_naming_its_member() {
    let (code, message) = refused(|p| {
        p["name"] = json!("has space");
        p["stages"][1]["actions"][0]["runOrder"] = json!(1000);
    });
    assert_eq!(code, "ValidationException");
    assert!(message.starts_with("2 validation errors detected: "), "{message}");
    assert!(message.contains("'pipeline.stages.2.member.actions.1.member.runOrder'"), "{message}");
    assert!(message.contains("Value 'has space' at 'pipeline.name'"), "{message}");
}

#[test]
fn stores_owners_and_configuration_are_checked() {
    let (code, message) = refused(|p| {
        p["artifactStores"] = json!({ "us-east-1": { "type": "S3", "location": "abc" } });
    });
    assert_eq!((code.as_str(), message.contains("exactly one")), ("InvalidStructureException", true), "{message}");
    let (code, message) = refused(|p| p["stages"][1]["actions"][0]["actionTypeId"]["owner"] = json!("ThirdParty"));
    assert_eq!(code, "InvalidActionDeclarationException");
    assert!(message.contains("Owner: 'ThirdParty'"), "{message}");
    let (code, message) = refused(|p| p["stages"][1]["actions"][0]["configuration"]["Project"] = json!("typo"));
    assert_eq!(code, "InvalidActionDeclarationException");
    assert!(message.contains("unknown configuration 'Project'"), "{message}");
    let (code, message) = refused(|p| p["pipelineType"] = json!("V1"));
    assert_eq!(code, "ValidationException");
    assert!(message.contains("QUEUED needs pipelineType V2"), "{message}");
}
