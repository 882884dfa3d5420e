//! End to end in a real terminal (tmux): the built binary with `--sandbox`,
//! keys typed, the screen read back, the raw bytes the app wrote inspected,
//! and the terminal checked after `q`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_pipewatch");
const WAIT: Duration = Duration::from_secs(90);

/// A tmux server of our own (its own socket), killed on drop.
pub(crate) struct Tmux {
    socket: String,
}

impl Tmux {
    pub(crate) fn start(name: &str, width: u16, height: u16, command: &str) -> Tmux {
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

    pub(crate) fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("run tmux");
        assert!(out.status.success(), "tmux {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub(crate) fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }

    pub(crate) fn flag(&self, format: &str) -> String {
        self.run(&["display-message", "-p", "-t", "t", format]).trim().to_string()
    }

    pub(crate) fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Polls the screen until `pred` holds; panics with the last screen if not.
    pub(crate) fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
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
        "XDG_CONFIG_HOME=/nonexistent {BIN} --sandbox {args} --log-file {log}; echo EXITED $?; \
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
    tmux.wait_for("help", |s| s.contains("Help") && s.contains("Everywhere"));
    tmux.keys(&["Escape"]);
    tmux.wait_for("help closed", |s| !s.contains("Everywhere"));

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
    let text = without_own_titles(&String::from_utf8_lossy(&bytes));
    for payload in ["\x1b]", "\x1bP", "\x1b_", "\x1b^", "\u{9b}", "\u{9d}", "\u{9c}", "\x07", "\x08", "PWNED-TITLE"] {
        assert!(!text.contains(payload), "payload {payload:?} reached the terminal");
    }
    // Only the SGR colour of the red line went through, as our own style.
    assert!(!text.contains("ZWNobyBwd25lZA=="), "the clipboard payload reached the terminal");
}

/// The terminal titles the app itself sets for the demo run (OSC 0 and 2),
/// and its own "approval waiting" notification (OSC 9 and the bell: the
/// hostile build succeeds, so the approval may start waiting before `q`),
/// removed so that any other OSC or BEL left came from the build.
fn without_own_titles(text: &str) -> String {
    let mut out = text.replace(APPROVAL_NOTIFICATION, "");
    for title in ["… mlops-demo InProgress", "✔ mlops-demo Succeeded", "✘ mlops-demo Failed", APPROVAL_TITLE] {
        for n in [0, 2] {
            out = out.replace(&format!("\x1b]{n};{title}\x07"), "");
        }
    }
    out
}

/// What the app writes when the demo's approval starts waiting: OSC 9, the bell.
const APPROVAL_NOTIFICATION: &str = "\x1b]9;pipewatch: mlops-demo approval waiting: Approve/Approve\x07\x07";
const APPROVAL_TITLE: &str = "⏸ mlops-demo approval waiting";

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
fn sigint_from_outside_restores_the_terminal() {
    signal_restores_the_terminal("sigint", libc::SIGINT);
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

/// The OSC 52 payloads in `raw`, decoded by the system's `base64` (not ours).
fn clipboard_writes(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    text.split("\x1b]52;c;")
        .skip(1)
        .filter_map(|rest| rest.split('\x07').next())
        .map(|b64| {
            let mut child = Command::new("base64")
                .arg("-d")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .expect("base64 -d");
            std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), b64.as_bytes()).expect("write");
            let out = child.wait_with_output().expect("base64 output");
            assert!(out.status.success(), "not base64: {b64:?}");
            String::from_utf8_lossy(&out.stdout).into_owned()
        })
        .collect()
}

#[test]
fn y_copies_with_osc52_and_a_failed_run_rings_notifies_and_titles_the_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(ws.join("model")).expect("model dir");
    // Long enough for the app to see the run going before it fails.
    let spec =
        "version: 0.2\nphases:\n  build:\n    commands:\n      - echo failing-soon\n      - sleep 6\n      - exit 3\n";
    std::fs::write(ws.join("model/buildspec.yml"), spec).expect("write buildspec");
    let raw = dir.path().join("raw.bin");
    let tmux = Tmux::start("notify", 100, 30, &command(&format!("--workspace {}", ws.display()), dir.path()));
    tmux.run(&["set-option", "-g", "set-clipboard", "on"]);
    tmux.run(&["pipe-pane", "-o", "-t", "t", &format!("cat >> {}", raw.display())]);
    tmux.wait_for("the run going", |s| s.contains("failing-soon"));
    assert_eq!(tmux.flag("#{pane_title}"), "… mlops-demo InProgress");

