//! CodePipeline answers an execution id it does not know with the errors
//! each operation models (botocore's codepipeline 2015-07-09 model; CodePipeline
//! API Reference, StopPipelineExecution and RetryStageExecution): the SDK
//! parses them into the operation's own error variants, not `Unhandled`.

use aws_sdk_codepipeline::operation::retry_stage_execution::RetryStageExecutionError;
use aws_sdk_codepipeline::operation::stop_pipeline_execution::StopPipelineExecutionError;
use aws_sdk_codepipeline::types::StageRetryMode;

use crate::harness::{self, PIPELINE, buildspec};

const UNKNOWN: &str = "0b0c0d0e-1111-4222-8333-444455556666";

#[tokio::test]
async fn unknown_execution_ids_get_the_modelled_errors() {
    let env = harness::start().await;
    let cp = env.codepipeline();
    let retry = || {
        cp.retry_stage_execution()
            .pipeline_name(PIPELINE)
            .stage_name("Build")
            .pipeline_execution_id(UNKNOWN)
            .retry_mode(StageRetryMode::FailedActions)
    };

    // Nothing has run in Build yet: there is no stage execution to retry.
    let err = retry().send().await.unwrap_err().into_service_error();
    assert!(matches!(err, RetryStageExecutionError::StageNotRetryableException(_)), "{err:?}");

    let stop = cp.stop_pipeline_execution().pipeline_name(PIPELINE).pipeline_execution_id(UNKNOWN);
    let err = stop.send().await.unwrap_err().into_service_error();
    assert!(matches!(err, StopPipelineExecutionError::PipelineExecutionNotStoppableException(_)), "{err:?}");

    // Once a run has been through Build, an unknown id is not its latest run.
    let version = env.upload(&buildspec(&["echo built"])).await;
    let id = env.execution_for(&version).await;
    env.wait_stage(&id, "Approve", "InProgress").await;
    let err = retry().send().await.unwrap_err().into_service_error();
    assert!(matches!(err, RetryStageExecutionError::NotLatestPipelineExecutionException(_)), "{err:?}");
}
