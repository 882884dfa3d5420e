//! Bucket operations: create/head/delete, versioning, listings, batch delete.

use std::sync::Arc;

use chrono::Utc;

use super::list::{self, Entry};
use super::store::{self, Bucket, Versioning};
use super::xml::{Xml, iso, malformed, parse};
use super::{S3Request, S3Result, body, respond, with_store, xml_response};
use crate::sandbox::Shared;
use crate::sandbox::http::{self, ApiError};

const SMALL_BODY: u64 = 1024 * 1024;

/// S3's naming rules: 3-63 of `a-z 0-9 . -`, starting and ending alphanumeric.
fn valid_name(name: &str) -> bool {
    let ok_chars = name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    let edge = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    (3..=63).contains(&name.len())
        && ok_chars
        && edge(name.bytes().next())
        && edge(name.bytes().last())
        && !name.contains("..")
}

pub fn list_buckets(shared: &Arc<Shared>, req: &S3Request) -> S3Result {
    let mut doc = Xml::new("ListAllMyBucketsResult");
    doc.owner().open("Buckets");
    with_store(shared, |s| {
        for (name, b) in &s.buckets {
            doc.open("Bucket")
                .elem("Name", name)
                .elem("CreationDate", iso(b.created))
                .elem("BucketRegion", &b.region)
                .close("Bucket");
        }
    });
    doc.close("Buckets");
    Ok(xml_response(doc.finish(), &req.request_id))
}

pub async fn create(shared: &Arc<Shared>, req: S3Request, bucket: &str) -> S3Result {
    // The body (an optional CreateBucketConfiguration) only names a region.
    body::to_memory(req.body, &req.headers, req.expected_sha256.as_deref(), SMALL_BODY).await?;
    if !valid_name(bucket) {
        return Err(ApiError::client("InvalidBucketName", "The specified bucket is not valid.").into());
    }
    with_store(shared, |s| {
        if s.buckets.contains_key(bucket) {
            return Err(ApiError::new(
                409,
                "BucketAlreadyOwnedByYou",
                "Your previous request to create the named bucket succeeded and you already own it.",
            ));
        }
        s.buckets.insert(
            bucket.to_string(),
            Bucket {
                created: Utc::now(),
                region: req.region.clone(),
                versioning: Versioning::Off,
                objects: Default::default(),
            },
        );
        Ok(())
    })?;
    Ok(respond(200, &[("location".into(), format!("/{bucket}"))], http::empty(), &req.request_id))
}

pub fn head(shared: &Arc<Shared>, req: &S3Request, bucket: &str) -> S3Result {
    let region = with_store(shared, |s| s.bucket(bucket).map(|b| b.region.clone()))?;
    Ok(respond(200, &[("x-amz-bucket-region".into(), region)], http::empty(), &req.request_id))
}

pub fn delete(shared: &Arc<Shared>, req: &S3Request, bucket: &str) -> S3Result {
    with_store(shared, |s| s.delete_bucket(bucket))?;
    Ok(respond(204, &[], http::empty(), &req.request_id))
}

pub fn location(shared: &Arc<Shared>, req: &S3Request, bucket: &str) -> S3Result {
    let region = with_store(shared, |s| s.bucket(bucket).map(|b| b.region.clone()))?;
    // us-east-1 is reported as an empty constraint, as S3 has always done.
    let region = if region == "us-east-1" { String::new() } else { http::xml_escape(&region) };
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"{}\">{region}</LocationConstraint>",
        super::xml::NS
    );
    Ok(xml_response(doc, &req.request_id))
}

