//! `Effect::RunInTerminal`: the TUI steps aside while another program (`aws
//! sso login`) owns the terminal, then takes it back. The loop stops reading
//! terminal events first (see `event_loop`), so no key meant for the child
//! is taken from it.

use std::path::{Path, PathBuf};

use futures_util::FutureExt;
use tokio::signal::unix::{Signal, SignalKind, signal};

use crate::app::terminal;
use crate::msg::RunOutcome;
use crate::update::ExternalCommand;

/// SIGTERM and SIGHUP: the app should end (also while a child runs).
pub struct StopSignals {
    term: Signal,
    hup: Signal,
    /// SIGINT from outside (`kill -INT`): in raw mode Ctrl-C is a key, not this.
    int: Signal,
}

impl StopSignals {
    pub fn new() -> std::io::Result<Self> {
        Ok(Self {
            term: signal(SignalKind::terminate())?,
            hup: signal(SignalKind::hangup())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    /// Resolves when any of them arrives.
    pub async fn recv(&mut self) {
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.hup.recv() => {}
            _ = self.int.recv() => {}
        }
    }

    /// SIGTERM or SIGHUP only: while a child owns the terminal, a Ctrl-C at
    /// its prompt is its own.
    async fn recv_hard(&mut self) {
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.hup.recv() => {}
        }
    }

    /// Forgets a SIGINT the child's Ctrl-C left pending.
    fn forget_interrupt(&mut self) {
        while let Some(Some(())) = self.int.recv().now_or_never() {}
    }
}

/// Runs `cmd` with the terminal handed over and waits for it. `None`: a stop
/// signal came meanwhile (the child is killed; the terminal left restored).
pub async fn run(cmd: &ExternalCommand, stop: &mut StopSignals) -> Option<RunOutcome> {
    // Looked up first: a missing program should not flash the normal screen.
    let Some(program) = find_on_path(&cmd.program) else { return Some(RunOutcome::NotFound) };
    terminal::suspend();
    // Ctrl-C at the child's prompt signals the whole foreground group; the
    // SIGINT handler (in StopSignals) only records it for pipewatch (exec
    // resets it for the child), and it is forgotten afterwards.
    let spawned = tokio::process::Command::new(&program).args(&cmd.args).kill_on_drop(true).spawn();
    let outcome = match spawned {
        Err(e) => RunOutcome::Failed(e.to_string()),
        Ok(mut child) => tokio::select! {
            status = child.wait() => match status {
                Ok(s) => RunOutcome::Exited(s.code()),
                Err(e) => RunOutcome::Failed(e.to_string()),
            },
            _ = stop.recv_hard() => return None,
        },
    };
    stop.forget_interrupt();
    if let Err(e) = terminal::resume() {
        return Some(RunOutcome::Failed(format!("taking the terminal back: {e}")));
    }
    Some(outcome)
}

/// The executable `program` names: a path as is, else the first on PATH.
fn find_on_path(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        return is_executable(Path::new(program)).then(|| PathBuf::from(program));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_found_on_path_only_when_executable() {
        assert!(find_on_path("sh").is_some(), "sh is on every PATH");
        assert!(find_on_path("pipewatch-no-such-program").is_none());
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        std::fs::write(&plain, "#!/bin/sh\n").unwrap();
        assert!(find_on_path(plain.to_str().unwrap()).is_none(), "not executable");
    }
}
