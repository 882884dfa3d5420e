//! `pipewatch status --fleet NAME [--json]`: every pipeline of a config
//! `[[fleet]]` with its latest run, grouped by place (profile and Region,
//! with the account) and sorted as the TUI sorts them (failed, waiting for
//! approval, running, then newest). Places are read side by side, each with
//! its own credentials; one place failing (an expired login) leaves the
//! others' rows and makes the exit code 1.

use chrono::Utc;
use futures_util::future::join_all;
use serde_json::{Value, json};

use super::retry::Retry;
use super::status::{EXIT_FAILED, EXIT_OK, EXIT_SETUP, age, fail, status_name, with_retry};
use crate::aws::{self, ConnectOptions};
use crate::cli::StatusArgs;
use crate::model::fleet::{Fleet, Latest, Line, Place, RowKey, passes};
use crate::model::health::FailureKind;

/// What one place answered.
struct PlaceRead {
    place: Place,
    account: Option<String>,
    /// The whole place failed: why, and whether a login fixes it.
    error: Option<(String, bool)>,
    names: Vec<String>,
    rows: Vec<(String, Result<Latest, String>)>,
}

pub async fn run(args: &StatusArgs, name: &str) -> i32 {
    let config = match crate::config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(EXIT_SETUP, &format!("{e:#}")),
    };
    let members = match crate::config::fleet_members(&config.fleets, name) {
        Ok(m) => m,
        Err(e) => return fail(EXIT_SETUP, &e),
    };
    let mut fleet = Fleet::new(name, members);
    let places: Vec<Place> = fleet.places.keys().cloned().collect();
    let base = args.connect.options();
    let reads = join_all(places.into_iter().map(|p| {
        let filters = fleet.filters_of(&p);
        read_place(p, filters, &base)
    }))
    .await;
    let mut unread = 0;
    let mut errors: Vec<(RowKey, String)> = Vec::new();
    for r in &reads {
        let state = fleet.places.entry(r.place.clone()).or_default();
        state.account = r.account.clone();
        if let Some((message, login)) = &r.error {
            unread += 1;
            state.login_needed = *login;
            state.error = Some(message.clone());
            eprintln!("pipewatch: {} in {}: {message}", r.place.profile, r.place.region);
            continue;
        }
        fleet.listed(&r.place, &r.names);
        for (pipeline, latest) in &r.rows {
            let key = RowKey { place: r.place.clone(), pipeline: pipeline.clone() };
            match latest {
                Ok(l) => fleet.latest(&key, l.clone()),
                Err(message) => {
                    unread += 1;
                    eprintln!("pipewatch: {pipeline} ({} in {}): {message}", r.place.profile, r.place.region);
                    errors.push((key, message.clone()));
                }
            }
        }
    }
    if args.json {
        println!("{}", as_json(&fleet, &errors));
    } else {
        print_text(&fleet, &errors);
    }
    if unread > 0 { EXIT_FAILED } else { EXIT_OK }
}

/// One place: its account, all ListPipelines pages, then each pipeline's
/// latest run (the member's name globs applied first, so nothing else is asked).
async fn read_place(place: Place, filters: Vec<String>, base: &ConnectOptions) -> PlaceRead {
    let mut out = PlaceRead { place: place.clone(), account: None, error: None, names: Vec::new(), rows: Vec::new() };
    let opts = ConnectOptions {
        profile: Some(place.profile.clone()),
        region: Some(place.region.clone()),
        endpoint_url: base.endpoint_url.clone(),
        sdk_retries: true,
    };
    let clients = match aws::connect(&opts).await {
        Ok(c) => c,
        Err(e) => {
            out.error = Some((format!("{e:#}"), false));
            return out;
        }
    };
    let failed = |e: &crate::model::health::ApiFailure| (e.message.clone(), e.kind == FailureKind::Expired);
    match with_retry(Retry::first_contact(), || clients.identity()).await {
        Ok(a) => out.account = Some(a),
        Err(e) => {
            out.error = Some(failed(&e));
            return out;
        }
    }
    let listed = match with_retry(Retry::first_contact(), || clients.list_pipelines()).await {
        Ok(l) => l,
        Err(e) => {
            out.error = Some(failed(&e));
            return out;
        }
    };
    out.names = listed.into_iter().map(|p| p.name).filter(|n| passes(&filters, n)).collect();
    for pipeline in out.names.clone() {
        let latest = with_retry(Retry::new(), || async { clients.fleet_latest(&pipeline).await.0 }).await;
        out.rows.push((pipeline, latest.map_err(|e| e.message)));
    }
    out
}

fn latest_json(l: &Latest, now: crate::model::snapshot::Time) -> Value {
    match l {
        Latest::Run { id, status, waiting_approval, at } => json!({
            "executionId": id,
            "status": status_name(status),
            "waitingForApproval": waiting_approval,
            "lastUpdateTime": at.map(|t| t.to_rfc3339()),
            "ageSecs": at.map(|t| (now - t).num_seconds().max(0)),
        }),
        Latest::Never | Latest::Unknown => Value::Null,
    }
}

fn as_json(fleet: &Fleet, errors: &[(RowKey, String)]) -> Value {
    let now = Utc::now();
    let places: Vec<Value> = fleet
        .places
        .iter()
        .map(|(p, s)| {
            json!({
                "profile": p.profile,
                "region": p.region,
                "account": s.account,
                "loginNeeded": s.login_needed,
                "error": s.error,
            })
        })
        .collect();
    let pipelines: Vec<Value> = (0..fleet.lines.len())
        .filter_map(|l| fleet.key_at(l))
        .filter_map(|k| fleet.row(&k))
        .map(|r| {
            let p = &r.key.place;
            let mut v = json!({
                "profile": p.profile,
                "region": p.region,
                "account": fleet.places.get(p).and_then(|s| s.account.clone()),
                "name": r.key.pipeline,
                "latest": latest_json(&r.latest, now),
            });
            if let Some((_, e)) = errors.iter().find(|(k, _)| *k == r.key) {
                v["error"] = json!(e);
            }
            v
        })
        .collect();
    json!({ "fleet": fleet.name, "places": places, "pipelines": pipelines })
}

fn print_text(fleet: &Fleet, errors: &[(RowKey, String)]) {
    let now = Utc::now();
    for (place, state) in fleet.places.iter().filter(|(_, s)| s.error.is_some()) {
        let why = if state.login_needed { "login needed" } else { "unreadable" };
        println!("{} · {} · {why}", place.profile, place.region);
    }
    for line in &fleet.lines {
        match line {
            Line::Group(p) => {
                let account = fleet.places.get(p).and_then(|s| s.account.clone()).unwrap_or_else(|| "-".into());
                println!("{} · {account} · {}", p.profile, p.region);
            }
            Line::Row(_) => {}
        }
        if let Line::Row(i) = line {
            let r = &fleet.rows()[*i];
            let (status, when) = match &r.latest {
                _ if errors.iter().any(|(k, _)| *k == r.key) => ("error".to_string(), "-".to_string()),
                Latest::Run { waiting_approval: true, at, .. } => ("WaitingForApproval".into(), age(*at, now)),
                Latest::Run { status, at, .. } => (status_name(status), age(*at, now)),
                Latest::Never | Latest::Unknown => ("-".into(), "-".into()),
            };
            println!("  {:<40} {:<20} {when}", r.key.pipeline, status);
        }
    }
}
