//! Sends control requests (start, retry, stop, approve, transitions) and
//! answers with `Msg::ControlDone`.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::aws::AwsClients;
use crate::model::control::ControlRequest;
use crate::msg::Msg;

pub struct ControlDriver {
    clients: Arc<AwsClients>,
    tx: UnboundedSender<Msg>,
}

impl ControlDriver {
    pub fn new(clients: Arc<AwsClients>, tx: UnboundedSender<Msg>) -> Self {
        ControlDriver { clients, tx }
    }

    /// One request, in the background: the loop keeps drawing meanwhile.
    pub fn send(&self, request: ControlRequest) {
        self.send_with(self.clients.clone(), request);
    }

    /// `request` with the clients of `target`'s profile and Region from
    /// `pool`; when there are none, the answer says so.
    pub fn send_at(
        &self,
        pool: &crate::aws::ClientPool,
        target: &crate::model::inbox::Target,
        request: ControlRequest,
    ) {
        match pool.get(target.profile.as_deref(), &target.region) {
            Ok(clients) => self.send_with(clients, request),
            Err(message) => {
                let api = "codepipeline:PutApprovalResult".to_string();
                let failure =
                    crate::msg::ApiFailure { api, kind: crate::msg::FailureKind::Auth, message, retry_in_secs: None };
                let _ = self.tx.send(Msg::ControlDone { request, result: Err(failure) });
            }
        }
    }

    /// `:rollback`'s lookup, in the background; answers `Msg::RollbackTarget`.
    pub fn find_rollback_target(&self, pipeline: &str, stage: &str, current: Option<String>) {
        let (clients, tx) = (self.clients.clone(), self.tx.clone());
        let (pipeline, stage) = (pipeline.to_string(), stage.to_string());
        tokio::spawn(async move {
            let result = clients.rollback_target(&pipeline, &stage, current.as_deref()).await;
            let _ = tx.send(Msg::RollbackTarget { pipeline, stage, result });
        });
    }

    fn send_with(&self, clients: Arc<AwsClients>, request: ControlRequest) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            tracing::info!(?request, "control request");
            let result = clients.control(&request).await;
            // A closed channel means the app is gone; nobody to tell.
            let _ = tx.send(Msg::ControlDone { request, result });
        });
    }
}
