//! Headless subcommands: the same aws/ and pack/ underneath, no TUI.

pub mod approve;
pub mod completions;
pub mod config;
mod dry_run;
pub mod fleet_status;
pub mod logs;
pub mod push;
pub mod retry;
pub mod status;
mod status_batch;
mod status_conditions;
mod status_details;
pub mod tests;
pub mod watch;

/// The config file's `read_only_profiles` hold for the mutating headless
/// commands as in the TUI: a matching profile is refused before anything is
/// sent. `what` names the command ("push", "approve").
fn read_only_refusal(profile: Option<&str>, what: &str) -> Option<String> {
    let config = match crate::config::load(None) {
        Ok(config) => config,
        Err(e) => return Some(format!("{e:#}")),
    };
    config.read_only_profile(profile).then(|| {
        let name = profile.unwrap_or("default");
        format!(
            "profile {name} is read-only (read_only_profiles in the config file): {what} refused; use another profile"
        )
    })
}
