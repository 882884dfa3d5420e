//! After POST_BUILD, in UPLOAD_ARTIFACTS: the buildspec's report groups become
//! reports, recorded on the store and in the build's `reportArns`.

use super::Runner;
use crate::sandbox::codebuild::reports::{self, BuildRef};
use crate::sandbox::lock;

impl Runner {
    pub(super) async fn upload_reports(&mut self) {
        if self.spec.reports.is_empty() {
            return;
        }
        let specs = self.spec.reports.clone();
        let src = self.shell.src.clone();
        let (project, region, account) = {
            let store = lock(&self.shared.builds);
            match store.build(&self.job.id) {
                Some(b) => (b.project.clone(), b.region.clone(), b.account.clone()),
                None => return,
            }
        };
        let build_arn = self.job.arn.clone();
        let collected = tokio::task::spawn_blocking(move || {
            let build = BuildRef { project: &project, region: &region, account: &account, build_arn: &build_arn };
            reports::collect(&src, &build, &specs)
        })
        .await;
        let (made, log) = match collected {
            Ok(c) => c,
            Err(e) => (Vec::new(), vec![format!("Report upload failed: {e}")]),
        };
        for line in log {
            self.log(&line);
        }
        let arns: Vec<String> = made.iter().map(|r| r.arn.clone()).collect();
        let mut store = lock(&self.shared.builds);
        store.reports.extend(made);
        if let Some(b) = store.build_mut(&self.job.id) {
            b.report_arns.extend(arns);
        }
    }
}
