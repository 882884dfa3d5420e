//! The monitor driven against the sandbox without a terminal, and the
//! normalised frames the screenshots are made of (see screenshots.rs's
//! header). Shared by the example and the test that checks the shots.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pipewatch::app::{Driver, FleetSetup, Running};
use pipewatch::aws::{self, AwsClients};
use pipewatch::config::Config;
use pipewatch::config::Intervals;
use pipewatch::model::fleet::Latest;
use pipewatch::model::inbox::{Approval, Target};
use pipewatch::model::logs::LogLine;
use pipewatch::model::push::PushDialog;
use pipewatch::model::snapshot::Status;
use pipewatch::model::{Connection, Modal, Model};
use pipewatch::msg::Msg;
use pipewatch::sandbox::Sandbox;
use pipewatch::update::{self, Effect};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use tokio::sync::mpsc::UnboundedReceiver;

use super::raster;

pub const PIPELINE: &str = "mlops-demo";
/// What every shot's clock says.
const SHOT_TIME: (i32, u32, u32, u32, u32, u32) = (2026, 3, 2, 9, 41, 0);
/// The endpoint shown instead of the ephemeral port.
const SHOWN_ENDPOINT: &str = "http://127.0.0.1:4599";

/// A buildspec that fails in BUILD with a readable error (the failed shot).
const FAILING_BUILDSPEC: &str = r#"version: 0.2
env:
  variables:
    EPOCHS: "3"
phases:
  install:
    commands:
      - python3 --version
  pre_build:
    commands:
      - 'echo "Training data: 3 files (train, validation, baseline)"'
  build:
    commands:
      - python3 train.py
"#;

const FAILING_TRAIN: &str = r#"import sys, time
print("loading data/train.csv")
for epoch in range(1, 4):
    time.sleep(0.5)
    print(f"epoch {epoch}/3  loss={1.0 / epoch:.4f}  val_accuracy={0.6 + epoch * 0.05:.3f}")
print("comparing with data/baseline.csv")
print("ERROR: validation accuracy 0.750 is below the baseline's 0.820", file=sys.stderr)
sys.exit(3)
"#;

/// The failed shot's state: a workspace whose training fails in BUILD, run
/// until the build and its stage have failed and the log's last page is in.
/// Keep all three alive while shooting.
pub async fn failed_build() -> (App, Sandbox, tempfile::TempDir) {
    let failing = tempfile::tempdir().expect("temp dir");
    write_failing_workspace(failing.path());
    let (sandbox, clients) = aws::start_sandbox_session(failing.path()).await.expect("sandbox starts");
    let mut app = App::start(clients, Some(failing.path().to_path_buf()));
    app.scrub.push((failing.path().display().to_string(), "~/src/mlops-demo".into()));
    app.run_until("the failed build", Duration::from_secs(120), |m| {
        let failed = m.session.build.snapshot.as_ref().is_some_and(|b| b.complete && b.status == Status::Failed);
        let stage_failed = m.session.state.as_ref().is_some_and(|s| {
            s.stages.iter().any(|st| st.latest_execution.as_ref().is_some_and(|(_, s)| *s == Status::Failed))
        });
        failed && stage_failed
    })
    .await;
    // The log tailer's last page and the phase medians arrive after the build ends.
    app.run_for(Duration::from_secs(4)).await;
    (app, sandbox, failing)
}

pub fn write_failing_workspace(dir: &Path) {
    std::fs::create_dir_all(dir.join("data")).expect("mkdir");
    std::fs::create_dir_all(dir.join("model")).expect("mkdir");
    // At the root and under model/: whichever the sandbox's project reads.
    std::fs::write(dir.join("buildspec.yml"), FAILING_BUILDSPEC).expect("write");
    std::fs::write(dir.join("model/buildspec.yml"), FAILING_BUILDSPEC).expect("write");
    std::fs::write(dir.join("train.py"), FAILING_TRAIN).expect("write");
    std::fs::write(dir.join("data/train.csv"), "x,y\n1,0\n2,1\n").expect("write");
}

/// The monitor minus the terminal: the same workers, push driver and update.
pub struct App {
    /// The monitor's own driver (workers, push, control requests).
    driver: Running,
    rx: UnboundedReceiver<Msg>,
    pub model: Model,
    /// (volatile text, stand-in) pairs replaced in every shown string.
    pub scrub: Vec<(String, String)>,
}

