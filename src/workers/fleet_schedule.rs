//! Which fleet row to ask about next. The fleet poller sends at most one
//! request per `gap`, whatever the fleet's size, so the request rate is fixed
//! by construction; this decides what the requests are spent on. A row is due
//! again after a cadence: running builds (the attention set) soonest, rows on
//! screen next, approvals waiting (they wait on people, for hours) after that,
//! every other row rarely.
//! Rows never asked about come first, those on screen before the rest.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use crate::model::fleet::{Place, RowKey};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cadence {
    /// A run in progress (not at an approval).
    pub hot: Duration,
    /// A run waiting at a manual approval.
    pub waiting: Duration,
    /// A row on screen.
    pub visible: Duration,
    /// Any other row.
    pub background: Duration,
    /// Between two requests while some row was never asked about.
    pub sweep_gap: Duration,
    /// Between two requests once every row is known (the idle budget).
    pub gap: Duration,
}

impl Cadence {
    /// The defaults, rows on screen as often as the config's `[intervals] rows`.
    pub fn from_intervals(i: &crate::config::Intervals) -> Self {
        Cadence { visible: i.rows, ..Cadence::default() }
    }
}

impl Default for Cadence {
    fn default() -> Self {
        Cadence {
            hot: Duration::from_secs(60),
            waiting: Duration::from_secs(120),
            visible: Duration::from_secs(30),
            background: Duration::from_secs(30 * 60),
            sweep_gap: Duration::from_millis(250),
            gap: Duration::from_millis(500),
        }
    }
}

/// What the last answer said about a row's latest run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Heat {
    #[default]
    Idle,
    Running,
    Waiting,
}

#[derive(Clone, Copy, Debug, Default)]
struct Entry {
    last: Option<Instant>,
    heat: Heat,
}

#[derive(Debug, Default)]
pub struct Schedule {
    pub cadence: Cadence,
    rows: BTreeMap<RowKey, Entry>,
    visible: BTreeSet<RowKey>,
    /// Profiles whose login expired: their rows wait.
    paused: BTreeSet<String>,
}

impl Schedule {
    pub fn new(cadence: Cadence) -> Self {
        Schedule { cadence, ..Default::default() }
    }

    /// A place was listed: its rows become `names`, keeping their times.
    pub fn listed(&mut self, place: &Place, names: &[String]) {
        let old: BTreeMap<RowKey, Entry> = self.rows.extract_if(.., |k, _| &k.place == place).collect();
        for name in names {
            let key = RowKey { place: place.clone(), pipeline: name.clone() };
            let entry = old.get(&key).copied().unwrap_or_default();
            self.rows.insert(key, entry);
        }
    }

    pub fn set_visible(&mut self, keys: Vec<RowKey>) {
        self.visible = keys.into_iter().collect();
    }

    pub fn fetched(&mut self, key: &RowKey, at: Instant, heat: Heat) {
        if let Some(e) = self.rows.get_mut(key) {
            *e = Entry { last: Some(at), heat };
        }
    }

    pub fn pause(&mut self, profile: &str, paused: bool) {
        if paused {
            self.paused.insert(profile.to_string());
        } else {
            self.paused.remove(profile);
        }
    }

    pub fn is_paused(&self, profile: &str) -> bool {
        self.paused.contains(profile)
    }

    fn due_at(&self, key: &RowKey, e: &Entry) -> Option<Instant> {
        let c = &self.cadence;
        let every = match e.heat {
            Heat::Running => c.hot,
            _ if self.visible.contains(key) => c.visible,
            Heat::Waiting => c.waiting,
            Heat::Idle => c.background,
        };
        e.last.map(|l| l + every)
    }

