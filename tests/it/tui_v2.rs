//! V2 execution modes through the user's path: the real driver polls the
//! sandbox over HTTP, update folds the answers into the model, and the 80x24
//! screen drawn from it shows the queue (StageState.inboundExecutions, API
//! Reference) and PARALLEL lanes (ListActionExecutions filtered by
//! pipelineExecutionId; User Guide, "Set or change the pipeline execution mode").

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_s3::primitives::ByteStream;
use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pipewatch::app::{Driver, Running};
use pipewatch::config::{Config, Intervals};
use pipewatch::model::snapshot::Status;
use pipewatch::model::{Connection, Model};
use pipewatch::msg::Msg;
use pipewatch::sandbox::Options;
use pipewatch::update::{self, Effect};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::harness::{self, Env};

pub(crate) const SLOW: &str = "version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 10\n";

/// The monitor without a terminal: the model, the real driver, the channel.
pub(crate) struct App {
    pub model: Model,
    driver: Running,
    rx: UnboundedReceiver<Msg>,
}

impl App {
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
        let mut app = App { model, driver, rx };
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
        }
    }

    pub fn press(&mut self, code: KeyCode) {
        self.apply(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    /// Applies worker messages until `done` holds for the model.
    pub async fn until(&mut self, what: &str, done: impl Fn(&Model) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while !done(&self.model) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}; notice: {:?}",
                self.model.session.notice
            );
            match tokio::time::timeout(Duration::from_millis(200), self.rx.recv()).await {
                Ok(Some(msg)) => self.apply(msg),
                Ok(None) => panic!("driver channel closed"),
                Err(_) => self.apply(Msg::Tick),
            }
        }
    }

    /// The 80x24 screen drawn from the model, as text.
    pub fn screen(&mut self) -> String {
        self.apply(Msg::Resize(80, 24));
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal.draw(|f| pipewatch::ui::render(&self.model, f)).unwrap();
        let buf = terminal.backend().buffer();
        (0..24).map(|y| (0..80).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n").collect()
    }
}

/// A sandbox with the two-stage pipeline `v2` in `mode`, its build slow.
pub(crate) async fn sandbox(mode: &str, spec: &str) -> (Env, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    std::fs::write(&path, harness::two_stage_pipeline("v2", mode, "v2-slow", spec, None)).unwrap();
    (harness::start_with(Options { config: Some(path), ..Options::ephemeral() }).await, dir)
}

pub(crate) async fn upload(env: &Env, n: usize) {
    let zip = harness::zip_of(&[("n.txt", &n.to_string())]);
    env.s3().put_object().bucket("v2-src").key("src.zip").body(ByteStream::from(zip)).send().await.unwrap();
}

