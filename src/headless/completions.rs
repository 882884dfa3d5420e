//! `pipewatch completions SHELL`: the completion script, from the clap types.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

pub fn run(shell: Shell) -> i32 {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "pipewatch", &mut std::io::stdout());
    0
}
