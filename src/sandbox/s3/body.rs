//! Reads an S3 request body as it arrives: undoes aws-chunked encoding, hashes
//! (MD5 for the ETag, CRC32, SHA-256 when someone will check it) and writes to a
//! temp file, so a large upload never sits in memory. Checks every digest the
//! client claimed.

use std::path::Path;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::HeaderMap;
use hyper::body::Incoming;
use md5::{Digest, Md5};
use sha1::Sha1;
use sha2::Sha256;
use tempfile::TempPath;
use tokio::io::{AsyncWriteExt, BufWriter};

use super::checksum::{Algorithm, Checksum};
use super::chunked::ChunkDecoder;
use crate::sandbox::http::{ApiError, header_str};
use crate::sandbox::limits::Uplink;

/// What the received body hashed to.
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub size: u64,
    pub md5: Vec<u8>,
    pub crc32: u32,
    /// Computed when the request carries or announces one, or the caller asked.
    pub sha1: Option<Vec<u8>>,
    pub sha256: Option<Vec<u8>>,
    /// The checksums the client sent that were checked, in the order sent.
    pub verified: Vec<Algorithm>,
}

impl Received {
    pub fn md5_hex(&self) -> String {
        hex::encode(&self.md5)
    }
    pub fn crc32_b64(&self) -> String {
        base64(&self.crc32.to_be_bytes())
    }
    /// The body's digest under `algorithm`, base64, if it was computed.
    pub fn digest(&self, algorithm: Algorithm) -> Option<String> {
        match algorithm {
            Algorithm::Crc32 => Some(self.crc32_b64()),
            Algorithm::Sha1 => self.sha1.as_deref().map(base64),
            Algorithm::Sha256 => self.sha256.as_deref().map(base64),
        }
    }
    /// The checksum S3 keeps: the SHA the client sent, else CRC32.
    pub fn stored(&self) -> Checksum {
        let algorithm = self.verified.iter().copied().find(|a| *a != Algorithm::Crc32).unwrap_or(Algorithm::Crc32);
        Checksum::full(algorithm, self.digest(algorithm).unwrap_or_default())
    }
}

/// Where decoded bytes go.
enum Sink {
    File(BufWriter<tokio::fs::File>),
    Memory(Vec<u8>),
}

impl Sink {
    async fn write(&mut self, data: &[u8]) -> Result<(), ApiError> {
        match self {
            Sink::File(f) => f
                .write_all(data)
                .await
                .map_err(|e| ApiError::new(500, "InternalError", format!("cannot write the object: {e}"))),
            Sink::Memory(v) => {
                v.extend_from_slice(data);
                Ok(())
            }
        }
    }
}

/// Streams the body into a new temp file in `dir`; the file is deleted unless
/// the caller persists the returned path. With an `uplink`, the body is read
/// no faster than it allows. `also`: a digest to compute even if the client
/// sends none (the checksum algorithm of a multipart upload).
pub async fn to_file(
    body: Incoming,
    headers: &HeaderMap,
    expected_sha256: Option<&str>,
    dir: &Path,
    max: u64,
    uplink: Option<&Uplink>,
    also: Option<Algorithm>,
) -> Result<(Received, TempPath), ApiError> {
    let tmp = tempfile::Builder::new()
        .prefix("upload-")
        .tempfile_in(dir)
        .map_err(|e| ApiError::new(500, "InternalError", format!("cannot create a temp file: {e}")))?;
    let (file, path) = tmp.into_parts();
    let mut sink = Sink::File(BufWriter::with_capacity(1 << 20, tokio::fs::File::from_std(file)));
    let received = receive(body, headers, expected_sha256, &mut sink, max, uplink, also).await?;
    if let Sink::File(mut f) = sink {
        f.flush().await.map_err(|e| ApiError::new(500, "InternalError", format!("cannot write the object: {e}")))?;
    }
    Ok((received, path))
}

/// Reads a small body (XML documents) into memory, with the same checks.
pub async fn to_memory(
    body: Incoming,
    headers: &HeaderMap,
    expected_sha256: Option<&str>,
    max: u64,
) -> Result<Vec<u8>, ApiError> {
    let mut sink = Sink::Memory(Vec::new());
    receive(body, headers, expected_sha256, &mut sink, max, None, None).await?;
    match sink {
        Sink::Memory(v) => Ok(v),
        Sink::File(_) => Ok(Vec::new()),
    }
}

/// The payload length the client declared, before any aws-chunked framing.
pub fn declared_length(headers: &HeaderMap) -> Option<u64> {
    header_str(headers, "x-amz-decoded-content-length")
        .or_else(|| header_str(headers, "content-length"))
        .and_then(|v| v.trim().parse().ok())
}

pub fn is_aws_chunked(headers: &HeaderMap) -> bool {
    let encoded =
        header_str(headers, "content-encoding").is_some_and(|v| v.split(',').any(|e| e.trim() == "aws-chunked"));
    encoded || header_str(headers, "x-amz-content-sha256").is_some_and(|v| v.starts_with("STREAMING-"))
}

