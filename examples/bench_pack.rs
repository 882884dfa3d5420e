//! Packs a directory once and prints the figures (run with
//! `cargo run --release --example bench_pack -- DIR`, or scripts/bench_pack.sh
//! which also builds the tree and runs Info-ZIP on it): wall time, files,
//! sizes and peak RSS. Prints numbers; asserts nothing.

// A developer tool: a failed step stops it with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::time::Instant;

use pipewatch::pack::{PackOptions, pack_workspace};

/// Peak resident set (VmHWM) in KiB, from /proc.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> color_eyre::Result<()> {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        color_eyre::eyre::bail!("usage: bench_pack DIR");
    };
    let started = Instant::now();
    let package = pack_workspace(&PackOptions { workspace: Some(dir), temp_dir: None })?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "pipewatch pack: {:.2} s, {} files, {:.1} MB in, {:.1} MB zip, {:.0} MB/s, peak RSS {:.1} MB",
        secs,
        package.entries.len(),
        package.total_bytes as f64 / 1e6,
        package.zip_bytes as f64 / 1e6,
        package.total_bytes as f64 / 1e6 / secs,
        peak_rss_kib().unwrap_or(0) as f64 / 1024.0
    );
    println!("sha256 {}", package.sha256);
    Ok(())
}
