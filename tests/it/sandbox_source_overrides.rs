//! StartPipelineExecution with `sourceRevisions` through the real SDK: the
//! run uses the S3 object version (or, where the source allows it, the
//! object key) the start names, and what AWS refuses is refused before any
//! execution exists. Documents: CodePipeline API Reference,
//! StartPipelineExecution and SourceRevisionOverride (actionName,
//! revisionType S3_OBJECT_VERSION_ID | S3_OBJECT_KEY | COMMIT_ID |
//! IMAGE_DIGEST, revisionValue); User Guide, "Start a pipeline with a source
//! revision override" and "Amazon S3 source action reference"
//! (AllowOverrideForS3ObjectKey must be true for S3_OBJECT_KEY).

use std::time::Duration;

use aws_sdk_codepipeline::types::{
    ActionExecutionFilter, PipelineType, SourceRevisionOverride, SourceRevisionType as Type,
};
use aws_sdk_s3::primitives::ByteStream;

use crate::harness::{self, Env, LONG, PIPELINE, buildspec, eventually, zip_of};
use crate::pipeline_api::{build, create_buckets, create_project, declaration, source, stage, with_config};

fn rev(action: &str, kind: Type, value: &str) -> SourceRevisionOverride {
    SourceRevisionOverride::builder().action_name(action).revision_type(kind).revision_value(value).build().unwrap()
}