    tmux.wait_for("the run failed", |s| s.contains("✗ failed ·"));
    let start = Instant::now();
    while tmux.flag("#{pane_title}") != "✘ mlops-demo Failed" {
        assert!(start.elapsed() < WAIT, "title not set: {:?}", tmux.flag("#{pane_title}"));
        std::thread::sleep(Duration::from_millis(200));
    }
    let bytes = std::fs::read(&raw).expect("raw pane output");
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("\x1b]2;✘ mlops-demo Failed\x07"), "no OSC 2 title in the raw output");
    assert!(text.contains("\x1b]0;✘ mlops-demo Failed\x07"), "no OSC 0 title in the raw output");
    // The desktop notification (OSC 9 by default), then the bell.
    let osc9 = text.find("\x1b]9;pipewatch: mlops-demo Failed (execution ").expect("an OSC 9 notification");
    assert!(text[osc9..].split_once(")\x07").is_some_and(|(_, rest)| rest.starts_with('\x07')), "no bell after it");
    assert_eq!(text.matches("\x1b]9;").count(), 1, "one notification per run");

    // The build action, then y: its build id in the clipboard.
    tmux.keys(&["l", "y"]);
    let screen = tmux.wait_for("the copy confirmation", |s| s.contains("copied build id"));
    let id = screen.lines().find_map(|l| l.trim().strip_prefix("copied build id ")).expect("the copied id").to_string();
    assert!(id.starts_with("mlops-demo-build:") && id.len() > 20, "{id}");
    let bytes = std::fs::read(&raw).expect("raw pane output");
    assert_eq!(clipboard_writes(&bytes), vec![id.clone()]);
    assert_eq!(tmux.run(&["show-buffer"]), id, "tmux (set-clipboard on) took the OSC 52");

    // Y: the console URL the sandbox gave for the build.
    tmux.keys(&["Y"]);
    tmux.wait_for("the URL confirmation", |s| s.contains("copied build URL"));
    let url = format!(
        "https://console.aws.amazon.com/codesuite/codebuild/projects/mlops-demo-build/build/{}/?region=us-east-1",
        id.replace(':', "%3A")
    );
    assert_eq!(tmux.run(&["show-buffer"]), url);

    tmux.keys(&["q"]);
    let after = tmux.wait_for("the shell after exit", |s| s.contains("DONE"));
    assert!(after.contains("EXITED 0"), "{after}");
    // The title stack: the user's title is back.
    let bytes = std::fs::read(&raw).expect("raw pane output");
    assert!(String::from_utf8_lossy(&bytes).contains("\x1b[23;0t"), "no title pop");
    let title = tmux.flag("#{pane_title}");
    assert!(!title.contains("mlops-demo"), "title not restored: {title:?}");
}

/// A sandbox with a second pipeline, served by this test's own runtime, and
/// AWS config files naming it: profiles `one` and `two` with its credentials,
/// `wrong` with a bad secret.
struct RealEndpoint {
    dir: tempfile::TempDir,
    endpoint: String,
    _env: crate::harness::Env,
    _runtime: tokio::runtime::Runtime,
}

