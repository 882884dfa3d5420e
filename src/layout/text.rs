//! How values are written: status symbols and words, arrows, durations and
//! ages, each with an ASCII form. Pure text: the layout measures it, the
//! panes draw it.

use crate::model::snapshot::Status;

pub fn status_symbol(status: Option<&Status>, ascii: bool) -> &'static str {
    let (unicode, plain) = match status {
        Some(Status::Succeeded) => ("✓", "+"),
        Some(Status::Failed | Status::TimedOut | Status::Fault) => ("✗", "x"),
        Some(Status::InProgress) => ("▶", ">"),
        Some(Status::Stopping) => ("◼", "#"),
        Some(Status::Queued) => ("…", "."),
        Some(Status::Stopped | Status::Cancelled | Status::Abandoned) => ("■", "#"),
        Some(Status::Superseded) => ("↷", "~"),
        Some(Status::Skipped) => ("↪", "/"),
        Some(Status::Other(_)) => ("?", "?"),
        None => ("·", "-"),
    };
    if ascii { plain } else { unicode }
}

pub fn status_word(status: &Status) -> String {
    match status {
        Status::InProgress => "running".into(),
        Status::Succeeded => "succeeded".into(),
        Status::Failed => "failed".into(),
        Status::Stopped => "stopped".into(),
        Status::Stopping => "stopping".into(),
        Status::Superseded => "superseded".into(),
        Status::Cancelled => "cancelled".into(),
        Status::Abandoned => "abandoned".into(),
        Status::TimedOut => "timed out".into(),
        Status::Fault => "fault".into(),
        Status::Queued => "queued".into(),
        Status::Skipped => "skipped".into(),
        Status::Other(s) => s.to_lowercase(),
    }
}

/// The arrow between two stages: enabled, or a visibly cut disabled transition.
pub fn arrow(enabled: bool, ascii: bool) -> &'static str {
    match (enabled, ascii) {
        (true, false) => " ──▶ ",
        (true, true) => " --> ",
        (false, false) => " ─╳─ ",
        (false, true) => " -X- ",
    }
}

pub const ARROW_WIDTH: u16 = 5;

/// "42s", "3m05s", "1h02m".
pub fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m{:02}s", secs / 60, secs % 60),
        _ => format!("{}h{:02}m", secs / 3600, secs % 3600 / 60),
    }
}

/// "<1m", "5m", "3h", "2d": minutes at best, so it changes at most once a
/// minute (an idle screen redraws once a minute, not every second).
pub fn age_minutes(secs: i64) -> String {
    if secs < 60 { "<1m".into() } else { age(secs) }
}

/// "12s", "5m", "3h", "2d": how long ago, coarse.
pub fn age(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        3600..86400 => format!("{}h", secs / 3600),
        _ => format!("{}d", secs / 86400),
    }
}

/// The separator between parts of a title or the header.
pub fn dot(ascii: bool) -> &'static str {
    if ascii { " - " } else { " · " }
}

pub fn bar(ascii: bool) -> &'static str {
    if ascii { " | " } else { " │ " }
}
