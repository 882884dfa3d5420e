//! The README screenshots made by `cargo run --example screenshots`: each PNG
//! decodes at its cell grid's pixel size, its ink matches its text companion,
//! the text shows what the shot is about, and the key hints in it are the
//! ones the current keymap renders, and the failed shot is what the app
//! renders now for that build (a stale screenshot fails here: rerun the
//! example).

#[allow(dead_code)]
#[path = "../../examples/screenshots/capture.rs"]
mod capture;
#[allow(dead_code)]
#[path = "../../examples/screenshots/fleet.rs"]
mod fleet;
#[allow(dead_code)]
#[path = "../../examples/screenshots/raster.rs"]
mod raster;

use std::collections::HashMap;

use chrono::Utc;
use pipewatch::config::Config;
use pipewatch::model::control::{Confirm, ControlKind};
use pipewatch::model::push::{PlanView, PushDialog};
use pipewatch::model::{Connection, Modal, Model};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::harness;

/// (stem, columns, rows)
const SHOTS: [(&str, u16, u16); 13] = [
    ("running", 120, 40),
    ("failed", 120, 40),
    ("push-confirm", 120, 40),
    ("bastion", 80, 24),
    ("approve", 80, 24),
    ("history", 120, 40),
    ("details", 120, 40),
    ("fleet", 120, 40),
    ("fleet", 80, 24),
    ("inbox", 120, 40),
    ("inbox", 80, 24),
    ("failed-tests", 120, 40),
    ("v2-queued", 120, 40),
];

/// The shots of one pipeline (the others show the fleet list).
fn of_one_pipeline(name: &str) -> bool {
    !name.starts_with("fleet") && !name.starts_with("inbox")
}

const RERUN: &str = "rerun `cargo run --example screenshots`";

struct Shot {
    name: String,
    cols: u16,
    rows: u16,
    text: Vec<String>,
    png: Decoded,
}

