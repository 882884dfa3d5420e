//! CodeBuild JSON 1.1 operations. STUB.

use std::sync::Arc;

use serde_json::Value;

use crate::sandbox::Shared;
use crate::sandbox::http::{ApiError, ApiResult};

pub fn dispatch(_shared: &Arc<Shared>, _op: &str, _input: &Value) -> ApiResult {
    Err(ApiError::client("UnknownOperationException", "not yet"))
}
