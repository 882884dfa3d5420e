//! `pipewatch status`: one look at the pipelines (or one pipeline's stages),
//! as a table or as JSON. Also the helpers the other read-only headless
//! commands share: connecting, naming statuses, one-line setup errors.

use chrono::Utc;
use serde_json::{Value, json};

use crate::aws::{self, AwsClients};
use crate::cli::{ConnectArgs, StatusArgs};
use crate::model::snapshot::{PipelineSnapshot, Status, Time};
use crate::msg::ApiFailure;

use super::retry::Retry;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_SETUP: i32 = 2;

pub async fn run(args: StatusArgs) -> i32 {
    if let Some(name) = &args.fleet {
        return super::fleet_status::run(&args, name).await;
    }
    let clients = match connect(&args.connect).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    match &args.pipeline {
        None => all_pipelines(&clients, args.json).await,
        Some(name) => one_pipeline(&clients, name, args.json).await,
    }
}

/// Every pipeline's row, even when some could not be read: those show
/// "error" (the reason on stderr) and the exit code is 1.
async fn all_pipelines(clients: &AwsClients, as_json: bool) -> i32 {
    let pipelines = match with_retry(Retry::first_contact(), || clients.list_pipelines()).await {
        Ok(p) => p,
        Err(e) => return fail(EXIT_SETUP, &setup_message(&e, None)),
    };
    let now = Utc::now();
    let mut rows = Vec::new();
    let mut unread = 0;
    for p in &pipelines {
        let latest = match with_retry(Retry::new(), || clients.list_executions(&p.name, 1)).await {
            Ok(mut list) if !list.is_empty() => Ok(Some(list.remove(0))),
            Ok(_) => Ok(None),
            Err(e) => {
                unread += 1;
                eprintln!("pipewatch: {}: {}", p.name, e.message);
                Err(e.message)
            }
        };
        rows.push((p, latest));
    }
    let code = if unread > 0 { EXIT_FAILED } else { EXIT_OK };
    if as_json {
        let list: Vec<Value> = rows
            .iter()
            .map(|(p, latest)| {
                let mut row = json!({
                    "name": p.name,
                    "pipelineType": p.pipeline_type,
                    "latest": latest.as_ref().ok().and_then(Option::as_ref).map(|e| {
                        let seen = e.last_update.or(e.start);
                        json!({
                            "executionId": e.id,
                            "status": status_name(&e.status),
                            "startTime": e.start.map(|t| t.to_rfc3339()),
                            "lastUpdateTime": e.last_update.map(|t| t.to_rfc3339()),
                            "ageSecs": seen.map(|t| (now - t).num_seconds().max(0)),
                        })
                    }),
                });
                // Only a row that could not be read has an "error".
                if let (Err(message), Some(obj)) = (latest, row.as_object_mut()) {
                    obj.insert("error".into(), json!(message));
                }
                row
            })
            .collect();
        println!("{}", json!({ "pipelines": list }));
        return code;
    }
    let mut table = vec![["PIPELINE".to_string(), "STATUS".into(), "AGE".into(), "EXECUTION".into()]];
    for (p, latest) in &rows {
        table.push(match latest {
            Ok(Some(e)) => [p.name.clone(), status_name(&e.status), age(e.last_update.or(e.start), now), e.id.clone()],
            Ok(None) => [p.name.clone(), "-".into(), "-".into(), "-".into()],
            Err(_) => [p.name.clone(), "error".into(), "-".into(), "-".into()],
        });
    }
    print_table(&table);
    code
}

async fn one_pipeline(clients: &AwsClients, name: &str, as_json: bool) -> i32 {
    let state = match with_retry(Retry::first_contact(), || clients.pipeline_state(name)).await {
        Ok(s) => s,
        Err(e) => return fail(EXIT_SETUP, &setup_message(&e, Some(name))),
    };
    if as_json {
        let mut out = pipeline_json(&state);
        // Each stage's conditions; the rules' reasons only when one holds.
        let runs = super::status_conditions::rule_runs(clients, &state).await;
        super::status_conditions::add_conditions(&mut out, &state, &runs);
        // The latest execution's details: the calls the details view makes.
        let latest = super::status_details::latest_json(clients, &state).await;
        if let (Some(obj), Some(latest)) = (out.as_object_mut(), latest) {
            obj.insert("latestExecution".into(), latest);
        }
        println!("{out}");
        return EXIT_OK;
    }
    let now = Utc::now();
    let mut table = vec![["STAGE / ACTION".to_string(), "STATUS".into(), "AGE".into(), "DETAIL".into()]];
    for stage in &state.stages {
        let (execution, status) = match &stage.latest_execution {
            Some((id, s)) => (id.clone(), status_name(s)),
            None => ("-".into(), "-".into()),
        };
        table.push([stage.name.clone(), status, String::new(), execution]);
        for a in &stage.actions {
            let detail = a.error.clone().or_else(|| a.summary.clone()).or_else(|| a.external_id.clone());
            table.push([
                format!("  {}", a.name),
                a.status.as_ref().map_or("-".into(), status_name),
                age(a.last_change, now),
                one_line(&detail.unwrap_or_default()),
            ]);
        }
    }
    print_table(&table);
    EXIT_OK
}