fn build_stage(m: &Model) -> Option<&pipewatch::model::snapshot::StageSnapshot> {
    m.session.state.as_ref()?.stages.iter().find(|s| s.name == "Build")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_runs_show_as_a_depth_on_the_arrow_and_the_header_names_the_building_run() {
    let (env, _dir) = sandbox("QUEUED", SLOW).await;
    let mut app = App::start(&env, "v2", false).await;
    upload(&env, 0).await;
    app.until("the first build", |m| build_stage(m).is_some_and(|s| s.latest_execution.is_some())).await;
    upload(&env, 1).await;
    upload(&env, 2).await;
    app.until("two runs queued at Build", |m| build_stage(m).is_some_and(|s| s.v2.queued.len() == 2)).await;
    let building = build_stage(&app.model).and_then(|s| s.latest_execution.clone()).map(|(id, _)| id).unwrap();
    // Select Build (l), as a user looking at the running build does.
    app.press(KeyCode::Char('l'));
    app.until("the executions listed", |m| m.session.executions.iter().any(|e| e.id == building)).await;
    let screen = app.screen();
    assert!(screen.contains("──▶"), "{screen}");
    assert!(screen.contains("q:2"), "the queue depth under the arrow into Build:\n{screen}");
    let short: String = building.chars().take(8).collect();
    assert!(screen.contains(&format!("exec {short}")), "the header names the building run {short}:\n{screen}");
    // No lanes outside PARALLEL mode.
    assert!(app.model.session.lanes.is_empty() && !screen.contains("parallel"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_runs_show_one_lane_each() {
    let (env, _dir) = sandbox("PARALLEL", SLOW).await;
    let mut app = App::start(&env, "v2", false).await;
    upload(&env, 0).await;
    app.until("the first build", |m| build_stage(m).is_some_and(|s| s.latest_execution.is_some())).await;
    upload(&env, 1).await;
    app.until("two lanes building", |m| {
        m.session.lanes.len() == 2 && m.session.lanes.iter().all(|l| l.actions.iter().any(|a| a.stage == "Build"))
    })
    .await;
    let screen = app.screen();
    assert!(screen.contains("parallel · 2 in progress"), "{screen}");
    for lane in &app.model.session.lanes {
        let short: String = lane.execution_id.chars().take(8).collect();
        let row = screen
            .lines()
            .find(|l| l.contains(&short) && !l.contains("exec "))
            .unwrap_or_else(|| panic!("a lane for {short}:\n{screen}"));
        assert!(row.contains("Build · Build"), "the lane names the action it is at: {row}");
        // The lane's actions are its own execution's only.
        assert!(lane.actions.iter().all(|a| a.pipeline_execution_id == lane.execution_id));
    }
    // Once both finish, the lanes go (one run or none needs no lanes).
    app.until("the lanes to clear", |m| m.session.lanes.is_empty()).await;
    assert!(!app.screen().contains("parallel ·"));
}

fn deploy_stage(m: &Model) -> Option<&pipewatch::model::snapshot::StageSnapshot> {
    m.session.state.as_ref()?.stages.iter().find(|s| s.name == "Deploy")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_automatic_rollback_is_marked_on_the_stage_and_in_the_history() {
    use crate::sandbox_v2_rollback::{DEPLOY, config, start, upload};
    let (env, _dir) = start(config("rb", DEPLOY, serde_json::json!({ "result": "ROLLBACK" }))).await;
    let mut app = App::start(&env, "rb", false).await;
    upload(&env, "rb", "good").await;
    app.until("the good run", |m| m.session.executions.first().is_some_and(|e| e.status == Status::Succeeded)).await;
    let good = app.model.session.executions[0].id.clone();
    upload(&env, "rb", "bad").await;
    app.until("the rollback to succeed in Deploy", |m| {
        deploy_stage(m)
            .is_some_and(|s| s.v2.rollback && s.latest_execution.as_ref().is_some_and(|l| l.1 == Status::Succeeded))
    })
    .await;
    let screen = app.screen();
    assert!(screen.contains("Deploy ↺ rollback"), "{screen}");
    app.until("the rollback listed", |m| m.session.executions.first().is_some_and(|e| e.v2.rollback)).await;
    app.press(KeyCode::Char('e'));
    let screen = app.screen();
    let short: String = good.chars().take(8).collect();
    assert!(screen.contains(&format!("↺ {short}")), "the history names the rollback's target:\n{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_automatic_retry_shows_its_attempt_on_the_stage() {
    use crate::sandbox_v2_rollback::{config, start, upload};
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("attempted");
    let spec = format!(
        "version: 0.2\nphases:\n  build:\n    commands:\n      - if [ ! -f {m} ]; then touch {m}; exit 5; fi\n      - sleep 2\n",
        m = m.display()
    );
    let retry = serde_json::json!({ "result": "RETRY", "retryConfiguration": { "retryMode": "ALL_ACTIONS" } });
    let (env, _cfg) = start(config("rt", &spec, retry)).await;
    let mut app = App::start(&env, "rt", false).await;
    upload(&env, "rt", "any").await;
    app.until("the retried stage", |m| deploy_stage(m).is_some_and(|s| s.v2.retries.0 == 1)).await;
    let screen = app.screen();
    assert!(screen.contains("Deploy ↻ retry 1"), "{screen}");
}
