//! Buckets and object versions. The index lives in memory; bodies live on disk
//! under `root/data`, one file per version or part, named by a random id so keys
//! never become paths.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use color_eyre::eyre::{Result, WrapErr};
use tempfile::TempPath;

use super::checksum::Checksum;
pub use super::uploads::{Completions, Upload};
use crate::sandbox::http::ApiError;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Versioning {
    /// Never enabled: GetBucketVersioning shows no Status.
    Off,
    Enabled,
    Suspended,
}

pub struct Bucket {
    pub created: DateTime<Utc>,
    pub region: String,
    /// CreateBucketConfiguration.LocationConstraint as given; empty in us-east-1.
    pub location: String,
    pub versioning: Versioning,
    /// Versions of each key, oldest first.
    pub objects: BTreeMap<String, Vec<Version>>,
}

impl Bucket {
    /// The version a plain GET sees, if the key exists and is not deleted.
    pub fn current(&self, key: &str) -> Option<&Version> {
        self.objects.get(key).and_then(|v| v.last()).filter(|v| !v.delete_marker)
    }
}

/// What S3 keeps besides the bytes: echoed back on HEAD and GET.
#[derive(Debug, Clone, Default)]
pub struct ObjectMeta {
    pub content_type: Option<String>,
    /// `x-amz-meta-*` pairs, names without the prefix, lowercase.
    pub user: Vec<(String, String)>,
    /// Cache-Control, Content-Disposition and friends, as sent.
    pub headers: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Version {
    /// "null" in buckets that were never versioned or are suspended.
    pub version_id: String,
    pub delete_marker: bool,
    pub last_modified: DateTime<Utc>,
    pub size: u64,
    /// Without quotes: md5 hex, or md5-of-md5s-N for multipart.
    pub etag: String,
    /// The additional checksum kept (CRC32 unless the client sent a SHA).
    pub checksum: Option<Checksum>,
    pub meta: ObjectMeta,
    /// Part sizes, in order, of an object completed from a multipart upload.
    pub parts: Option<Vec<u64>>,
    file: Option<String>,
}

/// A new body that is ready to become a version.
pub struct NewObject {
    pub size: u64,
    pub etag: String,
    pub checksum: Option<Checksum>,
    pub meta: ObjectMeta,
    /// Part sizes, in order, of an object completed from a multipart upload.
    pub parts: Option<Vec<u64>>,
}

/// Files no longer referenced; the caller deletes them after unlocking.
pub type Garbage = Vec<PathBuf>;

pub struct Store {
    pub root: PathBuf,
    pub buckets: BTreeMap<String, Bucket>,
    pub uploads: HashMap<String, Upload>,
    pub completed: Completions,
}

pub fn no_bucket() -> ApiError {
    ApiError::new(404, "NoSuchBucket", "The specified bucket does not exist")
}

pub fn no_upload() -> ApiError {
    ApiError::new(
        404,
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
    )
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Whether `id` could name a version here ("null" or a [`new_id`]); S3 answers
/// a malformed one with InvalidArgument, not NoSuchVersion.
pub fn well_formed_version_id(id: &str) -> bool {
    id == "null" || (id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

impl Store {
    pub fn new(root: PathBuf) -> Result<Self> {
        // The index is not persisted, so bodies left by an earlier run are orphans.
        for dir in ["data", "tmp"] {
            let path = root.join(dir);
            if path.exists() {
                std::fs::remove_dir_all(&path).wrap_err_with(|| format!("cannot clear {}", path.display()))?;
            }
            std::fs::create_dir_all(&path).wrap_err_with(|| format!("cannot create {}", path.display()))?;
        }
        Ok(Self { root, buckets: BTreeMap::new(), uploads: HashMap::new(), completed: Completions::default() })
    }

    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    pub(super) fn data_path(&self, file: &str) -> PathBuf {
        self.root.join("data").join(file)
    }

    pub fn ensure_bucket(&mut self, name: &str, versioned: bool) {
        let bucket = self.buckets.entry(name.to_string()).or_insert_with(|| Bucket {
            created: Utc::now(),
            region: "us-east-1".into(),
            location: String::new(),
            versioning: Versioning::Off,
            objects: BTreeMap::new(),
        });
        if versioned {
            bucket.versioning = Versioning::Enabled;
        }
    }

    pub fn bucket(&self, name: &str) -> Result<&Bucket, ApiError> {
        self.buckets.get(name).ok_or_else(no_bucket)
    }

    pub fn bucket_mut(&mut self, name: &str) -> Result<&mut Bucket, ApiError> {
        self.buckets.get_mut(name).ok_or_else(no_bucket)
    }

    /// The file holding an object version's body (the latest when `version_id` is None).
    pub fn object_file(&self, bucket: &str, key: &str, version_id: Option<&str>) -> Option<PathBuf> {
        let bucket = self.buckets.get(bucket)?;
        let version = match version_id {
            None => bucket.current(key)?,
            Some(id) => bucket.objects.get(key)?.iter().find(|v| v.version_id == id)?,
        };
        version.file.as_deref().map(|f| self.data_path(f))
    }

    /// Puts a version's body at `dest` (a hard link, else a copy) while the
    /// caller holds the store's lock, so a later overwrite or delete of the
    /// version cannot change or remove what a reader of `dest` sees. None if
    /// there is no such version.
    pub fn snapshot_object(
        &self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
        dest: &Path,
    ) -> Option<std::io::Result<()>> {
        let from = self.object_file(bucket, key, version_id)?;
        Some(link_or_copy(&from, dest))
    }

    /// The id of the version a plain GET would return.
    pub fn latest_version(&self, bucket: &str, key: &str) -> Option<String> {
        Some(self.buckets.get(bucket)?.current(key)?.version_id.clone())
    }

    /// User metadata (`x-amz-meta-*` names without the prefix) of a version.
    pub fn object_metadata(&self, bucket: &str, key: &str, version_id: Option<&str>) -> Option<Vec<(String, String)>> {
        let bucket = self.buckets.get(bucket)?;
        let version = match version_id {
            None => bucket.current(key)?,
            Some(id) => bucket.objects.get(key)?.iter().find(|v| v.version_id == id && !v.delete_marker)?,
        };
        Some(version.meta.user.clone())
    }

    pub fn delete_bucket(&mut self, name: &str) -> Result<(), ApiError> {
        let bucket = self.bucket(name)?;
        if !bucket.objects.is_empty() || self.uploads.values().any(|u| u.bucket == name) {
            return Err(ApiError::new(409, "BucketNotEmpty", "The bucket you tried to delete is not empty"));
        }
        self.buckets.remove(name);
        Ok(())
    }

    /// Moves `body` into the store as the newest version of `key`.
    pub fn put(
        &mut self,
        bucket: &str,
        key: &str,
        body: TempPath,
        obj: NewObject,
    ) -> Result<(Version, Garbage), ApiError> {
        let file = new_id();
        let dest = self.data_path(&file);
        let b = self.buckets.get_mut(bucket).ok_or_else(no_bucket)?;
        body.persist(&dest)
            .map_err(|e| ApiError::new(500, "InternalError", format!("cannot store the object: {e}")))?;
        let version = Version {
            version_id: if b.versioning == Versioning::Enabled { new_id() } else { "null".into() },
            delete_marker: false,
            last_modified: Utc::now(),
            size: obj.size,
            etag: obj.etag,
            checksum: obj.checksum,
            meta: obj.meta,
            parts: obj.parts,
            file: Some(file),
        };
        let garbage = push_version(b, key, version.clone());
        Ok((version, garbage.into_iter().map(|f| self.data_path(&f)).collect()))
    }

    /// DeleteObject: removes a version, or adds a delete marker. Returns the
    /// version id to report and whether it is (or was) a delete marker.
    pub fn delete(
        &mut self,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<(Option<String>, bool, Garbage), ApiError> {
        let b = self.buckets.get_mut(bucket).ok_or_else(no_bucket)?;
        let mut garbage = Vec::new();
        let outcome = match version_id {
            Some(id) => {
                let mut marker = false;
                if let Some(versions) = b.objects.get_mut(key)
                    && let Some(pos) = versions.iter().position(|v| v.version_id == id)
                {
                    let removed = versions.remove(pos);
                    marker = removed.delete_marker;
                    garbage.extend(removed.file);
                    if versions.is_empty() {
                        b.objects.remove(key);
                    }
                }
                (Some(id.to_string()), marker)
            }
            None if b.versioning == Versioning::Off => {
                if let Some(versions) = b.objects.remove(key) {
                    garbage.extend(versions.into_iter().filter_map(|v| v.file));
                }
                (None, false)
            }
            None => {
                let id = if b.versioning == Versioning::Enabled { new_id() } else { "null".to_string() };
                let marker = Version {
                    version_id: id.clone(),
                    delete_marker: true,
                    last_modified: Utc::now(),
                    size: 0,
                    etag: String::new(),
                    checksum: None,
                    meta: ObjectMeta::default(),
                    parts: None,
                    file: None,
                };
                garbage.extend(push_version(b, key, marker));
                (Some(id), true)
            }
        };
        Ok((outcome.0, outcome.1, garbage.into_iter().map(|f| self.data_path(&f)).collect()))
    }
}

/// Appends a version; outside Enabled versioning the "null" version is replaced.
/// Returns the file names that are no longer referenced.
fn push_version(bucket: &mut Bucket, key: &str, version: Version) -> Vec<String> {
    let versions = bucket.objects.entry(key.to_string()).or_default();
    let mut garbage = Vec::new();
    if version.version_id == "null" {
        versions.retain_mut(|v| {
            if v.version_id == "null" {
                garbage.extend(v.file.take());
                false
            } else {
                true
            }
        });
    }
    versions.push(version);
    garbage
}

/// `to` becomes another name for `from`'s contents: a hard link (instant, no
/// bytes copied) or, across file systems, a copy. Made under a temporary name
/// and renamed, so `to` is whole or absent and an existing `to` is replaced.
pub fn link_or_copy(from: &Path, to: &Path) -> std::io::Result<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = to.with_extension(format!("tmp-{}", new_id()));
    if std::fs::hard_link(from, &tmp).is_err() {
        std::fs::copy(from, &tmp)?;
    }
    std::fs::rename(&tmp, to).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Deletes files the index no longer references. Called without the lock held.
pub fn collect(garbage: Garbage) {
    for path in garbage {
        // A file already gone is fine: nothing else refers to it.
        let _ = std::fs::remove_file(path);
    }
}
