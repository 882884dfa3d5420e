//! Pages of ListPipelines and ListPipelineExecutions as the CodePipeline API
//! model sets them: ListPipelineExecutions' maxResults is 1-100 with a default
//! of 100; ListPipelines' is 1-1000 with no documented default (the sandbox
//! pages by 100). Outside the bounds AWS answers ValidationException.

use aws_sdk_codepipeline::error::ProvideErrorMetadata;
use pipewatch::sandbox::Options;
use serde_json::{Value, json};

use crate::harness::{self, Env};

fn pipeline(name: &str) -> Value {
    json!({
        "name": name,
        "roleArn": "arn:aws:iam::123456789012:role/p",
        "stages": [
            { "name": "Source", "actions": [{
                "name": "Source",
                "actionTypeId": { "category": "Source", "owner": "AWS", "provider": "S3", "version": "1" },
                "configuration": { "S3Bucket": "paging-src", "S3ObjectKey": format!("{name}.zip"), "PollForSourceChanges": "false" },
                "outputArtifacts": [{ "name": "Src" }]
            }]},
            { "name": "Approve", "actions": [{
                "name": "Approve",
                "actionTypeId": { "category": "Approval", "owner": "AWS", "provider": "Manual", "version": "1" }
            }]}
        ]
    })
}

async fn start(pipelines: usize) -> (Env, tempfile::TempDir) {
    let all: Vec<Value> = (0..pipelines).map(|i| pipeline(&format!("p{i:03}"))).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    std::fs::write(&path, json!({ "pipelines": all }).to_string()).unwrap();
    (harness::start_with(Options { config: Some(path), ..Options::ephemeral() }).await, dir)
}

fn validation<E: ProvideErrorMetadata>(e: E) -> String {
    assert_eq!(e.code(), Some("ValidationException"));
    e.message().unwrap_or_default().to_string()
}

// CodePipeline API Reference, ListPipelines: maxResults 1 to 1000.
#[tokio::test]
async fn list_pipelines_pages_by_100_and_honours_max_results() {
    let (env, _dir) = start(105).await;
    let cp = env.codepipeline();
    let first = cp.list_pipelines().send().await.unwrap();
    assert_eq!(first.pipelines().len(), 100);
    let token = first.next_token().expect("more pipelines than a page");
    let rest = cp.list_pipelines().next_token(token).send().await.unwrap();
    assert_eq!(rest.pipelines().len(), 5);
    assert!(rest.next_token().is_none());
    let names: Vec<&str> = first.pipelines().iter().chain(rest.pipelines()).filter_map(|p| p.name()).collect();
    assert_eq!(names.len(), 105);
    assert_eq!(names[104], "p104");

    assert_eq!(cp.list_pipelines().max_results(1000).send().await.unwrap().pipelines().len(), 105);
    let two = cp.list_pipelines().max_results(2).send().await.unwrap();
    assert_eq!(two.pipelines().len(), 2);
    assert!(two.next_token().is_some());
    let err = cp.list_pipelines().max_results(1001).send().await.unwrap_err().into_service_error();
    assert!(validation(err).contains("less than or equal to 1000"));
    let err = cp.list_pipelines().max_results(0).send().await.unwrap_err().into_service_error();
    assert!(validation(err).contains("greater than or equal to 1"));
}

// CodePipeline API Reference, ListPipelineExecutions: maxResults 1 to 100,
// "Default value is 100".
#[tokio::test]
async fn list_pipeline_executions_pages_by_100_and_refuses_more() {
    let (env, _dir) = start(1).await;
    // 101 starts exceed StartPipelineExecution's 10 a second: a retrying client.
    let patient = aws_sdk_codepipeline::Client::new(&harness::retrying(&env.sdk));
    for _ in 0..101 {
        patient.start_pipeline_execution().name("p000").send().await.unwrap();
    }
    let cp = env.codepipeline();
    let first = cp.list_pipeline_executions().pipeline_name("p000").send().await.unwrap();
    assert_eq!(first.pipeline_execution_summaries().len(), 100);
    let token = first.next_token().expect("a second page");
    let rest = cp.list_pipeline_executions().pipeline_name("p000").next_token(token).send().await.unwrap();
    assert_eq!(rest.pipeline_execution_summaries().len(), 1);
    let ten = cp.list_pipeline_executions().pipeline_name("p000").max_results(10).send().await.unwrap();
    assert_eq!(ten.pipeline_execution_summaries().len(), 10);
    let over = cp.list_pipeline_executions().pipeline_name("p000").max_results(101).send().await;
    assert!(validation(over.unwrap_err().into_service_error()).contains("less than or equal to 100"));
}