struct Decoded {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

fn load(stem: &str, cols: u16, rows: u16) -> Shot {
    let dir = harness::repo_root().join("screenshots");
    let name = format!("{stem}-{cols}x{rows}");
    let text = std::fs::read_to_string(dir.join(format!("{name}.txt")))
        .unwrap_or_else(|e| panic!("screenshots/{name}.txt: {e}; {RERUN}"));
    let file = std::fs::File::open(dir.join(format!("{name}.png")))
        .unwrap_or_else(|e| panic!("screenshots/{name}.png: {e}; {RERUN}"));
    let mut reader = png::Decoder::new(std::io::BufReader::new(file)).read_info().expect("a PNG header");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a sane PNG size")];
    let info = reader.next_frame(&mut pixels).expect("PNG data decodes");
    assert_eq!(
        (info.color_type, info.bit_depth),
        (png::ColorType::Rgb, png::BitDepth::Eight),
        "{name}.png is 8-bit RGB"
    );
    pixels.truncate(info.buffer_size());
    let png = Decoded { width: info.width, height: info.height, pixels };
    Shot { name, cols, rows, text: text.lines().map(String::from).collect(), png }
}

fn all() -> Vec<Shot> {
    SHOTS.iter().map(|&(stem, cols, rows)| load(stem, cols, rows)).collect()
}

impl Shot {
    fn contains(&self, s: &str) -> bool {
        self.text.iter().any(|l| l.contains(s))
    }
}

#[test]
fn each_png_decodes_at_the_pixel_size_of_its_cell_grid() {
    for shot in all() {
        let want = (u32::from(shot.cols) * raster::CELL_W, u32::from(shot.rows) * raster::CELL_H);
        assert_eq!((shot.png.width, shot.png.height), want, "{}.png size", shot.name);
        assert_eq!(shot.text.len(), usize::from(shot.rows), "{}.txt has one line per row", shot.name);
        let widest = shot.text.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(widest <= usize::from(shot.cols), "{}.txt is {widest} columns wide", shot.name);
    }
}

/// Pixels of a cell that differ from its most common colour (its background),
/// the underline row left out.
fn ink(pixels: &[u8], width: u32, col: u32, row: u32) -> Vec<bool> {
    let mut cell = Vec::new();
    for y in (row * raster::CELL_H..(row + 1) * raster::CELL_H).filter(|y| y % raster::CELL_H != raster::CELL_H - 3) {
        for x in col * raster::CELL_W..(col + 1) * raster::CELL_W {
            let i = ((y * width + x) * 3) as usize;
            cell.push([pixels[i], pixels[i + 1], pixels[i + 2]]);
        }
    }
    let mut counts = std::collections::HashMap::new();
    for c in &cell {
        *counts.entry(*c).or_insert(0) += 1;
    }
    let background = counts.into_iter().max_by_key(|(_, n)| *n).map(|(c, _)| c).expect("a cell has pixels");
    cell.into_iter().map(|c| c != background).collect()
}

/// The ink of `symbol` drawn alone, regular and bold.
fn reference_ink(symbol: &str) -> [Vec<bool>; 2] {
    [Modifier::empty(), Modifier::BOLD].map(|m| {
        let mut buf = Buffer::empty(Rect::new(0, 0, 1, 1));
        buf[(0, 0)].set_symbol(symbol).set_style(Style::default().add_modifier(m));
        let img = raster::render(&buf);
        ink(&img.pixels, img.width, 0, 0)
    })
}

/// Same glyph: equal masks up to a few anti-aliased edge pixels (colours
/// differ, so faint edges round differently).
fn same_ink(a: &[bool], b: &[bool]) -> bool {
    let diff = a.iter().zip(b).filter(|(x, y)| x != y).count();
    let inked = a.iter().filter(|x| **x).count().max(b.iter().filter(|x| **x).count());
    diff <= (inked / 5).max(2)
}

#[test]
fn each_png_draws_the_text_beside_it() {
    let mut cache: HashMap<String, [Vec<bool>; 2]> = HashMap::new();
    for shot in all() {
        for (row, line) in shot.text.iter().enumerate() {
            let chars: Vec<char> = line.chars().collect();
            for col in 0..u32::from(shot.cols) {
                let ch = chars.get(col as usize).copied().unwrap_or(' ');
                let want = cache.entry(ch.to_string()).or_insert_with(|| reference_ink(&ch.to_string()));
                let got = ink(&shot.png.pixels, shot.png.width, col, row as u32);
                assert!(
                    want.iter().any(|w| same_ink(w, &got)),
                    "{}.png does not draw {ch:?} at column {col}, row {row}; {RERUN}",
                    shot.name
                );
            }
        }
    }
}

#[test]
fn each_shot_shows_what_it_is_about() {
    let shots = all();
    let [running, failed, push, bastion, approve, history, details, ..] = &shots[..] else { unreachable!() };
    for shot in shots.iter().filter(|s| of_one_pipeline(&s.name)) {
        // (The history popup covers the graph: its stage medians name the stages.)
        // (The details popup covers the graph too: it names Source and Build only.)
        // (The V2 demo has two stages.)
        let stages: &[&str] =
            if shot.name.starts_with("details") || shot.name.starts_with("v2") { &[] } else { &["Approve", "Deploy"] };
        for s in ["mlops-demo", "Source", "Build", "127.0.0.1:4599"].iter().chain(stages) {
            assert!(shot.contains(s), "{} shows {s:?}", shot.name);
        }
    }
    for shot in &shots {
        // Normalised: no local paths or real ports.
        for s in [env!("CARGO_MANIFEST_DIR"), "/tmp/"] {
            assert!(!shot.contains(s), "{} shows the local path {s:?}", shot.name);
        }
    }
    for s in ["SUBMITTED", "DOWNLOAD_SOURCE", "INSTALL", "BUILD", "POST_BUILD", "COMPLETED", "▶", "running"] {
        assert!(running.contains(s), "running shows {s:?}");
    }
    for s in ["✗ failed", "↳ COMMAND_EXECUTION_ERROR", "below the baseline"] {
        assert!(failed.contains(s), "failed shows {s:?}");
    }
    for s in ["Push · confirm", "pipewatch-demo-source", "workspace.zip"] {
        assert!(push.contains(s), "push-confirm shows {s:?}");
    }
    assert!(bastion.contains("Build ·"), "bastion shows the build pane");
    for s in ["Approve/Approve: approve?", "Summary: metrics look fine", "Reject"] {
        assert!(approve.contains(s), "approve shows {s:?}");
    }
    for s in ["Executions", "succeeded", "running", "Last 2 runs", "Stage medians"] {
        assert!(history.contains(s), "history shows {s:?}");
    }
    for s in ["Run details", "Source revisions", "10 tests: 9 succeeded, 1 failed", "✗ test_baseline_accuracy"] {
        assert!(details.contains(s), "details shows {s:?}");
    }
    for shot in shots.iter().filter(|s| !of_one_pipeline(&s.name)) {
        fleet_shows_both_accounts(shot);
    }
    // Issue 11: the failed run's tests under its failure context; a V2 run
    // with a second execution waiting at Build.
    let [.., failed_tests, v2_queued] = &shots[..] else { unreachable!() };
    let lines = &failed_tests.text;
    let context = lines.iter().position(|l| l.contains("↳ COMMAND_EXECUTION_ERROR")).expect("the failure context");
    assert!(lines[context + 1].contains("↳ 1 of 10 tests failed: test_baseline_accuracy"), "{}", lines.join("\n"));
    for s in ["mlops-demo-v2", "q:1 ▶ Build", "running", "mlops-demo-v2-build"] {
        assert!(v2_queued.contains(s), "v2-queued shows {s:?}");
    }
    for shot in shots.iter().filter(|s| s.name.starts_with("inbox")) {
        inbox_shows_both_approvals(shot);
    }
}

/// Issue 13: both accounts in both Regions, with failed, waiting and running rows.
fn fleet_shows_both_accounts(shot: &Shot) {
    for s in ["Fleet all", "16 pipelines · 4 places", "need attention", "failed", "approval waiting", "running"] {
        assert!(shot.contains(s), "{} shows {s:?}", shot.name);
    }
    if shot.name.starts_with("inbox") {
        return; // The popup covers some group headers.
    }
    for account in ["prod · 123456789012", "staging · 210987654321"] {
        for region in ["us-east-1", "eu-west-1"] {
            let header = format!("▾ {account} · {region}");
            assert!(shot.contains(&header), "{} shows {header:?}", shot.name);
        }
    }
}

/// `A`: the waiting approvals of both accounts, the selected one's details,
/// its execution id a stand-in (normalised).
fn inbox_shows_both_approvals(shot: &Shot) {
    for s in ["Approvals waiting", "(prod/us-east-1)", "(staging/eu-we", "Approve/Approve", "waiting since 09:"] {
        assert!(shot.contains(s), "{} shows {s:?}", shot.name);
    }
    assert!(shot.contains("execution 3f9c2a0"), "{} shows a stand-in execution id", shot.name);
}

/// The footer each shot would have if it were rendered now: the hints come
/// from the keymap, so a changed key map shows up here.
#[test]
fn the_key_hints_in_each_shot_are_the_current_ones() {
    for shot in all() {
        let connection = Connection { region: "us-east-1".into(), ..Connection::default() };
        let mut model = Model::new(Config::default(), connection, Some("mlops-demo".into()), Utc::now());
        model.size = (shot.cols, shot.rows);
        if shot.name.starts_with("push-confirm") {
            model.modal = Modal::Push(PushDialog::Confirm(PlanView::default()));
        }
        if shot.name.starts_with("approve") {
            let kind = ControlKind::Approve { stage: "Approve".into(), action: "Approve".into(), token: "t".into() };
            model.modal = Modal::Confirm(Confirm::new("mlops-demo".into(), kind, false));
        }
        if shot.name.starts_with("history") {
            model.modal = Modal::History;
        }
        if shot.name.starts_with("details") {
            model.session.details.open = true;
            model.modal = Modal::Details;
        }
        if !of_one_pipeline(&shot.name) {
            // A fleet with an approval waiting, as in the shots (the footer offers `A` then).
            model.fleet = pipewatch::model::fleet_samples::model(shot.cols, shot.rows).fleet;
        }
        if shot.name.starts_with("inbox") {
            model.modal = Modal::Inbox;
        }
        let mut terminal = Terminal::new(TestBackend::new(shot.cols, shot.rows)).expect("test terminal");
        terminal.draw(|f| pipewatch::ui::render(&model, f)).expect("draw");
        let now = raster::text(terminal.backend().buffer());
        let footer = now.lines().last().expect("a footer row");
        assert!(!footer.trim().is_empty(), "the footer has hints");
        let shown = shot.text.last().map(|f| without_context_hints(f));
        assert_eq!(shown, Some(without_context_hints(footer)), "{}'s key hints; {RERUN}", shot.name);
    }
}

/// The footer minus the control hints that depend on what runs (x stop while
/// a run goes, s start when none does, r retry on a failed stage, a approve
/// while an approval waits): this test's model has no pipeline state.
fn without_context_hints(footer: &str) -> String {
    ["  x stop", "  s start", "  r retry", "  a approve"].iter().fold(footer.to_string(), |f, h| f.replace(h, ""))
}

/// Digits masked: the seconds the sandbox measures differ from run to run.
fn masked(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect()
}

/// The whole failed shot, captured again the example's way (a build of a
/// few seconds): any change to the UI, the sandbox's output or the
/// normalisation shows up here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_failed_shot_is_what_the_app_renders_now() {
    let (app, _sandbox, _workspace) = capture::failed_build().await;
    let now = raster::text(&app.frame(120, 40));
    let shot = load("failed", 120, 40);
    let committed = shot.text.join("\n") + "\n";
    assert_eq!(masked(&now), masked(&committed), "screenshots/failed-120x40.txt is stale; {RERUN}");
}

