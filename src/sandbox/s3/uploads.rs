//! Multipart uploads in the store: parts are files under `root/data` until the
//! upload is completed (they are concatenated into a new version) or aborted.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use tempfile::TempPath;

use super::body::Received;
use super::store::{Garbage, ObjectMeta, Store, new_id, no_upload};
use crate::sandbox::http::ApiError;

pub struct Upload {
    pub bucket: String,
    pub key: String,
    pub initiated: DateTime<Utc>,
    pub meta: ObjectMeta,
    pub parts: BTreeMap<u32, Part>,
}

pub struct Part {
    /// md5 hex, no quotes.
    pub etag: String,
    pub md5: Vec<u8>,
    pub size: u64,
    pub last_modified: DateTime<Utc>,
    file: String,
}

impl Store {
    pub fn create_upload(&mut self, bucket: &str, key: &str, meta: ObjectMeta) -> Result<String, ApiError> {
        self.bucket(bucket)?;
        let id = format!("{}{}", new_id(), new_id());
        let upload =
            Upload { bucket: bucket.into(), key: key.into(), initiated: Utc::now(), meta, parts: BTreeMap::new() };
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
        self.upload(id, bucket, key)?;
        let file = new_id();
        let dest = self.data_path(&file);
        body.persist(&dest).map_err(|e| ApiError::new(500, "InternalError", format!("cannot store the part: {e}")))?;
        let part = Part {
            etag: received.md5_hex(),
            md5: received.md5.clone(),
            size: received.size,
            last_modified: Utc::now(),
            file,
        };
        let old = self.uploads.get_mut(id).and_then(|u| u.parts.insert(number, part));
        Ok(old.map(|p| self.data_path(&p.file)).into_iter().collect())
    }

    /// Paths of the parts' bodies, in order, with their sizes and md5s.
    pub fn part_files(&self, upload: &Upload, numbers: &[u32]) -> Vec<(PathBuf, u64, Vec<u8>)> {
        numbers
            .iter()
            .filter_map(|n| upload.parts.get(n))
            .map(|p| (self.data_path(&p.file), p.size, p.md5.clone()))
            .collect()
    }

    /// Forgets an upload; its part files become garbage.
    pub fn remove_upload(&mut self, id: &str) -> Option<(Upload, Garbage)> {
        let upload = self.uploads.remove(id)?;
        let garbage = upload.parts.values().map(|p| self.data_path(&p.file)).collect();
        Some((upload, garbage))
    }
}
