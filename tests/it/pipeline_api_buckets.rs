//! The buckets an API-defined pipeline names are not made for it, as on AWS.
//! CodePipeline API Reference, CreatePipeline and UpdatePipeline, Errors:
//! InvalidStructureException ("An error occurred while validating the
//! artifact bucket"): an artifact store whose bucket does not exist is
//! refused. A source bucket that does not exist is no declaration error: the
//! pipeline is created and its runs fail at the Source action.

use crate::harness::{self, LONG, eventually};
use crate::pipeline_api::{build, declaration, source, stage};

const MESSAGE: &str = "An error occurred while validating the artifact bucket 'sdk-artifacts'";

#[tokio::test]
async fn a_missing_artifact_bucket_is_refused_and_a_missing_source_bucket_fails_the_run() {
    let env = harness::start().await;
    let cp = aws_sdk_codepipeline::Client::new(&harness::retrying(&env.sdk));
    let two = || vec![stage("Source", vec![source()]), stage("Build", vec![build()])];

    let err = cp.create_pipeline().pipeline(declaration("sdk", two())).send().await.expect_err("no artifact bucket");
    let err = err.into_service_error();
    assert_eq!(err.meta().code(), Some("InvalidStructureException"), "{err:?}");
    assert_eq!(err.meta().message(), Some(MESSAGE));
    let gone = cp.get_pipeline().name("sdk").send().await.expect_err("nothing was created");
    assert_eq!(gone.into_service_error().meta().code(), Some("PipelineNotFoundException"));

    // The artifact bucket alone: the pipeline is created, its source bucket is not there.
    let s3 = harness::s3_client(&harness::retrying(&env.sdk));
    s3.create_bucket().bucket("sdk-artifacts").send().await.expect("artifact bucket");
    let created = cp.create_pipeline().pipeline(declaration("sdk", two())).send().await.expect("created");
    assert_eq!(created.pipeline().and_then(|p| p.version()), Some(1));
    let message = eventually("the CreatePipeline run to fail at Source", LONG, || async {
        let state = cp.get_pipeline_state().name("sdk").send().await.ok()?;
        let source = state.stage_states().first()?.action_states().first()?.latest_execution()?;
        if source.status()?.as_str() != "Failed" {
            return None;
        }
        source.error_details()?.message().map(str::to_string)
    })
    .await;
    // S3's NoSuchBucket message, naming the bucket.
    assert!(message.contains("The specified bucket 'sdk-src' does not exist"), "{message}");
    let runs = cp.list_pipeline_executions().pipeline_name("sdk").send().await.expect("executions");
    let first = runs.pipeline_execution_summaries().last().expect("a run");
    assert_eq!(first.status().map(|s| s.as_str()), Some("Failed"), "{first:?}");
    assert_eq!(first.trigger().and_then(|t| t.trigger_type()).map(|t| t.as_str()), Some("CreatePipeline"));

    // UpdatePipeline checks the artifact store too, and keeps the old declaration.
    let mut moved = declaration("sdk", two());
    if let Some(store) = moved.artifact_store.as_mut() {
        store.location = "moved-artifacts".into();
    }
    let err = cp.update_pipeline().pipeline(moved).send().await.expect_err("no such artifact bucket");
    let err = err.into_service_error();
    assert_eq!(err.meta().code(), Some("InvalidStructureException"), "{err:?}");
    assert_eq!(err.meta().message(), Some("An error occurred while validating the artifact bucket 'moved-artifacts'"));
    let got = cp.get_pipeline().name("sdk").send().await.expect("still there");
    let pipeline = got.pipeline().expect("declaration");
    assert_eq!(pipeline.version(), Some(1));
    assert_eq!(pipeline.artifact_store().map(|s| s.location()), Some("sdk-artifacts"));

    // With the artifact bucket there, UpdatePipeline is accepted (version 2).
    let updated = cp.update_pipeline().pipeline(declaration("sdk", two())).send().await.expect("updated");
    assert_eq!(updated.pipeline().and_then(|p| p.version()), Some(2));
}
