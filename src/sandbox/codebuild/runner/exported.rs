//! `env.exported-variables`: the values the named variables hold once the
//! build's phases are over, reported as the build's
//! `exportedEnvironmentVariables` and, for a pipeline action, as its output
//! variables (CodeBuild User Guide, "Build specification reference",
//! env/exported-variables).

use super::Runner;
use crate::sandbox::codebuild::exec::{self, Exit};

/// A variable name the shell may expand: anything else is skipped, so a name
/// from a buildspec cannot inject shell code.
fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Runner {
    /// Reads the exported variables from the build's saved shell state. A
    /// variable never set is exported empty, as CodeBuild does.
    pub(super) async fn capture_exported(&mut self) {
        let names: Vec<String> = self.spec.exported_variables.iter().filter(|n| is_name(n)).cloned().collect();
        if names.is_empty() {
            return;
        }
        // One `name=value` line per variable; a newline in a value is escaped
        // so the line stays one line.
        let script = names
            .iter()
            .map(|n| format!("printf '%s=%s\\n' {n} \"$(printf '%s' \"${{{n}-}}\" | tr '\\n' ' ')\""))
            .collect::<Vec<_>>()
            .join("; ");
        let mut lines = Vec::new();
        let exit = exec::run(&self.shell, &script, self.succeeding, &self.job.control, |l| lines.push(l)).await;
        if !matches!(exit, Exit::Code(0)) {
            return;
        }
        let exported: Vec<(String, String)> = lines
            .iter()
            .filter_map(|l| l.split_once('='))
            .filter(|(k, _)| names.iter().any(|n| n == k))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.update(|b| b.exported = exported);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_shell_names_are_read() {
        assert!(super::is_name("IMAGE_TAG"));
        assert!(super::is_name("_x1"));
        assert!(!super::is_name("1X"));
        assert!(!super::is_name("A;rm -rf /"));
        assert!(!super::is_name(""));
    }
}