/// StartPipelineExecution with `revisions`: the execution id, or the error code.
async fn start(env: &Env, pipeline: &str, revisions: Vec<SourceRevisionOverride>) -> Result<String, String> {
    let cp = aws_sdk_codepipeline::Client::new(&harness::retrying(&env.sdk));
    let req = cp.start_pipeline_execution().name(pipeline).set_source_revisions(Some(revisions));
    match req.send().await {
        Ok(out) => Ok(out.pipeline_execution_id().unwrap_or_default().to_string()),
        Err(e) => Err(e.into_service_error().meta().code().unwrap_or("?").to_string()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_with_an_older_version_builds_that_version() {
    let env = harness::start().await;
    let old = env.upload(&buildspec(&["echo marker-old"])).await;
    let _ = env.execution_for(&old).await;
    let new = env.upload(&buildspec(&["echo marker-new"])).await;
    let _ = env.execution_for(&new).await;

    let id = start(&env, PIPELINE, vec![rev("Source", Type::S3ObjectVersionId, &old)]).await.expect("start");
    let cp = env.codepipeline();
    let got = cp.get_pipeline_execution().pipeline_name(PIPELINE).pipeline_execution_id(&id).send().await;
    let exec = got.expect("get execution").pipeline_execution.expect("an execution");
    assert_eq!(exec.artifact_revisions()[0].revision_id(), Some(old.as_str()));
    assert_eq!(env.listed_execution(&id).await.source_revisions()[0].revision_id(), Some(old.as_str()));
    // What ran is the old object's content, not the latest.
    let build_id = env.build_id(&id).await;
    let build = eventually("the build to finish", LONG, || async {
        let b = env.build(&build_id).await;
        b.build_complete().then_some(b)
    })
    .await;
    let lines = env.log_lines(&build).await;
    assert!(lines.iter().any(|l| l.trim() == "marker-old"), "{lines:#?}");
    assert!(!lines.iter().any(|l| l.trim() == "marker-new"), "{lines:#?}");
}

/// The overrides AWS refuses: no execution starts for any of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overrides_aws_refuses_start_nothing() {
    let env = harness::start().await;
    let version = env.upload(&buildspec(&["echo x"])).await;
    let before = env.execution_for(&version).await;
    let refused = [
        vec![rev("Source", Type::CommitId, "78a2f1")],
        vec![rev("Nope", Type::S3ObjectVersionId, &version)],
        vec![rev("Source", Type::S3ObjectVersionId, "no-such-version")],
        // The demo's source does not set AllowOverrideForS3ObjectKey.
        vec![rev("Source", Type::S3ObjectKey, "other.zip")],
        vec![rev("Source", Type::S3ObjectVersionId, &version), rev("Source", Type::S3ObjectVersionId, &version)],
    ];
    for revisions in refused {
        let what = format!("{revisions:?}");
        assert_eq!(start(&env, PIPELINE, revisions).await, Err("ValidationException".into()), "{what}");
    }
    let listed = env.codepipeline().list_pipeline_executions().pipeline_name(PIPELINE).send().await.expect("list");
    let newest = listed.pipeline_execution_summaries().first().and_then(|s| s.pipeline_execution_id());
    assert_eq!(newest, Some(before.as_str()), "no refused start made an execution");
}

/// A pipeline of the SDK's own, V2, whose source allows another key.
async fn key_pipeline(env: &Env) {
    create_buckets(env).await;
    create_project(env, &buildspec(&["cat hello.txt"])).await.expect("project");
    let src = with_config(source(), &[("AllowOverrideForS3ObjectKey", "true")]);
    let mut decl = declaration("keyed", vec![stage("Source", vec![src]), stage("Build", vec![build()])]);
    decl.pipeline_type = Some(PipelineType::V2);
    env.codepipeline().create_pipeline().pipeline(decl).send().await.expect("create");
}

async fn put(env: &Env, key: &str, text: &str) -> String {
    let s3 = harness::s3_client(&harness::retrying(&env.sdk));
    let zip = zip_of(&[("hello.txt", text)]);
    let out = s3.put_object().bucket("sdk-src").key(key).body(ByteStream::from(zip)).send().await.expect("put");
    out.version_id().expect("a versioned bucket").to_string()
}

/// The Source action's execution in `id`: (external id, external URL).
async fn source_action(env: &Env, pipeline: &str, id: &str) -> (String, String) {
    eventually("the source action's execution", Duration::from_secs(60), || async {
        let filter = ActionExecutionFilter::builder().pipeline_execution_id(id).build();
        let cp = env.codepipeline();
        let out = cp.list_action_executions().pipeline_name(pipeline).filter(filter).send().await.ok()?;
        let a = out.action_execution_details().iter().find(|a| a.action_name() == Some("Source"))?;
        let result = a.output()?.execution_result()?;
        Some((result.external_execution_id()?.to_string(), result.external_execution_url()?.to_string()))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allowed_key_override_runs_another_object_and_its_version() {
    let env = harness::start().await;
    key_pipeline(&env).await;
    let _main = put(&env, "src.zip", "main\n").await;
    let other_v1 = put(&env, "other.zip", "other one\n").await;
    let other_v2 = put(&env, "other.zip", "other two\n").await;

    let id = start(&env, "keyed", vec![rev("Source", Type::S3ObjectKey, "other.zip")]).await.expect("start");
    let (version, url) = source_action(&env, "keyed", &id).await;
    assert_eq!(version, other_v2, "the key's latest version");
    assert!(url.contains("other.zip"), "{url}");

    // Key and version together: that version of that object.
    let both = vec![rev("Source", Type::S3ObjectKey, "other.zip"), rev("Source", Type::S3ObjectVersionId, &other_v1)];
    let id = start(&env, "keyed", both).await.expect("start");
    let (version, url) = source_action(&env, "keyed", &id).await;
    assert_eq!(version, other_v1);
    assert!(url.contains("other.zip"), "{url}");

    // A key that names no object is refused; a V1 pipeline takes no overrides.
    let missing = start(&env, "keyed", vec![rev("Source", Type::S3ObjectKey, "missing.zip")]).await;
    assert_eq!(missing, Err("ValidationException".into()));
    let src = with_config(source(), &[("AllowOverrideForS3ObjectKey", "true")]);
    let mut v1 = declaration("keyed-v1", vec![stage("Source", vec![src]), stage("Build", vec![build()])]);
    v1.pipeline_type = Some(PipelineType::V1);
    env.codepipeline().create_pipeline().pipeline(v1).send().await.expect("create V1");
    let refused = start(&env, "keyed-v1", vec![rev("Source", Type::S3ObjectKey, "other.zip")]).await;
    assert_eq!(refused, Err("ValidationException".into()));
}
