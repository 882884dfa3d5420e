//! SigV4 request verification. Every request to the sandbox must be signed with
//! its credentials: it runs commands from uploaded zips, so an unsigned request
//! from another local user must not reach the engine.

pub mod presign;

use hmac::{Hmac, KeyInit, Mac};
use hyper::HeaderMap;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};

/// Characters SigV4 leaves unencoded: A-Z a-z 0-9 - _ . ~
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

#[derive(Clone, Debug)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
}

/// What a valid Authorization header told us.
#[derive(Clone, Debug, PartialEq)]
pub struct Scope {
    pub access_key: String,
    pub date: String,
    pub region: String,
    pub service: String,
}

#[derive(Debug, PartialEq)]
pub enum AuthError {
    Missing,
    Malformed(String),
    UnknownKey,
    Skewed,
    BadSignature,
}

struct Parsed {
    scope: Scope,
    signed_headers: Vec<String>,
    signature: String,
}

fn parse_authorization(value: &str) -> Result<Parsed, AuthError> {
    let rest = value
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .ok_or_else(|| AuthError::Malformed("only AWS4-HMAC-SHA256 is supported".into()))?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("Credential=") {
            credential = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = Some(v);
        }
    }
    let malformed = |what: &str| AuthError::Malformed(format!("Authorization header lacks {what}"));
    let credential = credential.ok_or_else(|| malformed("Credential"))?;
    let fields: Vec<&str> = credential.split('/').collect();
    if fields.len() != 5 || fields[4] != "aws4_request" {
        return Err(AuthError::Malformed("Credential scope is not KEY/DATE/REGION/SERVICE/aws4_request".into()));
    }
    Ok(Parsed {
        scope: Scope {
            access_key: fields[0].to_string(),
            date: fields[1].to_string(),
            region: fields[2].to_string(),
            service: fields[3].to_string(),
        },
        signed_headers: signed.ok_or_else(|| malformed("SignedHeaders"))?.split(';').map(str::to_string).collect(),
        signature: signature.ok_or_else(|| malformed("Signature"))?.to_string(),
    })
}

/// The credential scope of a request, if it is signed at all; used to pick the
/// service before the body has been read.
pub fn scope_of(headers: &HeaderMap) -> Option<Scope> {
    let value = headers.get("authorization")?.to_str().ok()?;
    parse_authorization(value).ok().map(|p| p.scope)
}

pub struct RequestParts<'a> {
    pub method: &'a str,
    pub raw_path: &'a str,
    pub raw_query: &'a str,
    pub headers: &'a HeaderMap,
    /// Hex SHA-256 of the body, or the literal the client put in
    /// `x-amz-content-sha256` (UNSIGNED-PAYLOAD, STREAMING-...).
    pub payload_hash: &'a str,
}

pub fn verify(creds: &Credentials, req: &RequestParts<'_>) -> Result<Scope, AuthError> {
    let value = req.headers.get("authorization").ok_or(AuthError::Missing)?;
    let value = value.to_str().map_err(|_| AuthError::Malformed("Authorization is not ASCII".into()))?;
    let parsed = parse_authorization(value)?;
    if parsed.scope.access_key != creds.access_key_id {
        return Err(AuthError::UnknownKey);
    }
    let amz_date = req
        .headers
        .get("x-amz-date")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| AuthError::Malformed("missing X-Amz-Date".into()))?;
    let when = chrono::NaiveDateTime::parse_from_str(amz_date, "%Y%m%dT%H%M%SZ")
        .map_err(|_| AuthError::Malformed("X-Amz-Date is not YYYYMMDDTHHMMSSZ".into()))?
        .and_utc();
    if (chrono::Utc::now() - when).num_seconds().abs() > 15 * 60 {
        return Err(AuthError::Skewed);
    }
    let canonical = canonical_request(req, &parsed.scope.service, &parsed.signed_headers);
    let scope = &parsed.scope;
    let expected = expected_signature(creds, scope, amz_date, &canonical);
    if constant_time_eq(expected.as_bytes(), parsed.signature.as_bytes()) {
        Ok(parsed.scope)
    } else {
        Err(AuthError::BadSignature)
    }
}

