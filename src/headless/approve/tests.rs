use super::*;
use crate::model::snapshot::{ActionSnapshot, StageSnapshot, Status};

fn action(name: &str, token: Option<&str>) -> ActionSnapshot {
    ActionSnapshot {
        name: name.into(),
        category: Some("Approval".into()),
        provider: Some("Manual".into()),
        status: token.map(|_| Status::InProgress),
        summary: None,
        last_change: None,
        external_id: None,
        external_url: None,
        approval_token: token.map(str::to_string),
        error: None,
    }
}

fn stage(name: &str, actions: Vec<ActionSnapshot>) -> StageSnapshot {
    StageSnapshot {
        name: name.into(),
        inbound_enabled: true,
        disabled_reason: None,
        latest_execution: Some(("e1".into(), Status::InProgress)),
        inbound_execution: None,
        actions,
        v2: Default::default(),
    }
}

fn state(stages: Vec<StageSnapshot>) -> PipelineSnapshot {
    PipelineSnapshot { name: "p".into(), stages }
}

#[test]
fn the_only_waiting_approval_is_picked_without_flags() {
    let s = state(vec![stage("Build", vec![action("Build", None)]), stage("QA", vec![action("Ok", Some("t1"))])]);
    let one = pick(&s, None, None).expect("one");
    assert_eq!((one.stage.as_str(), one.action.as_str(), one.token.as_str()), ("QA", "Ok", "t1"));
    assert_eq!(one.execution_id.as_deref(), Some("e1"));
}

#[test]
fn several_waiting_are_listed_and_the_flags_choose() {
    let s = state(vec![
        stage("QA", vec![action("Ok", Some("t1")), action("Legal", Some("t2"))]),
        stage("Prod", vec![action("Ok", Some("t3"))]),
    ]);
    let Err(Pick::Several(lines)) = pick(&s, None, None) else { panic!("ambiguous") };
    assert!(lines.starts_with("3 approvals are waiting in p"), "{lines}");
    assert!(lines.contains("--stage QA --action Legal"), "{lines}");
    let Err(Pick::Several(_)) = pick(&s, None, Some("Ok")) else { panic!("Ok is in two stages") };
    assert_eq!(pick(&s, Some("QA"), Some("Legal")).map(|w| w.token), Ok("t2".into()));
    assert_eq!(pick(&s, Some("Prod"), None).map(|w| w.token), Ok("t3".into()));
}

#[test]
fn nothing_waiting_is_one_line_naming_what_was_asked() {
    let idle = state(vec![stage("QA", vec![action("Ok", None)])]);
    assert_eq!(pick(&idle, None, None), Err(Pick::None("no manual approval is waiting in p".into())));
    let s = state(vec![stage("QA", vec![action("Ok", Some("t1"))])]);
    let Err(Pick::None(line)) = pick(&s, Some("Prod"), None) else { panic!("no match") };
    assert_eq!(line, "no manual approval is waiting in p in stage Prod (1 waiting elsewhere)");
}

#[test]
fn a_summary_is_trimmed_defaulted_and_held_to_512_characters() {
    let args = |summary: Option<&str>, approve: bool| ApproveArgs {
        pipeline: "p".into(),
        stage: None,
        action: None,
        approve,
        reject: !approve,
        summary: summary.map(str::to_string),
        connect: Default::default(),
    };
    assert_eq!(summary_of(&args(Some("  fine "), true)), Ok("fine".into()));
    assert_eq!(summary_of(&args(Some("   "), false)), Ok("Rejected with pipewatch approve".into()));
    assert!(summary_of(&args(Some(&"x".repeat(512)), true)).is_ok());
    let long = summary_of(&args(Some(&"é".repeat(513)), true));
    assert!(long.is_err_and(|e| e.contains("513") && e.contains("512")));
}
