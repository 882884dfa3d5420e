//! The package's PutObject: no total time limit (a single PUT may carry
//! 5 GB over a slow link), but abandoned when no byte has moved for the
//! stall timeout. The progress counts a chunk only once the HTTP client asks
//! for the next one, i.e. once it has been written out, not merely read
//! from disk.

use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::primitives::ByteStream;
use bytes::Bytes;
use futures_util::Stream;
use http_body::{Frame, SizeHint};
use tokio::time::Instant;
use tokio_util::io::ReaderStream;

use super::push::{ByteProgress, SHA_METADATA, SUMMARY_METADATA, Upload, put_failure};
use super::{AwsClients, lock};
use crate::msg::{ApiFailure, FailureKind};

/// An upload that moves no byte for this long is abandoned.
pub const STALL_TIMEOUT: Duration = Duration::from_secs(60);
/// Small enough that the bar moves smoothly and the count runs at most one
/// chunk ahead of the socket.
const CHUNK: usize = 64 << 10;

/// The client-wide read (20 s) and attempt (30 s) timeouts would end any
/// upload longer than that: the upload alone has none, the stall watch
/// stands in for them. Connecting still has its limit.
fn upload_timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .disable_read_timeout()
        .disable_operation_attempt_timeout()
        .disable_operation_timeout()
        .build()
}

impl AwsClients {
    /// One PutObject streamed from disk; returns the new VersionId.
    pub async fn put_package(&self, upload: &Upload, progress: ByteProgress) -> Result<Option<String>, ApiFailure> {
        let motion = Arc::new(Motion::new());
        let body =
            ProgressBody::open(&upload.path, upload.size, progress, motion.clone()).await.map_err(|e| ApiFailure {
                api: "s3:PutObject".into(),
                kind: FailureKind::Service,
                message: format!("reading the package {}: {e}", upload.path.display()),
                retry_in_secs: None,
            })?;
        let send = self
            .s3
            .put_object()
            .bucket(&upload.bucket)
            .key(&upload.key)
            .content_type("application/zip")
            .content_length(i64::try_from(upload.size).unwrap_or(i64::MAX))
            .metadata(SHA_METADATA, &upload.sha256)
            .metadata(SUMMARY_METADATA, &upload.summary)
            .body(ByteStream::from_body_1_x(body))
            .customize()
            .config_override(aws_sdk_s3::config::Builder::default().timeout_config(upload_timeouts()))
            .send();
        tokio::select! {
            out = send => {
                let out = out.map_err(|e| put_failure(&self.region, &upload.bucket, &upload.key, &e))?;
                Ok(out.version_id().map(str::to_string))
            }
            () = motion.stalled(upload.stall_timeout) => Err(stall_failure(upload, motion.sent())),
        }
    }
}

fn stall_failure(upload: &Upload, sent: u64) -> ApiFailure {
    ApiFailure {
        api: "s3:PutObject".into(),
        kind: FailureKind::Offline,
        message: format!(
            "the upload to s3://{}/{} stalled: no bytes moved for {} s ({sent} of {} bytes sent), so it was abandoned; S3 kept no half-written object: the previous version is unchanged. Push again once the network is back",
            upload.bucket,
            upload.key,
            upload.stall_timeout.as_secs(),
            upload.size
        ),
        retry_in_secs: None,
    }
}

/// Bytes written out so far and when the last ones went.
struct Motion {
    sent: AtomicU64,
    last: Mutex<Instant>,
}

impl Motion {
    fn new() -> Self {
        Self { sent: AtomicU64::new(0), last: Mutex::new(Instant::now()) }
    }

    fn moved(&self, n: u64) -> u64 {
        *lock(&self.last) = Instant::now();
        self.sent.fetch_add(n, Ordering::SeqCst) + n
    }

    fn sent(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }

    /// Resolves once nothing has moved for `limit`.
    async fn stalled(&self, limit: Duration) {
        loop {
            let last = *lock(&self.last);
            if last.elapsed() >= limit {
                return;
            }
            tokio::time::sleep_until(last + limit).await;
        }
    }
}

/// A file as an HTTP body of known length that reports the bytes written out.
struct ProgressBody {
    stream: ReaderStream<tokio::fs::File>,
    remaining: u64,
    /// The chunk handed out last: counted when the client asks again.
    handed: u64,
    progress: ByteProgress,
    motion: Arc<Motion>,
}

impl ProgressBody {
    async fn open(path: &Path, size: u64, progress: ByteProgress, motion: Arc<Motion>) -> std::io::Result<Self> {
        let file = tokio::fs::File::open(path).await?;
        Ok(Self { stream: ReaderStream::with_capacity(file, CHUNK), remaining: size, handed: 0, progress, motion })
    }

    /// The client asked again: the chunk before has gone out.
    fn credit_handed(&mut self) {
        if self.handed > 0 {
            let sent = self.motion.moved(std::mem::take(&mut self.handed));
            (self.progress)(sent);
        }
    }
}

impl http_body::Body for ProgressBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        this.credit_handed();
        match Pin::new(&mut this.stream).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                let n = chunk.len() as u64;
                this.handed = n;
                this.remaining = this.remaining.saturating_sub(n);
                Poll::Ready(Some(Ok(Frame::data(chunk))))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        // Not while a chunk waits to be counted: the client polls once more.
        self.remaining == 0 && self.handed == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}
