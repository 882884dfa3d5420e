//! The fleet: every pipeline of a config `[[fleet]]` across profiles and
//! Regions, one row per (profile, Region, pipeline), with its latest run.
//! Rows are grouped by place (profile and Region, with the account) and
//! sorted "needs attention first": failed, waiting for approval, running,
//! then the most recent. Plain data: the poller fills it, `update` changes it,
//! `ui::fleet` draws it. Other views (the approvals inbox) read `rows()` and
//! `places` for "the pipelines the app knows".

use std::collections::BTreeMap;

use globset::GlobBuilder;

use crate::config::FleetMember;
use crate::model::snapshot::{Status, Time};

/// One profile in one Region.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    pub profile: String,
    pub region: String,
}

/// A row's identity: (profile, Region, pipeline).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RowKey {
    pub place: Place,
    pub pipeline: String,
}

/// What a row knows of its pipeline's latest execution.
#[derive(Clone, Debug, PartialEq)]
pub enum Latest {
    /// Not fetched yet.
    Unknown,
    /// The pipeline never ran.
    Never,
    Run {
        id: String,
        status: Status,
        /// InProgress at a manual approval (GetPipelineState showed its token).
        waiting_approval: bool,
        /// The last update, else the start.
        at: Option<Time>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub key: RowKey,
    pub latest: Latest,
}

/// How a place's connection is doing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlaceState {
    pub account: Option<String>,
    /// ListPipelines answered (all pages).
    pub listed: bool,
    /// Its profile's credentials expired: rows say "login needed (L)", polling paused.
    pub login_needed: bool,
    /// The last error other than an expired login, one line.
    pub error: Option<String>,
}

