//! The listing documents: ListObjects (v1, `marker`), ListObjectsV2
//! (`continuation-token`) and ListObjectVersions, with `encoding-type=url`.

use std::sync::Arc;

use super::errors::invalid_argument;
use super::list::{self, Entry};
use super::store::well_formed_version_id;
use super::xml::{Xml, iso};
use super::{S3Error, S3Request, S3Result, with_store, xml_response};
use crate::sandbox::Shared;
use crate::sandbox::http::ApiError;

fn max_keys(req: &S3Request) -> Result<usize, S3Error> {
    match req.param("max-keys") {
        None | Some("") => Ok(1000),
        Some(v) => {
            v.parse::<i64>().ok().filter(|n| *n >= 0).map(|n| n.min(1000) as usize).ok_or_else(|| {
                invalid_argument("Provided max-keys not an integer or within integer range", "max-keys", v)
            })
        }
    }
}

/// How key-like values are written: as they are, or URL-encoded when the
/// request says `encoding-type=url` (S3 API Reference, ListObjectsV2,
/// "EncodingType": XML 1.0 cannot carry every character a key may hold).
#[derive(Clone, Copy)]
struct Encoding {
    url: bool,
}

impl Encoding {
    fn of(req: &S3Request) -> Result<Self, S3Error> {
        match req.param("encoding-type") {
            None => Ok(Self { url: false }),
            Some(v) if v.eq_ignore_ascii_case("url") => Ok(Self { url: true }),
            Some(v) => Err(invalid_argument("Invalid Encoding Method specified in Request", "encoding-type", v)),
        }
    }
    fn apply(self, text: &str) -> String {
        if self.url { url_encode(text) } else { text.to_string() }
    }
    fn element(self, doc: &mut Xml) {
        if self.url {
            doc.elem("EncodingType", "url");
        }
    }
}

