//! The push as the model sees it: plain data about the plan (the plan itself,
//! which owns the temp zip, stays in the driver) and where the push is.

/// How serious a preflight finding is, for its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingLevel {
    Error,
    Warning,
}

/// What the confirmation shows about a planned push.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlanView {
    pub pipeline: String,
    /// The S3 source action pushed to.
    pub action: String,
    pub bucket: String,
    pub key: String,
    pub workspace: String,
    pub files: usize,
    pub total_bytes: u64,
    pub zip_bytes: u64,
    pub excluded_secrets: Vec<String>,
    /// The buildspec checked (path in the package, or "inline in project P").
    pub buildspec: String,
    pub findings: Vec<(FindingLevel, String)>,
    /// "unchanged since version V pushed at T", when it is.
    pub unchanged: Option<String>,
    /// Versioning off, checks that could not run.
    pub warnings: Vec<String>,
}

impl PlanView {
    /// Preflight errors block the push (the TUI has no --force).
    pub fn blocked(&self) -> bool {
        self.findings.iter().any(|(level, _)| *level == FindingLevel::Error)
    }
}

/// One S3 source action to choose from when the pipeline has several.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceChoice {
    pub action: String,
    /// "s3://bucket/key"
    pub target: String,
}

/// The push dialog (`p`), from planning to the end of the upload: keys go to it.
#[derive(Clone, Debug, PartialEq)]
pub enum PushDialog {
    /// Packing and preflighting in the driver.
    Planning,
    /// The pipeline has several S3 sources: pick one, then plan again.
    Choosing {
        sources: Vec<SourceChoice>,
        selected: usize,
    },
    /// The confirmation: Enter pushes (unless blocked), Esc cancels.
    Confirm(PlanView),
    Uploading {
        plan: PlanView,
        sent: u64,
        total: u64,
    },
}

/// Where a push is once its dialog closed: the run it starts, looked for
/// and followed.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum PushState {
    #[default]
    Idle,
    /// Uploaded; waiting for the execution our version starts.
    Waiting {
        version_id: Option<String>,
    },
    /// Uploaded to a polling source: its run starts at the next poll, so no
    /// `s` is offered (it would start a second run).
    WaitingForPoll {
        version_id: String,
        note: String,
    },
    /// No execution appeared: `s` starts one pinned to our version.
    NoExecution {
        version_id: String,
        explanation: String,
    },
    /// Starting the run asked for with `s`.
    Starting,
    Following {
        execution_id: String,
    },
}

impl PushState {
    /// One status line for the notice row.
    pub fn status_line(&self) -> Option<String> {
        match self {
            PushState::Waiting { version_id: Some(v) } => Some(format!("pushed version {v}; waiting for its run…")),
            PushState::Waiting { version_id: None } => Some("pushed; waiting for a run…".into()),
            PushState::WaitingForPoll { note, .. } => Some(format!("pushed · {note}")),
            // The key first: a small screen may cut the explanation's tail.
            PushState::NoExecution { explanation, .. } => Some(format!("press s to start the run · {explanation}")),
            PushState::Starting => Some("starting the run…".into()),
            PushState::Following { execution_id } => Some(format!("following the pushed run {execution_id}")),
            PushState::Idle => None,
        }
    }

    /// The execution a push started, once known.
    pub fn followed(&self) -> Option<&str> {
        match self {
            PushState::Following { execution_id } => Some(execution_id),
            _ => None,
        }
    }
}

/// "1.2 MiB": sizes for the confirmation and the gauge.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} B") } else { format!("{value:.1} {}", UNITS[unit]) }
}
