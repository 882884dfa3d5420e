//! Runs one buildspec command: bash in its own process group, stdout and
//! stderr merged in order, each line handed to the caller as it arrives. The
//! shell's exported variables and working directory are saved after every
//! command and restored before the next, as CodeBuild 0.2 does.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::sync::Notify;

use crate::sandbox::lock;

/// Why a build was cut short.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Halt {
    Stopped,
    TimedOut,
}

/// Shared between a running build and whoever may stop it (StopBuild, the
/// timeout watchdog, sandbox shutdown).
#[derive(Default)]
pub struct Control {
    halt: Mutex<Option<Halt>>,
    /// Process group of the command running now (0 when none).
    current: AtomicI32,
    /// Every process group the build created, to clean up leftovers.
    groups: Mutex<Vec<i32>>,
    pub wake: Notify,
}

impl Control {
    /// Records the first reason, kills the running command and wakes the runner.
    pub fn halt(&self, why: Halt) {
        {
            let mut h = lock(&self.halt);
            if h.is_some() {
                return;
            }
            *h = Some(why);
        }
        kill_group(self.current.load(Ordering::SeqCst));
        self.wake.notify_one();
    }

    pub fn halted(&self) -> Option<Halt> {
        *lock(&self.halt)
    }

    /// Kills every process group the build started: background processes
    /// do not outlive the build, as they would not outlive its container.
    pub fn kill_all_groups(&self) {
        for g in lock(&self.groups).iter() {
            kill_group(*g);
        }
    }
}

fn kill_group(pgid: i32) {
    if pgid > 1 {
        // SAFETY: kill(2) with a negative pid signals that process group only.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
}

/// How a command ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Halted(Halt),
    SpawnFailed(String),
}

/// Where the shell keeps its state between commands, and its starting point.
pub struct Shell {
    /// Holds `env` (an `export -p` dump) and `cwd`.
    pub state: PathBuf,
    pub src: PathBuf,
    /// The build's variables, set on every command before the saved state
    /// is restored over them.
    pub env: Vec<(String, String)>,
}

/// `set -a` makes plain assignments (`TAG=$(date +%s)`) persist too, as they
/// do in CodeBuild; the EXIT trap keeps the command's exit status.
const WRAPPER: &str = r#"exec 2>&1
__cb_state=$1; __cb_cmd=$2; __cb_ok=$3
set --
if [ -f "$__cb_state/env" ]; then . "$__cb_state/env" >/dev/null 2>&1; fi
if [ -f "$__cb_state/cwd" ]; then IFS= read -r __cb_dir < "$__cb_state/cwd" && cd "$__cb_dir" 2>/dev/null; fi
export CODEBUILD_BUILD_SUCCEEDING=$__cb_ok
__cb_save() { export -p > "$__cb_state/env.new" 2>/dev/null && mv -f "$__cb_state/env.new" "$__cb_state/env"; pwd > "$__cb_state/cwd" 2>/dev/null; }
trap __cb_save EXIT
set -a
eval "$__cb_cmd"
"#;

/// Runs `command`, calling `on_line` for each output line in order.
pub async fn run(
    shell: &Shell,
    command: &str,
    succeeding: bool,
    control: &Control,
    mut on_line: impl FnMut(String),
) -> Exit {
    if let Some(h) = control.halted() {
        return Exit::Halted(h);
    }
    let mut cmd = tokio::process::Command::new("bash");
    cmd.arg("-c").arg(WRAPPER).arg("codebuild").arg(&shell.state).arg(command).arg(if succeeding { "1" } else { "0" });
    // The host's AWS credentials must not reach code from an uploaded zip.
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(&k);
        }
    }
    cmd.envs(shell.env.iter().map(|(k, v)| (k, v)))
        .current_dir(&shell.src)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .kill_on_drop(true);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return Exit::SpawnFailed(format!("cannot start bash: {e}")),
    };
    let pgid = child.id().and_then(|p| i32::try_from(p).ok()).unwrap_or(0);
    control.current.store(pgid, Ordering::SeqCst);
    lock(&control.groups).push(pgid);
    // A halt that raced with the spawn saw no group to kill.
    if control.halted().is_some() {
        kill_group(pgid);
    }
    let Some(stdout) = child.stdout.take() else {
        return Exit::SpawnFailed("no output pipe".into());
    };
    // A line is cut (and emitted) at 256 KiB, CloudWatch's event limit, so
    // output without newlines cannot grow the sandbox without bound.
    const LINE_CAP: u64 = 256 * 1024;
    let mut reader = BufReader::new(stdout).take(LINE_CAP);
    let mut buf = Vec::new();
    let mut eof = false;
    let mut status = None;
    // Output is read to EOF: a background process still holding the pipe
    // keeps the command running, as on CodeBuild.
    while !(eof && status.is_some()) {
        tokio::select! {
            r = reader.read_until(b'\n', &mut buf), if !eof => match r {
                Ok(n) if n > 0 => {
                    emit(&mut buf, &mut on_line);
                    reader.set_limit(LINE_CAP);
                }
                // A read cancelled by another branch leaves its bytes in
                // `buf`; the EOF read then returns 0, so flush them here.
                _ => {
                    if !buf.is_empty() {
                        emit(&mut buf, &mut on_line);
                    }
                    eof = true;
                }
            },
            s = child.wait(), if status.is_none() => status = Some(s),
            _ = control.wake.notified() => {
                if let Some(h) = control.halted() {
                    kill_group(pgid);
                    let _ = child.wait().await;
                    // Keep what the command printed just before it died.
                    let _ = tokio::time::timeout(Duration::from_millis(200), async {
                        while let Ok(n) = reader.read_until(b'\n', &mut buf).await {
                            if n == 0 { break; }
                            emit(&mut buf, &mut on_line);
                            reader.set_limit(LINE_CAP);
                        }
                    }).await;
                    control.current.store(0, Ordering::SeqCst);
                    return Exit::Halted(h);
                }
            }
        }
    }
    control.current.store(0, Ordering::SeqCst);
    if let Some(h) = control.halted() {
        return Exit::Halted(h);
    }
    match status {
        Some(Ok(s)) => {
            use std::os::unix::process::ExitStatusExt;
            Exit::Code(s.code().unwrap_or_else(|| 128 + s.signal().unwrap_or(0)))
        }
        Some(Err(e)) => Exit::SpawnFailed(format!("cannot wait for bash: {e}")),
        None => Exit::SpawnFailed("command ended without a status".into()),
    }
}

