//! Render tests: insta text snapshots through TestBackend, colours checked on
//! cell styles (text snapshots drop them), and a no-panic size sweep.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

use crate::model::health::{ApiFailure, FailureKind};
use crate::model::samples;
use crate::model::snapshot::Status;
use crate::model::{Modal, Model, Pane};

pub(super) fn draw(m: &Model) -> Buffer {
    let (w, h) = m.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal.draw(|f| super::render(m, f)).expect("draw");
    terminal.backend().buffer().clone()
}

pub(super) fn text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        for x in 0..area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The first cell whose row contains `needle`, at the needle's column.
fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let t = text(buf);
    t.lines().enumerate().find_map(|(y, l)| {
        let byte = l.find(needle)?;
        let col = l[..byte].chars().count();
        Some((u16::try_from(col).ok()?, u16::try_from(y).ok()?))
    })
}

pub(super) fn fg_at(buf: &Buffer, needle: &str) -> Color {
    let (x, y) = find(buf, needle).unwrap_or_else(|| panic!("{needle:?} not on screen:\n{}", text(buf)));
    buf[(x, y)].fg
}

fn running(w: u16, h: u16) -> Model {
    samples::model(samples::running_build(), w, h)
}

fn failed(w: u16, h: u16) -> Model {
    let mut m = samples::model(samples::failed_build(), w, h);
    m.session.state = Some(samples::pipeline(Status::Failed));
    m
}

fn disabled(w: u16, h: u16) -> Model {
    let mut m = running(w, h);
    m.session.state = Some(samples::pipeline_with_disabled_transition());
    m
}

#[test]
fn snapshot_running_80x24() {
    insta::assert_snapshot!(text(&draw(&running(80, 24))));
}

#[test]
fn snapshot_running_160x48() {
    insta::assert_snapshot!(text(&draw(&running(160, 48))));
}

#[test]
fn snapshot_running_200x50() {
    insta::assert_snapshot!(text(&draw(&running(200, 50))));
}

#[test]
fn snapshot_failed_80x24() {
    insta::assert_snapshot!(text(&draw(&failed(80, 24))));
}

#[test]
fn snapshot_failed_160x48() {
    insta::assert_snapshot!(text(&draw(&failed(160, 48))));
}

#[test]
fn snapshot_disabled_transition_80x24() {
    insta::assert_snapshot!(text(&draw(&disabled(80, 24))));
}

#[test]
fn snapshot_disabled_transition_160x48() {
    insta::assert_snapshot!(text(&draw(&disabled(160, 48))));
}

#[test]
fn snapshot_throttled_header_120x40() {
    let mut m = running(120, 40);
    let f = ApiFailure {
        api: "codebuild:BatchGetBuilds".into(),
        kind: FailureKind::Throttled,
        message: "Rate exceeded".into(),
        retry_in_secs: Some(4),
    };
    m.session.health.record(&f, m.now);
    insta::assert_snapshot!(text(&draw(&m)));
}

#[test]
fn snapshot_tiny_40x12_shows_one_pane() {
    let mut m = running(40, 12);
    m.focus = Pane::Log;
    insta::assert_snapshot!(text(&draw(&m)));
}

#[test]
fn snapshot_help_80x24() {
    let mut m = running(80, 24);
    m.modal = Modal::Help { page: 0 };
    insta::assert_snapshot!(text(&draw(&m)));
}

#[test]
fn at_80x24_graph_phases_and_log_show_with_8_log_lines() {
    let m = running(80, 24);
    let buf = draw(&m);
    let t = text(&buf);
    assert!(t.contains("Stages"), "{t}");
    assert!(t.contains("Build · mlops-demo-build"), "{t}");
    assert!(t.contains("Log"), "{t}");
    assert!(crate::layout::log_rows(&m) >= 8);
    assert!(t.contains("validation accuracy"), "{t}");
}

