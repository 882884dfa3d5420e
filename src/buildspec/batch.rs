//! The buildspec's `batch:` section (CodeBuild User Guide, "Batch build
//! buildspec reference"): the tasks of a `build-list` or `build-graph`, each
//! with its identifier, buildspec and variable overrides, dependencies and
//! `ignore-failure`. Read apart from the phases: only a batch build reads it.

use serde::Deserialize;

use super::values::{Commands, Scalar, ScalarMap};

/// The batch section of a buildspec.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchSpec {
    /// `fast-fail: true` stops the running builds when one fails.
    pub fast_fail: bool,
    /// In file order.
    pub tasks: Vec<BatchTask>,
}

/// One build of the batch (a build group on the API).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchTask {
    pub identifier: String,
    /// Another buildspec file (a path in the source) for this task.
    pub buildspec: Option<String>,
    /// env.variables over the project's.
    pub variables: Vec<(String, String)>,
    pub image: Option<String>,
    pub compute_type: Option<String>,
    /// The identifiers that must finish before this task starts.
    pub depend_on: Vec<String>,
    pub ignore_failure: bool,
}

#[derive(Deserialize)]
struct RawFile {
    batch: Option<RawBatch>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawBatch {
    fast_fail: Option<Scalar>,
    build_list: Option<Vec<RawTask>>,
    build_graph: Option<Vec<RawTask>>,
    build_matrix: Option<yaml_serde::Value>,
    build_fanout: Option<yaml_serde::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawTask {
    identifier: Option<Scalar>,
    buildspec: Option<Scalar>,
    env: Option<RawEnv>,
    depend_on: Option<Commands>,
    ignore_failure: Option<Scalar>,
    #[serde(rename = "debug-session")]
    _debug_session: Option<yaml_serde::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawEnv {
    variables: Option<ScalarMap>,
    image: Option<Scalar>,
    compute_type: Option<Scalar>,
    #[serde(rename = "type")]
    _type: Option<yaml_serde::Value>,
    #[serde(rename = "privileged-mode")]
    _privileged_mode: Option<yaml_serde::Value>,
    #[serde(rename = "fleet")]
    _fleet: Option<yaml_serde::Value>,
}

fn boolean(v: Option<Scalar>, path: &str) -> Result<bool, String> {
    match v.map(|s| s.0.to_ascii_lowercase()).as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(format!("{path}: expected true or false, found '{other}'")),
    }
}

/// The batch section of `text`, None when it has none.
pub fn parse_batch(text: &str) -> Result<Option<BatchSpec>, String> {
    let raw: RawFile = yaml_serde::from_str(text).map_err(|e| e.to_string())?;
    let Some(batch) = raw.batch else { return Ok(None) };
    if batch.build_matrix.is_some() || batch.build_fanout.is_some() {
        return Err(
            "batch: build-matrix and build-fanout are not supported by the sandbox: use build-list or build-graph"
                .into(),
        );
    }
    let (kind, raw_tasks) = match (batch.build_list, batch.build_graph) {
        (Some(_), Some(_)) => return Err("batch: declare one of build-list or build-graph, not both".into()),
        (Some(list), None) => ("build-list", list),
        (None, Some(graph)) => ("build-graph", graph),
        (None, None) => return Err("batch: a build-list or build-graph is required".into()),
    };
    if raw_tasks.is_empty() {
        return Err(format!("batch.{kind}: at least one task is required"));
    }
    let mut tasks = Vec::new();
    for (i, t) in raw_tasks.into_iter().enumerate() {
        let path = format!("batch.{kind}[{i}]");
        // The identifier is optional in a build-list only (the reference's wording).
        let identifier = match t.identifier.map(|s| s.0).filter(|s| !s.is_empty()) {
            Some(id) => id,
            None if kind == "build-list" => format!("build{}", i + 1),
            None => return Err(format!("{path}.identifier is required")),
        };
        if !identifier.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("{path}.identifier '{identifier}': use letters, digits and underscores"));
        }
        if tasks.iter().any(|x: &BatchTask| x.identifier == identifier) {
            return Err(format!("{path}.identifier '{identifier}' is declared twice"));
        }
        let env = t.env;
        tasks.push(BatchTask {
            identifier,
            buildspec: t.buildspec.map(|s| s.0).filter(|s| !s.is_empty()),
            variables: env.as_ref().and_then(|e| e.variables.as_ref()).map(|m| m.0.clone()).unwrap_or_default(),
            image: env.as_ref().and_then(|e| e.image.as_ref()).map(|s| s.0.clone()),
            compute_type: env.as_ref().and_then(|e| e.compute_type.as_ref()).map(|s| s.0.clone()),
            depend_on: t.depend_on.map(|c| c.0).unwrap_or_default(),
            ignore_failure: boolean(t.ignore_failure, &format!("{path}.ignore-failure"))?,
        });
    }
    check_dependencies(&tasks)?;
    Ok(Some(BatchSpec { fast_fail: boolean(batch.fast_fail, "batch.fast-fail")?, tasks }))
}

