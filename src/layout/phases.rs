//! The phase pane's rows and its height: the 11 CodeBuild phases as rows (the
//! full form) or as chips packed into lines (the compact form on few rows).

use std::ops::Range;

use unicode_width::UnicodeWidthStr;

use crate::layout::text;
use crate::model::Model;
use crate::model::snapshot::{BuildSnapshot, PhaseSnapshot, Status};

/// (CodeBuild name, short name for the compact form).
pub const PHASES: [(&str, &str); 11] = [
    ("SUBMITTED", "submit"),
    ("QUEUED", "queue"),
    ("PROVISIONING", "provision"),
    ("DOWNLOAD_SOURCE", "source"),
    ("INSTALL", "install"),
    ("PRE_BUILD", "pre"),
    ("BUILD", "build"),
    ("POST_BUILD", "post"),
    ("UPLOAD_ARTIFACTS", "upload"),
    ("FINALIZING", "final"),
    ("COMPLETED", "done"),
];

/// One phase as shown: status (None = not reached), seconds, failure contexts.
pub struct PhaseRow<'a> {
    pub name: &'static str,
    pub short: &'static str,
    pub status: Option<Status>,
    pub secs: Option<i64>,
    pub contexts: &'a [(String, String)],
}

pub fn rows<'a>(m: &Model, b: &'a BuildSnapshot) -> Vec<PhaseRow<'a>> {
    PHASES
        .iter()
        .map(|&(name, short)| {
            let p: Option<&PhaseSnapshot> = b.phases.iter().find(|p| p.phase == name);
            let status = p.map(|p| match &p.status {
                Some(s) => s.clone(),
                // COMPLETED never gets a status of its own: it is the build's.
                None if name == "COMPLETED" && b.complete => b.status.clone(),
                None => Status::InProgress,
            });
            // COMPLETED has a start and no end: it is a moment, not a phase to time.
            let secs = p
                .filter(|_| name != "COMPLETED")
                .and_then(|p| p.duration_secs.or_else(|| p.start.map(|s| (p.end.unwrap_or(m.now) - s).num_seconds())));
            let contexts = p.map_or(&[][..], |p| &p.contexts[..]);
            PhaseRow { name, short, status, secs, contexts }
        })
        .collect()
}

/// Lines of failure contexts (shown under phases that did not succeed).
pub fn failure_lines(b: &BuildSnapshot) -> u16 {
    let n: usize =
        b.phases.iter().filter(|p| p.status.as_ref() != Some(&Status::Succeeded)).map(|p| p.contexts.len()).sum();
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// "3 of 41 tests failed: …" for a finished build whose test reports have
/// failures, shown with the failure context.
pub fn tests_line(m: &Model) -> Option<String> {
    let b = m.session.build.snapshot.as_ref()?;
    m.session.build.tests.as_ref().filter(|t| t.build_id == b.id && b.complete)?.failed_line()
}

/// Lines of failure contexts plus the failed-tests line.
pub fn problem_lines(m: &Model, b: &BuildSnapshot) -> u16 {
    failure_lines(b).saturating_add(u16::from(tests_line(m).is_some()))
}

/// Rows the pane takes when `avail` rows could be given to it.
pub fn wanted_height(m: &Model, width: u16, avail: u16) -> u16 {
    // A batch's groups take a row each above the build (the pane packs them
    // into chips when it gets less).
    let groups = m.session.build.batch.as_ref().map_or(0, |v| u16::try_from(v.groups().len()).unwrap_or(u16::MAX));
    (build_height(m, width, avail.saturating_sub(groups)) + groups).min(avail)
}

fn build_height(m: &Model, width: u16, avail: u16) -> u16 {
    let Some(b) = &m.session.build.snapshot else { return 2.min(avail) };
    let full = 1 + 11 + problem_lines(m, b);
    if avail >= full + 4 {
        return full;
    }
    let chips: Vec<String> = rows(m, b).iter().map(|r| chip(m, r)).collect();
    let lines = pack_chips(&chips, width).len();
    let extra = u16::from(running(b).is_some()) + problem_lines(m, b).min(3);
    (1 + u16::try_from(lines).unwrap_or(u16::MAX) + extra).min(avail)
}

/// The phase running now, if any.
pub fn running(b: &BuildSnapshot) -> Option<&PhaseSnapshot> {
    b.phases.iter().find(|p| p.status.is_none() && p.end.is_none() && p.phase != "COMPLETED")
}

/// A phase in the compact form: "✓ build 42s".
pub fn chip(m: &Model, row: &PhaseRow) -> String {
    let symbol = text::status_symbol(row.status.as_ref(), m.config.ascii);
    let secs = row.secs.map(|s| format!(" {}", text::duration(s))).unwrap_or_default();
    format!("{symbol} {}{secs}", row.short)
}

/// Chips packed into lines of `width`, two spaces apart: the chips of each
/// line (one empty line when there are none).
pub fn pack_chips(chips: &[String], width: u16) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (i, chip) in chips.iter().enumerate() {
        let w = chip.width() + 2;
        if used > 0 && used + w > usize::from(width) {
            lines.push(start..i);
            start = i;
            used = 0;
        }
        used += w;
    }
    lines.push(start..chips.len());
    lines
}
