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
