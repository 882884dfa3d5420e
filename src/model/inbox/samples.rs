//! A hand-built inbox over the sample model's pipelines (and one in another
//! account), for render tests and screenshots.

use chrono::TimeDelta;

use crate::model::Model;
use crate::model::inbox::{Approval, Target};
use crate::model::samples::now;

fn approval(stage: &str, action: &str, mins_ago: i64, custom_data: Option<&str>, link: Option<&str>) -> Approval {
    Approval {
        stage: stage.into(),
        action: action.into(),
        token: format!("token-{stage}-{action}"),
        execution_id: Some("e0c1d2a3-aaaa-bbbb-cccc-000000000001".into()),
        since: Some(now() - TimeDelta::minutes(mins_ago)),
        custom_data: custom_data.map(str::to_string),
        external_link: link.map(str::to_string),
    }
}

/// Opens `m`'s inbox over its pipelines plus `payments` in profile `prod`
/// (eu-west-1): three approvals waiting, one pipeline unreadable.
pub fn fill(m: &mut Model) {
    let c = &m.session.connection;
    let at = |p: &str| Target { profile: c.profile.clone(), region: c.region.clone(), pipeline: p.into() };
    let prod = Target { profile: Some("prod".into()), region: "eu-west-1".into(), pipeline: "payments".into() };
    let mut targets: Vec<Target> = m.session.list.items.iter().map(|p| at(&p.name)).collect();
    targets.push(prod.clone());
    m.inbox.set_targets(targets);
    let demo = approval(
        "Approve",
        "Approve",
        12,
        Some("Check the model metrics in the Build log before deploying."),
        Some("https://dashboards.example.com/mlops-demo/metrics"),
    );
    m.inbox.record(at("mlops-demo"), Ok(vec![demo]));
    m.inbox.record(at("data-ingest"), Ok(vec![approval("Prod", "SignOff", 135, Some("Schema change: review"), None)]));
    m.inbox.record(at("web-frontend"), Err("access denied for codepipeline:GetPipelineState".into()));
    m.inbox.record(prod, Ok(vec![approval("Release", "ChangeBoard", 3, None, None)]));
    m.modal = crate::model::Modal::Inbox;
}
