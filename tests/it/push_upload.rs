//! Long and stalled uploads: no total time limit on the PutObject, but an
//! upload that moves no bytes for the stall timeout is abandoned with a
//! clear line, and the progress never claims bytes that did not go out.
//! Documents: Amazon S3 User Guide, "Uploading objects" (a single PUT
//! uploads up to 5 GB); Amazon S3 API Reference, PutObject.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use pipewatch::aws;
use pipewatch::msg::Msg;
use pipewatch::workers::PushDriver;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::harness::{self, PIPELINE, pipewatch, stderr};

const SPEC: &str =
    "version: 0.2\nphases:\n  build:\n    commands:\n      - echo big\nartifacts:\n  files:\n    - '**/*'\n";

/// A workspace whose zip is about `mib` MiB: random bytes do not compress.
fn big_workspace(mib: usize) -> tempfile::TempDir {
    use rand::RngExt;
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("model")).expect("model dir");
    std::fs::write(dir.path().join("model/buildspec.yml"), SPEC).expect("buildspec");
    let mut data = vec![0u8; mib << 20];
    rand::rng().fill(&mut data[..]);
    std::fs::write(dir.path().join("weights.bin"), data).expect("weights");
    dir
}

/// Forwards to `upstream`, except that a connection carrying a PUT of the
/// source object stops being read from: the peer's writes pile up in the
/// socket buffers and then block, as behind a dead link.
async fn stalling_proxy(upstream: std::net::SocketAddr, stalled: Arc<AtomicBool>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let stalled = stalled.clone();
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(upstream).await else { return };
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut sr, &mut cw).await;
                });
                let mut buf = vec![0u8; 16 << 10];
                loop {
                    let Ok(n) = cr.read(&mut buf).await else { return };
                    if n == 0 {
                        return;
                    }
                    if buf[..n].windows(26).any(|w| w == b"PUT /pipewatch-demo-source") {
                        stalled.store(true, Ordering::SeqCst);
                        // Keep the connection open and never read again.
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        return;
                    }
                    if sw.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

async fn next(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>) -> Msg {
    let msg = tokio::time::timeout(Duration::from_secs(60), rx.recv()).await;
    msg.expect("an answer within 60 s").expect("channel open")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_upload_is_abandoned_with_a_clear_line_and_an_honest_gauge() {
    let env = harness::start().await;
    let stalled = Arc::new(AtomicBool::new(false));
    let endpoint = stalling_proxy(env.sandbox.addr, stalled.clone()).await;
    let c = env.sandbox.credentials();
    let clients = Arc::new(aws::for_endpoint(&endpoint, &c.access_key_id, &c.secret_access_key, "us-east-1").await);
    let ws = big_workspace(32);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut driver =
        PushDriver::new(clients, tx, Some(ws.path().to_path_buf())).with_stall_timeout(Duration::from_secs(3));
    driver.plan(PIPELINE, None);
    let Msg::PushPlanned(Ok(view)) = next(&mut rx).await else { panic!("a plan") };
    driver.execute();
    let started = tokio::time::Instant::now();
    let mut last_sent = 0;
    let text = loop {
        match next(&mut rx).await {
            Msg::PushProgress { sent, total } => {
                assert!(sent >= last_sent && total == view.zip_bytes);
                last_sent = sent;
            }
            Msg::PushFailed(text) => break text,
            other => panic!("the upload cannot succeed: {other:?}"),
        }
    };
    assert!(stalled.load(Ordering::SeqCst), "the proxy saw the PUT");
    assert!(text.contains("stalled: no bytes moved for 3 s"), "{text}");
    assert!(text.contains("previous version is unchanged"), "{text}");
    assert!(!text.contains('\n'), "{text}");
    // Abandoned soon after the stall, not after a total timeout.
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
    // The gauge counts what went out: never the whole package; the failure
    // names the final count (the gauge shows at most one update per 100 ms).
    let named: u64 = text
        .split(" of ")
        .next()
        .and_then(|head| head.rsplit('(').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a byte count: {text}"));
    assert!(last_sent <= named && named < view.zip_bytes, "gauge {last_sent}, named {named}, of {}", view.zip_bytes);
}

/// A push slower than the client-wide 20 s read and 30 s attempt timeouts
/// still completes: ~70 MiB at the sandbox's 2 MiB/s upload limit.
#[tokio::test]
async fn a_push_longer_than_every_client_timeout_completes() {
    let opts = pipewatch::sandbox::Options {
        chaos: Some("bandwidth=2MiB/s".parse().expect("the documented bandwidth spec")),
        ..pipewatch::sandbox::Options::ephemeral()
    };
    let env = harness::start_with(opts).await;
    let ws = big_workspace(70);
    let out =
        pipewatch(["push", "--pipeline", PIPELINE, "--yes", "--workspace"]).arg(ws.path()).sandbox(&env).output().await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let secs: f64 = err
        .split(" in ")
        .nth(1)
        .and_then(|rest| rest.split(" s,").next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("a 'pushed … in N s' line: {err}"));
    assert!(secs > 30.0, "the upload outlasted the 30 s attempt timeout: {secs} s");
}
