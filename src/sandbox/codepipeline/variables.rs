//! Variables (CodePipeline User Guide, "Variables reference"): pipeline-level
//! `variables` with defaults, overridden by StartPipelineExecution and shown
//! resolved by GetPipelineExecution; action output variables read as
//! `#{Namespace.NAME}`; `#{variables.NAME}` for pipeline variables and
//! `#{codepipeline.PipelineExecutionId}`. References are resolved when an
//! action starts, in its configuration (ListActionExecutions
//! `resolvedConfiguration`), and in a Commands action's commands and
//! environment values.

use serde::Deserialize;
use serde_json::Value;

use super::Execution;
use crate::sandbox::config::{ActionDecl, PipelineDecl};
use crate::sandbox::http::ApiError;

/// PipelineDeclaration.variables: `{ name, defaultValue, description }`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct VariableDecl {
    pub name: String,
    #[serde(default)]
    pub default_value: Option<String>,
}

/// The pipeline's declared variables (none when absent or malformed: the
/// declaration was validated when the sandbox loaded it).
pub fn declared(decl: &PipelineDecl) -> Vec<VariableDecl> {
    decl.variables.clone()
}

/// An execution's variables: the start request's values over the defaults.
/// A name the pipeline does not declare, or a declared one with no default
/// and no value, is refused as StartPipelineExecution refuses it.
pub fn for_execution(decl: &PipelineDecl, given: &[(String, String)]) -> Result<Vec<(String, String)>, ApiError> {
    let declared = declared(decl);
    if let Some((name, _)) = given.iter().find(|(n, _)| !declared.iter().any(|d| &d.name == n)) {
        return Err(ApiError::validation(format!("Variable {name} is not declared in pipeline {}", decl.name)));
    }
    let mut out = Vec::new();
    for d in &declared {
        let value = given.iter().rev().find(|(n, _)| *n == d.name).map(|(_, v)| v.clone());
        match value.or_else(|| d.default_value.clone()) {
            Some(v) => out.push((d.name.clone(), v)),
            None => {
                return Err(ApiError::validation(format!(
                    "Variable {} has no default value: StartPipelineExecution must give one",
                    d.name
                )));
            }
        }
    }
    Ok(out)
}

/// Replaces every `#{Namespace.NAME}` in `text`; Err names the first
/// reference that resolves to nothing.
pub fn resolve(text: &str, e: &Execution) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("#{") {
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find('}') else {
            out.push_str(&rest[at..]);
            return Ok(out);
        };
        let reference = &rest[at + 2..at + end];
        out.push_str(&lookup(reference, e).ok_or_else(|| format!("#{{{reference}}}"))?);
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn lookup(reference: &str, e: &Execution) -> Option<String> {
    let (namespace, name) = reference.split_once('.')?;
    match namespace {
        "variables" => e.variables.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()),
        "codepipeline" if name == "PipelineExecutionId" => Some(e.id.clone()),
        ns => e
            .actions
            .iter()
            .rev()
            .filter(|a| !a.stale && a.status == "Succeeded" && a.namespace.as_deref() == Some(ns))
            .find_map(|a| a.output_variables.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())),
    }
}

/// The action as it runs in execution `e`: configuration, commands and
/// environment values with their references resolved.
pub fn resolved_action(decl: &ActionDecl, e: &Execution) -> Result<ActionDecl, String> {
    let mut out = decl.clone();
    for value in out.configuration.values_mut() {
        *value = resolve(value, e)?;
    }
    for command in &mut out.commands {
        *command = resolve(command, e)?;
    }
    for var in &mut out.environment_variables {
        if let Some(v) = var.get("value").and_then(Value::as_str) {
            var["value"] = Value::String(resolve(v, e)?);
        }
    }
    Ok(out)
}