pub async fn put_versioning(shared: &Arc<Shared>, req: S3Request, bucket: &str) -> S3Result {
    let doc = body::to_memory(req.body, &req.headers, req.expected_sha256.as_deref(), SMALL_BODY).await?;
    let root = parse(&doc)?;
    if root.name != "VersioningConfiguration" {
        return Err(malformed().into());
    }
    let status = match root.child_text("Status") {
        Some("Enabled") => Some(Versioning::Enabled),
        Some("Suspended") => Some(Versioning::Suspended),
        None => None,
        Some(_) => return Err(malformed().into()),
    };
    with_store(shared, |s| {
        let b = s.bucket_mut(bucket)?;
        if let Some(status) = status {
            b.versioning = status;
        }
        Ok::<_, ApiError>(())
    })?;
    Ok(respond(200, &[], http::empty(), &req.request_id))
}

pub fn get_versioning(shared: &Arc<Shared>, req: &S3Request, bucket: &str) -> S3Result {
    let versioning = with_store(shared, |s| s.bucket(bucket).map(|b| b.versioning))?;
    let mut doc = Xml::new("VersioningConfiguration");
    match versioning {
        Versioning::Off => &mut doc,
        Versioning::Enabled => doc.elem("Status", "Enabled"),
        Versioning::Suspended => doc.elem("Status", "Suspended"),
    };
    Ok(xml_response(doc.finish(), &req.request_id))
}

fn max_keys(req: &S3Request) -> Result<usize, ApiError> {
    match req.param("max-keys") {
        None | Some("") => Ok(1000),
        Some(v) => v.parse::<i64>().ok().filter(|n| *n >= 0).map(|n| n.min(1000) as usize).ok_or_else(|| {
            ApiError::client("InvalidArgument", "Provided max-keys not an integer or within integer range")
        }),
    }
}

fn common_prefixes(doc: &mut Xml, entries: &[Entry<'_>]) {
    for e in entries {
        if let Entry::Prefix(p) = e {
            doc.open("CommonPrefixes").elem("Prefix", p).close("CommonPrefixes");
        }
    }
}

pub fn list_versions(shared: &Arc<Shared>, req: &S3Request, bucket: &str) -> S3Result {
    let max = max_keys(req)?;
    let prefix = req.param("prefix").unwrap_or("");
    let delimiter = req.param("delimiter").filter(|d| !d.is_empty());
    let key_marker = req.param("key-marker").unwrap_or("");
    let version_marker = req.param("version-id-marker").unwrap_or("");
    let mut doc = Xml::new("ListVersionsResult");
    doc.elem("Name", bucket)
        .elem("Prefix", prefix)
        .elem("KeyMarker", key_marker)
        .elem("VersionIdMarker", version_marker);
    doc.elem("MaxKeys", max).opt("Delimiter", delimiter);
    with_store(shared, |s| {
        let b = s.bucket(bucket)?;
        let page = list::versions(b, prefix, delimiter, key_marker, version_marker, max);
        doc.elem("IsTruncated", page.truncated);
        if let Some((key, version)) = page.next_marker() {
            doc.elem("NextKeyMarker", key).opt("NextVersionIdMarker", version);
        }
        for e in &page.entries {
            let Entry::Version { key, version: v, latest } = e else { continue };
            let tag = if v.delete_marker { "DeleteMarker" } else { "Version" };
            doc.open(tag).elem("Key", key).elem("VersionId", &v.version_id).elem("IsLatest", latest);
            doc.elem("LastModified", iso(v.last_modified));
            if !v.delete_marker {
                doc.elem("ETag", format!("\"{}\"", v.etag)).elem("Size", v.size).elem("StorageClass", "STANDARD");
            }
            doc.owner().close(tag);
        }
        common_prefixes(&mut doc, &page.entries);
        Ok::<_, ApiError>(())
    })?;
    Ok(xml_response(doc.finish(), &req.request_id))
}

/// ListObjects (v1, `marker`) and ListObjectsV2 (`continuation-token`).
pub fn list_objects(shared: &Arc<Shared>, req: &S3Request, bucket: &str, v2: bool) -> S3Result {
    let max = max_keys(req)?;
    let prefix = req.param("prefix").unwrap_or("");
    let delimiter = req.param("delimiter").filter(|d| !d.is_empty());
    let token = req.param("continuation-token").filter(|t| !t.is_empty());
    let after = match (v2, token) {
        (true, Some(t)) => hex::decode(t)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| ApiError::client("InvalidArgument", "The continuation token provided is incorrect"))?,
        (true, None) => req.param("start-after").unwrap_or("").to_string(),
        (false, _) => req.param("marker").unwrap_or("").to_string(),
    };
    let mut doc = Xml::new("ListBucketResult");
    doc.elem("Name", bucket).elem("Prefix", prefix);
    if !v2 {
        doc.elem("Marker", req.param("marker").unwrap_or(""));
    }
    doc.elem("MaxKeys", max).opt("Delimiter", delimiter);
    let owner = !v2 || req.param("fetch-owner") == Some("true");
    with_store(shared, |s| {
        let b = s.bucket(bucket)?;
        let page = list::objects(b, prefix, delimiter, &after, max);
        doc.elem("IsTruncated", page.truncated);
        let next = page.next_marker().map(|(k, _)| k);
        if v2 {
            doc.elem("KeyCount", page.entries.len())
                .opt("ContinuationToken", token)
                .opt("StartAfter", req.param("start-after"));
            doc.opt("NextContinuationToken", next.map(hex::encode));
        } else {
            doc.opt("NextMarker", next);
        }
        for e in &page.entries {
            let Entry::Version { key, version: v, .. } = e else { continue };
            doc.open("Contents").elem("Key", key).elem("LastModified", iso(v.last_modified));
            doc.elem("ETag", format!("\"{}\"", v.etag)).elem("Size", v.size).elem("StorageClass", "STANDARD");
            if owner {
                doc.owner();
            }
            doc.close("Contents");
        }
        common_prefixes(&mut doc, &page.entries);
        Ok::<_, ApiError>(())
    })?;
    Ok(xml_response(doc.finish(), &req.request_id))
}

