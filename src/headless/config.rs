//! `pipewatch config --print-default | --path | --check`.

use std::io::Write;
use std::path::PathBuf;

use crate::cli::ConfigArgs;
use crate::config;

pub fn run(args: &ConfigArgs) -> i32 {
    if args.print_default {
        return print(&config::default_file());
    }
    let Some(path) = args.config.clone().or_else(config::default_path) else {
        eprintln!("pipewatch: no config file location: set HOME or XDG_CONFIG_HOME, or pass --config FILE");
        return 2;
    };
    if args.path {
        return print(&format!("{}\n", path.display()));
    }
    check(path, args.config.is_some())
}

fn check(path: PathBuf, explicit: bool) -> i32 {
    if !explicit && !path.exists() {
        return print(&format!("{}: no such file; the defaults apply\n", path.display()));
    }
    match config::load(Some(&path)) {
        Ok(_) => print(&format!("{}: ok\n", path.display())),
        Err(e) => {
            eprintln!("pipewatch: {e}");
            2
        }
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not a panic.
fn print(text: &str) -> i32 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(_) => 1,
    }
}