impl RealEndpoint {
    fn start() -> RealEndpoint {
        let dir = tempfile::tempdir().expect("temp dir");
        let demo = std::fs::read_to_string(crate::harness::repo_root().join("assets/sandbox/demo.json")).expect("demo");
        let mut config: serde_json::Value = serde_json::from_str(&demo).expect("demo json");
        let pipelines = config["pipelines"].as_array_mut().expect("pipelines");
        let mut second = pipelines[0].clone();
        second["name"] = "second-demo".into();
        pipelines.push(second);
        let config_path = dir.path().join("sandbox.json");
        std::fs::write(&config_path, config.to_string()).expect("write sandbox config");
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let opts =
            pipewatch::sandbox::Options { config: Some(config_path), ..pipewatch::sandbox::Options::ephemeral() };
        let env = runtime.block_on(crate::harness::start_with(opts));
        let c = env.sandbox.credentials();
        let (id, secret) = (&c.access_key_id, &c.secret_access_key);
        let aws_config = "[default]\nregion = us-east-1\n# [profile commented]\n[profile one]\nregion = us-east-1\n\
                          [profile two]\nregion = us-east-1\n[profile wrong]\nregion = us-east-1\n";
        std::fs::write(dir.path().join("config"), aws_config).expect("aws config");
        let credentials = format!(
            "[one]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n\
             [two]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n\
             [wrong]\naws_access_key_id = {id}\naws_secret_access_key = not-the-secret\n"
        );
        std::fs::write(dir.path().join("credentials"), credentials).expect("aws credentials");
        RealEndpoint { endpoint: env.sandbox.endpoint(), dir, _env: env, _runtime: runtime }
    }

    /// The monitor against the endpoint as profile `one`, with `path` as PATH
    /// and no credentials in the environment (the profiles must be used).
    fn command(&self, path: &str) -> String {
        let d = self.dir.path().display();
        format!(
            "env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE -u AWS_REGION \
             -u AWS_ENDPOINT_URL AWS_CONFIG_FILE={d}/config AWS_SHARED_CREDENTIALS_FILE={d}/credentials PATH={path} \
             {BIN} --endpoint-url {url} --profile one --log-file {d}/pipewatch.log; echo EXITED $?; \
             stty -a | tr ' ;' '\\n\\n' | grep -x -- '-*icanon'; echo DONE; sleep 120",
            url = self.endpoint
        )
    }
}

/// The header's line (the first on screen).
fn header(screen: &str) -> &str {
    screen.lines().next().unwrap_or("")
}

/// Types a `:` command and runs it (keys apart: Esc followed at once by a
/// key reads as Alt+key).
fn run_command(tmux: &Tmux, line: &str) {
    tmux.keys(&[":"]);
    tmux.wait_for("the command line", |s| s.lines().last().is_some_and(|l| l.starts_with(':')));
    tmux.keys(&["-l", line]);
    tmux.keys(&["Enter"]);
}

#[test]
fn colon_commands_switch_pipeline_and_profile_and_bad_names_say_so() {
    let real = RealEndpoint::start();
    // Wide enough that the header shows the profile next to a failing API.
    let tmux = Tmux::start("colon", 160, 40, &real.command("/nonexistent"));
    let screen = tmux.wait_for("mlops-demo as profile one", |s| {
        s.contains("Stages · mlops-demo") && header(s).contains("profile one") && s.contains("acct 123456789012")
    });
    assert!(screen.contains("API ok"), "{screen}");

    run_command(&tmux, "pipeline second-demo");
    tmux.wait_for("the second pipeline", |s| s.contains("Stages · second-demo") && header(s).contains("second-demo"));
    run_command(&tmux, "pipeline nosuch");
    let screen = tmux.wait_for("the unknown pipeline line", |s| s.contains("no pipeline `nosuch`"));
    assert!(screen.contains("Stages · second-demo"), "nothing else changed:\n{screen}");
    run_command(&tmux, "profile nosuch");
    tmux.wait_for("the unknown profile line", |s| s.contains("no profile `nosuch`"));

    // Tab completes from the AWS config files.
    tmux.keys(&[":"]);
    tmux.keys(&["-l", "profile w"]);
    tmux.keys(&["Tab"]);
    tmux.wait_for("the completed profile", |s| s.lines().last().is_some_and(|l| l.starts_with(":profile wrong")));
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the wrong profile's refusal", |s| {
        header(s).contains("profile wrong") && s.contains("AWS rejected the credentials")
    });
    assert!(!screen.contains("Stages · second-demo"), "the old connection's pipeline is gone:\n{screen}");

    run_command(&tmux, "profile two");
    let screen = tmux.wait_for("profile two working", |s| {
        header(s).contains("profile two") && s.contains("acct 123456789012") && s.contains("Stages · mlops-demo")
    });
    assert!(screen.contains("API ok") && !screen.contains("rejected"), "{screen}");

    // L without the AWS CLI on PATH: one line, the app keeps running.
    tmux.keys(&["L"]);
    tmux.wait_for("the missing CLI line", |s| s.contains("`aws` is not on PATH"));
    assert_eq!(tmux.flag("#{alternate_on}"), "1");

    run_command(&tmux, "q");
    let after = tmux.wait_for("the shell after :q", |s| s.contains("DONE"));
    assert!(after.contains("EXITED 0"), "{after}");
    assert!(after.lines().any(|l| l.trim() == "icanon"), "raw mode left on:\n{after}");
}