/// S3's form of URL encoding for keys: unreserved characters and `/` stay,
/// a space becomes `+`, every other byte of the UTF-8 is `%XX` (so a literal
/// `+` is `%2B` and a client decoding with unquote_plus gets the key back).
pub fn url_encode(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for b in key.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn common_prefixes(doc: &mut Xml, entries: &[Entry<'_>], enc: Encoding) {
    for e in entries {
        if let Entry::Prefix(p) = e {
            doc.open("CommonPrefixes").elem("Prefix", enc.apply(p)).close("CommonPrefixes");
        }
    }
}

pub fn versions(shared: &Arc<Shared>, req: &S3Request, bucket: &str) -> S3Result {
    let max = max_keys(req)?;
    let enc = Encoding::of(req)?;
    let prefix = req.param("prefix").unwrap_or("");
    let delimiter = req.param("delimiter").filter(|d| !d.is_empty());
    let key_marker = req.param("key-marker").unwrap_or("");
    let version_marker = req.param("version-id-marker").unwrap_or("");
    if !version_marker.is_empty() {
        if key_marker.is_empty() {
            let message = "A version-id marker cannot be specified without a key marker.";
            return Err(invalid_argument(message, "version-id-marker", version_marker));
        }
        if !well_formed_version_id(version_marker) {
            return Err(invalid_argument("Invalid version id specified", "version-id-marker", version_marker));
        }
    }
    let mut doc = Xml::new("ListVersionsResult");
    doc.elem("Name", bucket)
        .elem("Prefix", enc.apply(prefix))
        .elem("KeyMarker", enc.apply(key_marker))
        .elem("VersionIdMarker", version_marker);
    doc.elem("MaxKeys", max).opt("Delimiter", delimiter.map(|d| enc.apply(d)));
    enc.element(&mut doc);
    with_store(shared, |s| {
        let b = s.bucket(bucket)?;
        let page = list::versions(b, prefix, delimiter, key_marker, version_marker, max);
        doc.elem("IsTruncated", page.truncated);
        if let Some((key, version)) = page.next_marker() {
            doc.elem("NextKeyMarker", enc.apply(&key)).opt("NextVersionIdMarker", version);
        }
        for e in &page.entries {
            let Entry::Version { key, version: v, latest } = e else { continue };
            let tag = if v.delete_marker { "DeleteMarker" } else { "Version" };
            doc.open(tag).elem("Key", enc.apply(key)).elem("VersionId", &v.version_id).elem("IsLatest", latest);
            doc.elem("LastModified", iso(v.last_modified));
            if !v.delete_marker {
                doc.elem("ETag", format!("\"{}\"", v.etag)).elem("Size", v.size).elem("StorageClass", "STANDARD");
            }
            doc.owner().close(tag);
        }
        common_prefixes(&mut doc, &page.entries, enc);
        Ok::<_, ApiError>(())
    })?;
    Ok(xml_response(doc.finish(), &req.request_id))
}

/// ListObjects (v1) and ListObjectsV2.
pub fn objects(shared: &Arc<Shared>, req: &S3Request, bucket: &str, v2: bool) -> S3Result {
    let max = max_keys(req)?;
    let enc = Encoding::of(req)?;
    let prefix = req.param("prefix").unwrap_or("");
    let delimiter = req.param("delimiter").filter(|d| !d.is_empty());
    let token = req.param("continuation-token").filter(|t| !t.is_empty());
    let after = match (v2, token) {
        (true, Some(t)) => hex::decode(t)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| invalid_argument("The continuation token provided is incorrect", "continuation-token", t))?,
        (true, None) => req.param("start-after").unwrap_or("").to_string(),
        (false, _) => req.param("marker").unwrap_or("").to_string(),
    };
    let mut doc = Xml::new("ListBucketResult");
    doc.elem("Name", bucket).elem("Prefix", enc.apply(prefix));
    if !v2 {
        doc.elem("Marker", enc.apply(req.param("marker").unwrap_or("")));
    }
    doc.elem("MaxKeys", max).opt("Delimiter", delimiter.map(|d| enc.apply(d)));
    enc.element(&mut doc);
    let owner = !v2 || req.param("fetch-owner") == Some("true");
    with_store(shared, |s| {
        let b = s.bucket(bucket)?;
        let page = list::objects(b, prefix, delimiter, &after, max);
        doc.elem("IsTruncated", page.truncated);
        let next = page.next_marker().map(|(k, _)| k);
        if v2 {
            doc.elem("KeyCount", page.entries.len())
                .opt("ContinuationToken", token)
                .opt("StartAfter", req.param("start-after").map(|a| enc.apply(a)));
            // The token is opaque (hex), so it needs no encoding.
            doc.opt("NextContinuationToken", next.map(hex::encode));
        } else if delimiter.is_some() {
            // S3 API Reference, ListObjects, "NextMarker": returned only with a
            // delimiter; otherwise the last Key is the next marker.
            doc.opt("NextMarker", next.map(|k| enc.apply(&k)));
        }
        for e in &page.entries {
            let Entry::Version { key, version: v, .. } = e else { continue };
            doc.open("Contents").elem("Key", enc.apply(key)).elem("LastModified", iso(v.last_modified));
            doc.elem("ETag", format!("\"{}\"", v.etag)).elem("Size", v.size).elem("StorageClass", "STANDARD");
            if owner {
                doc.owner();
            }
            doc.close("Contents");
        }
        common_prefixes(&mut doc, &page.entries, enc);
        Ok::<_, ApiError>(())
    })?;
    Ok(xml_response(doc.finish(), &req.request_id))
}

#[cfg(test)]
mod tests {
    use super::url_encode;

    #[test]
    fn keys_are_encoded_as_s3_does() {
        assert_eq!(url_encode("a b.txt"), "a+b.txt");
        assert_eq!(url_encode("a+b.txt"), "a%2Bb.txt");
        assert_eq!(url_encode("100%.csv"), "100%25.csv");
        assert_eq!(url_encode("dir/ü\r"), "dir/%C3%BC%0D");
    }
}