/// The fleet shot captured again the example's way (generated pipelines in
/// two accounts): a change to the fleet list, the sandbox's generated
/// pipelines or the normalisation shows up here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fleet_shot_is_what_the_app_renders_now() {
    let (app, _sandbox, _config) = fleet::fleet().await;
    let now = raster::text(&app.frame(80, 24));
    let shot = load("fleet", 80, 24);
    let committed = shot.text.join("\n") + "\n";
    assert_eq!(masked(&now), masked(&committed), "screenshots/fleet-80x24.txt is stale; {RERUN}");
}

/// The screenshots replace the build's id with a stand-in: the test reports
/// name the same build, so they get the same stand-in, or the phases pane
/// (which shows only the shown build's reports) drops "N of M tests failed".
#[test]
fn normalising_keeps_the_failed_tests_line() {
    use pipewatch::model::samples;
    use pipewatch::model::tests_report::{ReportSummary, TestReport};
    let build = samples::failed_build();
    let mut m = samples::model(build.clone(), 120, 40);
    let counts = vec![("SUCCEEDED".to_string(), 9), ("FAILED".to_string(), 1)];
    let report = ReportSummary { kind: "TEST".into(), total: 10, counts, ..ReportSummary::default() };
    m.session.build.tests = Some(TestReport { build_id: build.id.clone(), reports: vec![report], failed: Vec::new() });
    let shown = capture::normalise(&m, &[]);
    let shown_id = shown.session.build.snapshot.as_ref().map(|b| b.id.clone());
    assert_ne!(shown_id.as_deref(), Some(build.id.as_str()), "the build id is a stand-in");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    terminal.draw(|f| pipewatch::ui::render(&shown, f)).expect("draw");
    let screen = raster::text(terminal.backend().buffer());
    assert!(screen.contains("↳ 1 of 10 tests failed"), "{screen}");
}