#[test]
fn l_runs_aws_sso_login_in_the_terminal_and_the_tui_comes_back() {
    let real = RealEndpoint::start();
    let bin = real.dir.path().join("bin");
    std::fs::create_dir_all(&bin).expect("bin dir");
    let args = real.dir.path().join("aws-args");
    let tty = real.dir.path().join("aws-tty");
    // A fake AWS CLI: records its arguments and whether it had the terminal
    // in cooked mode, says something, and takes a moment.
    let script = format!(
        "#!/bin/sh\necho \"$@\" > {args}\nstty -a | tr ' ;' '\\n\\n' | grep -x -- '-*icanon' > {tty}\n\
         echo fake-aws-login-prompt\nsleep 2\n",
        args = args.display(),
        tty = tty.display()
    );
    std::fs::write(bin.join("aws"), script).expect("fake aws");
    std::fs::set_permissions(bin.join("aws"), std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let tmux = Tmux::start("login", 80, 24, &real.command(&path));
    tmux.wait_for("mlops-demo", |s| s.contains("Stages · mlops-demo") && s.contains("acct 123456789012"));
    tmux.keys(&["Tab"]);
    tmux.wait_for("the phases pane focused", |s| !s.contains("h/l stage"));

    tmux.keys(&["L"]);
    let during = tmux.wait_for("the fake CLI's output", |s| s.contains("fake-aws-login-prompt"));
    assert!(!during.contains("Stages ·"), "the TUI stepped aside:\n{during}");
    assert_eq!(tmux.flag("#{alternate_on}"), "0", "the child runs on the normal screen");
    let screen =
        tmux.wait_for("the TUI back", |s| s.contains("Stages · mlops-demo") && header(s).contains("profile one"));
    assert!(!screen.contains("fake-aws-login-prompt"), "{screen}");
    assert_eq!(tmux.flag("#{alternate_on}"), "1");
    assert_eq!(std::fs::read_to_string(&args).expect("the fake ran").trim(), "sso login --profile one");
    assert_eq!(std::fs::read_to_string(&tty).expect("tty mode").trim(), "icanon", "the child got a cooked terminal");
    // Focus is where it was, and keys reach the app again.
    assert!(!screen.contains("h/l stage"), "focus moved:\n{screen}");
    tmux.keys(&["?"]);
    tmux.wait_for("help", |s| s.contains("Esc close"));
    tmux.keys(&["Escape"]);
    tmux.wait_for("help closed", |s| !s.contains("Esc close"));
    tmux.keys(&["q"]);
    let after = tmux.wait_for("the shell after exit", |s| s.contains("DONE"));
    assert!(after.contains("EXITED 0"), "{after}");
}

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

/// A workspace whose build passes at once (with an artifact for Deploy).
fn quick_workspace(dir: &Path) -> std::path::PathBuf {
    let ws = dir.join("ws");
    std::fs::create_dir_all(ws.join("model")).expect("model dir");
    let spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo built-for-control\nartifacts:\n  files:\n    - '**/*'\n";
    std::fs::write(ws.join("model/buildspec.yml"), spec).expect("write buildspec");
    ws
}

#[test]
fn a_approves_the_waiting_approval_and_the_run_goes_on_to_deploy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = quick_workspace(dir.path());
    let tmux = Tmux::start("approve", 80, 24, &command(&format!("--workspace {}", ws.display()), dir.path()));
    let screen = tmux.wait_for("the approval waiting", |s| s.contains("Approve waiting"));
    assert!(screen.lines().last().is_some_and(|f| f.contains("a approve")), "the footer offers a:\n{screen}");
    tmux.keys(&["a"]);
    tmux.wait_for("the confirmation", |s| s.contains("Approve/Approve: approve?") && s.contains("Summary:"));
    tmux.keys(&["-l", "ship it"]);
    tmux.wait_for("the typed summary", |s| s.contains("Summary: ship it"));
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the run through Deploy", |s| s.contains("✓ Deploy") && !s.contains("approve?"));
    assert!(screen.contains("✓ Approve"), "{screen}");
    tmux.keys(&["q"]);
    let after = tmux.wait_for("the shell after exit", |s| s.contains("DONE"));
    assert!(after.contains("EXITED 0"), "{after}");
}

