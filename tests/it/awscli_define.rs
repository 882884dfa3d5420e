//! Pipelines and projects defined through the API by the real awscli (v1,
//! botocore) from the test venv: the README's own commands, run as written,
//! over JSON 1.1; the same operations over RPC v2 CBOR; AWS's error codes for
//! bad declarations. CodePipeline API Reference, CreatePipeline,
//! UpdatePipeline, DeletePipeline; CodeBuild API Reference, CreateProject,
//! DeleteProject; AWS CLI Command Reference, `--cli-input-json`.

use std::path::Path;

use pipewatch::sandbox::Options;
use serde_json::Value;

use crate::awscli::venv_bin;
use crate::harness::{self, Cli, Env, LONG, eventually};

/// The shell lines of the README's "Define pipelines and projects" block.
fn readme_block() -> Vec<String> {
    let text = std::fs::read_to_string(harness::repo_root().join("README.md")).unwrap();
    let start = text.find("<!-- api-define:start -->").expect("README has the api-define block");
    let end = text.find("<!-- api-define:end -->").expect("README ends the api-define block");
    let lines: Vec<String> = text[start..end]
        .lines()
        .filter(|l| !l.starts_with("```") && !l.starts_with("<!--") && !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    assert!(lines.len() >= 6, "{lines:?}");
    lines
}

/// Runs one README line with bash from the repository root, as a user with
/// the sandbox's `export` lines would; `/tmp/` is the test's own dir.
async fn run_line(env: &Env, line: &str, tmp: &Path) -> Value {
    let line = line.replace("/tmp/", &format!("{}/", tmp.display()));
    let line = line.replace("/tmp &&", &format!("{} &&", tmp.display()));
    let root = harness::repo_root();
    let venv = venv_bin("aws").parent().unwrap().to_path_buf();
    let path = format!("{}:{}", venv.display(), std::env::var("PATH").unwrap_or_default());
    let c = env.sandbox.credentials();
    let out = Cli::new("bash")
        .args(["-c", &format!("cd '{}' && {line}", root.display())])
        .env("PATH", path)
        .env("AWS_ACCESS_KEY_ID", &c.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &c.secret_access_key)
        .env("AWS_ENDPOINT_URL", env.sandbox.endpoint())
        .env("AWS_DEFAULT_OUTPUT", "json")
        .output()
        .await;
    assert!(out.status.success(), "`{line}` failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    if text.trim().is_empty() { Value::Null } else { serde_json::from_str(&text).expect("aws prints JSON") }
}

async fn aws(env: &Env, args: &[&str]) -> std::process::Output {
    Cli::new(venv_bin("aws")).sandbox(env).args(["--output", "json"]).args(args).output().await
}

/// The buckets assets/sandbox/api/pipeline.json names, as the README makes them.
async fn hello_buckets(env: &Env) {
    for bucket in ["hello-artifacts", "hello-source"] {
        let out = aws(env, &["s3api", "create-bucket", "--bucket", bucket]).await;
        assert!(out.status.success(), "{bucket}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// The executions of `pipeline` as (status, trigger type), newest first.
async fn executions(env: &Env, pipeline: &str) -> Vec<(String, String)> {
    let out = env.codepipeline().list_pipeline_executions().pipeline_name(pipeline).send().await;
    let Ok(out) = out else { return Vec::new() };
    out.pipeline_execution_summaries()
        .iter()
        .map(|s| {
            let status = s.status().map(|x| x.as_str().to_string()).unwrap_or_default();
            let trigger = s.trigger().and_then(|t| t.trigger_type()).map(|t| t.as_str().to_string());
            (status, trigger.unwrap_or_default())
        })
        .collect()
}

#[tokio::test]
async fn the_readme_commands_define_run_update_and_delete_a_pipeline() {
    let env = harness::start().await;
    let tmp = tempfile::tempdir().unwrap();
    let lines = readme_block();
    let line = |needle: &str| lines.iter().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("no {needle} line"));

    let project = run_line(&env, line("create-project"), tmp.path()).await;
    assert_eq!(project["project"]["arn"], "arn:aws:codebuild:us-east-1:123456789012:project/hello-build");
    // The buckets first: CreatePipeline refuses an artifact store that does not exist.
    for l in lines.iter().filter(|l| l.starts_with("aws s3api create-bucket") || l.contains("put-bucket-versioning")) {
        run_line(&env, l, tmp.path()).await;
    }
    let created = run_line(&env, line("create-pipeline"), tmp.path()).await;
    assert_eq!(created["pipeline"]["version"], 1);
    // Creating runs the latest revision at once; there is none yet, so it fails at Source.
    eventually("the CreatePipeline run to fail", LONG, || async {
        executions(&env, "hello").await.contains(&("Failed".into(), "CreatePipeline".into())).then_some(())
    })
    .await;

    for l in lines.iter().filter(|l| l.starts_with("printf") || l.starts_with("(cd")) {
        run_line(&env, l, tmp.path()).await;
    }
    let put = run_line(&env, line("put-object"), tmp.path()).await;
    let version = put["VersionId"].as_str().expect("a version id").to_string();
    let id = eventually("the upload's run to succeed", LONG, || async {
        let out = env.codepipeline().list_pipeline_executions().pipeline_name("hello").send().await.ok()?;
        let run = out
            .pipeline_execution_summaries()
            .iter()
            .find(|s| s.source_revisions().iter().any(|r| r.revision_id() == Some(version.as_str())))?;
        (run.status()?.as_str() == "Succeeded").then(|| run.pipeline_execution_id().unwrap_or_default().to_string())
    })
    .await;
    let listed = run_line(&env, line("list-pipeline-executions"), tmp.path()).await;
    let ours = listed["pipelineExecutionSummaries"].as_array().unwrap();
    assert!(ours.iter().any(|e| e["pipelineExecutionId"] == id.as_str() && e["status"] == "Succeeded"), "{listed}");
    // The build ran the project's environment variable through the buildspec.
    let st = env.codepipeline().get_pipeline_state().name("hello").send().await.unwrap();
    let build_id = st.stage_states()[1].action_states()[0].latest_execution().unwrap().external_execution_id();
    let build = env.build(build_id.unwrap()).await;
    assert_eq!(build.project_name(), Some("hello-build"));
    let log = harness::complete_log(&env, &build).await;
    assert!(log.iter().any(|l| l == "hello from the API"), "{log:?}");

    let updated = run_line(&env, line("update-pipeline"), tmp.path()).await;
    assert_eq!(updated["pipeline"]["version"], 2);
    let got = env.codepipeline().get_pipeline().name("hello").send().await.unwrap();
    let stages: Vec<&str> = got.pipeline().unwrap().stages().iter().map(|s| s.name()).collect();
    assert_eq!(stages, ["Source", "Build", "Approve"]);
    assert_eq!(got.pipeline().unwrap().version(), Some(2));

    run_line(&env, line("delete-pipeline"), tmp.path()).await;
    let names: Vec<String> = env
        .codepipeline()
        .list_pipelines()
        .send()
        .await
        .unwrap()
        .pipelines()
        .iter()
        .filter_map(|p| p.name().map(str::to_string))
        .collect();
    assert!(!names.contains(&"hello".to_string()) && names.contains(&"mlops-demo".to_string()), "{names:?}");
    run_line(&env, line("delete-project"), tmp.path()).await;
    let left = env.codebuild().batch_get_projects().names("hello-build").send().await.unwrap();
    assert_eq!(left.projects_not_found(), ["hello-build"]);
}

/// A copy of the README's pipeline with `edit` applied, as a file for `--cli-input-json`.
fn variant(dir: &Path, name: &str, edit: impl FnOnce(&mut Value)) -> String {
    let path = harness::repo_root().join("assets/sandbox/api/pipeline.json");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["pipeline"]["name"] = Value::from(name);
    edit(&mut doc["pipeline"]);
    let file = dir.join(format!("{name}.json"));
    std::fs::write(&file, doc.to_string()).unwrap();
    format!("file://{}", file.display())
}

#[tokio::test]
async fn awscli_gets_aws_error_codes_with_one_line_messages_for_bad_declarations() {
    let env = harness::start().await;
    let dir = tempfile::tempdir().unwrap();
    hello_buckets(&env).await;
    let project = format!("file://{}", harness::repo_root().join("assets/sandbox/api/project.json").display());
    let out = aws(&env, &["codebuild", "create-project", "--cli-input-json", &project]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cases: Vec<(String, &str, &str)> = vec![
        // botocore checks lengths and ranges itself; patterns reach the server.
        (
            variant(dir.path(), "bad name", |_| {}),
            "ValidationException",
            "at 'pipeline.name' failed to satisfy constraint",
        ),
        (
            variant(dir.path(), "one-stage", |p| {
                p["stages"].as_array_mut().unwrap().truncate(1);
            }),
            "InvalidStructureException",
            "at least 2 stages",
        ),
        (
            variant(dir.path(), "no-input", |p| p["stages"][1]["actions"][0]["inputArtifacts"] = Value::Array(vec![])),
            "InvalidActionDeclarationException",
            "Action Build declares 0 input artifacts which is less than the minimum count (1)",
        ),
        (
            variant(dir.path(), "empty-stage", |p| p["stages"][1]["actions"] = Value::Array(vec![])),
            "InvalidStageDeclarationException",
            "Stage 'Build' must have at least one action",
        ),
        // CodePipeline API Reference, CreatePipeline, Errors: InvalidStructureException.
        (
            variant(dir.path(), "no-store", |p| p["artifactStore"]["location"] = Value::from("nobody-made-this")),
            "InvalidStructureException",
            "An error occurred while validating the artifact bucket 'nobody-made-this'",
        ),
        (variant(dir.path(), "hello", |_| {}), "", ""),
        (variant(dir.path(), "hello", |_| {}), "PipelineNameInUseException", "'hello'"),
    ];
    for (file, code, part) in cases {
        let out = aws(&env, &["codepipeline", "create-pipeline", "--cli-input-json", &file]).await;
        if code.is_empty() {
            assert!(out.status.success(), "{file}: {}", String::from_utf8_lossy(&out.stderr));
            continue;
        }
        assert!(!out.status.success(), "{file} was accepted");
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        assert!(err.contains(&format!("({code})")) && err.contains(part), "{file}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let out = aws(&env, &["codebuild", "create-project", "--cli-input-json", &project]).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("(ResourceAlreadyExistsException)"), "{err}");
}

/// awscli with model copies that leave it rpc-v2-cbor only (see protocols.rs).
async fn aws_cbor(env: &Env, models: &Path, args: &[&str]) -> std::process::Output {
    let cli = Cli::new(venv_bin("aws")).sandbox(env).env("AWS_DATA_PATH", models);
    cli.args(["--output", "json"]).args(args).output().await
}

#[tokio::test]
async fn the_definition_operations_work_over_rpc_v2_cbor() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("answers.jsonl");
    let env = harness::start_with(Options { record_responses: Some(record.clone()), ..Options::ephemeral() }).await;
    hello_buckets(&env).await;
    let models = dir.path().join("models");
    let script = harness::repo_root().join("scripts/conformance.py");
    let out = Cli::new(venv_bin("python")).arg(script).arg("cbor-models").arg(&models).output().await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let api = harness::repo_root().join("assets/sandbox/api");
    let file = |f: &str| format!("file://{}", api.join(f).display());
    let ok = |out: &std::process::Output| {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap_or(Value::Null)
    };
    let project =
        ok(&aws_cbor(&env, &models, &["codebuild", "create-project", "--cli-input-json", &file("project.json")]).await);
    // created/lastModified are timestamps: CBOR tag 1, printed as epoch seconds.
    assert!(project["project"]["created"].as_f64().is_some_and(|t| t > 1.7e9), "{project}");
    let args = ["codepipeline", "create-pipeline", "--cli-input-json"];
    let created = ok(&aws_cbor(&env, &models, &[&args[..], &[&file("pipeline.json")]].concat()).await);
    assert_eq!(created["pipeline"]["version"], 1);
    let update = ["codepipeline", "update-pipeline", "--cli-input-json"];
    let updated = ok(&aws_cbor(&env, &models, &[&update[..], &[&file("pipeline-update.json")]].concat()).await);
    assert_eq!(updated["pipeline"]["version"], 2);
    let again = aws_cbor(&env, &models, &[&args[..], &[&file("pipeline.json")]].concat()).await;
    assert!(String::from_utf8_lossy(&again.stderr).contains("(PipelineNameInUseException)"));
    // DeletePipeline answers Unit: an empty 200.
    ok(&aws_cbor(&env, &models, &["codepipeline", "delete-pipeline", "--name", "hello"]).await);
    ok(&aws_cbor(&env, &models, &["codebuild", "delete-project", "--name", "hello-build"]).await);
    let listed = ok(&aws_cbor(&env, &models, &["codepipeline", "list-pipelines"]).await);
    assert!(!listed.to_string().contains("\"hello\""), "{listed}");

    let text = std::fs::read_to_string(&record).unwrap();
    let cbor: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["protocol"] == "rpc-v2-cbor")
        .filter_map(|r| r["operation"].as_str().map(str::to_string))
        .collect();
    for op in ["CreateProject", "CreatePipeline", "UpdatePipeline", "DeletePipeline", "DeleteProject"] {
        assert!(cbor.iter().any(|o| o == op), "{op} not seen over CBOR: {cbor:?}");
    }
}
