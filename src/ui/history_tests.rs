//! The history popup and a past execution in the graph, as text snapshots,
//! plus the chart's outcome colours on the cells.

use ratatui::style::Color;

use crate::model::history::{PastExecution, execution_snapshot};
use crate::model::history_samples::{self, execution_id};
use crate::model::{Modal, Model, samples};
use crate::ui::tests::{draw, text};

fn history(w: u16, h: u16) -> Model {
    let mut m = samples::model(samples::running_build(), w, h);
    m.session.executions = history_samples::executions();
    m.modal = Modal::History;
    m.session.history.selected = 3;
    m.session.history.stage_medians =
        vec![("Source".into(), 6.0), ("Build".into(), 95.0), ("Approve".into(), 55.0), ("Deploy".into(), 20.0)];
    m
}

fn past(w: u16, h: u16) -> Model {
    let mut m = samples::model(samples::running_build(), w, h);
    m.session.executions = history_samples::executions();
    let id = execution_id(2);
    m.session.history.live = m.session.state.take();
    m.session.state = Some(execution_snapshot(
        "mlops-demo",
        &id,
        &history_samples::declaration(),
        &history_samples::action_executions(),
    ));
    m.session.history.past = Some(PastExecution { id, fetching: false, asked: None, running: false });
    m
}

#[test]
fn snapshot_history_80x24() {
    insta::assert_snapshot!(text(&draw(&history(80, 24))));
}

#[test]
fn snapshot_history_160x48() {
    insta::assert_snapshot!(text(&draw(&history(160, 48))));
}

#[test]
fn snapshot_past_execution_80x24() {
    insta::assert_snapshot!(text(&draw(&past(80, 24))));
}

#[test]
fn past_execution_is_named_in_the_graph_title_and_footer() {
    let screen = text(&draw(&past(80, 24)));
    assert!(screen.contains("execution 5eed0002 (past)"), "{screen}");
    assert!(screen.lines().last().unwrap_or("").contains("E latest"), "{screen}");
}

/// The chart's bars, oldest left: the column of run `i` (newest is 0).
fn bar_colors(m: &Model) -> Vec<Color> {
    let buf = draw(m);
    let screen = text(&buf);
    let legend_y = screen.lines().position(|l| l.contains("failed") && l.contains("running")).expect("legend");
    let (x0, _) = screen
        .lines()
        .nth(legend_y)
        .and_then(|l| l.find('█').map(|b| (l[..b].chars().count(), ())))
        .expect("legend block");
    // The bottom bar row is just above the legend; every run has a bar there.
    let y = u16::try_from(legend_y - 1).unwrap_or(0);
    let step = if m.size.0 >= 160 { 3 } else { 2 };
    (0..m.session.executions.len()).map(|i| buf[(u16::try_from(x0 + i * step).unwrap_or(0), y)].fg).collect()
}

#[test]
fn chart_bars_are_coloured_by_outcome_oldest_first() {
    for (w, h) in [(80, 24), (160, 48)] {
        let m = history(w, h);
        let colors = bar_colors(&m);
        // Oldest (11) first: 7 failed, 5 stopped, 3 failed, 0 running.
        let want: Vec<Color> = (0..12)
            .rev()
            .map(|i| match i {
                0 => Color::Yellow,
                3 | 7 => Color::Red,
                5 => Color::Magenta,
                _ => Color::Green,
            })
            .collect();
        assert_eq!(colors, want, "at {w}x{h}");
    }
}

#[test]
fn a_past_execution_missing_from_the_list_is_not_shown_as_the_newest() {
    let mut m = past(80, 24);
    m.session.executions.truncate(1);
    let screen = text(&draw(&m));
    assert!(!screen.contains("exec e0c1d2a3"), "{screen}");
    assert!(screen.contains("execution 5eed0002 (past)"), "{screen}");
}

#[test]
fn history_and_past_render_at_every_small_size_without_panic() {
    for w in (1..=100u16).step_by(3) {
        for h in 1..=40u16 {
            let mut m = history(w, h);
            draw(&m);
            m.config.ascii = true;
            let t = text(&draw(&m));
            assert!(t.is_ascii(), "non-ASCII in ascii mode at {w}x{h}:\n{t}");
            draw(&past(w, h));
        }
    }
}