/// One line of the fleet list: a place's header or a row (index into `rows`).
#[derive(Clone, Debug, PartialEq)]
pub enum Line {
    Group(Place),
    Row(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Fleet {
    pub name: String,
    pub members: Vec<FleetMember>,
    pub places: BTreeMap<Place, PlaceState>,
    rows: Vec<Row>,
    by_key: BTreeMap<RowKey, usize>,
    /// Case-insensitive substring of the pipeline name (`/`).
    pub filter: String,
    /// Keys go to the filter.
    pub typing: bool,
    /// The selected row, by key (it stays on its pipeline as rows re-sort).
    pub selected: Option<RowKey>,
    /// The first line drawn.
    pub offset: usize,
    /// The user moved the selection: it follows its pipeline as rows re-sort.
    /// Until then it stays on the top row (the most urgent).
    pub moved: bool,
    /// The list is on screen (not a watched pipeline).
    pub open: bool,
    /// Enter was pressed on this row: watch it once its connection is up.
    pub pending: Option<RowKey>,
    /// `L` ran `aws sso login` for this profile.
    pub login_pending: Option<String>,
    /// The rows last told to the poller as visible.
    pub told_visible: Vec<RowKey>,
    /// The list's lines: groups and filtered, sorted rows (kept up to date).
    pub lines: Vec<Line>,
}

impl Fleet {
    pub fn new(name: &str, members: Vec<FleetMember>) -> Self {
        let mut places = BTreeMap::new();
        for m in &members {
            for region in &m.regions {
                places.insert(Place { profile: m.profile.clone(), region: region.clone() }, PlaceState::default());
            }
        }
        Fleet {
            name: name.to_string(),
            members,
            places,
            rows: Vec::new(),
            by_key: BTreeMap::new(),
            filter: String::new(),
            typing: false,
            selected: None,
            offset: 0,
            moved: false,
            open: true,
            pending: None,
            login_pending: None,
            told_visible: Vec::new(),
            lines: Vec::new(),
        }
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    pub fn row(&self, key: &RowKey) -> Option<&Row> {
        self.by_key.get(key).map(|&i| &self.rows[i])
    }

    /// ListPipelines answered for `place`: its rows become `names` (those the
    /// member's name globs let through), keeping what is known of each.
    pub fn listed(&mut self, place: &Place, names: &[String]) {
        let filters = self.filters_of(place);
        let wanted = |n: &str| passes(&filters, n);
        // What was known of this place's rows is kept for those still listed.
        let (mut known, mut kept): (BTreeMap<RowKey, Latest>, Vec<Row>) = (BTreeMap::new(), Vec::new());
        for r in self.rows.drain(..) {
            if &r.key.place == place {
                known.insert(r.key, r.latest);
            } else {
                kept.push(r);
            }
        }
        for name in names.iter().filter(|n| wanted(n)) {
            let key = RowKey { place: place.clone(), pipeline: name.clone() };
            let latest = known.remove(&key).unwrap_or(Latest::Unknown);
            kept.push(Row { key, latest });
        }
        self.rows = kept;
        self.reindex();
        let state = self.places.entry(place.clone()).or_default();
        state.listed = true;
        state.error = None;
        self.relayout();
    }

    /// The name globs of the members covering `place` (none: every name).
    pub fn filters_of(&self, place: &Place) -> Vec<String> {
        self.members
            .iter()
            .filter(|m| m.profile == place.profile && m.regions.contains(&place.region))
            .flat_map(|m| m.filters.iter().cloned())
            .collect()
    }

    fn reindex(&mut self) {
        self.by_key = self.rows.iter().enumerate().map(|(i, r)| (r.key.clone(), i)).collect();
    }

    /// A row's latest run arrived.
    pub fn latest(&mut self, key: &RowKey, latest: Latest) {
        if let Some(&i) = self.by_key.get(key) {
            self.rows[i].latest = latest;
            self.relayout();
        }
    }

    /// Rows of this place and group headers, filtered and sorted (see module doc).
    pub fn relayout(&mut self) {
        let needle = self.filter.to_lowercase();
        let mut groups: BTreeMap<&Place, Vec<usize>> = BTreeMap::new();
        for (i, r) in self.rows.iter().enumerate() {
            if needle.is_empty() || r.key.pipeline.to_lowercase().contains(&needle) {
                groups.entry(&r.key.place).or_default().push(i);
            }
        }
        let rows = &self.rows;
        for list in groups.values_mut() {
            list.sort_by(|&a, &b| sort_key(&rows[a]).cmp(&sort_key(&rows[b])));
        }
        // The group with the most urgent row first; ties in place order.
        let mut ordered: Vec<(&Place, Vec<usize>)> = groups.into_iter().collect();
        ordered.sort_by_key(|(place, list)| (list.first().map_or(u8::MAX, |&i| rank(&rows[i])), (*place).clone()));
        let mut lines = Vec::with_capacity(rows.len() + ordered.len());
        for (place, list) in ordered {
            lines.push(Line::Group(place.clone()));
            lines.extend(list.into_iter().map(Line::Row));
        }
        self.lines = lines;
        if !self.moved {
            self.offset = 0;
        }
        if !self.moved || self.selected.as_ref().is_none_or(|k| self.line_of(k).is_none()) {
            self.selected = self.first_row_line().and_then(|l| self.key_at(l));
        }
    }

    /// The line showing `key`, if shown.
    pub fn line_of(&self, key: &RowKey) -> Option<usize> {
        let i = *self.by_key.get(key)?;
        self.lines.iter().position(|l| *l == Line::Row(i))
    }

    pub fn key_at(&self, line: usize) -> Option<RowKey> {
        match self.lines.get(line)? {
            Line::Row(i) => Some(self.rows[*i].key.clone()),
            Line::Group(_) => None,
        }
    }

    fn first_row_line(&self) -> Option<usize> {
        self.lines.iter().position(|l| matches!(l, Line::Row(_)))
    }

    /// Moves the selection by `delta` rows (group headers are skipped).
    pub fn move_selection(&mut self, delta: isize) {
        let row_lines: Vec<usize> =
            self.lines.iter().enumerate().filter(|(_, l)| matches!(l, Line::Row(_))).map(|(i, _)| i).collect();
        if row_lines.is_empty() {
            return;
        }
        let current = self.selected.as_ref().and_then(|k| self.line_of(k));
        let at = current.and_then(|l| row_lines.iter().position(|&x| x == l)).unwrap_or(0);
        let to = (at as isize + delta).clamp(0, row_lines.len() as isize - 1) as usize;
        self.selected = self.key_at(row_lines[to]);
        self.moved = true;
    }

    /// Keeps the selected line inside a window of `height` lines.
    pub fn scroll_to_selection(&mut self, height: usize) {
        let height = height.max(1);
        if let Some(line) = self.selected.as_ref().and_then(|k| self.line_of(k)) {
            if line < self.offset {
                // Show the group header above the first row too.
                self.offset = line.saturating_sub(1);
            } else if line >= self.offset + height {
                self.offset = line + 1 - height;
            }
        }
        self.offset = self.offset.min(self.lines.len().saturating_sub(height));
    }

    /// The rows in the window of `height` lines from `offset`.
    pub fn visible(&self, height: usize) -> Vec<RowKey> {
        (self.offset..(self.offset + height).min(self.lines.len())).filter_map(|l| self.key_at(l)).collect()
    }

    /// How many rows of `place` are listed (after the filter).
    pub fn lines_in(&self, place: &Place) -> usize {
        self.lines.iter().filter(|l| matches!(l, Line::Row(i) if &self.rows[*i].key.place == place)).count()
    }

    /// Rows that need attention: failed, waiting for approval, running.
    pub fn attention(&self) -> usize {
        self.rows.iter().filter(|r| rank(r) <= 2).count()
    }

    /// A profile's login expired (or came back).
    pub fn set_login_needed(&mut self, profile: &str, needed: bool) {
        for (place, state) in self.places.iter_mut() {
            if place.profile == profile {
                state.login_needed = needed;
            }
        }
    }

    pub fn login_needed(&self, place: &Place) -> bool {
        self.places.get(place).is_some_and(|s| s.login_needed)
    }
}

/// Whether `name` passes these name globs (none: every name passes).
pub fn passes(filters: &[String], name: &str) -> bool {
    filters.is_empty()
        || filters.iter().any(|g| {
            GlobBuilder::new(g).case_insensitive(true).build().is_ok_and(|g| g.compile_matcher().is_match(name))
        })
}

/// 0 failed, 1 waiting for approval, 2 running, 3 other runs, 4 not known, 5 never ran.
pub fn rank(r: &Row) -> u8 {
    match &r.latest {
        Latest::Run { waiting_approval: true, .. } => 1,
        Latest::Run { status, .. } => match status {
            Status::Failed | Status::TimedOut | Status::Fault => 0,
            Status::InProgress | Status::Stopping | Status::Queued => 2,
            _ => 3,
        },
        Latest::Unknown => 4,
        Latest::Never => 5,
    }
}

/// Rank, then newest first, then name.
fn sort_key(r: &Row) -> (u8, std::cmp::Reverse<Option<Time>>, &str) {
    let at = match &r.latest {
        Latest::Run { at, .. } => *at,
        _ => None,
    };
    (rank(r), std::cmp::Reverse(at), r.key.pipeline.as_str())
}