impl App {
    pub fn start(clients: AwsClients, workspace: Option<PathBuf>) -> Self {
        Self::start_on(clients, workspace, PIPELINE)
    }

    /// The monitor watching `pipeline`.
    pub fn start_on(clients: AwsClients, workspace: Option<PathBuf>, pipeline: &str) -> Self {
        Self::launch(clients, workspace, Some(pipeline), None)
    }

    /// The monitor on a fleet's list (as `--fleet`), its places polled with
    /// the clients in `setup`; `clients` is the first connection.
    pub fn start_fleet(clients: AwsClients, setup: FleetSetup) -> Self {
        Self::launch(clients, None, None, Some(setup))
    }

    fn launch(
        clients: AwsClients,
        workspace: Option<PathBuf>,
        pipeline: Option<&str>,
        fleet: Option<FleetSetup>,
    ) -> Self {
        let connection = Connection {
            account: None,
            region: clients.region.clone(),
            profile: clients.profile.clone(),
            endpoint: clients.endpoint.clone(),
        };
        let mut scrub = vec![(env!("CARGO_MANIFEST_DIR").to_string() + "/", String::new())];
        if let Some(e) = &clients.endpoint {
            scrub.push((e.trim_start_matches("http://").into(), SHOWN_ENDPOINT.trim_start_matches("http://").into()));
        }
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let mut driver = Running::new(Arc::new(clients), tx.clone(), workspace, Intervals::default());
        let mut model = Model::new(Config::default(), connection, pipeline.map(String::from), Utc::now());
        model.fleet = fleet.map(|setup| driver.start_fleet(setup, tx));
        model.size = (120, 40);
        let mut app = App { driver, rx, model, scrub };
        for effect in update::init(&app.model) {
            app.run_effect(&effect);
        }
        app
    }

    /// Effects go to the app's driver, except those that write to this
    /// process's terminal (title, bell, clipboard).
    fn run_effect(&mut self, effect: &Effect) {
        match effect {
            Effect::Quit | Effect::Copy(_) | Effect::Notify(_) | Effect::SetTitle(_) => {}
            other => self.driver.run(other),
        }
    }

    fn handle(&mut self, msg: Msg) {
        self.model.now = Utc::now();
        for effect in update::update(&mut self.model, msg) {
            self.run_effect(&effect);
        }
    }

