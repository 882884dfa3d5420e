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
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        tokio::spawn(async move {
            tracing::info!(?request, "control request");
            let result = clients.control(&request).await;
            // A closed channel means the app is gone; nobody to tell.
            let _ = tx.send(Msg::ControlDone { request, result });
        });
    }
}
