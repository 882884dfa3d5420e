//! CodeBuild's phase transition rules, kept pure so they can be tested
//! without running anything.

use crate::buildspec::OnFailure;

/// The phases the runner drives after PROVISIONING.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    DownloadSource,
    Install,
    PreBuild,
    Build,
    PostBuild,
    UploadArtifacts,
    Finalizing,
}

impl Step {
    pub fn phase_type(self) -> &'static str {
        match self {
            Step::DownloadSource => "DOWNLOAD_SOURCE",
            Step::Install => "INSTALL",
            Step::PreBuild => "PRE_BUILD",
            Step::Build => "BUILD",
            Step::PostBuild => "POST_BUILD",
            Step::UploadArtifacts => "UPLOAD_ARTIFACTS",
            Step::Finalizing => "FINALIZING",
        }
    }
}

/// How a phase ended, as far as the next phase is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    Succeeded,
    Failed(OnFailure),
    /// StopBuild or the build timeout.
    Halted,
}

/// The phase after `step`, or None when FINALIZING is done (COMPLETED).
///
/// As on AWS: a failure in DOWNLOAD_SOURCE, INSTALL or PRE_BUILD goes straight
/// to FINALIZING unless the phase says `on-failure: CONTINUE`; POST_BUILD runs
/// after BUILD whatever happened; UPLOAD_ARTIFACTS is always attempted after
/// POST_BUILD; a stopped or timed-out build finalizes at once.
pub fn next(step: Step, ended: Ended) -> Option<Step> {
    if step == Step::Finalizing {
        return None;
    }
    if ended == Ended::Halted {
        return Some(Step::Finalizing);
    }
    let aborted = ended == Ended::Failed(OnFailure::Abort);
    Some(match step {
        Step::DownloadSource if ended != Ended::Succeeded => Step::Finalizing,
        Step::DownloadSource => Step::Install,
        Step::Install if aborted => Step::Finalizing,
        Step::Install => Step::PreBuild,
        Step::PreBuild if aborted => Step::Finalizing,
        Step::PreBuild => Step::Build,
        Step::Build => Step::PostBuild,
        Step::PostBuild => Step::UploadArtifacts,
        Step::UploadArtifacts | Step::Finalizing => Step::Finalizing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Walks the rules from DOWNLOAD_SOURCE with each phase ending as `ends` says.
    fn walk(ends: impl Fn(Step) -> Ended) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut step = Some(Step::DownloadSource);
        while let Some(s) = step {
            out.push(s.phase_type());
            step = next(s, ends(s));
        }
        out
    }

    const ALL: [&str; 7] =
        ["DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING"];

    #[test]
    fn a_good_build_runs_every_phase_in_order() {
        assert_eq!(walk(|_| Ended::Succeeded), ALL);
    }

    #[test]
    fn install_or_pre_build_failure_skips_to_finalizing() {
        let failing =
            |bad: Step| move |s: Step| if s == bad { Ended::Failed(OnFailure::Abort) } else { Ended::Succeeded };
        assert_eq!(walk(failing(Step::Install)), ["DOWNLOAD_SOURCE", "INSTALL", "FINALIZING"]);
        assert_eq!(walk(failing(Step::PreBuild)), ["DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "FINALIZING"]);
        assert_eq!(walk(failing(Step::DownloadSource)), ["DOWNLOAD_SOURCE", "FINALIZING"]);
    }

    #[test]
    fn on_failure_continue_goes_on_to_the_next_phase() {
        let ends = |s: Step| if s == Step::Install { Ended::Failed(OnFailure::Continue) } else { Ended::Succeeded };
        assert_eq!(walk(ends), ALL);
    }

    #[test]
    fn build_failure_still_runs_post_build_and_upload() {
        let ends = |s: Step| if s == Step::Build { Ended::Failed(OnFailure::Abort) } else { Ended::Succeeded };
        assert_eq!(walk(ends), ALL);
        let ends = |s: Step| if s == Step::PostBuild { Ended::Failed(OnFailure::Abort) } else { Ended::Succeeded };
        assert_eq!(walk(ends), ALL);
    }

    #[test]
    fn a_halted_phase_finalizes_at_once() {
        let ends = |s: Step| if s == Step::Build { Ended::Halted } else { Ended::Succeeded };
        assert_eq!(walk(ends), ["DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD", "FINALIZING"]);
        assert_eq!(next(Step::Finalizing, Ended::Halted), None);
    }
}
