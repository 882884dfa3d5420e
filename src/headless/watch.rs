//! `pipewatch watch`: one line per stage or action status change of one
//! execution, until it ends. Only stages whose latest execution is the
//! watched one are reported: GetPipelineState shows other executions too.

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;

use super::retry::{Retry, poll_interval};
use super::status::{
    EXIT_FAILED, EXIT_OK, EXIT_SETUP, connect, fail, pick_pipeline, setup_message, status_name, with_retry,
};
use crate::aws::AwsClients;
use crate::cli::WatchArgs;
use crate::model::snapshot::{PipelineSnapshot, Status};
use crate::push::is_final;

pub async fn run(args: WatchArgs) -> i32 {
    tokio::select! {
        code = run_inner(&args) => code,
        _ = tokio::signal::ctrl_c() => 130,
    }
}

async fn run_inner(args: &WatchArgs) -> i32 {
    let clients = match connect(&args.connect).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let pipeline = match pick_pipeline(&clients, args.pipeline.as_deref()).await {
        Ok(p) => p,
        Err(message) => return fail(EXIT_SETUP, &message),
    };
    // The first state call doubles as the check that the pipeline exists.
    let first = match with_retry(Retry::first_contact(), || clients.pipeline_state(&pipeline)).await {
        Ok(s) => s,
        Err(e) => return fail(EXIT_SETUP, &setup_message(&e, Some(&pipeline))),
    };
    let execution = match &args.execution {
        Some(id) => id.clone(),
        None => match with_retry(Retry::new(), || clients.list_executions(&pipeline, 1)).await {
            Ok(list) => match list.into_iter().next() {
                Some(e) => e.id,
                None => {
                    return fail(
                        EXIT_SETUP,
                        &format!("{pipeline} has no executions yet: start one (`pipewatch push`)"),
                    );
                }
            },
            Err(e) => return fail(EXIT_SETUP, &e.message),
        },
    };
    println!("{} watching {pipeline} execution {execution}", now());
    let mut seen = Seen::default();
    seen.report(&first, &execution);
    let every = poll_interval(args.interval);
    let end = match follow(&clients, &pipeline, &execution, every, &mut seen).await {
        Ok(s) => s,
        Err(message) => return fail(EXIT_FAILED, &message),
    };
    println!("{} execution {execution} {}", now(), status_name(&end));
    match (args.exit_status, end) {
        (false, _) | (true, Status::Succeeded) => EXIT_OK,
        _ => EXIT_FAILED,
    }
}

/// Polls until the execution's status is final. The status is read before
/// the state, so the last state printed already shows the end. Throttling
/// and outages are waited out (`headless::retry`).
async fn follow(
    clients: &AwsClients,
    pipeline: &str,
    execution: &str,
    every: Duration,
    seen: &mut Seen,
) -> Result<Status, String> {
    let mut retry = Retry::new();
    loop {
        let polled = async {
            let status = clients.execution_status(pipeline, execution).await?;
            let state = clients.pipeline_state(pipeline).await?;
            Ok::<_, crate::msg::ApiFailure>((status, state))
        };
        match polled.await {
            Ok((status, state)) => {
                retry.succeeded();
                seen.report(&state, execution);
                if is_final(&status) {
                    return Ok(status);
                }
            }
            Err(e) => {
                retry.after(&e).await?;
                continue;
            }
        }
        tokio::time::sleep(every).await;
    }
}

/// The last status printed for each stage and each stage/action.
#[derive(Default)]
struct Seen(HashMap<String, String>);

impl Seen {
    fn report(&mut self, state: &PipelineSnapshot, execution: &str) {
        for stage in &state.stages {
            let Some((id, status)) = &stage.latest_execution else { continue };
            if id != execution {
                continue;
            }
            self.line(stage.name.clone(), format!("stage {}", stage.name), status);
            for a in &stage.actions {
                if let Some(s) = &a.status {
                    self.line(format!("{}/{}", stage.name, a.name), format!("action {}/{}", stage.name, a.name), s);
                }
            }
        }
    }

    fn line(&mut self, key: String, what: String, status: &Status) {
        let name = status_name(status);
        if self.0.get(&key) != Some(&name) {
            println!("{} {what} {name}", now());
            self.0.insert(key, name);
        }
    }
}

fn now() -> String {
    Utc::now().format("%H:%M:%S").to_string()
}
