//! `y` / `Y`: what the focused pane points at (a build, an execution, a
//! pipeline), as an id or a console URL, for the clipboard (OSC 52). Which
//! of these a pane copies is `panes::copied`.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::Effect;
use crate::model::Model;
use crate::model::selection::{is_build_action, selected_action};
use crate::model::snapshot::ActionSnapshot;
use crate::partition::Partition;
use crate::sanitize::printable;

/// Ids shown on the notice row are cut to the row, but show at least this much.
const SHOWN_MIN_CHARS: usize = 20;

/// Everything but unreserved URL characters (RFC 3986) is encoded.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// What a copy puts on the clipboard, and how the notice names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copied {
    /// "build id", "execution URL", …
    pub what: &'static str,
    pub text: String,
}

/// `y` (`url` false) or `Y` (`url` true) in the focused pane.
pub(super) fn copy(m: &mut Model, url: bool, fx: &mut Vec<Effect>) {
    let Some(copied) = super::panes::copied(m, url) else {
        m.session.info = Some("nothing to copy here: select an action, a build or a pipeline first".into());
        return;
    };
    let text = printable(&copied.text);
    // One row: what fits after "copied build URL " (but never fewer than a short id).
    let room = usize::from(m.size.0).saturating_sub(copied.what.len() + 10).max(SHOWN_MIN_CHARS);
    let mut shown: String = text.chars().take(room).collect();
    if text.chars().count() > room {
        shown.push_str(if m.config.ascii { "..." } else { "…" });
    }
    m.session.info = Some(format!("copied {} {shown}", copied.what));
    fx.push(Effect::Copy(text));
}

/// The selected pipeline in the list.
pub(super) fn pipeline_payload(m: &Model, url: bool) -> Option<Copied> {
    let name = &m.session.list.items.get(m.session.list.selected)?.name;
    Some(if url {
        Copied { what: "pipeline URL", text: pipeline_url(&m.session.connection.region, name) }
    } else {
        Copied { what: "pipeline name", text: name.clone() }
    })
}

/// The build the phase and log panes show.
pub(super) fn build_payload(m: &Model, url: bool) -> Option<Copied> {
    let id = m.session.build.id.as_ref()?;
    Some(if url {
        let build = m.session.build.snapshot.as_ref();
        let project = build.map(|b| b.project.as_str());
        // A build of a cross-Region action lives in its own Region's console.
        let region = build.and_then(|b| b.region.as_deref()).unwrap_or(&m.session.connection.region);
        Copied { what: "build URL", text: build_url(region, project, id) }
    } else {
        Copied { what: "build id", text: id.clone() }
    })
}

/// The selected action's build (its external id) or, without one, the shown execution.
pub(super) fn graph_payload(m: &Model, url: bool) -> Option<Copied> {
    let action = selected_action(m).map(|(_, a)| a);
    if let Some(a) = action
        && let Some(id) = &a.external_id
    {
        let build = is_build_action(a);
        if !url {
            return Some(Copied { what: if build { "build id" } else { "external id" }, text: id.clone() });
        }
        if let Some(link) = console_link(a) {
            return Some(Copied { what: if build { "build URL" } else { "action URL" }, text: link });
        }
        if build {
            return Some(Copied { what: "build URL", text: build_url(&m.session.connection.region, None, id) });
        }
    }
    let execution = m.shown_execution()?;
    let pipeline = m.session.pipeline.as_ref()?;
    Some(if url {
        Copied { what: "execution URL", text: execution_url(&m.session.connection.region, pipeline, &execution.id) }
    } else {
        Copied { what: "execution id", text: execution.id.clone() }
    })
}

/// The action's own console link from AWS, when it is a plain https URL.
fn console_link(a: &ActionSnapshot) -> Option<String> {
    let link = a.external_url.as_ref()?;
    let plain = link.starts_with("https://") && !link.chars().any(|c| c.is_whitespace() || c.is_control());
    plain.then(|| link.clone())
}

fn segment(s: &str) -> String {
    utf8_percent_encode(s, PATH_SEGMENT).to_string()
}

/// The console of the Region's partition (aws, aws-cn, aws-us-gov).
fn console(region: &str) -> String {
    Partition::of_region(region).console(&segment(region))
}

pub fn pipeline_url(region: &str, pipeline: &str) -> String {
    format!(
        "{}/codesuite/codepipeline/pipelines/{}/view?region={}",
        console(region),
        segment(pipeline),
        segment(region)
    )
}

pub fn execution_url(region: &str, pipeline: &str, execution_id: &str) -> String {
    format!(
        "{}/codesuite/codepipeline/pipelines/{}/executions/{}/timeline?region={}",
        console(region),
        segment(pipeline),
        segment(execution_id),
        segment(region)
    )
}

/// A CodeBuild build's page; the project is the id's part before `:` when not known.
pub fn build_url(region: &str, project: Option<&str>, build_id: &str) -> String {
    let project = project.unwrap_or_else(|| build_id.split(':').next().unwrap_or(build_id));
    format!(
        "{}/codesuite/codebuild/projects/{}/build/{}/?region={}",
        console(region),
        segment(project),
        segment(build_id),
        segment(region)
    )
}

#[cfg(test)]
#[path = "copy_tests.rs"]
mod tests;