fn canonical_request(req: &RequestParts<'_>, service: &str, signed_headers: &[String]) -> String {
    // S3 signs the path as sent; every other service signs it encoded once more.
    let path = if req.raw_path.is_empty() { "/" } else { req.raw_path };
    let canonical_uri = if service == "s3" {
        path.to_string()
    } else {
        path.split('/').map(|seg| utf8_percent_encode(seg, UNRESERVED).to_string()).collect::<Vec<_>>().join("/")
    };
    let mut query: Vec<(String, String)> = req
        .raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (encode(&decode(k)), encode(&decode(v)))
        })
        .collect();
    query.sort();
    let canonical_query = query.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    let mut headers = String::new();
    for name in signed_headers {
        let values: Vec<String> = req
            .headers
            .get_all(name.as_str())
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    format!(
        "{}\n{canonical_uri}\n{canonical_query}\n{headers}\n{}\n{}",
        req.method,
        signed_headers.join(";"),
        req.payload_hash
    )
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

fn encode(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so construction cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return Vec::new(),
    };
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// The hex signature of `canonical` for `scope` at `amz_date` (SigV4's
/// string to sign, signed with the derived key): headers and presigned URLs alike.
fn expected_signature(creds: &Credentials, scope: &Scope, amz_date: &str, canonical: &str) -> String {
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{}/{}/{}/aws4_request\n{}",
        scope.date,
        scope.region,
        scope.service,
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let key = signing_key(&creds.secret_access_key, &scope.date, &scope.region, &scope.service);
    hex::encode(hmac(&key, string_to_sign.as_bytes()))
}

fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let k = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k = hmac(&k, region.as_bytes());
    let k = hmac(&k, service.as_bytes());
    hmac(&k, b"aws4_request")
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Signs a request the way SDKs do; used by tests and by the sandbox's own
/// self-check, so both sides of the scheme live in one place.
pub fn sign(creds: &Credentials, region: &str, service: &str, req: &RequestParts<'_>, amz_date: &str) -> String {
    let signed: Vec<String> = {
        let mut names: Vec<String> = req.headers.keys().map(|k| k.as_str().to_string()).collect();
        names.sort();
        names.dedup();
        names
    };
    let canonical = canonical_request(req, service, &signed);
    let date = &amz_date[..8.min(amz_date.len())];
    let sts = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{date}/{region}/{service}/aws4_request\n{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let key = signing_key(&creds.secret_access_key, date, region, service);
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{date}/{region}/{service}/aws4_request, SignedHeaders={}, Signature={}",
        creds.access_key_id,
        signed.join(";"),
        hex::encode(hmac(&key, sts.as_bytes()))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials { access_key_id: "AKIDEXAMPLE".into(), secret_access_key: "secret".into() }
    }

    fn signed_headers(amz_date: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("host", "127.0.0.1:4599".parse().unwrap());
        h.insert("x-amz-date", amz_date.parse().unwrap());
        h
    }

    #[test]
    fn a_signed_request_verifies_and_a_changed_one_does_not() {
        let now = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
        let unsigned = signed_headers(&now);
        let mut headers = unsigned.clone();
        let hash = hex::encode(Sha256::digest(b"{}"));
        let parts =
            RequestParts { method: "POST", raw_path: "/", raw_query: "", headers: &unsigned, payload_hash: &hash };
        let auth = sign(&creds(), "us-east-1", "codepipeline", &parts, &now);
        headers.insert("authorization", auth.parse().unwrap());
        let ok = RequestParts { headers: &headers, ..parts };
        assert_eq!(verify(&creds(), &ok).map(|s| s.service), Ok("codepipeline".to_string()));
        let other_hash = hex::encode(Sha256::digest(b"{\"x\":1}"));
        let tampered = RequestParts { payload_hash: &other_hash, ..ok };
        assert_eq!(verify(&creds(), &tampered), Err(AuthError::BadSignature));
        let wrong = Credentials { access_key_id: "OTHER".into(), ..creds() };
        let again = RequestParts { payload_hash: &hash, ..tampered };
        assert_eq!(verify(&wrong, &again), Err(AuthError::UnknownKey));
    }

    #[test]
    fn stale_dates_and_missing_headers_are_refused() {
        let old = "20200101T000000Z";
        let unsigned = signed_headers(old);
        let mut headers = unsigned.clone();
        let parts = RequestParts {
            method: "GET",
            raw_path: "/b",
            raw_query: "versioning",
            headers: &unsigned,
            payload_hash: "UNSIGNED-PAYLOAD",
        };
        let auth = sign(&creds(), "us-east-1", "s3", &parts, old);
        headers.insert("authorization", auth.parse().unwrap());
        let parts = RequestParts { headers: &headers, ..parts };
        assert_eq!(verify(&creds(), &parts), Err(AuthError::Skewed));
        let none = HeaderMap::new();
        let parts = RequestParts { headers: &none, ..parts };
        assert_eq!(verify(&creds(), &parts), Err(AuthError::Missing));
    }
}