#[test]
fn status_colours_on_cells() {
    let buf = draw(&failed(160, 48));
    assert_eq!(fg_at(&buf, "✓ Source"), Color::Green);
    assert_eq!(fg_at(&buf, "✗ Train"), Color::Red);
    assert_eq!(fg_at(&buf, "✗ BUILD"), Color::Red);
    assert_eq!(fg_at(&buf, "↳ COMMAND_EXECUTION_ERROR"), Color::Red);
    let buf = draw(&running(160, 48));
    assert_eq!(fg_at(&buf, "▶ Train"), Color::Yellow);
    assert_eq!(fg_at(&buf, "▶ BUILD"), Color::Yellow);
}

#[test]
fn sgr_colours_reach_the_log_cells() {
    let buf = draw(&running(160, 48));
    assert_eq!(fg_at(&buf, "epoch 3/3"), Color::Green);
    assert_eq!(fg_at(&buf, "error:"), Color::Red);
    assert_eq!(fg_at(&buf, "loss=0.301"), Color::Reset);
}

#[test]
fn disabled_transition_is_red_on_its_arrow() {
    let buf = draw(&disabled(160, 48));
    assert_eq!(fg_at(&buf, "─╳─"), Color::Red);
    assert!(text(&buf).contains(" off "));
}

#[test]
fn ascii_fallback_draws_only_ascii() {
    for mut m in [failed(160, 48), disabled(80, 24)] {
        m.config.ascii = true;
        let t = text(&draw(&m));
        assert!(t.is_ascii(), "non-ASCII in ascii mode:\n{t}");
        assert!(t.contains("+ Source"), "{t}");
    }
}

#[test]
fn every_size_up_to_100x40_renders_without_panic() {
    let models = [running(1, 1), failed(1, 1), disabled(1, 1)];
    for base in models {
        for w in 1..=100u16 {
            for h in 1..=40u16 {
                let mut m = base.clone();
                m.size = (w, h);
                draw(&m);
                m.zoom = true;
                m.modal = Modal::Help { page: 0 };
                draw(&m);
            }
        }
    }
}

#[test]
fn popup_and_search_render_at_small_sizes() {
    for (w, h) in [(1, 1), (10, 5), (30, 8), (59, 15), (80, 24)] {
        let mut m = running(w, h);
        m.modal = Modal::PipelinePopup;
        draw(&m);
        m.modal = Modal::Search("epoch".into());
        m.focus = Pane::Log;
        draw(&m);
    }
}

#[test]
fn stages_that_do_not_fit_wrap_into_bands() {
    let mut m = running(60, 30);
    m.session.selected = (3, 0);
    let t = text(&draw(&m));
    let source_row =
        t.lines().position(|l| l.contains("Source") && l.contains("──▶")).unwrap_or_else(|| panic!("first band:\n{t}"));
    let deploy_row = t.lines().position(|l| l.contains("Deploy") && !l.contains("· Deploy")).expect("Deploy stage");
    assert!(deploy_row > source_row, "Deploy should wrap to a later band:\n{t}");
    assert!(t.contains("Stages") && t.contains("Log"), "{t}");
}

#[test]
fn paused_log_keeps_its_place_and_says_so() {
    let mut m = running(80, 24);
    for i in 0..100 {
        m.logs.buffer.push_event(&crate::model::snapshot::LogEvent { timestamp_ms: 0, message: format!("row {i}") });
    }
    m.logs.scroll(-50);
    let t = text(&draw(&m));
    assert!(t.contains("paused (+50 new"), "{t}");
    // 6 sample lines come first, so the bottom line (seq 55) is "row 49".
    assert!(t.contains("row 49") && !t.contains("row 50"), "{t}");
}

