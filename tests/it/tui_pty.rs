//! End to end in a real terminal (tmux): the built binary with `--sandbox`,
//! keys typed, the screen read back, the raw bytes the app wrote inspected,
//! and the terminal checked after `q`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_pipewatch");
const WAIT: Duration = Duration::from_secs(90);

/// A tmux server of our own (its own socket), killed on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str, width: u16, height: u16, command: &str) -> Tmux {
        let found = Command::new("tmux").arg("-V").output();
        assert!(
            found.is_ok_and(|o| o.status.success()),
            "tmux is required for the PTY tests (apt-get install tmux); it was not found on PATH"
        );
        let tmux = Tmux { socket: format!("pipewatch-{name}-{}", std::process::id()) };
        let (w, h) = (width.to_string(), height.to_string());
        tmux.run(&["new-session", "-d", "-s", "t", "-x", &w, "-y", &h, command]);
        tmux
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("run tmux");
        assert!(out.status.success(), "tmux {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }

    fn flag(&self, format: &str) -> String {
        self.run(&["display-message", "-p", "-t", "t", format]).trim().to_string()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Polls the screen until `pred` holds; panics with the last screen if not.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            assert!(start.elapsed() < WAIT, "timed out waiting for {what}; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-L").arg(&self.socket).arg("kill-server").output();
    }
}

/// The shell line run in tmux: the app, then what the terminal looks like after.
fn command(args: &str, dir: &Path) -> String {
    let log = dir.join("pipewatch.log");
    format!(
        "{BIN} --sandbox {args} --log-file {log}; echo EXITED $?; \
         stty -a | tr ' ;' '\\n\\n' | grep -x -- '-*icanon'; echo DONE; sleep 120",
        log = log.display()
    )
}

#[test]
fn sandbox_run_shows_stages_phases_and_log_and_q_restores_the_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let tmux = Tmux::start("smoke", 80, 24, &command("", dir.path()));
    let screen = tmux.wait_for("the stage graph of mlops-demo", |s| {
        s.contains("Stages · mlops-demo") && s.contains("Source") && s.contains("Build")
    });
    assert!(screen.contains("Approve") || screen.contains("Deploy"), "{screen}");
    tmux.wait_for("build phases", |s| s.contains("submit") && s.contains("provision"));
    tmux.wait_for("build log lines", |s| s.contains("[Container]"));
    assert_eq!(tmux.flag("#{alternate_on}"), "1", "the app runs on the alternate screen");

    // Keys reach the app: focus the log, search, and help opens from the keymap.
    tmux.keys(&["Tab", "Tab"]);
    tmux.wait_for("the log's footer", |s| s.contains("f follow"));
    tmux.keys(&["?"]);
    tmux.wait_for("help", |s| s.contains("Help") && s.contains("Reserved"));
    tmux.keys(&["Escape"]);
    tmux.wait_for("help closed", |s| !s.contains("Reserved"));

    tmux.keys(&["q"]);
    let after = tmux.wait_for("the shell after exit", |s| s.contains("DONE"));
    assert!(after.contains("EXITED 0"), "{after}");
    assert!(after.lines().any(|l| l.trim() == "icanon"), "raw mode left on:\n{after}");
    assert_eq!(tmux.flag("#{alternate_on}"), "0", "alternate screen left on");
    assert_eq!(tmux.flag("#{cursor_flag}"), "1", "cursor left hidden");
    assert_eq!(tmux.flag("#{mouse_any_flag}"), "0", "mouse reporting left on");
}

/// Lines a hostile build prints: each hides a payload around a visible word.
const HOSTILE: &str = r#"printf '\033]52;c;ZWNobyBwd25lZA==\007visible-osc52\n'
printf '\033]0;PWNED-TITLE\033\\visible-title\n'
printf 'visible-clear\033[2J\033[H\n'
printf '\033P+q544e\033\\visible-dcs\n'
printf '\302\233\062J\302\2350;c1-title\302\234visible-c1\n'
printf 'bell\007\010\010visible-bs\n'
printf '\033[31mvisible-red\033[0m\n'
echo hostile-done
"#;