/// Every `depend-on` names a task, and the tasks can run in some order.
fn check_dependencies(tasks: &[BatchTask]) -> Result<(), String> {
    for t in tasks {
        for d in &t.depend_on {
            if !tasks.iter().any(|x| &x.identifier == d) {
                return Err(format!(
                    "batch task '{}' depends on '{d}', which is not a task of the batch",
                    t.identifier
                ));
            }
        }
    }
    // Kahn's order: whatever cannot be placed is in a cycle.
    let mut placed: Vec<&str> = Vec::new();
    while placed.len() < tasks.len() {
        let ready = tasks.iter().find(|t| {
            !placed.contains(&t.identifier.as_str()) && t.depend_on.iter().all(|d| placed.contains(&d.as_str()))
        });
        match ready {
            Some(t) => placed.push(&t.identifier),
            None => {
                let stuck: Vec<&str> =
                    tasks.iter().map(|t| t.identifier.as_str()).filter(|i| !placed.contains(i)).collect();
                return Err(format!("batch tasks depend on each other in a cycle: {}", stuck.join(", ")));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_list_reads_every_documented_member() {
        let text = "version: 0.2\nbatch:\n  fast-fail: true\n  build-list:\n    - identifier: unit\n      env:\n        variables:\n          SUITE: unit\n        compute-type: BUILD_GENERAL1_SMALL\n    - identifier: package\n      buildspec: package.yml\n      depend-on:\n        - unit\n      ignore-failure: true\nphases:\n  build:\n    commands: [echo hi]\n";
        let spec = parse_batch(text).unwrap().unwrap();
        assert!(spec.fast_fail);
        assert_eq!(spec.tasks.len(), 2);
        assert_eq!(spec.tasks[0].variables, vec![("SUITE".to_string(), "unit".to_string())]);
        assert_eq!(spec.tasks[0].compute_type.as_deref(), Some("BUILD_GENERAL1_SMALL"));
        assert_eq!(spec.tasks[1].depend_on, vec!["unit".to_string()]);
        assert_eq!(spec.tasks[1].buildspec.as_deref(), Some("package.yml"));
        assert!(spec.tasks[1].ignore_failure && !spec.tasks[0].ignore_failure);
    }

    #[test]
    fn no_batch_section_is_none_and_bad_ones_say_why() {
        assert_eq!(parse_batch("version: 0.2\nphases: {}\n").unwrap(), None);
        let unknown = "batch:\n  build-graph:\n    - identifier: a\n      depend-on: [b]\n";
        assert!(parse_batch(unknown).unwrap_err().contains("depends on 'b'"));
        let cycle = "batch:\n  build-graph:\n    - identifier: a\n      depend-on: [b]\n    - identifier: b\n      depend-on: [a]\n";
        assert!(parse_batch(cycle).unwrap_err().contains("cycle: a, b"));
        let twice = "batch:\n  build-list:\n    - identifier: a\n    - identifier: a\n";
        assert!(parse_batch(twice).unwrap_err().contains("declared twice"));
        let graph_without_id = "batch:\n  build-graph:\n    - buildspec: x.yml\n";
        assert!(parse_batch(graph_without_id).unwrap_err().contains("identifier is required"));
        let typo = "batch:\n  build-list:\n    - identifier: a\n      depends-on: [b]\n";
        assert!(parse_batch(typo).unwrap_err().contains("depends-on"));
    }

    #[test]
    fn a_list_entry_without_identifier_is_numbered() {
        let spec =
            parse_batch("batch:\n  build-list:\n    - buildspec: a.yml\n    - identifier: b\n").unwrap().unwrap();
        let ids: Vec<&str> = spec.tasks.iter().map(|t| t.identifier.as_str()).collect();
        assert_eq!(ids, ["build1", "b"]);
    }
}
