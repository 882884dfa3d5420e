//! Figures for the monitor's hot paths (run with
//! `cargo run --release --example bench_tui`): log ingest rate, frame render
//! time at 200×50 with a full 100k-line buffer, RSS with that buffer, and a
//! key plus frame on a 500-row fleet list at 120×40.
//! Prints numbers; asserts nothing.

// A developer tool: a failed step stops it with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::Instant;

use pipewatch::model::fleet::{Latest, Place};
use pipewatch::model::snapshot::LogEvent;
use pipewatch::model::snapshot::Status;
use pipewatch::model::{fleet_samples, samples};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const LINES: usize = 100_000;

fn events(n: usize) -> Vec<LogEvent> {
    (0..n)
        .map(|i| {
            let message = match i % 4 {
                0 => format!("[Container] 2026/11/26 12:00:{:02} Running command step {i}", i % 60),
                1 => format!("\x1b[32mepoch {i}\x1b[0m loss=0.{i:04} acc=0.{:03}", i % 1000),
                2 => format!("Collecting package-{i}==1.2.{}\r  Downloading package-{i}.whl (1.2 MB)", i % 9),
                _ => format!("plain output line {i} with some ordinary text of ordinary length"),
            };
            LogEvent { timestamp_ms: i as i64, message }
        })
        .collect()
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let input = events(LINES);
    let rss_before = rss_kib();
    let mut m = samples::model(samples::running_build(), 200, 50);
    m.logs.clear();
    let start = Instant::now();
    for e in &input {
        m.logs.buffer.push_event(e);
    }
    let ingest = start.elapsed();
    println!(
        "log ingest: {LINES} lines in {:.1} ms = {:.0} lines/s",
        ingest.as_secs_f64() * 1e3,
        LINES as f64 / ingest.as_secs_f64()
    );
    drop(input);
    if let (Some(before), Some(after)) = (rss_before, rss_kib()) {
        println!(
            "RSS: {:.1} MB with {LINES} lines (+{:.1} MB for the buffer)",
            after as f64 / 1024.0,
            (after - before) as f64 / 1024.0
        );
    }

    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("test backend");
    for (label, wrap, timestamps) in [("wrap", true, false), ("no wrap, timestamps", false, true)] {
        m.logs.wrap = wrap;
        m.logs.timestamps = timestamps;
        let frames = 500;
        let start = Instant::now();
        for i in 0..frames {
            // Alternate the scroll position so every frame really redraws.
            m.logs.scroll(if i % 2 == 0 { -1 } else { 1 });
            terminal.draw(|f| pipewatch::ui::render(black_box(&m), f)).expect("draw");
        }
        let per = start.elapsed().as_secs_f64() * 1e3 / f64::from(frames);
        println!("frame render 200x50, {LINES}-line buffer ({label}): {per:.3} ms/frame");
    }
    fleet();
}

/// Moving the selection through a 500-row fleet (two Regions), a frame each
/// key, and re-sorting it.
fn fleet() {
    let mut m = fleet_samples::model(120, 40);
    let now = m.now;
    let fleet = m.fleet.as_mut().expect("a fleet model");
    for (i, region) in ["us-east-1", "eu-west-1"].iter().enumerate() {
        let place = Place { profile: "dev".into(), region: region.to_string() };
        let names: Vec<String> = (0..250).map(|n| format!("svc-{i}-{n:03}")).collect();
        fleet.listed(&place, &names);
        for n in names.iter().step_by(3) {
            let run = Latest::Run { id: "x".into(), status: Status::Succeeded, waiting_approval: false, at: Some(now) };
            fleet.latest(&fleet_samples::key("dev", region, n), run);
        }
    }
    let rows = fleet.rows().len();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
    let frames = 500;
    let start = Instant::now();
    for _ in 0..frames {
        let down = crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Down);
        pipewatch::update::update(&mut m, pipewatch::msg::Msg::Key(down));
        terminal.draw(|f| pipewatch::ui::render(black_box(&m), f)).expect("draw");
    }
    let per = start.elapsed().as_secs_f64() * 1e3 / f64::from(frames);
    let start = Instant::now();
    for _ in 0..100 {
        m.fleet.as_mut().expect("a fleet model").relayout();
    }
    let sort = start.elapsed().as_secs_f64() * 1e3 / 100.0;
    println!("fleet of {rows} rows at 120x40: {per:.3} ms a key+frame (scrolling), {sort:.3} ms a re-sort");
}