/// The `status --pipeline NAME --json` object (documented in README).
pub fn pipeline_json(state: &PipelineSnapshot) -> Value {
    let stages: Vec<Value> = state
        .stages
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "executionId": s.latest_execution.as_ref().map(|(id, _)| id),
                "status": s.latest_execution.as_ref().map(|(_, st)| status_name(st)),
                "inboundEnabled": s.inbound_enabled,
                "actions": s.actions.iter().map(|a| json!({
                    "name": a.name,
                    "category": a.category,
                    "provider": a.provider,
                    "status": a.status.as_ref().map(status_name),
                    "summary": a.summary,
                    "error": a.error,
                    "externalId": a.external_id,
                    "lastChange": a.last_change.map(|t| t.to_rfc3339()),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "pipeline": state.name, "stages": stages })
}

fn print_table(rows: &[[String; 4]]) {
    let mut widths = [0usize; 4];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in rows {
        let line = format!(
            "{:w0$}  {:w1$}  {:w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
        println!("{}", line.trim_end());
    }
}

/// Summaries and errors come from the service; keep one cell on one line.
fn one_line(s: &str) -> String {
    s.lines().next().unwrap_or("").chars().filter(|c| !c.is_control()).collect()
}

/// "42s", "5m", "3h", "2d" since `t`; "-" when unknown.
pub fn age(t: Option<Time>, now: Time) -> String {
    let Some(t) = t else { return "-".into() };
    let secs = (now - t).num_seconds().max(0);
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

/// CodePipeline's own spelling (`InProgress`, `Succeeded`, ...).
pub fn status_name(s: &Status) -> String {
    match s {
        Status::Other(name) => name.clone(),
        other => format!("{other:?}"),
    }
}

/// Clients from the connection flags (with the SDK's standard retries: see
/// `headless::retry`), or the exit code after printing why not.
pub async fn connect(args: &ConnectArgs) -> Result<AwsClients, i32> {
    let opts = aws::ConnectOptions { sdk_retries: true, ..args.options() };
    aws::connect(&opts).await.map_err(|e| fail(EXIT_SETUP, &format!("{e:#}")))
}

/// `call` until it succeeds, backing off as `retry` says (`headless::retry`);
/// the failure when it is not worth retrying.
pub async fn with_retry<T, F, Fut>(mut retry: Retry, mut call: F) -> Result<T, ApiFailure>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiFailure>>,
{
    loop {
        match call().await {
            Ok(v) => return Ok(v),
            Err(e) => {
                if let Err(line) = retry.after(&e).await {
                    return Err(ApiFailure { message: line, ..e });
                }
            }
        }
    }
}

/// A failed first call, worded as what to change.
pub fn setup_message(e: &ApiFailure, pipeline: Option<&str>) -> String {
    match pipeline {
        Some(name) if e.message.contains("PipelineNotFound") || e.message.contains("not found") => {
            format!(
                "no pipeline named {name:?} here: check --pipeline, --region and --profile (`pipewatch status` lists them)"
            )
        }
        _ => e.message.clone(),
    }
}

/// Prints `pipewatch: MESSAGE` on stderr and returns `code`.
pub fn fail(code: i32, message: &str) -> i32 {
    eprintln!("pipewatch: {message}");
    code
}

/// The pipeline a command means: the one given, else the only one in the region.
pub async fn pick_pipeline(clients: &AwsClients, given: Option<&str>) -> Result<String, String> {
    if let Some(name) = given {
        return Ok(name.to_string());
    }
    let all = with_retry(Retry::first_contact(), || clients.list_pipelines()).await.map_err(|e| e.message)?;
    match all.as_slice() {
        [only] => Ok(only.name.clone()),
        [] => Err("no pipelines in this region: pass --pipeline NAME (or --region)".into()),
        many => {
            let names: Vec<&str> = many.iter().map(|p| p.name.as_str()).collect();
            Err(format!("several pipelines: pass --pipeline NAME, one of {}", names.join(", ")))
        }
    }
}