#[test]
fn search_matches_are_highlighted() {
    let mut m = running(80, 24);
    m.logs.search = Some(crate::model::logs::Query::new("warning"));
    m.logs.current_match = Some(m.logs.buffer.first_seq() + 3);
    let buf = draw(&m);
    let (x, y) = find(&buf, "warning:").expect("line shown");
    let styles: Vec<_> =
        (x..x + 9).map(|x| (buf[(x, y)].symbol().to_string(), buf[(x, y)].fg, buf[(x, y)].bg)).collect();
    assert_eq!(buf[(x, y)].bg, Color::Yellow, "{styles:?}");
    assert_eq!(buf[(x + 6, y)].bg, Color::Yellow, "{styles:?}");
    assert_eq!(buf[(x + 7, y)].bg, Color::Reset, "{styles:?}");
}

#[test]
fn timestamps_prefix_each_line() {
    let mut m = running(80, 24);
    m.logs.timestamps = true;
    let t = text(&draw(&m));
    assert!(t.contains("11:59:48 [Container]"), "{t}");
}

#[test]
fn a_long_notice_wraps_to_two_rows_above_the_footer() {
    let mut m = Model::new(Default::default(), Default::default(), None, samples::now());
    m.size = (80, 24);
    let f = ApiFailure {
        api: "codepipeline:ListPipelines".into(),
        kind: FailureKind::Auth,
        message:
            "no usable AWS credentials: run `aws configure` or `aws sso login`, set AWS_PROFILE, or pass --profile"
                .into(),
        retry_in_secs: Some(4),
    };
    crate::update::update(&mut m, crate::msg::Msg::Pipelines(Err(f)));
    let buf = draw(&m);
    let t = text(&buf);
    let lines: Vec<&str> = t.lines().collect();
    assert!(lines[21].contains("no usable AWS credentials"), "{t}");
    assert!(lines[22].contains("--profile"), "{t}");
    assert!(lines[23].contains("q quit"), "{t}");
    assert!(t.contains("Cannot list pipelines yet"), "{t}");
    assert!(lines[0].contains("denied, retry in 4s"), "{t}");
    assert_eq!(fg_at(&buf, "no usable"), Color::Red);
}

#[test]
fn what_y_copied_shows_above_the_footer_over_a_notice_until_the_next_key() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |c| crate::msg::Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    let mut m = running(80, 24);
    m.session.notice =
        Some(crate::model::Notice { api: "logs:GetLogEvents".into(), text: "throttled: slow down".into() });
    crate::update::update(&mut m, key('y'));
    let buf = draw(&m);
    let t = text(&buf);
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines[22].trim(), format!("copied build id {}", samples::BUILD_ID), "{t}");
    assert_eq!(fg_at(&buf, "copied build id"), Color::Green);
    crate::update::update(&mut m, key('k'));
    let t = text(&draw(&m));
    assert!(!t.contains("copied") && t.contains("throttled: slow down"), "{t}");
}

#[test]
fn an_empty_log_pane_says_why_and_a_missing_stream_is_no_error() {
    use crate::model::logs::LogSource;
    let mut m = running(120, 40);
    m.logs.clear();
    let id = m.session.build.id.clone().expect("a watched build");
    let waiting = crate::msg::Msg::LogSource { build_id: id.clone(), source: LogSource::WaitingForStream };
    crate::update::update(&mut m, waiting);
    assert!(m.session.notice.is_none(), "waiting for the stream is not an error: {:?}", m.session.notice);
    assert!(text(&draw(&m)).contains("Waiting for the build's log stream"), "{}", text(&draw(&m)));
    // Another build's news does not touch this pane.
    let other = crate::msg::Msg::LogSource { build_id: "other:1".into(), source: LogSource::NoLog };
    crate::update::update(&mut m, other);
    assert_eq!(m.logs.source, LogSource::WaitingForStream);
    let link = "https://console.aws.amazon.com/s3/object/logs/b.gz".to_string();
    let s3 = crate::msg::Msg::LogSource { build_id: id, source: LogSource::S3Only { link, fetched: false } };
    crate::update::update(&mut m, s3);
    assert!(text(&draw(&m)).contains("logs to S3 only"), "{}", text(&draw(&m)));
}