#[test]
fn read_only_says_so_in_the_footer_and_mutating_keys_only_explain() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = quick_workspace(dir.path());
    let args = format!("--read-only --workspace {}", ws.display());
    let tmux = Tmux::start("readonly", 80, 24, &command(&args, dir.path()));
    let screen = tmux.wait_for("the approval waiting", |s| s.contains("Approve waiting"));
    let footer = screen.lines().last().unwrap_or("").to_string();
    assert!(footer.starts_with(" read-only "), "{footer}");
    assert!(!footer.contains("a approve") && !footer.contains("p push"), "{footer}");
    for key in ["a", "p", "x"] {
        tmux.keys(&[key]);
        let screen = tmux.wait_for("the read-only line", |s| s.contains("read-only mode: start, retry"));
        assert!(!screen.contains("approve?") && !screen.contains("Push ·"), "{key} opened a dialog:\n{screen}");
    }
    assert!(tmux.screen().contains("Approve waiting"), "nothing was answered");
    tmux.keys(&["q"]);
    let after = tmux.wait_for("the shell after exit", |s| s.contains("DONE"));
    assert!(after.contains("EXITED 0"), "{after}");
}

#[test]
fn an_approval_starting_to_wait_rings_notifies_titles_and_the_inbox_shows_it_and_a_star_is_saved() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(ws.join("model")).expect("model dir");
    let spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo quick-build\n";
    std::fs::write(ws.join("model/buildspec.yml"), spec).expect("write buildspec");
    let raw = dir.path().join("raw.bin");
    let state = dir.path().join("state");
    let line =
        format!("XDG_STATE_HOME={} {}", state.display(), command(&format!("--workspace {}", ws.display()), dir.path()));
    let tmux = Tmux::start("approval", 100, 30, &line);
    tmux.run(&["pipe-pane", "-o", "-t", "t", &format!("cat >> {}", raw.display())]);
    let start = Instant::now();
    while tmux.flag("#{pane_title}") != APPROVAL_TITLE {
        assert!(start.elapsed() < WAIT, "title: {:?}\n{}", tmux.flag("#{pane_title}"), tmux.screen());
        std::thread::sleep(Duration::from_millis(200));
    }
    let bytes = std::fs::read(&raw).expect("raw pane output");
    let text = String::from_utf8_lossy(&bytes);
    assert_eq!(text.matches(APPROVAL_NOTIFICATION).count(), 1, "one notification, then the bell");

    tmux.keys(&["A"]);
    let screen = tmux.wait_for("the inbox", |s| s.contains("Approve/Approve") && s.contains("Custom data:"));
    assert!(screen.contains("Approvals waiting") && screen.contains("Review at: https://example.com/"), "{screen}");
    // Esc alone (Esc then a key at once reads as Alt-key).
    tmux.keys(&["Escape"]);
    tmux.wait_for("the inbox to close", |s| !s.contains("Approvals waiting"));
    tmux.keys(&["o"]);
    tmux.wait_for("the pipeline list", |s| s.contains("mlops-demo-eu"));
    tmux.keys(&["*"]);
    tmux.wait_for("the star", |s| s.contains("starred mlops-demo"));
    let stars = std::fs::read_to_string(state.join("pipewatch/starred")).expect("the stars file");
    assert_eq!(stars, "\tus-east-1\tmlops-demo\n");
    tmux.keys(&["Escape"]);
    tmux.wait_for("the list to close", |s| !s.contains("mlops-demo-eu"));
    tmux.keys(&["q"]);
    let after = tmux.wait_for("the shell after exit", |s| s.contains("DONE"));
    assert!(after.contains("EXITED 0"), "{after}");
}