#[test]
fn hostile_build_output_writes_no_payload_to_the_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(&ws).expect("workspace dir");
    std::fs::write(ws.join("hostile.sh"), HOSTILE).expect("write script");
    let spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - sh hostile.sh\n";
    std::fs::create_dir_all(ws.join("model")).expect("model dir");
    std::fs::write(ws.join("model/buildspec.yml"), spec).expect("write buildspec");
    let raw = dir.path().join("raw.bin");
    let tmux = Tmux::start("hostile", 120, 40, &command(&format!("--workspace {}", ws.display()), dir.path()));
    // Every byte the app writes to its terminal, from here on.
    tmux.run(&["pipe-pane", "-o", "-t", "t", &format!("cat >> {}", raw.display())]);
    let screen = tmux.wait_for("the hostile lines", |s| s.contains("hostile-done"));
    for word in
        ["visible-osc52", "visible-title", "visible-clear", "visible-dcs", "visible-c1", "visible-bs", "visible-red"]
    {
        assert!(screen.contains(word), "{word} not shown:\n{screen}");
    }
    tmux.keys(&["q"]);
    tmux.wait_for("the shell after exit", |s| s.contains("DONE"));
    let bytes = std::fs::read(&raw).expect("raw pane output");
    assert!(!bytes.is_empty(), "pipe-pane captured nothing");
    let text = String::from_utf8_lossy(&bytes);
    for payload in ["\x1b]", "\x1bP", "\x1b_", "\x1b^", "\u{9b}", "\u{9d}", "\u{9c}", "\x07", "\x08", "PWNED-TITLE"] {
        assert!(!text.contains(payload), "payload {payload:?} reached the terminal");
    }
    // Only the SGR colour of the red line went through, as our own style.
    assert!(!text.contains("ZWNobyBwd25lZA=="), "the clipboard payload reached the terminal");
}

/// The app's pid: the only child of the pane's shell.
fn app_pid(tmux: &Tmux) -> i32 {
    let shell = tmux.flag("#{pane_pid}");
    let out = Command::new("pgrep").args(["-P", &shell]).output().expect("pgrep");
    let pids = String::from_utf8_lossy(&out.stdout);
    let mut pids = pids.split_whitespace().filter_map(|p| p.parse::<i32>().ok());
    let pid = pids.next().expect("the app runs under the pane's shell");
    assert!(pids.next().is_none(), "one child expected");
    pid
}

fn signal_restores_the_terminal(name: &str, signal: i32) {
    let dir = tempfile::tempdir().expect("temp dir");
    let tmux = Tmux::start(name, 80, 24, &command("", dir.path()));
    tmux.wait_for("the stage graph", |s| s.contains("Stages · mlops-demo"));
    assert_eq!(tmux.flag("#{alternate_on}"), "1");
    // SAFETY: kill(2) with a pid we just looked up; no memory is involved.
    let rc = unsafe { libc::kill(app_pid(&tmux), signal) };
    assert_eq!(rc, 0, "kill failed");
    let after = tmux.wait_for("the shell after the signal", |s| s.contains("DONE"));
    assert!(after.contains("EXITED 0"), "{after}");
    assert!(after.lines().any(|l| l.trim() == "icanon"), "raw mode left on:\n{after}");
    assert_eq!(tmux.flag("#{alternate_on}"), "0", "alternate screen left on");
    assert_eq!(tmux.flag("#{cursor_flag}"), "1", "cursor left hidden");
}

#[test]
fn sigterm_restores_the_terminal() {
    signal_restores_the_terminal("term", libc::SIGTERM);
}

#[test]
fn sighup_restores_the_terminal() {
    signal_restores_the_terminal("hup", libc::SIGHUP);
}

