//! `--request-log FILE`: one JSON line per request, so the app's API budget and
//! read-only mode can be measured from outside.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr};

pub struct RequestLog {
    file: Mutex<File>,
}

/// Operations that change state; read-only mode is checked against this list.
pub fn is_mutating(op: &str) -> bool {
    const READ_PREFIXES: [&str; 6] = ["List", "Get", "BatchGet", "Describe", "Filter", "Head"];
    !op.is_empty() && !READ_PREFIXES.iter().any(|p| op.starts_with(p))
}

impl RequestLog {
    pub fn open(path: &Path) -> Result<Self> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .wrap_err_with(|| format!("cannot open request log {}", path.display()))?;
        Ok(Self { file: Mutex::new(file) })
    }

    /// `error`: the error code the request was answered with (e.g.
    /// ThrottlingException, SlowDown), so throttled calls can be counted.
    pub fn write(&self, service: &str, op: &str, status: u16, elapsed: Duration, error: Option<&str>) {
        let mut line = serde_json::json!({
            "time": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "service": service,
            "operation": op,
            "status": status,
            "ms": elapsed.as_secs_f64() * 1000.0,
            "mutating": is_mutating(op),
        });
        if let Some(code) = error {
            line["error"] = serde_json::json!(code);
        }
        let mut file = super::lock(&self.file);
        // The log is diagnostic: a full disk must not fail the request.
        let _ = writeln!(file, "{line}");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_are_not_mutating_and_writes_are() {
        for op in ["ListPipelines", "GetPipelineState", "BatchGetBuilds", "GetObject", "HeadObject", "FilterLogEvents"]
        {
            assert!(!super::is_mutating(op), "{op}");
        }
        for op in ["StartPipelineExecution", "PutObject", "PutApprovalResult", "StopBuild", "RetryStageExecution"] {
            assert!(super::is_mutating(op), "{op}");
        }
    }
}
