//! `pipewatch push --dry-run` when AWS or the pipeline is out of reach:
//! packs the workspace and checks the buildspec the project most likely
//! reads, without asking the project.

use serde_json::json;

use super::push::{EXIT_OK, EXIT_SETUP, fail};
use crate::cli::PushArgs;
use crate::pack::PackOptions;
use crate::pack::preflight::BuildspecSource;
use crate::push;

/// `--dry-run` without AWS: packs and checks the buildspec the project would
/// most likely read (the root buildspec.yml, else the only one one level down,
/// as in the seed's `model/buildspec.yml` layout).
pub(super) async fn offline_dry_run(args: &PushArgs, why: &str) -> i32 {
    let source = match crate::pack::resolve_workspace(args.workspace.as_deref()) {
        Ok(ws) => guess_buildspec(&ws),
        Err(e) => return fail(EXIT_SETUP, &format!("{e:#}")),
    };
    let shown = match &source {
        BuildspecSource::Path(p) => p.clone(),
        _ => "buildspec.yml".to_string(),
    };
    eprintln!("warning: {why}\n  dry run without the pipeline: checking {shown} (the project may name another)");
    let opts = PackOptions { workspace: args.workspace.clone(), temp_dir: None };
    let (package, checked, _) = match push::pack_and_check(opts, source).await {
        Ok(done) => done,
        Err(e) => return fail(EXIT_SETUP, &e.to_string()),
    };
    eprintln!("  {} files, {} bytes zipped, sha256 {}", package.entries.len(), package.zip_bytes, package.sha256);
    for f in &checked.findings {
        eprintln!("  preflight: {}: {f}", checked.buildspec);
    }
    if let Some(dest) = &args.zip_out
        && let Err(e) = package.save_as(dest)
    {
        return fail(EXIT_SETUP, &format!("{e:#}"));
    }
    if args.json {
        let findings: Vec<String> = checked.findings.iter().map(|f| f.to_string()).collect();
        let value = json!({
            "bucket": null, "key": null, "versionId": null, "executionId": null, "status": "DryRun",
            "sha256": package.sha256, "files": package.entries.len(), "bytes": package.zip_bytes,
            "excludedSecrets": package.excluded_secrets, "preflight": findings,
        });
        println!("{value}");
    }
    if checked.has_errors() && !args.force { EXIT_SETUP } else { EXIT_OK }
}

/// The root buildspec.yml if present, else the only `*/buildspec.yml`.
fn guess_buildspec(workspace: &std::path::Path) -> BuildspecSource {
    if workspace.join("buildspec.yml").is_file() {
        return BuildspecSource::Default;
    }
    let Ok(entries) = std::fs::read_dir(workspace) else { return BuildspecSource::Default };
    let found: Vec<String> = entries
        .flatten()
        .filter(|e| e.path().join("buildspec.yml").is_file())
        .filter_map(|e| e.file_name().to_str().map(|d| format!("{d}/buildspec.yml")))
        .collect();
    match found.as_slice() {
        [only] => BuildspecSource::Path(only.clone()),
        _ => BuildspecSource::Default,
    }
}
