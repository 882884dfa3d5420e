//! Multipart uploads in the store: parts are files under `root/data` until the
//! upload is completed (they are concatenated into a new version) or aborted.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use tempfile::TempPath;

use super::body::Received;
use super::checksum::{Algorithm, Checksum};
use super::store::{Garbage, ObjectMeta, Store, link_or_copy, new_id, no_upload};
use crate::sandbox::http::ApiError;

pub struct Upload {
    pub bucket: String,
    pub key: String,
    pub initiated: DateTime<Utc>,
    pub meta: ObjectMeta,
    /// `x-amz-checksum-algorithm` of CreateMultipartUpload: SHA-1 and SHA-256
    /// uploads get a composite checksum from their parts'.
    pub algorithm: Option<Algorithm>,
    pub parts: BTreeMap<u32, Part>,
}

/// A part as CompleteMultipartUpload names it.
#[derive(Clone, Debug, PartialEq)]
pub struct Wanted {
    pub number: u32,
    /// Without quotes.
    pub etag: String,
    /// ChecksumCRC32, ChecksumSHA1, ChecksumSHA256 as given.
    pub checksums: Vec<(Algorithm, String)>,
}

/// A completed upload, remembered so that a retried CompleteMultipartUpload
/// gets the same answer (S3 API Reference, CompleteMultipartUpload: "if
/// CompleteMultipartUpload fails, applications should be prepared to retry").
#[derive(Clone, Debug, PartialEq)]
pub struct Completed {
    pub bucket: String,
    pub key: String,
    /// The parts as the completion named them.
    pub parts: Vec<Wanted>,
    pub etag: String,
    pub checksum: Option<Checksum>,
    /// The x-amz-version-id the completion reported, if any.
    pub version_id: Option<String>,
}

/// The most recent completions, oldest dropped first.
#[derive(Default)]
pub struct Completions {
    by_id: HashMap<String, Completed>,
    order: VecDeque<String>,
}

/// How many completions are remembered for retries.
const REMEMBERED: usize = 1000;

pub struct Part {
    /// md5 hex, no quotes.
    pub etag: String,
    pub md5: Vec<u8>,
    pub size: u64,
    /// Base64 digest under the upload's SHA algorithm, if it has one.
    pub checksum: Option<String>,
    pub last_modified: DateTime<Utc>,
    file: String,
}

impl Store {
    pub fn create_upload(
        &mut self,
        bucket: &str,
        key: &str,
        meta: ObjectMeta,
        algorithm: Option<Algorithm>,
    ) -> Result<String, ApiError> {
        self.bucket(bucket)?;
        let id = format!("{}{}", new_id(), new_id());
        let (bucket, key) = (bucket.into(), key.into());
        let upload = Upload { bucket, key, initiated: Utc::now(), meta, algorithm, parts: BTreeMap::new() };
        self.uploads.insert(id.clone(), upload);
        Ok(id)
    }

    pub fn upload(&self, id: &str, bucket: &str, key: &str) -> Result<&Upload, ApiError> {
        self.bucket(bucket)?;
        self.uploads.get(id).filter(|u| u.bucket == bucket && u.key == key).ok_or_else(no_upload)
    }

    pub fn put_part(
        &mut self,
        id: &str,
        bucket: &str,
        key: &str,
        number: u32,
        body: (TempPath, &Received),
    ) -> Result<Garbage, ApiError> {
        let (body, received) = body;
        let algorithm = self.upload(id, bucket, key)?.algorithm;
        let file = new_id();
        let dest = self.data_path(&file);
        body.persist(&dest).map_err(|e| ApiError::new(500, "InternalError", format!("cannot store the part: {e}")))?;
        let part = Part {
            etag: received.md5_hex(),
            md5: received.md5.clone(),
            size: received.size,
            checksum: algorithm.filter(|a| *a != Algorithm::Crc32).and_then(|a| received.digest(a)),
            last_modified: Utc::now(),
            file,
        };
        let old = self.uploads.get_mut(id).and_then(|u| u.parts.insert(number, part));
        Ok(old.map(|p| self.data_path(&p.file)).into_iter().collect())
    }

    /// The parts' bodies, in order, with their md5s: each linked into `dir`
    /// while the caller holds the lock, so a part uploaded again (or an
    /// abort) while CompleteMultipartUpload reads them cannot swap or remove
    /// the bytes whose ETags it checked.
    pub fn snapshot_parts(
        &self,
        upload: &Upload,
        numbers: &[u32],
        dir: &Path,
    ) -> std::io::Result<Vec<(PathBuf, Vec<u8>)>> {
        let mut out = Vec::with_capacity(numbers.len());
        for (n, part) in numbers.iter().filter_map(|n| upload.parts.get(n).map(|p| (n, p))) {
            let copy = dir.join(format!("part-{n}"));
            link_or_copy(&self.data_path(&part.file), &copy)?;
            out.push((copy, part.md5.clone()));
        }
        Ok(out)
    }

    /// Remembers how an upload was completed.
    pub fn record_completion(&mut self, id: &str, done: Completed) {
        let c = &mut self.completed;
        if c.by_id.insert(id.to_string(), done).is_none() {
            c.order.push_back(id.to_string());
        }
        while c.order.len() > REMEMBERED {
            if let Some(old) = c.order.pop_front() {
                c.by_id.remove(&old);
            }
        }
    }

    /// How upload `id` of `bucket`/`key` was completed, if it was.
    pub fn completion(&self, id: &str, bucket: &str, key: &str) -> Option<&Completed> {
        self.completed.by_id.get(id).filter(|c| c.bucket == bucket && c.key == key)
    }

    /// Forgets an upload; its part files become garbage.
    pub fn remove_upload(&mut self, id: &str) -> Option<(Upload, Garbage)> {
        let upload = self.uploads.remove(id)?;
        let garbage = upload.parts.values().map(|p| self.data_path(&p.file)).collect();
        Some((upload, garbage))
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::super::body::Received;
    use super::super::store::{Store, collect};

    fn put_part(s: &mut Store, id: &str, body: &str) {
        let mut tmp = tempfile::NamedTempFile::new_in(s.tmp_dir()).unwrap();
        tmp.write_all(body.as_bytes()).unwrap();
        let received = Received { size: body.len() as u64, md5: body.as_bytes().to_vec(), ..Default::default() };
        let garbage = s.put_part(id, "b", "k", 1, (tmp.into_temp_path(), &received)).unwrap();
        collect(garbage);
    }

    #[test]
    fn a_part_uploaded_again_cannot_change_the_parts_a_completion_took() {
        let root = tempfile::tempdir().unwrap();
        let mut s = Store::new(root.path().join("s3")).unwrap();
        s.ensure_bucket("b", false);
        let id = s.create_upload("b", "k", Default::default(), None).unwrap();
        put_part(&mut s, &id, "checked bytes");
        let taken = tempfile::tempdir().unwrap();
        let parts = s.snapshot_parts(s.upload(&id, "b", "k").unwrap(), &[1], taken.path()).unwrap();
        // The same part number again: the first body's file is deleted.
        put_part(&mut s, &id, "other bytes");
        assert_eq!(parts.len(), 1);
        assert_eq!(std::fs::read_to_string(&parts[0].0).unwrap(), "checked bytes");
        assert_eq!(parts[0].1, b"checked bytes".to_vec(), "with the md5 of the part it names");
    }
}
