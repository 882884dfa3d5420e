//! Runs a program (the pipewatch binary, or awscli) with a hermetic
//! environment: nothing of the machine's AWS set-up (profile, config and
//! credentials files, region, endpoint, keys) and no config file of the
//! user's; HOME and the XDG dirs are fixed in a temp dir of the run's own.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use super::Env;

/// The longest a command of a test may run before the test fails.
const COMMAND_LIMIT: Duration = Duration::from_secs(120);

/// A command being set up; its temp dir lives as long as the run.
pub struct Cli {
    cmd: Command,
    dirs: TempDir,
}

/// A spawned command with stdout and stderr piped; the temp dir stays while
/// the child runs.
pub struct Spawned {
    pub child: tokio::process::Child,
    _dirs: TempDir,
}

/// The pipewatch binary with `args`, hermetic.
pub fn pipewatch<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>) -> Cli {
    Cli::new(env!("CARGO_BIN_EXE_pipewatch")).args(args)
}

impl Cli {
    pub fn new(program: impl AsRef<OsStr>) -> Cli {
        let dirs = tempfile::tempdir().expect("temp dir");
        let mut cmd = Command::new(program);
        // What the runner's environment says about AWS or pipewatch must not
        // decide a test: a profile, a region, keys, an endpoint, a log level.
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            if name.starts_with("AWS_") || name.starts_with("PIPEWATCH_") || name == "NO_COLOR" {
                cmd.env_remove(name.as_ref());
            }
        }
        let d = dirs.path();
        cmd.env("HOME", d.join("home"))
            .env("XDG_CONFIG_HOME", d.join("config"))
            .env("XDG_STATE_HOME", d.join("state"))
            .env("XDG_CACHE_HOME", d.join("cache"))
            .env("XDG_DATA_HOME", d.join("data"))
            // Files that do not exist: no profile can be found in them.
            .env("AWS_CONFIG_FILE", d.join("aws/config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", d.join("aws/credentials"))
            .env("AWS_REGION", "us-east-1")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            // No instance-metadata probe when no credentials are given.
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null());
        Cli { cmd, dirs }
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Cli {
        self.cmd.arg(arg);
        self
    }

    pub fn args<S: AsRef<OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Cli {
        self.cmd.args(args);
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Cli {
        self.cmd.env(key, value);
        self
    }

    /// Reads the user config from `dir` (`dir/pipewatch/config.toml`).
    pub fn config_home(self, dir: &Path) -> Cli {
        self.env("XDG_CONFIG_HOME", dir)
    }

    /// Where the run's own XDG config dir is (empty unless a test writes there).
    pub fn xdg_config(&self) -> std::path::PathBuf {
        self.dirs.path().join("config")
    }

    /// Talks to the sandbox of `env` with its credentials.
    pub fn sandbox(self, env: &Env) -> Cli {
        let c = env.sandbox.credentials();
        self.endpoint(&env.sandbox.endpoint(), &c.access_key_id, &c.secret_access_key)
    }

    /// Talks to `url` with static keys from the environment.
    pub fn endpoint(self, url: &str, access_key_id: &str, secret_access_key: &str) -> Cli {
        self.args(["--endpoint-url", url])
            .env("AWS_ACCESS_KEY_ID", access_key_id)
            .env("AWS_SECRET_ACCESS_KEY", secret_access_key)
    }

    /// Runs to the end (from a test without a runtime).
    pub fn run(mut self) -> Output {
        self.cmd.output().expect("run the command")
    }

    /// Runs to the end, failing the test after two minutes.
    pub async fn output(self) -> Output {
        let mut cmd = tokio::process::Command::from(self.cmd);
        let out = cmd.kill_on_drop(true).output();
        let out = tokio::time::timeout(COMMAND_LIMIT, out).await.expect("the command finishes in time");
        drop(self.dirs);
        out.expect("run the command")
    }

    /// Starts it with stdout and stderr piped, killed if the test drops it.
    pub fn spawn(self) -> Spawned {
        let mut cmd = tokio::process::Command::from(self.cmd);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
        Spawned { child: cmd.spawn().expect("spawn the command"), _dirs: self.dirs }
    }
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The command's stdout as JSON; on a parse error the test fails showing both streams.
pub fn json_of(out: &Output) -> serde_json::Value {
    let text = stdout(out);
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: stdout {text:?} stderr {}", stderr(out)))
}
