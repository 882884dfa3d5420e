use super::*;

fn source(action: &str) -> S3Source {
    S3Source {
        stage: "Source".into(),
        action: action.into(),
        bucket: "b".into(),
        key: "k.zip".into(),
        poll_for_source_changes: None,
    }
}

#[test]
fn the_only_s3_source_is_chosen() {
    assert_eq!(choose_source("p", vec![source("Src")], None).unwrap(), source("Src"));
}

#[test]
fn no_s3_source_is_a_clear_error() {
    let err = choose_source("p", vec![], None).unwrap_err();
    assert!(err.to_string().contains("push needs one"), "{err}");
}

#[test]
fn several_sources_ask_the_caller_to_choose() {
    let err = choose_source("p", vec![source("A"), source("B")], None).unwrap_err();
    match &err {
        PushError::SeveralSources { sources, .. } => assert_eq!(sources.len(), 2),
        other => panic!("expected SeveralSources, got {other:?}"),
    }
    assert!(err.to_string().contains("A (s3://b/k.zip), B (s3://b/k.zip)"), "{err}");
    assert_eq!(choose_source("p", vec![source("A"), source("B")], Some("B")).unwrap(), source("B"));
    assert!(matches!(choose_source("p", vec![source("A")], Some("C")), Err(PushError::UnknownSource { .. })));
}

#[test]
fn too_large_and_preflight_errors_explain_themselves() {
    let too_large = PushError::TooLarge { bytes: MAX_PUT_BYTES + 1 };
    assert!(too_large.to_string().contains("5 GB"), "{too_large}");
    let failed = PushError::PreflightFailed { errors: vec!["buildspec.yml: error (line 3): x".into()] };
    assert!(failed.to_string().contains("--force") && failed.to_string().contains("line 3"), "{failed}");
}

/// The TUI spawns these on tokio: they must be Send (checked at compile time).
#[allow(dead_code)]
fn the_futures_are_send(clients: &AwsClients, req: &PushRequest, plan: &PushPlan) {
    fn send<T: Send>(_: T) {}
    send(super::plan(clients, req));
    send(execute(clients, plan, &ExecuteOptions::default(), std::sync::Arc::new(|_| {})));
    send(start_execution(clients, plan, "v"));
}

fn polling(value: Option<&str>) -> S3Source {
    S3Source { poll_for_source_changes: value.map(str::to_string), ..source("Src") }
}

/// A V2 plan for `source`, with polling stopped at `disabled`.
fn plan_with(source: S3Source, disabled: Option<crate::model::snapshot::Time>) -> (tempfile::TempDir, PushPlan) {
    let ws = tempfile::tempdir().expect("workspace");
    std::fs::write(ws.path().join("app.py"), "print(1)\n").expect("file");
    let package =
        crate::pack::pack_workspace(&PackOptions { workspace: Some(ws.path().into()), temp_dir: None }).expect("pack");
    let preflight = Preflight { buildspec: "not checked".into(), findings: vec![] };
    let plan = PushPlan {
        pipeline: "p".into(),
        pipeline_type: "V2".into(),
        source,
        package,
        preflight,
        remote: None,
        summary: "s".into(),
        warnings: vec![],
        stall_timeout: crate::aws::STALL_TIMEOUT,
        polling_disabled_at: disabled,
    };
    (ws, plan)
}

/// CodePipeline User Guide, "Amazon S3 source action reference":
/// PollForSourceChanges "Default: true" (CLI and CloudFormation pipelines).
#[test]
fn an_absent_poll_setting_means_the_source_polls() {
    assert!(polling(None).polls());
    assert!(polling(Some("true")).polls());
    assert!(!polling(Some("false")).polls());
    assert!(!polling(Some("False")).polls());
}

#[test]
fn a_polling_source_waits_for_its_poll_and_offers_no_start() {
    let (_ws, plan) = plan_with(polling(None), None);
    assert_eq!(plan.trigger(), Trigger::Poll);
    let note = trigger_note(&plan, "v1").expect("a note");
    assert!(note.contains("next poll") && note.contains("second run"), "{note}");
    let why = no_execution_explanation(&plan, "v1", std::time::Duration::from_secs(600));
    assert!(!why.contains("PollForSourceChanges=false"), "{why}");
}

/// CodePipeline User Guide, "Pipeline structure reference",
/// metadata.pollingDisabledAt: polling stops after 30 days without a run.
#[test]
fn polling_switched_off_says_no_run_will_start_and_offers_one() {
    let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("time");
    let (_ws, plan) = plan_with(polling(Some("true")), Some(at));
    assert_eq!(plan.trigger(), Trigger::PollingDisabled(at));
    let note = trigger_note(&plan, "v1").expect("a note");
    assert!(note.contains("stopped polling p's source on 2023-11-14"), "{note}");
    assert!(note.contains("no run will start by itself"), "{note}");
    assert!(note.contains("start it pinned to version v1"), "{note}");
    // An event-driven source does not care whether polling was switched off.
    let (_ws, events) = plan_with(polling(Some("false")), Some(at));
    assert_eq!(events.trigger(), Trigger::Events);
    assert_eq!(trigger_note(&events, "v1"), None);
    let why = no_execution_explanation(&events, "v1", std::time::Duration::from_secs(60));
    assert!(why.contains("EventBridge"), "{why}");
}
