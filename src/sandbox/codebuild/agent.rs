//! The CodeBuild agent's log shipping: lines a build prints are buffered and
//! shipped to CloudWatch Logs in batches, each line readable a random delay
//! (`Realism::ingest_delay`) after it was printed. Events keep their print
//! time as timestamp; ingestionTime is the time of shipping. Nothing is
//! shipped before the stream exists (it is created when PROVISIONING ends).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::RngExt;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::logtarget::LogTarget;
use crate::sandbox::{Shared, lock};

/// PutLogEvents' batch limits: 10,000 events, 1,048,576 bytes counting each
/// event as its message plus 26 bytes (CloudWatch Logs API Reference).
const BATCH_EVENTS: usize = 10_000;
const BATCH_BYTES: usize = 1_048_576;
const EVENT_OVERHEAD: usize = 26;

struct Line {
    printed: Instant,
    timestamp: i64,
    message: String,
}

#[derive(Default)]
struct State {
    pending: VecDeque<Line>,
    /// When the stream was created; None before.
    ready: Option<Instant>,
    finished: bool,
    /// Every line, for the S3 copy of the log.
    copy: Vec<String>,
}

pub struct Agent {
    shared: Arc<Shared>,
    target: LogTarget,
    delay: (Duration, Duration),
    state: Mutex<State>,
    wake: Notify,
}

impl Agent {
    /// Starts the shipper when the build logs to CloudWatch with a delay.
    pub fn start(shared: Arc<Shared>, target: LogTarget) -> Arc<Agent> {
        let delay = shared.realism.ingest_delay;
        let agent = Arc::new(Agent { shared, target, delay, state: Mutex::new(State::default()), wake: Notify::new() });
        if agent.target.cloudwatch && !agent.instant() {
            tokio::spawn(ship(agent.clone()));
        }
        agent
    }

    fn instant(&self) -> bool {
        self.delay.1.is_zero()
    }

    pub fn print(&self, timestamp: i64, message: String) {
        let mut st = lock(&self.state);
        if self.target.s3.is_some() {
            st.copy.push(message.clone());
        }
        if !self.target.cloudwatch {
            return;
        }
        st.pending.push_back(Line { printed: Instant::now(), timestamp, message });
        if self.instant() {
            self.flush(&mut st);
        }
        drop(st);
        self.wake.notify_one();
    }

    /// The stream exists now: buffered lines may be shipped.
    pub fn stream_created(&self) {
        let mut st = lock(&self.state);
        st.ready = Some(Instant::now());
        if self.instant() {
            self.flush(&mut st);
        }
        drop(st);
        self.wake.notify_one();
    }

    /// The build has ended: the shipper stops once it has shipped the rest.
    /// Returns every line printed, for the S3 log.
    pub fn finish(&self) -> Vec<String> {
        let mut st = lock(&self.state);
        st.finished = true;
        let copy = std::mem::take(&mut st.copy);
        drop(st);
        self.wake.notify_one();
        copy
    }

    /// Instant mode: everything buffered goes out now, if the stream exists.
    fn flush(&self, st: &mut State) {
        if st.ready.is_some() {
            let lines: Vec<Line> = st.pending.drain(..).collect();
            self.put(lines);
        }
    }

    /// Appends lines to the stream in PutLogEvents-sized batches.
    fn put(&self, lines: Vec<Line>) {
        let mut regions = lock(&self.shared.logs);
        let logs = regions.region(&self.target.region);
        let (mut batch, mut bytes) = (Vec::new(), 0);
        for line in lines {
            let size = line.message.len() + EVENT_OVERHEAD;
            if batch.len() == BATCH_EVENTS || (!batch.is_empty() && bytes + size > BATCH_BYTES) {
                logs.append(&self.target.group, &self.target.stream, std::mem::take(&mut batch));
                bytes = 0;
            }
            bytes += size;
            batch.push((line.timestamp, line.message));
        }
        if !batch.is_empty() {
            logs.append(&self.target.group, &self.target.stream, batch);
        }
    }

    /// The oldest line waiting and when the stream appeared, once both exist;
    /// None when there is nothing left to do.
    async fn next_work(&self) -> Option<(Instant, Instant)> {
        loop {
            {
                let st = lock(&self.state);
                match (st.pending.front(), st.ready) {
                    (Some(line), Some(ready)) => return Some((line.printed, ready)),
                    // Lines printed when the stream never came are lost, as a
                    // build stopped before it was provisioned has no log.
                    _ if st.finished => return None,
                    _ => {}
                }
            }
            self.wake.notified().await;
        }
    }
}

/// Ships batches until the build has ended and everything is out. The oldest
/// line waiting gets a random delay in the range; the batch sent then holds
/// every line at least the minimum delay old, so each line is readable
/// between the minimum and the maximum delay after it was printed.
async fn ship(agent: Arc<Agent>) {
    let (min, max) = agent.delay;
    while let Some((oldest, ready)) = agent.next_work().await {
        let delay = if max > min { rand::rng().random_range(min..=max) } else { max };
        tokio::time::sleep_until((oldest + delay).max(ready + min)).await;
        let cutoff = Instant::now().checked_sub(min).unwrap_or(oldest).max(oldest);
        let lines: Vec<Line> = {
            let mut st = lock(&agent.state);
            let n = st.pending.iter().take_while(|l| l.printed <= cutoff).count();
            st.pending.drain(..n).collect()
        };
        agent.put(lines);
    }
}
