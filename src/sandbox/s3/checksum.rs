//! Additional checksums (S3 User Guide, "Checking object integrity"): the
//! sandbox keeps CRC32, SHA-1 or SHA-256 per object, whichever the client
//! sent (CRC32 when it sent none), and answers it on GET/HEAD with
//! `x-amz-checksum-mode: ENABLED`. Objects completed from parts under SHA-1 or
//! SHA-256 carry a composite checksum: the digest of the parts' digests, `-N`.

use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::body::base64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    Crc32,
    Sha1,
    Sha256,
}

impl Algorithm {
    /// From `x-amz-checksum-algorithm` and friends: CRC32, SHA1, SHA256. The
    /// others S3 knows (CRC32C, CRC64NVME, ...) are not kept here.
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_uppercase().as_str() {
            "CRC32" => Some(Self::Crc32),
            "SHA1" => Some(Self::Sha1),
            "SHA256" => Some(Self::Sha256),
            _ => None,
        }
    }
    /// From a checksum header's name: `x-amz-checksum-sha256`.
    pub fn of_header(name: &str) -> Option<Self> {
        name.strip_prefix("x-amz-checksum-").and_then(Self::parse)
    }
    pub fn name(self) -> &'static str {
        match self {
            Self::Crc32 => "CRC32",
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
        }
    }
    pub fn header(self) -> &'static str {
        match self {
            Self::Crc32 => "x-amz-checksum-crc32",
            Self::Sha1 => "x-amz-checksum-sha1",
            Self::Sha256 => "x-amz-checksum-sha256",
        }
    }
    /// The XML element (CompleteMultipartUpload's parts and result).
    pub fn element(self) -> &'static str {
        match self {
            Self::Crc32 => "ChecksumCRC32",
            Self::Sha1 => "ChecksumSHA1",
            Self::Sha256 => "ChecksumSHA256",
        }
    }
    pub fn all() -> [Self; 3] {
        [Self::Crc32, Self::Sha1, Self::Sha256]
    }
}

/// A stored checksum: base64, with `-N` when composite.
#[derive(Clone, Debug, PartialEq)]
pub struct Checksum {
    pub algorithm: Algorithm,
    pub value: String,
    pub composite: bool,
}

impl Checksum {
    pub fn full(algorithm: Algorithm, value: String) -> Self {
        Self { algorithm, value, composite: false }
    }
    /// `x-amz-checksum-type`.
    pub fn kind(&self) -> &'static str {
        if self.composite { "COMPOSITE" } else { "FULL_OBJECT" }
    }
    /// The response headers that carry it.
    pub fn headers(&self) -> [(String, String); 2] {
        [
            (self.algorithm.header().to_string(), self.value.clone()),
            ("x-amz-checksum-type".to_string(), self.kind().to_string()),
        ]
    }
}

/// The composite checksum of parts whose digests are `parts` (base64): the
/// digest of the concatenated raw digests, then `-` and the number of parts.
pub fn composite(algorithm: Algorithm, parts: &[&str]) -> Option<Checksum> {
    let mut raw = Vec::new();
    for part in parts {
        raw.extend(decode(part)?);
    }
    let digest = match algorithm {
        Algorithm::Sha1 => Sha1::digest(&raw).to_vec(),
        Algorithm::Sha256 => Sha256::digest(&raw).to_vec(),
        // CRC32 multipart objects get a full-object CRC instead.
        Algorithm::Crc32 => return None,
    };
    Some(Checksum { algorithm, value: format!("{}-{}", base64(&digest), parts.len()), composite: true })
}

fn decode(b64: &str) -> Option<Vec<u8>> {
    use ::base64::Engine;
    ::base64::engine::general_purpose::STANDARD.decode(b64).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composite_checksums_hash_the_part_digests() {
        let a = base64(&Sha256::digest(b"part one"));
        let b = base64(&Sha256::digest(b"part two"));
        let mut joined = Sha256::digest(b"part one").to_vec();
        joined.extend(Sha256::digest(b"part two"));
        let c = composite(Algorithm::Sha256, &[&a, &b]).unwrap();
        assert_eq!(c.value, format!("{}-2", base64(&Sha256::digest(&joined))));
        assert_eq!(c.kind(), "COMPOSITE");
        assert_eq!(composite(Algorithm::Sha1, &["not base64!"]), None);
        assert_eq!(Algorithm::of_header("x-amz-checksum-sha1"), Some(Algorithm::Sha1));
        assert_eq!(Algorithm::of_header("x-amz-checksum-crc32c"), None);
    }
}
