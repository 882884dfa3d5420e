//! Hand-built snapshots of the demo pipeline (a running build, a failed build
//! with contexts, a disabled transition), for tests and benchmarks: the UI can
//! be exercised without any AWS or sandbox.

use chrono::{TimeDelta, TimeZone, Utc};

use crate::config::Config;
use crate::model::snapshot::*;
use crate::model::{Connection, Model};

/// A fixed "now" so rendered elapsed times are stable.
pub fn now() -> Time {
    Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).single().unwrap_or_default()
}

fn ago(secs: i64) -> Option<Time> {
    Some(now() - TimeDelta::seconds(secs))
}

pub const BUILD_ID: &str = "mlops-demo-build:6f1c2a9e-1111-4222-8333-944445555666";

fn action(name: &str, category: &str, provider: &str, status: Option<Status>, secs_ago: i64) -> ActionSnapshot {
    ActionSnapshot {
        name: name.into(),
        category: Some(category.into()),
        provider: Some(provider.into()),
        status,
        summary: None,
        last_change: ago(secs_ago),
        external_id: None,
        external_url: None,
        approval_token: None,
        error: None,
        log_stream_arn: None,
    }
}

fn stage(name: &str, status: Option<Status>, actions: Vec<ActionSnapshot>) -> StageSnapshot {
    StageSnapshot {
        name: name.into(),
        inbound_enabled: true,
        disabled_reason: None,
        latest_execution: status.map(|s| ("e0c1d2a3-aaaa-bbbb-cccc-000000000001".to_string(), s)),
        inbound_execution: None,
        actions,
        v2: Default::default(),
    }
}

/// Source done, Build running (train + a second CodeBuild action waiting).
pub fn pipeline(build_status: Status) -> PipelineSnapshot {
    let mut build = action("Train", "Build", "CodeBuild", Some(build_status.clone()), 72);
    build.external_id = Some(BUILD_ID.into());
    PipelineSnapshot {
        name: "mlops-demo".into(),
        stages: vec![
            stage(
                "Source",
                Some(Status::Succeeded),
                vec![action("Source", "Source", "S3", Some(Status::Succeeded), 80)],
            ),
            stage("Build", Some(build_status.clone()), vec![build, action("Lint", "Test", "CodeBuild", None, 0)]),
            stage("Approve", None, vec![action("Approve", "Approval", "Manual", None, 0)]),
            stage("Deploy", None, vec![action("Deploy", "Deploy", "S3", None, 0)]),
        ],
    }
}

/// The demo pipeline with the transition into Deploy disabled.
pub fn pipeline_with_disabled_transition() -> PipelineSnapshot {
    let mut p = pipeline(Status::Succeeded);
    if let Some(deploy) = p.stages.get_mut(3) {
        deploy.inbound_enabled = false;
        deploy.disabled_reason = Some("release freeze".into());
    }
    p
}

fn phase(name: &str, status: Option<Status>, start_ago: i64, secs: Option<i64>) -> PhaseSnapshot {
    PhaseSnapshot {
        phase: name.into(),
        status,
        start: ago(start_ago),
        end: secs.and_then(|s| ago(start_ago - s)),
        duration_secs: secs,
        contexts: Vec::new(),
    }
}

/// A build in its BUILD phase for 12 s.
pub fn running_build() -> BuildSnapshot {
    let ok = Some(Status::Succeeded);
    BuildSnapshot {
        id: BUILD_ID.into(),
        project: "mlops-demo-build".into(),
        number: Some(7),
        status: Status::InProgress,
        current_phase: Some("BUILD".into()),
        start: ago(70),
        end: None,
        phases: vec![
            phase("SUBMITTED", ok.clone(), 70, Some(0)),
            phase("QUEUED", ok.clone(), 70, Some(1)),
            phase("PROVISIONING", ok.clone(), 69, Some(20)),
            phase("DOWNLOAD_SOURCE", ok.clone(), 49, Some(2)),
            phase("INSTALL", ok.clone(), 47, Some(30)),
            phase("PRE_BUILD", ok, 17, Some(5)),
            phase("BUILD", None, 12, None),
        ],
        log_group: Some("/aws/codebuild/mlops-demo-build".into()),
        log_stream: Some("6f1c2a9e".into()),
        cloudwatch_logs_disabled: false,
        s3_log: None,
        complete: false,
        region: None,
        report_arns: Vec::new(),
    }
}

