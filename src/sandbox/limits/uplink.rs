//! `--chaos bandwidth=2MiB/s`: one uplink shared by every upload, so request
//! bodies of PutObject and UploadPart are read no faster than a slow link
//! would deliver them (a 100 MB push then takes about 50 s). Reading slowly
//! makes TCP push back, so the client sees its upload crawl.

use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Uplink {
    bytes_per_sec: f64,
    /// When the link is free again: reservations queue one after another.
    free_at: Mutex<Instant>,
}

impl Uplink {
    pub fn new(bytes_per_sec: u64) -> Self {
        Self { bytes_per_sec: bytes_per_sec.max(1) as f64, free_at: Mutex::new(Instant::now()) }
    }

    /// Waits until `len` bytes would have crossed the link.
    pub async fn carry(&self, len: usize) {
        let until = {
            let mut free_at = crate::sandbox::lock(&self.free_at);
            // An idle link saves up no credit: a burst after a pause is paced too.
            let start = (*free_at).max(Instant::now());
            *free_at = start + Duration::from_secs_f64(len as f64 / self.bytes_per_sec);
            *free_at
        };
        tokio::time::sleep_until(until.into()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bytes_take_as_long_as_the_link_needs() {
        let link = Uplink::new(1000);
        let t = Instant::now();
        for _ in 0..4 {
            link.carry(100).await;
        }
        assert!(t.elapsed() >= Duration::from_millis(390), "{:?}", t.elapsed());
    }
}
