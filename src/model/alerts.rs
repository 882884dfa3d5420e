//! What decides an "approval waiting" notification: the pipelines the user
//! starred (persisted, one `profile<TAB>region<TAB>pipeline` line each), and
//! the approval tokens seen per pipeline, so only an approval that starts
//! waiting after a pipeline was first seen notifies, and only once.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::model::inbox::Target;

/// Tokens notified are kept up to this many (a long session sees many).
const MAX_NOTIFIED: usize = 1000;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Alerts {
    /// Pipelines whose approvals notify even when not shown.
    pub starred: BTreeSet<Target>,
    /// Per pipeline, the tokens of the approvals waiting at its last read.
    seen: HashMap<Target, BTreeSet<String>>,
    /// Tokens already notified: two sources (the shown pipeline's poll and
    /// the inbox) may report one approval, in either order.
    notified: HashSet<String>,
    /// The starred pipelines read only for their approvals (not shown, not
    /// in the open inbox): what `Effect::WatchStars` last asked for.
    pub watching: Vec<Target>,
}

impl Alerts {
    /// Records the tokens waiting at `target`; returns those that started
    /// waiting since its previous read (none on a first read: they were
    /// already waiting) and were not notified before.
    pub fn fresh(&mut self, target: &Target, tokens: BTreeSet<String>) -> Vec<String> {
        let before = self.seen.insert(target.clone(), tokens.clone());
        let Some(before) = before else { return Vec::new() };
        let fresh: Vec<String> = tokens.difference(&before).filter(|t| !self.notified.contains(*t)).cloned().collect();
        if self.notified.len() + fresh.len() > MAX_NOTIFIED {
            self.notified.clear();
        }
        self.notified.extend(fresh.iter().cloned());
        fresh
    }

    /// Stars or unstars `target`; returns whether it is starred now.
    pub fn toggle(&mut self, target: Target) -> bool {
        if self.starred.remove(&target) {
            return false;
        }
        self.starred.insert(target);
        true
    }

    pub fn is_starred(&self, target: &Target) -> bool {
        self.starred.contains(target)
    }
}

/// The stars file's text: one `profile<TAB>region<TAB>pipeline` line each
/// (an empty profile is the default chain).
pub fn stars_text(starred: &BTreeSet<Target>) -> String {
    starred.iter().map(|t| format!("{}\t{}\t{}\n", t.profile.as_deref().unwrap_or(""), t.region, t.pipeline)).collect()
}

/// The stars in a stars file; lines that are not three fields are skipped.
pub fn parse_stars(text: &str) -> BTreeSet<Target> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split('\t');
            let (profile, region, pipeline) = (f.next()?, f.next()?, f.next()?);
            if f.next().is_some() || region.is_empty() || pipeline.is_empty() {
                return None;
            }
            let profile = Some(profile.to_string()).filter(|p| !p.is_empty());
            Some(Target { profile, region: region.into(), pipeline: pipeline.into() })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(profile: Option<&str>, pipeline: &str) -> Target {
        Target { profile: profile.map(str::to_string), region: "eu-west-1".into(), pipeline: pipeline.into() }
    }

    fn tokens(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn only_approvals_that_start_waiting_after_the_first_read_are_fresh_and_only_once() {
        let mut a = Alerts::default();
        let p = t(None, "p");
        assert!(a.fresh(&p, tokens(&["old"])).is_empty(), "already waiting at the first read");
        assert_eq!(a.fresh(&p, tokens(&["old", "new"])), ["new"]);
        assert!(a.fresh(&p, tokens(&["old", "new"])).is_empty());
        // An older read from another source, then the newer one again.
        assert!(a.fresh(&p, tokens(&["old"])).is_empty());
        assert!(a.fresh(&p, tokens(&["old", "new"])).is_empty(), "notified once");
        assert!(a.fresh(&t(None, "q"), tokens(&["x"])).is_empty(), "each pipeline has its own first read");
    }

    #[test]
    fn stars_toggle_and_survive_their_file() {
        let mut a = Alerts::default();
        assert!(a.toggle(t(Some("prod"), "payments")));
        assert!(a.toggle(t(None, "mlops-demo")));
        assert!(!a.toggle(t(None, "mlops-demo")));
        assert!(a.toggle(t(None, "web")));
        let text = stars_text(&a.starred);
        assert_eq!(text, "\teu-west-1\tweb\nprod\teu-west-1\tpayments\n");
        assert_eq!(parse_stars(&format!("{text}junk\n\t\t\nx\ty\tz\tw\n")), a.starred);
    }
}
