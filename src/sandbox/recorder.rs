//! `Options::record_responses`: every answer of the JSON services
//! (CodePipeline, CodeBuild, Logs, over JSON 1.1 or RPC v2 CBOR) as one JSON
//! line, the output document or the error code, so a conformance check can
//! compare each with the operation's shapes in AWS's API models
//! (scripts/conformance.py).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use color_eyre::eyre::{Result, WrapErr};
use serde_json::{Value, json};

use super::http::ApiError;

pub struct ResponseRecorder {
    file: Mutex<File>,
}

impl ResponseRecorder {
    pub fn open(path: &Path) -> Result<Self> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .wrap_err_with(|| format!("cannot open response record {}", path.display()))?;
        Ok(Self { file: Mutex::new(file) })
    }

    /// Writes one answer; `protocol` is the wire protocol it went out in.
    pub fn record(&self, protocol: &str, service: &str, op: &str, outcome: &Result<Value, ApiError>) {
        let mut line = json!({ "protocol": protocol, "service": service, "operation": op });
        match outcome {
            Ok(output) => {
                line["status"] = json!(200);
                line["output"] = output.clone();
            }
            Err(e) => {
                line["status"] = json!(e.status);
                line["error"] = json!(e.code);
            }
        }
        let mut file = super::lock(&self.file);
        // A diagnostic: a full disk must not fail the request.
        let _ = writeln!(file, "{line}");
    }
}
