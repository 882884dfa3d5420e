//! `:profile` and `:region`: the new connection is built beside the old one,
//! which keeps running until the new one is ready (a failed switch changes
//! nothing). Each connection's workers send through their own gate; closing
//! the old gate before `Msg::Connected` is sent means no message of the old
//! connection reaches the model after it was reset for the new one.

use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use crate::aws::{self, AwsClients, ConnectOptions};
use crate::model::Connection;
use crate::msg::Msg;

/// Lets one connection's messages through to the loop until closed.
pub struct Gate {
    open: Arc<Mutex<bool>>,
}

impl Gate {
    fn close(&self) {
        *lock(&self.open) = false;
    }
}

/// A sender for one connection's workers, forwarding to `main` while the
/// gate is open. Call inside a Tokio runtime (it spawns the forwarder).
pub fn gated(main: &UnboundedSender<Msg>) -> (UnboundedSender<Msg>, Gate) {
    let (tx, mut rx) = unbounded_channel::<Msg>();
    let open = Arc::new(Mutex::new(true));
    let (main, gate) = (main.clone(), open.clone());
    tokio::spawn(async move {
        while let Some(msg) = rx.recv().await {
            // Checked and sent under the lock: a close either comes after
            // this message is queued, or stops it.
            let open = lock(&gate);
            if !*open || main.send(msg).is_err() {
                break;
            }
        }
    });
    (tx, Gate { open })
}

/// A built connection waiting for `Effect::UseConnection`.
pub struct Ready {
    pub clients: Arc<AwsClients>,
    /// The connection's own sender (gated).
    pub tx: UnboundedSender<Msg>,
}

pub struct Switcher {
    main: UnboundedSender<Msg>,
    /// What the current connection was built from.
    opts: ConnectOptions,
    /// The current connection's gate.
    gate: Arc<Gate>,
    built: Arc<Mutex<Option<(AwsClients, ConnectOptions)>>>,
    task: Option<JoinHandle<()>>,
}

impl Switcher {
    pub fn new(main: UnboundedSender<Msg>, opts: ConnectOptions, gate: Gate) -> Self {
        Self { main, opts, gate: Arc::new(gate), built: Arc::default(), task: None }
    }

    /// Builds a connection with `profile` and/or `region` replacing the
    /// current choice (an explicit endpoint is kept); answers `Msg::Connected`.
    pub fn start(&mut self, profile: Option<String>, region: Option<String>, current_region: String) {
        let mut opts = self.opts.clone();
        if profile.is_some() {
            opts.profile = profile;
        }
        if region.is_some() {
            opts.region = region;
        }
        let (main, built, old_gate) = (self.main.clone(), self.built.clone(), self.gate.clone());
        if let Some(old) = self.task.take() {
            old.abort();
        }
        self.task = Some(tokio::spawn(async move {
            let result = match aws::connect(&opts).await {
                Ok(c) => Ok((c, opts)),
                // A profile with no region of its own keeps the region in use;
                // the choice kept stays "no region" so a later profile's own applies.
                Err(_) if opts.region.is_none() => {
                    let fallback = ConnectOptions { region: Some(current_region), ..opts.clone() };
                    aws::connect(&fallback).await.map(|c| (c, opts))
                }
                Err(e) => Err(e),
            };
            match result {
                Ok((clients, opts)) => {
                    let shown = Connection {
                        account: None,
                        region: clients.region.clone(),
                        profile: clients.profile.clone(),
                        endpoint: clients.endpoint.clone(),
                    };
                    *lock(&built) = Some((clients, opts));
                    old_gate.close();
                    let _ = main.send(Msg::Connected(Ok(shown)));
                }
                Err(e) => {
                    let _ = main.send(Msg::Connected(Err(e.to_string())));
                }
            }
        }));
    }

    /// The connection `start` built, now the current one, with its own sender.
    pub fn take_ready(&mut self) -> Option<Ready> {
        let (clients, opts) = lock(&self.built).take()?;
        let (tx, gate) = gated(&self.main);
        self.opts = opts;
        self.gate = Arc::new(gate);
        Some(Ready { clients: Arc::new(clients), tx })
    }
}

impl Drop for Switcher {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// A poisoned lock still holds a usable flag or slot.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_closed_gate_lets_nothing_more_through_and_keeps_the_order() {
        let (main, mut rx) = unbounded_channel();
        let (tx, gate) = gated(&main);
        tx.send(Msg::Tick).unwrap();
        tx.send(Msg::FocusLost).unwrap();
        // Wait until both went through, then close.
        assert_eq!(rx.recv().await, Some(Msg::Tick));
        assert_eq!(rx.recv().await, Some(Msg::FocusLost));
        gate.close();
        main.send(Msg::FocusGained).unwrap();
        let _ = tx.send(Msg::Tick);
        assert_eq!(rx.recv().await, Some(Msg::FocusGained));
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(rx.try_recv().is_err(), "a message of the closed connection got through");
    }
}