    /// The most overdue row at `now`, if any is due.
    pub fn next_due(&self, now: Instant) -> Option<RowKey> {
        self.rows
            .iter()
            .filter(|(k, _)| !self.paused.contains(&k.place.profile))
            .map(|(k, e)| (self.due_at(k, e), !self.visible.contains(k), k))
            .filter(|(due, _, _)| due.is_none_or(|d| d <= now))
            .min_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)))
            .map(|(_, _, k)| k.clone())
    }

    /// When the next row falls due (None: no row at all).
    pub fn next_wake(&self) -> Option<Instant> {
        self.rows
            .iter()
            .filter(|(k, _)| !self.paused.contains(&k.place.profile))
            .filter_map(|(k, e)| self.due_at(k, e))
            .min()
    }

    /// The gap before the next request: short while rows are unknown.
    pub fn gap(&self) -> Duration {
        let sweeping = self.rows.iter().any(|(k, e)| e.last.is_none() && !self.paused.contains(&k.place.profile));
        if sweeping { self.cadence.sweep_gap } else { self.cadence.gap }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(profile: &str, name: &str) -> RowKey {
        RowKey { place: Place { profile: profile.into(), region: "us-east-1".into() }, pipeline: name.into() }
    }

    fn schedule(names: &[&str]) -> Schedule {
        let mut s = Schedule::new(Cadence::default());
        let place = Place { profile: "dev".into(), region: "us-east-1".into() };
        s.listed(&place, &names.iter().map(|n| n.to_string()).collect::<Vec<_>>());
        s
    }

    #[test]
    fn unknown_rows_on_screen_come_first_then_the_rest_then_nothing_until_due() {
        let secs = Duration::from_secs;
        let cadence = Cadence {
            hot: secs(10),
            visible: secs(20),
            waiting: secs(40),
            background: secs(100),
            ..Cadence::default()
        };
        let mut s = schedule(&["a", "b", "c"]);
        s.cadence = cadence;
        s.set_visible(vec![key("dev", "c")]);
        let t0 = Instant::now();
        assert_eq!(s.next_due(t0), Some(key("dev", "c")));
        assert_eq!(s.gap(), s.cadence.sweep_gap, "sweeping");
        s.fetched(&key("dev", "c"), t0, Heat::Idle);
        assert_eq!(s.next_due(t0), Some(key("dev", "a")));
        s.fetched(&key("dev", "a"), t0, Heat::Running);
        s.fetched(&key("dev", "b"), t0, Heat::Waiting);
        assert_eq!(s.next_due(t0), None, "everything is fresh");
        assert_eq!(s.gap(), s.cadence.gap, "the sweep is over");
        assert_eq!(s.next_wake(), Some(t0 + secs(10)), "the running one is due first");
        assert_eq!(s.next_due(t0 + secs(10)), Some(key("dev", "a")));
        assert_eq!(s.next_due(t0 + secs(25)), Some(key("dev", "a")), "the most overdue first");
        s.fetched(&key("dev", "a"), t0 + secs(25), Heat::Running);
        assert_eq!(s.next_due(t0 + secs(25)), Some(key("dev", "c")), "on screen: every 20 s");
        s.fetched(&key("dev", "c"), t0 + secs(25), Heat::Idle);
        s.fetched(&key("dev", "a"), t0 + secs(39), Heat::Idle);
        s.set_visible(Vec::new());
        assert_eq!(s.next_due(t0 + secs(39)), None, "the approval waits longer");
        assert_eq!(s.next_due(t0 + secs(40)), Some(key("dev", "b")));
        s.fetched(&key("dev", "b"), t0 + secs(40), Heat::Waiting);
        assert_eq!(s.next_due(t0 + secs(79)), None);
        assert_eq!(s.next_due(t0 + secs(80)), Some(key("dev", "b")));
        s.fetched(&key("dev", "b"), t0 + secs(80), Heat::Idle);
        assert_eq!(s.next_due(t0 + secs(124)), None, "off screen and idle: rarely");
        assert_eq!(s.next_due(t0 + secs(125)), Some(key("dev", "c")));
    }

    #[test]
    fn a_paused_profile_is_skipped_until_resumed() {
        let mut s = schedule(&["a"]);
        s.pause("dev", true);
        assert_eq!(s.next_due(Instant::now()), None);
        assert_eq!(s.next_wake(), None);
        s.pause("dev", false);
        assert_eq!(s.next_due(Instant::now()), Some(key("dev", "a")));
    }

    #[test]
    fn relisting_keeps_times_and_drops_deleted_pipelines() {
        let mut s = schedule(&["a", "b"]);
        let t0 = Instant::now();
        s.fetched(&key("dev", "a"), t0, Heat::Idle);
        s.listed(&Place { profile: "dev".into(), region: "us-east-1".into() }, &["a".into()]);
        assert_eq!(s.len(), 1);
        assert_eq!(s.next_due(t0), None, "a keeps its time");
    }

    /// The budget: with 500 rows known, 20 running and 25 on screen, the
    /// requests due per minute stay under the 2/s pacing.
    #[test]
    fn five_hundred_idle_rows_cost_well_under_two_requests_a_second() {
        let c = Cadence::default();
        let per_min = |n: f64, every: Duration| n * 60.0 / every.as_secs_f64();
        // Two requests for a run in progress (its executions, then its state).
        let idle = per_min(10.0, c.waiting) * 2.0 + per_min(25.0, c.visible) + per_min(465.0, c.background);
        let running = idle + per_min(20.0, c.hot) * 2.0;
        assert!(idle < 90.0, "{idle} a minute idle");
        assert!(running < 120.0, "{running} a minute with 20 running");
        assert!(60.0 / c.gap.as_secs_f64() <= 120.0, "the pacer alone caps it at 2/s");
    }
}