/// A build that failed in BUILD with a context.
pub fn failed_build() -> BuildSnapshot {
    let mut b = running_build();
    b.status = Status::Failed;
    b.complete = true;
    b.end = ago(0);
    b.current_phase = Some("COMPLETED".into());
    b.phases.pop();
    let mut failed = phase("BUILD", Some(Status::Failed), 12, Some(9));
    failed.contexts = vec![(
        "COMMAND_EXECUTION_ERROR".into(),
        "Error while executing command: python train.py. Reason: exit status 1".into(),
    )];
    b.phases.push(failed);
    for p in ["POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING"] {
        b.phases.push(phase(p, Some(Status::Succeeded), 3, Some(1)));
    }
    b.phases.push(PhaseSnapshot {
        phase: "COMPLETED".into(),
        status: None,
        start: ago(0),
        end: None,
        duration_secs: None,
        contexts: vec![],
    });
    b
}

pub fn executions() -> Vec<ExecutionSummary> {
    vec![ExecutionSummary {
        id: "e0c1d2a3-aaaa-bbbb-cccc-000000000001".into(),
        status: Status::InProgress,
        status_summary: None,
        trigger_type: Some("PutActionRevision".into()),
        trigger_detail: None,
        source_revisions: vec![SourceRevision {
            action_name: "Source".into(),
            revision_id: Some("3f9a8b7c6d5e".into()),
            summary: Some("tune learning rate".into()),
        }],
        start: ago(80),
        last_update: ago(5),
        v2: Default::default(),
    }]
}

pub fn pipelines() -> Vec<PipelineSummary> {
    ["mlops-demo", "data-ingest", "web-frontend"]
        .iter()
        .map(|n| PipelineSummary {
            name: n.to_string(),
            pipeline_type: Some("V2".into()),
            execution_mode: None,
            updated: None,
            latest: None,
        })
        .collect()
}

pub fn log_lines() -> Vec<LogEvent> {
    let base = now().timestamp_millis() - 12_000;
    [
        "[Container] 2026/11/26 11:59:48 Running command python train.py",
        "\x1b[32mepoch 1/3\x1b[0m loss=0.912 acc=0.61",
        "\x1b[32mepoch 2/3\x1b[0m loss=0.544 acc=0.78",
        "\x1b[33mwarning:\x1b[0m learning rate schedule ends early",
        "\x1b[32mepoch 3/3\x1b[0m loss=0.301 acc=0.88",
        "\x1b[1;31merror:\x1b[0m validation accuracy 0.88 below threshold 0.90",
    ]
    .iter()
    .enumerate()
    .map(|(i, m)| LogEvent { timestamp_ms: base + i as i64 * 1000, message: m.to_string() })
    .collect()
}

/// A whole model: demo pipeline with `build` shown, logs loaded, sized `w`×`h`.
pub fn model(build: BuildSnapshot, w: u16, h: u16) -> Model {
    let connection = Connection {
        account: Some("123456789012".into()),
        region: "us-east-1".into(),
        profile: Some("dev".into()),
        endpoint: None,
    };
    let mut m = Model::new(Config::default(), connection, Some("mlops-demo".into()), now());
    m.size = (w, h);
    m.session.list.items = pipelines();
    m.session.list.loaded = true;
    m.session.state = Some(pipeline(build.status.clone()));
    m.session.executions = executions();
    m.session.selected = (1, 0);
    m.session.build.id = Some(build.id.clone());
    m.session.build.medians = vec![("BUILD".into(), 20.0), ("INSTALL".into(), 28.0)];
    m.session.build.snapshot = Some(build);
    for e in log_lines() {
        m.logs.buffer.push_event(&e);
    }
    // A steady screen: its run was already seen and titled (no effects pending).
    crate::model::terminal::mark_seen(&mut m);
    m
}

/// A beforeEntry condition of one rule, the condition and the rule both at
/// `status` (None: never evaluated), as GetPipelineState reports it.
pub fn entry_condition(
    rule: &str,
    status: Option<&str>,
    summary: Option<&str>,
) -> crate::model::conditions::StageCondition {
    use crate::model::conditions::{ConditionKind, RuleStatus, StageCondition};
    StageCondition {
        kind: ConditionKind::BeforeEntry,
        status: status.map(str::to_string),
        summary: None,
        rules: vec![RuleStatus {
            name: rule.into(),
            status: status.map(str::to_string),
            summary: summary.map(str::to_string),
            rule_execution_id: status.map(|_| "r1".into()),
        }],
    }
}
