//! The monitor without a terminal: the model, the real `Running` driver and
//! its channel. Keys go through update to the driver, which talks to the
//! sandbox over HTTP; what comes back is folded into the model the screen is
//! drawn from. The TUI driver tests (tui_control, tui_v2, tui_inbox, ...) use it.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pipewatch::app::{Driver, Running};
use pipewatch::config::{Config, Intervals};
use pipewatch::model::{Connection, Model};
use pipewatch::msg::Msg;
use pipewatch::update::{self, Effect};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc::UnboundedReceiver;

use super::Env;

pub struct App {
    pub model: Model,
    pub driver: Running,
    pub rx: UnboundedReceiver<Msg>,
    /// Every effect update asked for, in order.
    pub effects: Vec<Effect>,
}

impl App {
    /// Watches `pipeline`; `read_only` as `--read-only` sets it.
    pub async fn start(env: &Env, pipeline: &str, read_only: bool) -> App {
        let clients = env.clients().await;
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        // Faster than the defaults so the test waits less; same code path.
        let intervals = Intervals {
            state_active: Duration::from_millis(400),
            state_idle: Duration::from_millis(800),
            build: Duration::from_millis(400),
            log: Duration::from_millis(400),
            log_quiet: Duration::from_millis(400),
            ..Intervals::default()
        };
        let driver = Running::new(Arc::new(clients), tx, None, intervals);
        let connection = Connection { region: "us-east-1".into(), ..Connection::default() };
        let config = Config { read_only, ..Config::default() };
        let model = Model::new(config, connection, Some(pipeline.into()), Utc::now());
        let mut app = App { model, driver, rx, effects: Vec::new() };
        for effect in update::init(&app.model) {
            app.driver.run(&effect);
        }
        app
    }

    pub fn apply(&mut self, msg: Msg) {
        self.model.now = Utc::now();
        for effect in update::update(&mut self.model, msg) {
            // Not the test runner's terminal: no title, bell or clipboard.
            if !matches!(effect, Effect::Quit | Effect::Copy(_) | Effect::Notify(_) | Effect::SetTitle(_)) {
                self.driver.run(&effect);
            }
            self.effects.push(effect);
        }
    }

    pub fn press(&mut self, code: KeyCode) {
        self.apply(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    /// `:LINE` Enter, as typed on the command line.
    pub fn run_command(&mut self, line: &str) {
        self.press(KeyCode::Char(':'));
        self.type_text(line);
        self.press(KeyCode::Enter);
    }

    /// The notice line's text (empty when none).
    pub fn notice(&self) -> String {
        self.model.session.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default()
    }

    /// Applies worker messages until `done` holds for the model.
    pub async fn until(&mut self, what: &str, done: impl Fn(&Model) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while !done(&self.model) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}; notice: {:?}; inbox: {:?}",
                self.model.session.notice,
                self.model.inbox
            );
            match tokio::time::timeout(Duration::from_millis(200), self.rx.recv()).await {
                Ok(Some(msg)) => self.apply(msg),
                Ok(None) => panic!("driver channel closed"),
                Err(_) => self.apply(Msg::Tick),
            }
        }
    }

    /// The screen drawn from the model at `cols`x`rows`, as text.
    pub fn screen_at(&mut self, cols: u16, rows: u16) -> String {
        self.apply(Msg::Resize(cols, rows));
        let mut terminal = Terminal::new(TestBackend::new(cols, rows)).unwrap();
        terminal.draw(|f| pipewatch::ui::render(&self.model, f)).unwrap();
        let buf = terminal.backend().buffer();
        (0..rows).map(|y| (0..cols).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n").collect()
    }

    /// The 80x24 screen.
    pub fn screen(&mut self) -> String {
        self.screen_at(80, 24)
    }
}