    pub fn key(&mut self, code: KeyCode) {
        self.handle(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    /// Feeds Msgs (and a Tick each idle half second) until `done` holds.
    pub async fn run_until(&mut self, what: &str, timeout: Duration, done: impl Fn(&Model) -> bool) {
        let deadline = tokio::time::Instant::now() + timeout;
        while !done(&self.model) {
            assert!(tokio::time::Instant::now() < deadline, "timed out after {timeout:?} waiting for {what}");
            self.step().await;
        }
    }

    pub async fn run_for(&mut self, time: Duration) {
        let end = tokio::time::Instant::now() + time;
        while tokio::time::Instant::now() < end {
            self.step().await;
        }
    }

    async fn step(&mut self) {
        let msg = match tokio::time::timeout(Duration::from_millis(500), self.rx.recv()).await {
            Ok(Some(msg)) => msg,
            Ok(None) => panic!("the workers' channel closed"),
            Err(_) => Msg::Tick,
        };
        self.handle(msg);
    }

    /// The normalised model drawn at `cols × rows`.
    pub fn frame(&self, cols: u16, rows: u16) -> Buffer {
        let mut model = normalise(&self.model, &self.scrub);
        let _ = update::update(&mut model, Msg::Resize(cols, rows));
        let mut terminal = Terminal::new(TestBackend::new(cols, rows)).expect("test terminal");
        terminal.draw(|f| pipewatch::ui::render(&model, f)).expect("draw");
        terminal.backend().buffer().clone()
    }

    /// Writes the frame to `dir/NAME-COLSxROWS.{png,txt}`.
    pub fn shoot(&self, dir: &Path, name: &str, cols: u16, rows: u16) {
        let buf = self.frame(cols, rows);
        let stem = format!("{name}-{cols}x{rows}");
        std::fs::write(dir.join(format!("{stem}.txt")), raster::text(&buf)).expect("write txt");
        std::fs::write(dir.join(format!("{stem}.png")), raster::render(&buf).encode_png()).expect("write png");
        println!("{stem}: done");
    }
}

fn shot_time() -> DateTime<Utc> {
    let (y, mo, d, h, mi, s) = SHOT_TIME;
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).single().expect("a valid fixed time")
}

/// The S3 version id and build uuid shown.
const SHOWN_VERSION: &str = "v7Lq2xW9pN3kR8sT4bY6mZ1cD5fH0jAe";
const SHOWN_BUILD: &str = "0b8e4f52-6c1d-4a97-b3e2-7f90c8d1a645";

/// Stand-in ids, the same for every run: the n-th distinct id seen gets the n-th.
#[derive(Default)]
struct Ids(HashMap<String, String>);

impl Ids {
    fn execution(&mut self, id: &str) -> String {
        let n = self.0.len() + 1;
        self.0.entry(id.to_string()).or_insert_with(|| format!("3f9c2a{n:02}-7d41-4e8b-9a0c-5b6e1d2f8c{n:02}")).clone()
    }
}

/// The model with a fixed clock, fixed ids and no local paths (see the header).
pub fn normalise(m: &Model, scrub: &[(String, String)]) -> Model {
    let mut m = m.clone();
    let shift = shot_time() - m.now;
    let t = |t: &mut Option<DateTime<Utc>>| *t = t.map(|t| t + shift);
    let mut ids = Ids::default();
    // Ids also appear inside text (log lines, summaries): collect them all first.
    let mut scrub = scrub.to_vec();
    for e in m.session.executions.iter().chain(m.session.list.items.iter().filter_map(|p| p.latest.as_ref())) {
        scrub.push((e.id.clone(), ids.execution(&e.id)));
        for r in e.source_revisions.iter().filter_map(|r| r.revision_id.as_ref()) {
            scrub.push((r.clone(), SHOWN_VERSION.into()));
        }
    }
    let stage_ids = m.session.state.iter().flat_map(|st| &st.stages).filter_map(|st| st.latest_execution.as_ref());
    for (id, _) in stage_ids {
        scrub.push((id.clone(), ids.execution(id)));
    }
    if let Some((_, uuid)) = m.session.build.id.as_deref().and_then(|id| id.split_once(':')) {
        scrub.push((uuid.to_string(), SHOWN_BUILD.into()));
    }
    let s = |text: &str| {
        let text = sandbox_paths(text);
        scrub.iter().fold(text, |acc, (from, to)| acc.replace(from.as_str(), to))
    };

    m.now = shot_time();
    m.drawn_minute = m.now.timestamp() / 60;
    m.session.connection.endpoint = m.session.connection.endpoint.as_ref().map(|_| SHOWN_ENDPOINT.to_string());
    for e in m.session.executions.iter_mut().chain(m.session.list.items.iter_mut().filter_map(|p| p.latest.as_mut())) {
        e.id = s(&e.id);
        t(&mut e.start);
        t(&mut e.last_update);
        for r in &mut e.source_revisions {
            r.revision_id = r.revision_id.as_deref().map(s);
            r.summary = r.summary.as_deref().map(s);
        }
    }
    for p in &mut m.session.list.items {
        t(&mut p.updated);
    }
    if let Some(state) = &mut m.session.state {
        for stage in &mut state.stages {
            if let Some((id, _)) = &mut stage.latest_execution {
                *id = s(id);
            }
            stage.inbound_execution = stage.inbound_execution.as_deref().map(s);
            for a in &mut stage.actions {
                t(&mut a.last_change);
                a.external_id = a.external_id.as_deref().map(s);
                a.summary = a.summary.as_deref().map(s);
                a.error = a.error.as_deref().map(s);
            }
        }
    }
    // The details view (`d`) names the source's summary (the workspace path) and the ids.
    if let Some(d) = &mut m.session.details.data {
        d.execution_id = s(&d.execution_id);
        for r in &mut d.revisions {
            r.revision_id = r.revision_id.as_deref().map(s);
            r.summary = r.summary.as_deref().map(s);
        }
        if let Some(b) = &mut d.build {
            b.id = s(&b.id);
        }
    }
    m.session.build.id = m.session.build.id.as_deref().map(s);
    // The reports name their build: the phases pane shows "N of M tests
    // failed" only for the build shown, so both ids get the same stand-in.
    if let Some(tests) = &mut m.session.build.tests {
        tests.build_id = s(&tests.build_id);
        for r in &mut tests.reports {
            r.arn = s(&r.arn);
        }
    }
    if let Some(b) = &mut m.session.build.snapshot {
        b.id = s(&b.id);
        t(&mut b.start);
        t(&mut b.end);
        for p in &mut b.phases {
            t(&mut p.start);
            t(&mut p.end);
            for (_, msg) in &mut p.contexts {
                *msg = s(msg);
            }
        }
    }
    if let Modal::Push(PushDialog::Confirm(plan)) = &mut m.modal {
        plan.workspace = s(&plan.workspace);
        plan.unchanged = plan.unchanged.as_deref().map(s);
        for (_, f) in &mut plan.findings {
            *f = s(f);
        }
    }
    let lines: Vec<LogLine> =
        (m.logs.buffer.first_seq()..m.logs.buffer.end_seq()).filter_map(|q| m.logs.buffer.get(q).cloned()).collect();
    m.logs.buffer.clear();
    for mut line in lines {
        let text = container_time(&s(&line.line.text), shift);
        if text != line.line.text {
            // The colour runs index the old text.
            line.line.text = text;
            line.line.runs.clear();
        }
        line.timestamp_ms += shift.num_milliseconds();
        m.logs.buffer.push(line);
    }
    fleet_times(&mut m, shift);
    inbox_times(&mut m, shift, &mut ids);
    m.dirty = true;
    m
}

/// Fleet rows' latest runs moved with the clock (their ages stay).
fn fleet_times(m: &mut Model, shift: chrono::TimeDelta) {
    let Some(f) = &mut m.fleet else { return };
    for row in f.rows().to_vec() {
        if let Latest::Run { id, status, waiting_approval, at } = row.latest {
            f.latest(&row.key, Latest::Run { id, status, waiting_approval, at: at.map(|t| t + shift) });
        }
    }
}

/// The inbox's approvals: waiting since a moved time, in a stand-in execution.
fn inbox_times(m: &mut Model, shift: chrono::TimeDelta, ids: &mut Ids) {
    let mut by_target: Vec<(Target, Vec<Approval>)> = Vec::new();
    for row in m.inbox.rows() {
        let mut a = row.approval;
        a.since = a.since.map(|t| t + shift);
        a.execution_id = a.execution_id.as_deref().map(|id| ids.execution(id));
        a.token = "token".into();
        match by_target.iter_mut().find(|(t, _)| *t == row.target) {
            Some((_, list)) => list.push(a),
            None => by_target.push((row.target, vec![a])),
        }
    }
    for (target, list) in by_target {
        m.inbox.record(target, Ok(list));
    }
}

/// The sandbox's build directory (`$TMP/pipewatch-sandbox-XXXX/builds/<uuid>`)
/// shown as CodeBuild's own `/codebuild/output`.
fn sandbox_paths(text: &str) -> String {
    const MARK: &str = "/pipewatch-sandbox-";
    let tmp = std::env::temp_dir().display().to_string();
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(MARK) {
        let before = &rest[..i];
        let prefix = before.rfind(tmp.trim_end_matches('/')).unwrap_or(i);
        let after = &rest[i + MARK.len()..];
        // The dir's random suffix, then /builds/<36-char uuid>.
        let end = after.find('/').unwrap_or(after.len());
        let mut tail = &after[end..];
        if let Some(t) = tail.strip_prefix("/builds/") {
            tail = t.get(36..).unwrap_or("");
        }
        out.push_str(&before[..prefix]);
        out.push_str("/codebuild/output");
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// CodeBuild's `[Container] 2026/03/02 09:40:12.123456 ` prefix moved with the clock.
fn container_time(text: &str, shift: chrono::TimeDelta) -> String {
    const FORMAT: &str = "%Y/%m/%d %H:%M:%S%.6f";
    let Some(rest) = text.strip_prefix("[Container] ") else { return text.to_string() };
    let Some(stamp) = rest.get(..26) else { return text.to_string() };
    match chrono::NaiveDateTime::parse_from_str(stamp, FORMAT) {
        Ok(t) => format!("[Container] {}{}", (t + shift).format(FORMAT), &rest[26..]),
        Err(_) => text.to_string(),
    }
}
