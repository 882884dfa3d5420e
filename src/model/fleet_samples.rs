//! A fleet for tests: two profiles × two Regions, every kind of row, one
//! profile's login expired.

use chrono::Duration;

use super::Model;
use super::fleet::{Fleet, Latest, Place, RowKey};
use super::samples;
use super::snapshot::Status;
use crate::config::FleetMember;

pub fn member(profile: &str, regions: &[&str]) -> FleetMember {
    FleetMember {
        fleet: "all".into(),
        profile: profile.into(),
        regions: regions.iter().map(|s| s.to_string()).collect(),
        filters: Vec::new(),
    }
}

pub fn key(profile: &str, region: &str, name: &str) -> RowKey {
    RowKey { place: Place { profile: profile.into(), region: region.into() }, pipeline: name.into() }
}

/// The samples' model (profile dev in us-east-1) showing the fleet list.
pub fn model(w: u16, h: u16) -> Model {
    let mut m = samples::model(samples::running_build(), w, h);
    let now = m.now;
    let mut f = Fleet::new(
        "all",
        vec![member("dev", &["us-east-1", "eu-west-1"]), member("prod", &["us-east-1", "eu-west-1"])],
    );
    let names = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    f.listed(&place("dev", "us-east-1"), &names(&["payments-api", "search-indexer", "auth-service", "ledger-batch"]));
    f.listed(&place("dev", "eu-west-1"), &names(&["checkout-web", "catalog-sync"]));
    f.listed(&place("prod", "us-east-1"), &names(&["payments-api", "notify-gateway"]));
    f.listed(&place("prod", "eu-west-1"), &names(&["billing-worker"]));
    let run = |status: Status, mins: i64, waiting: bool| Latest::Run {
        id: format!("run-{mins}"),
        status,
        waiting_approval: waiting,
        at: Some(now - Duration::minutes(mins)),
    };
    f.latest(&key("dev", "us-east-1", "payments-api"), run(Status::Failed, 12, false));
    f.latest(&key("dev", "us-east-1", "search-indexer"), run(Status::InProgress, 3, false));
    f.latest(&key("dev", "us-east-1", "auth-service"), run(Status::Succeeded, 180, false));
    f.latest(&key("dev", "us-east-1", "ledger-batch"), Latest::Never);
    f.latest(&key("dev", "eu-west-1", "checkout-web"), run(Status::InProgress, 40, true));
    f.latest(&key("dev", "eu-west-1", "catalog-sync"), run(Status::Succeeded, 2900, false));
    f.latest(&key("prod", "us-east-1", "payments-api"), run(Status::Succeeded, 30, false));
    for (place, account) in [
        (place("dev", "us-east-1"), "123456789012"),
        (place("dev", "eu-west-1"), "123456789012"),
        (place("prod", "us-east-1"), "210987654321"),
        (place("prod", "eu-west-1"), "210987654321"),
    ] {
        f.places.entry(place).or_default().account = Some(account.into());
    }
    f.set_login_needed("prod", true);
    m.fleet = Some(f);
    m
}

pub fn place(profile: &str, region: &str) -> Place {
    Place { profile: profile.into(), region: region.into() }
}