async fn receive(
    mut body: Incoming,
    headers: &HeaderMap,
    expected_sha256: Option<&str>,
    sink: &mut Sink,
    max: u64,
    uplink: Option<&Uplink>,
    also: Option<Algorithm>,
) -> Result<Received, ApiError> {
    let chunked = is_aws_chunked(headers);
    let mut decoder = chunked.then(ChunkDecoder::default);
    let announced = header_str(headers, "x-amz-trailer").unwrap_or("");
    let declared = ["x-amz-checksum-algorithm", "x-amz-sdk-checksum-algorithm"]
        .iter()
        .filter_map(|h| header_str(headers, h).and_then(Algorithm::parse))
        .collect::<Vec<_>>();
    let wanted = |a: Algorithm| {
        also == Some(a) || declared.contains(&a) || headers.contains_key(a.header()) || announced.contains(a.header())
    };
    let mut md5 = Md5::new();
    let mut crc = crc32fast::Hasher::new();
    let mut sha = (expected_sha256.is_some() || wanted(Algorithm::Sha256)).then(Sha256::new);
    let mut sha1 = wanted(Algorithm::Sha1).then(Sha1::new);
    let mut size = 0u64;
    let mut http_trailers: Vec<(String, String)> = Vec::new();
    let mut pieces: Vec<Bytes> = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame
            .map_err(|e| ApiError::client("IncompleteBody", format!("The request body could not be read: {e}")))?;
        let data = match frame.into_data() {
            Ok(data) => {
                if let Some(link) = uplink {
                    link.carry(data.len()).await;
                }
                data
            }
            Err(frame) => {
                if let Ok(trailers) = frame.into_trailers() {
                    for (name, value) in &trailers {
                        http_trailers.push((
                            name.as_str().to_string(),
                            String::from_utf8_lossy(value.as_bytes()).trim().to_string(),
                        ));
                    }
                }
                continue;
            }
        };
        pieces.clear();
        match decoder.as_mut() {
            Some(d) => d.feed(data, &mut pieces).map_err(|m| ApiError::client("InvalidRequest", m))?,
            None => pieces.push(data),
        }
        for piece in &pieces {
            size += piece.len() as u64;
            if size > max {
                return Err(too_large());
            }
            md5.update(piece);
            crc.update(piece);
            if let Some(sha) = sha.as_mut() {
                sha.update(piece);
            }
            if let Some(sha1) = sha1.as_mut() {
                sha1.update(piece);
            }
            sink.write(piece).await?;
        }
    }
    let mut claims: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| {
            name.as_str().starts_with("x-amz-checksum-")
                && name.as_str() != "x-amz-checksum-algorithm"
                && name.as_str() != "x-amz-checksum-type"
        })
        .map(|(name, value)| (name.as_str().to_string(), String::from_utf8_lossy(value.as_bytes()).trim().to_string()))
        .collect();
    claims.extend(http_trailers);
    if let Some(d) = &decoder {
        let trailers = d.finish().map_err(|m| ApiError::client("IncompleteBody", m))?;
        claims.extend(trailers.iter().cloned());
        if let Some(declared) =
            header_str(headers, "x-amz-decoded-content-length").and_then(|v| v.trim().parse::<u64>().ok())
            && declared != size
        {
            return Err(ApiError::client(
                "IncompleteBody",
                "You did not provide the number of bytes specified by the Content-Length HTTP header",
            ));
        }
    }
    let mut received = Received {
        size,
        md5: md5.finalize().to_vec(),
        crc32: crc.finalize(),
        sha1: sha1.map(|s| s.finalize().to_vec()),
        sha256: sha.map(|s| s.finalize().to_vec()),
        verified: Vec::new(),
    };
    if let (Some(expected), Some(actual)) = (expected_sha256, &received.sha256)
        && !expected.eq_ignore_ascii_case(&hex::encode(actual))
    {
        return Err(ApiError::client(
            "XAmzContentSHA256Mismatch",
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
        ));
    }
    if let Some(claimed) = header_str(headers, "content-md5")
        && claimed.trim() != base64(&received.md5)
    {
        return Err(ApiError::client("BadDigest", "The Content-MD5 you specified did not match what we received."));
    }
    for (name, value) in &claims {
        // CRC32C, CRC64NVME and the like are accepted but not verified.
        let Some(algorithm) = Algorithm::of_header(name) else { continue };
        let Some(actual) = received.digest(algorithm) else { continue };
        if value != &actual {
            return Err(ApiError::client(
                "BadDigest",
                format!("The {} you specified did not match the calculated checksum.", algorithm.name()),
            ));
        }
        received.verified.push(algorithm);
    }
    Ok(received)
}

pub fn too_large() -> ApiError {
    ApiError::client("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
}

/// Standard base64 with padding, as checksum headers carry digests.
pub fn base64(bytes: &[u8]) -> String {
    use ::base64::Engine;
    ::base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_headers_are_base64_of_the_big_endian_sum() {
        assert_eq!(base64(&crc32fast::hash(b"hello world").to_be_bytes()), "DUoRhQ==");
    }
}