/// DeleteObjects: `<Delete><Quiet/><Object><Key/><VersionId/></Object>...`.
pub async fn delete_objects(shared: &Arc<Shared>, req: S3Request, bucket: &str) -> S3Result {
    let body = body::to_memory(req.body, &req.headers, req.expected_sha256.as_deref(), 2 * SMALL_BODY).await?;
    let root = parse(&body)?;
    let objects: Vec<_> = root.children("Object").collect();
    if root.name != "Delete" || objects.is_empty() || objects.len() > 1000 {
        return Err(malformed().into());
    }
    let quiet = root.child_text("Quiet") == Some("true");
    let mut doc = Xml::new("DeleteResult");
    let mut garbage = Vec::new();
    with_store(shared, |s| {
        s.bucket(bucket)?;
        for o in objects {
            let key = o.child_text("Key").ok_or_else(malformed)?;
            let asked = o.child_text("VersionId");
            let (reported, marker, g) = s.delete(bucket, key, asked)?;
            garbage.extend(g);
            if quiet {
                continue;
            }
            doc.open("Deleted").elem("Key", key).opt("VersionId", asked);
            if marker {
                doc.elem("DeleteMarker", true);
                if asked.is_none() {
                    doc.opt("DeleteMarkerVersionId", reported);
                }
            }
            doc.close("Deleted");
        }
        Ok::<_, ApiError>(())
    })?;
    store::collect(garbage);
    Ok(xml_response(doc.finish(), &req.request_id))
}

#[cfg(test)]
mod tests {
    use super::valid_name;

    #[test]
    fn bucket_names_follow_s3_rules() {
        for ok in ["abc", "pipewatch-demo-source", "a.b-c", "123"] {
            assert!(valid_name(ok), "{ok}");
        }
        for bad in ["ab", "Abc", "-abc", "abc-", "a..b", "a_b", &"a".repeat(64)] {
            assert!(!valid_name(bad), "{bad}");
        }
    }
}
