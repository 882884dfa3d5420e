use chrono::{Duration, Utc};

use super::*;

fn statuses(store: &Store, now: Time) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for list in store.places.values() {
        for p in list {
            let latest = p.executions.last().expect("every generated pipeline has run");
            let phases = latest.phases(now);
            let key = match latest.status(now).0 {
                "InProgress" if phases.last().is_some_and(|p| p.stage == 2) => "waiting",
                "InProgress" => "running",
                other => other,
            };
            *out.entry(key).or_insert(0) += 1;
        }
    }
    out
}

#[test]
fn five_hundred_split_over_two_regions_with_the_asked_kinds() {
    let now = Utc::now();
    let store = Store::new(&[GenerateSpec::home(500, Some(20))], now);
    assert_eq!(store.total(), 500);
    assert_eq!(store.pipelines(super::super::ACCOUNT_ID, "us-east-1").len(), 250);
    assert_eq!(store.pipelines(super::super::ACCOUNT_ID, "eu-west-1").len(), 250);
    let s = statuses(&store, now);
    assert_eq!(s.get("running"), Some(&20), "{s:?}");
    assert_eq!(s.get("waiting"), Some(&10), "{s:?}");
    assert_eq!(s.get("Failed"), Some(&25), "{s:?}");
    assert_eq!(s.get("Succeeded"), Some(&445), "{s:?}");
}

#[test]
fn names_are_unique_and_carry_the_prefix() {
    let spec = GenerateSpec { prefix: "b-".into(), ..GenerateSpec::home(40, None) };
    let store = Store::new(&[spec], Utc::now());
    let mut names: Vec<&str> = store.places.values().flatten().map(|p| p.name.as_str()).collect();
    assert!(names.iter().all(|n| n.starts_with("b-")), "{names:?}");
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 40);
}

#[test]
fn a_run_builds_then_waits_for_approval_then_deploys() {
    let t0 = Utc::now();
    let mut e = GenExec { build_secs: 100, ..fresh(t0, "StartPipelineExecution") };
    assert_eq!(e.phases(t0).last().map(|p| (p.stage, p.status)), Some((0, "InProgress")));
    assert_eq!(e.phases(t0 + Duration::seconds(50)).last().map(|p| (p.stage, p.status)), Some((1, "InProgress")));
    let waiting = t0 + Duration::seconds(200);
    assert_eq!(e.phases(waiting).last().map(|p| (p.stage, p.status)), Some((2, "InProgress")));
    assert_eq!(e.status(waiting).0, "InProgress");
    e.decision = Some(Decision { approved: true, at: waiting, summary: None });
    assert_eq!(e.phases(waiting + Duration::seconds(1)).last().map(|p| (p.stage, p.status)), Some((3, "InProgress")));
    let done = waiting + Duration::seconds(DEPLOY_SECS + 1);
    assert_eq!(e.status(done), ("Succeeded", waiting + Duration::seconds(DEPLOY_SECS)));
}

#[test]
fn a_failed_build_or_a_rejection_fails_the_run() {
    let t0 = Utc::now();
    let e = GenExec { build_fails: true, ..fresh(t0, "x") };
    assert_eq!(e.status(t0 + Duration::hours(1)).0, "Failed");
    let mut e = fresh(t0, "x");
    let at = t0 + Duration::minutes(5);
    e.decision = Some(Decision { approved: false, at, summary: None });
    assert_eq!(e.status(at).0, "Failed");
    assert_eq!(e.phases(at).len(), 3, "a rejected run never deploys");
}