fn emit(buf: &mut Vec<u8>, on_line: &mut impl FnMut(String)) {
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    on_line(String::from_utf8_lossy(buf).into_owned());
    buf.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(dir: &std::path::Path) -> Shell {
        let src = dir.join("src");
        let state = dir.join("state");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::create_dir_all(&state).unwrap();
        Shell { state, src, env: vec![("FROM_BUILD".into(), "b".into())] }
    }

    async fn output(sh: &Shell, cmd: &str, control: &Control) -> (Exit, Vec<String>) {
        let mut lines = Vec::new();
        let exit = run(sh, cmd, true, control, |l| lines.push(l)).await;
        (exit, lines)
    }

    #[tokio::test]
    async fn variables_and_directory_persist_between_commands() {
        let tmp = tempfile::tempdir().unwrap();
        let sh = shell(tmp.path());
        let c = Control::default();
        assert_eq!(output(&sh, "export A=1; B=2; mkdir -p sub && cd sub", &c).await.0, Exit::Code(0));
        let (exit, lines) =
            output(&sh, "echo \"$A $B $FROM_BUILD $CODEBUILD_BUILD_SUCCEEDING\"; pwd; echo err >&2; exit 3", &c).await;
        assert_eq!(exit, Exit::Code(3));
        assert_eq!(lines[0], "1 2 b 1");
        assert!(lines[1].ends_with("/src/sub"), "{lines:?}");
        assert_eq!(lines[2], "err");
    }

    /// Processes (not zombies) in a process group, from /proc.
    pub fn live_members(pgid: i32) -> usize {
        let mut n = 0;
        for e in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else { continue };
            let Some((_, rest)) = stat.rsplit_once(')') else { continue };
            let f: Vec<&str> = rest.split_whitespace().collect();
            if f.len() > 2 && f[0] != "Z" && f[2] == pgid.to_string() {
                n += 1;
            }
        }
        n
    }

    #[tokio::test]
    async fn output_without_newlines_is_cut_into_bounded_lines() {
        let tmp = tempfile::tempdir().unwrap();
        let sh = shell(tmp.path());
        let c = Control::default();
        // 600,000 bytes and no newline: three lines of at most 256 KiB.
        let (exit, lines) = output(&sh, "head -c 600000 /dev/zero | tr '\\0' x", &c).await;
        assert_eq!(exit, Exit::Code(0));
        assert!(lines.iter().all(|l| l.len() <= 256 * 1024), "{:?}", lines.iter().map(String::len).collect::<Vec<_>>());
        assert_eq!(lines.iter().map(String::len).sum::<usize>(), 600_000);
    }

    #[tokio::test]
    async fn a_halt_kills_the_whole_process_group() {
        let tmp = tempfile::tempdir().unwrap();
        let sh = shell(tmp.path());
        let c = std::sync::Arc::new(Control::default());
        let c2 = c.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            c2.halt(Halt::TimedOut);
        });
        // Had the halt not killed the group, "not-killed" would be printed.
        let (exit, lines) = output(&sh, "echo $$ > pid; (sleep 30; echo not-killed) & echo started; wait", &c).await;
        assert_eq!(exit, Exit::Halted(Halt::TimedOut));
        assert_eq!(lines, ["started"]);
        let pid: i32 = std::fs::read_to_string(sh.src.join("pid")).unwrap().trim().parse().unwrap();
        for _ in 0..20 {
            if live_members(pid) == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(live_members(pid), 0, "process group {pid} survived");
        assert_eq!(output(&sh, "echo again", &c).await.0, Exit::Halted(Halt::TimedOut));
    }
}