#[test]
fn p_pushes_the_workspace_and_follows_the_run_it_starts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(&ws).expect("workspace dir");
    std::fs::write(ws.join("marker.txt"), "marker-of-the-first-run\n").expect("write marker");
    let spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - cat marker.txt\nartifacts:\n  files:\n    - marker.txt\n";
    std::fs::create_dir_all(ws.join("model")).expect("model dir");
    std::fs::write(ws.join("model/buildspec.yml"), spec).expect("write buildspec");
    let tmux = Tmux::start("push", 80, 24, &command(&format!("--workspace {}", ws.display()), dir.path()));
    tmux.wait_for("the first run's log", |s| s.contains("marker-of-the-first-run"));

    // What the push sends differs from the first upload, so its log proves the build ran on it.
    std::fs::write(ws.join("marker.txt"), "marker-of-the-pushed-run\n").expect("rewrite marker");
    tmux.keys(&["p"]);
    let modal = tmux.wait_for("the push confirmation", |s| s.contains("Push · confirm"));
    assert!(modal.contains("s3://pipewatch-demo-source/workspace.zip"), "{modal}");
    assert!(modal.contains("model/buildspec.yml: ok"), "{modal}");
    assert!(modal.contains("files     2"), "{modal}");
    tmux.keys(&["Enter"]);
    let followed = tmux.wait_for("the pushed run followed", |s| s.contains("following the pushed run"));
    let id = followed
        .lines()
        .find_map(|l| l.trim().strip_prefix("following the pushed run "))
        .map(|id| id.chars().take(8).collect::<String>())
        .expect("the followed execution id");
    let screen = tmux.wait_for("the pushed run in the graph", |s| s.contains(&format!("exec {id}")));
    assert!(screen.contains("pushed by"), "the revision summary names who pushed:\n{screen}");
    tmux.wait_for("the pushed run's build log", |s| s.contains("marker-of-the-pushed-run"));
    assert!(!tmux.screen().contains("Push ·"), "the modal closed");
    tmux.keys(&["q"]);
    let after = tmux.wait_for("the shell after exit", |s| s.contains("DONE"));
    assert!(after.contains("EXITED 0"), "{after}");
}

// history

/// The 8-hex-digit execution ids in the history table, newest first.
fn history_ids(screen: &str) -> Vec<String> {
    let is_id = |t: &str| t.len() == 8 && t.chars().all(|c| c.is_ascii_hexdigit());
    screen
        .lines()
        .skip_while(|l| !l.contains("source revision"))
        .filter_map(|l| l.split(|c: char| c.is_whitespace() || c == '│' || c == '▸').find(|t| is_id(t)))
        .map(str::to_string)
        .collect()
}

#[test]
fn e_opens_the_history_and_enter_shows_an_older_execution_with_its_build_log() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(ws.join("model")).expect("model dir");
    std::fs::write(ws.join("marker.txt"), "marker-of-the-first-run\n").expect("write marker");
    let spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - cat marker.txt\n";
    std::fs::write(ws.join("model/buildspec.yml"), spec).expect("write buildspec");
    let tmux = Tmux::start("history", 80, 24, &command(&format!("--workspace {}", ws.display()), dir.path()));
    tmux.wait_for("the first run's log", |s| s.contains("marker-of-the-first-run"));
    std::fs::write(ws.join("marker.txt"), "marker-of-the-second-run\n").expect("rewrite marker");
    tmux.keys(&["p"]);
    tmux.wait_for("the push confirmation", |s| s.contains("Push · confirm"));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the second run's log", |s| s.contains("marker-of-the-second-run"));

    tmux.keys(&["e"]);
    // The charts share the popup (waited for too: a capture may catch a frame half drawn).
    let table = tmux.wait_for("two executions listed and the charts", |s| {
        s.contains("Executions") && history_ids(s).len() >= 2 && s.contains("Stage medians")
    });
    let older = history_ids(&table)[1].clone();
    tmux.keys(&["j", "Enter"]);
    let past = tmux.wait_for("the older execution in the graph", |s| {
        s.contains(&format!("execution {older} (past)")) && s.contains("marker-of-the-first-run")
    });
    assert!(past.contains(&format!("exec {older}")), "its id and status on the execution line:\n{past}");
    assert!(!past.contains("marker-of-the-second-run"), "the log follows the older run's build:\n{past}");
    assert!(past.contains("E latest"), "the footer says how to go back:\n{past}");

    tmux.keys(&["E"]);
    tmux.wait_for("back to the latest", |s| !s.contains("(past)") && s.contains("marker-of-the-second-run"));
    tmux.keys(&["q"]);
    let after = tmux.wait_for("the shell after exit", |s| s.contains("DONE"));
    assert!(after.contains("EXITED 0"), "{after}");
}
