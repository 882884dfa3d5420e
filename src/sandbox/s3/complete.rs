//! CompleteMultipartUpload: checks the parts named, concatenates them into
//! one object (ETag: the MD5 of the parts' MD5s, `-N`; checksum: a full-object
//! CRC32, or the composite SHA of an upload created with one) and remembers
//! the answer for a retry.

use std::sync::Arc;

use md5::{Digest, Md5};
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter};

use super::checksum::{self, Algorithm, Checksum};
use super::objects::version_header;
use super::store::{self, NewObject};
use super::uploads::{Completed, Upload, Wanted};
use super::xml::{Xml, malformed, parse};
use super::{S3Request, S3Result, body, respond, with_store};
use crate::sandbox::Shared;
use crate::sandbox::http::{self, ApiError, Response};

/// Every part but the last must be at least this big.
const MIN_PART: u64 = 5 * 1024 * 1024;

fn internal(e: std::io::Error) -> ApiError {
    ApiError::new(500, "InternalError", format!("cannot assemble the object: {e}"))
}

fn invalid_part() -> ApiError {
    ApiError::client(
        "InvalidPart",
        "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    )
}

/// The parts a CompleteMultipartUpload body names, in ascending order.
fn requested_parts(doc: &[u8]) -> Result<Vec<Wanted>, ApiError> {
    let root = parse(doc)?;
    if root.name != "CompleteMultipartUpload" {
        return Err(malformed());
    }
    let mut parts = Vec::new();
    for part in root.children("Part") {
        let number = part.child_text("PartNumber").and_then(|n| n.parse::<u32>().ok()).ok_or_else(malformed)?;
        let etag = part.child_text("ETag").ok_or_else(malformed)?.trim_matches('"').to_string();
        let checksums = Algorithm::all()
            .into_iter()
            .filter_map(|a| part.child_text(a.element()).map(|v| (a, v.to_string())))
            .collect();
        parts.push(Wanted { number, etag, checksums });
    }
    if parts.is_empty() {
        return Err(malformed());
    }
    if parts.windows(2).any(|w| w[0].number >= w[1].number) {
        return Err(ApiError::client(
            "InvalidPartOrder",
            "The list of parts was not in ascending order. The parts list must be specified in order by part number.",
        ));
    }
    Ok(parts)
}

/// Checks the named parts against the upload; returns the composite checksum
/// when the upload has a SHA algorithm (S3 User Guide, "Checking object
/// integrity": each part's checksum must then be named in the request).
fn check_parts(upload: &Upload, wanted: &[Wanted]) -> Result<Option<Checksum>, ApiError> {
    let sha = upload.algorithm.filter(|a| *a != Algorithm::Crc32);
    let mut digests = Vec::new();
    for (i, w) in wanted.iter().enumerate() {
        let part = upload.parts.get(&w.number).filter(|p| p.etag == w.etag).ok_or_else(invalid_part)?;
        if part.size < MIN_PART && i + 1 < wanted.len() {
            return Err(ApiError::client(
                "EntityTooSmall",
                "Your proposed upload is smaller than the minimum allowed object size.",
            ));
        }
        let Some(algorithm) = sha else { continue };
        let Some((_, named)) = w.checksums.iter().find(|(a, _)| *a == algorithm) else {
            return Err(ApiError::client(
                "InvalidRequest",
                format!(
                    "The upload was created using a {} checksum. The complete request must include the checksum for each part. It was missing for part {} in the request.",
                    algorithm.name().to_ascii_lowercase(),
                    w.number
                ),
            ));
        };
        if part.checksum.as_deref() != Some(named.as_str()) {
            return Err(invalid_part());
        }
        digests.push(named.as_str());
    }
    Ok(sha.and_then(|a| checksum::composite(a, &digests)))
}

pub async fn complete(shared: &Arc<Shared>, req: S3Request, bucket: &str, key: &str) -> S3Result {
    let id = req.param("uploadId").unwrap_or("").to_string();
    let host = req.header("host").unwrap_or("localhost").to_string();
    let doc = body::to_memory(req.body, &req.headers, req.expected_sha256.as_deref(), 8 * 1024 * 1024).await?;
    // An unknown upload is reported before a bad document, as S3 does.
    let done = with_store(shared, |s| match s.upload(&id, bucket, key) {
        Ok(_) => Ok(None),
        Err(e) => s.completion(&id, bucket, key).cloned().map(Some).ok_or(e),
    })?;
    if let Some(done) = done {
        return retried(done, &doc, &host, &req.request_id);
    }
    let wanted = requested_parts(&doc)?;
    let numbers: Vec<u32> = wanted.iter().map(|w| w.number).collect();
    let tmp_dir = with_store(shared, |s| s.tmp_dir());
    // Removed (with the part links in it) when Complete returns.
    let parts_dir = tempfile::Builder::new().prefix("parts-").tempdir_in(&tmp_dir).map_err(internal)?;
    let (files, composite) = with_store(shared, |s| {
        let upload = s.upload(&id, bucket, key)?;
        let composite = check_parts(upload, &wanted)?;
        let files = s.snapshot_parts(upload, &numbers, parts_dir.path()).map_err(internal)?;
        Ok::<_, ApiError>((files, composite))
    })?;
    let tmp = tempfile::Builder::new().prefix("complete-").tempfile_in(&tmp_dir).map_err(internal)?;
    let (file, tmp) = tmp.into_parts();
    let mut out = BufWriter::with_capacity(1 << 20, tokio::fs::File::from_std(file));
    let mut crc = crc32fast::Hasher::new();
    let mut md5s = Md5::new();
    let mut sizes = Vec::with_capacity(files.len());
    let mut buf = vec![0u8; 1 << 20];
    for (path, md5) in &files {
        md5s.update(md5);
        let mut part = tokio::fs::File::open(path).await.map_err(internal)?;
        let mut size = 0u64;
        loop {
            let n = part.read(&mut buf).await.map_err(internal)?;
            if n == 0 {
                break;
            }
            crc.update(&buf[..n]);
            out.write_all(&buf[..n]).await.map_err(internal)?;
            size += n as u64;
        }
        sizes.push(size);
    }
    let size = sizes.iter().sum();
    out.flush().await.map_err(internal)?;
    drop(out);
    let etag = format!("{}-{}", hex::encode(md5s.finalize()), files.len());
    let checksum =
        composite.unwrap_or_else(|| Checksum::full(Algorithm::Crc32, body::base64(&crc.finalize().to_be_bytes())));
    let finished = with_store(shared, |s| {
        let Some((upload, mut garbage)) = s.remove_upload(&id) else {
            // Completed by a concurrent request while this one assembled.
            return s.completion(&id, bucket, key).cloned().map(Err).ok_or_else(store::no_upload);
        };
        let obj = NewObject { size, etag, checksum: Some(checksum.clone()), meta: upload.meta, parts: Some(sizes) };
        let (version, replaced) = s.put(bucket, key, tmp, obj)?;
        garbage.extend(replaced);
        let versioning = s.bucket(bucket)?.versioning;
        let done = Completed {
            bucket: bucket.to_string(),
            key: key.to_string(),
            parts: wanted.clone(),
            etag: version.etag.clone(),
            checksum: Some(checksum),
            version_id: version_header(versioning, &version.version_id).map(|(_, v)| v),
        };
        s.record_completion(&id, done.clone());
        Ok::<_, ApiError>(Ok((done, version.version_id, garbage)))
    })?;
    let (done, version_id, garbage) = match finished {
        Ok(new) => new,
        Err(done) => return retried(done, &doc, &host, &req.request_id),
    };
    store::collect(garbage);
    shared.object_created(bucket, key, &version_id);
    Ok(completion_response(&done, &host, &req.request_id))
}

/// A CompleteMultipartUpload for an upload already completed: the same answer
/// when it names the same parts (a retry); any other list finds no upload.
fn retried(done: Completed, doc: &[u8], host: &str, rid: &str) -> S3Result {
    if requested_parts(doc).ok().as_ref() != Some(&done.parts) {
        return Err(store::no_upload().into());
    }
    Ok(completion_response(&done, host, rid))
}

fn completion_response(done: &Completed, host: &str, rid: &str) -> Response {
    let (bucket, key) = (&done.bucket, &done.key);
    let mut doc = Xml::new("CompleteMultipartUploadResult");
    doc.elem("Location", format!("http://{host}/{bucket}/{key}"))
        .elem("Bucket", bucket)
        .elem("Key", key)
        .elem("ETag", format!("\"{}\"", done.etag));
    if let Some(c) = &done.checksum {
        doc.elem(c.algorithm.element(), &c.value).elem("ChecksumType", c.kind());
    }
    let mut headers = vec![("content-type".to_string(), "application/xml".to_string())];
    headers.extend(done.version_id.clone().map(|v| ("x-amz-version-id".to_string(), v)));
    respond(200, &headers, http::full(doc.finish()), rid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_parts_must_be_listed_in_ascending_order() {
        let doc = |parts: &str| format!("<CompleteMultipartUpload>{parts}</CompleteMultipartUpload>");
        let ok = doc(
            "<Part><PartNumber>1</PartNumber><ETag>\"a\"</ETag><ChecksumSHA256>x=</ChecksumSHA256></Part><Part><PartNumber>3</PartNumber><ETag>b</ETag></Part>",
        );
        let parts = requested_parts(ok.as_bytes()).unwrap();
        let named: Vec<_> = parts.iter().map(|w| (w.number, w.etag.as_str())).collect();
        assert_eq!(named, vec![(1, "a"), (3, "b")]);
        assert_eq!(parts[0].checksums, vec![(Algorithm::Sha256, "x=".to_string())]);
        let unordered = doc(
            "<Part><PartNumber>2</PartNumber><ETag>a</ETag></Part><Part><PartNumber>1</PartNumber><ETag>b</ETag></Part>",
        );
        assert_eq!(requested_parts(unordered.as_bytes()).unwrap_err().code, "InvalidPartOrder");
        assert_eq!(requested_parts(doc("").as_bytes()).unwrap_err().code, "MalformedXML");
        assert_eq!(requested_parts(b"<Other/>").unwrap_err().code, "MalformedXML");
    }
}
