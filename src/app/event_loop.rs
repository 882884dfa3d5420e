//! The loop: terminal events, worker messages and a 1 s tick become Msgs;
//! update returns effects for the driver; a frame is drawn only when the model
//! is dirty, at most one per `frame_ms`.

use std::time::Duration;

use chrono::Utc;
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::{Instant, MissedTickBehavior};

use crate::app::driver::Driver;
use crate::app::suspend::{self, StopSignals};
use crate::model::Model;
use crate::msg::Msg;
use crate::ui;
use crate::update::{self, Effect, ExternalCommand};

/// At most this many queued worker messages are applied before a frame.
const DRAIN_LIMIT: usize = 1024;

pub async fn run_loop<B: Backend, D: Driver>(
    mut model: Model,
    driver: &mut D,
    mut rx: UnboundedReceiver<Msg>,
    terminal: &mut Terminal<B>,
) -> color_eyre::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(model.config.tick_ms.max(1)));
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut stop = StopSignals::new()?;
    let frame_gap = Duration::from_millis(model.config.frame_ms);
    let mut last_draw: Option<Instant> = None;
    for effect in update::init(&model) {
        driver.run(&effect);
    }
    loop {
        let draw_at = last_draw.map_or_else(Instant::now, |t| t + frame_gap);
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => to_msg(ev),
                // stdin closed or unreadable: nobody is watching any more.
                Some(Err(_)) | None => break,
            },
            Some(msg) = rx.recv() => Some(msg),
            _ = tick.tick() => Some(Msg::Tick),
            _ = stop.recv() => break,
            _ = tokio::time::sleep_until(draw_at), if model.dirty => None,
        };
        model.now = Utc::now();
        let mut asked = Vec::new();
        if let Some(msg) = msg {
            apply(&mut model, driver, msg, &mut asked);
        }
        for _ in 0..DRAIN_LIMIT {
            if !asked.is_empty() {
                break;
            }
            match rx.try_recv() {
                Ok(msg) => apply(&mut model, driver, msg, &mut asked),
                Err(_) => break,
            }
        }
        // Effects only the loop can run: it owns the terminal.
        while let Some(effect) = asked.pop() {
            let LoopEffect::Run(cmd) = effect else { return Ok(()) };
            // Dropped, the stream stops reading the terminal: the keys are the child's.
            drop(std::mem::replace(&mut events, EventStream::new()));
            let Some(outcome) = suspend::run(&cmd, &mut stop).await else { return Ok(()) };
            // The screen is blank again: forget what was drawn so all of it is
            // drawn anew (`Terminal::clear` would ask the terminal for the cursor).
            terminal.swap_buffers();
            terminal.swap_buffers();
            let size = terminal.size()?;
            apply(&mut model, driver, Msg::Resize(size.width, size.height), &mut asked);
            apply(&mut model, driver, Msg::RanInTerminal { command: cmd.shell_line(), outcome }, &mut asked);
            model.dirty = true;
            last_draw = None;
        }
        if model.dirty && last_draw.is_none_or(|t| t.elapsed() >= frame_gap) {
            terminal.draw(|f| ui::render(&model, f))?;
            model.dirty = false;
            last_draw = Some(Instant::now());
        }
    }
    Ok(())
}

/// What the driver cannot do: it does not own the terminal.
enum LoopEffect {
    Quit,
    Run(ExternalCommand),
}

/// Applies one Msg; effects for the loop go to `asked` (a quit first).
fn apply<D: Driver>(model: &mut Model, driver: &mut D, msg: Msg, asked: &mut Vec<LoopEffect>) {
    for effect in update::update(model, msg) {
        match effect {
            Effect::Quit => asked.push(LoopEffect::Quit),
            Effect::RunInTerminal(cmd) => asked.insert(0, LoopEffect::Run(cmd)),
            other => driver.run(&other),
        }
    }
}

fn to_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some(Msg::Key(k)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::FocusGained => Some(Msg::FocusGained),
        Event::FocusLost => Some(Msg::FocusLost),
        _ => None,
    }
}
